import { createHash } from 'crypto';
import { existsSync, promises as fsp, readFileSync } from 'fs';
import { dirname, join } from 'path';
import type { Request, Response } from 'restify';
import { promisify } from 'util';
import { gzip } from 'zlib';

const gzipAsync = promisify(gzip);

/**
 * Static files of the chat page, held in memory and served with ETags. Paths are found at run
 * time by walking up to the project root (or the package root of an installed package), so
 * they work from dist/ and from any dist-<name>/ output directory alike.
 */

/** The nearest directory at or above `start` holding a package.json (optionally with `name`). */
export function findPackageDir(start: string, name?: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (!name || (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name)) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json${name ? ` of ${name}` : ''} above ${start}`);
    dir = parent;
  }
}

/** The project root (the directory of our package.json). */
export function projectRoot(): string {
  return findPackageDir(__dirname, 'uhs-portal-help-bot');
}

/** `dist/webchat.js` of the installed botframework-webchat (its exports map hides subpaths). */
export function webChatBundlePath(): string {
  return join(findPackageDir(dirname(require.resolve('botframework-webchat')), 'botframework-webchat'), 'dist', 'webchat.js');
}

/** A file ready to serve. */
export interface StaticAsset {
  body: Buffer;
  /** Gzipped body, made once, for large text files. */
  gzipped?: Buffer;
  contentType: string;
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
