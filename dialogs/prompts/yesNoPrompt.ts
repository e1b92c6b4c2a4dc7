import { ActionTypes, type Activity, type TurnContext } from 'botbuilder-core';
import {
  ChoicePrompt,
  ListStyle,
  Prompt,
  type FoundChoice,
  type PromptOptions,
  type PromptRecognizerResult,
  type PromptValidator,
} from 'botbuilder-dialogs';
import { readYesNo } from './recognizer';
import { TALK_TO_HELPDESK } from './replies';

/** The buttons of a {@link YesNoPrompt}: the answers, and a way to a person at every question. */
export const YES_NO_BUTTONS = ['Yes', 'No', TALK_TO_HELPDESK] as const;

/**
 * A Yes/No question with Yes, No and "Talk to the help desk" suggested-action buttons. Answers
 * are read by the one recogniser (`recognizer.ts`: "yeah", "nope", "sure", "si", "already did"…).
 * It does what botbuilder's ConfirmPrompt did here, without running the recognizers-text
 * suites on every answer: the load bench measured those among the costliest parts of a turn.
 */
export class YesNoPrompt extends Prompt<boolean> {
  /**
   * @param offerPerson - whether the "Talk to the help desk" button is shown (not inside the
   *   handoff itself, whose questions are already on the way to a person).
   */
  constructor(
    dialogId: string,
    validator?: PromptValidator<boolean>,
    private readonly offerPerson = true,
  ) {
    super(dialogId, validator);
  }

  protected async onPrompt(context: TurnContext, _state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    const source = isRetry && options.retryPrompt ? options.retryPrompt : options.prompt;
    const activity: Partial<Activity> = typeof source === 'string' ? { type: 'message', text: source } : { ...(source ?? { type: 'message', text: '' }) };
    activity.suggestedActions = { to: [], actions: YES_NO_BUTTONS.slice(0, this.offerPerson ? 3 : 2).map((title) => ({ type: ActionTypes.ImBack, title, value: title })) };
    await context.sendActivity(activity);
  }

  protected async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<boolean>> {
    const reading = context.activity.type === 'message' ? readYesNo(context.activity.text ?? '') : undefined;
    if (reading === 'yes' || reading === 'tried') return { succeeded: true, value: true };
    if (reading === 'no') return { succeeded: true, value: false };
    return { succeeded: false };
  }
}

/**
 * A button prompt whose yes/no-like buttons ("Yes", "No, still failing", "Not sure") also take
 * the loose forms the recogniser reads ("yep", "nah", "idk"), before the buttons' own synonyms.
 */
export class ListeningChoicePrompt extends ChoicePrompt {
  constructor(dialogId: string, validator?: PromptValidator<FoundChoice>) {
    super(dialogId, validator);
    this.style = ListStyle.suggestedAction;
    // "my first appointment" is not the first button: no ordinals or numbers as answers.
    this.recognizerOptions = { recognizeOrdinals: false, recognizeNumbers: false };
  }

  protected override async onRecognize(context: TurnContext, state: object, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const choices = (options.choices ?? []).map((c) => (typeof c === 'string' ? c : c.value));
    const text = (context.activity.text ?? '').trim();
    const exact = choices.findIndex((c) => c.toLowerCase() === text.toLowerCase());
    if (exact < 0 && text) {
      const reading = readYesNo(text);
      const pattern = reading === 'yes' ? /^yes\b/i : reading === 'no' || reading === 'tried' ? /^no\b/i : reading === 'unsure' ? /^not sure\b/i : null;
      const index = pattern ? choices.findIndex((c) => pattern.test(c)) : -1;
      if (index >= 0) return { succeeded: true, value: { value: choices[index], index, score: 1 } };
    }
    return super.onRecognize(context, state, options);
  }
}
