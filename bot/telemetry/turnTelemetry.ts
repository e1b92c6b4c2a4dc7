import { SpanKind } from '@opentelemetry/api';
import type { TurnContext } from 'botbuilder-core';
import { markTurnOutcome, turnOutcome, type TurnOutcome } from '../../dialogs/turnOutcome';
import type { Log } from '../../dialogs/ports';
import type { BotMetrics } from './metrics';
import { inSpan } from './tracing';

/** A label value from the caller, kept only when it looks like a channel or activity type name. */
function label(value: string | undefined): string {
  return value && /^[A-Za-z0-9_.-]{1,30}$/.test(value) ? value : 'other';
}

/**
 * Wraps a turn handler in the turn's span (`bot.turn`, the parent of every call the turn makes)
 * and records message turns in `bot_turns_total{outcome}` and `bot_turn_duration_seconds`.
 * A turn that throws counts as `error` and the error goes on to the adapter's onTurnError.
 * Each turn ends with one debug line (outcome and time) that carries the turn's trace id.
 */
export function instrumentTurn(runTurn: (context: TurnContext) => Promise<void>, metrics: BotMetrics, log: Log): (context: TurnContext) => Promise<void> {
  return (context) =>
    inSpan(
      'bot.turn',
      { 'bot.channel': label(context.activity.channelId), 'bot.activity.type': label(context.activity.type) },
      async (span) => {
        const started = performance.now();
        let outcome: TurnOutcome = 'error';
        try {
          await runTurn(context);
          outcome = turnOutcome(context);
        } catch (err) {
          markTurnOutcome(context, 'error');
          throw err;
        } finally {
          const seconds = (performance.now() - started) / 1000;
          span.setAttribute('bot.turn.outcome', outcome);
          if (context.activity.type === 'message') metrics.turn(outcome, seconds);
          log.debug({ event: 'turn', outcome, ms: Math.round(seconds * 1000) }, 'turn finished');
        }
      },
      SpanKind.SERVER,
    );
}
