import Fuse from 'fuse.js';

/**
 * Typo tolerance: maps a word the knowledge base has never seen ("pasword", "uplaod") to the
 * known word it most likely misspells, or leaves it alone when nothing is close enough (then it
 * stays unknown, which is how off-topic messages are recognised).
 *
 * Which known words are close enough is decided by the Damerau-Levenshtein distance (one edit,
 * two from nine letters on; a swap of two letters is one edit). Which of them wins is decided by
 * fuse.js's Bitap score, then by the distance, then by how often the entries use the word.
 * Scoring the whole vocabulary with Fuse costs ~2 ms per word on this machine, so a deletion
 * index (the SymSpell idea) first narrows it to the handful of words one or two edits away:
 * a lookup then costs microseconds, and each result is cached.
 */

/** Words shorter than this are never corrected. */
const MIN_LENGTH = 4;
/**
 * Up to this length only swapped, missing or doubled letters are repaired ("cnat", "logn",
 * "stdd"), never a different letter: a 4-letter "game" is a word of its own, not "name".
 */
const SHORT_WORD = 4;
/** Most corrections remembered; old ones are dropped first. */
const CACHE_LIMIT = 20_000;

/** Edits allowed for a word of this length: one for short words, two from nine letters on. */
function maxEdits(length: number): number {
  return length >= 9 ? 2 : 1;
}

/** Longest word the corrector looks at; longer "words" (pasted links, keyboard mashing) are left alone. */
const MAX_LENGTH = 40;
/** Three rows of the distance table, allocated once (matching is synchronous). */
const ROWS = [new Int32Array(MAX_LENGTH + 2), new Int32Array(MAX_LENGTH + 2), new Int32Array(MAX_LENGTH + 2)];

/** Damerau-Levenshtein distance (optimal string alignment), stopping early above `limit`. */
export function editDistance(a: string, b: string, limit = MAX_LENGTH): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a.length > MAX_LENGTH || b.length > MAX_LENGTH) return limit + 1;
  let [prevPrev, prev, cur] = ROWS;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, prevPrev[j - 2] + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [prevPrev, prev, cur] = [prev, cur, prevPrev];
  }
  return prev[b.length];
}

/** True when `b` differs from `a` (same length) by exactly one replaced letter. */
function isSubstitution(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  return diff === 1;
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** A spelling corrector over a fixed vocabulary, built once at load time. */
export class SpellingCorrector {
  private readonly vocabulary: ReadonlySet<string>;
  /** Deletion key → vocabulary words that produce it (each word is also its own key). */
  private readonly index = new Map<string, string[]>();
  private readonly cache = new Map<string, string | null>();

  /**
   * @param vocabulary known words; more frequent ones should come first (they win ties).
   */
  constructor(vocabulary: Iterable<string>) {
    this.vocabulary = new Set(vocabulary);
    for (const word of this.vocabulary) {
      if (word.length < MIN_LENGTH - 1) continue;
      this.add(word, word);
      for (const d of deletions(word)) this.add(d, word);
    }
  }

  private add(key: string, word: string): void {
    const list = this.index.get(key);
    if (list === undefined) this.index.set(key, [word]);
    else if (!list.includes(word)) list.push(word);
  }

  /** True when the word is in the vocabulary as it is. */
  has(word: string): boolean {
    return this.vocabulary.has(word);
  }

  /**
   * The vocabulary word `word` most likely misspells, or `null` when none is close enough.
   * Known words, short words and words with digits come back unchanged / `null`.
   */
  correct(word: string): string | null {
    if (this.vocabulary.has(word)) return word;
    if (word.length < MIN_LENGTH || word.length > MAX_LENGTH || /[^a-z]/.test(word)) return null;
    const hit = this.cache.get(word);
    if (hit !== undefined) return hit;
    const found = this.lookup(word);
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(word, found);
    return found;
  }

  private lookup(word: string): string | null {
    const limit = maxEdits(word.length);
    const candidates = new Set<string>();
    for (const key of [word, ...deletions(word)]) {
      for (const c of this.index.get(key) ?? []) candidates.add(c);
    }
    const close = [...candidates].filter(
      (c) => c.length >= MIN_LENGTH - 1 && editDistance(word, c, limit) <= limit && (word.length > SHORT_WORD || !isSubstitution(word, c)),
    );
    if (close.length === 0) return null;
    // The edit distance decided which words are close enough; Fuse's Bitap score ranks them
    // (threshold 1: score every candidate, as Bitap counts a swap as two errors).
    const ranked = new Fuse(close, { includeScore: true, isCaseSensitive: true, threshold: 1, ignoreLocation: true }).search(word);
    if (ranked.length === 0) return close[0];
    // Equal Fuse scores: the smaller edit distance wins, then the vocabulary's order (frequency).
    const best = ranked.filter((r) => r.score === ranked[0].score);
    best.sort((a, b) => editDistance(word, a.item) - editDistance(word, b.item) || a.refIndex - b.refIndex);
    return best[0].item;
  }
}
