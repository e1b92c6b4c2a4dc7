import type { Activity } from 'botbuilder-core';
import {
  ChoicePrompt,
  ListStyle,
  WaterfallDialog,
  type Choice,
  type Dialog,
  type DialogDependencies,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStep,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { done } from '../outcome';
import { endIfEscaped } from '../prompts/textPrompts';
import { markdown, TALK_TO_HELPDESK } from '../prompts/replies';
import { ListeningChoicePrompt } from '../prompts/yesNoPrompt';
import { limitRetries } from '../prompts/retryLimit';
import type { DialogServices } from '../services';
import { FLOW_FACTS } from '../../knowledge/flowFacts';

/**
 * What the guided flows (STI testing, Allergy, Personal info, Immunization entry, COVID-19
 * vaccination) and the upload diagnosis share: the FAQ tips they quote, the choice lists of
 * their buttons, and a base class that registers a button prompt and the waterfall.
 */

/** FAQ 6 and 7, quoted exactly: the browser tip. */
export const BROWSER_TIP = FLOW_FACTS.browserTip;
/** FAQ 6 and 7, quoted exactly: the device tip. */
export const DEVICE_TIP = FLOW_FACTS.deviceTip;

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
 * Yes/No buttons. The loose forms people type ("yeah", "nope", "sure", "si") are read by the one
 * recogniser (`recognizer.ts`) in {@link ListeningChoicePrompt}, not listed here.
 */
export const YES_NO_CHOICES: Choice[] = [{ value: YES }, { value: NO }];

/** {@link YES_NO_CHOICES} plus "Not sure". */
export const YES_NO_UNSURE_CHOICES: Choice[] = [...YES_NO_CHOICES, { value: NOT_SURE }];

/** "Did that work?" answers: yes/no forms come from the recogniser; these are the other ways to say it. */
export const WORKED_CHOICES: Choice[] = [
  { value: IT_WORKED, synonyms: ['it worked', 'worked', 'it did', 'fixed', 'that worked', 'done', 'it works', 'works now', 'that fixed it'] },
  {
    value: STILL_FAILING,
    synonyms: ['still failing', 'still not working', 'not working', "didn't work", 'it did not work', "it didn't", 'not yet', 'same error', 'still broken', 'same thing', 'same problem'],
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
  return new ListeningChoicePrompt(id, limitRetries<FoundChoice>());
}

/** The value of the button the user chose (call after `escaped`, which handles giving up). */
export function chosen(step: WaterfallStepContext): string {
  return (step.result as FoundChoice).value;
}

/**
 * A troubleshooting flow: a waterfall that brings its own prompts and sub-dialogs as
 * dependencies, which botbuilder's `DialogSet.add` adds beside it (`getDependencies`). So every
 * flow sits directly in the main dialog's root set (and in a test's set), with its prompts.
 *
 * Why not a `ComponentDialog`: each component level costs every turn spent inside it two more
 * `DialogContext`s (the `activityReceived` event walks into it, then it continues its own
 * stack), each with a `DialogStateManager`, and a chain of awaits; the load bench profiled the
 * dialog layer as the bot's largest cost.
 *
 * Prompt ids must therefore be unique across all flows (they are prefixed with the flow's id),
 * and a sub-dialog started by several flows is one instance ({@link sharedDialog}).
 */
export abstract class FlowDialog extends WaterfallDialog implements DialogDependencies {
  private readonly dependencies: Dialog[] = [];

  protected constructor(id: string) {
    super(id);
  }

  /** Registers a prompt or sub-dialog this flow starts; whatever set the flow joins adds it too. */
  protected addDependency(dialog: Dialog): void {
    this.dependencies.push(dialog);
  }

  /** The prompts and sub-dialogs of this flow (read by `DialogSet.add`). */
  getDependencies(): Dialog[] {
    return [...this.dependencies];
  }

  /** Appends the flow's steps, in order. */
  protected setSteps(steps: WaterfallStep[]): void {
    for (const step of steps) this.addStep(step);
  }
}

const sharedDialogs = new WeakMap<DialogServices, Map<string, Dialog>>();

/**
 * One instance, per services object, of a sub-dialog several flows start by its id (the
 * help-desk offer, the tip sequence, the flows COVID-19 vaccination hands over to). A
 * `DialogSet` renames a second, different instance with an id it already has (`id2`), which would
 * put the wrong dialog id into outcomes; one instance per id avoids that, and `MainDialog`
 * checks it at start-up.
 */
export function sharedDialog<T extends Dialog>(services: DialogServices, id: string, make: () => T): T {
  let dialogs = sharedDialogs.get(services);
  if (!dialogs) {
    dialogs = new Map();
    sharedDialogs.set(services, dialogs);
  }
  let dialog = dialogs.get(id);
  if (!dialog) {
    dialog = make();
    if (dialog.id !== id) throw new Error(`sharedDialog: made a dialog with id "${dialog.id}", expected "${id}"`);
    dialogs.set(id, dialog);
  }
  return dialog as T;
}

/**
 * Every dialog of `roots` and of their dependencies, checking that no two different instances
 * share an id (a `DialogSet` would silently rename one of them).
 */
export function dialogsWithDependencies(roots: readonly Dialog[]): Map<string, Dialog> {
  const found = new Map<string, Dialog>();
  const visit = (dialog: Dialog): void => {
    const seen = found.get(dialog.id);
    if (seen === dialog) return;
    if (seen) throw new Error(`Two different dialogs have the id "${dialog.id}"; start a shared sub-dialog through sharedDialog()`);
    found.set(dialog.id, dialog);
    const withDependencies = dialog as Partial<DialogDependencies>;
    if (typeof withDependencies.getDependencies === 'function') withDependencies.getDependencies().forEach(visit);
  };
  roots.forEach(visit);
  return found;
}

/**
 * The base of the small guided flows: one button prompt, and the steps' helpers `ask` (a
 * question with buttons), `escaped` (the re-prompt limit or "talk to a person" ends the flow with
 * a handoff) and `finish` (say something, end with `done`).
 */
export abstract class GuidedFlowDialog extends FlowDialog {
  /** Id of the button prompt, unique among all flows (prefixed with the flow's id). */
  protected readonly choicePromptId: string;

  protected constructor(
    id: string,
    protected readonly services: DialogServices,
  ) {
    super(id);
    this.choicePromptId = `${id}.choice`;
    this.addDependency(choicePrompt(this.choicePromptId));
  }

  /** Asks `question` with `choices` as buttons; a re-ask says to pick a button and repeats the question. */
  protected ask(step: WaterfallStepContext, question: string, choices: Choice[]): Promise<DialogTurnResult> {
    return step.prompt(this.choicePromptId, {
      prompt: markdown(question) as Activity,
      retryPrompt: markdown(`Sorry, I didn't catch that. Please choose one of the buttons, or tell me in other words.\n\n${question}`) as Activity,
      // Every question offers a person; the main dialog's listener takes that button before the prompt does.
      choices: [...choices, { value: TALK_TO_HELPDESK }],
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
