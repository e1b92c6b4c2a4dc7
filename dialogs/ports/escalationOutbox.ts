import type { OutgoingMail } from './mailer';

/**
 * A durable queue of escalation emails with retries and backoff. `enqueue` returns once the
 * mail is queued (not sent), so the user gets a case number even while SMTP is down.
 * `jobId` makes enqueueing idempotent: the same id is sent at most once, even from several
 * bot instances. Adapters (BullMQ on Redis, in-process) live in `bot/adapters`.
 */
export interface EscalationOutbox {
  enqueue(jobId: string, mail: OutgoingMail): Promise<void>;
  /** `redis` or `memory`, for /healthz. */
  readonly kind: string;
}
