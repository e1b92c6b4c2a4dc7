import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DirectoryLookup, DirectoryRecord, Log, PortalDirectory, PortalResetResult } from '../../dialogs/ports';
import { silentLog } from '../../dialogs/ports';
import { emailKey, parseDob, parseEmail } from '../../dialogs/prompts/validation';
import { projectRoot } from '../../knowledge/projectRoot';

/** The one header a directory CSV must start with, columns in this order. */
export const DIRECTORY_CSV_HEADER = 'email,dob,portal_username,affiliation';

/** Thrown when a directory CSV does not validate; the message names the file and the line. */
export class DirectoryFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    problem: string,
  ) {
    super(`${file}${line === null ? '' : `:${line}`}: ${problem}`);
    this.name = 'DirectoryFileError';
  }
}

/**
 * One CSV row. Messages never include the cell's value: an error message may reach a log, and
 * the cells are personal data.
 */
const rowSchema = z.object({
  email: z.string().refine((v) => parseEmail(v).ok, 'email: not a valid email address'),
  dob: z
    .string()
    .trim()
    .refine((v) => /^\d{2}\/\d{2}\/\d{4}$/.test(v) && parseDob(v, new Date()).ok, 'dob: must be a real, past date written MM/DD/YYYY'),
  portal_username: z
    .string()
    .trim()
    .max(100, 'portal_username: longer than 100 characters')
    .transform((v) => (v === '' ? null : v)),
  affiliation: z.enum(['umass', 'hampshire', 'other'], { message: 'affiliation: must be umass, hampshire or other' }),
});

/**
 * Splits one CSV line into cells (RFC 4180 quoting, so a file saved by a spreadsheet program
 * loads too). Returns `null` for an unterminated quote.
 */
function splitCsvLine(line: string): string[] | null {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  if (quoted) return null;
  cells.push(cell);
  return cells;
}

/**
 * Parses and validates a whole directory CSV. Blank lines are skipped; every other line must
 * be a valid row, and an email may appear only once (portal accounts have unique emails).
 * Throws {@link DirectoryFileError} naming `file` and the 1-based line number.
 */
export function parseDirectoryCsv(text: string, file: string): DirectoryRecord[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').trim().toLowerCase();
  if (header !== DIRECTORY_CSV_HEADER) {
    throw new DirectoryFileError(file, 1, `the header must be exactly "${DIRECTORY_CSV_HEADER}"`);
  }
  const records: DirectoryRecord[] = [];
  const firstLineOf = new Map<string, number>();
  lines.slice(1).forEach((raw, index) => {
    const line = index + 2;
    if (raw.trim() === '') return;
    const cells = splitCsvLine(raw);
    if (!cells) throw new DirectoryFileError(file, line, 'unterminated quoted cell');
    if (cells.length !== 4) throw new DirectoryFileError(file, line, `expected 4 cells (${DIRECTORY_CSV_HEADER}), found ${cells.length}`);
    const [email, dob, portal_username, affiliation] = cells.map((c) => c.trim());
    const parsed = rowSchema.safeParse({ email, dob, portal_username, affiliation });
    if (!parsed.success) throw new DirectoryFileError(file, line, parsed.error.issues.map((i) => i.message).join('; '));
    const key = emailKey(parsed.data.email);
    const earlier = firstLineOf.get(key);
    if (earlier !== undefined) throw new DirectoryFileError(file, line, `duplicate email (already on line ${earlier})`);
    firstLineOf.set(key, line);
    records.push({ email: parsed.data.email, dob: parsed.data.dob, portalUsername: parsed.data.portal_username, affiliation: parsed.data.affiliation });
  });
  return records;
}

/** The sample directory shipped with the repository (obviously fictional people), found via the project root. */
export function defaultDirectoryFile(): string {
  return path.join(projectRoot(), 'bot', 'data', 'sample-directory.csv');
}

/** Options for {@link CsvPortalDirectory}. */
export interface CsvDirectoryOptions {
  log?: Log;
  /** How often the file is checked for changes, in ms (default 1000). */
  pollIntervalMs?: number;
}

/** What identifies one version of the file: inode, size and times (`missing` when it is gone). */
function versionFromStats(s: fs.Stats | undefined): string {
  return s ? `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` : 'missing';
}

async function versionOf(file: string): Promise<string> {
  return versionFromStats(await fs.promises.stat(file).catch(() => undefined));
}

function versionOfSync(file: string): string {
  return versionFromStats(fs.statSync(file, { throwIfNoEntry: false }));
}

/**
 * The portal directory as a CSV file (`DIRECTORY_FILE`), header
 * `email,dob,portal_username,affiliation`. The constructor loads it before the bot starts, so
 * a bad file stops start-up with its line number. It is reloaded when it changes.
 *
 * Why polling the path rather than `fs.watch`: editors and deploy tools often replace the file
 * (write a temporary file, rename it over the old one), which silently ends an inode-based
 * `fs.watch`, and `fs.watch` is unreliable on network and container mounts. Comparing the
 * path's inode, size and times once a second catches in-place edits and replacements alike,
 * and because the version is taken before the file is read, no change can slip between the
 * load and the first check. A failed reload keeps the last good data and logs a warning with
 * the line number, never a cell value.
 */
export class CsvPortalDirectory implements PortalDirectory {
  readonly kind = 'csv';
  readonly file: string;
  private byEmail = new Map<string, DirectoryRecord>();
  private readonly log: Log;
  /** The file version last loaded or tried. */
  private seenVersion: string;
  private checking = false;
  private timer: NodeJS.Timeout | null = null;
  private checks = 0;

  /**
   * Loads and validates `file` synchronously (this runs once, at start-up), then watches it.
   * Throws a {@link DirectoryFileError} naming the file and line when it is not valid.
   */
  constructor(file: string, options: CsvDirectoryOptions = {}) {
    this.file = path.resolve(file);
    this.log = options.log ?? silentLog;
    // The version is taken before reading, so a change during the read is seen by the first check.
    this.seenVersion = versionOfSync(this.file);
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      throw new DirectoryFileError(this.file, null, `cannot read the directory file (${(err as { code?: string }).code ?? 'error'})`);
    }
    this.index(parseDirectoryCsv(text, this.file));
    this.timer = setInterval(() => void this.checkForChange(), options.pollIntervalMs ?? 1000);
    // The watch alone must not keep a process (a CLI, a test run) alive.
    this.timer.unref();
  }

  /** How many records are loaded (for /healthz and tests; a count, not personal data). */
  get size(): number {
    return this.byEmail.size;
  }

  /** How many times the file was checked for a change (for tests). */
  get changeChecks(): number {
    return this.checks;
  }

  async lookup(email: string, dob: string): Promise<DirectoryLookup> {
    const record = this.byEmail.get(emailKey(email));
    return record && record.dob === dob ? { status: 'found', record } : { status: 'not-found' };
  }

  async findByEmail(email: string): Promise<DirectoryLookup> {
    const record = this.byEmail.get(emailKey(email));
    return record ? { status: 'found', record } : { status: 'not-found' };
  }

  /** A file has no portal behind it: the dialog mails the username and Forgot Password link itself. */
  async requestPasswordReset(): Promise<PortalResetResult> {
    return 'unsupported';
  }

  /** Stops watching the file. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reloads when the file's version differs from the one last seen. Checks never overlap. */
  private async checkForChange(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    this.checks++;
    try {
      const version = await versionOf(this.file);
      if (version === this.seenVersion) return;
      this.seenVersion = version;
      const text = await fs.promises.readFile(this.file, 'utf8');
      this.index(parseDirectoryCsv(text, this.file));
      this.log.info({ event: 'directory-reloaded', records: this.byEmail.size }, 'directory file reloaded');
    } catch (err) {
      // The error names only the file, the line and the rule broken, never a cell value.
      const line = err instanceof DirectoryFileError ? err.line : null;
      const code = (err as { code?: unknown }).code;
      this.log.warn(
        { event: 'directory-reload-failed', line, code: typeof code === 'string' ? code : undefined, records: this.byEmail.size },
        'directory file reload failed; keeping the last good data',
      );
    } finally {
      this.checking = false;
    }
  }

  private index(records: DirectoryRecord[]): void {
    this.byEmail = new Map(records.map((r) => [emailKey(r.email), r]));
  }
}
