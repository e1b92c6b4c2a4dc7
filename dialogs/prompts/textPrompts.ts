import type { Activity } from 'botbuilder-core';
import { TextPrompt, type PromptOptions, type PromptValidatorContext, type WaterfallStepContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { YesNoPrompt } from './yesNoPrompt';
import { handoff } from '../outcome';
import type { Log } from '../ports';
import { markdown, TALK_TO_HELPDESK } from './replies';
import { isGaveUp, limitRetries } from './retryLimit';
import { isPersonRequest } from './recognizer';

/**
 * The prompts the flows share: free-text questions with "Talk to the help desk" and "Cancel"
 * buttons and re-prompts that say what is wrong, Yes/No questions, and the end-of-step check for
 * "gave up" and "talk to a person".
 */

/**
 * The "ask for a person" button of free-text questions: the main dialog's "Talk to the help
 * desk" label, so the same words mean the same thing everywhere; {@link endIfEscaped} turns it
 * into a handoff.
 */
export const TALK_TO_PERSON = TALK_TO_HELPDESK;

/** Button on every free-text question: the main dialog's "cancel" interruption handles it. */
export const CANCEL_BUTTON = 'Cancel';

/**
 * The buttons of a free-text question: "Talk to the help desk" (the dialog ends with a
 * handoff) and "Cancel".
 */
export const TEXT_PROMPT_BUTTONS = [TALK_TO_PERSON, CANCEL_BUTTON];

/** A free-text question (Markdown) with `answers` (known answers as buttons) and the {@link TEXT_PROMPT_BUTTONS}. */
export function textQuestion(text: string, answers: string[] = []): Partial<Activity> {
  return markdown(text, [...answers, ...TEXT_PROMPT_BUTTONS]);
}

/** Whether a free-text answer asks for a person: the "Talk to the help desk" button, clicked or typed. */
export function isTalkToPerson(value: unknown): boolean {
  const text = typeof value === 'object' && value !== null ? (value as { value?: unknown }).value : value;
  return typeof text === 'string' && isPersonRequest(text);
}

/**
 * A validator for free-text prompts: accepts the "Talk to the help desk" button as is; otherwise
 * runs `check`, which returns the normalised answer or the problem to show. The re-prompt says
 * what is wrong, then asks the question again with its buttons.
 */
export function textValidator(check: (text: string) => { ok: true; value: string } | { ok: false; problem: string }) {
  return async (prompt: PromptValidatorContext<string>): Promise<boolean> => {
    const text = prompt.recognized.succeeded ? (prompt.recognized.value ?? '') : '';
    if (isTalkToPerson(text)) return true;
    const result = check(text);
    if (result.ok) {
      prompt.recognized.value = result.value;
      return true;
    }
    const question = (prompt.options.prompt as Partial<Activity> | undefined)?.text ?? '';
    prompt.options.retryPrompt = textQuestion(`${result.problem}\n\n${question}`);
    return false;
  };
}

/** A free-text prompt that re-asks at most twice (see `retryLimit.ts`). */
export function textPrompt(id: string, validator: (prompt: PromptValidatorContext<string>) => Promise<boolean>): TextPrompt {
  return new TextPrompt(id, limitRetries(validator));
}

/** The options of a Yes/No question: Markdown text; the re-ask names the buttons again. */
export function yesNoQuestion(question: string, retry: string): PromptOptions {
  return { prompt: markdown(question), retryPrompt: markdown(`Please choose Yes or No: ${retry}`) };
}

/** A Yes/No prompt with suggested-action buttons that re-asks at most twice. */
export function yesNoPrompt(id: string, offerPerson = true): YesNoPrompt {
  return new YesNoPrompt(id, limitRetries<boolean>(), offerPerson);
}

/**
 * The common check at the top of a step after a prompt: ends the dialog with a handoff when
 * the user gave up (re-prompt limit) or asked for a person, and returns `null` otherwise.
 * `prompt` names which question it was, for the case diagnostics.
 */
export async function endIfEscaped(step: WaterfallStepContext, dialogId: string, prompt: string, log: Log): Promise<DialogTurnResult | null> {
  if (isGaveUp(step.result)) {
    log.info({ event: 'reprompt-limit', dialog: dialogId, prompt });
    return step.endDialog(handoff(dialogId, 'reprompt-limit', { prompt }));
  }
  if (isTalkToPerson(step.result)) {
    return step.endDialog(handoff(dialogId, 'user-asked', { prompt }));
  }
  return null;
}
