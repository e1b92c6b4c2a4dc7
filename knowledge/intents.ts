/**
 * The intent ids of the evaluation contract (`../shared/eval/README.md`) plus the ids of answers
 * the live FAQ page has and the seed lacks (`test/knowledge/fixtures/intents.md` lists them all),
 * kept in one place so the loader can reject a misspelt id in a data file and the tests can check
 * that every intent has an entry. `none` is an answer of the matcher, never an entry.
 */

/** Ids that must each have exactly one entry file in `knowledge/entries/`. */
export const ENTRY_INTENT_IDS = [
  'register-not-active',
  'no-password-email',
  'username-taken',
  'password-reset-problem',
  'login-spinning',
  'upload-problem',
  'immunization-entry',
  'minor-child-account',
  'immunization-records-copy',
  'medical-records-copy',
  'covid-vaccine-record',
  'allergy-appointment',
  'sti-testing',
  'personal-info-update',
  'portal-login-sso',
  'covid-testing',
  'other-portal-help',
  'wrong-clinic',
  'secure-messages',
  'immunization-program-message',
  'human-handoff',
  'emergency',
  'smalltalk',
] as const;

/** One id of {@link ENTRY_INTENT_IDS}. */
export type EntryIntentId = (typeof ENTRY_INTENT_IDS)[number];

/** The matcher's answer for out-of-scope text. */
export const NONE_INTENT = 'none' as const;

/** The emergency intent: produced only by emergency detection, never by lexical matching. */
export const EMERGENCY_INTENT = 'emergency' as const;

/** All intent ids: the evaluation contract's 21 (`none` included) and the live FAQ page's newer answers. */
export const INTENT_IDS: readonly string[] = [...ENTRY_INTENT_IDS, NONE_INTENT];

/** True when `id` is one of {@link ENTRY_INTENT_IDS}. */
export function isEntryIntentId(id: string): id is EntryIntentId {
  return (ENTRY_INTENT_IDS as readonly string[]).includes(id);
}
