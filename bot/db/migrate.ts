import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../knowledge/projectRoot';
import type { Log } from '../../dialogs/ports';
import { openDatabase, type DatabaseLocation, type SqlDatabase } from './database';

/**
 * Schema migrations: the numbered SQL files in `bot/db/migrations` (`001_init.sql`, …), applied in
 * order, each once, each in its own transaction, and recorded in `schema_migrations`. The same
 * files serve PostgreSQL and PGlite. The bot runs them at start-up; `npm run db:migrate` runs them
 * alone. A transaction-scoped advisory lock makes instances starting together take turns.
 *
 * A small runner rather than a migration library: the libraries drive `pg` connections of their
 * own, and these files must also run on the in-process PGlite.
 */

/** The folder of the migration files. */
export function migrationsDir(): string {
  return path.join(projectRoot(), 'bot', 'db', 'migrations');
}

/** One migration file. */
export interface Migration {
  /** The number before the first underscore, for example `001`. */
  version: string;
  name: string;
  sql: string;
}

const FILE = /^(\d{3,})_([a-z0-9_-]+)\.sql$/;
/** Any number, the same in every instance: the key of the advisory lock around migrating. */
const MIGRATION_LOCK = 72_270_017;

/** The migrations in `dir`, in order. */
export function readMigrations(dir = migrationsDir()): Migration[] {
  return fs
    .readdirSync(dir)
    .map((file) => FILE.exec(file))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: m[1], name: m[2], sql: fs.readFileSync(path.join(dir, m[0]), 'utf8') }))
    .sort((a, b) => a.version.localeCompare(b.version));
}

/** Applies the migrations `db` lacks and returns the versions it applied (none when up to date). */
export async function migrate(db: SqlDatabase, migrations = readMigrations()): Promise<string[]> {
  // Under the lock too: two instances creating the table at once would collide in the catalog.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  });
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const found = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (found.length) return false;
      // Statements one by one: the extended protocol `query` uses takes a single statement.
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

/**
 * The statements of a migration file, split at semicolons that end a line. Migrations are plain
 * DDL: no function bodies or string literals with `;` at a line end.
 */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\r?\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

/**
 * Opens the configured database and migrates it before anything uses it. A database that
 * cannot be reached or migrated stops start-up with the reason (the connection is closed first).
 */
export async function openMigratedDatabase(location: DatabaseLocation, log: Log): Promise<SqlDatabase> {
  const database = await openDatabase(location, log);
  try {
    const applied = await migrate(database);
    if (applied.length) log.info({ event: 'database-migrated', kind: database.kind, applied }, 'database migrated');
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
  return database;
}
