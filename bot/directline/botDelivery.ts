import type { Activity } from 'botframework-schema';
import { HttpError } from './httpKit';

/**
 * How the local Direct Line hands a user's activity to the bot. It resolves once the bot has
 * finished the turn (its replies have by then come back through the Connector routes), and
 * rejects with a {@link HttpError} when the bot fails, so the client gets 502 like Azure's.
 */
export type BotDelivery = (activity: Partial<Activity>) => Promise<void>;

/** Options of {@link httpBotDelivery}. */
export interface HttpBotDeliveryOptions {
  /** The longest a turn may take before the client gets 504. */
  timeoutMs: number;
}

/**
 * Delivers by POSTing to the bot's own `/api/messages`, exactly as Azure's Direct Line does,
 * so the request goes through the same adapter, authentication and limits as any channel.
 * `url` is a getter because the port is known only after `listen`.
 *
 * Authentication: this sends no token, so it works while the bot runs without
 * `MicrosoftAppId` (authentication off). With an app id set, use Azure Direct Line instead.
 */
export function httpBotDelivery(url: () => string, options: HttpBotDeliveryOptions): BotDelivery {
  return async (activity) => {
    let response: Response;
    try {
      response = await fetch(url(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw timedOut
        ? new HttpError(504, 'BotTimeout', 'The bot did not answer in time')
        : new HttpError(502, 'BotUnreachable', 'The bot could not be reached');
    }
    // The body (replies of expectReplies, invoke responses) is not used: drain it.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new HttpError(502, 'BotError', `The bot answered ${response.status}`);
  };
}
