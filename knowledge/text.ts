import { CONTRACTIONS, PHRASES, SOFT_WORDS, STOPWORDS, SYNONYMS } from './lexicon';

/**
 * Text normalisation shared by the matcher and emergency detection: one place decides what a
 * "word" is, so an entry's examples and a user's message are cut the same way.
 */

/** Lower-cases, folds accents and curly quotes, drops punctuation and splits "covid19" → "covid 19". */
export function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/n't\b/g, ' not')
    .replace(/'(m|re|ve|ll|d)\b/g, (_m, s: string) => ` ${{ m: 'am', re: 'are', ve: 'have', ll: 'will', d: 'would' }[s]}`)
    .replace(/'s\b/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/([a-z])([0-9])/g, '$1 $2')
    .replace(/([0-9])([a-z])/g, '$1 $2')
    .replace(/([a-z])\1{2,}/g, '$1$1')
    .trim();
}

/** The words of a text after {@link normalize}, with contractions ("cant", "im") expanded. */
export function words(text: string): string[] {
  const out: string[] = [];
  const normal = normalize(text);
  if (normal === '') return out;
  for (const w of normal.split(' ')) {
    const expanded = CONTRACTIONS[w];
    if (expanded === undefined) out.push(w);
    else for (const part of expanded.split(' ')) out.push(part);
  }
  // "can not" was split from "can't": the word "ca" is what remains of "can't" after 'n't' → ' not'.
  return out.map((w) => (w === 'ca' ? 'can' : w === 'wo' ? 'will' : w));
}

/** Phrase table as token arrays, longest first, so "single sign on" wins over "sign on". */
const PHRASE_LIST: ReadonlyArray<{ from: readonly string[]; to: readonly string[] }> = PHRASES.map(([from, to]) => ({
  from: from.split(' '),
  to: to.split(' '),
})).sort((a, b) => b.from.length - a.from.length);

/** Folds multi-word phrases of {@link PHRASES} into their single tokens. */
export function foldPhrases(input: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  outer: while (i < input.length) {
    for (const p of PHRASE_LIST) {
      if (p.from[0] !== input[i] || i + p.from.length > input.length) continue;
      let same = true;
      for (let k = 1; k < p.from.length; k++) {
        if (input[i + k] !== p.from[k]) {
          same = false;
          break;
        }
      }
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

/** The canonical tokens of one word: synonyms first, then the stem, then synonyms of the stem. */
export function canonical(word: string): string[] {
  const direct = SYNONYMS[word];
  if (direct !== undefined) return direct.split(' ').map(stem);
  const s = stem(word);
  const viaStem = SYNONYMS[s];
  if (viaStem !== undefined) return viaStem.split(' ').map(stem);
  return [s];
}

/** Soft words, canonicalised, so "thanks" (→ "thank") is recognised as soft after stemming. */
const SOFT_CANONICAL: ReadonlySet<string> = new Set([...SOFT_WORDS].flatMap((w) => canonical(w)));

/** True when the word is dropped before matching. */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** True when the word is known to the lexicon itself (stopword, soft word, synonym or phrase part). */
export function isLexiconWord(word: string): boolean {
  return STOPWORDS.has(word) || SOFT_WORDS.has(word) || word in SYNONYMS || word in CONTRACTIONS;
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
