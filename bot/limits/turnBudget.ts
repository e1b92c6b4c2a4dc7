import { ActivityTypes, type TurnContext } from 'botbuilder-core';
import type { Log } from '../../dialogs/ports';
import { markdown } from '../../dialogs/prompts/replies';
import { markTurnOutcome } from '../../dialogs/turnOutcome';

/**
 * How much longer than the turn budget a caller that relays a turn (the local Direct Line)
 * should wait, so that the polite reply of a slow turn reaches the user instead of a timeout.
 */
export const TURN_REPLY_GRACE_MS = 5000;

/** Options of {@link withTurnBudget}. */
export interface TurnBudgetOptions {
  /** TURN_TIMEOUT_MS: the longest one turn may take before the user hears from us. */
  timeoutMs: number;
  helpdeskEmail: string;
  log: Log;
}

/** What a user hears when their turn ran out of time. */
export function slowTurnText(helpdeskEmail: string): string {
  return `Sorry, this is taking longer than expected, so I've stopped. Please send your last message again in a moment. If it keeps happening, email the help desk at ${helpdeskEmail}.`;
}

/**
 * Wraps a turn handler in a time budget. A turn that is still running after `timeoutMs`
 * (a hung portal API, a stalled Redis) gets a polite "taking longer than expected" reply and
 * the request completes normally (200, never a 5xx or a client-side timeout).
 *
 * The slow turn is abandoned, not cancelled: JavaScript cannot stop it. The adapter revokes
 * the turn context as soon as we return, so the abandoned turn fails at its next use of the
 * context and can neither reply late nor save a half-done dialog state: the user's retry
 * starts from the state before the slow message. Its failure is logged here (code only),
 * instead of becoming an unhandled rejection.
 */
export function withTurnBudget(runTurn: (context: TurnContext) => Promise<void>, options: TurnBudgetOptions): (context: TurnContext) => Promise<void> {
  return async (context) => {
    const ids = { conversationId: context.activity.conversation?.id, activityId: context.activity.id };
    let timer: NodeJS.Timeout | undefined;
    let late = false;
    const turn = runTurn(context).then(
      () => {
        if (late) options.log.info({ code: 'I_TURN_FINISHED_LATE', ...ids }, 'abandoned turn finished');
      },
      (err: unknown) => {
        if (!late) throw err;
        options.log.info({ code: 'I_TURN_ABANDONED', ...ids, err: err instanceof Error ? err.name : typeof err }, 'abandoned turn stopped');
      },
    );
    const budget = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), options.timeoutMs);
    });
    try {
      const outcome = await Promise.race([turn.then(() => 'done' as const), budget]);
      if (outcome === 'done') return;
      late = true;
      markTurnOutcome(context, 'error');
      options.log.warn({ code: 'E_TURN_TIMEOUT', ...ids, timeoutMs: options.timeoutMs }, 'turn exceeded its time budget');
      const text = slowTurnText(options.helpdeskEmail);
      if (context.activity.type === ActivityTypes.Message) {
        await context.sendActivity(markdown(text));
      } else if (context.activity.type === ActivityTypes.Invoke) {
        // Without an invoke response the adapter would answer 501; this one is the message
        // response of a Universal Action (what a Teams card shows after a click).
        const body = { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
        await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
      }
    } finally {
      clearTimeout(timer);
    }
  };
}
