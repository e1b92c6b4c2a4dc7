import type { Activity, TurnContext } from 'botbuilder-core';
import { factsOf, latestEmail, remember } from '../memory/conversationFacts';
import type { Log, Mailer, OutgoingMail, RateLimiter } from '../ports';
import { sha256 } from '../hash';
import { textQuestion, textValidator } from '../prompts/textPrompts';
import { emailKey, isUmassEmail, parseEmail } from '../prompts/validation';
import { FLOW_FACTS } from '../../knowledge/flowFacts';
import type { GivenDetails } from '../prompts/recognizer';

/**
 * What the account-status and password-reset dialogs share about the email they send: the email
 * question, the per-address and per-conversation rate-limit keys, and the detached mail dispatch.
 */

/** At most this many result emails go to one address per hour, from both dialogs together. */
export const MAIL_PER_ADDRESS_LIMIT = 3;

/** The window of {@link MAIL_PER_ADDRESS_LIMIT}, in seconds. */
export const MAIL_PER_ADDRESS_WINDOW_SECONDS = 3600;

/** The email question of both dialogs. */
export const EMAIL_QUESTION = `Which email address does UHS have on file for you? (${FLOW_FACTS.usualEmail})`;

/**
 * The email question, offering the address the person gave earlier in the conversation (if
 * any) as a button, so they need not type it again.
 */
export function emailQuestion(context: TurnContext): Partial<Activity> {
  const known = latestEmail(factsOf(context));
  return known ? textQuestion(`${EMAIL_QUESTION}\n\nYou gave me ${known} earlier: tap it to use it again, or type another.`, [known]) : textQuestion(EMAIL_QUESTION);
}

/** The turn-state key of the details typed at an offer, before they were asked for. */
const GIVEN_DETAILS = 'accountMail.givenDetails';

/**
 * Keeps, for this turn only, the email address or date of birth typed at an offer ("Shall I
 * check?" answered with the address itself), so the flow's next step uses them instead of asking.
 */
export function giveDetails(context: TurnContext, details: GivenDetails): void {
  context.turnState.set(GIVEN_DETAILS, details);
}

/** The details typed at the offer this turn (see {@link giveDetails}); empty when none. */
export function givenDetails(context: TurnContext): GivenDetails {
  return context.turnState.get<GivenDetails | undefined>(GIVEN_DETAILS) ?? {};
}

/** Keeps the email the person gave (offered again later, and listed for the help desk). */
export function rememberEmail(context: TurnContext, email: string): void {
  remember(factsOf(context), 'emailsTried', email, 4);
}

/** The email validator both dialogs use: syntax checked, trimmed, domain lower-cased. */
export const emailValidator = textValidator((text) => {
  const parsed = parseEmail(text);
  return parsed.ok ? { ok: true, value: parsed.email } : parsed;
});

/** The chat note for an address outside umass.edu, or `null` for a UMass address. */
export function nonUmassNote(email: string): string | null {
  return isUmassEmail(email)
    ? null
    : "Note: that isn't a UMass address. If you are a UMass student or employee, UHS usually has your UMass email address on file, so if nothing arrives, try again with that one.";
}

/** The rate-limit key of the result emails to one address (shared by both dialogs). */
export function mailRateKey(email: string): string {
  return `account-mail:email:${sha256(emailKey(email))}`;
}

/** The rate-limit key of the account checks for `email` that matched no record (see {@link mayMail}). */
function missRateKey(email: string): string {
  return `account-mail:miss:${sha256(emailKey(email))}`;
}

/** Every rate-limit key derived from an email address (deleted with the person's data). */
export function addressRateKeys(email: string): string[] {
  return [mailRateKey(email), missRateKey(email)];
}

/** The rate-limit key of one dialog's requests in one conversation. */
export function conversationRateKey(dialogId: string, conversationId: string): string {
  return `${dialogId}:conversation:${sha256(conversationId)}`;
}

/**
 * Consumes one result email to `email` from the shared per-address limit. With `sending`
 * false (no record matched, nothing will be sent) it counts against a separate key instead,
 * at the same cost, so a miss neither uses up the owner's emails nor answers faster.
 */
export async function mayMail(rateLimiter: RateLimiter, email: string, sending = true): Promise<boolean> {
  const key = sending ? mailRateKey(email) : missRateKey(email);
  const decision = await rateLimiter.consume(key, MAIL_PER_ADDRESS_LIMIT, MAIL_PER_ADDRESS_WINDOW_SECONDS);
  return decision.allowed;
}

/**
 * Sends result mail in the background. Why not await it: the chat reply must not reveal
 * whether a record matched, and waiting for SMTP only when there is a match would show in the
 * reply's timing. Failures are logged with a code only. {@link whenIdle} lets tests and a
 * graceful shutdown wait for the mails in flight.
 */
export class MailDispatcher {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly mailer: Mailer,
    private readonly log: Log,
    private readonly dialogId: string,
  ) {}

  /** Starts sending `mail` and returns at once. */
  dispatch(mail: OutgoingMail): void {
    const sending: Promise<void> = this.mailer.send(mail).then(
      () => undefined,
      (err: unknown) => {
        // Only the transport's error code (ECONNREFUSED, EAUTH…) and SMTP reply code: the
        // message may quote the recipient.
        const failure = (err as { code?: unknown; responseCode?: unknown } | null) ?? {};
        const code = typeof failure.code === 'string' ? failure.code : undefined;
        const responseCode = typeof failure.responseCode === 'number' ? failure.responseCode : undefined;
        this.log.warn({ event: 'account-mail-failed', dialog: this.dialogId, code, responseCode }, 'result email could not be sent');
      },
    );
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }

  /** Resolves once every mail dispatched so far has been sent or has failed. */
  async whenIdle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
