import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import type { DialogServices } from '../services';
import { markdown } from '../prompts/replies';
import { bulleted, FlowDialog, numbered } from './flowHelpers';
import { listed, sentenceStart } from './quoteText';
import { FLOW_FACTS, withHelpdeskEmail } from '../../knowledge/flowFacts';
import { accountResultMail, LOGIN_URL, NETID_SSO_TEXT, NO_NETID_TEXT, PORTAL_REGISTRATION_SENDER, PORTAL_RESET_SENDER } from './accountMail';
import { conversationRateKey, emailQuestion, emailValidator, givenDetails, rememberEmail, MailDispatcher, mayMail, nonUmassNote, MAIL_PER_ADDRESS_LIMIT } from './accountMailLimits';
import { done } from '../outcome';
import { endIfEscaped, textPrompt, yesNoPrompt, yesNoQuestion } from '../prompts/textPrompts';
import { offerHelpDesk, offerHelpDeskDialog } from '../cases/offerHelpDeskDialog';
import { addressOf } from '../prompts/validation';
import { factsOf, remember, wasShown } from '../memory/conversationFacts';

/** Id of {@link PasswordResetDialog}. */
export const PASSWORD_RESET_DIALOG = 'passwordResetDialog';
/** Id of its "shall I send a reset?" prompt. */
export const RESET_CONFIRM_PROMPT = 'passwordResetDialog.confirmReset';
/** Id of its email prompt. */
export const RESET_EMAIL_PROMPT = 'passwordResetDialog.email';

/** Reset requests per conversation per {@link RESET_WINDOW_SECONDS}. */
export const RESETS_PER_CONVERSATION = 10;
/** The window of the reset limits: one hour. */
export const RESET_WINDOW_SECONDS = 3600;

/** NetID Single Sign-On first, then the FAQ's tips (FAQ 2, 4 and 5), quoted exactly where they state facts. */
export const PASSWORD_TIPS = [
  // The FAQ's headline comes first: UMass users log in with their NetID, not a portal password.
  `**Have a UMass NetID?** ${NETID_SSO_TEXT}`,
  `${NO_NETID_TEXT} For them, a few tips from the UHS portal FAQ:`,
  numbered([
    `**Use the "Submit" button.** ${FLOW_FACTS.submitProblem}: ${FLOW_FACTS.submitVersusEnter} Click **Submit** rather than pressing Enter or Return.`,
    `**${sentenceStart(FLOW_FACTS.spamJunkFolder)}** The email to create your password after registering comes from **${PORTAL_REGISTRATION_SENDER}**; the "Forgot Password" email comes from **${PORTAL_RESET_SENDER}**.`,
    `**If the Login page just spins:** ${listed(FLOW_FACTS.loginSpinsSteps)}. ${FLOW_FACTS.loginSpinsError}`,
    `**Forgot your password?** ${FLOW_FACTS.forgotPasswordLink}`,
  ]),
].join('\n\n');

/** The key under which the tips count as shown (`conversationFacts.ts`). */
const PASSWORD_TIPS_KEY = 'password-tips';
/** The tips the second time: a reference to the ones above. */
export const PASSWORD_TIPS_AGAIN =
  'The tips above still apply (the **Submit** button rather than Enter, your spam/junk folder, the **Login** button when the page spins, and the **Forgot Password** link).';

/**
 * "Forgot my password", "never got the password email", "the reset doesn't work". Gives the
 * FAQ's tips, then offers to trigger a reset: through the portal when the directory has one
 * behind it (`PORTAL_API_URL`), otherwise by emailing the username and the Forgot Password link
 * to the address on file. The chat reply is the same whether or not an account matched, and
 * also when a limit is reached (3 emails per address per hour, 10 requests per conversation
 * per hour), in which case nothing is sent. Ends with a {@link DialogOutcome}.
 */
export class PasswordResetDialog extends FlowDialog {
  private readonly mail: MailDispatcher;

  constructor(private readonly services: DialogServices) {
    super(PASSWORD_RESET_DIALOG);
    this.mail = new MailDispatcher(services.mailer, services.log, PASSWORD_RESET_DIALOG);
    this.addDependency(yesNoPrompt(RESET_CONFIRM_PROMPT));
    this.addDependency(textPrompt(RESET_EMAIL_PROMPT, emailValidator));
    this.addDependency(offerHelpDeskDialog(services));
    this.setSteps([this.giveTipsStep.bind(this), this.askEmailStep.bind(this), this.sendResetStep.bind(this)]);
  }

  /** Resolves once the emails in flight have been handed to the mail transport (tests, shutdown). */
  whenIdle(): Promise<void> {
    return this.mail.whenIdle();
  }

  private async giveTipsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const facts = factsOf(step.context);
    // Shown once per conversation; after that the tips are referred to, not repeated.
    if (wasShown(facts, PASSWORD_TIPS_KEY)) await step.context.sendActivity(markdown(PASSWORD_TIPS_AGAIN));
    else await step.context.sendActivity(markdown(PASSWORD_TIPS));
    remember(facts, 'shown', PASSWORD_TIPS_KEY);
    remember(facts, 'tried', 'password tips');
    return step.prompt(
      RESET_CONFIRM_PROMPT,
      yesNoQuestion('If that does not help, I can send a password reset to the email address UHS has on file. Shall I do that?', 'shall I send a password reset?'),
    );
  }

  private async askEmailStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const escaped = await endIfEscaped(step, PASSWORD_RESET_DIALOG, 'confirm-reset', this.services.log);
    if (escaped) return escaped;
    if (step.result !== true) {
      const { helpdeskEmail } = this.services.settings;
      await step.context.sendActivity(markdown(`OK. ${withHelpdeskEmail(FLOW_FACTS.tryAgain, helpdeskEmail)}`));
      return step.endDialog(done(PASSWORD_RESET_DIALOG));
    }
    // The address typed as the answer to the offer itself is not asked for again.
    const { email } = givenDetails(step.context);
    if (email) return step.next(email);
    return step.prompt(RESET_EMAIL_PROMPT, { prompt: emailQuestion(step.context) });
  }

  private async sendResetStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const escaped = await endIfEscaped(step, PASSWORD_RESET_DIALOG, 'email', this.services.log);
    if (escaped) return escaped;
    const email = step.result as string;
    rememberEmail(step.context, email);
    remember(factsOf(step.context), 'tried', 'reset sent');
    const note = nonUmassNote(email);
    if (note) await step.context.sendActivity(markdown(note));

    const { rateLimiter, log } = this.services;
    const perConversation = await rateLimiter.consume(conversationRateKey(PASSWORD_RESET_DIALOG, step.context.activity.conversation.id), RESETS_PER_CONVERSATION, RESET_WINDOW_SECONDS);
    if (!perConversation.allowed) {
      // Same reply as always, and nothing is sent: the limit must not become a way to learn anything.
      log.info({ event: 'rate-limited', dialog: PASSWORD_RESET_DIALOG, scope: 'conversation' });
    } else {
      const outcome = await this.requestReset(email);
      if (outcome === 'unavailable') {
        log.warn({ event: 'directory-unavailable', dialog: PASSWORD_RESET_DIALOG });
        return offerHelpDesk(step, "Sorry, I can't reach the UHS patient portal right now, so I can't send a reset.", { dialog: PASSWORD_RESET_DIALOG, reason: 'unavailable' });
      }
      if (outcome === 'limited') log.info({ event: 'rate-limited', dialog: PASSWORD_RESET_DIALOG, scope: 'address' });
    }
    await step.context.sendActivity(markdown(this.sentReply(email)));
    return step.endDialog(done(PASSWORD_RESET_DIALOG));
  }

  /**
   * Asks for the reset. The per-address limit is counted only for a mail really sent, so
   * requests for an address nobody has on file cannot use up its owner's emails. A portal that
   * sends its own reset mail is asked only within the limit (whether it found the address is
   * not known before).
   */
  private async requestReset(email: string): Promise<'done' | 'limited' | 'unavailable'> {
    const { rateLimiter, directory } = this.services;
    const portal = await directory.requestPasswordReset(email).catch(() => 'unavailable' as const);
    if (portal === 'unavailable') return 'unavailable';
    if (portal !== 'unsupported') return 'done';
    const found = await directory.findByEmail(email);
    if (found.status === 'unavailable') return 'unavailable';
    const allowed = await mayMail(rateLimiter, email, found.status === 'found');
    if (found.status === 'found' && allowed) this.mail.dispatch(accountResultMail(found.record, 'password-reset', this.services.settings.helpdeskEmail));
    return found.status === 'found' && !allowed ? 'limited' : 'done';
  }

  /** The one reply to every reset request, whatever happened behind it. */
  private sentReply(email: string): string {
    const { helpdeskEmail, mailFrom } = this.services.settings;
    const lead = `Done. If ${email} is the email address UHS has on file, a password reset email is on its way to it, with your username and how to reset your password.`;
    const tips = bulleted([
      `It comes from **${PORTAL_RESET_SENDER}** or from **${addressOf(mailFrom)}**. Check your spam/junk folder too.`,
      `If nothing arrives within 10 minutes, ${email} is not the email address UHS has on file. ${FLOW_FACTS.usualEmail} You can also use the "Forgot Password" link on the Login page yourself: ${LOGIN_URL}`,
      // Said every time, so it never hints that a limit was reached (which only a real record can reach).
      `At most ${MAIL_PER_ADDRESS_LIMIT} of these emails go to one address per hour: if you asked several times, look for the earlier ones.`,
      `Still stuck? Email the help desk at ${helpdeskEmail}.`,
    ]);
    return `${lead}\n\n${tips}`;
  }
}
