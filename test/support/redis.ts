import crypto from 'node:crypto';
import { Redis } from 'ioredis';

/** The shared test Redis (started by `.ci/run` when none answers). */
export const TEST_REDIS_HOST = '127.0.0.1';
export const TEST_REDIS_PORT = 6379;

/**
 * A Redis URL on the shared server with a database number of the caller's, so that suites
 * running at once do not see each other's keys.
 */
export function testRedisUrl(db: number): string {
  return `redis://${TEST_REDIS_HOST}:${TEST_REDIS_PORT}/${db}`;
}

/** A random key prefix for one test run. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${crypto.randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` (never FLUSHDB: other suites share the server). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
