/**
 * Capped exponential backoff, shared by the escalation outboxes (`bot/adapters`) and the
 * handoff fallback ({@link ./pendingEscalations}), so every retry in the handoff path grows
 * the same way.
 */

/** How retries space out. */
export interface BackoffPolicy {
  /** Delay before the first retry, in ms; it doubles on each further retry. */
  baseDelayMs: number;
  /** The longest delay between two attempts, in ms. */
  maxDelayMs: number;
}

/**
 * The production policy: 30 s, 1 min, 2 min … capped at 1 h. With 10 attempts
 * (ESCALATION_MAX_ATTEMPTS) a mail is retried for about 3 hours, long enough to ride out an
 * SMTP outage, short enough that a permanent failure is reported the same working day.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 30_000, maxDelayMs: 3_600_000 };

/** The delay before retry number `retry` (1 for the first retry). */
export function backoffDelay(retry: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, Math.min(retry - 1, 30));
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}
