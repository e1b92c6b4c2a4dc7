import type { CaseRecord, CaseStatus, NewCase } from '../ports';
import { redact } from '../redact';
import { sha256 } from '../hash';
import { emailKey } from '../prompts/validation';

/**
 * Pure helpers shared by the case store adapters and the handoff dialog's fallback, so that a
 * case built in memory, in Redis or locally while Redis is down has the same shape.
 */

/** The complete record for `input` with id `id`, status `open` and one `created` event. */
export function newCaseRecord(input: NewCase, id: string, now: Date): CaseRecord {
  const at = now.toISOString();
  return {
    ...structuredClone(input),
    id,
    status: 'open',
    claimedBy: null,
    cardActivityId: null,
    events: [{ type: 'created', by: 'bot', at }],
    createdAt: at,
    updatedAt: at,
  };
}

/** Keys whose values are dropped from diagnostics whatever they hold (a date of birth). */
const DOB_KEY = /^(dob|dateofbirth|date_of_birth|birth_?date|birthday)$/i;
const MAX_DEPTH = 6;

/**
 * Diagnostics with every string passed through {@link redact} and date-of-birth keys removed,
 * at any depth. Troubleshooting dialogs are asked not to put a DOB in diagnostics; this is the
 * net under that rule, because diagnostics end up in an email.
 */
export function redactDiagnostics(diagnostics: Record<string, unknown>): Record<string, unknown> {
  return redactValue(diagnostics, 0) as Record<string, unknown>;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (DOB_KEY.test(key)) continue;
    out[key] = redactValue(v, depth + 1);
  }
  return out;
}

/** A filter for listing cases (see `CaseStore.list`). */
export interface CaseListFilter {
  status?: CaseStatus;
  limit?: number;
}

/** Whether `record` passes `filter`'s status condition. */
export function matchesFilter(record: CaseRecord, filter: CaseListFilter): boolean {
  return !filter.status || record.status === filter.status;
}

/** Whether `record` belongs to conversation `conversationId` and is not resolved. */
export function isOpenInConversation(record: CaseRecord, conversationId: string): boolean {
  return record.status !== 'resolved' && record.conversationReference.conversation?.id === conversationId;
}

/** Newest first by creation time, then by id, so equal timestamps still sort the same way everywhere. */
export function newestFirst(a: CaseRecord, b: CaseRecord): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

/**
 * The key stores index a reply address by: the SHA-256 of the address trimmed and lower-cased,
 * so "find the cases of this person" works without an index of addresses in clear.
 */
export function emailHash(email: string): string {
  return sha256(emailKey(email));
}

/** Whether `record`'s reply address is `email` (trimmed, case-insensitive). */
export function hasReplyEmail(record: CaseRecord, email: string): boolean {
  return record.replyEmail !== null && emailKey(record.replyEmail) === emailKey(email);
}
