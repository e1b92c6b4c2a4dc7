import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createApp } from '../index';
import { benchActivity } from './scenario';

/**
 * Memory of many conversations held in memory state: builds the real app (memory state, no
 * Redis), runs turns for `count` conversations in-process through the CloudAdapter (no HTTP),
 * each left in the middle of the account-status dialog (welcome, question, "Yes": the dialog
 * waits for the email, so the stack, the memory and the transcript are all stored), collects
 * garbage and reports the process RSS. Run by `bench.ts` in a child with `--expose-gc`; prints
 * one JSON {@link MemoryReport} line.
 */

/** What the probe prints. */
export interface MemoryReport {
  conversations: number;
  /** RSS after start-up, before any conversation (after GC). */
  baselineRssBytes: number;
  /** RSS with every conversation held (after GC). */
  rssBytes: number;
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

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 10000);
  const mailFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-bench-mail-'));
  const log = createLogger({ level: 'silent', format: 'json', production: true });
  const app = await createApp(loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', MAIL_OUTBOX: mailFolder }), { log });
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
    await turn(benchActivity(id, 'do I have an account', 1));
    // The dialog must be waiting for the email, or the state measured is not the one claimed.
    if (!(await turn(benchActivity(id, 'Yes', 2))).includes('Which email address')) unexpectedReplies += 1;
  }
  const gc = collect();
  const usage = process.memoryUsage();
  const report: MemoryReport = { conversations: count, baselineRssBytes, rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, gc, unexpectedReplies };
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
