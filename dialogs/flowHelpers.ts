import type { Activity } from 'botbuilder-core';
import {
  ChoicePrompt,
  ComponentDialog,
  ListStyle,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStep,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { done, endIfEscaped } from './accountSupport';
import { markdown } from './replies';
import { limitRetries } from './retryLimit';
import type { DialogServices } from './services';

/**
 * What the guided flows (STI testing, Allergy, Personal info, Immunization entry, COVID-19
 * vaccination) and the upload diagnosis share: the FAQ tips they quote, the choice lists of
 * their buttons, and a base class that registers a button prompt and the waterfall.
 */

/** FAQ 6 and 7, quoted exactly: the browser tip. */
export const BROWSER_TIP = 'Try a different browser. Chrome seems to be the most successful.';
/** FAQ 6 and 7, quoted exactly: the device tip. */
export const DEVICE_TIP = 'If you are using a cell phone, try a PC and vice versa.';

/** Button: yes. */
export const YES = 'Yes';
/** Button: no. */
export const NO = 'No';
/** Button: not sure (safety questions treat it as yes). */
export const NOT_SURE = 'Not sure';
/** Button after a tip: it worked. */
export const IT_WORKED = 'Yes, it worked';
/** Button after a tip: still failing. */
export const STILL_FAILING = 'No, still failing';

/**
 * Yes/No with the words people actually type. ChoicePrompt matches the value and each
 * synonym token by token, so "yes please" and "nope" both land.
 */
export const YES_NO_CHOICES: Choice[] = [
  { value: YES, synonyms: ['y', 'yes', 'yeah', 'yep', 'yup', 'sure', 'i do', 'i have', 'correct'] },
  { value: NO, synonyms: ['n', 'no', 'nope', 'nah', "i don't", 'i do not', "i haven't", 'none'] },
];

/** {@link YES_NO_CHOICES} plus "Not sure". */
export const YES_NO_UNSURE_CHOICES: Choice[] = [
  ...YES_NO_CHOICES,
  { value: NOT_SURE, synonyms: ['not sure', 'unsure', "don't know", 'i dont know', 'maybe', 'idk', 'possibly'] },
];

/** "Did that work?" answers. */
export const WORKED_CHOICES: Choice[] = [
  { value: IT_WORKED, synonyms: ['yes', 'y', 'yeah', 'yep', 'it worked', 'worked', 'it did', 'fixed', 'that worked', 'done'] },
  {
    value: STILL_FAILING,
    synonyms: ['no', 'n', 'nope', 'still failing', 'still not working', 'not working', "didn't work", 'it did not work', "it didn't", 'not yet', 'same error', 'still broken'],
  },
];

/** A numbered Markdown list. */
export function numbered(lines: readonly string[]): string {
  return lines.map((line, i) => `${i + 1}. ${line}`).join('\n');
}

/** A bulleted Markdown list. */
export function bulleted(lines: readonly string[]): string {
  return lines.map((line) => `- ${line}`).join('\n');
}

/** A button prompt: suggested actions, and at most two re-asks before it gives up (`retryLimit.ts`). */
export function choicePrompt(id: string): ChoicePrompt {
  const prompt = new ChoicePrompt(id, limitRetries<FoundChoice>());
  prompt.style = ListStyle.suggestedAction;
  return prompt;
}

/** The value of the button the user chose (call after `escaped`, which handles giving up). */
export function chosen(step: WaterfallStepContext): string {
  return (step.result as FoundChoice).value;
}

/**
 * The base of the small guided flows: it registers one button prompt and the waterfall, and
 * gives the steps `ask` (a question with buttons), `escaped` (the re-prompt limit or "talk to a
 * person" ends the flow with a handoff) and `finish` (say something, end with `done`).
 */
export abstract class GuidedFlowDialog extends ComponentDialog {
  /** Id of the button prompt, unique inside this component. */
  protected readonly choicePromptId: string;
  /** Id of the flow's waterfall (for `replaceDialog` loops inside the component). */
  protected readonly waterfallId: string;

  protected constructor(
    id: string,
    protected readonly services: DialogServices,
  ) {
    super(id);
    this.choicePromptId = `${id}.choice`;
    this.waterfallId = `${id}.waterfall`;
    this.addDialog(choicePrompt(this.choicePromptId));
  }

  /** Adds the flow's waterfall and makes it the first dialog. */
  protected setSteps(steps: WaterfallStep[]): void {
    this.addDialog(new WaterfallDialog(this.waterfallId, steps));
    this.initialDialogId = this.waterfallId;
  }

  /** Asks `question` with `choices` as buttons; a re-ask says to pick a button and repeats the question. */
  protected ask(step: WaterfallStepContext, question: string, choices: Choice[]): Promise<DialogTurnResult> {
    return step.prompt(this.choicePromptId, {
      prompt: markdown(question) as Activity,
      retryPrompt: markdown(`Sorry, I didn't catch that. Please choose one of the buttons.\n\n${question}`) as Activity,
      choices,
      style: ListStyle.suggestedAction,
    });
  }

  /** Ends the flow with a handoff when the user gave up on `prompt` or asked for a person; otherwise `null`. */
  protected escaped(step: WaterfallStepContext, prompt: string): Promise<DialogTurnResult | null> {
    return endIfEscaped(step, this.id, prompt, this.services.log);
  }

  /** Sends `text` (Markdown) and ends the flow with `done`. */
  protected async finish(step: WaterfallStepContext, text: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(markdown(text));
    return step.endDialog(done(this.id));
  }
}
