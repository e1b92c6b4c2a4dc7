import busboy from 'busboy';
import type { IncomingMessage } from 'http';
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

/** What an upload carried. */
export interface ParsedUpload {
  /** The template activity, parsed from JSON, when the client sent one. */
  activity: unknown;
  files: UploadedFile[];
}

/** Caps of {@link parseUpload}. */
export interface UploadLimits {
  /** Largest single file (ATTACHMENT_MAX_BYTES). */
  maxFileBytes: number;
  /** Files per upload request. */
  maxFiles: number;
  /** Largest `activity` part. */
  maxActivityBytes: number;
}

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
  const ceiling = limits.maxFiles * limits.maxFileBytes + limits.maxActivityBytes + 64 * 1024;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > ceiling) return Promise.reject(tooLarge(ceiling));

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: {
        fileSize: Math.max(limits.maxFileBytes, limits.maxActivityBytes),
        files: limits.maxFiles + 1, // the `activity` part arrives as a file too
        fields: 4,
        fieldSize: limits.maxActivityBytes,
        parts: limits.maxFiles + 5,
        headerPairs: 20,
      },
    });
  } catch {
    return Promise.reject(new HttpError(415, 'UnsupportedMediaType', 'Expected multipart/form-data'));
  }

  return new Promise<ParsedUpload>((resolve, reject) => {
    const files: UploadedFile[] = [];
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
          reject(err);
          return;
        }
      }
      resolve({ activity, files });
    };

    parser.on('file', (field, stream, info) => {
      const isActivity = field === 'activity';
      if (!isActivity) fileCount += 1;
      if (fileCount > limits.maxFiles) {
        stream.resume();
        fail(tooManyFiles(limits.maxFiles));
        return;
      }
      const cap = isActivity ? limits.maxActivityBytes : limits.maxFileBytes;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > cap) fail(isActivity ? tooLarge(cap) : attachmentTooLarge(cap));
        else if (!failure) chunks.push(chunk);
      });
      stream.on('limit', () => fail(isActivity ? tooLarge(cap) : attachmentTooLarge(cap)));
      // busboy destroys the part's stream with an error on a truncated body: without this
      // listener that error would be uncaught and take the process down.
      stream.on('error', () => fail(badArgument('Malformed multipart body')));
      stream.on('close', () => {
        if (failure) return;
        const bytes = Buffer.concat(chunks, size);
        if (isActivity) activityText = bytes.toString('utf8');
        else files.push({ name: cleanFileName(info.filename), contentType: cleanMediaType(info.mimeType), bytes });
      });
    });
    parser.on('field', (field, value, info) => {
      if (info.valueTruncated) fail(tooLarge(limits.maxActivityBytes));
      else if (field === 'activity') activityText = value;
    });
    parser.on('filesLimit', () => fail(tooManyFiles(limits.maxFiles)));
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

function attachmentTooLarge(cap: number): HttpError {
  return new HttpError(413, 'AttachmentTooLarge', `Each file may be at most ${cap} bytes`, { Connection: 'close' });
}
