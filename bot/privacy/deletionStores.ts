import { Redis } from 'ioredis';
import type { Config } from '../config';
import * as adapters from '../adapters/fromConfig';
import { BullmqOutbox } from '../adapters/bullmqOutbox';
import { deleteRateLimitKeys } from '../adapters/rateLimiters';
import { openMigratedDatabase } from '../db/migrate';
import type { SqlDatabase } from '../db/database';
import { CaseService } from '../../dialogs/cases/caseService';
import { silentLog } from '../../dialogs/ports';
import type { DeletionStores } from './dataDeletion';

/** The stores a deletion reaches, opened from the configuration, and how to close them. */
export interface OpenedDeletionStores {
  stores: DeletionStores;
  /** Where the cases are, in words (for the operator). */
  caseStoreName: string;
  /** Whether Redis is configured (the outbox and the rate limits live there). */
  redisUsed: boolean;
  close(): Promise<void>;
}

/**
 * Opens what the configuration selects, as the bot does (`bot/adapters/fromConfig.ts`): the
 * case store (Redis, or the database, migrated first), and with `REDIS_URL` the escalation
 * queue (without a worker, so nothing is ever sent from here) and the rate-limit counters.
 * The embedded database is opened only when it holds the cases.
 */
export async function openDeletionStores(config: Config): Promise<OpenedDeletionStores> {
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 5000, lazyConnect: true }) : null;
  const outbox = config.REDIS_URL ? adapters.escalationOutbox(config, adapters.mailer(config), silentLog, undefined, { runWorker: false }) : null;
  let database: SqlDatabase | null = null;
  const close = async (): Promise<void> => {
    await outbox?.close();
    await database?.close();
    redis?.disconnect();
  };
  try {
    await redis?.connect();
    const kind = adapters.caseStoreKind(config);
    if (kind === 'sql') database = await openMigratedDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }, silentLog);
    const cases = adapters.caseStore(config, redis, database, silentLog, () => new Date());
    const stores: DeletionStores = { cases: CaseService.forErasure({ cases, log: silentLog }) };
    if (outbox instanceof BullmqOutbox) stores.discardEscalation = (caseId, dryRun) => outbox.discard(caseId, dryRun);
    if (redis) stores.deleteRateLimits = (keys, dryRun) => deleteRateLimitKeys(redis, `${config.REDIS_KEY_PREFIX}rl:`, keys, dryRun);
    const caseStoreName = kind === 'redis' ? 'Redis (REDIS_URL)' : config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.DATA_DIR}`;
    return { stores, caseStoreName, redisUsed: redis !== null, close };
  } catch (err) {
    await close();
    throw err;
  }
}
