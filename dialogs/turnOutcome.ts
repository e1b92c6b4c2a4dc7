import type { TurnContext } from 'botbuilder-core';

/**
 * What a user's message came to, for the `bot_turns_total{outcome}` metric and the turn's span:
 * - `answered`: an FAQ answer, smalltalk, a choice or a confirmation;
 * - `dialog`: a troubleshooting dialog started or went on;
 * - `handoff`: the help-desk handoff started;
 * - `miss`: the bot did not understand;
 * - `emergency`: the crisis answer (911 and 988);
 * - `error`: the turn failed or ran out of time.
 */
export type TurnOutcome = 'answered' | 'dialog' | 'handoff' | 'miss' | 'emergency' | 'error';

/** Every outcome, for metrics that must show each label from the start. */
export const TURN_OUTCOMES: readonly TurnOutcome[] = ['answered', 'dialog', 'handoff', 'miss', 'emergency', 'error'];

/** When one turn is marked twice, the more serious outcome stands (an emergency above all). */
const RANK: Record<TurnOutcome, number> = { answered: 0, dialog: 1, miss: 2, handoff: 3, error: 4, emergency: 5 };

const KEY = Symbol('turnOutcome');

/** Records `outcome` for this turn unless a more serious one is already recorded. */
export function markTurnOutcome(context: TurnContext, outcome: TurnOutcome): void {
  const current = context.turnState.get<TurnOutcome | undefined>(KEY);
  if (current === undefined || RANK[outcome] > RANK[current]) context.turnState.set(KEY, outcome);
}

/** The outcome recorded for this turn, `answered` when nothing was marked. */
export function turnOutcome(context: TurnContext): TurnOutcome {
  return (context.turnState.get<TurnOutcome | undefined>(KEY)) ?? 'answered';
}
