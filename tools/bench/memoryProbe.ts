import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../../bot/config';
import { createLogger } from '../../bot/logger';
import { createApp } from '../../bot/index';
import { benchActivity } from './scenario';

/**
 * Memory of many conversations held in memory state: builds the real app (memory state, no
 * Redis; the database of `argv[3]`, PostgreSQL or the embedded PGlite), runs turns for `count` conversations in-process through the CloudAdapter (no HTTP),
 * each left in the middle of the account-status dialog (welcome, "Check my account", "Yes":
 * the dialog waits for the email, so the stack, the memory and the transcript are all stored),
 * collects garbage and reports the process RSS once idle, and its peak. Run by `bench.ts` in a child with `--expose-gc`; prints
 * one JSON {@link MemoryReport} line.
 */

/** What the probe prints. */
export interface MemoryReport {
  conversations: number;
  /** RSS after start-up, before any conversation (after GC). */
  baselineRssBytes: number;
  /** RSS right after the last turn and a full GC. */
  afterTurnsRssBytes: number;
  /** RSS holding every conversation, once idle (see {@link settledRss}). */
  rssBytes: number;
  /** The process's highest RSS, while it was creating the conversations. */
  peakRssBytes: number;
  heapUsedBytes: number;
  /** Whether a full GC ran before each reading (`--expose-gc`). */
  gc: boolean;
  /** Conversations whose dialog did not reach the email question (0 when the probe is valid). */
  unexpectedReplies: number;
}

/** Collects garbage when exposed, twice (the second pass frees what finalizers released). */
function collect(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  gc();
  return true;
}

/**
 * The RSS of the process at rest: V8 hands freed pages back to the system only a little after
 * a GC (its memory reducer runs when the process is idle), so right after a burst of turns the
 * RSS still counts the garbage of those turns. Polls once a second (GC each time) until the
 * RSS has not fallen for three readings, at most 15 s.
 */
async function settledRss(): Promise<number> {
  let lowest = process.memoryUsage().rss;
  for (let reading = 0, still = 0; reading < 15 && still < 3; reading++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    collect();
    const rss = process.memoryUsage().rss;
    if (rss < lowest - 1024 * 1024) {
      lowest = rss;
      still = 0;
    } else still += 1;
  }
  return lowest;
}

/** Where the probe's app keeps its database: `DATABASE_URL` (PostgreSQL), else `DATA_DIR` (PGlite). */
export interface ProbeDatabase {
  databaseUrl?: string;
  dataDir?: string;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 10000);
  const database = JSON.parse(process.argv[3] ?? '{}') as ProbeDatabase;
  const mailFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-bench-mail-'));
  const log = createLogger({ level: 'silent', format: 'json', production: true });
  const app = await createApp(
    loadConfig({
      NODE_ENV: 'production',
      ALLOW_UNAUTHENTICATED: 'true',
      LOG_LEVEL: 'silent',
      MAIL_OUTBOX: mailFolder,
      DATA_DIR: database.dataDir ?? `${mailFolder}/data`,
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    }),
    { log },
  );
  /** Runs one turn and returns the texts of its replies. */
  const turn = async (activity: object): Promise<string> => {
    const replies: string[] = [];
    await app.adapter.processActivityDirect('', activity as Activity, (context) => {
      context.onSendActivities(async (_ctx, activities, next) => {
        replies.push(...activities.map((a) => a.text ?? ''));
        return next();
      });
      return app.bot.run(context);
    });
    return replies.join('\n');
  };
  let unexpectedReplies = 0;
  collect();
  const baselineRssBytes = process.memoryUsage().rss;
  for (let i = 0; i < count; i++) {
    const id = `probe-${i}`;
    await turn({ ...benchActivity(id, '', 0), type: 'conversationUpdate', text: undefined, membersAdded: [{ id: `user-${id}` }] });
    await turn(benchActivity(id, 'Check my account', 1));
    // The dialog must be waiting for the email, or the state measured is not the one claimed.
    if (!(await turn(benchActivity(id, 'Yes', 2))).includes('Which email address')) unexpectedReplies += 1;
  }
  const gc = collect();
  const afterTurnsRssBytes = process.memoryUsage().rss;
  const rssBytes = await settledRss();
  const report: MemoryReport = {
    conversations: count,
    baselineRssBytes,
    afterTurnsRssBytes,
    rssBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: process.memoryUsage().heapUsed,
    gc,
    unexpectedReplies,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await app.close();
  fs.rmSync(mailFolder, { recursive: true, force: true });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`memory probe failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
