/**
 * `npm run db:migrate`: applies the SQL migrations of `bot/db/migrations` to the configured
 * database (DATABASE_URL, else the PGlite folder DATA_DIR) and says what it did. The bot runs
 * the same migrations at start-up; this is for deployments that migrate before they roll out.
 */
import { loadConfigForCli } from '../config';
import { openDatabase } from './database';
import { migrate } from './migrate';

async function main(): Promise<number> {
  const config = loadConfigForCli();
  if (!config) return 2;
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const applied = await migrate(db);
    const where = db.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.DATA_DIR}`;
    process.stdout.write(applied.length ? `Applied migrations ${applied.join(', ')} to ${where}.\n` : `${where} is up to date.\n`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`Migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
