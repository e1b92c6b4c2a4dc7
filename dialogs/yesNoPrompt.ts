import { ActionTypes, type Activity, type TurnContext } from 'botbuilder-core';
import { Prompt, type PromptOptions, type PromptRecognizerResult, type PromptValidator } from 'botbuilder-dialogs';

/** The buttons of a {@link YesNoPrompt}. */
export const YES_NO_BUTTONS = ['Yes', 'No'] as const;

const YES = new Set(['y', 'yes', 'yeah', 'yea', 'yep', 'yup', 'sure', 'ok', 'okay', 'please', 'correct', 'right', 'true', '1', 'absolutely', 'definitely']);
const NO = new Set(['n', 'no', 'nope', 'nah', 'not', 'never', 'false', '2', 'cancel']);

/**
 * Reads a yes or a no from what people type: the button text, or a sentence that starts with
 * one ("yes please", "no thanks", "sure, go ahead"). `undefined` when it is neither.
 */
export function recognizeYesNo(text: string): boolean | undefined {
  const words = text.toLowerCase().replace(/[^a-z0-9\s']/g, ' ').split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const first = words[0];
  if (YES.has(first) || (first === 'go' && words[1] === 'ahead') || (first === 'do' && words[1] === 'it')) return true;
  if (NO.has(first) || (first === "don't" && words.length <= 3)) return false;
  return undefined;
}

/**
 * A Yes/No question with Yes and No suggested-action buttons. It does what botbuilder's
 * ConfirmPrompt did here, without running the recognizers-text suites on every answer: the
 * load bench measured those among the costliest parts of a turn, and the bot is English-only.
 */
export class YesNoPrompt extends Prompt<boolean> {
  constructor(dialogId: string, validator?: PromptValidator<boolean>) {
    super(dialogId, validator);
  }

  protected async onPrompt(context: TurnContext, _state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    const source = isRetry && options.retryPrompt ? options.retryPrompt : options.prompt;
    const activity: Partial<Activity> = typeof source === 'string' ? { type: 'message', text: source } : { ...(source ?? { type: 'message', text: '' }) };
    activity.suggestedActions = { to: [], actions: YES_NO_BUTTONS.map((title) => ({ type: ActionTypes.ImBack, title, value: title })) };
    await context.sendActivity(activity);
  }

  protected async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<boolean>> {
    const value = context.activity.type === 'message' ? recognizeYesNo(context.activity.text ?? '') : undefined;
    return value === undefined ? { succeeded: false } : { succeeded: true, value };
  }
}
