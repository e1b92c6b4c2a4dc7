import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import type { DialogServices } from '../services';
import { markdown } from '../prompts/replies';
import type { TroubleshootingOptions } from '../mainDialog';
import { bulleted, FlowDialog, numbered } from './flowHelpers';
import { listed } from './quoteText';
import { FLOW_FACTS, withHelpdeskEmail } from '../../knowledge/flowFacts';
import { accountResultMail, NETID_SSO_TEXT, NO_NETID_TEXT, PORTAL_URL, REGISTRATION_ENTRIES } from './accountMail';
import { conversationRateKey, emailQuestion, emailValidator, givenDetails, rememberEmail, MailDispatcher, mayMail, nonUmassNote, MAIL_PER_ADDRESS_LIMIT } from './accountMailLimits';
import { done } from '../outcome';
import { endIfEscaped, textPrompt, textQuestion, textValidator, yesNoPrompt, yesNoQuestion } from '../prompts/textPrompts';
import { offerHelpDesk, offerHelpDeskDialog } from '../cases/offerHelpDeskDialog';
import { addressOf, parseDob } from '../prompts/validation';
import { factsOf, remember, wasShown } from '../memory/conversationFacts';

/** Id of {@link AccountStatusDialog}. */
export const ACCOUNT_STATUS_DIALOG = 'accountStatusDialog';
/** Id of its "shall I check?" prompt. */
export const ACCOUNT_CHECK_CONFIRM_PROMPT = 'accountStatusDialog.confirmCheck';
/** Id of its email prompt. */
export const ACCOUNT_EMAIL_PROMPT = 'accountStatusDialog.email';
/** Id of its date-of-birth prompt. */
export const ACCOUNT_DOB_PROMPT = 'accountStatusDialog.dob';

/** Checks per conversation before the dialog offers the help desk instead. */
export const ACCOUNT_CHECKS_PER_CONVERSATION = 3;
/**
 * The window of {@link ACCOUNT_CHECKS_PER_CONVERSATION}. A Teams personal chat is one
 * conversation forever, so "one conversation" is bounded to a day.
 */
export const ACCOUNT_CHECKS_WINDOW_SECONDS = 24 * 3600;

const REGISTRATION_KEY = 'registration';
/** The registration explanation the second time: a reference to the one above, with FAQ 1's words on the email address. */
export const REGISTRATION_AGAIN = `The three registration entries above (${listed(REGISTRATION_ENTRIES.map((e) => e.label))}) still apply. ${REGISTRATION_ENTRIES[2].text} ${FLOW_FACTS.emailMostPopular}`;

/** What the waterfall remembers between steps (dialog state only, gone when the dialog ends). */
interface CheckValues {
  email: string;
  /** A date of birth typed with the address at "Shall I check?", as typed (validated before use). */
  dob?: string;
}

/**
 * "It says I'm not active", "do I already have an account?", "every username is taken",
 * "forgot my username". Explains the three registration entries, then offers a check: it
 * collects the email and date of birth and emails the result ONLY to the address on file
 * ("you can register" with the exact entries, or "you already have an account" with the
 * username). The chat reply is the same whether or not the details matched, so the chat never
 * reveals whether someone is a UHS patient. Ends with a {@link DialogOutcome}.
 */
export class AccountStatusDialog extends FlowDialog {
  private readonly mail: MailDispatcher;

  constructor(private readonly services: DialogServices) {
    super(ACCOUNT_STATUS_DIALOG);
    this.mail = new MailDispatcher(services.mailer, services.log, ACCOUNT_STATUS_DIALOG);
    this.addDependency(yesNoPrompt(ACCOUNT_CHECK_CONFIRM_PROMPT));
    this.addDependency(textPrompt(ACCOUNT_EMAIL_PROMPT, emailValidator));
    this.addDependency(textPrompt(ACCOUNT_DOB_PROMPT, this.dobValidator));
    this.addDependency(offerHelpDeskDialog(services));
    this.setSteps([this.explainStep.bind(this), this.startCheckStep.bind(this), this.askDobStep.bind(this), this.sendResultStep.bind(this)]);
  }

  /** Resolves once the result emails in flight have been handed to the mail transport (tests, shutdown). */
  whenIdle(): Promise<void> {
    return this.mail.whenIdle();
  }

  /** Dates of birth: MM/DD/YYYY, a real date, not in the future (in the UHS time zone). */
  private readonly dobValidator = textValidator((text) => {
    const parsed = parseDob(text, this.services.now(), this.services.settings.businessTimezone);
    return parsed.ok ? { ok: true, value: parsed.dob } : parsed;
  });

  private async explainStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // "Every username I try doesn't work" gets FAQ 3's own advice (you have probably registered
    // already; Forgot Password tells), from the knowledge data; the rest get FAQ 1's entries.
    const faq3 = (step.options as TroubleshootingOptions | undefined)?.intent === 'username-taken' ? this.services.knowledge.get('username-taken') : undefined;
    const explanation = faq3 ? [faq3.answer.trim()] : [
      FLOW_FACTS.registrationIntro,
      numbered(REGISTRATION_ENTRIES.map((e) => `**${e.label}:** ${e.text}`)),
      FLOW_FACTS.emailMostCommon,
      `${NETID_SSO_TEXT} ${NO_NETID_TEXT}`,
    ];
    const facts = factsOf(step.context);
    // Shown in full once per conversation; after that it is referred to.
    await step.context.sendActivity(markdown(wasShown(facts, REGISTRATION_KEY) ? REGISTRATION_AGAIN : explanation.join('\n\n')));
    remember(facts, 'shown', REGISTRATION_KEY);
    return step.prompt(
      ACCOUNT_CHECK_CONFIRM_PROMPT,
      yesNoQuestion(
        "I can check whether you already have a portal account. For your privacy I won't show the answer here: I'll email it to the address UHS has on file (your username, or the exact entries to register with). Shall I check?",
        'shall I check whether you already have an account?',
      ),
    );
  }

  private async startCheckStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const escaped = await endIfEscaped(step, ACCOUNT_STATUS_DIALOG, 'confirm-check', this.services.log);
    if (escaped) return escaped;
    if (step.result !== true) {
      const { helpdeskEmail } = this.services.settings;
      await step.context.sendActivity(markdown(`No problem. When you're ready, register at ${PORTAL_URL} with those three entries. ${withHelpdeskEmail(FLOW_FACTS.stillTrouble, helpdeskEmail)}.`));
      return step.endDialog(done(ACCOUNT_STATUS_DIALOG));
    }
    const key = conversationRateKey(ACCOUNT_STATUS_DIALOG, step.context.activity.conversation.id);
    const decision = await this.services.rateLimiter.consume(key, ACCOUNT_CHECKS_PER_CONVERSATION, ACCOUNT_CHECKS_WINDOW_SECONDS);
    if (!decision.allowed) {
      this.services.log.info({ event: 'rate-limited', dialog: ACCOUNT_STATUS_DIALOG, scope: 'conversation' });
      const limitReached = `You've already run ${ACCOUNT_CHECKS_PER_CONVERSATION} account checks in this conversation, so I won't run another one. The help desk can sort it out with you.`;
      return offerHelpDesk(step, limitReached, { dialog: ACCOUNT_STATUS_DIALOG, reason: 'limit-reached' });
    }
    // An address (and date of birth) typed as the answer to "Shall I check?" is not asked for again.
    const given = givenDetails(step.context);
    if (given.dob) (step.values as CheckValues).dob = given.dob;
    if (given.email) return step.next(given.email);
    return step.prompt(ACCOUNT_EMAIL_PROMPT, { prompt: emailQuestion(step.context) });
  }

  private async askDobStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const escaped = await endIfEscaped(step, ACCOUNT_STATUS_DIALOG, 'email', this.services.log);
    if (escaped) return escaped;
    const email = step.result as string;
    (step.values as CheckValues).email = email;
    rememberEmail(step.context, email);
    const note = nonUmassNote(email);
    if (note) await step.context.sendActivity(markdown(note));
    const given = (step.values as CheckValues).dob;
    const dob = given ? parseDob(given, this.services.now(), this.services.settings.businessTimezone) : undefined;
    if (dob?.ok) return step.next(dob.dob);
    return step.prompt(ACCOUNT_DOB_PROMPT, { prompt: textQuestion('And your date of birth, as MM/DD/YYYY?') });
  }

  private async sendResultStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const escaped = await endIfEscaped(step, ACCOUNT_STATUS_DIALOG, 'dob', this.services.log);
    if (escaped) return escaped;
    const { email } = step.values as CheckValues;
    const dob = step.result as string;
    const found = await this.services.directory.lookup(email, dob);
    if (found.status === 'unavailable') {
      this.services.log.warn({ event: 'directory-unavailable', dialog: ACCOUNT_STATUS_DIALOG });
      return offerHelpDesk(step, "Sorry, I can't reach the UHS patient directory right now, so I can't check your account.", { dialog: ACCOUNT_STATUS_DIALOG, reason: 'unavailable' });
    }
    // The per-address limit counts the mails really sent, so that wrong guesses at someone's
    // date of birth cannot use up that person's emails; a miss counts against a key of its
    // own, so the work done (and the time it takes) is the same either way.
    const allowed = await mayMail(this.services.rateLimiter, email, found.status === 'found');
    if (found.status === 'found' && allowed) {
      this.mail.dispatch(accountResultMail(found.record, 'account-check', this.services.settings.helpdeskEmail));
    }
    remember(factsOf(step.context), 'tried', 'account check');
    await step.context.sendActivity(markdown(this.resultReply(email)));
    return step.endDialog(done(ACCOUNT_STATUS_DIALOG));
  }

  /** The one reply to every check, whatever the directory said. */
  private resultReply(email: string): string {
    const { helpdeskEmail, mailFrom } = this.services.settings;
    const lead = `Thanks. If ${email} and that date of birth match a UHS record, I've emailed the result to ${email}: your portal username and how to reset your password, or, if you have no account yet, the exact entries to register with and the portal link.`;
    const tips = bulleted([
      `Look for an email from **${addressOf(mailFrom)}**, and check your spam/junk folder too.`,
      `If nothing arrives within 10 minutes, ${email} is not the email address UHS has on file (or the date of birth did not match). ${FLOW_FACTS.usualEmail}`,
      `${NO_NETID_TEXT} The portal is at ${PORTAL_URL}.`,
      // Said every time, so it never hints that a limit was reached (which only a real record can reach).
      `At most ${MAIL_PER_ADDRESS_LIMIT} of these emails go to one address per hour: if you asked several times, look for the earlier ones.`,
      `Still stuck? Email the help desk at ${helpdeskEmail}.`,
    ]);
    return `${lead}\n\n${tips}`;
  }
}
