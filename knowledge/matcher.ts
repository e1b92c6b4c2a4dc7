import { EMERGENCY_INTENT, NONE_INTENT } from './intents';
import type { EmergencyDetector } from './emergency';
import { isLikelyNotNoun } from './partOfSpeech';
import { SpellingCorrector } from './spelling';
import { canonical, dropFillers, expand, isFiller, isLexiconWord, lexiconWords, tokensOf, words, type Token } from './text';
import type { IntentScore, KnowledgeEntry, MatchResult } from './types';

/**
 * The FAQ matcher: lexical scoring over every entry's question, label, examples and keywords,
 * with typo repair (fuse.js, see `spelling.ts`), synonyms and light stemming (`text.ts`).
 *
 * How a message is scored, and why:
 * - Each example/keyword/question is a small "document" of unigram and bigram features, weighted
 *   like IDF over intents (see {@link topicWeight}), so words that name one topic ("allergy")
 *   count more than words every entry shares ("portal", "account"), and bigrams keep
 *   "forgot password" apart from "forgot username".
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
  /**
   * The same for a message of one topic word ("records", "account"): one word is little
   * evidence, so a wider gap is needed before the top intent is taken without asking.
   */
  oneWordAmbiguityRatio: number;
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
  /**
   * A message using a word only out-of-scope topics use ("requirements", "bill") is out of scope
   * when its best topic scores at least this fraction of its best entry: the word that says what
   * is wanted outweighs the domain word it comes with ("immunization requirements").
   */
  topicWordRatio: number;
  /** Weight multiplier of such a topic-only word in a message (it names what the user wants). */
  topicWordBoost: number;
  /** Match a message's sentences on their own too (two questions in one message). */
  splitParts: boolean;
  /**
   * A topic's share in one of its `subject` words, relative to the largest share an entry has in
   * it: below 1, so a message made of subject words alone ("immunization records") stays with the
   * entry.
   */
  subjectShare: number;
}

/** The defaults of {@link MatcherOptions}. */
export const DEFAULT_MATCHER_OPTIONS: Readonly<MatcherOptions> = {
  threshold: 0.38,
  ambiguityRatio: 0.9,
  oneWordAmbiguityRatio: 0.72,
  maxCandidates: 3,
  maxRanked: 5,
  softWeight: 0.4,
  bigramFactor: 0.5,
  unknownFactor: 1,
  exampleShare: 0.5,
  topicWordRatio: 0.6,
  topicWordBoost: 3,
  splitParts: true,
  subjectShare: 0.5,
};

/** Field weights: an example or the question is worth a bit more than a bare keyword. */
const FIELD_WEIGHT = { question: 1, label: 0.95, example: 1, keyword: 0.95 } as const;

/** The least confidence of an intent when the message says exactly one of its examples (or its question). */
const EXACT_SCORE = 0.9;
/** An exact match counts only for a document at least this heavy (three soft words, or one topic word). */
const MIN_EXACT_WEIGHT = 1;
/** An intent is conversational when at least this share of its examples are soft words only. */
const CONVERSATIONAL_SHARE = 0.25;
/** Share of the unknown-word weight for a number or a word that is most likely no noun. */
const MINOR_UNKNOWN = 0.5;
/** Tolerance when comparing sums of weights. */
const EPSILON = 1e-9;

/**
 * The indexed documents (each example, keyword, question and label of every intent), as
 * parallel typed arrays: the scoring loop reads them for hundreds of documents per message.
 */
interface Docs {
  /** Document → intent index. */
  readonly intent: Int32Array;
  /** Document → sum of its feature weights. */
  readonly total: Float64Array;
  /** Document → weight of its field (example, keyword, …). */
  readonly fieldWeight: Float64Array;
  /**
   * Document → 1 when saying exactly this document is decisive (examples, questions, labels).
   * Not for keywords: a one-word keyword ("immunization") may be shared in meaning by several
   * entries, and the message "immunization" should then be ambiguous, not a confident match.
   * Nor for a document of a single soft word ("what is this" is just "what").
   */
  readonly exactAllowed: Uint8Array;
}

/** One analysed message: its known features with their weights, and what it holds besides. */
interface Analysis {
  /** Feature id → weight, for the features the index knows. */
  readonly known: Map<number, number>;
  /** Total weight of the words the index does not know. */
  readonly unknownWeight: number;
  /** How many topic (non-soft) tokens the message has. */
  readonly topicTokens: number;
  /** Whether a word of the message is used by out-of-scope topics only. */
  readonly topicWord: boolean;
}

/** Per-call working arrays, allocated once so that matching creates almost no garbage. */
interface Scratch {
  readonly docScore: Float64Array;
  readonly touched: Int32Array;
  readonly coverage: Float64Array;
  readonly best: Float64Array;
  readonly exact: Uint8Array;
}

/** A match result that is not an emergency (emergency detection runs once, on the whole message). */
type Classified = Exclude<MatchResult, { kind: 'emergency' }>;

/** A whole-message match at least this confident keeps its answer over its parts' (they may still name a second question). */
const CONFIDENT_SCORE = 0.6;

/** How clear a result is, to choose between a message's parts: a match, then "did you mean", then a topic. */
function strength(r: Classified): number {
  if (r.kind === 'match') return 2 + r.score;
  if (r.kind === 'ambiguous') return 1 + r.score;
  return r.topic === undefined ? 0 : 0.5 + r.score / 2;
}

/**
 * The parts of a message that may each ask something: its sentences (split after ".", "?", "!"
 * or ";") and the halves of "…, and also …" / "… plus …". Parts of fewer than two words, and
 * parts that are only a closer ("What should I do?"), are dropped.
 */
function questionParts(text: string): string[][] {
  return text
    .split(/[.?!;]+(?:\s+|$)|\s*\b(?:and also|also|plus)\b\s*/i)
    .map((part) => words(part))
    .filter((part) => part.length >= 2 && !isFiller(part));
}

/**
 * The two halves of a message whose second question is joined by "and" and a question word
 * ("whats the portal website and how do i get my records"); none when it has no such joint.
 * They only name a second question: "…, and why do I have to submit one?" says nothing on its
 * own, so such a half never decides the answer.
 */
function andQuestionHalves(text: string): string[][] {
  return text
    .split(/\s*,?\s*\band(?=\s+(?:how|what|whats|what'?s|where|wheres|when|why|can|could|do|does|is|are)\b)\s*/i)
    .map((part) => words(part))
    .filter((part) => part.length >= 2 && !isFiller(part));
}

/** A ranked intent or out-of-scope topic. */
interface RankedScore extends IntentScore {
  readonly topic: boolean;
}

/** The lexical matcher over a set of entries; `match` is pure and synchronous. */
export class Matcher {
  private readonly options: MatcherOptions;
  private readonly intents: string[] = [];
  private readonly featureIds = new Map<string, number>();
  private readonly weights: number[] = [];
  private readonly docs: Docs;
  /** Feature id → ids of the documents holding it. */
  private readonly postings: Int32Array[] = [];
  /** Feature id → [intent index, specificity weight] pairs (intent coverage). */
  private readonly intentShares: Array<Array<readonly [number, number]>> = [];
  private readonly speller: SpellingCorrector;
  private readonly unknownWeight: number;
  private readonly scratch: Scratch;
  /**
   * Intent index → 1 for a conversational intent (smalltalk): one whose examples are often made
   * of soft words only ("hi", "what can you do"). Only those may answer a message without a
   * topic word: "what time is it" shares "what" and "time" with FAQ examples but asks no FAQ.
   */
  private readonly conversational: Uint8Array;
  /**
   * Intent indexes from here on are out-of-scope topics (billing, appointments, …): indexed like
   * entries, so their words are known and pull a message away from the FAQ, but never answered.
   */
  private readonly topicFrom: number;
  /** Feature id → 1 when only out-of-scope topics use it. */
  private readonly topicOnly: Uint8Array;

  /**
   * @param entries the knowledge entries; the emergency entry is not indexed (detection owns it)
   * @param detectEmergency runs first on every message
   */
  constructor(
    entries: readonly KnowledgeEntry[],
    private readonly detectEmergency: EmergencyDetector,
    options: Partial<MatcherOptions> = {},
    topics: ReadonlyArray<KnowledgeEntry & { readonly subject?: readonly string[] }> = [],
  ) {
    this.options = { ...DEFAULT_MATCHER_OPTIONS, ...options };
    const texts: Array<{ intent: number; text: string; field: keyof typeof FIELD_WEIGHT }> = [];
    const indexed = [...entries.filter((e) => e.id !== EMERGENCY_INTENT), ...topics];
    this.topicFrom = indexed.length - topics.length;
    for (const entry of indexed) {
      const intent = this.intents.push(entry.id) - 1;
      texts.push({ intent, text: entry.question, field: 'question' });
      texts.push({ intent, text: entry.label, field: 'label' });
      for (const text of entry.examples) texts.push({ intent, text, field: 'example' });
      for (const text of entry.keywords) texts.push({ intent, text, field: 'keyword' });
    }

    // Vocabulary for typo repair, most frequent words first (they win ties).
    const docWords = texts.map(({ text }) => words(text));
    const frequency = new Map<string, number>();
    // Only the entries' words: a typo is never "repaired" into an out-of-scope word ("killing" is not "billing").
    docWords.forEach((list, i) => {
      if (texts[i].intent < this.topicFrom) for (const w of list) frequency.set(w, (frequency.get(w) ?? 0) + 1);
    });
    const vocabulary = [...frequency.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
    this.speller = new SpellingCorrector([...vocabulary, ...lexiconWords()]);

    // Feature ids per document, then how many documents (and of which intents) use each feature.
    const docIds: Int32Array[] = docWords.map((list) =>
      Int32Array.from(featureKeys(tokensOf(list)), (key) => {
        let id = this.featureIds.get(key);
        if (id === undefined) this.featureIds.set(key, (id = this.featureIds.size));
        return id;
      }),
    );
    const featureCount = this.featureIds.size;
    const intentCount = this.intents.length;
    const df = new Int32Array(featureCount);
    const intentDf = new Int32Array(featureCount * intentCount);
    docIds.forEach((ids, doc) => {
      for (const id of ids) {
        df[id]++;
        intentDf[id * intentCount + texts[doc].intent]++;
      }
    });
    const keys = [...this.featureIds.keys()];
    let maxWeight = 0;
    for (let id = 0; id < featureCount; id++) {
      const shares: Array<readonly [number, number]> = [];
      for (let intent = 0; intent < intentCount; intent++) {
        const c = intentDf[id * intentCount + intent];
        if (c > 0) shares.push([intent, Math.sqrt(c / df[id])]);
      }
      this.intentShares.push(shares);
      const weight = topicWeight(df[id], shares.length, intentCount);
      maxWeight = Math.max(maxWeight, weight);
      const key = keys[id];
      this.weights.push(isSoftKey(key) ? this.options.softWeight : key.includes(' ') ? this.options.bigramFactor * weight : weight);
    }
    this.unknownWeight = this.options.unknownFactor * maxWeight;
    this.topicOnly = Uint8Array.from(this.intentShares, (shares) => (shares.length > 0 && shares.every(([i]) => i >= this.topicFrom) ? 1 : 0));
    // A topic shares its subject with entries ("which immunizations are required" is about
    // immunizations as much as "I can't enter my immunizations"): the topic's `subject` words
    // count for it in intent coverage too, at a fraction of the largest share an entry has in
    // them, so they never take a message from an entry alone and the words that say what is
    // wanted ("required", "hold" versus "enter", "upload") decide. Weights, documents and
    // topic-only words stay as the examples and keywords make them.
    topics.forEach((topic, t) => {
      const intent = this.topicFrom + t;
      for (const phrase of topic.subject ?? []) {
        for (const key of featureKeys(tokensOf(words(phrase)))) {
          const id = this.featureIds.get(key);
          if (id === undefined || isSoftKey(key)) continue;
          const shares = this.intentShares[id];
          let inherited = 0;
          for (const [i, share] of shares) if (i < this.topicFrom) inherited = Math.max(inherited, share * this.options.subjectShare);
          const own = shares.findIndex(([i]) => i === intent);
          if (own < 0) shares.push([intent, inherited]);
          else if (shares[own][1] < inherited) shares[own] = [intent, inherited];
        }
      }
    });

    // Posting lists (feature → documents) and the documents' totals.
    const postingLists: number[][] = Array.from({ length: featureCount }, () => []);
    this.docs = {
      intent: Int32Array.from(texts, (t) => t.intent),
      total: new Float64Array(texts.length),
      fieldWeight: Float64Array.from(texts, (t) => FIELD_WEIGHT[t.field]),
      exactAllowed: new Uint8Array(texts.length),
    };
    docIds.forEach((ids, i) => {
      for (const id of ids) {
        this.docs.total[i] += this.weights[id];
        postingLists[id].push(i);
      }
      this.docs.exactAllowed[i] = texts[i].field !== 'keyword' && this.docs.total[i] >= MIN_EXACT_WEIGHT ? 1 : 0;
    });
    for (const list of postingLists) this.postings.push(Int32Array.from(list));

    const softOnly = new Int32Array(intentCount);
    const docsPerIntent = new Int32Array(intentCount);
    docIds.forEach((ids, i) => {
      docsPerIntent[texts[i].intent]++;
      if (ids.length > 0 && Array.from(ids).every((id) => isSoftKey(keys[id]))) softOnly[texts[i].intent]++;
    });
    this.conversational = Uint8Array.from(softOnly, (n, intent) => (n >= CONVERSATIONAL_SHARE * docsPerIntent[intent] ? 1 : 0));
    this.scratch = {
      docScore: new Float64Array(texts.length),
      touched: new Int32Array(texts.length),
      coverage: new Float64Array(intentCount),
      best: new Float64Array(intentCount),
      exact: new Uint8Array(intentCount),
    };
  }

  /** Classifies one message: emergency first, then the lexical ranking with threshold and ambiguity. */
  match(text: string): MatchResult {
    const split = words(text);
    const emergency = this.detectEmergency(text, split);
    const whole = this.classify(split);
    if (emergency !== null) {
      return { kind: 'emergency', intent: EMERGENCY_INTENT, score: 1, ranked: [{ id: EMERGENCY_INTENT, score: 1 }, ...whole.ranked] };
    }
    // Two questions in one message, or the question after a sentence of context: each part is
    // matched on its own; the clearest answer wins and another part's answer comes as `also`.
    // A confident whole keeps its answer, and a part about something else still comes as `also`.
    const parts = this.options.splitParts ? questionParts(text) : [];
    const halves = this.options.splitParts ? andQuestionHalves(text) : [];
    const confident = whole.kind === 'match' && whole.score >= CONFIDENT_SCORE;
    let best: Classified = whole;
    const results = parts.length >= 2 ? parts.map((part) => this.classify(part)) : [];
    if (!confident) for (const r of results) if (strength(r) > strength(best)) best = r;
    if (best.kind !== 'match') return best;
    const chosen = best;
    const other = (rs: Classified[]) => rs.find((r): r is Classified & { kind: 'match' } => r.kind === 'match' && r.intent !== chosen.intent);
    const also = other(results) ?? (halves.length >= 2 ? other(halves.map((half) => this.classify(half))) : undefined);
    return also === undefined ? best : { ...best, also: also.intent };
  }

  /** Threshold, topics and ambiguity for one message (or one part of it), without emergency detection. */
  private classify(split: readonly string[]): Classified {
    const analysis = this.analyse(dropFillers(split));
    const all = this.rank(analysis);
    const ranked = all.filter((r) => !r.topic).slice(0, this.options.maxRanked).map(({ id, score }) => ({ id, score }));
    // Out of scope: the message is best explained by a topic the FAQ does not answer, or it says
    // what it wants with a topic's own word and that topic is close enough.
    const bestTopic = all.find((r) => r.topic);
    const bestEntry = ranked[0];
    if (
      bestTopic !== undefined &&
      (bestTopic.score >= this.options.threshold
        ? bestEntry === undefined || bestTopic.score >= bestEntry.score || (analysis.topicWord && bestTopic.score >= this.options.topicWordRatio * bestEntry.score)
        : analysis.topicWord && bestEntry !== undefined && bestTopic.score >= this.options.topicWordRatio * bestEntry.score)
    ) {
      return { kind: 'none', intent: NONE_INTENT, score: bestTopic.score, ranked, topic: bestTopic.id };
    }
    const top = ranked[0];
    if (top === undefined || top.score < this.options.threshold) {
      // The confidence of `none` is how far the best candidate stayed below certainty.
      return { kind: 'none', intent: NONE_INTENT, score: round(1 - (top?.score ?? 0)), ranked };
    }
    const oneWord = analysis.topicTokens === 1 && analysis.unknownWeight === 0;
    const ratio = oneWord ? this.options.oneWordAmbiguityRatio : this.options.ambiguityRatio;
    const close = ranked.filter((r) => r.score >= top.score * ratio && r.score >= this.options.threshold);
    if (close.length > 1) {
      return { kind: 'ambiguous', intent: top.id, score: top.score, candidates: close.slice(0, this.options.maxCandidates), ranked };
    }
    return { kind: 'match', intent: top.id, score: top.score, ranked };
  }

  /**
   * The lexical ranking (no emergency detection, no threshold) over entries and out-of-scope
   * topics (`topic: true`): best first, scores in [0, 1].
   */
  private rank(analysis: Analysis): RankedScore[] {
    let queryTotal = analysis.unknownWeight;
    for (const w of analysis.known.values()) queryTotal += w;
    if (queryTotal === 0 || analysis.known.size === 0) return [];

    // Scratch arrays reused across calls (matching is synchronous, so they are never shared).
    const { docScore, touched, coverage, best, exact } = this.scratch;
    coverage.fill(0);
    best.fill(0);
    exact.fill(0);
    let touchedCount = 0;
    for (const [id, w] of analysis.known) {
      const postings = this.postings[id];
      for (let k = 0; k < postings.length; k++) {
        const doc = postings[k];
        if (docScore[doc] === 0) touched[touchedCount++] = doc;
        docScore[doc] += w;
      }
      for (const [intent, share] of this.intentShares[id]) coverage[intent] += w * share;
    }
    for (let k = 0; k < touchedCount; k++) {
      const docId = touched[k];
      const m = docScore[docId];
      docScore[docId] = 0;
      const intent = this.docs.intent[docId];
      const total = this.docs.total[docId];
      if (this.docs.exactAllowed[docId] === 1 && m >= queryTotal - EPSILON && m >= total - EPSILON) exact[intent] = 1;
      const sim = this.docs.fieldWeight[docId] * (m / queryTotal) * Math.sqrt(Math.min(1, m / total));
      if (sim > best[intent]) best[intent] = sim;
    }
    const ranked: RankedScore[] = [];
    const share = this.options.exampleShare;
    for (let i = 0; i < this.intents.length; i++) {
      if (analysis.topicTokens === 0 && this.conversational[i] === 0) continue;
      let score = share * best[i] + (1 - share) * (coverage[i] / queryTotal);
      // The message says exactly what one of the intent's examples says.
      if (exact[i] === 1) score = Math.max(score, EXACT_SCORE);
      if (score > 0) ranked.push({ id: this.intents[i], score: round(Math.min(1, score)), topic: i >= this.topicFrom });
    }
    ranked.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    return ranked;
  }

  /** Analyses a message into weighted features, repairing typos of words the index does not know. */
  private analyse(split: readonly string[]): Analysis {
    const repaired = this.repairAll(split);
    const tokens = tokensOf(repaired);
    const keys = featureKeys(tokens);
    // Unknown words that only say how ("receiving", "bigger", "often"): see isLikelyNotNoun.
    const minorForms = new Set<string>();
    for (const w of repaired) {
      if ((w.length > 5 && /(ing|ed)$/.test(w)) || isLikelyNotNoun(w)) for (const t of canonical(w)) minorForms.add(t);
    }
    const known = new Map<number, number>();
    let unknownWeight = 0;
    let topicWord = false;
    for (const key of keys) {
      const id = this.featureIds.get(key);
      if (id !== undefined) {
        const onlyTopics = this.topicOnly[id] === 1 && !isSoftKey(key);
        known.set(id, onlyTopics ? this.options.topicWordBoost * this.weights[id] : this.weights[id]);
        if (onlyTopics) topicWord = true;
      }
      else if (!key.includes(' ') && !isSoftKey(key)) {
        // A number ("16", "2") is half an unknown word: it rarely names a topic, but a message
        // made of numbers and question words ("what is 2 plus 2") is not about the portal.
        // So is a verb, adjective or adverb the entries never use ("receiving", "bigger"): it says how, rarely what.
        unknownWeight += /^[0-9]+$/.test(key) || minorForms.has(key) ? this.unknownWeight * MINOR_UNKNOWN : this.unknownWeight;
      }
    }
    return { known, unknownWeight, topicTokens: tokens.filter((t) => !t.soft).length, topicWord };
  }

  /** Repairs the typos of a message's words; a repaired contraction ("cnat" → "cant") is expanded. */
  private repairAll(split: readonly string[]): string[] {
    const out: string[] = [];
    for (const w of split) {
      const repaired = this.repair(w);
      if (repaired === w) out.push(w);
      else out.push(...expand(repaired));
    }
    return out;
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
