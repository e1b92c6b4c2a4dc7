import { EMERGENCY_INTENT, NONE_INTENT } from './intents';
import type { EmergencyDetector } from './emergency';
import { SpellingCorrector } from './spelling';
import { isLexiconWord, lexiconWords, tokensOf, words, type Token } from './text';
import type { IntentScore, KnowledgeEntry, MatchResult } from './types';

/**
 * The FAQ matcher: lexical scoring over every entry's question, label, examples and keywords,
 * with typo repair (fuse.js, see `spelling.ts`), synonyms and light stemming (`text.ts`).
 *
 * How a message is scored, and why:
 * - Each example/keyword/question is a small "document" of unigram and bigram features weighted
 *   by IDF, so words that name one topic ("nsip", "allergy") count more than words every entry
 *   shares ("portal", "account"), and bigrams keep "forgot password" apart from "forgot username".
 * - Best-example similarity is `coverage of the message × sqrt(coverage of the example)`: a
 *   message must be explained by what the example says, and an example's extra words cost a little.
 * - Intent coverage adds how much of the message the intent's whole vocabulary explains, weighted
 *   by how specific each word is to that intent, so a message mixing two examples still lands.
 * - Words the knowledge base has never seen (after typo repair) count fully in the message's
 *   weight but match nothing: "register for courses" is half unknown, so it falls under the
 *   threshold and comes out `none`. This is what keeps off-topic questions out.
 * Everything that depends only on the entries is computed once, in the constructor.
 */

/** Tunable numbers of the matcher. The defaults are what `npm run eval` was measured with. */
export interface MatcherOptions {
  /** Below this confidence the answer is `none`. */
  threshold: number;
  /** When the runner-up reaches this fraction of the top score, the result is `ambiguous`. */
  ambiguityRatio: number;
  /** At most this many candidates in an `ambiguous` result. */
  maxCandidates: number;
  /** How many ranked intents a result carries. */
  maxRanked: number;
  /** Weight of a "soft" word (how, what, can, you…): shapes a question, names no topic. */
  softWeight: number;
  /** Bigram weight relative to the weight its words would have. */
  bigramFactor: number;
  /** Weight of a word the knowledge base does not know, relative to the largest known weight. */
  unknownFactor: number;
  /** Share of the best-example similarity in the final score (the rest is intent coverage). */
  exampleShare: number;
}

/** The defaults of {@link MatcherOptions}. */
export const DEFAULT_MATCHER_OPTIONS: Readonly<MatcherOptions> = {
  threshold: 0.38,
  ambiguityRatio: 0.92,
  maxCandidates: 3,
  maxRanked: 5,
  softWeight: 0.4,
  bigramFactor: 0.5,
  unknownFactor: 1,
  exampleShare: 0.5,
};

/** Field weights: an example or the question is worth a bit more than a bare keyword. */
const FIELD_WEIGHT = { question: 1, label: 0.95, example: 1, keyword: 0.95 } as const;

/** The least confidence of an intent when the message is exactly one of its examples or keywords. */
const EXACT_SCORE = 0.9;
/** Tolerance when comparing sums of weights. */
const EPSILON = 1e-9;

/** One indexed document (an example, keyword, question or label of one intent). */
interface Doc {
  readonly intent: number;
  readonly total: number;
  readonly fieldWeight: number;
}

/** The features of one analysed text, unigrams and bigrams, each once. */
interface Features {
  readonly known: Map<number, number>;
  readonly unknownWeight: number;
}

/** Ranked intents with confidences in [0, 1], best first, before thresholds are applied. */
export type Ranking = IntentScore[];

/** The lexical matcher over a set of entries; `match` is pure and synchronous. */
export class Matcher {
  private readonly options: MatcherOptions;
  private readonly intents: string[] = [];
  private readonly featureIds = new Map<string, number>();
  private readonly weights: number[] = [];
  private readonly docs: Doc[] = [];
  /** Feature id → ids of the documents holding it. */
  private readonly postings: Int32Array[] = [];
  /** Feature id → [intent index, specificity weight] pairs (intent coverage). */
  private readonly intentShares: Array<Array<readonly [number, number]>> = [];
  private readonly speller: SpellingCorrector;
  private readonly unknownWeight: number;

  /**
   * @param entries the knowledge entries; the emergency entry is not indexed (detection owns it)
   * @param detectEmergency runs first on every message
   */
  constructor(
    entries: readonly KnowledgeEntry[],
    private readonly detectEmergency: EmergencyDetector,
    options: Partial<MatcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_MATCHER_OPTIONS, ...options };
    const texts: Array<{ intent: number; text: string; field: keyof typeof FIELD_WEIGHT }> = [];
    for (const entry of entries) {
      if (entry.id === EMERGENCY_INTENT) continue;
      const intent = this.intents.push(entry.id) - 1;
      texts.push({ intent, text: entry.question, field: 'question' });
      texts.push({ intent, text: entry.label, field: 'label' });
      for (const text of entry.examples) texts.push({ intent, text, field: 'example' });
      for (const text of entry.keywords) texts.push({ intent, text, field: 'keyword' });
    }

    // Vocabulary for typo repair, most frequent words first (they win ties).
    const frequency = new Map<string, number>();
    for (const { text } of texts) for (const w of words(text)) frequency.set(w, (frequency.get(w) ?? 0) + 1);
    const vocabulary = [...frequency.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
    this.speller = new SpellingCorrector([...vocabulary, ...lexiconWords()]);

    // Features per document, then document frequencies.
    const docFeatures: string[][] = texts.map(({ text }) => featureKeys(tokensOf(words(text))));
    const df = new Map<string, number>();
    const intentDf = new Map<string, Map<number, number>>();
    docFeatures.forEach((keys, i) => {
      for (const key of keys) {
        df.set(key, (df.get(key) ?? 0) + 1);
        let perIntent = intentDf.get(key);
        if (perIntent === undefined) intentDf.set(key, (perIntent = new Map()));
        perIntent.set(texts[i].intent, (perIntent.get(texts[i].intent) ?? 0) + 1);
      }
    });
    const intentCount = this.intents.length;
    let maxWeight = 0;
    for (const [key, count] of df) {
      const id = this.featureIds.size;
      this.featureIds.set(key, id);
      const perIntent = intentDf.get(key) ?? new Map<number, number>();
      const weight = topicWeight(count, perIntent.size, intentCount);
      maxWeight = Math.max(maxWeight, weight);
      this.weights.push(isSoftKey(key) ? this.options.softWeight : key.includes(' ') ? this.options.bigramFactor * weight : weight);
      this.intentShares.push([...perIntent.entries()].map(([intent, c]) => [intent, Math.sqrt(c / count)] as const));
    }
    this.unknownWeight = this.options.unknownFactor * maxWeight;

    const postingLists: number[][] = this.weights.map(() => []);
    docFeatures.forEach((keys, i) => {
      let total = 0;
      for (const key of keys) {
        const id = this.featureIds.get(key) as number;
        total += this.weights[id];
        postingLists[id].push(i);
      }
      this.docs.push({ intent: texts[i].intent, total, fieldWeight: FIELD_WEIGHT[texts[i].field] });
    });
    for (const list of postingLists) this.postings.push(Int32Array.from(list));
  }

  /** The intent ids this matcher can return besides `emergency` and `none`. */
  get intentIds(): readonly string[] {
    return this.intents;
  }

  /** Classifies one message: emergency first, then the lexical ranking with threshold and ambiguity. */
  match(text: string): MatchResult {
    const emergency = this.detectEmergency(text);
    const ranked = this.rank(text);
    if (emergency !== null) {
      return { kind: 'emergency', intent: EMERGENCY_INTENT, score: 1, ranked: [{ id: EMERGENCY_INTENT, score: 1 }, ...ranked] };
    }
    const top = ranked[0];
    if (top === undefined || top.score < this.options.threshold) {
      // The confidence of `none` is how far the best candidate stayed below certainty.
      return { kind: 'none', intent: NONE_INTENT, score: round(1 - (top?.score ?? 0)), ranked };
    }
    const close = ranked.filter((r) => r.score >= top.score * this.options.ambiguityRatio && r.score >= this.options.threshold);
    if (close.length > 1) {
      return { kind: 'ambiguous', intent: top.id, score: top.score, candidates: close.slice(0, this.options.maxCandidates), ranked };
    }
    return { kind: 'match', intent: top.id, score: top.score, ranked };
  }

  /** The lexical ranking alone (no emergency detection, no threshold): best first, scores in [0, 1]. */
  rank(text: string): Ranking {
    const features = this.features(text);
    let queryTotal = features.unknownWeight;
    for (const w of features.known.values()) queryTotal += w;
    if (queryTotal === 0 || features.known.size === 0) return [];

    const matched = new Map<number, number>();
    const coverage = new Float64Array(this.intents.length);
    for (const [id, w] of features.known) {
      for (const doc of this.postings[id]) matched.set(doc, (matched.get(doc) ?? 0) + w);
      for (const [intent, share] of this.intentShares[id]) coverage[intent] += w * share;
    }
    const best = new Float64Array(this.intents.length);
    const exact = new Uint8Array(this.intents.length);
    for (const [docId, m] of matched) {
      const doc = this.docs[docId];
      if (m >= queryTotal - EPSILON && m >= doc.total - EPSILON) exact[doc.intent] = 1;
      const sim = doc.fieldWeight * (m / queryTotal) * Math.sqrt(Math.min(1, m / doc.total));
      if (sim > best[doc.intent]) best[doc.intent] = sim;
    }
    const ranked: IntentScore[] = [];
    const share = this.options.exampleShare;
    for (let i = 0; i < this.intents.length; i++) {
      let score = share * best[i] + (1 - share) * (coverage[i] / queryTotal);
      // The message says exactly what one of the intent's examples or keywords says.
      if (exact[i] === 1) score = Math.max(score, EXACT_SCORE);
      if (score > 0) ranked.push({ id: this.intents[i], score: round(Math.min(1, score)) });
    }
    ranked.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    return ranked.slice(0, this.options.maxRanked);
  }

  /** Analyses a message into weighted features, repairing typos of words the index does not know. */
  private features(text: string): Features {
    const repaired = words(text).map((w) => this.repair(w));
    const keys = featureKeys(tokensOf(repaired));
    const known = new Map<number, number>();
    let unknownWeight = 0;
    for (const key of keys) {
      const id = this.featureIds.get(key);
      if (id !== undefined) known.set(id, this.weights[id]);
      else if (!key.includes(' ') && !isSoftKey(key) && !/^[0-9]+$/.test(key)) unknownWeight += this.unknownWeight;
    }
    return { known, unknownWeight };
  }

  private repair(word: string): string {
    if (isLexiconWord(word) || this.speller.has(word)) return word;
    // A word whose stem is indexed ("uploader" → "upload") needs no repair.
    for (const t of tokensOf([word])) if (this.featureIds.has(t.text)) return word;
    return this.speller.correct(word) ?? word;
  }
}

const SOFT_PREFIX = '~';

/**
 * The weight of a feature: how many intents use it (fewer = more telling, like IDF over intents)
 * times how often the entries use it at all. The second factor is why a word an entry's author
 * used once by chance ("giving") weighs less than a word its examples keep coming back to
 * ("upload"): examples are paraphrases, so a topic word recurs and an incidental one does not.
 */
function topicWeight(docCount: number, intentsUsing: number, intentCount: number): number {
  return Math.log(1 + intentCount / intentsUsing) * Math.log(1 + docCount);
}

function isSoftKey(key: string): boolean {
  return key.startsWith(SOFT_PREFIX);
}

/** Feature keys of a token list: every token once, plus bigrams of consecutive non-soft tokens. */
function featureKeys(tokens: readonly Token[]): string[] {
  const keys = new Set<string>();
  let previous: string | null = null;
  for (const t of tokens) {
    if (t.soft) {
      keys.add(SOFT_PREFIX + t.text);
      continue;
    }
    keys.add(t.text);
    if (previous !== null && previous !== t.text) keys.add(`${previous} ${t.text}`);
    previous = t.text;
  }
  return [...keys];
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
