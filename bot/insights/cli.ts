/**
 * `npm run --silent insights -- --json [--since 7d]`: the insights summary as one JSON object.
 * `npm run insights -- --html FILE [--since 30d]`: a self-contained HTML report with charts.
 * Reads the configured database (DATABASE_URL, else the PGlite folder DATA_DIR, which only one
 * process may have open: stop the bot first, or use the `insights` command in Teams).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigForCli } from '../config';
import { openDatabase } from '../db/database';
import { migrate } from '../db/migrate';
import { insightsDetails, insightsSummary, parseSince } from './report';
import { renderHtmlReport } from './htmlReport';

const USAGE = 'Usage: npm run --silent insights -- --json [--since 7d]\n       npm run insights -- --html FILE [--since 7d]\n--since: 30m, 24h, 7d, 4w or a date (2026-11-01); default 7d.\n';

/** The parsed command line, or an error message. */
export function parseArgs(argv: string[], now: Date): { json: boolean; html: string | null; since: Date } | { error: string } {
  let json = false;
  let html: string | null = null;
  let since = parseSince('7d', now)!;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--html') {
      html = argv[++i] ?? null;
      if (!html) return { error: '--html needs a file name' };
    } else if (arg === '--since') {
      const parsed = parseSince(argv[++i] ?? '', now);
      if (!parsed) return { error: `--since: expected 30m, 24h, 7d, 4w or a date, got "${argv[i] ?? ''}"` };
      since = parsed;
    } else if (arg === '--help' || arg === '-h') return { error: '' };
    else return { error: `unknown argument "${arg}"` };
  }
  if (!json && !html) return { error: 'say --json or --html FILE' };
  return { json, html, since };
}

async function main(): Promise<number> {
  const now = new Date();
  const args = parseArgs(process.argv.slice(2), now);
  if ('error' in args) {
    process.stderr.write(`${args.error ? `${args.error}\n` : ''}${USAGE}`);
    return 2;
  }
  const config = loadConfigForCli();
  if (!config) return 2;
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrate(db);
    const window = { since: args.since, until: now };
    if (args.json) process.stdout.write(`${JSON.stringify(await insightsSummary(db, window), null, 2)}\n`);
    if (args.html) {
      const details = await insightsDetails(db, { ...window, timeZone: config.BUSINESS_TIMEZONE, now });
      fs.writeFileSync(args.html, renderHtmlReport(details, now));
      process.stderr.write(`Wrote ${path.resolve(args.html)}\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`insights: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
