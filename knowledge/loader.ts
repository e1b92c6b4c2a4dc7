import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ENTRY_INTENT_IDS } from './intents';
import { createKnowledgeBase, type KnowledgeBaseOptions } from './knowledgeBase';
import { defaultEntriesDir, projectRoot } from './projectRoot';
import { entryFileSchema } from './schema';
import type { KnowledgeBase, KnowledgeEntry } from './types';

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
}

/** What {@link loadEntries} read. */
export interface LoadedEntries {
  readonly entries: KnowledgeEntry[];
  /** The files read, as shown in messages. */
  readonly files: string[];
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

/** Reads and validates one entry file; returns the entry or the issues found. */
function readEntryFile(absolute: string): { entry?: KnowledgeEntry; issues: KnowledgeIssue[] } {
  const file = display(absolute);
  const stem = path.basename(absolute).replace(ENTRY_FILE, '');
  const doc = parseDocument(fs.readFileSync(absolute, 'utf8'), { uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const where = e.linePos === undefined ? '' : ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}`;
        return { file, entry: stem, field: null, message: `YAML syntax error${where}: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  const raw: unknown = doc.toJS();
  const rawId = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).id : undefined;
  const entry = typeof rawId === 'string' && rawId.trim() !== '' ? rawId.trim() : stem;
  const parsed = entryFileSchema.safeParse(raw);
  if (!parsed.success) return { issues: issuesOf(file, entry, parsed.error) };
  return { entry: { ...parsed.data, source: file }, issues: [] };
}

/**
 * Reads and validates every `*.yaml` / `*.yml` file of `dir` (default `knowledge/entries`).
 * Fails with a {@link KnowledgeError} on any invalid file, on a duplicate id and, unless
 * `requireAll` is false, on an intent id without an entry.
 */
export function loadEntries(dir: string = defaultEntriesDir(), options: Pick<LoadOptions, 'requireAll'> = {}): LoadedEntries {
  const absoluteDir = path.resolve(dir);
  if (!fs.existsSync(absoluteDir) || !fs.statSync(absoluteDir).isDirectory()) {
    throw new KnowledgeError([{ file: display(absoluteDir), entry: '*', field: null, message: 'Knowledge folder not found' }]);
  }
  const names = fs
    .readdirSync(absoluteDir)
    .filter((name) => ENTRY_FILE.test(name))
    .sort();
  const issues: KnowledgeIssue[] = [];
  const entries: KnowledgeEntry[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const result = readEntryFile(path.join(absoluteDir, name));
    issues.push(...result.issues);
    if (result.entry === undefined) continue;
    const first = seen.get(result.entry.id);
    if (first !== undefined) {
      issues.push({ file: result.entry.source, entry: result.entry.id, field: 'id', message: `Duplicate id: already defined in ${first}` });
      continue;
    }
    seen.set(result.entry.id, result.entry.source);
    entries.push(result.entry);
  }
  if (options.requireAll !== false && issues.length === 0) {
    for (const id of ENTRY_INTENT_IDS) {
      if (!seen.has(id)) issues.push({ file: display(absoluteDir), entry: id, field: 'id', message: 'Missing: no file defines this intent' });
    }
  }
  if (issues.length > 0) throw new KnowledgeError(issues);
  return { entries, files: names.map((name) => display(path.join(absoluteDir, name))) };
}

/**
 * Loads, validates and indexes the knowledge base (synchronously: it runs once at start-up,
 * and everything the matcher needs is precomputed here so each message costs microseconds).
 */
export function loadKnowledge(dir?: string, options: LoadOptions = {}): KnowledgeBase {
  return createKnowledgeBase(loadEntries(dir, options).entries, options);
}
