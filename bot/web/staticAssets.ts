import { createHash } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response } from 'restify';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/**
 * Static files of the chat page, held in memory and served with ETags. Paths are found at run
 * time (the project root by walking up, the Web Chat bundle through `require.resolve`), so they
 * work from dist/ and from any dist-<name>/ output directory alike.
 */

/**
 * `dist/webchat.js` of the installed botframework-webchat. Its `exports` map hides subpaths from
 * `require.resolve`, so this resolves the package's main file and cuts the path at the
 * package's own folder (`…/node_modules/botframework-webchat`), wherever npm put it.
 */
export function webChatBundlePath(): string {
  const main = require.resolve('botframework-webchat');
  const marker = join('node_modules', 'botframework-webchat');
  const at = main.lastIndexOf(marker);
  if (at < 0) throw new Error(`botframework-webchat resolved outside node_modules: ${main}`);
  return join(main.slice(0, at + marker.length), 'dist', 'webchat.js');
}

/** A file ready to serve. */
export interface StaticAsset {
  /** The bytes as stored. */
  body: Buffer;
  /** Gzipped body, made once, for large text files. */
  gzipped?: Buffer;
  /** Content-Type header. */
  contentType: string;
  /** Strong ETag from the content's SHA-256. */
  etag: string;
  /** Cache-Control value. */
  cache: string;
  /** Extra headers (CSP for the page, CORP for the widget). */
  headers?: Record<string, string>;
}

function assetOf(body: Buffer, contentType: string, cache: string, headers?: Record<string, string>, gzipped?: Buffer): StaticAsset {
  return {
    body,
    gzipped,
    contentType,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    cache,
    headers,
  };
}

/** Reads a small file (the page and its scripts) into a {@link StaticAsset}, at start-up. */
export function loadAsset(path: string, contentType: string, cache: string, headers?: Record<string, string>): StaticAsset {
  return assetOf(readFileSync(path), contentType, cache, headers);
}

/**
 * Reads a large file and gzips it off the event loop (zlib's thread pool): gzipping the 3.9 MB
 * Web Chat bundle synchronously would stall every other request for about a second.
 */
export async function loadLargeAsset(path: string, contentType: string, cache: string): Promise<StaticAsset> {
  const body = await fsp.readFile(path);
  return assetOf(body, contentType, cache, undefined, await gzipAsync(body));
}

/** Sends `asset`, answering 304 to a matching If-None-Match and gzip to clients that take it. */
export function sendAsset(req: Request, res: Response, asset: StaticAsset): void {
  const headers: Record<string, string> = {
    'Content-Type': asset.contentType,
    ETag: asset.etag,
    'Cache-Control': asset.cache,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    Vary: 'Accept-Encoding',
    ...asset.headers,
  };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const useGzip = asset.gzipped !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = useGzip && asset.gzipped ? asset.gzipped : asset.body;
  if (useGzip) headers['Content-Encoding'] = 'gzip';
  headers['Content-Length'] = String(body.length);
  res.writeHead(200, headers);
  res.end(body);
}
