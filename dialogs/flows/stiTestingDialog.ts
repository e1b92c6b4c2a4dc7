import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { PORTAL_URL } from './accountMail';
import { chosen, GuidedFlowDialog, NO, numbered, YES_NO_UNSURE_CHOICES } from './flowHelpers';
import { sentenceStart } from './quoteText';
import { describesSymptom } from '../prompts/recognizer';
import type { DialogServices } from '../services';
import { FLOW_FACTS } from '../../knowledge/flowFacts';

/** Id of {@link StiTestingDialog}. */
export const STI_TESTING_DIALOG = 'stiTestingDialog';

/** FAQ 13, quoted exactly: who must call instead of self-scheduling, and the numbers. */
export const STI_CALL_TEXT = FLOW_FACTS.stiCall;

/** FAQ 13: the self-scheduling steps. */
export const STI_SELF_SCHEDULE_TEXT = [
  FLOW_FACTS.stiSelfSchedule,
  numbered([`${FLOW_FACTS.loginToPortal} (${PORTAL_URL})`, sentenceStart(FLOW_FACTS.clickAppts), FLOW_FACTS.stiFollowInstructions]),
].join('\n\n');

/** What the waterfall keeps. Never logged: whether someone has symptoms is health information. */
interface StiValues {
  mustCall?: boolean;
}

/**
 * STI testing (FAQ 13). Asks about symptoms, then (only if none) about a positive or
 * symptomatic partner. With either, or "not sure" (the safe side), the user must NOT
 * self-schedule: call UHS (or Women's Health), as {@link STI_CALL_TEXT} says. Otherwise it gives the
 * self-scheduling steps. The answers are never logged or put into the outcome.
 */
export class StiTestingDialog extends GuidedFlowDialog {
  constructor(services: DialogServices) {
    super(STI_TESTING_DIALOG, services);
    this.setSteps([this.askSymptomsStep.bind(this), this.askPartnerStep.bind(this), this.adviseStep.bind(this)]);
  }

  private async askSymptomsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // "can i book sti test online i have some symptoms": said already, so not asked again.
    if (describesSymptom(step.context.activity.text ?? '')) return this.finish(step, STI_CALL_TEXT);
    return this.ask(
      step,
      `${FLOW_FACTS.stiSelfScheduleIf} Two quick questions first (I don't record your answers).\n\nDo you have any symptoms right now?`,
      YES_NO_UNSURE_CHOICES,
    );
  }

  private async askPartnerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const escaped = await this.escaped(step, 'symptoms');
    if (escaped) return escaped;
    if (chosen(step) !== NO) {
      (step.values as StiValues).mustCall = true;
      return step.next();
    }
    return this.ask(step, `Have you had a ${FLOW_FACTS.stiExposure}?`, YES_NO_UNSURE_CHOICES);
  }

  private async adviseStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = step.values as StiValues;
    if (!values.mustCall) {
      const escaped = await this.escaped(step, 'partner');
      if (escaped) return escaped;
      values.mustCall = chosen(step) !== NO;
    }
    return this.finish(step, values.mustCall ? STI_CALL_TEXT : STI_SELF_SCHEDULE_TEXT);
  }
}
