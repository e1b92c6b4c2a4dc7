import type { Server } from 'restify';
import type { Log } from '../../dialogs/ports/logger';
import type { Config } from '../config';
import { directBotDelivery, type BotDelivery } from '../directline/botDelivery';
import {
  loopbackUrl,
  registerLocalDirectLine,
  type LocalDirectLine,
  type LocalDirectLineLimits,
} from '../directline/localDirectLine';
import { registerWebChat } from './webChat';

/**
 * The one wiring of the web chat channel from the configuration: the local Direct Line (unless
 * LOCAL_DIRECTLINE=false) and the Web Chat page with its token endpoint. `makeServer`'s
 * `extraRoutes` calls it, and the tests call it the same way.
 */

/** The configuration variables the web chat channel reads. */
export type ChatConfig = Pick<
  Config,
  | 'LOCAL_DIRECTLINE'
  | 'DIRECTLINE_SECRET'
  | 'DIRECTLINE_ENDPOINT'
  | 'PUBLIC_URL'
  | 'WIDGET_ORIGINS'
  | 'BODY_LIMIT_BYTES'
  | 'ATTACHMENT_MAX_BYTES'
  | 'RATE_LIMIT_PER_IP_PER_MINUTE'
  | 'RATE_LIMIT_PER_CONVERSATION_PER_MINUTE'
  | 'TURN_TIMEOUT_MS'
>;

/** Knobs that are not configuration: tests shrink limits, move the clock, poll faster. */
export interface ChatTuning {
  limits?: Partial<LocalDirectLineLimits>;
  now?: () => number;
  pollingIntervalMs?: number;
  /** Believe X-Forwarded-For for rate limits (behind a known reverse proxy only). */
  trustProxy?: boolean;
  /** How long a user's post waits for the bot's turn; default TURN_TIMEOUT_MS (add a grace period to let the turn's own timeout reply win). */
  deliveryTimeoutMs?: number;
}

/** What the server keeps from the channel (close the Direct Line on shutdown). */
export interface ChatChannel {
  directLine?: LocalDirectLine;
  /** Stops the Direct Line's sweep timer and drops its conversations. */
  close(): void;
}

/**
 * Registers the page, the token endpoint and (by default) the local Direct Line on `server`.
 * `deliver` is `makeServer`'s in-process way to the bot.
 */
export function registerChatRoutes(server: Server, config: ChatConfig, log: Log, deliver: BotDelivery, tuning: ChatTuning = {}): ChatChannel {
  const serviceUrl = loopbackUrl(server);
  const limits: LocalDirectLineLimits = {
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    attachmentMaxBytes: config.ATTACHMENT_MAX_BYTES,
    ratePerIpPerMinute: config.RATE_LIMIT_PER_IP_PER_MINUTE,
    postsPerConversationPerMinute: config.RATE_LIMIT_PER_CONVERSATION_PER_MINUTE,
    ...tuning.limits,
  };
  const directLine = config.LOCAL_DIRECTLINE
    ? registerLocalDirectLine(server, {
        // In process: the same adapter and turn budget as any channel, without the public route.
        deliver: directBotDelivery(deliver, { timeoutMs: tuning.deliveryTimeoutMs ?? config.TURN_TIMEOUT_MS }),
        serviceUrl,
        publicUrl: () => config.PUBLIC_URL,
        limits,
        log,
        now: tuning.now,
        trustProxy: tuning.trustProxy,
      })
    : undefined;
  registerWebChat(server, {
    directLineSecret: config.DIRECTLINE_SECRET,
    directLineEndpoint: config.DIRECTLINE_ENDPOINT,
    localDirectLine: directLine,
    frameAncestors: config.WIDGET_ORIGINS,
    limits: { bodyLimitBytes: limits.bodyLimitBytes, ratePerIpPerMinute: limits.ratePerIpPerMinute, attachmentMaxBytes: limits.attachmentMaxBytes },
    log,
    trustProxy: tuning.trustProxy,
    pollingIntervalMs: tuning.pollingIntervalMs,
  });
  return { directLine, close: () => directLine?.close() };
}
