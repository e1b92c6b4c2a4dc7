import type { EventEmitter } from 'node:events';
import type { CaseStore, EscalationOutbox, Log, Mailer } from '../../dialogs/ports';
import type { BackoffPolicy } from '../../dialogs/backoff';

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
 * Records deliveries and give-ups on the case (`escalated` / `mail-failed` events), so staff
 * looking at a case see whether the email went out. The job id of an escalation is its case id.
 * Errors are logged, never thrown: the outbox must keep running whatever the store does.
 */
export function recordOutboxEventsOnCases(outbox: ManagedOutbox, cases: CaseStore, log: Log, now: () => Date = () => new Date()): void {
  const record = (caseId: string, type: 'escalated' | 'mail-failed', detail: string) => {
    cases
      .update(caseId, (c) => ({ ...c, events: [...c.events, { type, by: 'bot', detail, at: now().toISOString() }] }))
      .catch((err: unknown) => log.warn({ caseId, err }, 'could not record the mail outcome on the case'));
  };
  outbox.on('delivered', (jobId) => record(jobId, 'escalated', 'escalation email sent to the help desk'));
  outbox.on('failed', (jobId, attempts) => record(jobId, 'mail-failed', `escalation email failed after ${attempts} attempts`));
}
