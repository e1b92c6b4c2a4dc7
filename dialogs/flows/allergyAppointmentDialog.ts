import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { PORTAL_URL } from './accountMail';
import { chosen, GuidedFlowDialog, NO, numbered, YES, YES_NO_CHOICES } from './flowHelpers';
import { factsOf } from '../memory/conversationFacts';
import type { DialogServices } from '../services';
import { FLOW_FACTS } from '../../knowledge/flowFacts';

/** Id of {@link AllergyAppointmentDialog}. */
export const ALLERGY_APPOINTMENT_DIALOG = 'allergyAppointmentDialog';

/** FAQ 12, quoted exactly: the first appointment is by phone. */
export const ALLERGY_FIRST_TEXT = FLOW_FACTS.allergyFirst;

/** FAQ 12: later appointments, by phone or on the portal. */
export const ALLERGY_FOLLOW_UP_TEXT = [
  FLOW_FACTS.allergyFollowUp,
  numbered([`Login (${PORTAL_URL}) and ${FLOW_FACTS.clickAppts}`, FLOW_FACTS.allergyClinic, FLOW_FACTS.allergyReason]),
].join('\n\n');

/**
 * Allergy Services appointments (FAQ 12): a first appointment is booked by phone; after
 * that, by phone or on the portal (Appts → Clinic "UHS Nursing" → Reason
 * "Allergy Serum Injection").
 */
export class AllergyAppointmentDialog extends GuidedFlowDialog {
  constructor(services: DialogServices) {
    super(ALLERGY_APPOINTMENT_DIALOG, services);
    this.setSteps([this.askFirstVisitStep.bind(this), this.adviseStep.bind(this)]);
  }

  private async askFirstVisitStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // Not asked again when the person already said it ("my first appointment", "and after that?").
    const first = factsOf(step.context).firstAllergy;
    if (first !== undefined) return step.next({ value: first ? YES : NO, index: 0, score: 1 });
    return this.ask(step, 'Is this your first Allergy Services appointment at UHS?', YES_NO_CHOICES);
  }

  private async adviseStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const escaped = await this.escaped(step, 'first-visit');
    if (escaped) return escaped;
    factsOf(step.context).firstAllergy = chosen(step) === YES;
    return this.finish(step, chosen(step) === YES ? ALLERGY_FIRST_TEXT : ALLERGY_FOLLOW_UP_TEXT);
  }
}
