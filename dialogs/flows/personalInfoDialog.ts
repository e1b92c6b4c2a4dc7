import type { Choice, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { bulleted, chosen, GuidedFlowDialog, numbered } from './flowHelpers';
import type { DialogServices } from '../services';
import { factsOf } from '../memory/conversationFacts';
import { FLOW_FACTS } from '../../knowledge/flowFacts';

/** Id of {@link PersonalInfoDialog}. */
export const PERSONAL_INFO_DIALOG = 'personalInfoDialog';

/** Button: a UMass student, faculty or staff member (has SPIRE). */
export const UMASS_SPIRE = 'UMass (I use SPIRE)';
/** Button: not UMass-affiliated (Hampshire College and others without SPIRE). */
export const NOT_UMASS = 'Not UMass-affiliated';
/** Button: the address. */
export const ADDRESS = 'Address';
/** Button: the phone number. */
export const PHONE = 'Phone number';
/** Button: the name. */
export const NAME = 'Name';
/** Button: anything else. */
export const OTHER_DETAIL = 'Something else';

const AFFILIATION_CHOICES: Choice[] = [
  { value: UMASS_SPIRE, synonyms: ['umass', 'spire', 'student', 'faculty', 'staff', 'employee', 'yes', 'i use spire'] },
  { value: NOT_UMASS, synonyms: ['no', 'not umass', 'hampshire', 'hampshire college', 'other', 'no spire', 'none'] },
];

const DETAIL_CHOICES: Choice[] = [
  { value: ADDRESS, synonyms: ['address', 'mailing address', 'mail', 'home address'] },
  { value: PHONE, synonyms: ['phone', 'phone number', 'number', 'cell', 'mobile', 'telephone'] },
  { value: NAME, synonyms: ['name', 'preferred name', 'chosen name', 'my name'] },
  { value: OTHER_DETAIL, synonyms: ['other', 'something else', 'all', 'several'] },
];

/** FAQ 14, quoted exactly: where the portal's details come from. */
export const SPIRE_INTRO = FLOW_FACTS.spireIntro;
/** FAQ 14, quoted exactly: the address. */
export const SPIRE_ADDRESS = FLOW_FACTS.spireAddress;
/** FAQ 14, quoted exactly: the phone number. */
export const SPIRE_PHONE = FLOW_FACTS.spirePhone;
/** FAQ 14, quoted exactly: the name. */
export const SPIRE_NAME = FLOW_FACTS.spireName;
/** FAQ 14, quoted exactly: the delay. */
export const SPIRE_DELAY = FLOW_FACTS.spireDelay;
/** FAQ 14, quoted exactly: patients without SPIRE. */
export const NON_UMASS_TEXT = FLOW_FACTS.nonUmass;

const DETAIL_TEXT: Record<string, string> = { [ADDRESS]: SPIRE_ADDRESS, [PHONE]: SPIRE_PHONE, [NAME]: SPIRE_NAME };

/** The SPIRE steps for one detail, or for all three when `detail` is "Something else". */
export function spireSteps(detail: string): string {
  const specific = DETAIL_TEXT[detail];
  const third = specific ?? `Then:\n${bulleted([SPIRE_ADDRESS, SPIRE_PHONE, SPIRE_NAME])}`;
  return [SPIRE_INTRO, numbered([FLOW_FACTS.spireLogin, FLOW_FACTS.spireMenu, third, SPIRE_DELAY])].join('\n\n');
}

/** The detail a message already names ("change my address"), so it is not asked. */
function detailIn(...texts: string[]): string | null {
  const t = texts.join(' ').toLowerCase();
  const found = [/\baddress/.test(t) && ADDRESS, /\bphone|\bnumber\b|\bcell\b/.test(t) && PHONE, /\bname\b/.test(t) && NAME].filter(Boolean) as string[];
  return found.length === 1 ? found[0] : null;
}

/**
 * Personal information shows wrongly (FAQ 14). UMass-affiliated users get the SPIRE steps for
 * the detail they name (address, phone, name), with "up to 24 hours"; others call UHS Patient
 * Services at 413-577-5192.
 */
export class PersonalInfoDialog extends GuidedFlowDialog {
  constructor(services: DialogServices) {
    super(PERSONAL_INFO_DIALOG, services);
    this.setSteps([this.askAffiliationStep.bind(this), this.askDetailStep.bind(this), this.showStepsStep.bind(this)]);
  }

  private async askAffiliationStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // Not asked again when the person already said it (or said student or staff).
    const umass = factsOf(step.context).umass;
    if (umass !== undefined) return step.next({ value: umass ? UMASS_SPIRE : NOT_UMASS, index: 0, score: 1 });
    return this.ask(
      step,
      'The portal takes your details from SPIRE for UMass students, faculty and staff. Are you UMass-affiliated (with a SPIRE account)?',
      AFFILIATION_CHOICES,
    );
  }

  private async askDetailStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const escaped = await this.escaped(step, 'affiliation');
    if (escaped) return escaped;
    factsOf(step.context).umass = chosen(step) !== NOT_UMASS;
    if (chosen(step) === NOT_UMASS) return this.finish(step, NON_UMASS_TEXT);
    const detail = detailIn(step.context.activity.text ?? '', (step.options as { text?: string } | undefined)?.text ?? '');
    if (detail) return step.next({ value: detail, index: 0, score: 1 });
    return this.ask(step, 'What do you need to correct?', DETAIL_CHOICES);
  }

  private async showStepsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const escaped = await this.escaped(step, 'detail');
    if (escaped) return escaped;
    return this.finish(step, spireSteps(chosen(step)));
  }
}
