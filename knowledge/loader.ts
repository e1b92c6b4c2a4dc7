import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ENTRY_INTENT_IDS } from './intents';
import { createKnowledgeBase, type KnowledgeBaseOptions } from './knowledgeBase';
import { defaultEntriesDir, defaultOutOfScopeDir, projectRoot } from './projectRoot';
import { entryFileSchema, outOfScopeFileSchema } from './schema';
import type { KnowledgeBase, KnowledgeEntry, OutOfScopeTopic } from './types';
import { FLOW_FACTS, HELPDESK_EMAIL_PLACEHOLDER } from './flowFacts';

/** One problem found in the knowledge files, located as precisely as the file allows. */
export interface KnowledgeIssue {
  /** The file, relative to the project root when it lies inside it. */
  readonly file: string;
  /** The entry id, or the file name without extension when the id itself is missing. */
  readonly entry: string;
  /** The field path ("answer", "links[0].url"), or `null` for a problem with the whole file. */
  readonly field: string | null;
  readonly message: string;
}

/** Renders an issue as `knowledge/entries/x.yaml: entry "x": field "answer": Required`. */
export function formatIssue(issue: KnowledgeIssue): string {
  const field = issue.field === null ? '' : ` field "${issue.field}":`;
  return `${issue.file}: entry "${issue.entry}":${field} ${issue.message}`;
}

/**
 * Thrown when the knowledge files are invalid. A broken file is a deployment error, not an
 * expected outcome of a conversation, so it stops start-up (and `npm test`) with every problem
 * listed, one per line, each naming the file, the entry and the field.
 */
export class KnowledgeError extends Error {
  /** Every problem found, in file order. */
  readonly issues: readonly KnowledgeIssue[];

  constructor(issues: readonly KnowledgeIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'KnowledgeError';
    this.issues = issues;
  }
}

/** Options of {@link loadEntries} and {@link loadKnowledge}. */
export interface LoadOptions extends KnowledgeBaseOptions {
  /** Fail unless every intent id of `knowledge/intents.ts` has an entry (default true). */
  requireAll?: boolean;
  /**
   * Folder of the parse cache, or `false` for none. Default: {@link defaultParseCacheDir} for
   * the default entries folder, none for any other folder (tests' temporary copies).
   */
  parseCache?: string | false;
  /**
   * Folder of the out-of-scope topic files, or `false` for none. Default: {@link defaultOutOfScopeDir}
   * for the default entries folder, none for any other folder (tests' temporary copies).
   */
  outOfScopeDir?: string | false;
  /** Fills `{helpdeskEmail}` in the entries (HELPDESK_EMAIL); default the FAQ's address (`knowledge/flowFacts.yaml`). */
  helpdeskEmail?: string;
}

/** What {@link loadEntries} read. */
export interface LoadedEntries {
  readonly entries: KnowledgeEntry[];
  /** The files read, as shown in messages. */
  readonly files: string[];
  /** True when the YAML parse was skipped thanks to the parse cache (the files were unchanged). */
  readonly fromCache: boolean;
}

const ENTRY_FILE = /\.ya?ml$/i;

/** Shows a path relative to the project root when it is inside it, with forward slashes. */
function display(file: string): string {
  const relative = path.relative(projectRoot(), file);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  return shown.split(path.sep).join('/');
}

/** `["links", 0, "url"]` → `links[0].url`. */
function fieldPath(parts: ReadonlyArray<PropertyKey>): string {
  return parts.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc === '' ? String(part) : `${acc}.${String(part)}`), '');
}

function issuesOf(file: string, entry: string, error: z.ZodError): KnowledgeIssue[] {
  const out: KnowledgeIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ file, entry, field: fieldPath([...issue.path, key]), message: 'Unknown field (check the spelling)' });
      }
      continue;
    }
    out.push({ file, entry, field: issue.path.length === 0 ? null : fieldPath(issue.path), message: issue.message });
  }
  return out;
}

/** One entry file's text, read from disk. */
interface SourceFile {
  readonly absolute: string;
  /** As shown in messages. */
  readonly file: string;
  /** File name without extension: the entry's name in messages until its id is known. */
  readonly stem: string;
  readonly text: string;
}

/** Parses one file's YAML; returns the plain data or the syntax errors. */
function parseYaml(source: SourceFile): { raw?: unknown; issues: KnowledgeIssue[] } {
  const doc = parseDocument(source.text, { uniqueKeys: true });
  if (doc.errors.length === 0) return { raw: doc.toJS() as unknown, issues: [] };
  return {
    issues: doc.errors.map((e) => {
      const where = e.linePos === undefined ? '' : ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}`;
      return { file: source.file, entry: source.stem, field: null, message: `YAML syntax error${where}: ${e.message.split('\n')[0]}` };
    }),
  };
}

/** Validates one file's data; returns the entry or the issues found. */
function validate(source: SourceFile, raw: unknown): { entry?: KnowledgeEntry; issues: KnowledgeIssue[] } {
  const rawId = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).id : undefined;
  const entry = typeof rawId === 'string' && rawId.trim() !== '' ? rawId.trim() : source.stem;
  const parsed = entryFileSchema.safeParse(raw);
  if (!parsed.success) return { issues: issuesOf(source.file, entry, parsed.error) };
  return { entry: { ...parsed.data, source: source.file }, issues: [] };
}

/**
 * A cache of parsed YAML, keyed by a hash of the files' names and bytes (and the yaml
 * library's version). Parsing YAML is most of a cold start (the yaml library is slow until the
 * JIT warms up), so a restart with unchanged files reads JSON instead. It holds only parsed
 * data: validation runs on every load all the same, and any edit to any file changes the key.
 * It lives under the project (`node_modules/.cache`, like other build caches), not in a shared
 * temp folder where another user could plant answers; failing to read or write it only costs
 * the parse.
 */
const PARSE_CACHE_FORMAT = 1;

interface ParseCache {
  readonly format: number;
  readonly key: string;
  /** File name → parsed data. */
  readonly files: Record<string, unknown>;
}

function yamlVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve('yaml/package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

function parseCacheKey(sources: readonly SourceFile[]): string {
  const hash = createHash('sha256').update(`${PARSE_CACHE_FORMAT}\0${yamlVersion()}`);
  for (const s of sources) hash.update(`\0${path.basename(s.absolute)}\0${s.text}`);
  return hash.digest('hex');
}

/** The default folder of the parse cache (used for the default entries folder only). */
export function defaultParseCacheDir(): string {
  return path.join(projectRoot(), 'node_modules', '.cache', 'uhs-portal-knowledge');
}

function parseCachePath(cacheDir: string, entriesDir: string): string {
  const id = createHash('sha256').update(entriesDir).digest('hex').slice(0, 16);
  return path.join(cacheDir, `entries-${id}.json`);
}

function readParseCache(file: string, key: string): Record<string, unknown> | undefined {
  try {
    const cache = JSON.parse(fs.readFileSync(file, 'utf8')) as ParseCache;
    return cache.format === PARSE_CACHE_FORMAT && cache.key === key ? cache.files : undefined;
  } catch {
    return undefined;
  }
}

function writeParseCache(file: string, cache: ParseCache): void {
  // Write then rename, so a concurrent reader never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temporary, JSON.stringify(cache));
    fs.renameSync(temporary, file);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Reads and validates every `*.yaml` / `*.yml` file of `dir` (default `knowledge/entries`).
 * Fails with a {@link KnowledgeError} on any invalid file, on a duplicate id and, unless
 * `requireAll` is false, on an intent id without an entry.
 */
export function loadEntries(dir: string = defaultEntriesDir(), options: Pick<LoadOptions, 'requireAll' | 'parseCache'> = {}): LoadedEntries {
  const absoluteDir = path.resolve(dir);
  if (!fs.existsSync(absoluteDir) || !fs.statSync(absoluteDir).isDirectory()) {
    throw new KnowledgeError([{ file: display(absoluteDir), entry: '*', field: null, message: 'Knowledge folder not found' }]);
  }
  const sources: SourceFile[] = fs
    .readdirSync(absoluteDir)
    .filter((name) => ENTRY_FILE.test(name))
    .sort()
    .map((name) => {
      const absolute = path.join(absoluteDir, name);
      return { absolute, file: display(absolute), stem: name.replace(ENTRY_FILE, ''), text: fs.readFileSync(absolute, 'utf8') };
    });
  const cacheDir = options.parseCache ?? (absoluteDir === path.resolve(defaultEntriesDir()) ? defaultParseCacheDir() : false);
  const key = parseCacheKey(sources);
  const cacheFile = cacheDir === false ? null : parseCachePath(cacheDir, absoluteDir);
  const cached = cacheFile === null ? undefined : readParseCache(cacheFile, key);
  const issues: KnowledgeIssue[] = [];
  const parsedFiles: Record<string, unknown> = {};
  const entries: KnowledgeEntry[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    const name = path.basename(source.absolute);
    let raw: unknown = cached?.[name];
    if (cached === undefined) {
      const parsed = parseYaml(source);
      issues.push(...parsed.issues);
      if (parsed.issues.length > 0) continue;
      raw = parsedFiles[name] = parsed.raw;
    }
    const result = validate(source, raw);
    issues.push(...result.issues);
    if (result.entry === undefined) continue;
    const first = seen.get(result.entry.id);
    if (first !== undefined) {
      issues.push({ file: result.entry.source, entry: result.entry.id, field: 'id', message: `Duplicate id: already defined in ${first}` });
      continue;
    }
    for (const field of ['next', 'ifNotWorking'] as const) {
      if (result.entry[field] === result.entry.id) issues.push({ file: result.entry.source, entry: result.entry.id, field, message: 'Must name another entry, not this one' });
    }
    seen.set(result.entry.id, result.entry.source);
    entries.push(result.entry);
  }
  if (cacheFile !== null && cached === undefined && Object.keys(parsedFiles).length === sources.length) {
    writeParseCache(cacheFile, { format: PARSE_CACHE_FORMAT, key, files: parsedFiles });
  }
  if (options.requireAll !== false && issues.length === 0) {
    for (const id of ENTRY_INTENT_IDS) {
      if (!seen.has(id)) issues.push({ file: display(absoluteDir), entry: id, field: 'id', message: 'Missing: no file defines this intent' });
    }
  }
  if (issues.length > 0) throw new KnowledgeError(issues);
  return { entries, files: sources.map((s) => s.file), fromCache: cached !== undefined };
}

/**
 * Loads, validates and indexes the knowledge base (synchronously: it runs once at start-up,
 * and everything the matcher needs is precomputed here so each message costs microseconds).
 */
export function loadKnowledge(dir?: string, options: LoadOptions = {}): KnowledgeBase {
  const entries = loadEntries(dir, options).entries.map((entry) => fillPlaceholders(entry, options.helpdeskEmail ?? FLOW_FACTS.helpdeskEmail));
  const isDefault = dir === undefined || path.resolve(dir) === path.resolve(defaultEntriesDir());
  const topicsDir = options.outOfScopeDir ?? (isDefault ? defaultOutOfScopeDir() : false);
  const outOfScope = topicsDir === false ? [] : loadOutOfScope(topicsDir).topics;
  return createKnowledgeBase(entries, { ...options, outOfScope });
}

/**
 * `entry` with {@link HELPDESK_EMAIL_PLACEHOLDER} replaced by `helpdeskEmail` in every text
 * shown (answers, buttons, links); the examples are what people type and stay as written.
 */
function fillPlaceholders(entry: KnowledgeEntry, helpdeskEmail: string): KnowledgeEntry {
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') return value.split(HELPDESK_EMAIL_PLACEHOLDER).join(helpdeskEmail);
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  const { examples, ...shown } = entry;
  return { ...(fill(shown) as Omit<KnowledgeEntry, 'examples'>), examples };
}

/**
 * Reads and validates every `*.yaml` / `*.yml` file of `dir` (default `knowledge/out-of-scope`):
 * the topics the portal FAQ does not answer. Fails with a {@link KnowledgeError} on any invalid
 * file or duplicate id.
 */
export function loadOutOfScope(dir: string = defaultOutOfScopeDir()): { topics: OutOfScopeTopic[]; files: string[] } {
  const absoluteDir = path.resolve(dir);
  if (!fs.existsSync(absoluteDir) || !fs.statSync(absoluteDir).isDirectory()) {
    throw new KnowledgeError([{ file: display(absoluteDir), entry: '*', field: null, message: 'Out-of-scope folder not found' }]);
  }
  const issues: KnowledgeIssue[] = [];
  const topics: OutOfScopeTopic[] = [];
  const seen = new Map<string, string>();
  const names = fs.readdirSync(absoluteDir).filter((name) => ENTRY_FILE.test(name)).sort();
  for (const name of names) {
    const absolute = path.join(absoluteDir, name);
    const source: SourceFile = { absolute, file: display(absolute), stem: name.replace(ENTRY_FILE, ''), text: fs.readFileSync(absolute, 'utf8') };
    const parsed = parseYaml(source);
    issues.push(...parsed.issues);
    if (parsed.issues.length > 0) continue;
    const raw = parsed.raw;
    const rawId = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).id : undefined;
    const entry = typeof rawId === 'string' && rawId.trim() !== '' ? rawId.trim() : source.stem;
    const result = outOfScopeFileSchema.safeParse(raw);
    if (!result.success) {
      issues.push(...issuesOf(source.file, entry, result.error));
      continue;
    }
    const first = seen.get(result.data.id);
    if (first !== undefined) {
      issues.push({ file: source.file, entry: result.data.id, field: 'id', message: `Duplicate id: already defined in ${first}` });
      continue;
    }
    seen.set(result.data.id, source.file);
    topics.push({ ...result.data, source: source.file });
  }
  if (issues.length > 0) throw new KnowledgeError(issues);
  return { topics, files: names.map((n) => display(path.join(absoluteDir, n))) };
}
