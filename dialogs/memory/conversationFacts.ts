import type { TurnContext } from 'botbuilder-core';
import type { Facts } from '../prompts/recognizer';

/**
 * What the dialogs have learnt in this conversation, so that no question is asked twice and a
 * handoff carries what was done: kept in conversation memory (with its TTL), cleared with it.
 * No date of birth is ever put here.
 */
export interface KnownFacts extends Facts {
  /**
   * The addresses the person gave for account checks and resets, the latest last (offered again
   * at the next email question; the help desk asks for them first). Kept short: conversation
   * state is serialised on every turn.
   */
  emailsTried?: string[];
  /** The latest file check: its (redacted) name, whether it was fine, and the problem codes. */
  file?: { name: string; ok: boolean; problems: string[]; checked: string };
  /** Troubleshooting steps tried, in order ("password tips", "tip: Try a different browser…"). */
  tried?: string[];
  /** Long answers already shown in full (so they are referred to, not repeated). */
  shown?: string[];
}

const FACTS = Symbol('conversationFacts');

/** Makes `facts` this turn's facts (the main dialog calls it with the conversation memory's). */
export function useFacts(context: TurnContext, facts: KnownFacts): void {
  context.turnState.set(FACTS, facts);
}

/**
 * This turn's facts. Outside the main dialog (a flow tested on its own) they are a blank set
 * for the turn, so flows can always read and write them.
 */
export function factsOf(context: TurnContext): KnownFacts {
  let facts = context.turnState.get<KnownFacts | undefined>(FACTS);
  if (!facts) {
    facts = {};
    context.turnState.set(FACTS, facts);
  }
  return facts;
}

/** Adds `item` to a short list of `facts` (newest last, no duplicates, at most `limit`). */
export function remember(facts: KnownFacts, key: 'emailsTried' | 'tried' | 'shown', item: string, limit = 8): void {
  const list = (facts[key] ?? []).filter((x) => x !== item);
  list.push(item);
  facts[key] = list.slice(-limit);
}

/** The email address the person gave last, if any. */
export function latestEmail(facts: KnownFacts | undefined): string | undefined {
  const emails = facts?.emailsTried;
  return emails?.length ? emails[emails.length - 1] : undefined;
}

/** Whether a long block (`key`) was already shown in full in this conversation. */
export function wasShown(facts: KnownFacts, key: string): boolean {
  return !!facts.shown?.includes(key);
}

/**
 * What the help desk should see of the facts, whether or not the person agreed to share the
 * transcript: the steps tried, the addresses tried, the latest file check, and what the person
 * said about themselves. The handoff redacts it again.
 */
export function factsForCase(facts: KnownFacts): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (facts.tried?.length) out.stepsTried = [...facts.tried];
  if (facts.emailsTried?.length) out.addressesTried = [...facts.emailsTried];
  if (facts.file) out.latestFileCheck = { ...facts.file };
  if (facts.role) out.role = facts.role;
  if (facts.umass !== undefined) out.umassAffiliated = facts.umass;
  return out;
}
