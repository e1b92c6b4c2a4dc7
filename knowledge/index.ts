/**
 * The public surface of `knowledge/`: load the knowledge base once at start-up, then call
 * `match` per message. Dialogs import from here rather than from the individual files.
 */
export type { IntentScore, KnowledgeBase, KnowledgeEntry, KnowledgeLink, MatchResult, OutOfScopeTopic } from './types';
export { KnowledgeError, formatIssue, loadEntries, loadKnowledge, loadOutOfScope, type KnowledgeIssue, type LoadOptions } from './loader';
export { createKnowledgeBase, type KnowledgeBaseOptions } from './knowledgeBase';
export { createEmergencyDetector, detectEmergency, type EmergencyDetector, type EmergencyHit } from './emergency';
export { EMERGENCY_INTENT, ENTRY_INTENT_IDS, INTENT_IDS, NONE_INTENT, type EntryIntentId } from './intents';
export { DEFAULT_MATCHER_OPTIONS, type MatcherOptions } from './matcher';
export { projectRoot } from './projectRoot';
