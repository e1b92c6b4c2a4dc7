import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import pino from 'pino';
import { httpBotDelivery } from '../../bot/directline/botDelivery';
import {
  loopbackUrl,
  registerLocalDirectLine,
  type LocalDirectLine,
  type LocalDirectLineLimits,
} from '../../bot/directline/localDirectLine';
import { makeServer } from '../../bot/server';
import { registerWebChat } from '../../bot/web/webChat';
import { StandInBot } from './standInBot';

/**
 * Starts the real restify server (`makeServer` from bot/server.ts) on an ephemeral port with the
 * local Direct Line and the Web Chat page registered, around a bot given by the test.
 *
 * This is the ONE place that picks the bot for the Direct Line and browser tests: the
 * {@link StandInBot} by default. To run them against the real help-desk bot, pass (or make the
 * default) a `bot` built the way bot/index.ts builds it; the tests themselves need no change
 * beyond the reply texts they expect (see test/bot/web/browser.test.ts).
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

/** Defaults equal to bot/config.ts's. */
export const TEST_LIMITS: LocalDirectLineLimits = {
  bodyLimitBytes: 256 * 1024,
  attachmentMaxBytes: 10 * 1024 * 1024,
  ratePerIpPerMinute: 300,
};

/** Starts the server; see the module comment. */
export async function startChatServer(options: ChatServerOptions = {}): Promise<ChatServer> {
  const log = pino({ level: 'silent' });
  const bot = options.bot ?? new StandInBot();
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context) => {
    await context.sendActivity('Sorry, something went wrong. Email uhsportalhelp@umass.edu.');
  };
  const limits: LocalDirectLineLimits = { ...TEST_LIMITS, ...options.limits };
  const bodyLimitBytes = options.bodyLimitBytes ?? limits.bodyLimitBytes;
  let directLine: LocalDirectLine | undefined;

  const { server } = makeServer({
    adapter,
    runTurn: (context) => bot.run(context),
    log,
    health: async () => ({ ok: true, version: 'test', storage: 'memory', mail: 'none' }),
    bodyLimitBytes,
    extraRoutes: (s) => {
      const serviceUrl = loopbackUrl(s);
      if (options.localDirectLine !== false) {
        directLine = registerLocalDirectLine(s, {
          deliver: httpBotDelivery(() => `${serviceUrl()}/api/messages`, { timeoutMs: 15_000 }),
          serviceUrl,
          publicUrl: () => options.publicUrl,
          limits,
          log,
          now: options.now,
        });
      }
      registerWebChat(s, {
        directLineSecret: options.directLineSecret,
        directLineEndpoint: options.directLineEndpoint ?? 'https://directline.botframework.com/v3/directline',
        localDirectLine: directLine,
        limits: { bodyLimitBytes, ratePerIpPerMinute: limits.ratePerIpPerMinute },
        log,
        pollingIntervalMs: options.pollingIntervalMs,
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    directLine,
    bot,
    close: async () => {
      directLine?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
