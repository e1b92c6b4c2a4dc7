import crypto from 'node:crypto';
import type { Redis } from 'ioredis';
import type { StoreItems } from 'botbuilder-core';
import type { JsonStateStorage, JsonStoreItem } from './leanConversationState';
import { z } from 'zod';

/**
 * Checks every eTag of a batch, then writes the whole batch, in one server-side step, so two
 * writers holding the same eTag cannot both win.
 * KEYS: the item keys. ARGV: ttl seconds, then for each key: expected eTag ('' or '*' = any),
 * new eTag, JSON value. Returns 0 (with the index of the conflicting key) or 1.
 */
const WRITE_SCRIPT = `
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  local expected = ARGV[2 + (i - 1) * 3]
  if expected ~= '' and expected ~= '*' then
    local current = redis.call('HGET', KEYS[i], 'e')
    if current and current ~= expected then
      return {0, i}
    end
  end
end
for i = 1, #KEYS do
  local base = 2 + (i - 1) * 3
  redis.call('HSET', KEYS[i], 'e', ARGV[base + 1], 'v', ARGV[base + 2])
  redis.call('EXPIRE', KEYS[i], ttl)
end
return {1, 0}
`;

const storedValueSchema = z.record(z.string(), z.unknown());

/** Options for {@link RedisStorage}. */
export interface RedisStorageOptions {
  /** Prefix of every key, for example `uhsbot:state:`. */
  prefix: string;
  /** Time to live of each item in seconds, renewed on every write (STATE_TTL_SECONDS). */
  ttlSeconds: number;
}

/**
 * botbuilder `Storage` on Redis (ioredis), honouring the eTag rules of `MemoryStorage`:
 * a write with a stale eTag is rejected, a write with `*` or without an eTag always succeeds,
 * and every successful write gets a new eTag. The check-and-write is one Lua script, so it is
 * atomic across bot instances; a batch is all-or-nothing. Items carry a TTL so abandoned
 * conversations disappear. ioredis reconnects by itself after a Redis restart.
 * It also reads and writes single items as JSON text ({@link JsonStateStorage}), which
 * `LeanConversationState` uses to serialise a turn's state once.
 */
export class RedisStorage implements JsonStateStorage {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisStorageOptions,
  ) {
    if (!redis.writeState) {
      redis.defineCommand('writeState', { lua: WRITE_SCRIPT });
    }
  }

  private key(key: string): string {
    return this.options.prefix + key;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    // One HMGET per key, issued together: the client's auto-pipelining sends them (and other
    // turns' commands) to Redis in one write.
    const results = await Promise.all(keys.map((key) => this.readJson(key)));
    results.forEach((result, i) => {
      if (result) items[keys[i]] = result.item;
    });
    return items;
  }

  async readJson(key: string): Promise<JsonStoreItem | undefined> {
    const [eTag, json] = (await this.redis.hmget(this.key(key), 'e', 'v')) as [string | null, string | null];
    if (json === null) return undefined;
    const parsed = storedValueSchema.parse(JSON.parse(json));
    // The eTag is set on the parsed object itself (no copy): it is the caller's from here on.
    parsed.eTag = eTag ?? undefined;
    return { item: parsed, json };
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const batch = Object.keys(changes).map((key): [string, unknown, string] => {
      const { eTag, ...value } = (changes[key] ?? {}) as { eTag?: unknown } & Record<string, unknown>;
      return [key, eTag, JSON.stringify(value)];
    });
    await this.writeBatch(batch);
  }

  async writeJson(key: string, json: string, eTag: string): Promise<void> {
    await this.writeBatch([[key, eTag, json]]);
  }

  /** Runs the write script over `[key, expected eTag, JSON value]` entries. */
  private async writeBatch(batch: Array<[string, unknown, string]>): Promise<void> {
    if (batch.length === 0) return;
    const args: string[] = [String(this.options.ttlSeconds)];
    for (const [, eTag, json] of batch) args.push(typeof eTag === 'string' ? eTag : '', crypto.randomUUID(), json);
    const [ok, index] = (await this.redis.writeState(batch.length, ...batch.map(([key]) => this.key(key)), ...args)) as [number, number];
    if (ok !== 1) throw new Error(`Storage: error writing "${batch[index - 1]?.[0]}" due to eTag conflict.`);
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    if (keys.length === 0) return;
    await this.redis.del(...keys.map((k) => this.key(k)));
  }
}

declare module 'ioredis' {
  interface RedisCommander<Context> { // eslint-disable-line @typescript-eslint/no-unused-vars -- the merged declaration must repeat ioredis's type parameter
    /** The eTag-checking batch write of {@link RedisStorage}. */
    writeState(numKeys: number, ...args: string[]): Promise<unknown>;
  }
}
