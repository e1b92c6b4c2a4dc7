import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'restify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Log } from '../../dialogs/ports/logger';

/**
 * Small HTTP helpers shared by the local Direct Line, its Connector routes and the Web Chat
 * page routes. They read bodies themselves (instead of restify's bodyParser) so that every
 * route has its own size cap and multipart uploads never touch the disk.
 */

/** An expected HTTP failure: becomes a Direct Line style `{ error: { code, message } }` body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 with the Direct Line error code `BadArgument`. */
export const badArgument = (message: string): HttpError => new HttpError(400, 'BadArgument', message);

/** 429 when the conversation store is full (memory cap), with a Retry-After. */
export const tooManyConversations = (): HttpError =>
  new HttpError(429, 'TooManyConversations', 'Too many conversations; try again later', { 'Retry-After': '60' });

/** Sends `err` as JSON. Unexpected errors become a logged 500 that reveals nothing. */
export function sendError(res: Response, err: unknown, log: Log, route: string): void {
  if (res.headersSent) return;
  if (err instanceof HttpError) {
    for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
    res.send(err.status, { error: { code: err.code, message: err.message } });
    return;
  }
  // A bug, not bad input: log the route and the error class only (never bodies).
  log.error({ route, err: err instanceof Error ? err.name : typeof err }, 'directline route failed');
  res.send(500, { error: { code: 'ServiceError', message: 'Internal error' } });
}

/** An async route body; `route` turns its outcome into a response. */
export type RouteBody = (req: Request, res: Response) => Promise<void>;

/**
 * Wraps an async handler so that thrown {@link HttpError}s become 4xx responses and nothing
 * escapes to restify (whose default would be a 500 and, for sync throws, a crash risk).
 */
export function route(log: Log, name: string, body: RouteBody): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    try {
      await body(req, res);
    } catch (err) {
      sendError(res, err, log, name);
    }
  };
}

/** A random, URL-safe identifier with `bytes` bytes of entropy (16 bytes = 128 bits). */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/** The query parameters of a request, parsed without restify's queryParser plugin. */
export function queryOf(req: IncomingMessage): URLSearchParams {
  try {
    return new URL(req.url ?? '/', 'http://local').searchParams;
  } catch {
    throw badArgument('Malformed URL');
  }
}

/** A route parameter, required to match `pattern`; 404 otherwise (an id we cannot have issued). */
export function paramOf(req: Request, name: string, pattern: RegExp): string {
  const value: unknown = (req.params as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new HttpError(404, 'NotFound', `Unknown ${name}`);
  }
  return value;
}

/**
 * Reads the raw body with a byte cap. Refuses early on a too-large Content-Length and stops
 * reading as soon as the cap is passed, so an oversized body costs at most `limit` bytes.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      if (err) {
        // Drain the rest without buffering it, so the client can read our 413.
        req.resume();
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) finish(tooLarge(limit));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish());
    req.once('error', () => finish(badArgument('Request body could not be read')));
    req.once('aborted', () => finish(badArgument('Request aborted')));
  });
}

/** 413 for a body over `limit` bytes. */
export function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'PayloadTooLarge', `Body larger than ${limit} bytes`, { Connection: 'close' });
}

/**
 * Reads a JSON body (capped at `limit` bytes). An empty body reads as `undefined`; a body with
 * a non-JSON content type gets 415, a body that does not parse gets 400. A body that an
 * upstream parser already produced (`req.body`) is used as is.
 */
export async function readJson(req: Request, limit: number): Promise<unknown> {
  const preParsed: unknown = (req as { body?: unknown }).body;
  if (preParsed !== undefined && typeof preParsed === 'object' && !Buffer.isBuffer(preParsed)) {
    if (!depthWithin(preParsed, MAX_JSON_DEPTH)) throw badArgument(`JSON nested deeper than ${MAX_JSON_DEPTH}`);
    return preParsed;
  }
  const raw = await readBody(req, limit);
  if (raw.length === 0) return undefined;
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (type && !/^application\/([\w.+-]*\+)?json\b/.test(type) && !type.startsWith('text/plain')) {
    throw new HttpError(415, 'UnsupportedMediaType', 'Expected application/json');
  }
  return parseJsonText(raw.toString('utf8'));
}

/** Deepest JSON nesting accepted: deeper values would overflow `JSON.stringify` later. */
export const MAX_JSON_DEPTH = 64;

/** Parses JSON text, refusing (400) text that does not parse or nests deeper than {@link MAX_JSON_DEPTH}. */
export function parseJsonText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw badArgument('Body is not valid JSON');
  }
  if (!depthWithin(value, MAX_JSON_DEPTH)) throw badArgument(`JSON nested deeper than ${MAX_JSON_DEPTH}`);
  return value;
}

/** Whether `value` nests at most `max` levels (iterative, so it cannot overflow the stack itself). */
export function depthWithin(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return false;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return true;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/** Whether the TCP peer is this machine. */
export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.test(address);
}

/** Whether a reverse proxy relayed the request (it then came from outside, whatever the peer). */
export function isProxied(req: IncomingMessage): boolean {
  return ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host'].some((h) => req.headers[h] !== undefined);
}

/**
 * The client's IP for rate limiting. `X-Forwarded-For` is believed only when `trustProxy` is
 * set (behind a known reverse proxy); otherwise anyone could pick their own key.
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first.slice(0, 64);
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** A fixed-window, per-key limiter of `points` requests per `seconds`, held in memory. */
export class WindowLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(points: number, seconds: number) {
    this.limiter = new RateLimiterMemory({ points, duration: seconds });
  }

  /** Counts one request for `key`; throws 429 with Retry-After when the window is used up. */
  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        const retry = String(Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
        throw new HttpError(429, 'TooManyRequests', 'Too many requests', { 'Retry-After': retry });
      }
      throw err;
    }
  }
}

/** Reads the bearer token of the Authorization header; 401 when it is missing or malformed. */
export function bearerOf(req: IncomingMessage): string {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S{1,2048})$/i.exec(header.trim()) : null;
  if (!match) throw new HttpError(401, 'Unauthorized', 'Missing bearer token');
  return match[1];
}
