import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Log } from '../../dialogs/ports/logger';
import { DIRECTLINE_BASE_PATH, type LocalDirectLine } from '../directline/localDirectLine';
import { HttpError, WindowLimiter, clientIp, randomId, readJson, route } from '../directline/httpKit';
import { projectRoot } from '../../knowledge/projectRoot';
import { loadAsset, loadLargeAsset, sendAsset, webChatBundlePath, type StaticAsset } from './staticAssets';

/**
 * The patient-facing chat page: `GET /` (UHS-branded, embeds the official Web Chat), the Web
 * Chat bundle from the installed package, the floating-widget snippet, and the token endpoint
 * the page calls first. With DIRECTLINE_SECRET the endpoint exchanges the secret with Azure
 * (the secret never reaches a browser); otherwise it hands out a local Direct Line token.
 */

/** Where the page asks for a token. */
export const TOKEN_PATH = '/api/directline/token';

/** Options of {@link registerWebChat}. */
export interface WebChatOptions {
  /** DIRECTLINE_SECRET: when set, the page talks to Azure's Direct Line. */
  directLineSecret?: string;
  /** DIRECTLINE_ENDPOINT, e.g. https://directline.botframework.com/v3/directline. */
  directLineEndpoint: string;
  /** The local Direct Line, or undefined when LOCAL_DIRECTLINE=false. */
  localDirectLine?: LocalDirectLine;
  /** WIDGET_ORIGINS: origins besides this one whose pages may frame the chat (the widget). */
  frameAncestors?: readonly string[];
  limits: {
    /** BODY_LIMIT_BYTES. */
    bodyLimitBytes: number;
    /** ATTACHMENT_MAX_BYTES: the page shows it beside a picked file that is larger. */
    attachmentMaxBytes?: number;
    /** RATE_LIMIT_PER_IP_PER_MINUTE: requests to the token endpoint per IP per minute... */
    ratePerIpPerMinute: number;
    /** ...of which new tokens at most (default a tenth, at least 5). */
    tokensPerIpPerMinute?: number;
  };
  log: Log;
  /** Believe X-Forwarded-For for rate-limit keys (only behind a known reverse proxy). */
  trustProxy?: boolean;
  /** How often Web Chat polls the local Direct Line; default 1000 ms (Web Chat's own default). */
  pollingIntervalMs?: number;
  /** Longest wait for Azure's token endpoint; default 5000 ms. */
  azureTimeoutMs?: number;
}

/** What the page receives from {@link TOKEN_PATH}. */
export interface ChatSession {
  token: string;
  conversationId: string;
  /** The user id Web Chat must use (bound to the token). */
  userId: string;
  expires_in: number;
  /** Direct Line base URL: Azure's endpoint, or `directline` relative to the page. */
  domain: string;
  /** Azure streams over WebSocket; the local service is polled. */
  webSocket: boolean;
  pollingIntervalMs?: number;
  /** The largest file the bot takes (ATTACHMENT_MAX_BYTES), for the page's pending-file note. */
  attachmentMaxBytes?: number;
}

const azureTokenSchema = z.object({
  conversationId: z.string().min(1),
  token: z.string().min(1),
  expires_in: z.number().int().positive(),
});

/** Registers the page, its assets and the token endpoint on `server`. */
export function registerWebChat(server: Server, options: WebChatOptions): void {
  const { log } = options;
  const publicDir = join(projectRoot(), 'bot', 'web', 'public');
  const endpoint = options.directLineEndpoint.replace(/\/+$/, '');
  const azure = new URL(endpoint);
  const azureConnect = options.directLineSecret ? ` ${azure.origin} wss://${azure.host}` : '';
  // What Web Chat needs and no more: inline styles (it uses CSS-in-JS); a worker from a blob:
  // URL (it resizes a picked photo off the main thread); blob: reads (Direct Line reads the
  // picked file through its object URL before uploading it); data:/blob: images (previews).
  const pageCsp = [
    "default-src 'self'",
    "script-src 'self'",
    'worker-src blob:',
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'none'",
    "font-src 'self'",
    `connect-src 'self' blob:${azureConnect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    // The floating widget frames the page: on the bot's own pages, and on the sites listed in
    // WIDGET_ORIGINS. Nobody else may (a framed chat could be overlaid to trick a patient).
    ['frame-ancestors', "'self'", ...(options.frameAncestors ?? []).map((origin) => new URL(origin).origin)].join(' '),
  ].join('; ');

  const short = 'no-cache';
  const asset = (file: string, type: string, headers?: Record<string, string>) =>
    loadAsset(join(publicDir, file), type, short, headers);
  const assets: Record<string, StaticAsset> = {
    '/': asset('index.html', 'text/html; charset=utf-8', { 'Content-Security-Policy': pageCsp }),
    '/app.js': asset('app.js', 'text/javascript; charset=utf-8'),
    '/app.css': asset('app.css', 'text/css; charset=utf-8'),
    '/favicon.svg': asset('favicon.svg', 'image/svg+xml'),
    // Loaded by other sites' pages: allow cross-origin use of the script.
    '/widget.js': asset('widget.js', 'text/javascript; charset=utf-8', { 'Cross-Origin-Resource-Policy': 'cross-origin' }),
    '/widget-demo': asset('widget-demo.html', 'text/html; charset=utf-8', {
      'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-src 'self'; object-src 'none'; base-uri 'none'",
    }),
  };
  for (const [path, file] of Object.entries(assets)) {
    server.get(path, (req: Request, res: Response, next: () => void) => {
      sendAsset(req, res, file);
      next();
    });
  }

  // 3.9 MB: read and gzipped once, on first request, without blocking other requests.
  let bundle: Promise<StaticAsset> | undefined;
  server.get(
    '/webchat/webchat.js',
    route(log, 'webChatBundle', async (req, res) => {
      bundle ??= loadLargeAsset(webChatBundlePath(), 'text/javascript; charset=utf-8', 'public, max-age=86400').catch((err: unknown) => {
        bundle = undefined; // try again on the next request
        throw err;
      });
      sendAsset(req, res, await bundle);
    }),
  );

  const requests = new WindowLimiter(options.limits.ratePerIpPerMinute, 60);
  const newTokens = new WindowLimiter(
    options.limits.tokensPerIpPerMinute ?? Math.max(5, Math.floor(options.limits.ratePerIpPerMinute / 10)),
    60,
  );

  const azureSession = async (): Promise<ChatSession> => {
    // Server-chosen user id (Azure wants the dl_ prefix): the bot keys user state by it.
    const userId = `dl_${randomId(12)}`;
    let response: globalThis.Response;
    try {
      response = await fetch(`${endpoint}/tokens/generate`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${options.directLineSecret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: { id: userId } }),
        signal: AbortSignal.timeout(options.azureTimeoutMs ?? 5000),
      });
    } catch {
      log.warn({ code: 'DirectLineUnreachable' }, 'Direct Line token exchange failed');
      throw new HttpError(502, 'DirectLineUnavailable', 'Chat is unavailable right now');
    }
    const parsed = azureTokenSchema.safeParse(await response.json().catch(() => undefined));
    if (!response.ok || !parsed.success) {
      log.warn({ code: 'DirectLineRefused', status: response.status }, 'Direct Line token exchange failed');
      throw new HttpError(502, 'DirectLineUnavailable', 'Chat is unavailable right now');
    }
    return { ...parsed.data, userId, domain: endpoint, webSocket: true };
  };

  server.post(
    TOKEN_PATH,
    route(log, 'directLineToken', async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      const ip = clientIp(req, options.trustProxy ?? false);
      await requests.consume(ip);
      await readJson(req, options.limits.bodyLimitBytes); // nothing is needed from it: cap it only
      if (!options.directLineSecret && !options.localDirectLine) {
        throw new HttpError(503, 'ChatUnavailable', 'Chat is not configured on this server');
      }
      await newTokens.consume(ip);
      if (options.directLineSecret) {
        res.send(200, { ...(await azureSession()), attachmentMaxBytes: options.limits.attachmentMaxBytes });
        return;
      }
      const issued = (options.localDirectLine as LocalDirectLine).issueToken();
      const session: ChatSession = {
        token: issued.token,
        conversationId: issued.conversationId,
        userId: issued.userId,
        expires_in: issued.expiresIn,
        domain: DIRECTLINE_BASE_PATH.slice(1),
        webSocket: false,
        pollingIntervalMs: options.pollingIntervalMs ?? 1000,
        attachmentMaxBytes: options.limits.attachmentMaxBytes,
      };
      res.send(200, session);
    }),
  );
}
