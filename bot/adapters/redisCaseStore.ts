import type { Redis } from 'ioredis';
import type { CaseRecord, CaseStore, CreateCaseOptions, Log, NewCase } from '../../dialogs/ports';
import { silentLog } from '../../dialogs/ports';
import { newCaseId } from '../../dialogs/cases/caseId';
import { emailHash, hasReplyEmail, isOpenInConversation, matchesFilter, newCaseRecord, type CaseListFilter } from '../../dialogs/cases/caseRecords';
import { parseCaseRecord } from './caseRecordSchema';
import { DEFAULT_CASE_TTL_SECONDS, MAX_ID_DRAWS, type CaseStoreOptions } from './memoryCaseStore';

/**
 * Reserves a case id and writes the case and its indexes in one server-side step.
 * KEYS: case key, time index, conversation index, reply-address index ('' when the case has
 * no conversation or no reply address).
 * ARGV: JSON, ttl seconds, score (creation ms), id, oldest score to keep.
 * Returns 1 when created, 0 when the id was taken.
 */
const CREATE_SCRIPT = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[5])
for i = 3, 4 do
  if KEYS[i] ~= '' then
    redis.call('ZADD', KEYS[i], ARGV[3], ARGV[4])
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[5])
    redis.call('EXPIRE', KEYS[i], ARGV[2])
  end
end
return 1
`;

/**
 * Deletes a case and its index entries in one step. KEYS: case key, then the indexes holding
 * its id ('' for none). ARGV: id. Returns 1 when the case existed, else 0.
 */
const DELETE_SCRIPT = `
local existed = redis.call('DEL', KEYS[1])
for i = 2, #KEYS do
  if KEYS[i] ~= '' then redis.call('ZREM', KEYS[i], ARGV[1]) end
end
return existed
`;

/**
 * Compare-and-set of one case: writes the new JSON only when the stored JSON is still the one
 * the change was computed from. KEYS: case key. ARGV: expected JSON, new JSON.
 * Returns 1 when written, 0 on a conflict (someone else wrote first), -1 when the case is gone.
 */
const UPDATE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
`;

/** How often `update` recomputes a change after losing a race before it gives up. */
const MAX_UPDATE_ROUNDS = 50;
/** How many ids `list` reads from the index per round trip. */
const LIST_BATCH = 100;

/** Options for {@link RedisCaseStore}. */
export interface RedisCaseStoreOptions extends CaseStoreOptions {
  /** Prefix of every key, for example `uhsbot:` (REDIS_KEY_PREFIX); tests use a random one. */
  prefix: string;
  /** Where invalid stored records are reported (ids only). */
  log?: Log;
}

/**
 * Cases in Redis (ioredis), shared by every bot instance.
 *
 * Layout under `prefix`:
 * - `case:<id>`: the case as JSON, expiring `ttlSeconds` after creation (updates keep the TTL);
 * - `cases:by-time`: sorted set of ids scored by creation time, for `list`;
 * - `cases:conv:<conversation id>`: the same per conversation, for `findOpenByConversation`;
 * - `cases:email:<sha-256 of the reply address>`: the same per reply address, for
 *   `findByEmail` (the address itself is only in the case), expiring with its newest case;
 * - `setting:<key>`: small named settings as JSON, without expiry.
 *
 * Ids are reserved with `SET NX` inside a Lua script, so two instances can never hand out the
 * same id. `update` is an optimistic compare-and-set (Lua), retried when another writer won,
 * so concurrent changes to one case are never lost; unlike WATCH/MULTI it is safe on a
 * connection shared by many callers. Everything read back is validated with zod.
 *
 * Give it a client that fails fast while Redis is down (`maxRetriesPerRequest: 1`,
 * `commandTimeout`), so a handoff falls back to a local case number instead of hanging.
 */
export class RedisCaseStore implements CaseStore {
  readonly kind = 'redis';
  private readonly ttlSeconds: number;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly log: Log;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisCaseStoreOptions,
  ) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_CASE_TTL_SECONDS;
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? (() => newCaseId());
    this.log = options.log ?? silentLog;
    if (!redis.uhsCreateCase) redis.defineCommand('uhsCreateCase', { lua: CREATE_SCRIPT });
    if (!redis.uhsUpdateCase) redis.defineCommand('uhsUpdateCase', { lua: UPDATE_SCRIPT });
    if (!redis.uhsDeleteCase) redis.defineCommand('uhsDeleteCase', { lua: DELETE_SCRIPT });
  }

  async create(input: NewCase, options: CreateCaseOptions = {}): Promise<CaseRecord> {
    if (options.id) {
      const record = newCaseRecord(input, options.id, options.createdAt ?? this.now());
      if (await this.tryCreate(record)) return record;
      // Taken: a retry whose first attempt did reach Redis. Return what is stored.
      const existing = await this.get(options.id);
      if (existing) return existing;
      throw new Error('case id taken by an unreadable record');
    }
    for (let draw = 0; draw < MAX_ID_DRAWS; draw++) {
      const record = newCaseRecord(input, this.newId(), this.now());
      if (await this.tryCreate(record)) return record;
    }
    throw new Error('could not draw a free case id');
  }

  async get(id: string): Promise<CaseRecord | null> {
    return this.parse(id, await this.redis.get(this.caseKey(id)));
  }

  async update(id: string, change: (current: CaseRecord) => CaseRecord): Promise<CaseRecord | null> {
    for (let round = 0; round < MAX_UPDATE_ROUNDS; round++) {
      const raw = await this.redis.get(this.caseKey(id));
      const current = this.parse(id, raw);
      if (!raw || !current) return null;
      const next = change(current);
      // The id and creation time are the case's identity: a change may not move them.
      const record: CaseRecord = { ...next, id: current.id, createdAt: current.createdAt, updatedAt: this.now().toISOString() };
      const written = Number(await this.redis.uhsUpdateCase(1, this.caseKey(id), raw, JSON.stringify(record)));
      if (written === 1) return record;
      if (written === -1) return null;
    }
    throw new Error(`case ${id}: too many concurrent updates`);
  }

  async list(filter: CaseListFilter = {}): Promise<CaseRecord[]> {
    return this.scanIndex(this.key('cases:by-time'), (r) => matchesFilter(r, filter), filter.limit ?? Infinity);
  }

  async findOpenByConversation(conversationId: string): Promise<CaseRecord | null> {
    const [found] = await this.scanIndex(this.convKey(conversationId), (r) => isOpenInConversation(r, conversationId), 1);
    return found ?? null;
  }

  async findByEmail(email: string): Promise<CaseRecord[]> {
    return this.scanIndex(this.emailKey(email), (r) => hasReplyEmail(r, email), Infinity);
  }

  async delete(id: string): Promise<boolean> {
    // The record names its indexes; an unreadable one still goes, with its time-index entry.
    const record = this.parse(id, await this.redis.get(this.caseKey(id)));
    const conversationId = record?.conversationReference.conversation?.id;
    const existed = await this.redis.uhsDeleteCase(
      4,
      this.caseKey(id),
      this.key('cases:by-time'),
      conversationId ? this.convKey(conversationId) : '',
      record?.replyEmail ? this.emailKey(record.replyEmail) : '',
      id,
    );
    return Number(existed) === 1;
  }

  async getSetting<T>(key: string): Promise<T | null> {
    const raw = await this.redis.get(this.key(`setting:${key}`));
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as T;
    } catch {
      this.log.error({ setting: key }, 'stored setting is not JSON');
      return null;
    }
  }

  async setSetting<T>(key: string, value: T): Promise<void> {
    await this.redis.set(this.key(`setting:${key}`), JSON.stringify(value));
  }

  private async tryCreate(record: CaseRecord): Promise<boolean> {
    const created = Date.parse(record.createdAt);
    const conversationId = record.conversationReference.conversation?.id;
    const result = await this.redis.uhsCreateCase(
      4,
      this.caseKey(record.id),
      this.key('cases:by-time'),
      conversationId ? this.convKey(conversationId) : '',
      record.replyEmail ? this.emailKey(record.replyEmail) : '',
      JSON.stringify(record),
      String(this.ttlSeconds),
      String(created),
      record.id,
      String(created - this.ttlSeconds * 1000),
    );
    return Number(result) === 1;
  }

  /**
   * Walks a time index newest first and returns up to `limit` live cases passing `keep`.
   * Ids whose case has expired are removed from the index on the way.
   */
  private async scanIndex(indexKey: string, keep: (r: CaseRecord) => boolean, limit: number): Promise<CaseRecord[]> {
    const out: CaseRecord[] = [];
    for (let start = 0; out.length < limit; start += LIST_BATCH) {
      const ids = await this.redis.zrevrange(indexKey, start, start + LIST_BATCH - 1);
      if (ids.length === 0) break;
      const raws = await this.redis.mget(...ids.map((id) => this.caseKey(id)));
      const gone: string[] = [];
      ids.forEach((id, i) => {
        const record = this.parse(id, raws[i]);
        if (!raws[i]) gone.push(id);
        else if (record && keep(record) && out.length < limit) out.push(record);
      });
      if (gone.length) {
        await this.redis.zrem(indexKey, ...gone);
        start -= gone.length;
      }
      if (ids.length < LIST_BATCH) break;
    }
    return out;
  }

  private parse(id: string, raw: string | null): CaseRecord | null {
    if (raw === null) return null;
    const record = parseCaseRecord(raw);
    if (!record) this.log.error({ caseId: id }, 'stored case is not a valid case record');
    return record;
  }

  private key(suffix: string): string {
    return this.options.prefix + suffix;
  }

  private caseKey(id: string): string {
    return this.key(`case:${id}`);
  }

  private convKey(conversationId: string): string {
    return this.key(`cases:conv:${conversationId}`);
  }

  private emailKey(email: string): string {
    return this.key(`cases:email:${emailHash(email)}`);
  }
}

declare module 'ioredis' {
  interface RedisCommander<Context> { // eslint-disable-line @typescript-eslint/no-unused-vars -- the merged declaration must repeat ioredis's type parameter
    /** Reserves an id and writes a case with its indexes ({@link RedisCaseStore}). */
    uhsCreateCase(numKeys: number, ...args: string[]): Promise<unknown>;
    /** Compare-and-set of one case ({@link RedisCaseStore}). */
    uhsUpdateCase(numKeys: number, ...args: string[]): Promise<unknown>;
    /** Deletes a case with its index entries ({@link RedisCaseStore}). */
    uhsDeleteCase(numKeys: number, ...args: string[]): Promise<unknown>;
  }
}
