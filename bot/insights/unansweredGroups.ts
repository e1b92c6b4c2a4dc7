import type { SqlExecutor } from '../db/database';
import { normalizePhrasing } from './approvedPhrasings';

/** A group of similar unanswered questions, for one review card. */
export interface UnansweredGroup {
  /** Ids of the `unanswered_questions` rows in the group (what a card action refers to). */
  ids: number[];
  /** The distinct texts, most asked first, with how often each was asked. */
  texts: Array<{ text: string; count: number }>;
  /** How often any of them was asked. */
  count: number;
}

/** Two texts whose word sets overlap at least this much (Jaccard) are one question. */
const SIMILARITY = 0.5;
/** How many recent unanswered questions are grouped at most. */
const SCAN_LIMIT = 5000;

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/**
 * The unanswered questions since `since` that no staff decision covers yet, grouped: texts with
 * the same words are one, and texts sharing at least half their words join the group of the
 * most asked one. Largest groups first.
 */
export async function unansweredGroups(db: SqlExecutor, options: { since: Date; decided: ReadonlySet<string>; limit: number }): Promise<UnansweredGroup[]> {
  const rows = await db.query<{ id: string | number; text: string }>('SELECT id, text FROM unanswered_questions WHERE at >= $1 ORDER BY at DESC LIMIT $2', [options.since, SCAN_LIMIT]);
  const byText = new Map<string, { ids: number[]; texts: Map<string, number>; words: Set<string> }>();
  for (const row of rows) {
    const key = normalizePhrasing(row.text);
    if (!key || options.decided.has(key)) continue;
    let entry = byText.get(key);
    if (!entry) byText.set(key, (entry = { ids: [], texts: new Map(), words: new Set(key.split(' ')) }));
    entry.ids.push(Number(row.id));
    entry.texts.set(row.text, (entry.texts.get(row.text) ?? 0) + 1);
  }
  const distinct = [...byText.values()].sort((a, b) => b.ids.length - a.ids.length);
  const groups: Array<{ words: Set<string>; members: typeof distinct }> = [];
  for (const d of distinct) {
    const home = groups.find((g) => jaccard(g.words, d.words) >= SIMILARITY);
    if (home) home.members.push(d);
    else groups.push({ words: d.words, members: [d] });
  }
  return groups
    .map((g) => {
      const texts = g.members
        .flatMap((m) => [...m.texts.entries()].map(([text, count]) => ({ text, count })))
        .sort((a, b) => b.count - a.count || a.text.localeCompare(b.text));
      return { ids: g.members.flatMap((m) => m.ids), texts, count: texts.reduce((n, t) => n + t.count, 0) };
    })
    .sort((a, b) => b.count - a.count)
    .slice(0, options.limit);
}

/** The distinct texts of the `unanswered_questions` rows `ids` (still within retention). */
export async function unansweredTexts(db: SqlExecutor, ids: readonly number[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db.query<{ text: string }>('SELECT text FROM unanswered_questions WHERE id = ANY($1::bigint[]) ORDER BY id', [ids]);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { text } of rows) {
    const key = normalizePhrasing(text);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
  return out;
}
