import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { projectRoot } from './projectRoot';

const text = z.string().trim().min(1);

/** The placeholder entries use for the help desk's address, filled from HELPDESK_EMAIL. */
export const HELPDESK_EMAIL_PLACEHOLDER = '{helpdeskEmail}';

/** The shape of `knowledge/flowFacts.yaml`; an unknown or missing key fails at start-up. */
const flowFactsSchema = z
  .strictObject({
    helpdeskEmail: z.email(),
    portalUrl: z.url(),
    loginUrl: z.url(),
    registrationSender: z.email(),
    resetSender: z.email(),
    browserTip: text,
    deviceTip: text,
    allergyFirst: text,
    allergyFollowUp: text,
    stiCall: text,
    spireDelay: text,
    nonUmass: text,
    netidSso: text,
    noNetid: text,
    registrationIntro: text,
    registrationEntries: z.tuple([z.strictObject({ label: text, text }), z.strictObject({ label: text, text }), z.strictObject({ label: text, text })]),
    emailMostPopular: text,
    emailMostCommon: text,
    stillTrouble: text,
    spamJunkFolder: text,
    checkSpamJunk: text,
    forgotPasswordLink: text,
    forgotPassword: text,
    checkSpamToo: text,
    usualEmail: text,
    continueIssues: text,
    submitProblem: text,
    submitVersusEnter: text,
    tryAgain: text,
    loginSpinsSteps: z.array(text).min(1),
    loginSpinsError: text,
    oneAtATimeTip: text,
    nsipIntro: text,
    nsipContacts: z.array(text).min(1),
    loginToPortal: text,
    clickAppts: text,
    allergyClinic: text,
    allergyReason: text,
    stiSelfSchedule: text,
    stiExposure: text,
    stiSelfScheduleIf: text,
    stiFollowInstructions: text,
    covidFollowSteps: text,
    covidStaff: text,
    covidBothPages: text,
    covidSteps: z.array(text).length(6),
    spireIntro: text,
    spireLogin: text,
    spireMenu: text,
    spireAddress: text,
    spirePhone: text,
    spireName: text,
    uploadAllowedTypes: text,
    uploadSpecialCharacters: text,
    uploadRenameTip: text,
  })
  .transform((facts, ctx) => {
    // `{key}` names another fact, so each address is written once; {helpdeskEmail} stays for
    // the configured address (HELPDESK_EMAIL), filled where the text is shown.
    const fill = (value: string, depth = 0): string =>
      value.replace(/\{(\w+)\}/g, (whole, key: string) => {
        if (whole === HELPDESK_EMAIL_PLACEHOLDER) return whole;
        const named = (facts as Record<string, unknown>)[key];
        if (typeof named === 'string' && depth < 3) return fill(named, depth + 1);
        ctx.addIssue({ code: 'custom', message: `unknown placeholder ${whole}: it must name another fact of this file` });
        return whole;
      });
    const filled = (value: unknown): unknown =>
      typeof value === 'string' ? fill(value) : Array.isArray(value) ? value.map(filled) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, filled(v)])) : value;
    return filled(facts) as typeof facts;
  });

/** The FAQ facts the flows quote (see `knowledge/flowFacts.yaml`). */
export type FlowFacts = z.infer<typeof flowFactsSchema>;

/** Where the flow facts are kept. */
export function flowFactsFile(): string {
  return path.join(projectRoot(), 'knowledge', 'flowFacts.yaml');
}

/**
 * The FAQ facts the guided flows quote, read once from `knowledge/flowFacts.yaml` (data, like
 * the entries, and checked against the FAQ by the same facts test), so no FAQ fact is written
 * in code.
 */
export const FLOW_FACTS: FlowFacts = flowFactsSchema.parse(parse(fs.readFileSync(flowFactsFile(), 'utf8')));

/** `text` with {@link HELPDESK_EMAIL_PLACEHOLDER} replaced by the configured address (HELPDESK_EMAIL). */
export function withHelpdeskEmail(text: string, helpdeskEmail: string): string {
  return text.split(HELPDESK_EMAIL_PLACEHOLDER).join(helpdeskEmail);
}
