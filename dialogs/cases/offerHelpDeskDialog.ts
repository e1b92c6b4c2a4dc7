import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import type { DialogOutcome } from '../outcome';
import type { DialogServices } from '../services';
import { markdown } from '../prompts/replies';
import { done, handoff } from '../outcome';
import { yesNoPrompt, yesNoQuestion } from '../prompts/textPrompts';
import { isGaveUp } from '../prompts/retryLimit';
import { FlowDialog, sharedDialog } from '../flows/flowHelpers';

/** Id of {@link OfferHelpDeskDialog}. */
export const OFFER_HELPDESK_DIALOG = 'offerHelpDeskDialog';
/** Id of its Yes/No prompt. */
export const OFFER_HELPDESK_PROMPT = 'offerHelpDeskDialog.confirm';

/** Options of {@link OfferHelpDeskDialog}. */
export interface OfferHelpDeskOptions {
  /** The troubleshooting dialog the outcome is reported for (its id). */
  dialog: string;
  /** Why the help desk is offered; carried into the handoff outcome when the user accepts. */
  reason: Extract<DialogOutcome, { outcome: 'handoff' }>['reason'];
  /** Diagnostics carried into the handoff outcome (for example the upload diagnosis). */
  diagnostics?: Record<string, unknown>;
}

/** The one {@link OfferHelpDeskDialog} of `services` (every flow that offers the help desk shares it). */
export function offerHelpDeskDialog(services: DialogServices): OfferHelpDeskDialog {
  return sharedDialog(services, OFFER_HELPDESK_DIALOG, () => new OfferHelpDeskDialog(services));
}

/**
 * Says `message` (why the dialog cannot go on: a limit, an outage) and replaces the calling
 * dialog's waterfall with {@link OfferHelpDeskDialog}, whose outcome becomes the caller's.
 * The calling flow must depend on the shared one ({@link offerHelpDeskDialog}).
 */
export async function offerHelpDesk(step: WaterfallStepContext, message: string, options: OfferHelpDeskOptions): Promise<DialogTurnResult> {
  await step.context.sendActivity(markdown(message));
  return step.replaceDialog(OFFER_HELPDESK_DIALOG, options);
}

/**
 * Asks "Shall I pass this to the help desk?" and ends with a {@link DialogOutcome} on behalf
 * of the calling dialog: `handoff` (with the given reason) on yes, `done` on no. A dialog
 * starts it with `replaceDialog`, so this outcome becomes the calling dialog's own.
 * The handoff itself is started by the main dialog.
 */
export class OfferHelpDeskDialog extends FlowDialog {
  constructor(private readonly services: DialogServices) {
    super(OFFER_HELPDESK_DIALOG);
    this.addDependency(yesNoPrompt(OFFER_HELPDESK_PROMPT, false));
    this.setSteps([this.askHelpDeskStep.bind(this), this.endWithChoiceStep.bind(this)]);
  }

  private async askHelpDeskStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt(
      OFFER_HELPDESK_PROMPT,
      yesNoQuestion('Would you like me to pass this to the UHS help desk? A person there can look into it for you.', 'shall I pass this to the help desk?'),
    );
  }

  private async endWithChoiceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { dialog, reason, diagnostics } = step.options as OfferHelpDeskOptions;
    if (isGaveUp(step.result)) return step.endDialog(handoff(dialog, 'reprompt-limit', { ...diagnostics, prompt: 'offer-helpdesk' }));
    if (step.result === true) return step.endDialog(handoff(dialog, reason, diagnostics));
    await step.context.sendActivity(markdown(`OK. You can also email the help desk yourself at ${this.services.settings.helpdeskEmail}.`));
    return step.endDialog(done(dialog));
  }
}
