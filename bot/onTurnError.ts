import crypto from 'node:crypto';
import type { ConversationState, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { errorCode } from '../dialogs/errorCode';

/**
 * A short error code for the log: the error's own code when it has one, else its class.
 * Never the message, which may quote user input. Dialog errors arrive wrapped in a
 * `DialogContextError`; the code of the error inside is the useful one.
 */
export function turnErrorCode(err: unknown): string {
  const inner = (err as { error?: unknown } | null)?.error;
  const cause = inner instanceof Error ? inner : err;
  const code = errorCode(cause);
  if (code && /^[A-Z0-9_]{2,40}$/i.test(code)) return code;
  const name = (cause as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name.slice(0, 40) : 'UnknownError';
}

/**
 * Builds the adapter's one `onTurnError`: it logs the conversation id, the activity id, an
 * error code and a reference (never message text), tells the user in plain words with the
 * help-desk address and the reference, and clears the broken conversation state so the next
 * message starts clean. Outside production the log line also carries a few stack frames.
 */
export function makeOnTurnError(deps: { log: Logger; conversationState: ConversationState; helpdeskEmail: string; production: boolean }) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const reference = `ERR-${crypto.randomBytes(3).toString('hex').toUpperCase()}`;
    deps.log.error(
      {
        code: turnErrorCode(error),
        reference,
        conversationId: context.activity?.conversation?.id,
        activityId: context.activity?.id,
        stack: deps.production ? undefined : error?.stack?.split('\n').slice(1, 6).join(' | '),
      },
      'turn failed',
    );
    try {
      await deps.conversationState.delete(context);
    } catch (err) {
      deps.log.warn({ code: turnErrorCode(err), reference }, 'could not clear conversation state');
    }
    try {
      await context.sendActivity(
        `Sorry, something went wrong on our side and I couldn't finish that. Please try again, or email the help desk at ${deps.helpdeskEmail} and mention reference ${reference}.`,
      );
    } catch (err) {
      deps.log.warn({ code: turnErrorCode(err), reference }, 'could not tell the user about the error');
    }
  };
}
