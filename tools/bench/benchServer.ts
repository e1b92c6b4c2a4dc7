import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryStorage, type Storage } from 'botbuilder';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { z } from 'zod';
import { loadConfig } from '../../bot/config';
import { createLogger } from '../../bot/logger';
import { createApp, createRedisClient } from '../../bot/index';
import { RedisStorage } from '../../bot/adapters/redisStorage';
import type { BuiltServer } from '../../bot/server';
import { createEchoServer } from './echoBot';

/**
 * One server under test, in a child process of the bench (so autocannon and the server do not
 * share an event loop, and the peak RSS is the server's alone). Started by `bench.ts` with a
 * JSON {@link ServerSpec} as its argument; it answers `{ port }` over IPC once listening, notes
 * its CPU time on `mark` (the start of the measured window), and on `stop` closes, deletes its
 * Redis keys and its mail folder, answers `{ maxRssBytes, cpuMicros }` and exits.
 */

/** What to start. */
export const serverSpecSchema = z.object({
  kind: z.enum(['bot', 'echo']),
  state: z.enum(['memory', 'redis']),
  redisUrl: z.string(),
  /** A random Redis key prefix, deleted on stop. */
  prefix: z.string().min(8),
  /** The bot's `DATABASE_URL` (PostgreSQL); unset: the embedded PGlite in the run's own folder. */
  databaseUrl: z.string().optional(),
  /** When set, `profile` starts the CPU profiler and `stop` writes the profile here. */
  profileFile: z.string().optional(),
});

/** What to start, as the bench passes it. */
export type ServerSpec = z.infer<typeof serverSpecSchema>;

/** Messages of the child to the bench. */
export type ServerReport = { port: number } | { maxRssBytes: number; cpuMicros: number };

/** Limits high enough that the bench measures the limiter's cost but is never refused. */
const UNLIMITED = String(1_000_000_000);

/** Deletes every key under `prefix` (SCAN + DEL; never FLUSHDB on a shared server). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** The bench stays on this machine: an ephemeral port on 127.0.0.1 only. */
async function listenOnLoopback(server: BuiltServer['server']): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

interface Running {
  server: BuiltServer['server'];
  close(): Promise<void>;
}

async function start(spec: ServerSpec, mailFolder: string): Promise<Running> {
  // Production logging (JSON, info level) to /dev/null: its cost is part of what we measure.
  const log = createLogger({ level: 'info', format: 'json', production: true, destination: pino.destination({ dest: '/dev/null', sync: false }) });
  if (spec.kind === 'bot') {
    const config = loadConfig({
      NODE_ENV: 'production',
      // The bench drives /api/messages unauthenticated, naming a closed port as serviceUrl.
      ALLOW_UNAUTHENTICATED: 'true',
      ALLOWED_SERVICE_URLS: 'http://127.0.0.1:1',
      LOG_LEVEL: 'info',
      MAIL_OUTBOX: mailFolder,
      // The embedded database in the run's own folder, so a bot running on ./data is not disturbed.
      DATA_DIR: `${mailFolder}/data`,
      ...(spec.databaseUrl ? { DATABASE_URL: spec.databaseUrl } : {}),
      REDIS_KEY_PREFIX: spec.prefix,
      RATE_LIMIT_PER_IP_PER_MINUTE: UNLIMITED,
      RATE_LIMIT_PER_CONVERSATION_PER_MINUTE: UNLIMITED,
      ...(spec.state === 'redis' ? { REDIS_URL: spec.redisUrl } : {}),
    });
    const app = await createApp(config, { log });
    await listenOnLoopback(app.server);
    return { server: app.server, close: () => app.close() };
  }
  const redis = spec.state === 'redis' ? createRedisClient(spec.redisUrl) : null;
  const storage: Storage = redis ? new RedisStorage(redis, { prefix: `${spec.prefix}state:`, ttlSeconds: 3600 }) : new MemoryStorage();
  const { server, inFlight } = createEchoServer({ storage, bodyLimitBytes: 256 * 1024, log });
  await listenOnLoopback(server);
  redis?.on('error', () => undefined); // outages are not part of the bench; errors show as non-200s
  return {
    server,
    close: async () => {
      server.close();
      // autocannon stops mid-request: let those turns finish before Redis goes away.
      await inFlight.drained();
      if (redis) await redis.quit();
    },
  };
}

async function main(): Promise<void> {
  const spec = serverSpecSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const mailFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-bench-mail-'));
  const running = await start(spec, mailFolder);
  const send = (report: ServerReport) => new Promise<void>((resolve) => process.send!(report, () => resolve()));
  await send({ port: (running.server.address() as { port: number }).port });
  // Profiled from the `profile` message (after the warm-up) to `stop`: start-up and module
  // loading stay out of the profile, which then shows the steady state only.
  const profiler = new Session();
  let cpuAtMark: NodeJS.CpuUsage | null = null;
  let cpuAtStop: NodeJS.CpuUsage | null = null;
  process.on('message', (message) => {
    if (message === 'mark') {
      cpuAtMark = process.cpuUsage();
      return;
    }
    if (message === 'profile' && spec.profileFile) {
      profiler.connect();
      void profiler.post('Profiler.enable').then(() => profiler.post('Profiler.start'));
      return;
    }
    if (message !== 'stop') return;
    // The server's CPU time (user + system, all threads) over the measured window: a steadier
    // number than req/s on a machine whose other tenants come and go.
    cpuAtStop = process.cpuUsage(cpuAtMark ?? undefined);
    void (async () => {
      if (spec.profileFile) {
        const { profile } = await profiler.post('Profiler.stop');
        fs.writeFileSync(spec.profileFile, JSON.stringify(profile));
        profiler.disconnect();
      }
      await running.close();
      if (spec.state === 'redis') {
        const redis = createRedisClient(spec.redisUrl);
        await deleteKeysWithPrefix(redis, spec.prefix);
        await redis.quit();
      }
      fs.rmSync(mailFolder, { recursive: true, force: true });
      await send({ maxRssBytes: process.resourceUsage().maxRSS * 1024, cpuMicros: cpuAtMark && cpuAtStop ? cpuAtStop.user + cpuAtStop.system : NaN });
      process.exit(0);
    })();
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
