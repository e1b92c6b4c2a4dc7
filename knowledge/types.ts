/**
 * The public types of the knowledge base. `knowledge/` is the innermost layer: it imports
 * nothing from `dialogs/` or `bot/`, and no transport (botbuilder) types.
 */

/** A link shown under an answer. */
export interface KnowledgeLink {
  title: string;
  url: string;
}

/** One FAQ entry (one intent), as validated from a data file in `knowledge/entries/`. */
export interface KnowledgeEntry {
  /** The intent id, exactly as in `../shared/eval/README.md`. */
  id: string;
  /** The FAQ question, as a title. */
  question: string;
  /** A short label for buttons ("Did you mean …?", suggested actions). */
  label: string;
  /** The answer in Markdown, carrying the seed FAQ's facts exactly. */
  answer: string;
  /** Example phrasings we wrote ourselves. */
  examples: string[];
  /** Keywords and synonyms that point at this entry. */
  keywords: string[];
  links: KnowledgeLink[];
  /** Follow-up suggestions, shown as suggested actions (each is text the user can send). */
  followUps: string[];
  /** The entry that is the natural next step after this one ("then what?", "and after that?"), quoted from the FAQ. */
  next?: string;
  /** The entry to turn to when this answer did not work ("what if that doesn't work?", "that didn't work"). */
  ifNotWorking?: string;
  /** The file the entry came from, for error messages. */
  source: string;
}

/** One ranked candidate. */
export interface IntentScore {
  id: string;
  /** Confidence in [0, 1]. */
  score: number;
}

/**
 * The matcher's answer for one message. Expected outcomes are values, never exceptions:
 * - `emergency`: emergency detection fired (it runs first and cannot be outranked);
 * - `match`: one clear intent;
 * - `ambiguous`: the top candidates are close: ask "Did you mean …?" with `candidates`;
 * - `none`: below the threshold.
 * `score` is the confidence in `intent`: 1 for an emergency, the top intent's confidence for
 * `match`/`ambiguous`, and for `none` 1 minus the best candidate's confidence (so a message
 * nothing resembles is a confident `none`). `ranked` holds the best lexical candidates, best
 * first (after `emergency` itself when emergency detection fired). A `none` may name the
 * out-of-scope `topic` it is about (billing, appointments, …): the bot then says where to go. A
 * `match` of a message asking two things names the second question's intent as `also`.
 */
export type MatchResult =
  | { kind: 'emergency'; intent: 'emergency'; score: number; ranked: IntentScore[] }
  | { kind: 'match'; intent: string; score: number; ranked: IntentScore[]; also?: string }
  | { kind: 'ambiguous'; intent: string; score: number; candidates: IntentScore[]; ranked: IntentScore[] }
  | { kind: 'none'; intent: 'none'; score: number; ranked: IntentScore[]; topic?: string };

/**
 * A question the portal FAQ does not answer (billing, insurance waivers, appointments, …), as
 * validated from a data file in `knowledge/out-of-scope/`: its answer says the bot only helps with
 * the portal and, where a UHS page says so, where to go instead (`sources` cite those pages).
 */
export interface OutOfScopeTopic extends KnowledgeEntry {
  /** The pages the answer's facts come from ("seed FAQ 13" or an address). */
  sources: string[];
  /**
   * Words of the subject the topic shares with FAQ entries ("immunization", "vaccine": which
   * immunizations are required is about the same immunizations as entering them). They point at
   * the topic only through the matcher's intent coverage, at a lower share than the entries
   * using them, so the words that say what is wanted ("required", "hold" versus "enter",
   * "upload") decide. May be empty.
   */
  subject: string[];
}

/** The loaded knowledge base: entries plus the matcher over them. */
export interface KnowledgeBase {
  readonly entries: ReadonlyMap<string, KnowledgeEntry>;
  /** Classifies one user message. Pure and synchronous; well under 1 ms. */
  match(text: string): MatchResult;
  /**
   * Whether `text` describes an emergency: exactly when {@link match} says `emergency` (the
   * same detector runs first there), without ranking the FAQ entries. The bot asks this of
   * every message, most of them answers to a dialog's question that are never matched.
   */
  isEmergency(text: string): boolean;
  /** The entry for an intent id, or `undefined`. */
  get(id: string): KnowledgeEntry | undefined;
  /** The out-of-scope topics by id (what a `none` result's `topic` names). */
  readonly outOfScope: ReadonlyMap<string, OutOfScopeTopic>;
}
