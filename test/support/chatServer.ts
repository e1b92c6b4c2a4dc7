import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../bot/config';
import { createApp } from '../../bot/index';
import type { LocalDirectLine, LocalDirectLineLimits } from '../../bot/directline/localDirectLine';
import { makeServer } from '../../bot/server';
import { registerChatRoutes, type ChatChannel } from '../../bot/web/chatRoutes';
import { StandInBot } from './standInBot';
import { createTestDatabase } from './postgres';

/**
 * Starts the real restify server (`makeServer` from bot/server.ts) on an ephemeral port with the
 * local Direct Line and the Web Chat page registered, around a bot given by the test.
 *
 * The bot is the {@link StandInBot} by default, so these tests pin the channel's behaviour
 * independently of the dialogs. {@link startAppChatServer} starts the whole real application
 * (bot/index.ts `createApp`) behind the same interface: switching a test to the real bot is
 * swapping the start function and the reply texts it expects (see test/bot/web/browser.test.ts).
 */

/** Anything with botbuilder's `run(context)` (an ActivityHandler, the HelpDeskBot). */
export interface RunnableBot {
  run(context: TurnContext): Promise<void>;
}

/** Options of {@link startChatServer}. */
export interface ChatServerOptions {
  bot?: RunnableBot;
  /** Overrides of the Direct Line limits (tests use small ones). */
  limits?: Partial<LocalDirectLineLimits>;
  /** Clock of the Direct Line (token expiry, idle sweep). */
  now?: () => number;
  /** Web Chat's polling interval; short in browser tests so they run fast. */
  pollingIntervalMs?: number;
  /** LOCAL_DIRECTLINE; default true. */
  localDirectLine?: boolean;
  /** DIRECTLINE_SECRET and DIRECTLINE_ENDPOINT, for the Azure token exchange. */
  directLineSecret?: string;
  directLineEndpoint?: string;
  /** PUBLIC_URL. */
  publicUrl?: string;
  /** WIDGET_ORIGINS (comma-separated). */
  widgetOrigins?: string;
  /** BODY_LIMIT_BYTES of the server (default 256 KB, as in bot/config.ts). */
  bodyLimitBytes?: number;
}

/** A running server. */
export interface ChatServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** The local Direct Line, unless switched off. */
  directLine?: LocalDirectLine;
  bot: RunnableBot;
  close(): Promise<void>;
}

/** Starts the server; see the module comment. */
export async function startChatServer(options: ChatServerOptions = {}): Promise<ChatServer> {
  const log = pino({ level: 'silent' });
  const bot = options.bot ?? new StandInBot();
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context) => {
    await context.sendActivity('Sorry, something went wrong. Email uhsportalhelp@umass.edu.');
  };
  // The same configuration schema as production, with its defaults, plus the test's choices.
  const config = loadConfig({
    LOCAL_DIRECTLINE: options.localDirectLine === false ? 'false' : 'true',
    DIRECTLINE_SECRET: options.directLineSecret,
    DIRECTLINE_ENDPOINT: options.directLineEndpoint,
    PUBLIC_URL: options.publicUrl,
    WIDGET_ORIGINS: options.widgetOrigins,
    BODY_LIMIT_BYTES: options.bodyLimitBytes === undefined ? undefined : String(options.bodyLimitBytes),
  });
  let channel: ChatChannel | undefined;

  const { server } = makeServer({
    adapter,
    runTurn: (context) => bot.run(context),
    log,
    health: async () => ({ ok: true, version: 'test', storage: 'memory', mail: 'none' }),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    extraRoutes: (s, deliver) => {
      channel = registerChatRoutes(s, config, log, deliver, { limits: options.limits, now: options.now, pollingIntervalMs: options.pollingIntervalMs });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    directLine: channel?.directLine,
    bot,
    close: async () => {
      channel?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The real application (`createApp` from bot/index.ts: real bot, knowledge, dialogs, memory
 * state, mail to a temporary outbox folder) on an ephemeral port, as a {@link ChatServer}.
 */
export async function startAppChatServer(env: NodeJS.ProcessEnv = {}): Promise<ChatServer> {
  const outbox = mkdtempSync(join(tmpdir(), 'webchat-outbox-'));
  // A database of its own on the test PostgreSQL server, dropped on close.
  const database = await createTestDatabase('webchat');
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent', MAIL_OUTBOX: outbox, DATABASE_URL: database.url, ...env }));
  const port = await app.listen(0);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    directLine: app.localDirectLine,
    bot: app.bot,
    close: async () => {
      await app.close();
      await database.drop();
      rmSync(outbox, { recursive: true, force: true });
    },
  };
}
