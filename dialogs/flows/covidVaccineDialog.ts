import type { Choice, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { PORTAL_URL } from './accountMail';
import { FLOW_FACTS } from '../../knowledge/flowFacts';
import { chosen, GuidedFlowDialog, numbered } from './flowHelpers';
import { IMMUNIZATION_ENTRY_DIALOG, immunizationEntryDialog } from './immunizationEntryDialog';
import type { DialogServices } from '../services';
import { factsOf, remember, wasShown } from '../memory/conversationFacts';

const COVID_STEPS_KEY = 'covid-steps';
import { UPLOAD_DIAGNOSIS_DIALOG, uploadDiagnosisDialog } from './uploadDiagnosisDialog';

/** Id of {@link CovidVaccineDialog}. */
export const COVID_VACCINE_DIALOG = 'covidVaccineDialog';

/** Button: a student. */
export const STUDENT = 'Student';
/** Button: faculty or staff. */
export const STAFF = 'Faculty or staff';
/** Button: the steps are clear. */
export const GOT_IT = 'Got it, thanks';
/** Button: the Upload page fails (starts the upload diagnosis). */
export const UPLOAD_FAILS = 'The upload fails';
/** Button: entering the dates fails (starts the immunization entry tips). */
export const ENTRY_FAILS = "The dates won't save";

const ROLE_CHOICES: Choice[] = [
  { value: STUDENT, synonyms: ['student', 'i am a student', "i'm a student", 'undergrad', 'grad student'] },
  { value: STAFF, synonyms: ['staff', 'faculty', 'employee', 'professor', 'i work here', 'staff member'] },
];

const RESULT_CHOICES: Choice[] = [
  { value: GOT_IT, synonyms: ['got it', 'thanks', 'ok', 'okay', 'done', 'thank you', 'clear'] },
  { value: UPLOAD_FAILS, synonyms: ['upload', 'upload fails', 'cannot upload', "can't upload", 'vaccine card'] },
  { value: ENTRY_FAILS, synonyms: ['dates', "won't save", 'not saving', 'immunization page', 'entering dates'] },
];

/** FAQ 11, quoted exactly: staff cannot upload. */
export const STAFF_TEXT = `Adding COVID-19 vaccination data on the portal is for students only: ${FLOW_FACTS.covidStaff}.`;

/** FAQ 11, quoted exactly: both pages are needed. */
export const BOTH_PAGES_TEXT = `**${FLOW_FACTS.covidBothPages}**`;

/** FAQ 11, quoted exactly: the seven steps. */
export const COVID_STEPS = [`${FLOW_FACTS.loginToPortal} (${PORTAL_URL})`, ...FLOW_FACTS.covidSteps];

/**
 * Adding COVID-19 vaccination data (FAQ 11, students only). Asks student or staff first: staff
 * cannot upload records on the portal at this time. Students get the seven steps, stressing
 * BOTH the Immunization AND the Upload pages; if a page then fails, the matching troubleshooting
 * dialog runs (upload diagnosis or immunization entry) and its outcome becomes this one's.
 */
export class CovidVaccineDialog extends GuidedFlowDialog {
  constructor(services: DialogServices) {
    super(COVID_VACCINE_DIALOG, services);
    this.addDependency(uploadDiagnosisDialog(services));
    this.addDependency(immunizationEntryDialog(services));
    this.setSteps([this.askRoleStep.bind(this), this.showStepsStep.bind(this), this.followUpStep.bind(this), this.passOutcomeStep.bind(this)]);
  }

  private async askRoleStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // Not asked again when the person already said it.
    const role = factsOf(step.context).role;
    if (role) return step.next({ value: role === 'staff' ? STAFF : STUDENT, index: 0, score: 1 });
    return this.ask(step, 'Are you a student, or faculty or staff?', ROLE_CHOICES);
  }

  private async showStepsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const escaped = await this.escaped(step, 'role');
    if (escaped) return escaped;
    const facts = factsOf(step.context);
    facts.role = chosen(step) === STAFF ? 'staff' : 'student';
    facts.umass ??= true;
    if (chosen(step) === STAFF) return this.finish(step, STAFF_TEXT);
    // The seven steps in full once per conversation; after that they are referred to.
    const shownBefore = wasShown(facts, COVID_STEPS_KEY);
    remember(facts, 'shown', COVID_STEPS_KEY);
    return this.ask(
      step,
      shownBefore
        ? [`Follow the seven steps above. ${BOTH_PAGES_TEXT}`, 'How did it go? If a step fails, tell me which and I will help.'].join('\n\n')
        : [
            FLOW_FACTS.covidFollowSteps,
            BOTH_PAGES_TEXT,
            numbered(COVID_STEPS),
            'How did it go? If a step fails, tell me which and I will help.',
          ].join('\n\n'),
      RESULT_CHOICES,
    );
  }

  private async followUpStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const escaped = await this.escaped(step, 'result');
    if (escaped) return escaped;
    const answer = chosen(step);
    if (answer === UPLOAD_FAILS) return step.beginDialog(UPLOAD_DIAGNOSIS_DIALOG);
    if (answer === ENTRY_FAILS) return step.beginDialog(IMMUNIZATION_ENTRY_DIALOG);
    return this.finish(step, 'Remember: both pages, "Immunization" AND "Upload", are needed before UHS can verify your record.');
  }

  /** The child troubleshooting dialog's outcome is this dialog's outcome. */
  private async passOutcomeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}
