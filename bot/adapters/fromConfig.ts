import type { Storage } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { CaseStore, Log, Mailer, PortalDirectory } from '../../dialogs/ports';
import type { BackoffPolicy } from '../../dialogs/cases/backoff';
import type { SqlDatabase } from '../db/database';
import { traced } from '../telemetry/tracing';
import { RedisStorage } from './redisStorage';
import { ExpiringMemoryStorage } from './expiringMemoryStorage';
import { createMailer } from './mailer';
import { CsvPortalDirectory, defaultDirectoryFile } from './csvDirectory';
import { HttpPortalDirectory } from './httpDirectory';
import { RedisCaseStore } from './redisCaseStore';
import { SqlCaseStore } from './sqlCaseStore';
import { MemoryOutbox } from './memoryOutbox';
import { BullmqOutbox } from './bullmqOutbox';
import type { ManagedOutbox } from './outbox';

/**
 * Which adapter the configuration picks for each port, so that the composition root
 * (`bot/index.ts`) only wires them. Every call to an outside system is a child span of the
 * turn (`bot/telemetry/tracing.ts`).
 */

/** Conversation state: Redis with `REDIS_URL` (shared by instances, with a TTL), else memory. */
export function stateStorage(config: Config, redis: Redis | null, now: () => Date): Storage {
  return traced<Storage & { readJson?: unknown; writeJson?: unknown }>(
    redis ? new RedisStorage(redis, { prefix: `${config.REDIS_KEY_PREFIX}state:`, ttlSeconds: config.STATE_TTL_SECONDS }) : new ExpiringMemoryStorage(config.STATE_TTL_SECONDS, () => now().getTime()),
    'state',
    ['read', 'write', 'delete', 'readJson', 'writeJson'],
    { 'db.system': redis ? 'redis' : 'memory' },
  );
}

/** Mail: SMTP with `SMTP_URL`, else `.eml` files in `MAIL_OUTBOX`. */
export function mailer(config: Config, override?: Mailer): Mailer {
  return traced(override ?? createMailer({ smtpUrl: config.SMTP_URL, outboxFolder: config.MAIL_OUTBOX, from: config.MAIL_FROM }), 'mail', ['send']);
}

/** The portal directory: the HTTP API with `PORTAL_API_URL`, else the CSV file; `close` stops watching the file. */
export function portalDirectory(config: Config, log: Log, override?: PortalDirectory): { directory: PortalDirectory; close: () => void } {
  let directory: PortalDirectory;
  let close = () => undefined as void;
  if (override) directory = override;
  else if (config.PORTAL_API_URL) directory = new HttpPortalDirectory({ baseUrl: config.PORTAL_API_URL, token: config.PORTAL_API_TOKEN, timeoutMs: config.PORTAL_API_TIMEOUT_MS, log });
  else {
    const csv = new CsvPortalDirectory(config.DIRECTORY_FILE ?? defaultDirectoryFile(), { log });
    close = () => csv.close();
    directory = csv;
  }
  return { directory: traced(directory, 'directory', ['lookup', 'findByEmail', 'requestPasswordReset'], { 'directory.kind': directory.kind }), close };
}

/**
 * Where cases live: in the database when `DATABASE_URL` is set; else in Redis when it is
 * (shared by instances, as before); else in the embedded database, where they survive a restart.
 */
export function caseStoreKind(config: Config): 'redis' | 'sql' {
  return config.REDIS_URL && !config.DATABASE_URL ? 'redis' : 'sql';
}

/**
 * The case store {@link caseStoreKind} picks. `database` may be `null` when the store is
 * Redis (a command line tool need not open the embedded database the bot holds).
 */
export function caseStore(config: Config, redis: Redis | null, database: SqlDatabase | null, log: Log, now: () => Date): CaseStore {
  let store: CaseStore;
  if (caseStoreKind(config) === 'redis') {
    if (!redis) throw new Error('REDIS_URL is set: the case store needs its Redis client');
    store = new RedisCaseStore(redis, { prefix: config.REDIS_KEY_PREFIX, log, now });
  } else {
    if (!database) throw new Error('the case store needs the database (DATABASE_URL or DATA_DIR)');
    store = new SqlCaseStore(database, { log, now });
  }
  return traced(
    store,
    'cases',
    ['create', 'get', 'update', 'list', 'findOpenByConversation', 'findByEmail', 'delete', 'getSetting', 'setSetting'],
  );
}

/**
 * The escalation outbox: BullMQ on Redis with `REDIS_URL` (durable, shared), else in-process.
 * `runWorker: false` opens the queue without sending anything (command line tools).
 */
export function escalationOutbox(config: Config, mail: Mailer, log: Log, backoff?: BackoffPolicy, options: { runWorker?: boolean } = {}): ManagedOutbox {
  return config.REDIS_URL
    ? new BullmqOutbox({ redisUrl: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, mailer: mail, maxAttempts: config.ESCALATION_MAX_ATTEMPTS, backoff, log, runWorker: options.runWorker })
    : new MemoryOutbox({ mailer: mail, maxAttempts: config.ESCALATION_MAX_ATTEMPTS, backoff, log });
}
