import fs from 'node:fs';
import path from 'node:path';
import { Pool, type PoolClient } from 'pg';
import type { Log } from '../../dialogs/ports';
import { silentLog } from '../../dialogs/ports';

/**
 * The database of record: PostgreSQL through `pg` when `DATABASE_URL` is set, PGlite (Postgres
 * compiled to WebAssembly, in-process) in `DATA_DIR` otherwise. Both speak the same SQL and run
 * the same migrations (`bot/db/migrations`), so everything above this file is written once.
 */

/** What a query can run on: the database itself, or one transaction. */
export interface SqlExecutor {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<T extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/** An open database. */
export interface SqlDatabase extends SqlExecutor {
  /** `postgres` (a server) or `pglite` (embedded, one process). */
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A PostgreSQL server through a `pg` pool. */
export class PostgresDatabase implements SqlDatabase {
  readonly kind = 'postgres';
  private readonly pool: Pool;

  constructor(connectionString: string, log: Log = silentLog) {
    // Small and bounded: recording and cases are a few statements a turn, and an outage must
    // fail a query within seconds rather than queue turns behind it.
    this.pool = new Pool({ connectionString, max: 5, connectionTimeoutMillis: 3000, idleTimeoutMillis: 30000, query_timeout: 10000 });
    // An idle client losing its connection (server restart) is reported here; without a
    // listener pg would crash the process.
    this.pool.on('error', (err) => log.warn({ code: 'E_DATABASE', err: { code: (err as { code?: string }).code } }, 'database connection lost'));
  }

  async query<T extends object>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.pool.query(text, params as unknown[]);
    return result.rows as T[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const tx: SqlExecutor = { query: async <R extends object>(text: string, params: readonly unknown[] = []) => (await client.query(text, params as unknown[])).rows as R[] };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The PGlite module's surface this file uses (it is ESM-first; loaded on demand). */
interface PGliteLike {
  waitReady: Promise<void>;
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  transaction<T>(work: (tx: { query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }> }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The lock file that keeps a second process out of a PGlite folder. */
export const DATA_DIR_LOCK = 'uhsbot.pid';

/** Thrown when another live process has the data folder open. */
export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by process ${pid} (the bot, or another tool). The embedded database has one user at a time: stop that process, or set DATABASE_URL to a PostgreSQL server.`,
    );
    this.name = 'DataDirBusyError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data folder for this process. PGlite is a whole Postgres in one process: two
 * processes writing one folder would corrupt it, so the second one is refused with who has it.
 * A lock left by a process that is gone is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, DATA_DIR_LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DataDirBusyError(dataDir, pid);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

/**
 * PGlite's buffer cache. Postgres defaults to 128 MB, which PGlite allocates inside its
 * WebAssembly memory at start-up and which never shrinks: measured, that alone was about 120 MB
 * of the process's RSS (a reopened folder: 305 MB after start with the default, 162 MB with
 * 16 MB, 154 MB with 4 MB). The embedded database holds a few tables of small rows (cases,
 * insights, approved phrasings) read a few times a minute, and the files under it stay in the
 * operating system's page cache, so 16 MB is ample.
 */
export const PGLITE_SHARED_BUFFERS = '16MB';

/** PGlite in a folder (or `memory://` for a throw-away database). */
export class PgliteDatabase implements SqlDatabase {
  readonly kind = 'pglite';

  private constructor(
    private readonly db: PGliteLike,
    private readonly unlock: () => void,
  ) {}

  /** Opens (creating it if needed) the database in `dataDir`; `memory://` keeps it in memory. */
  static async open(dataDir: string): Promise<PgliteDatabase> {
    let unlock = () => undefined as void;
    let location = dataDir;
    if (!dataDir.startsWith('memory://')) {
      location = path.resolve(dataDir);
      fs.mkdirSync(location, { recursive: true });
      unlock = lockDataDir(location);
      location = path.join(location, 'pglite');
    }
    try {
      const { PGlite } = (await import('@electric-sql/pglite')) as unknown as {
        PGlite: { new (dataDir: string, options: { startParams: string[] }): PGliteLike; defaultStartParams: readonly string[] };
      };
      const db = new PGlite(location, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`] });
      await db.waitReady;
      return new PgliteDatabase(db, unlock);
    } catch (err) {
      unlock();
      throw err;
    }
  }

  async query<T extends object>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(text, params as unknown[])).rows;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((inner) => work({ query: async <R extends object>(text: string, params: readonly unknown[] = []) => (await inner.query<R>(text, params as unknown[])).rows }));
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.unlock();
    }
  }
}

/** Where the database is: `DATABASE_URL`, else the PGlite folder `DATA_DIR`. */
export interface DatabaseLocation {
  databaseUrl?: string;
  dataDir: string;
}

/** Opens the configured database (without migrating it; see `migrate`). */
export async function openDatabase(location: DatabaseLocation, log: Log = silentLog): Promise<SqlDatabase> {
  if (location.databaseUrl) return new PostgresDatabase(location.databaseUrl, log);
  return PgliteDatabase.open(location.dataDir);
}
