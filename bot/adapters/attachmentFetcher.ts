import { promises as dnsPromises, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { z } from 'zod';
import type { Log } from '../../dialogs/ports';
import { silentLog } from '../../dialogs/ports';
import type { AttachmentFetcher, FetchedAttachment } from '../../dialogs/services';

/**
 * The attachment fetcher: downloads the bytes of a chat attachment (`contentUrl`) for the upload
 * diagnosis, in memory only, with a size cap and an overall timeout, and refuses to be used as a
 * proxy into the bot's own network (SSRF).
 *
 * Policy:
 * - Schemes: `http:`, `https:` and `data:` only; no user name or password in the URL.
 * - Every address a host name resolves to (IPv4 and IPv6) must be public: private, loopback,
 *   link-local, shared (CGNAT), multicast, unspecified, reserved and cloud metadata addresses
 *   are refused, including IPv4 addresses hidden inside IPv6 (IPv4-mapped `::ffff:a.b.c.d`,
 *   NAT64 `64:ff9b::/96`, 6to4 `2002::/16`). The connection is then pinned to the vetted
 *   addresses, so a second DNS answer (DNS rebinding) cannot send it elsewhere.
 * - Exception: origins on the allow-list given to the constructor (the bot's own local Direct
 *   Line, `http://127.0.0.1:<port>`, and `PUBLIC_URL`) may be private or loopback.
 * - Redirects are followed (at most `maxRedirects`) and every hop is vetted again.
 * - The size cap is checked against `Content-Length` first, then enforced while streaming (a
 *   server may lie or send no length); the download stops as soon as it is exceeded.
 * - One deadline (`timeoutMs`, default 10 s) covers DNS, connecting, redirects and the body.
 * Expected failures are values (`{ ok: false, reason }`), never exceptions.
 */

/** One resolved address of a host name. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (injectable so tests can simulate DNS answers). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** Options of {@link SafeAttachmentFetcher}. */
export interface AttachmentFetcherOptions {
  /** Origins (`scheme://host:port`) allowed even when they are private or loopback: the bot's own Direct Line, PUBLIC_URL. */
  allowedOrigins?: string[];
  /** Overall deadline of one fetch, in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Redirects followed before giving up (default 3). */
  maxRedirects?: number;
  /** DNS resolution; default `dns.lookup` with `all: true`. */
  resolve?: Resolver;
  /** Logs outcomes as codes and byte counts only, never URLs (they can carry tokens). */
  log?: Log;
}

const originSchema = z
  .string()
  .trim()
  .refine((v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL')
  .transform((v) => new URL(v).origin);

const optionsSchema = z.object({
  allowedOrigins: z.array(originSchema).default([]),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  maxRedirects: z.number().int().min(0).max(10).default(3),
});

const IPV4_BLOCKED: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT), includes 100.100.100.200 metadata'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local, includes 169.254.169.254 metadata'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved, includes broadcast'],
  ['168.63.129.16', 32, 'Azure platform (wireserver) metadata'],
];

const IPV6_BLOCKED: Array<[string, number, string]> = [
  ['::', 96, 'unspecified, loopback and IPv4-compatible'],
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['100::', 64, 'discard'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local, includes fd00:ec2::254 metadata'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

const BLOCKED_V4 = new net.BlockList();
for (const [network, prefix] of IPV4_BLOCKED) BLOCKED_V4.addSubnet(network, prefix, 'ipv4');
const BLOCKED_V6 = new net.BlockList();
for (const [network, prefix] of IPV6_BLOCKED) BLOCKED_V6.addSubnet(network, prefix, 'ipv6');

/** Parses an IPv6 address (with `::`, a dotted-quad tail or a zone id) into eight 16-bit groups. */
function ipv6Groups(address: string): number[] | null {
  let text = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    if (net.isIPv4(quad[1]) === false) return null;
    const [a, b, c, d] = quad[1].split('.').map(Number);
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0 || [...head, ...tail].some((g) => Number.isNaN(g) || g < 0 || g > 0xffff)) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

const v4FromGroups = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/**
 * Why `address` must not be fetched (a short code), or `null` when it is a public address.
 * IPv4 addresses embedded in IPv6 (IPv4-mapped, NAT64, 6to4) are judged as the IPv4 address.
 */
export function blockedAddressReason(address: string): string | null {
  if (net.isIPv4(address)) {
    return BLOCKED_V4.check(address, 'ipv4') ? 'non-public-ipv4' : null;
  }
  const groups = ipv6Groups(address);
  if (!groups || !net.isIPv6(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''))) return 'invalid-address';
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const isNat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (isMapped || isNat64) return blockedAddressReason(v4FromGroups(groups[6], groups[7])) && 'non-public-embedded-ipv4';
  if (groups[0] === 0x2002) return blockedAddressReason(v4FromGroups(groups[1], groups[2])) && 'non-public-embedded-ipv4';
  const canonical = groups.map((g) => g.toString(16)).join(':');
  return BLOCKED_V6.check(canonical, 'ipv6') ? 'non-public-ipv6' : null;
}

/** The default resolver: every address the system resolver knows, in its own order. */
const systemResolver: Resolver = async (hostname) => {
  const found: LookupAddress[] = await dnsPromises.lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Decodes `%XX` escapes into bytes (a data: URL without base64); `null` on a bad escape. */
function percentDecode(text: string): Buffer | null {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (ch < 0x80) {
      out.push(ch);
    } else {
      out.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Buffer.from(out);
}

/**
 * Decodes a `data:` URL (RFC 2397) with the size cap checked before decoding: base64 length
 * tells the decoded size exactly, and percent-encoding never grows the data.
 */
export function decodeDataUrl(url: string, maxBytes: number): FetchedAttachment {
  const comma = url.indexOf(',');
  if (!/^data:/i.test(url) || comma < 0) return { ok: false, reason: 'failed' };
  const meta = url.slice(5, comma);
  const data = url.slice(comma + 1);
  if (/;base64$/i.test(meta)) {
    const clean = data.replace(/\s+/g, '');
    const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
    if (Math.floor((clean.length * 3) / 4) - padding > maxBytes) return { ok: false, reason: 'too-large' };
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return { ok: false, reason: 'failed' };
    return { ok: true, bytes: new Uint8Array(Buffer.from(clean, 'base64')) };
  }
  const bytes = percentDecode(data);
  if (!bytes) return { ok: false, reason: 'failed' };
  if (bytes.length > maxBytes) return { ok: false, reason: 'too-large' };
  return { ok: true, bytes: new Uint8Array(bytes) };
}

/** What one HTTP hop gave. */
type Hop = { kind: 'redirect'; location: string } | { kind: 'done'; result: FetchedAttachment };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Implements the {@link AttachmentFetcher} port with the policy described at the top of this
 * file. Use `fetcher.fetch` as `services.fetchAttachment`.
 */
export class SafeAttachmentFetcher {
  private readonly allowedOrigins: ReadonlySet<string>;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  private readonly resolve: Resolver;
  private readonly log: Log;

  /** Validates the options with zod; a bad allow-list entry is a start-up error. */
  constructor(options: AttachmentFetcherOptions = {}) {
    const parsed = optionsSchema.parse({
      allowedOrigins: options.allowedOrigins,
      timeoutMs: options.timeoutMs,
      maxRedirects: options.maxRedirects,
    });
    this.allowedOrigins = new Set(parsed.allowedOrigins);
    this.timeoutMs = parsed.timeoutMs;
    this.maxRedirects = parsed.maxRedirects;
    this.resolve = options.resolve ?? systemResolver;
    this.log = options.log ?? silentLog;
  }

  /** The port function: bound, so it can be passed around as `services.fetchAttachment`. */
  readonly fetch: AttachmentFetcher = async (contentUrl, maxBytes) => {
    const result = await this.fetchUrl(contentUrl, maxBytes);
    this.log.info(
      { event: 'attachment-fetch', outcome: result.ok ? 'ok' : result.reason, bytes: result.ok ? result.bytes.length : undefined },
      'attachment fetched',
    );
    return result;
  };

  private async fetchUrl(contentUrl: unknown, maxBytes: number): Promise<FetchedAttachment> {
    const input = z.string().min(1).safeParse(contentUrl);
    if (!input.success || !Number.isFinite(maxBytes) || maxBytes < 0) return { ok: false, reason: 'failed' };
    if (/^data:/i.test(input.data)) return decodeDataUrl(input.data, maxBytes);

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      let url: URL;
      try {
        url = new URL(input.data);
      } catch {
        return { ok: false, reason: 'failed' };
      }
      for (let hop = 0; hop <= this.maxRedirects; hop++) {
        const addresses = await this.vet(url, controller.signal);
        if (timedOut) return { ok: false, reason: 'timeout' };
        if (addresses === 'refused') return { ok: false, reason: 'refused' };
        if (addresses === 'failed') return { ok: false, reason: 'failed' };
        const result = await this.request(url, addresses, maxBytes, controller.signal, () => timedOut);
        if (result.kind === 'done') return result.result;
        try {
          url = new URL(result.location, url);
        } catch {
          return { ok: false, reason: 'failed' };
        }
      }
      return { ok: false, reason: 'failed' };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Checks the URL against the policy and returns the addresses to connect to. */
  private async vet(url: URL, signal: AbortSignal): Promise<ResolvedAddress[] | 'refused' | 'failed'> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'refused';
    if (url.username || url.password) return 'refused';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: ResolvedAddress[];
    if (net.isIP(host)) {
      addresses = [{ address: host, family: net.isIPv6(host) ? 6 : 4 }];
    } else {
      try {
        addresses = await Promise.race([
          this.resolve(host),
          new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })),
        ]);
      } catch {
        return 'failed';
      }
    }
    if (addresses.length === 0) return 'failed';
    if (this.allowedOrigins.has(url.origin)) return addresses;
    return addresses.every((a) => blockedAddressReason(a.address) === null) ? addresses : 'refused';
  }

  /** One GET to `url`, connecting only to `addresses`; follows nothing itself. */
  private request(url: URL, addresses: ResolvedAddress[], maxBytes: number, signal: AbortSignal, timedOut: () => boolean): Promise<Hop> {
    return new Promise<Hop>((resolve) => {
      let settled = false;
      const settle = (hop: Hop) => {
        if (settled) return;
        settled = true;
        resolve(hop);
      };
      const fail = () => settle({ kind: 'done', result: { ok: false, reason: timedOut() ? 'timeout' : 'failed' } });
      // Pin the connection to the vetted addresses: the socket never asks DNS again.
      const lookup = (_host: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
        if (opts.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
        else callback(null, addresses[0].address, addresses[0].family);
      };
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(
        url,
        {
          method: 'GET',
          agent: false,
          signal,
          lookup: lookup as unknown as net.LookupFunction,
          // Compressed bodies would defeat both the size cap and the type sniffing.
          headers: { accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'uhs-portal-help-bot/attachment-check' },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (REDIRECTS.has(status) && typeof res.headers.location === 'string') {
            res.resume();
            settle({ kind: 'redirect', location: res.headers.location });
            return;
          }
          if (status < 200 || status > 299) {
            res.resume();
            settle({ kind: 'done', result: { ok: false, reason: 'failed' } });
            return;
          }
          const declared = Number(res.headers['content-length']);
          // Settle before destroying: destroying emits 'aborted' synchronously, which would report 'failed'.
          if (Number.isFinite(declared) && declared > maxBytes) {
            settle({ kind: 'done', result: { ok: false, reason: 'too-large' } });
            res.destroy();
            return;
          }
          const chunks: Buffer[] = [];
          let total = 0;
          res.on('data', (chunk: Buffer) => {
            total += chunk.length;
            if (total > maxBytes) {
              settle({ kind: 'done', result: { ok: false, reason: 'too-large' } });
              res.destroy();
              req.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => settle({ kind: 'done', result: { ok: true, bytes: new Uint8Array(Buffer.concat(chunks, total)) } }));
          res.on('error', fail);
          res.on('aborted', fail);
          res.on('close', () => {
            if (!res.complete) fail();
          });
        },
      );
      req.on('error', fail);
      req.end();
    });
  }
}

/**
 * The origins of the bot itself, for the allow-list: the local Direct Line on `port` under the
 * loopback names, and `publicUrl` when set.
 */
export function ownOrigins(port: number, publicUrl?: string): string[] {
  const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
  if (publicUrl) origins.push(new URL(publicUrl).origin);
  return origins;
}
