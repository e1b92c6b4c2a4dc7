import { ActivityTypes, TurnContext, type Activity, type Transcript } from 'botbuilder-core';
import {
  TextPrompt,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
// The handoff event factory lives in the `botbuilder` package; importing its module directly
// keeps the rest of that package (CloudAdapter, HTTP) out of the transport-free dialogs layer.
import { EventFactory } from 'botbuilder/lib/eventFactory';
import type { CaseRecord, NewCase, TranscriptLine } from '../ports';
import type { DialogServices } from '../services';
import { redact } from '../redact';
import { redactDiagnostics } from './caseRecords';
import { composeEscalationEmail } from './escalationEmail';
import { parseBusinessHours, replyExpectation, type BusinessHours } from './businessHours';
import { PendingEscalations } from './pendingEscalations';
import { isGaveUp, limitRetries } from '../prompts/retryLimit';
import { parseEmail } from '../prompts/validation';
import { errorCode } from '../errorCode';
import { markdown } from '../prompts/replies';
import { CANCEL_BUTTON, yesNoPrompt } from '../prompts/textPrompts';
import { sha256 } from '../hash';
import { FlowDialog } from '../flows/flowHelpers';
import { isReluctantToExplain, isUninformative } from '../prompts/recognizer';
import type { HandoffTrigger } from './handoffTrigger';

/** Id of {@link HandoffDialog}. */
export const HANDOFF_DIALOG = 'handoffDialog';
/** Id of the description prompt. */
export const HANDOFF_DESCRIPTION_PROMPT = 'handoffDialog.description';
/** Id of the reply-email prompt. */
export const HANDOFF_EMAIL_PROMPT = 'handoffDialog.email';
/** Id of the transcript-consent prompt. */
export const HANDOFF_CONSENT_PROMPT = 'handoffDialog.consent';

/** The button that leaves the reply email out. */
export const SKIP_EMAIL = 'Skip';
/** Longest description accepted, in characters: a few sentences, not a document. */
export const MAX_DESCRIPTION_LENGTH = 1000;
/** Transcript lines carried into a case (the newest). */
export const CASE_TRANSCRIPT_LINES = 30;
/** The topic when neither the caller nor the intent names one. */
export const DEFAULT_TOPIC = 'Portal help';
/** New cases one client (channel and user id) may open per {@link CLIENT_CASE_WINDOW_SECONDS}. */
export const CLIENT_CASES_PER_WINDOW = 3;
/** The window of {@link CLIENT_CASES_PER_WINDOW}: an hour. */
export const CLIENT_CASE_WINDOW_SECONDS = 3600;
/** The summary stored when the patient gave no usable description. */
export const NO_DESCRIPTION = '(the patient did not give a description)';

/** The button that leaves the reply email out after the warning that nobody can then reply. */
export const SKIP_ANYWAY = 'Skip anyway';
/** Answers to the email question that mean "no email" besides the Skip button. */
const SKIP_WORDS = new Set(['skip', 'skip anyway', 'no', 'none', 'no thanks', 'no email', 'nope', 'n/a', 'nah', 'no thank you', "i'd rather not", 'rather not', 'dont have one', "don't have one"]);
/** The re-ask when a description says nothing about the problem. */
export const DESCRIPTION_AGAIN =
  'Could you tell me a little more, so the help desk can act on it? For example: what were you trying to do on the portal, and what happened (the error message, if there was one)?';
/** The reply to "I don't want to explain this to a bot": no more questions about the problem. */
export const RELUCTANT_REPLY =
  "That's fine, you don't have to explain it to me. I'll pass on what we've covered in this chat, and a person at the help desk will take it from there.";
/** The warning when the person leaves no way to reply. */
export const NO_REPLY_WARNING =
  "If you skip this, nobody at the help desk will be able to answer you once you leave this chat: they reply by email. What email address should they reply to?";

export type { HandoffTrigger } from './handoffTrigger';

/** What the main dialog passes when it starts the handoff. */
export interface HandoffOptions {
  trigger: HandoffTrigger;
  /** The last matched intent, or `null`. */
  intent: string | null;
  /** Topic for the email subject; by default the intent's label. */
  topic?: string;
  /** Diagnostics from a troubleshooting dialog (no dates of birth; redacted again here anyway). */
  diagnostics?: Record<string, unknown>;
  /** The dialog that handed over, when one did. */
  failedDialog?: string;
  /** Intent ids of the last answers shown. */
  lastAnswers?: string[];
  /** The conversation so far, already redacted by the caller (the newest ~30 lines are used). */
  transcript: TranscriptLine[];
  /** An email address the person already gave in this conversation, offered as the reply address. */
  knownEmail?: string;
}

/** What the handoff dialog ends with. */
export interface HandoffResult {
  caseId: string;
}

/** Construction options of {@link HandoffDialog}. */
export interface HandoffDialogOptions {
  /** The fallback queue for when Redis is down (default: one owned by this dialog). */
  pending?: PendingEscalations;
}

/** What the waterfall keeps between steps. */
interface HandoffValues {
  description?: string;
  replyEmail?: string | null;
}

/**
 * Hands the conversation to the UHS help desk. Asks for a short description, an optional
 * email to reply to, and consent to include the conversation; then creates the case, queues
 * the escalation email in the durable outbox (never the mailer directly, so it is never lost),
 * tells staff (Teams), emits botbuilder's `handoff.initiate` event for live-agent hubs, and
 * gives the user the case number, what happens next and when. Ends with {@link HandoffResult}.
 *
 * Redis down: the user still gets a case number (see {@link PendingEscalations}).
 */
export class HandoffDialog extends FlowDialog {
  /** The fallback queue; the composition root closes it on shutdown. */
  readonly pending: PendingEscalations;
  private readonly hours: BusinessHours;
  /** The case step in progress per conversation: a burst of requests is handled one at a time. */
  private readonly inProgress = new Map<string, Promise<unknown>>();

  constructor(
    private readonly services: DialogServices,
    options: HandoffDialogOptions = {},
  ) {
    super(HANDOFF_DIALOG);
    this.pending = options.pending ?? new PendingEscalations(services.caseService, services.log);
    this.hours = parseBusinessHours(services.settings.businessHours, services.settings.businessTimezone);
    this.addDependency(new TextPrompt(HANDOFF_DESCRIPTION_PROMPT, limitRetries(descriptionValidator)));
    this.addDependency(new TextPrompt(HANDOFF_EMAIL_PROMPT, limitRetries(replyEmailValidator)));
    this.addDependency(yesNoPrompt(HANDOFF_CONSENT_PROMPT, false));
    this.setSteps([this.askDescriptionStep.bind(this), this.askEmailStep.bind(this), this.askConsentStep.bind(this), this.createCaseStep.bind(this)]);
  }

  private async askDescriptionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt(HANDOFF_DESCRIPTION_PROMPT, {
      prompt: markdown(
        "I'll pass this to the UHS help desk, where a person can look into it. In a sentence or two, what is the problem? (Please don't include your date of birth or other ID numbers.)",
        [CANCEL_BUTTON],
      ),
    });
  }

  private async askEmailStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as HandoffOptions;
    const said = isGaveUp(step.result) ? '' : String(step.result);
    const reluctant = !!said && isReluctantToExplain(said);
    // Asked once more already, or they'd rather not explain to a bot: what the dialogs know
    // stands in for a description that says nothing.
    values(step).description = !said || reluctant || isUninformative(said) ? describeFromContext(options, said, (id) => this.services.knowledge.get(id)?.label) : said;
    if (reluctant) await step.context.sendActivity(markdown(RELUCTANT_REPLY));
    const known = options.knownEmail;
    return step.prompt(HANDOFF_EMAIL_PROMPT, {
      prompt: known
        ? markdown(`What email address should the help desk reply to? You gave me ${known} earlier: tap it to use it, or type another.`, [known, SKIP_EMAIL])
        : markdown('What email address should the help desk reply to? You can also skip this.', [SKIP_EMAIL]),
    });
  }

  private async askConsentStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isGaveUp(step.result)) {
      await step.context.sendActivity("I'll go on without an email address.");
      values(step).replyEmail = null;
    } else {
      values(step).replyEmail = step.result === SKIP_EMAIL ? null : String(step.result);
    }
    return step.prompt(HANDOFF_CONSENT_PROMPT, {
      prompt: 'May I include this conversation with your request? It helps the help desk understand the problem. Dates of birth and ID numbers are masked.',
      retryPrompt: 'Please choose Yes or No: may I include this conversation with your request?',
    });
  }

  /**
   * At most one open case per conversation, and a few new cases per client and hour, so one
   * chat cannot flood the help desk: a request while a case is open is added to that case.
   */
  private async createCaseStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const conversationId = step.context.activity.conversation?.id ?? '';
    const previous = this.inProgress.get(conversationId) ?? Promise.resolve();
    const current = previous.then(() => this.createOrAddStep(step));
    const settled = current.catch(() => undefined);
    this.inProgress.set(conversationId, settled);
    void settled.then(() => {
      if (this.inProgress.get(conversationId) === settled) this.inProgress.delete(conversationId);
    });
    return current;
  }

  private async createOrAddStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const open = await this.openCaseOf(step.context);
    if (open) return this.addToOpenCase(step, open);
    if (!(await this.clientMayOpen(step.context))) {
      await step.context.sendActivity(
        `You've already sent several requests to the help desk in the last hour, so I haven't opened another one. They will answer the requests you sent; if it's urgent, email ${this.services.settings.helpdeskEmail}.`,
      );
      return step.endDialog();
    }
    return this.newCaseStep(step);
  }

  /** The conversation's open case, or `null` (also when the store cannot say). */
  private async openCaseOf(context: TurnContext): Promise<CaseRecord | null> {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) return null;
    try {
      return await this.services.caseService.findOpenByConversation(conversationId);
    } catch {
      return null;
    }
  }

  /** Counts a new case against the client's limit; admits when the limiter fails. */
  private async clientMayOpen(context: TurnContext): Promise<boolean> {
    const client = `${context.activity.channelId}:${context.activity.from?.id ?? ''}`;
    try {
      const decision = await this.services.rateLimiter.consume(`handoff:client:${sha256(client)}`, CLIENT_CASES_PER_WINDOW, CLIENT_CASE_WINDOW_SECONDS);
      return decision.allowed;
    } catch (err) {
      this.services.log.warn({ event: 'handoff-limit-failed', code: errorCode(err) }, 'handoff limiter failed; case admitted');
      return true;
    }
  }

  /** A second request while a case is open: its description joins that case; no new email. */
  private async addToOpenCase(step: WaterfallStepContext, open: CaseRecord): Promise<DialogTurnResult> {
    const { description } = values(step);
    const record = await this.services.caseService.addPatientMessage(open.id, redact(description ?? NO_DESCRIPTION));
    this.services.log.info({ event: 'handoff-added', caseId: open.id, added: Boolean(record) });
    await step.context.sendActivity(
      markdown(`You already have an open case with the help desk, **${open.id}**. I've added this to it, so there's no need to ask again: they will reply about it.`),
    );
    const result: HandoffResult = { caseId: open.id };
    return step.endDialog(result);
  }

  private async newCaseStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as HandoffOptions;
    // Giving up on the consent question means no: privacy is the default.
    const consent = step.result === true;
    const { description, replyEmail } = values(step);
    const now = this.services.now();
    const input = this.newCase(step.context, options, description ?? NO_DESCRIPTION, replyEmail ?? null, consent);

    const { record, mail, stored, queued } = await this.services.caseService.open(input, (r) => composeEscalationEmail(r, this.services.settings));
    if (!stored || !queued) {
      this.pending.add({ id: record.id, input, createdAt: now, mail, needsCase: !stored, needsMail: !queued });
    }
    this.services.log.info({ event: 'handoff', caseId: record.id, trigger: options.trigger, stored, queued, consent, withEmail: !!replyEmail });

    await step.context.sendActivity(markdown(this.confirmation(record, now)));
    await this.sendHandoffEvent(step.context, record, options.trigger);
    const result: HandoffResult = { caseId: record.id };
    return step.endDialog(result);
  }

  /** The case as the dialog hands it to the store: everything from the chat redacted. */
  private newCase(context: TurnContext, options: HandoffOptions, description: string, replyEmail: string | null, consent: boolean): NewCase {
    const intentLabel = options.intent ? this.services.knowledge.get(options.intent)?.label : undefined;
    const diagnostics: Record<string, unknown> = { trigger: options.trigger };
    if (options.failedDialog) diagnostics.failedDialog = options.failedDialog;
    if (options.lastAnswers?.length) diagnostics.lastAnswers = options.lastAnswers;
    return {
      topic: options.topic ?? intentLabel ?? topicFromDescription(description) ?? DEFAULT_TOPIC,
      intent: options.intent ?? null,
      summary: redact(description),
      replyEmail,
      transcriptConsent: consent,
      diagnostics: redactDiagnostics({ ...diagnostics, ...(options.diagnostics ?? {}) }),
      transcript: consent ? (options.transcript ?? []).slice(-CASE_TRANSCRIPT_LINES).map((line) => ({ ...line, text: redact(line.text) })) : [],
      conversationReference: TurnContext.getConversationReference(context.activity),
    };
  }

  /**
   * botbuilder's `handoff.initiate` event, with the transcript when the user agreed, so a
   * channel with a live-agent hub can take over. Channels without one ignore it; a channel
   * that refuses event activities must not fail the handoff.
   */
  private async sendHandoffEvent(context: TurnContext, record: CaseRecord, trigger: HandoffTrigger): Promise<void> {
    const handoffContext = { caseId: record.id, topic: record.topic, intent: record.intent, trigger, summary: record.summary };
    const transcript = record.transcriptConsent ? toBotTranscript(record, context) : undefined;
    try {
      await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContext, transcript));
    } catch (err) {
      this.services.log.warn({ event: 'handoff-event-failed', caseId: record.id, code: errorCode(err) }, 'channel refused the handoff event');
    }
  }

  /** The message with the case number, what happens next, and when. */
  private confirmation(record: CaseRecord, now: Date): string {
    const helpdesk = this.services.settings.helpdeskEmail;
    const next = record.replyEmail
      ? `A person at the help desk will read your request and reply to ${record.replyEmail}.`
      : `A person at the help desk will read your request. Since you didn't leave an email address, a reply can only reach you here while this chat is open; you can also email ${helpdesk} and quote your case number.`;
    return [
      `Thank you. I've passed this to the UHS help desk. Your case number is **${record.id}**.`,
      next,
      replyExpectation(now, this.hours, this.services.settings.replyWithinHours ?? null),
    ].join('\n\n');
  }
}

function values(step: WaterfallStepContext): HandoffValues {
  return step.values;
}

/**
 * Re-asks with what is wrong. Accepts a non-empty description up to
 * {@link MAX_DESCRIPTION_LENGTH} characters, trimmed.
 */
async function descriptionValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
  const text = (prompt.recognized.value ?? '').trim();
  // Not asked again of someone who would rather not explain it to a bot: the case says what is known.
  if (text && isReluctantToExplain(text)) {
    prompt.recognized.value = text;
    return true;
  }
  if (text && prompt.attemptCount <= 1 && isUninformative(text)) {
    // Asked once more; the second answer is taken whatever it says (the case is filled from the conversation).
    prompt.options.retryPrompt = markdown(DESCRIPTION_AGAIN, [CANCEL_BUTTON]);
    return false;
  }
  if (text && text.length <= MAX_DESCRIPTION_LENGTH) {
    prompt.recognized.value = text;
    return true;
  }
  const problem = text
    ? `That's a bit long: please keep it under ${MAX_DESCRIPTION_LENGTH} characters. A sentence or two is enough; the help desk will ask for more if needed.`
    : 'Please type a short description of the problem, for example "my upload keeps failing".';
  prompt.options.retryPrompt = markdown(problem, [CANCEL_BUTTON]);
  return false;
}

/** Accepts Skip (button or a word like "no"), or a valid email address, normalised. */
async function replyEmailValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
  const text = (prompt.recognized.value ?? '').trim();
  if (SKIP_WORDS.has(text.toLowerCase().replace(/[.!]+$/, ''))) {
    if (prompt.attemptCount <= 1 && text.toLowerCase() !== SKIP_ANYWAY.toLowerCase()) {
      // Said plainly once: without an address nobody can answer them; then the choice is theirs.
      const known = (prompt.options.prompt as Partial<Activity> | undefined)?.suggestedActions?.actions?.map((a) => String(a.title)).filter((t) => t.includes('@')) ?? [];
      prompt.options.retryPrompt = markdown(NO_REPLY_WARNING, [...known, SKIP_ANYWAY]);
      return false;
    }
    prompt.recognized.value = SKIP_EMAIL;
    return true;
  }
  const parsed = parseEmail(text);
  if (parsed.ok) {
    prompt.recognized.value = parsed.email;
    return true;
  }
  prompt.options.retryPrompt = markdown(`${parsed.problem} Or choose ${SKIP_EMAIL}.`, [SKIP_EMAIL]);
  return false;
}

/**
 * A description made from what the conversation established, for when the person's own words
 * say nothing about the problem ("help", "it doesn't work"): the topic, the steps tried, the
 * latest file check, and their words as they were.
 */
export function describeFromContext(options: HandoffOptions, said: string, labelOf: (intent: string) => string | undefined): string {
  const parts: string[] = [];
  const topic = options.topic ?? (options.intent ? labelOf(options.intent) : undefined);
  if (topic) parts.push(`Topic: ${topic}`);
  const diagnostics = options.diagnostics ?? {};
  const tried = diagnostics.stepsTried;
  if (Array.isArray(tried) && tried.length) parts.push(`Steps tried: ${tried.join('; ')}`);
  const text = (value: unknown, fallback: string): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : fallback);
  const file = diagnostics.latestFileCheck as { name?: unknown; ok?: unknown; problems?: unknown } | undefined;
  if (file && typeof file === 'object') {
    const problems = Array.isArray(file.problems) && file.problems.length ? file.problems.map((p) => text(p, '?')).join(', ') : 'no problem found';
    parts.push(`Latest file check: ${text(file.name, 'a file')} (${problems})`);
  }
  const upload = diagnostics.upload as { fileName?: unknown; problems?: Array<{ code?: unknown }> } | undefined | null;
  if (!file && upload && typeof upload === 'object') {
    const codes = (upload.problems ?? []).map((p) => text(p.code, '?')).join(', ');
    parts.push(`File checked: ${text(upload.fileName, 'a file')}${codes ? ` (${codes})` : ''}`);
  }
  if (diagnostics.tipsTried !== undefined) parts.push(`Tips tried in the chat: ${text(diagnostics.tipsTried, '?')}`);
  if (!parts.length) return said ? `${NO_DESCRIPTION} The patient wrote: "${said}"` : NO_DESCRIPTION;
  return `${parts.join('. ')}.${said ? ` The patient wrote: "${said}"` : ''} (Filled in by the bot: the patient's description did not say what the problem was.)`;
}

/** A topic from the description's first words, for a case with no known topic (never the generic one). */
function topicFromDescription(description: string): string | undefined {
  if (!description || description.startsWith(NO_DESCRIPTION) || description.startsWith('Topic: ')) {
    const topic = /^Topic: ([^.]+)\./.exec(description)?.[1];
    return topic;
  }
  const line = redact(description).replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 57).replace(/\s+\S*$/, '')}...` : line;
}

/** The case transcript as a botbuilder {@link Transcript} of message activities. */
export function toBotTranscript(record: CaseRecord, context: TurnContext): Transcript {
  const user = context.activity.from;
  const bot = context.activity.recipient;
  const activities = record.transcript.map(
    (line, i) =>
      ({
        type: ActivityTypes.Message,
        id: `${record.id}-${i + 1}`,
        text: line.text,
        timestamp: new Date(line.at),
        from: line.from === 'user' ? { ...user, role: 'user' } : { ...bot, role: 'bot' },
        recipient: line.from === 'user' ? bot : user,
        conversation: context.activity.conversation,
        channelId: context.activity.channelId,
      }) as Activity,
  );
  return { activities };
}
