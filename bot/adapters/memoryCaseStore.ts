import type { CaseRecord, CaseStore, CreateCaseOptions, NewCase } from '../../dialogs/ports';
import { newCaseId } from '../../dialogs/cases/caseId';
import { hasReplyEmail, isOpenInConversation, matchesFilter, newCaseRecord, newestFirst, type CaseListFilter } from '../../dialogs/cases/caseRecords';

/** Options shared by both case store adapters. */
export interface CaseStoreOptions {
  /** How long a case is kept after its creation, in seconds (default 180 days). */
  ttlSeconds?: number;
  /** The clock (tests pass a fixed or stepping one). */
  now?: () => Date;
  /** The id generator (tests force collisions with it). */
  newId?: () => string;
}

/** Default time a case is kept after its creation: 180 days. */
export const DEFAULT_CASE_TTL_SECONDS = 180 * 24 * 3600;

/** How often a store draws a new id after a collision before giving up (2^30 ids: never in practice). */
export const MAX_ID_DRAWS = 20;

/**
 * Cases in a `Map`, the default without `REDIS_URL`. Lost on restart and private to one bot
 * instance (ids are still random, so they do not repeat after a restart). Records are cloned
 * in and out, so callers can never change a stored case except through `update`, which runs
 * synchronously between two awaits and is therefore atomic in one process.
 */
export class MemoryCaseStore implements CaseStore {
  readonly kind = 'memory';
  private readonly cases = new Map<string, { record: CaseRecord; expiresAt: number }>();
  private readonly settings = new Map<string, unknown>();
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(options: CaseStoreOptions = {}) {
    this.ttlMs = (options.ttlSeconds ?? DEFAULT_CASE_TTL_SECONDS) * 1000;
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? (() => newCaseId());
  }

  async create(input: NewCase, options: CreateCaseOptions = {}): Promise<CaseRecord> {
    this.prune();
    if (options.id) {
      const existing = this.cases.get(options.id);
      if (existing) return structuredClone(existing.record);
      return this.put(newCaseRecord(input, options.id, options.createdAt ?? this.now()));
    }
    for (let draw = 0; draw < MAX_ID_DRAWS; draw++) {
      const id = this.newId();
      if (!this.cases.has(id)) return this.put(newCaseRecord(input, id, this.now()));
    }
    throw new Error('could not draw a free case id');
  }

  async get(id: string): Promise<CaseRecord | null> {
    const found = this.live(id);
    return found ? structuredClone(found.record) : null;
  }

  async update(id: string, change: (current: CaseRecord) => CaseRecord): Promise<CaseRecord | null> {
    const found = this.live(id);
    if (!found) return null;
    const next = change(structuredClone(found.record));
    // The id and creation time are the case's identity: a change may not move them. The
    // expiry stays where creation put it (like Redis KEEPTTL).
    const record = { ...next, id: found.record.id, createdAt: found.record.createdAt, updatedAt: this.now().toISOString() };
    this.cases.set(id, { record: structuredClone(record), expiresAt: found.expiresAt });
    return structuredClone(record);
  }

  async list(filter: CaseListFilter = {}): Promise<CaseRecord[]> {
    this.prune();
    const all = [...this.cases.values()].map((c) => c.record).filter((r) => matchesFilter(r, filter)).sort(newestFirst);
    return structuredClone(all.slice(0, filter.limit ?? all.length));
  }

  async findOpenByConversation(conversationId: string): Promise<CaseRecord | null> {
    this.prune();
    const open = [...this.cases.values()].map((c) => c.record).filter((r) => isOpenInConversation(r, conversationId)).sort(newestFirst);
    return open.length ? structuredClone(open[0]) : null;
  }

  async findByEmail(email: string): Promise<CaseRecord[]> {
    this.prune();
    return structuredClone([...this.cases.values()].map((c) => c.record).filter((r) => hasReplyEmail(r, email)).sort(newestFirst));
  }

  async delete(id: string): Promise<boolean> {
    return this.live(id) !== null && this.cases.delete(id);
  }

  async getSetting<T>(key: string): Promise<T | null> {
    return this.settings.has(key) ? (structuredClone(this.settings.get(key)) as T) : null;
  }

  async setSetting<T>(key: string, value: T): Promise<void> {
    this.settings.set(key, structuredClone(value));
  }

  private put(record: CaseRecord): CaseRecord {
    this.cases.set(record.id, { record: structuredClone(record), expiresAt: Date.parse(record.createdAt) + this.ttlMs });
    return structuredClone(record);
  }

  private live(id: string): { record: CaseRecord; expiresAt: number } | null {
    const found = this.cases.get(id);
    if (!found) return null;
    if (found.expiresAt <= this.now().getTime()) {
      this.cases.delete(id);
      return null;
    }
    return found;
  }

  /** Drops expired cases, the way Redis expires keys, so memory does not grow for ever. */
  private prune(): void {
    const now = this.now().getTime();
    for (const [id, c] of this.cases) if (c.expiresAt <= now) this.cases.delete(id);
  }
}
