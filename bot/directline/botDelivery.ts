import type { Activity } from 'botframework-schema';
import { HttpError } from './httpKit';

/**
 * How the local Direct Line hands a user's activity to the bot. It resolves once the bot has
 * finished the turn (its replies have by then come back through the Connector routes), and
 * rejects with a {@link HttpError} when the bot fails, so the client gets 502 like Azure's.
 */
export type BotDelivery = (activity: Partial<Activity>) => Promise<void>;

/** Options of {@link directBotDelivery}. */
export interface DirectBotDeliveryOptions {
  /** The longest a turn may take before the client gets 504. */
  timeoutMs: number;
}

/**
 * Delivers in this process: `run` is the server's adapter entry (`makeServer`'s `deliver`),
 * which runs the same adapter, middleware and turn budget as `/api/messages` but skips the
 * public route. That route then never has to trust a caller because it is local.
 *
 * Authentication: the adapter authenticates an empty header, which works while the bot runs
 * without `MicrosoftAppId` (authentication off). With an app id set, use Azure Direct Line.
 */
export function directBotDelivery(run: BotDelivery, options: DirectBotDeliveryOptions): BotDelivery {
  return async (activity) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new HttpError(504, 'BotTimeout', 'The bot did not answer in time')), options.timeoutMs);
      timer.unref();
    });
    try {
      await Promise.race([
        run(activity).catch(() => {
          throw new HttpError(502, 'BotError', 'The bot could not handle the activity');
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
}
