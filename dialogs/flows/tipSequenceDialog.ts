import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { done, handoff } from '../outcome';
import { chosen, GuidedFlowDialog, IT_WORKED, sharedDialog, WORKED_CHOICES } from './flowHelpers';
import { OFFER_HELPDESK_DIALOG, type OfferHelpDeskOptions } from '../cases/offerHelpDeskDialog';
import type { Log } from '../ports';
import { markdown } from '../prompts/replies';
import { isGaveUp } from '../prompts/retryLimit';
import { factsOf, remember } from '../memory/conversationFacts';
import type { DialogServices } from '../services';

/** Id of {@link TipSequenceDialog}. */
export const TIP_SEQUENCE_DIALOG = 'tipSequenceDialog';

/** Options of {@link TipSequenceDialog}. */
export interface TipSequenceOptions {
  /** The tips, in the order to try them (Markdown). */
  tips: string[];
  /** The tip to show now (0-based); the dialog loops by replacing itself with the next index. */
  index?: number;
}

/** The one {@link TipSequenceDialog} of `services` (flows share it; see `sharedDialog`). */
export function tipSequenceDialog(services: DialogServices): TipSequenceDialog {
  return sharedDialog(services, TIP_SEQUENCE_DIALOG, () => new TipSequenceDialog(services));
}

/** How a tip sequence ended (or the `GaveUp` marker from `retryLimit.ts`, passed through). */
export interface TipSequenceResult {
  worked: boolean;
  /** How many tips the user tried. */
  tried: number;
}

/**
 * Shows troubleshooting tips ONE AT A TIME, asking "Did that work?" after each, and stops at
 * the first that works. Why one at a time: people skim a list of three tips and try none;
 * asking after each also tells the help desk how far the user got (`tried`).
 * The parent decides what "none worked" leads to (the NSIP contacts, the help-desk offer).
 */
export class TipSequenceDialog extends GuidedFlowDialog {
  constructor(services: DialogServices) {
    super(TIP_SEQUENCE_DIALOG, services);
    this.setSteps([this.showTipStep.bind(this), this.checkTipStep.bind(this)]);
  }

  private async showTipStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { tips, index = 0 } = step.options as TipSequenceOptions;
    const label = tips.length > 1 ? `**Tip ${index + 1} of ${tips.length}:** ` : '';
    return this.ask(step, `${label}${tips[index]}\n\nDid that work?`, WORKED_CHOICES);
  }

  private async checkTipStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isGaveUp(step.result)) return step.endDialog(step.result);
    const { tips, index = 0 } = step.options as TipSequenceOptions;
    // Kept for the help desk (steps tried), whether or not the person later shares the transcript.
    remember(factsOf(step.context), 'tried', `tip: ${tips[index].replace(/[*_]/g, '').slice(0, 40)}`, 10);
    if (chosen(step) === IT_WORKED) return step.endDialog({ worked: true, tried: index + 1 } satisfies TipSequenceResult);
    if (index + 1 < tips.length) return step.replaceDialog(this.id, { tips, index: index + 1 } satisfies TipSequenceOptions);
    return step.endDialog({ worked: false, tried: tips.length } satisfies TipSequenceResult);
  }
}

/** What {@link endTipSequence} says and carries. */
export interface EndTipsOptions {
  /** Said when a tip worked. */
  worked: string;
  /** Said when none worked, before the help-desk offer (Markdown). */
  stillFailing: string;
  /** Carried into the handoff (re-prompt limit or "still failing"), plus `tipsTried`. */
  diagnostics?: Record<string, unknown>;
}

/**
 * The step after a {@link TipSequenceDialog}, shared by the dialogs that run one: the re-prompt
 * limit ends with a handoff; a tip that worked ends with `done`; none working says
 * `stillFailing` and replaces the dialog's waterfall with the help-desk offer (reason
 * `still-failing`), so the offer's outcome becomes the dialog's own. The calling flow must
 * depend on the shared `OfferHelpDeskDialog` ({@link OFFER_HELPDESK_DIALOG}).
 */
export async function endTipSequence(step: WaterfallStepContext, dialogId: string, log: Log, options: EndTipsOptions): Promise<DialogTurnResult> {
  const diagnostics = options.diagnostics ?? {};
  if (isGaveUp(step.result)) {
    log.info({ event: 'reprompt-limit', dialog: dialogId, prompt: 'tips' });
    return step.endDialog(handoff(dialogId, 'reprompt-limit', { ...diagnostics, prompt: 'tips' }));
  }
  const result = step.result as TipSequenceResult;
  if (result.worked) {
    await step.context.sendActivity(markdown(options.worked));
    return step.endDialog(done(dialogId));
  }
  await step.context.sendActivity(markdown(options.stillFailing));
  return step.replaceDialog(OFFER_HELPDESK_DIALOG, {
    dialog: dialogId,
    reason: 'still-failing',
    diagnostics: { ...diagnostics, tipsTried: result.tried },
  } satisfies OfferHelpDeskOptions);
}
