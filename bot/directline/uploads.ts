import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { HttpError, badArgument, parseJsonText, tooLarge } from './httpKit';

/**
 * Parses a Direct Line upload (`multipart/form-data`) in memory with busboy: an optional
 * `activity` part (JSON, sent by Web Chat as `application/vnd.microsoft.activity`) and one or
 * more file parts. Nothing is written to disk; each file is capped while it streams in.
 */

/** A file part, held in memory. */
export interface UploadedFile {
  /** The file name as the user's device gave it, without any path. */
  name: string;
  /** The declared media type (untrusted: the bot sniffs the real type from the bytes). */
  contentType: string;
  bytes: Buffer;
}

/** Why a file part was read to its end but not kept. */
export type UploadRefusal = 'too-large' | 'too-many';

/** A file part that was drained, not kept: the user hears why in the chat instead of a failed send. */
export interface RefusedFile {
  name: string;
  contentType: string;
  reason: UploadRefusal;
  /** The file's real size (it was counted while it was drained). */
  sizeBytes: number;
}

/** What an upload carried. */
export interface ParsedUpload {
  /** The template activity, parsed from JSON, when the client sent one. */
  activity: unknown;
  files: UploadedFile[];
  /** Files over the size cap or past the file limit, in the order they came. */
  refused: RefusedFile[];
}

/** Caps of {@link parseUpload}. */
export interface UploadLimits {
  /** Largest single file (ATTACHMENT_MAX_BYTES). */
  maxFileBytes: number;
  /** Files per upload request. */
  maxFiles: number;
  /** Largest `activity` part. */
  maxActivityBytes: number;
  /**
   * Largest request body. Files over `maxFileBytes` (or past `maxFiles`) are read to their end
   * without being kept, so that the user gets a message rather than a failed send; this caps
   * how much is read. Default: room for `maxFiles` full files, and at least 64 MiB (a phone's
   * largest photos).
   */
  maxRequestBytes?: number;
}

/** Most refused file parts in one request; more is not a phone's upload. */
const MAX_REFUSED_FILES = 20;

const MEDIA_TYPE = /^[a-z0-9][\w.+-]{0,63}\/[a-z0-9][\w.+-]{0,127}$/i;

/** A declared media type if it is well formed, else `application/octet-stream`. */
export function cleanMediaType(value: string | undefined): string {
  const type = (value ?? '').split(';')[0].trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : 'application/octet-stream';
}

/**
 * A file name safe to show and to pass on: no directories, no control characters, at most
 * 255 characters. Characters like `* % &` are kept on purpose: the upload diagnosis reports them.
 */
export function cleanFileName(value: string | undefined): string {
  const base = (value ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return clean === '' || clean === '.' || clean === '..' ? 'file' : clean;
}

/** Reads the multipart body of `req`; 4xx {@link HttpError}s for anything malformed or too big. */
export function parseUpload(req: IncomingMessage, limits: UploadLimits): Promise<ParsedUpload> {
  const ceiling =
    limits.maxRequestBytes ?? Math.max(limits.maxFiles * limits.maxFileBytes, 64 * 1024 * 1024) + limits.maxActivityBytes + 64 * 1024;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > ceiling) return Promise.reject(tooLarge(ceiling));

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: {
        // Over-size files are drained (and counted) here, not cut off by busboy.
        fileSize: ceiling,
        files: limits.maxFiles + MAX_REFUSED_FILES + 1, // the `activity` part arrives as a file too
        fields: 4,
        fieldSize: limits.maxActivityBytes,
        parts: limits.maxFiles + MAX_REFUSED_FILES + 5,
        headerPairs: 20,
      },
    });
  } catch {
    return Promise.reject(new HttpError(415, 'UnsupportedMediaType', 'Expected multipart/form-data'));
  }

  return new Promise<ParsedUpload>((resolve, reject) => {
    const files: UploadedFile[] = [];
    const refused: RefusedFile[] = [];
    let activityText: string | undefined;
    let failure: HttpError | undefined;
    let settled = false;
    let fileCount = 0;

    // The first failure answers at once; the rest of the body is drained, never buffered.
    const fail = (err: HttpError): void => {
      failure ??= err;
      finish();
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      if (failure) {
        req.resume(); // discard the rest of the body unbuffered
        reject(failure);
        return;
      }
      let activity: unknown;
      if (activityText !== undefined) {
        try {
          activity = parseJsonText(activityText);
        } catch (err) {
          reject(err instanceof Error ? err : new Error('the activity part is not valid JSON'));
          return;
        }
      }
      resolve({ activity, files, refused });
    };

    parser.on('file', (field, stream, info) => {
      const isActivity = field === 'activity';
      if (!isActivity) fileCount += 1;
      const name = cleanFileName(info.filename);
      const contentType = cleanMediaType(info.mimeType);
      // Past the file limit the part is still read (and counted), then reported as refused.
      let refusal: UploadRefusal | undefined = !isActivity && fileCount > limits.maxFiles ? 'too-many' : undefined;
      const cap = isActivity ? limits.maxActivityBytes : limits.maxFileBytes;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (failure) return;
        if (size > cap) {
          if (isActivity) {
            fail(tooLarge(cap));
            return;
          }
          refusal ??= 'too-large';
          chunks.length = 0; // drained from here on: nothing of it is kept
        }
        if (refusal === undefined) chunks.push(chunk);
      });
      stream.on('limit', () => fail(tooLarge(ceiling)));
      // busboy destroys the part's stream with an error on a truncated body: without this
      // listener that error would be uncaught and take the process down.
      stream.on('error', () => fail(badArgument('Malformed multipart body')));
      stream.on('close', () => {
        if (failure) return;
        if (isActivity) activityText = Buffer.concat(chunks, size).toString('utf8');
        else if (refusal !== undefined) refused.push({ name, contentType, reason: refusal, sizeBytes: size });
        else files.push({ name, contentType, bytes: Buffer.concat(chunks, size) });
      });
    });
    parser.on('field', (field, value, info) => {
      if (info.valueTruncated) fail(tooLarge(limits.maxActivityBytes));
      else if (field === 'activity') activityText = value;
    });
    parser.on('filesLimit', () => fail(tooManyFiles(limits.maxFiles + MAX_REFUSED_FILES)));
    parser.on('partsLimit', () => fail(badArgument('Too many parts')));
    parser.on('fieldsLimit', () => fail(badArgument('Too many fields')));
    parser.on('error', () => fail(badArgument('Malformed multipart body')));
    parser.on('close', finish);
    req.on('aborted', () => fail(badArgument('Request aborted')));
    req.pipe(parser);
  });
}

function tooManyFiles(max: number): HttpError {
  return new HttpError(413, 'TooManyFiles', `At most ${max} files per upload`);
}

