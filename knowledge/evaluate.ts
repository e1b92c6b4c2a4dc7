import * as fs from 'node:fs';
import * as path from 'node:path';
import { EMERGENCY_INTENT } from './intents';
import { projectRoot } from './projectRoot';
import { words } from './text';
import type { KnowledgeBase, KnowledgeEntry, MatchResult } from './types';

/** One labelled line of an evaluation file (`intent<TAB>text`). */
export interface LabelledLine {
  readonly intent: string;
  readonly text: string;
  /** 1-based line number in the file. */
  readonly line: number;
  /** Where the line came from (an optional third column), for sets collected from public pages. */
  readonly source?: string;
}

/** A line the matcher got wrong. */
export interface Miss extends LabelledLine {
  readonly got: string;
  readonly score: number;
}

/** Precision and recall of one intent. */
export interface IntentStats {
  readonly intent: string;
  /** Lines labelled with this intent. */
  readonly support: number;
  /** Lines the matcher gave this intent. */
  readonly predicted: number;
  readonly correct: number;
  /** correct / predicted (1 when nothing was predicted). */
  readonly precision: number;
  /** correct / support (1 when there is no such line). */
  readonly recall: number;
}

/** The result of {@link evaluate}. */
export interface EvalReport {
  readonly total: number;
  readonly correct: number;
  /** Top-1 accuracy in [0, 1]. */
  readonly accuracy: number;
  readonly perIntent: IntentStats[];
  readonly misses: Miss[];
  /** Emergency lines not recognised as emergencies. */
  readonly missedEmergencies: LabelledLine[];
  /** Non-emergency lines classified as emergencies. */
  readonly falseEmergencies: LabelledLine[];
  /** How many lines came out `ambiguous` (their top intent still counts for accuracy). */
  readonly ambiguous: number;
  /** Expected → got pairs of the misses, most frequent first. */
  readonly confusions: Confusion[];
}

/** How often lines of one intent came out as another. */
export interface Confusion {
  readonly expected: string;
  readonly got: string;
  readonly count: number;
}

/**
 * The default evaluation file: `<project root>/../shared/eval/dev.tsv`, or its copy in
 * `test/fixtures/dev.tsv` where the shared folder is not beside the project (a fresh clone).
 */
export function defaultDevSet(): string {
  const shared = path.resolve(projectRoot(), '..', 'shared', 'eval', 'dev.tsv');
  return fs.existsSync(shared) ? shared : path.join(projectRoot(), 'test', 'fixtures', 'dev.tsv');
}

/**
 * Reads an `intent<TAB>text` file, optionally with a third `<TAB>source` column (where an outside
 * line was found); blank lines and `#` comments are skipped.
 */
export function readLabelled(file: string): LabelledLine[] {
  const out: LabelledLine[] = [];
  fs.readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (raw.trim() === '' || raw.startsWith('#')) return;
      const tab = raw.indexOf('\t');
      if (tab < 0) throw new Error(`${file}:${i + 1}: expected "intent<TAB>text"`);
      const rest = raw.slice(tab + 1);
      const second = rest.indexOf('\t');
      const text = second < 0 ? rest : rest.slice(0, second);
      const source = second < 0 ? '' : rest.slice(second + 1).trim();
      out.push({ intent: raw.slice(0, tab).trim(), text, line: i + 1, ...(source === '' ? {} : { source }) });
    });
  return out;
}

/** Classifies every line and compares with its label (the intent of a `MatchResult` is its top-1). */
export function evaluate(kb: KnowledgeBase, lines: readonly LabelledLine[]): EvalReport {
  const misses: Miss[] = [];
  const missedEmergencies: LabelledLine[] = [];
  const falseEmergencies: LabelledLine[] = [];
  const counts = new Map<string, { support: number; predicted: number; correct: number }>();
  const bump = (intent: string) => {
    let c = counts.get(intent);
    if (c === undefined) counts.set(intent, (c = { support: 0, predicted: 0, correct: 0 }));
    return c;
  };
  let ambiguous = 0;
  for (const line of lines) {
    const result: MatchResult = kb.match(line.text);
    if (result.kind === 'ambiguous') ambiguous++;
    bump(line.intent).support++;
    bump(result.intent).predicted++;
    if (result.intent === line.intent) bump(line.intent).correct++;
    else misses.push({ ...line, got: result.intent, score: result.score });
    if (line.intent === EMERGENCY_INTENT && result.kind !== 'emergency') missedEmergencies.push(line);
    if (line.intent !== EMERGENCY_INTENT && result.kind === 'emergency') falseEmergencies.push(line);
  }
  const perIntent = [...counts.entries()]
    .map(([intent, c]) => ({
      intent,
      ...c,
      precision: c.predicted === 0 ? 1 : c.correct / c.predicted,
      recall: c.support === 0 ? 1 : c.correct / c.support,
    }))
    .sort((a, b) => a.intent.localeCompare(b.intent));
  const correct = lines.length - misses.length;
  const pairs = new Map<string, Confusion>();
  for (const m of misses) {
    const key = `${m.intent}\u0000${m.got}`;
    const c = pairs.get(key);
    pairs.set(key, { expected: m.intent, got: m.got, count: (c?.count ?? 0) + 1 });
  }
  const confusions = [...pairs.values()].sort(
    (a, b) => b.count - a.count || a.expected.localeCompare(b.expected) || a.got.localeCompare(b.got),
  );
  return {
    total: lines.length,
    correct,
    accuracy: lines.length === 0 ? 0 : correct / lines.length,
    perIntent,
    misses,
    missedEmergencies,
    falseEmergencies,
    ambiguous,
    confusions,
  };
}

/** An example or keyword that repeats a line of an evaluation file. */
export interface Copy {
  readonly entry: string;
  readonly text: string;
  readonly line: number;
}

/**
 * Examples and keywords that are copies of evaluation lines (same words after normalisation).
 * An evaluation set measures generalisation only while none of its lines is in the knowledge
 * base. FAQ questions are exempt: they are the seed's own text, which an eval set may quote.
 */
export function findCopies(entries: Iterable<KnowledgeEntry>, lines: readonly LabelledLine[]): Copy[] {
  const byText = new Map<string, LabelledLine>();
  for (const line of lines) byText.set(words(line.text).join(' '), line);
  const copies: Copy[] = [];
  for (const entry of entries) {
    for (const text of [...entry.examples, ...entry.keywords]) {
      const line = byText.get(words(text).join(' '));
      if (line !== undefined) copies.push({ entry: entry.id, text, line: line.line });
    }
  }
  return copies;
}
