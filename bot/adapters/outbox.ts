import type { EventEmitter } from 'node:events';
import type { EscalationOutbox, Log, Mailer } from '../../dialogs/ports';
import type { CaseService } from '../../dialogs/cases/caseService';
import { backoffDelay, type BackoffPolicy } from '../../dialogs/cases/backoff';
import { errorCode } from '../../dialogs/errorCode';

/**
 * What both escalation outbox adapters (BullMQ on Redis, in-process) have in common beyond the
 * port: lifecycle, a pending count for /healthz and tests, and delivery events.
 */

/** Events of an outbox. Tests wait on them instead of sleeping; the composition root logs them on the case. */
export interface OutboxEventMap {
  /** The mail of job `jobId` was accepted by the SMTP server. */
  delivered: [jobId: string, messageId: string];
  /** An attempt failed; the next one is due in `delayMs`. */
  retrying: [jobId: string, attempt: number, delayMs: number];
  /** The last attempt failed: the mail is given up (kept in the failed set with Redis). */
  failed: [jobId: string, attempts: number];
}

/** An {@link EscalationOutbox} the composition root manages. */
export interface ManagedOutbox extends EscalationOutbox, Pick<EventEmitter<OutboxEventMap>, 'on' | 'once' | 'off'> {
  /** Jobs queued, retrying or being sent (0 when idle). */
  pendingCount(): Promise<number>;
  /** Stops taking work, lets a send in flight finish, and releases connections and timers. */
  close(): Promise<void>;
}

/** Options both outbox adapters take. */
export interface OutboxOptions {
  /** Sends the mail (SmtpMailer, or the .eml folder mailer). */
  mailer: Mailer;
  /** Attempts per mail, the first included (ESCALATION_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Retry spacing (default {@link DEFAULT_BACKOFF}; tests pass milliseconds). */
  backoff?: BackoffPolicy;
  log?: Log;
}

/**
 * Records deliveries and give-ups on the case (`escalated` / `mail-failed` events, through the
 * {@link CaseService}), so staff looking at a case see whether the email went out. The job id
 * of an escalation is its case id.
 */
export function recordOutboxEventsOnCases(outbox: ManagedOutbox, cases: Pick<CaseService, 'mailOutcome'>): void {
  outbox.on('delivered', (jobId) => void cases.mailOutcome(jobId, { delivered: true }));
  outbox.on('failed', (jobId, attempts) => void cases.mailOutcome(jobId, { delivered: false, attempts }));
}

/**
 * Logs and announces a failed attempt of job `jobId` (the case id), the same way for both
 * adapters: `failed` when it was the last one, `retrying` with the delay otherwise. Returns
 * that delay, or `null` when the mail is given up.
 */
export function reportFailedAttempt(
  outbox: Pick<EventEmitter<OutboxEventMap>, 'emit'>,
  log: Log,
  failure: { jobId: string; attemptsMade: number; last: boolean; err: unknown; backoff: BackoffPolicy },
): number | null {
  const { jobId, attemptsMade, last, err } = failure;
  if (last) {
    log.error({ caseId: jobId, attempts: attemptsMade, code: errorCode(err) }, 'escalation email given up');
    outbox.emit('failed', jobId, attemptsMade);
    return null;
  }
  const delayMs = backoffDelay(attemptsMade, failure.backoff);
  log.warn({ caseId: jobId, attempt: attemptsMade, code: errorCode(err), delayMs }, 'escalation email failed; will retry');
  outbox.emit('retrying', jobId, attemptsMade, delayMs);
  return delayMs;
}
