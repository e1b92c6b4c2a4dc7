import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { BROWSER_TIP, bulleted, DEVICE_TIP, GuidedFlowDialog, sharedDialog } from './flowHelpers';
import { FLOW_FACTS } from '../../knowledge/flowFacts';
import { offerHelpDeskDialog } from '../cases/offerHelpDeskDialog';
import type { DialogServices } from '../services';
import { endTipSequence, TIP_SEQUENCE_DIALOG, tipSequenceDialog, type TipSequenceOptions } from './tipSequenceDialog';

/** Id of {@link ImmunizationEntryDialog}. */
export const IMMUNIZATION_ENTRY_DIALOG = 'immunizationEntryDialog';

/** FAQ 7, quoted exactly: the third tip. */
export const ONE_AT_A_TIME_TIP = FLOW_FACTS.oneAtATimeTip;

/** FAQ 7's tips, in the FAQ's order. */
export const IMMUNIZATION_TIPS = [BROWSER_TIP, DEVICE_TIP, ONE_AT_A_TIME_TIP];

/** FAQ 7, quoted exactly: the New Student Immunization Program's contacts. */
export const NSIP_TEXT = [FLOW_FACTS.nsipIntro, bulleted(FLOW_FACTS.nsipContacts)].join('\n\n');

/**
 * Trouble entering immunizations (FAQ 7): the FAQ's tips ONE AT A TIME ("Did that work?" after
 * each); when none works, the NSIP contacts, then the help-desk offer (`still-failing`).
 */
export class ImmunizationEntryDialog extends GuidedFlowDialog {
  constructor(services: DialogServices) {
    super(IMMUNIZATION_ENTRY_DIALOG, services);
    this.addDependency(tipSequenceDialog(services));
    this.addDependency(offerHelpDeskDialog(services));
    this.setSteps([this.startTipsStep.bind(this), this.endTipsStep.bind(this)]);
  }

  private async startTipsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await step.context.sendActivity("Let's get your immunizations saved. Please try these one at a time.");
    return step.beginDialog(TIP_SEQUENCE_DIALOG, { tips: IMMUNIZATION_TIPS } satisfies TipSequenceOptions);
  }

  private async endTipsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return endTipSequence(step, this.id, this.services.log, {
      worked: "Great, I'm glad your immunization information saved.",
      stillFailing: NSIP_TEXT,
    });
  }
}

/** The one {@link ImmunizationEntryDialog} of `services`: the main dialog and COVID-19 vaccination share it. */
export function immunizationEntryDialog(services: DialogServices): ImmunizationEntryDialog {
  return sharedDialog(services, IMMUNIZATION_ENTRY_DIALOG, () => new ImmunizationEntryDialog(services));
}
