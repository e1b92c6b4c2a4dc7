import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import { createLogger } from '../../bot/logger';
import { loadConfig } from '../../bot/config';
import { createApp, type App, type AppOverrides } from '../../bot/index';
import { createTestDatabase, freshPgliteDir, type TestDatabase } from './postgres';

/** Log lines captured from a test app, as raw JSON strings. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }

  /** Everything logged so far, as one string. */
  get text(): string {
    return this.lines.join('\n');
  }
}

/** A running app on an ephemeral port, with helpers to talk to it. */
export interface TestApp {
  app: App;
  url: string;
  logs: LogCapture;
  outbox: string;
  /** POSTs one activity with `deliveryMode: expectReplies` and returns the replies. */
  say(conversationId: string, text: string, extra?: Partial<Activity>): Promise<Partial<Activity>[]>;
  /** Raw POST to /api/messages. */
  post(body: string | object, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/**
 * Starts the real composition root on an ephemeral port with a test environment (mail to a
 * temporary outbox folder, debug logs captured in memory). Unless `env` names a database
 * (DATABASE_URL or DATA_DIR), the app gets one of its own, removed by `stop`: a fresh PostgreSQL
 * database on the test server, or, when `env` has REDIS_URL (whose tests keep cases in Redis,
 * shared by instances), a PGlite folder.
 */
export async function startTestApp(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<TestApp> {
  const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-outbox-'));
  const logs = new LogCapture();
  const own = !env.DATABASE_URL && !env.DATA_DIR;
  const database: TestDatabase | null = own && !env.REDIS_URL ? await createTestDatabase('app') : null;
  const dataDir = own && env.REDIS_URL ? await freshPgliteDir() : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    MAIL_OUTBOX: outbox,
    // UNUSED_SERVICE_URL is allowed: expectReplies tests name it, and nothing listens there.
    ALLOWED_SERVICE_URLS: UNUSED_SERVICE_URL,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    ...env,
  });
  const log = createLogger({ level: 'debug', format: 'json', production: false, destination: logs });
  let app: App;
  try {
    app = await createApp(config, { log, ...overrides });
  } catch (err) {
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const port = await app.listen(0);
  const url = `http://127.0.0.1:${port}`;
  const post = async (body: string | object, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.text() };
  };
  const say = async (conversationId: string, text: string, extra: Partial<Activity> = {}) => {
    const response = await post(messageActivity(conversationId, text, extra));
    if (response.status !== 200) throw new Error(`POST /api/messages answered ${response.status}: ${response.body}`);
    return (JSON.parse(response.body) as { activities: Partial<Activity>[] }).activities;
  };
  return {
    app,
    url,
    logs,
    outbox,
    say,
    post,
    stop: async () => {
      await app.close();
      await database?.drop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(outbox, { recursive: true, force: true });
    },
  };
}

/** The serviceUrl of expectReplies test activities: a closed port, allowed by {@link startTestApp}. */
export const UNUSED_SERVICE_URL = 'http://127.0.0.1:1/unused';

let activitySeq = 0;

/**
 * A user's message in conversation `conversationId` on channel `test`, with
 * `deliveryMode: expectReplies` so the replies come back in the response body.
 */
export function messageActivity(conversationId: string, text = 'hello', extra: Partial<Activity> = {}): Partial<Activity> {
  return {
    type: 'message',
    id: `act-${++activitySeq}`,
    text,
    channelId: 'test',
    serviceUrl: UNUSED_SERVICE_URL,
    deliveryMode: 'expectReplies',
    conversation: { id: conversationId } as Activity['conversation'],
    from: { id: `user-${conversationId}`, name: 'Test User' },
    recipient: { id: 'bot', name: 'UHS Portal Help' },
    ...extra,
  };
}

/** The texts of the message replies. */
export function texts(activities: Partial<Activity>[]): string[] {
  return activities.filter((a) => a.type === 'message').map((a) => a.text ?? '');
}

/** The suggested-action titles of the last reply that has some. */
export function buttonsOf(activities: Partial<Activity>[]): string[] {
  const withActions = activities.filter((a) => a.suggestedActions?.actions?.length);
  return (withActions.at(-1)?.suggestedActions?.actions ?? []).map((a) => String(a.title));
}
