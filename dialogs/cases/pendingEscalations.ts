import { EventEmitter } from 'node:events';
import type { Log, NewCase, OutgoingMail } from '../ports';
import { silentLog } from '../ports';
import type { CaseService } from './caseService';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { errorCode } from '../errorCode';

/**
 * The handoff's last resort while Redis (the case store or the durable outbox) is down.
 *
 * The guide promises "an escalation is never lost, and the user gets a case number either
 * way". When `CaseStore.create` throws, the handoff dialog draws the id itself (`newCaseId`,
 * 30 random bits), tells the user, and parks the case here; when the outbox's `enqueue`
 * throws, the mail is parked here too. This queue keeps retrying, with capped exponential
 * backoff and without a limit, to store the case under that same id (`create` with `id` is
 * idempotent) and to enqueue the mail under the case id (idempotent by job id), until both
 * succeed. Both go through the case service, the one place that changes a case. Once Redis is back, everything is in the durable stores and this queue is empty.
 *
 * It lives in this process only: a bot stopped while Redis is still down loses what is parked
 * here (logged as a warning with the count). That window is the outage itself; in normal
 * running nothing passes through here.
 */

/** One parked escalation: what still has to reach the store and the outbox. */
export interface PendingEscalation {
  id: string;
  input: NewCase;
  /** When the case was really opened (kept when it is stored later). */
  createdAt: Date;
  mail: OutgoingMail;
  needsCase: boolean;
  needsMail: boolean;
}

/** Events: `settled` once an escalation is fully in the store and the outbox. */
export interface PendingEventMap {
  settled: [id: string];
  retrying: [id: string, attempt: number, delayMs: number];
}

/** Retry spacing: 1 s, 2 s, 4 s … capped at 1 min (Redis outages are short; the user is waiting on nothing). */
export const PENDING_BACKOFF: BackoffPolicy = { baseDelayMs: 1000, maxDelayMs: 60_000 };

/** What the queue needs of the case service: storing a parked case and queuing its mail. */
export type ParkedCaseTarget = Pick<CaseService, 'storeParked' | 'queueParkedMail'>;

/** The process-local retry queue for escalations Redis could not take (see the module comment). */
export class PendingEscalations extends EventEmitter<PendingEventMap> {
  private readonly entries = new Map<string, { entry: PendingEscalation; attempts: number; timer: NodeJS.Timeout | null }>();
  private closed = false;

  constructor(
    private readonly caseService: ParkedCaseTarget,
    private readonly log: Log = silentLog,
    private readonly backoff: BackoffPolicy = PENDING_BACKOFF,
  ) {
    super();
  }

  /** Parks `entry` and schedules its first retry. */
  add(entry: PendingEscalation): void {
    if (this.closed) return;
    const slot = { entry: structuredClone(entry), attempts: 0, timer: null as NodeJS.Timeout | null };
    this.entries.set(entry.id, slot);
    this.log.warn({ caseId: entry.id, needsCase: entry.needsCase, needsMail: entry.needsMail }, 'escalation parked until Redis is back');
    this.schedule(entry.id, backoffDelay(1, this.backoff));
  }

  /** Ids still waiting. */
  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Resolves once `id` is settled (at once when it is not waiting). */
  async settled(id: string): Promise<void> {
    if (!this.entries.has(id)) return;
    await new Promise<void>((resolve) => {
      const onSettled = (settledId: string) => {
        if (settledId !== id) return;
        this.off('settled', onSettled);
        resolve();
      };
      this.on('settled', onSettled);
    });
  }

  /** Stops retrying (shutdown). What is still parked is lost; the count is logged. */
  close(): void {
    this.closed = true;
    for (const slot of this.entries.values()) if (slot.timer) clearTimeout(slot.timer);
    if (this.entries.size) this.log.warn({ lost: this.entries.size }, 'shutting down with escalations still parked');
  }

  private schedule(id: string, delayMs: number): void {
    const slot = this.entries.get(id);
    if (!slot || this.closed) return;
    slot.timer = setTimeout(() => void this.retry(id), delayMs);
    // Never keep a stopping process alive for this: see the module comment.
    slot.timer.unref();
  }

  private async retry(id: string): Promise<void> {
    const slot = this.entries.get(id);
    if (!slot || this.closed) return;
    slot.timer = null;
    slot.attempts += 1;
    const { entry } = slot;
    try {
      if (entry.needsCase) {
        await this.caseService.storeParked(entry.id, entry.input, entry.createdAt);
        entry.needsCase = false;
      }
      if (entry.needsMail) {
        await this.caseService.queueParkedMail(entry.id, entry.mail);
        entry.needsMail = false;
      }
    } catch (err) {
      const delayMs = backoffDelay(slot.attempts + 1, this.backoff);
      this.log.warn({ caseId: id, attempt: slot.attempts, code: errorCode(err), delayMs }, 'parked escalation still waiting for Redis');
      this.schedule(id, delayMs);
      this.emit('retrying', id, slot.attempts, delayMs);
      return;
    }
    this.entries.delete(id);
    this.log.info({ caseId: id, attempts: slot.attempts }, 'parked escalation stored and queued');
    this.emit('settled', id);
  }
}
