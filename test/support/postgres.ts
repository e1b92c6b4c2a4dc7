import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { PgliteDatabase, PostgresDatabase, type SqlDatabase } from '../../bot/db/database';
import { migrate } from '../../bot/db/migrate';

/** The shared test PostgreSQL server (started by `.ci/run` when none answers; trust auth). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of one test's own on the shared server: created empty, dropped by `drop`. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a uniquely named database (`uhsbot_test_<label>_<random>`) so that suites and helpers
 * sharing the server never see each other's rows. Only databases made here are ever dropped.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `uhsbot_test_${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${crypto.randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A migrated database for a test: PostgreSQL in a database of its own, or PGlite in memory. */
export interface MigratedDatabase {
  db: SqlDatabase;
  close(): Promise<void>;
}

/** Opens and migrates a fresh PostgreSQL test database; `close` drops it. */
export async function openTestPostgres(label: string): Promise<MigratedDatabase> {
  const created = await createTestDatabase(label);
  const db = new PostgresDatabase(created.url);
  await migrate(db);
  return {
    db,
    close: async () => {
      await db.close();
      await created.drop();
    },
  };
}

/** Opens a migrated PGlite database in a folder of its own (removed by `close`). */
export async function openTestPglite(): Promise<MigratedDatabase> {
  const dir = await freshPgliteDir();
  const db = await PgliteDatabase.open(dir);
  await migrate(db);
  return {
    db,
    close: async () => {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Empties the given tables (between tests sharing one database). */
export async function truncate(db: SqlDatabase, tables: string[]): Promise<void> {
  await db.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
}

let template: Promise<string> | null = null;

/**
 * Makes the PGlite template now. Creating a PGlite database runs initdb in WebAssembly, which
 * takes 5 to 30 seconds on a busy 2-core machine: a root `before` hook calls this once with a
 * generous timeout, so no single test pays for it within its own.
 */
export async function warmPgliteTemplate(): Promise<void> {
  fs.rmSync(await freshPgliteDir(), { recursive: true, force: true });
}

/**
 * A fresh PGlite data folder, already migrated: a copy of one template made once per test
 * process (creating a PGlite database from nothing takes seconds; opening a copy, well under one).
 * The caller removes it (or `parent`, the folder it is made in).
 */
export async function freshPgliteDir(parent = os.tmpdir()): Promise<string> {
  template ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-pglite-template-'));
    const db = await PgliteDatabase.open(dir);
    await migrate(db);
    await db.close();
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  const source = await template;
  const dir = fs.mkdtempSync(path.join(parent, 'uhsbot-pglite-'));
  fs.cpSync(source, dir, { recursive: true });
  return dir;
}
