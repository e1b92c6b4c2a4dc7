import { createEmergencyDetector, type EmergencyDetector, type EmergencyHit } from './emergency';
import { EMERGENCY_INTENT } from './intents';
import { Matcher, type MatcherOptions } from './matcher';
import type { KnowledgeBase, KnowledgeEntry, MatchResult, OutOfScopeTopic } from './types';

/** Options of {@link createKnowledgeBase}. */
export interface KnowledgeBaseOptions {
  /** Overrides of the matcher's thresholds (tests use them; production keeps the defaults). */
  matcher?: Partial<MatcherOptions>;
  /** Topics the FAQ does not answer; a message about one comes out `none` naming it. */
  outOfScope?: readonly OutOfScopeTopic[];
}

/**
 * Builds a knowledge base over already validated entries: the emergency detector (built-in
 * rules plus the emergency entry's keywords) and the matcher index, both computed once here.
 */
export function createKnowledgeBase(entries: readonly KnowledgeEntry[], options: KnowledgeBaseOptions = {}): KnowledgeBase {
  const byId = new Map<string, KnowledgeEntry>(entries.map((e) => [e.id, e]));
  const rules = createEmergencyDetector(byId.get(EMERGENCY_INTENT)?.keywords ?? []);
  // The bot checks every message for an emergency before anything else, then the matcher checks
  // the same text again: the detector (its rules over the whole text) was the largest of the bot's
  // own costs per turn in the load profile, so the second check reuses the first one's answer.
  let lastChecked: { text: string; hit: EmergencyHit | null } | null = null;
  const detector: EmergencyDetector = (text, preSplit) => {
    if (lastChecked?.text === text) return lastChecked.hit;
    const hit = rules(text, preSplit);
    lastChecked = { text, hit };
    return hit;
  };
  const topics = options.outOfScope ?? [];
  const matcher = new Matcher(entries, detector, options.matcher, topics);
  const outOfScope = new Map<string, OutOfScopeTopic>(topics.map((t) => [t.id, t]));
  // The bot matches each message for its emergency pre-check and the main dialog matches the
  // same text again in the same turn: remembering the last answer saves the second match.
  let last: { text: string; result: MatchResult } | null = null;
  return {
    entries: byId,
    match: (text: string): MatchResult => {
      if (last?.text === text) return last.result;
      const result = matcher.match(text);
      last = { text, result };
      return result;
    },
    isEmergency: (text: string): boolean => (last?.text === text ? last.result.kind === 'emergency' : detector(text) !== null),
    get: (id: string) => byId.get(id),
    outOfScope,
  };
}
