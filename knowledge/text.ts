import { CLOSERS, CONTRACTIONS, OPENERS, PHRASES, SOFT_WORDS, STOPWORDS, SYNONYMS, TEXTING, TEXTING_LAST } from './lexicon';

/**
 * Text normalisation shared by the matcher and emergency detection: one place decides what a
 * "word" is, so an entry's examples and a user's message are cut the same way.
 */

/**
 * The lexicon's tables as Maps: faster than object lookups on the hot path, and safe for words
 * like "constructor" that an object literal would "find" on its prototype.
 */
const CONTRACTION_MAP: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(CONTRACTIONS).map(([k, v]) => [k, v.split(' ')]));
const SYNONYM_MAP: ReadonlyMap<string, string> = new Map(Object.entries(SYNONYMS));

const CONTRACTION_SUFFIX: Readonly<Record<string, string>> = { m: 'am', re: 'are', ve: 'have', ll: 'will', d: 'would' };

/** Lower-cases, folds accents and curly quotes, drops punctuation and splits "covid19" → "covid 19". */
export function normalize(text: string): string {
  let s = text.toLowerCase();
  // NFKD is by far the slowest step, and most messages are plain ASCII.
  // eslint-disable-next-line no-control-regex -- the ASCII range, control characters included
  if (/[^\x00-\x7f]/.test(s)) s = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[\u2018\u2019\u02bc`\u00b4]/g, "'");
  if (s.includes("'")) {
    s = s
      .replace(/n't\b/g, ' not')
      .replace(/'(m|re|ve|ll|d)\b/g, (_m, suffix: string) => ` ${CONTRACTION_SUFFIX[suffix]}`)
      .replace(/'s\b/g, '');
  }
  return readTexting(
    s
      .replace(/[^a-z0-9]+/g, ' ')
      .replace(/([a-z])(?=[0-9])|([0-9])(?=[a-z])/g, '$1$2 ')
      .replace(/([a-z])\1{2,}/g, '$1$1')
      .trim(),
  );
}

const TEXTING_MAP: ReadonlyMap<string, string> = new Map(Object.entries(TEXTING));
const TEXTING_LAST_MAP: ReadonlyMap<string, string> = new Map(Object.entries(TEXTING_LAST));

/**
 * Texting abbreviations in a lower-case, space-separated message spelled out ("u" → "you", a
 * last "rn" → "right now"), and the name in "I go by Sam" dropped; other words, and words carrying punctuation such as an email
 * address, are left as they are.
 */
export function readTexting(text: string): string {
  // "I go by Sam not Samantha": the names themselves name no topic, the preferred name does.
  if (text.includes(' by ')) text = text.replace(/\b(go|goes|going) by [a-z]+( not [a-z]+)?\b/g, '$1 by');
  const words = text.split(' ');
  let changed = false;
  for (let i = 0; i < words.length; i++) {
    const spelled = TEXTING_MAP.get(words[i]) ?? (i === words.length - 1 ? TEXTING_LAST_MAP.get(words[i]) : undefined);
    if (spelled !== undefined) {
      words[i] = spelled;
      changed = true;
    }
  }
  return changed ? words.join(' ') : text;
}

/** What is left of "can't" / "won't" once "n't" became " not". */
const NOT_STEMS: ReadonlyMap<string, string> = new Map([
  ['ca', 'can'],
  ['wo', 'will'],
]);

/** The words of a text after {@link normalize}, with contractions ("cant", "im") expanded. */
export function words(text: string): string[] {
  const out: string[] = [];
  const normal = normalize(text);
  if (normal === '') return out;
  for (const w of normal.split(' ')) out.push(...expand(w));
  return out;
}

/** One word with its contraction expanded ("cant" → "can not"); other words unchanged. */
export function expand(word: string): readonly string[] {
  const expanded = CONTRACTION_MAP.get(word);
  if (expanded !== undefined) return expanded;
  const notStem = NOT_STEMS.get(word);
  return notStem === undefined ? [word] : [notStem];
}

/** Phrases of {@link PHRASES} as token arrays, grouped by first word, longest first. */
const PHRASES_BY_FIRST = new Map<string, Array<{ from: readonly string[]; to: readonly string[] }>>();
for (const [from, to] of PHRASES) {
  const phrase = { from: from.split(' '), to: to.split(' ') };
  const list = PHRASES_BY_FIRST.get(phrase.from[0]) ?? [];
  list.push(phrase);
  list.sort((a, b) => b.from.length - a.from.length);
  PHRASES_BY_FIRST.set(phrase.from[0], list);
}

/** Folds multi-word phrases of {@link PHRASES} into their single tokens ("log in" → "login"). */
export function foldPhrases(input: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  outer: while (i < input.length) {
    for (const p of PHRASES_BY_FIRST.get(input[i]) ?? []) {
      if (i + p.from.length > input.length) continue;
      let same = true;
      for (let k = 1; k < p.from.length && same; k++) same = input[i + k] === p.from[k];
      if (same) {
        out.push(...p.to);
        i += p.from.length;
        continue outer;
      }
    }
    out.push(input[i]);
    i++;
  }
  return out;
}

/**
 * A light English stemmer (plural, -ing, -ed, final e). Deliberately weaker than Porter: the
 * vocabulary is small, and over-stemming ("university" → "univers") would only add collisions.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /[0-9]/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length > 4) w = undouble(w.slice(0, -2));
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  return /([b-df-hj-kmnp-rtv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w) ? w.slice(0, -1) : w;
}

/** One analysed token: its canonical form and whether it is a low-weight "soft" word. */
export interface Token {
  readonly text: string;
  readonly soft: boolean;
}

/** Memo of {@link canonical}: the vocabulary is small and the same words come back all the time. */
const CANONICAL_CACHE = new Map<string, readonly string[]>();
const CANONICAL_CACHE_LIMIT = 50_000;

/** The canonical tokens of one word: synonyms first, then the stem, then synonyms of the stem. */
export function canonical(word: string): readonly string[] {
  const cached = CANONICAL_CACHE.get(word);
  if (cached !== undefined) return cached;
  const s = stem(word);
  const mapped = SYNONYM_MAP.get(word) ?? SYNONYM_MAP.get(s);
  const result = mapped === undefined ? [s] : mapped.split(' ').map(stem);
  if (CANONICAL_CACHE.size >= CANONICAL_CACHE_LIMIT) CANONICAL_CACHE.clear();
  CANONICAL_CACHE.set(word, result);
  return result;
}

/** Soft words, canonicalised, so "thanks" (→ "thank") is recognised as soft after stemming. */
const SOFT_CANONICAL: ReadonlySet<string> = new Set([...SOFT_WORDS].flatMap((w) => canonical(w)));

/** True when the word is known to the lexicon itself (stopword, soft word, synonym or phrase part). */
export function isLexiconWord(word: string): boolean {
  return STOPWORDS.has(word) || SOFT_WORDS.has(word) || SYNONYM_MAP.has(word) || CONTRACTION_MAP.has(word);
}

/** All words the lexicon knows, for the spelling corrector's vocabulary. */
export function lexiconWords(): string[] {
  const all = new Set<string>([...STOPWORDS, ...SOFT_WORDS, ...Object.keys(SYNONYMS), ...Object.keys(CONTRACTIONS)]);
  for (const [from] of PHRASES) for (const w of from.split(' ')) all.add(w);
  return [...all];
}

/** Turns already-corrected words into tokens: phrases folded, stopwords dropped, synonyms and stems applied. */
export function tokensOf(input: readonly string[]): Token[] {
  const out: Token[] = [];
  for (const w of foldPhrases(input)) {
    if (STOPWORDS.has(w)) continue;
    for (const t of canonical(w)) {
      if (t === '') continue;
      out.push({ text: t, soft: SOFT_CANONICAL.has(t) });
    }
  }
  return out;
}

/** Openers and closers as word lists, longest first, so "thank you so much" goes before "thank you". */
const OPENER_WORDS = OPENERS.map((p) => p.split(' ')).sort((a, b) => b.length - a.length);
const CLOSER_WORDS = CLOSERS.map((p) => p.split(' ')).sort((a, b) => b.length - a.length);

function startsWith(list: readonly string[], from: number, phrase: readonly string[]): boolean {
  if (from + phrase.length > list.length) return false;
  for (let k = 0; k < phrase.length; k++) if (list[from + k] !== phrase[k]) return false;
  return true;
}

/**
 * A message's words without conversational openers and closers ({@link OPENERS}, {@link CLOSERS}):
 * "alright last question can i print my record thanks" → "can i print my record". Something is
 * always left: a message that is only an opener ("hi", "help") stays as it is.
 */
export function dropFillers(input: readonly string[]): readonly string[] {
  let start = 0;
  let end = input.length;
  let changed = true;
  while (changed) {
    changed = false;
    for (const phrase of OPENER_WORDS) {
      if (end - start > phrase.length && startsWith(input, start, phrase)) {
        start += phrase.length;
        changed = true;
        break;
      }
    }
    for (const phrase of CLOSER_WORDS) {
      if (end - start > phrase.length && startsWith(input, end - phrase.length, phrase)) {
        end -= phrase.length;
        changed = true;
        break;
      }
    }
  }
  if (start === 0 && end === input.length) return input;
  // Keep the message whole when what is left says nothing ("hey there" is not "there").
  const rest = input.slice(start, end);
  return rest.some((w) => !STOPWORDS.has(w) && !SOFT_WORDS.has(w)) ? rest : input;
}

/** True when the words are exactly one opener or closer ("what should i do", "thanks"). */
export function isFiller(input: readonly string[]): boolean {
  const joined = input.join(' ');
  return FILLERS.has(joined);
}

const FILLERS: ReadonlySet<string> = new Set([...OPENERS, ...CLOSERS]);
