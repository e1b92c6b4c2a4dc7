/** Why a handoff started: what the main dialog and the troubleshooting dialogs pass in. */
export type HandoffTrigger =
  | 'user-asked'
  | 'two-misses'
  | 'didnt-help'
  | 'reprompt-limit'
  | 'unavailable'
  | 'still-failing'
  | 'limit-reached';

/** One sentence per trigger, for the help desk (the escalation email and the case diagnostics). */
export const TRIGGER_DESCRIPTIONS: Readonly<Record<HandoffTrigger, string>> = {
  'user-asked': 'The patient asked for a person.',
  'two-misses': 'The bot did not understand two messages in a row.',
  'didnt-help': 'The patient said the answer did not help.',
  'reprompt-limit': 'The patient could not get past a question the bot kept re-asking.',
  unavailable: 'A system the bot needed (the portal directory) was unavailable.',
  'still-failing': 'It still fails after the troubleshooting steps.',
  'limit-reached': 'The patient reached an attempt limit.',
};

/** The description of `trigger`, or a neutral one for a value from an older or newer version. */
export function describeTrigger(trigger: unknown): string {
  return typeof trigger === 'string' && trigger in TRIGGER_DESCRIPTIONS
    ? TRIGGER_DESCRIPTIONS[trigger as HandoffTrigger]
    : 'The bot handed the conversation over.';
}
