import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { PgliteDatabase, PostgresDatabase, DataDirBusyError, DATA_DIR_LOCK, PGLITE_SHARED_BUFFERS } from '../../../bot/db/database';
import { migrate, readMigrations, splitStatements } from '../../../bot/db/migrate';
import { createTestDatabase, freshPgliteDir } from '../../support/postgres';

describe('database and migrations', function () {
  this.timeout(120000);

  it('the migration files are numbered, split into statements, and create the tables the adapters use', () => {
    const migrations = readMigrations();
    expect(migrations.map((m) => m.version)).to.deep.equal([...migrations.map((m) => m.version)].sort());
    const sql = migrations.map((m) => m.sql).join('\n');
    for (const table of ['cases', 'settings', 'insight_conversations', 'insight_events', 'unanswered_questions', 'phrasing_decisions']) expect(sql).to.include(`CREATE TABLE ${table} (`);
    expect(splitStatements('-- note\nCREATE TABLE a (x int);\nCREATE INDEX b ON a (x);\n')).to.deep.equal(['CREATE TABLE a (x int)', 'CREATE INDEX b ON a (x)']);
  });

  it('PostgreSQL: migrates a fresh database once, even with two instances starting together', async () => {
    const created = await createTestDatabase('migrate');
    const a = new PostgresDatabase(created.url);
    const b = new PostgresDatabase(created.url);
    try {
      const [first, second] = await Promise.all([migrate(a), migrate(b)]);
      const all = readMigrations().map((m) => m.version);
      // Each migration was applied by exactly one of the two.
      expect([...first, ...second].sort()).to.deep.equal(all);
      expect(await migrate(a)).to.deep.equal([]);
      const rows = await a.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).to.deep.equal(all);
    } finally {
      await a.close();
      await b.close();
      await created.drop();
    }
  });

  it('PGlite: keeps its data in DATA_DIR across a reopen, and keeps a second process out while open', async () => {
    // A migrated copy (creating a PGlite database takes seconds); migrating again applies nothing.
    const dir = await freshPgliteDir();
    try {
      const db = await PgliteDatabase.open(dir);
      expect(await migrate(db)).to.deep.equal([]);
      // The small buffer cache (Postgres's 128 MB default was most of the bot's memory).
      expect(await db.query('SHOW shared_buffers')).to.deep.equal([{ shared_buffers: PGLITE_SHARED_BUFFERS }]);
      await db.query("INSERT INTO settings (key, value) VALUES ('probe', '\"kept\"')");
      // The lock names this process; another process would be refused with that pid.
      expect(fs.readFileSync(path.join(dir, DATA_DIR_LOCK), 'utf8')).to.equal(String(process.pid));
      await db.close();
      expect(fs.existsSync(path.join(dir, DATA_DIR_LOCK)), 'lock released on close').to.equal(false);

      // A live process (pid 1 always exists) holding the lock keeps us out.
      fs.writeFileSync(path.join(dir, DATA_DIR_LOCK), '1');
      let refused: unknown = null;
      await PgliteDatabase.open(dir).catch((err: unknown) => (refused = err));
      expect(refused).to.be.instanceOf(DataDirBusyError);
      expect(String(refused)).to.include('DATABASE_URL');

      // A lock left by a process that is gone is taken over.
      fs.writeFileSync(path.join(dir, DATA_DIR_LOCK), '999999999');
      const again = await PgliteDatabase.open(dir);
      try {
        expect(await migrate(again)).to.deep.equal([]);
        expect(await again.query('SELECT value FROM settings WHERE key = $1', ['probe'])).to.deep.equal([{ value: 'kept' }]);
      } finally {
        await again.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
