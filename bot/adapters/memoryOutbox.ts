import { EventEmitter } from 'node:events';
import type { Log, OutgoingMail } from '../../dialogs/ports';
import { silentLog } from '../../dialogs/ports';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../../dialogs/cases/backoff';
import { reportFailedAttempt, type ManagedOutbox, type OutboxEventMap, type OutboxOptions } from './outbox';

/** How many job ids the in-process outbox remembers for deduplication. */
const REMEMBERED_IDS = 10_000;

interface MemoryJob {
  mail: OutgoingMail;
  attemptsMade: number;
  timer: NodeJS.Timeout | null;
}

/**
 * The escalation outbox without Redis: an in-process queue with retries and capped exponential
 * backoff, deduplicated by job id (the last {@link REMEMBERED_IDS} ids).
 *
 * LOST ON RESTART: queued mail lives in this process only. A bot stopped while SMTP is down
 * loses the escalations still waiting. Its timers are unref'd so they never keep a stopping
 * process alive. Production with more than one instance, or that must not lose mail, uses
 * {@link BullmqOutbox} (set REDIS_URL).
 */
export class MemoryOutbox extends EventEmitter<OutboxEventMap> implements ManagedOutbox {
  readonly kind = 'memory';
  private readonly jobs = new Map<string, MemoryJob>();
  private readonly seen = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly backoff: BackoffPolicy;
  private readonly log: Log;
  private closed = false;

  constructor(private readonly options: OutboxOptions) {
    super();
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.log = options.log ?? silentLog;
  }

  async enqueue(jobId: string, mail: OutgoingMail): Promise<void> {
    if (this.closed) throw new Error('outbox closed');
    if (this.seen.has(jobId)) return;
    this.remember(jobId);
    const job: MemoryJob = { mail: structuredClone(mail), attemptsMade: 0, timer: null };
    this.jobs.set(jobId, job);
    this.schedule(jobId, job, 0);
  }

  async pendingCount(): Promise<number> {
    return this.jobs.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.jobs.values()) if (job.timer) clearTimeout(job.timer);
    await Promise.allSettled([...this.inFlight]);
    if (this.jobs.size) this.log.warn({ lost: this.jobs.size }, 'in-memory outbox closed with escalations not yet sent');
  }

  private remember(jobId: string): void {
    this.seen.add(jobId);
    // A Set iterates in insertion order: drop the oldest id once full.
    if (this.seen.size > REMEMBERED_IDS) this.seen.delete(this.seen.values().next().value as string);
  }

  private schedule(jobId: string, job: MemoryJob, delayMs: number): void {
    job.timer = setTimeout(() => {
      job.timer = null;
      const run = this.attempt(jobId, job).finally(() => this.inFlight.delete(run));
      this.inFlight.add(run);
    }, delayMs);
    job.timer.unref();
  }

  private async attempt(jobId: string, job: MemoryJob): Promise<void> {
    if (this.closed) return;
    job.attemptsMade += 1;
    try {
      const receipt = await this.options.mailer.send(job.mail);
      this.jobs.delete(jobId);
      this.log.info({ caseId: jobId, attempts: job.attemptsMade }, 'escalation email sent');
      this.emit('delivered', jobId, receipt.messageId);
    } catch (err) {
      const last = job.attemptsMade >= this.options.maxAttempts;
      if (last) this.jobs.delete(jobId);
      const delayMs = reportFailedAttempt(this, this.log, { jobId, attemptsMade: job.attemptsMade, last, err, backoff: this.backoff });
      if (delayMs !== null && !this.closed) this.schedule(jobId, job, delayMs);
    }
  }
}
