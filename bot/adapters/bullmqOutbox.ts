import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Log, OutgoingMail } from '../../dialogs/ports';
import { silentLog } from '../../dialogs/ports';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../../dialogs/cases/backoff';
import { errorCode } from '../../dialogs/errorCode';
import { outgoingMailSchema } from './mailer';
import { reportFailedAttempt, type ManagedOutbox, type OutboxEventMap, type OutboxOptions } from './outbox';

/** How long a failed escalation job is kept by default: a week. */
export const DEFAULT_KEEP_FAILED_SECONDS = 7 * 24 * 3600;

/** Options for {@link BullmqOutbox}. */
export interface BullmqOutboxOptions extends OutboxOptions {
  /** The Redis server (REDIS_URL). The outbox opens its own connections: BullMQ needs a blocking one. */
  redisUrl: string;
  /** Prefix of every key (REDIS_KEY_PREFIX); the queue lives under `<prefix>bull:<queueName>:`. */
  prefix: string;
  /** The queue's name (default `escalations`). */
  queueName?: string;
  /** Mails sent at once by this instance (default 2: the help desk's SMTP relay is not a bulk sender). */
  concurrency?: number;
  /** How long a completed job is kept, in seconds (default 1 day). */
  keepCompletedSeconds?: number;
  /**
   * How long a failed job (an escalation email given up on) is kept, in seconds (default 7 days:
   * time to look into it). It holds the email, so it must not stay for ever.
   */
  keepFailedSeconds?: number;
  /** How long "this job id was delivered" is remembered, in seconds (default 180 days, like cases). */
  dedupTtlSeconds?: number;
  /** `enqueue` fails after this many ms while Redis does not answer (default 3000), so the handoff can fall back. */
  enqueueTimeoutMs?: number;
  /** Whether this instance also sends (default true). A web-only instance can enqueue without a worker. */
  runWorker?: boolean;
  /** How long `close` waits for Redis before dropping the connections (default 10000 ms). */
  closeTimeoutMs?: number;
}

/** The backoff strategy name registered with BullMQ for {@link backoffDelay}. */
const CAPPED_EXPONENTIAL = 'capped-exponential';
const JOB_NAME = 'escalation-email';

/** What a job returns: the Message-ID, or that it had been delivered before. */
type JobResult = { messageId: string } | { duplicate: true };

/**
 * The durable escalation outbox: a BullMQ queue and worker on Redis.
 *
 * - **Durable.** Jobs live in Redis, so a mail queued while SMTP is down survives a restart
 *   of the bot; whichever instance runs next sends it when its retry is due.
 * - **Exactly one email per case.** The job id is the case id. BullMQ adds a job id only
 *   once while the job exists, in any state; after a completed job is removed
 *   (`keepCompletedSeconds`), a `sent:<id>` marker (kept `dedupTtlSeconds`) stops both a
 *   late `enqueue` and a worker from sending it again. Many instances may enqueue the same
 *   case and run workers: one email goes out. (A crash between the SMTP server accepting a
 *   mail and the marker being written can still repeat that one mail: delivery is
 *   at-least-once at that single point, as with any SMTP client.)
 * - **Retries** up to `maxAttempts` with capped exponential backoff; a mail that used every
 *   attempt stays in the failed set (inspectable, retryable) and is reported as `failed`.
 */
export class BullmqOutbox extends EventEmitter<OutboxEventMap> implements ManagedOutbox {
  readonly kind = 'redis';
  private readonly producer: Redis;
  private readonly workerConnection: Redis | null;
  private readonly queue: Queue;
  private readonly worker: Worker | null;
  private readonly log: Log;
  private readonly backoff: BackoffPolicy;
  private readonly dedupTtlSeconds: number;
  private readonly enqueueTimeoutMs: number;
  private readonly markerPrefix: string;

  constructor(private readonly options: BullmqOutboxOptions) {
    super();
    this.log = options.log ?? silentLog;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.dedupTtlSeconds = options.dedupTtlSeconds ?? 180 * 24 * 3600;
    this.enqueueTimeoutMs = options.enqueueTimeoutMs ?? 3000;
    const queueName = options.queueName ?? 'escalations';
    const bullPrefix = `${options.prefix}bull`;
    this.markerPrefix = `${options.prefix}outbox:sent:`;

    // The producer fails fast while Redis is down (the handoff then falls back to its local
    // queue); the worker's connection must wait for ever (BullMQ requires it for blocking reads).
    this.producer = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, connectionName: 'uhs-outbox' });
    const warn = (what: string) => (err: unknown) => this.log.warn({ code: errorCode(err) }, what);
    this.producer.on('error', warn('outbox redis connection error'));
    this.queue = new Queue(queueName, {
      connection: this.producer,
      prefix: bullPrefix,
      defaultJobOptions: {
        attempts: options.maxAttempts,
        backoff: { type: CAPPED_EXPONENTIAL },
        removeOnComplete: { age: options.keepCompletedSeconds ?? 24 * 3600 },
        removeOnFail: { age: options.keepFailedSeconds ?? DEFAULT_KEEP_FAILED_SECONDS },
      },
    });
    this.queue.on('error', warn('outbox queue error'));

    if (options.runWorker === false) {
      this.workerConnection = null;
      this.worker = null;
      return;
    }
    this.workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, connectionName: 'uhs-outbox-worker' });
    this.workerConnection.on('error', warn('outbox worker redis connection error'));
    this.worker = new Worker<OutgoingMail, JobResult>(queueName, (job) => this.process(job), {
      connection: this.workerConnection,
      prefix: bullPrefix,
      concurrency: options.concurrency ?? 2,
      settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, this.backoff) },
    });
    this.worker.on('completed', (job, result) => {
      if ('messageId' in result) {
        this.log.info({ caseId: job.id, attempts: job.attemptsMade }, 'escalation email sent');
        this.emit('delivered', String(job.id), String((result as { messageId: unknown }).messageId));
      }
    });
    this.worker.on('failed', (job, err) => this.onFailed(job, err));
    this.worker.on('error', warn('outbox worker error'));
  }

  async enqueue(jobId: string, mail: OutgoingMail): Promise<void> {
    const valid = outgoingMailSchema.parse(mail);
    await withTimeout(this.addOnce(jobId, valid), this.enqueueTimeoutMs, 'escalation outbox: Redis did not answer');
  }

  async pendingCount(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  /**
   * Removes the escalation job of a case (its id) in whatever state it waits: queued, retrying,
   * failed or completed, since each holds the email. A job being sent right now is locked by
   * its worker and is left alone. With `dryRun` nothing is removed. Returns the state the job
   * was found in, or `null` when there is none.
   */
  async discard(jobId: string, dryRun = false): Promise<string | null> {
    const job = await this.queue.getJob(jobId);
    if (!job) return null;
    const state = await job.getState();
    if (state === 'active' || dryRun) return state;
    await job.remove();
    return state;
  }

  async close(): Promise<void> {
    // The worker first: it finishes a send in flight, so a mail is never cut in half. With
    // Redis unreachable a graceful close would wait for ever; after `closeTimeoutMs` the
    // connections are dropped (jobs stay in Redis; a job in flight is retried as stalled).
    const graceful = (async () => {
      if (this.worker) await this.worker.close();
      await this.queue.close();
      await Promise.allSettled([this.producer.quit(), this.workerConnection?.quit()]);
    })();
    try {
      await withTimeout(graceful, this.options.closeTimeoutMs ?? 10_000, 'escalation outbox: close timed out');
    } catch {
      this.log.warn({}, 'escalation outbox closed without reaching Redis');
      this.producer.disconnect();
      this.workerConnection?.disconnect();
      void this.worker?.close(true).catch(() => undefined);
    }
  }

  private async addOnce(jobId: string, mail: OutgoingMail): Promise<void> {
    // Delivered long ago and the completed job already removed: BullMQ alone would add it again.
    if (await this.producer.exists(this.markerPrefix + jobId)) return;
    await this.queue.add(JOB_NAME, mail, { jobId });
  }

  private async process(job: Job<OutgoingMail, JobResult>): Promise<JobResult> {
    const parsed = outgoingMailSchema.safeParse(job.data);
    // Bad data stays bad: fail at once instead of retrying for hours.
    if (!parsed.success) throw new UnrecoverableError('escalation job data is not a valid mail');
    const marker = this.markerPrefix + String(job.id);
    if (await this.producer.exists(marker)) return { duplicate: true };
    const receipt = await this.options.mailer.send(parsed.data);
    await this.producer.set(marker, receipt.messageId, 'EX', this.dedupTtlSeconds);
    return { messageId: receipt.messageId };
  }

  private onFailed(job: Job<OutgoingMail, JobResult> | undefined, err: Error): void {
    if (!job) return;
    const last = job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
    // BullMQ schedules the retry itself (same backoff function); this only reports it.
    reportFailedAttempt(this, this.log, { jobId: String(job.id), attemptsMade: job.attemptsMade, last, err, backoff: this.backoff });
  }
}

/** `promise`, or a rejection after `ms` (the promise itself keeps running; adds are idempotent). */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
