import crypto from 'node:crypto';
import type { Activity, TurnContext } from 'botbuilder-core';
import { factsOf, latestEmail, remember } from './conversationFacts';
import { YesNoPrompt } from './yesNoPrompt';
import { TextPrompt, type PromptOptions, type PromptValidatorContext, type WaterfallStepContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { DialogOutcome } from './outcome';
import type { Log, Mailer, OutgoingMail, RateLimiter } from './ports';
import { markdown, TALK_TO_HELPDESK } from './replies';
import { isGaveUp, limitRetries } from './retryLimit';
import { isPersonRequest } from './recognizer';
import { emailKey, isUmassEmail, parseEmail } from './validation';

/**
 * What the account-status and password-reset dialogs share: their prompts (with buttons and
 * re-prompts that say what is wrong), the rate-limit keys, the detached mail dispatch, and the
 * end-of-step checks for "gave up" and "talk to a person".
 */

/**
 * The "ask for a person" button of free-text questions: the main dialog's "Talk to the help
 * desk" label, so the same words mean the same thing everywhere; {@link endIfEscaped} turns it
 * into a handoff.
 */
export const TALK_TO_PERSON = TALK_TO_HELPDESK;
/** Button on every free-text question: the main dialog's "cancel" interruption handles it. */
export const CANCEL_BUTTON = 'Cancel';
/**
 * The buttons of a free-text question: "Talk to the help desk" (the dialog ends with a
 * handoff) and "Cancel".
 */
export const TEXT_PROMPT_BUTTONS = [TALK_TO_PERSON, CANCEL_BUTTON];


/** At most this many result emails go to one address per hour, from both dialogs together. */
export const MAIL_PER_ADDRESS_LIMIT = 3;
/** The window of {@link MAIL_PER_ADDRESS_LIMIT}, in seconds. */
export const MAIL_PER_ADDRESS_WINDOW_SECONDS = 3600;

/** The email question of both dialogs. */
export const EMAIL_QUESTION = 'Which email address does UHS have on file for you? (For UMass students and employees it is usually the UMass email address.)';

/** A free-text question (Markdown) with `answers` (known answers as buttons) and the {@link TEXT_PROMPT_BUTTONS}. */
export function textQuestion(text: string, answers: string[] = []): Partial<Activity> {
  return markdown(text, [...answers, ...TEXT_PROMPT_BUTTONS]);
}

/**
 * The email question, offering the address the person gave earlier in the conversation (if
 * any) as a button, so they need not type it again.
 */
export function emailQuestion(context: TurnContext): Partial<Activity> {
  const known = latestEmail(factsOf(context));
  return known ? textQuestion(`${EMAIL_QUESTION}\n\nYou gave me ${known} earlier: tap it to use it again, or type another.`, [known]) : textQuestion(EMAIL_QUESTION);
}

/** Keeps the email the person gave (offered again later, and listed for the help desk). */
export function rememberEmail(context: TurnContext, email: string): void {
  remember(factsOf(context), 'emailsTried', email, 4);
}

/** Whether a free-text answer asks for a person: the "Talk to the help desk" button, clicked or typed. */
export function isTalkToPerson(value: unknown): boolean {
  const text = typeof value === 'object' && value !== null ? (value as { value?: unknown }).value : value;
  return typeof text === 'string' && isPersonRequest(text);
}

/**
 * A validator for free-text prompts: accepts the "Talk to the help desk" button as is; otherwise
 * runs `check`, which returns the normalised answer or the problem to show. The re-prompt says
 * what is wrong, then asks the question again with its buttons.
 */
export function textValidator(check: (text: string) => { ok: true; value: string } | { ok: false; problem: string }) {
  return async (prompt: PromptValidatorContext<string>): Promise<boolean> => {
    const text = prompt.recognized.succeeded ? (prompt.recognized.value ?? '') : '';
    if (isTalkToPerson(text)) return true;
    const result = check(text);
    if (result.ok) {
      prompt.recognized.value = result.value;
      return true;
    }
    const question = (prompt.options.prompt as Partial<Activity> | undefined)?.text ?? '';
    prompt.options.retryPrompt = textQuestion(`${result.problem}\n\n${question}`);
    return false;
  };
}

/** The email validator both dialogs use: syntax checked, trimmed, domain lower-cased. */
export const emailValidator = textValidator((text) => {
  const parsed = parseEmail(text);
  return parsed.ok ? { ok: true, value: parsed.email } : parsed;
});

/** A free-text prompt that re-asks at most twice (see `retryLimit.ts`). */
export function textPrompt(id: string, validator: (prompt: PromptValidatorContext<string>) => Promise<boolean>): TextPrompt {
  return new TextPrompt(id, limitRetries(validator));
}

/** The options of a Yes/No question: Markdown text; the re-ask names the buttons again. */
export function yesNoQuestion(question: string, retry: string): PromptOptions {
  return { prompt: markdown(question), retryPrompt: markdown(`Please choose Yes or No: ${retry}`) };
}

/** A Yes/No prompt with suggested-action buttons that re-asks at most twice. */
export function yesNoPrompt(id: string, offerPerson = true): YesNoPrompt {
  return new YesNoPrompt(id, limitRetries<boolean>(), offerPerson);
}

/** The chat note for an address outside umass.edu, or `null` for a UMass address. */
export function nonUmassNote(email: string): string | null {
  return isUmassEmail(email)
    ? null
    : "Note: that isn't a UMass address. If you are a UMass student or employee, UHS usually has your UMass email address on file, so if nothing arrives, try again with that one.";
}

/**
 * A SHA-256 hex digest: rate-limit keys never hold an email (or any id) in clear. The one-shot
 * `crypto.hash` (Node 20.12+) skips the Hash object `createHash` builds; this runs on every
 * request (the per-conversation limit), and the load profile showed that object.
 */
export function sha256(value: string): string {
  return crypto.hash('sha256', value, 'hex');
}

/** The rate-limit key of the result emails to one address (shared by both dialogs). */
export function mailRateKey(email: string): string {
  return `account-mail:email:${sha256(emailKey(email))}`;
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
  const key = sending ? mailRateKey(email) : `account-mail:miss:${sha256(emailKey(email))}`;
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

/**
 * The common check at the top of a step after a prompt: ends the dialog with a handoff when
 * the user gave up (re-prompt limit) or asked for a person, and returns `null` otherwise.
 * `prompt` names which question it was, for the case diagnostics.
 */
export async function endIfEscaped(step: WaterfallStepContext, dialogId: string, prompt: string, log: Log): Promise<DialogTurnResult | null> {
  if (isGaveUp(step.result)) {
    log.info({ event: 'reprompt-limit', dialog: dialogId, prompt });
    return step.endDialog(handoff(dialogId, 'reprompt-limit', { prompt }));
  }
  if (isTalkToPerson(step.result)) {
    return step.endDialog(handoff(dialogId, 'user-asked', { prompt }));
  }
  return null;
}

/** A handoff outcome of `dialogId`. */
export function handoff(dialogId: string, reason: Extract<DialogOutcome, { outcome: 'handoff' }>['reason'], diagnostics?: Record<string, unknown>): DialogOutcome {
  return { outcome: 'handoff', dialog: dialogId, reason, diagnostics };
}

/** The outcome of a dialog that did its job. */
export function done(dialogId: string): DialogOutcome {
  return { outcome: 'done', dialog: dialogId };
}
