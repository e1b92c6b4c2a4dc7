import type { AdaptiveCardInvokeValue } from 'botframework-schema';
import {
  TeamsActivityHandler,
  TurnContext,
  type ConversationState,
  type StatePropertyAccessor,
  ActivityTypes,
  type InvokeResponse,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { KnowledgeBase } from '../knowledge/types';
import type { MainDialog } from '../dialogs/mainDialog';
import { type ConversationMemory, emptyMemory, appendTranscript, BOT_LINE_LIMIT, USER_LINE_LIMIT } from '../dialogs/memory/conversationMemory';
import { isDataDeletionRequest } from '../dialogs/prompts/recognizer';
import { answerActivity, capabilitiesText, markdown, TOPIC_BUTTONS } from '../dialogs/prompts/replies';
import { redact } from '../dialogs/redact';
import { STI_TESTING_DIALOG } from '../dialogs/flows/stiTestingDialog';
import type { InsightsRecorder } from '../dialogs/ports';
import type { CaseService } from '../dialogs/cases/caseService';
import { noInsights } from '../dialogs/ports';
import { markTurnOutcome } from '../dialogs/turnOutcome';
import { REFUSED_UPLOAD_TYPE, refusalMessage, refusedUploads } from './uploadRefusals';
import { dropMalformedEntities } from './teams/entities';

/** The conversation-state property holding the dialog stack. */
export const DIALOG_STATE_PROPERTY = 'dialogState';
/** The conversation-state property holding {@link ConversationMemory}. */
export const MEMORY_PROPERTY = 'memory';

/** Flows whose answers are not recorded (the bot says so when it asks). */
const PRIVATE_FLOWS: ReadonlySet<string> = new Set([STI_TESTING_DIALOG]);
/** What the transcript keeps of a turn in a private flow. */
export const PRIVATE_ANSWER = '[answer not recorded]';

/**
 * How much of a bot reply is redacted before the transcript cuts it to {@link BOT_LINE_LIMIT}:
 * the kept part plus a margin wider than any date, so a date across the cut is still masked.
 * FAQ answers run to 2 KB and the redaction runs seven patterns, on every reply of every turn.
 */
const BOT_REDACT_LIMIT = BOT_LINE_LIMIT + 100;

/**
 * Teams staff features the bot delegates to (escalation channel, case actions, lookup).
 * Implemented in `bot/teams/`; absent outside Teams deployments and in most tests.
 */
export interface StaffHandler {
  /** Handles a staff command or card action; `true` when it did (the patient flow is skipped). */
  handleMessage(context: TurnContext): Promise<boolean>;
  /** Handles an `adaptiveCard/action` invoke, returning the invoke response body. */
  handleCardAction?(context: TurnContext): Promise<unknown>;
}

/** What the bot is built from (by `bot/index.ts`, or a test). */
export interface HelpDeskBotDeps {
  conversationState: ConversationState;
  mainDialog: MainDialog;
  knowledge: KnowledgeBase;
  /** Relays the patient's messages to staff while their case is claimed. */
  caseService: Pick<CaseService, 'relayToStaff'>;
  /** Records turns and emergencies shown (the dialogs record the rest); default: nothing. */
  insights?: InsightsRecorder;
  log: Logger;
  helpdeskEmail: string;
  staff?: StaffHandler;
  /**
   * Forgets the chat channel's own copy of a conversation (the local Direct Line keeps its
   * messages and files for the browser), for "delete my data"; `undefined` when the channel
   * keeps none here (Teams, Azure Direct Line). Default: none.
   */
  forgetChannelCopy?: (conversationId: string) => ChannelCopy | undefined;
}

/** What a chat channel's copy of a conversation held when it was forgotten. */
export interface ChannelCopy {
  activities: number;
  files: number;
}

/**
 * The bot: welcome, the emergency pre-check (before any FAQ or dialog logic), the redacted
 * transcript, relaying a patient's messages to staff while their case is claimed, and the
 * main dialog. State is saved at the end of every turn. When the state store is down, it
 * still answers FAQ questions, without multi-turn memory, and says so.
 */
export class HelpDeskBot extends TeamsActivityHandler {
  private readonly dialogState: StatePropertyAccessor;
  private readonly memory: StatePropertyAccessor<ConversationMemory>;

  constructor(private readonly deps: HelpDeskBotDeps) {
    super();
    this.dialogState = deps.conversationState.createProperty(DIALOG_STATE_PROPERTY);
    this.memory = deps.conversationState.createProperty<ConversationMemory>(MEMORY_PROPERTY);

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const joined = (context.activity.membersAdded ?? []).filter((m) => m.id !== botId);
      if (joined.length) {
        await context.sendActivity(markdown(capabilitiesText(deps.helpdeskEmail), TOPIC_BUTTONS));
      }
      await next();
    });
  }

  /**
   * Messages go straight to {@link handleMessage}: this is botbuilder's extension point for
   * them. Its default runs the `onMessage` handlers and then the `onDialog` ones through two
   * chains of async frames around what would be our one handler, which the load profile showed
   * on every turn (the load bench). So `onMessage`/`onDialog` handlers registered on this class would
   * not run: put message logic in `handleMessage`.
   */
  protected override async onMessageActivity(context: TurnContext): Promise<void> {
    await this.handleMessage(context);
  }

  /** The accessor of the conversation memory (tests and the Teams relay read it). */
  get memoryAccessor(): StatePropertyAccessor<ConversationMemory> {
    return this.memory;
  }

  override async run(context: TurnContext): Promise<void> {
    if (context.activity.type === ActivityTypes.Message || context.activity.type === ActivityTypes.ConversationUpdate) {
      try {
        await this.deps.conversationState.load(context);
      } catch (err) {
        this.deps.log.warn({ code: 'E_STATE_UNAVAILABLE', conversationId: context.activity.conversation?.id, err }, 'state store unavailable; answering without memory');
        await this.answerWithoutMemory(context);
        return;
      }
    }
    await super.run(context);
    try {
      await this.deps.conversationState.saveChanges(context);
    } catch (err) {
      this.deps.log.warn({ code: 'E_STATE_SAVE', conversationId: context.activity.conversation?.id, err }, 'state not saved');
    }
  }

  /**
   * botbuilder throws inside its own dispatch on an `adaptiveCard/action` invoke without an
   * `action` (the turn would fail and the state be cleared); answer such a malformed invoke 400.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const value = context.activity.value as { action?: unknown } | undefined;
    if (context.activity.name === 'adaptiveCard/action' && (typeof value !== 'object' || value === null || typeof value.action !== 'object' || value.action === null)) {
      return {
        status: 400,
        body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'The card action is missing.' } },
      };
    }
    return super.onInvokeActivity(context);
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext): Promise<import('botbuilder').AdaptiveCardInvokeResponse> {
    if (this.deps.staff?.handleCardAction) {
      const body = await this.deps.staff.handleCardAction(context);
      return body as import('botbuilder').AdaptiveCardInvokeResponse;
    }
    return super.onAdaptiveCardInvoke(context, context.activity.value as AdaptiveCardInvokeValue);
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    dropMalformedEntities(context.activity);
    if (context.activity.channelId === 'msteams') TurnContext.removeRecipientMention(context.activity);
    const text = (context.activity.text ?? '').trim();
    context.activity.text = text;

    const insights = this.deps.insights ?? noInsights;
    const conversationId = context.activity.conversation?.id ?? '';

    // Safety first: an emergency gets 911 and 988 whatever dialog is active, then the main
    // dialog acknowledges the person and offers to carry on (never resuming a flow silently).
    if (text && this.deps.knowledge.isEmergency(text)) {
      markTurnOutcome(context, 'emergency');
      await this.deps.mainDialog.answerEmergency(context, this.dialogState);
      insights.record({ kind: 'emergency', conversationId });
      insights.record({ kind: 'turn', conversationId, waitingIn: await this.waitingIn(context) });
      return;
    }

    if (this.deps.staff && (await this.deps.staff.handleMessage(context))) return;

    // "delete my data": before anything records this turn, so nothing of it is kept either.
    if (text && isDataDeletionRequest(text)) {
      await this.deleteConversationData(context);
      return;
    }

    const memory = await this.memory.get(context, emptyMemory());
    this.recordTranscript(context, memory, await this.inPrivateFlow(context));
    if (text && memory.openCaseId) await this.relayToStaff(memory.openCaseId, text, memory);
    // Files the channel could not keep (too large, too many): say why, whatever flow is active.
    const refusal = refusalMessage(refusedUploads(context.activity.attachments), this.deps.helpdeskEmail);
    if (refusal) {
      await context.sendActivity(markdown(refusal));
      const rest = (context.activity.attachments ?? []).filter((a) => a.contentType !== REFUSED_UPLOAD_TYPE);
      if (!text && rest.length === 0) return;
      context.activity.attachments = rest;
    }
    await this.deps.mainDialog.run(context, this.dialogState);
    insights.record({ kind: 'turn', conversationId, waitingIn: await this.waitingIn(context) });
  }

  /**
   * The flow a dialog waits in after this turn (the dialog under the root router), or `null` when
   * nothing waits: a conversation left waiting 30 minutes counts as abandoned.
   */
  private async waitingIn(context: TurnContext): Promise<string | null> {
    const state = (await this.dialogState.get(context)) as { dialogStack?: Array<{ id: string }> } | undefined;
    const stack = state?.dialogStack ?? [];
    return stack[1]?.id ?? stack[0]?.id ?? null;
  }

  /**
   * Whether the turn answers a flow whose answers the bot promises not to record (the STI
   * screening questions): its lines stay out of the transcript, replies included, since they
   * follow from the answer.
   */
  private async inPrivateFlow(context: TurnContext): Promise<boolean> {
    const saved = (await this.dialogState.get(context)) as { dialogStack?: Array<{ id?: string }> } | undefined;
    return (saved?.dialogStack ?? []).some((entry) => PRIVATE_FLOWS.has(entry.id ?? ''));
  }

  /**
   * Keeps a redacted transcript: the user's words as they arrive, and every reply the bot
   * sends. Email addresses are masked too: the reply address of a case is kept on its own, and
   * an address typed for an account check is nobody's business later.
   */
  private recordTranscript(context: TurnContext, memory: ConversationMemory, privateTurn: boolean): void {
    // One time for the whole turn: its lines are milliseconds apart, the help desk reads minutes,
    // and formatting a date per line showed in the load profile.
    const at = new Date().toISOString();
    if (privateTurn) {
      appendTranscript(memory, { from: 'user', text: PRIVATE_ANSWER, at });
      return;
    }
    const text = context.activity.text ?? '';
    const files = (context.activity.attachments ?? []).map((a) => `[attachment: ${a.name ?? a.contentType ?? 'file'}]`);
    // Cut before redacting, with a margin wider than any date, as for bot lines below.
    const said = [text, ...files].filter(Boolean).join(' ').slice(0, USER_LINE_LIMIT + 100);
    if (said) appendTranscript(memory, { from: 'user', text: redact(said, { emails: true }), at });
    context.onSendActivities(async (_ctx, activities, next) => {
      for (const a of activities) {
        if (a.type === ActivityTypes.Message && a.text) appendTranscript(memory, { from: 'bot', text: redact(a.text.slice(0, BOT_REDACT_LIMIT), { emails: true }), at });
      }
      return next();
    });
  }

  /**
   * Deletes what this conversation's state keeps (the transcript, the place in a flow, what the
   * person told the dialogs) and the chat channel's copy of its messages and files, and says
   * so, naming what it does not delete: an open case, kept by the help desk, which is deleted on
   * request to the help desk. The answer is sent after the channel's copy is gone, so it is the
   * one thing that copy holds afterwards.
   */
  private async deleteConversationData(context: TurnContext): Promise<void> {
    const memory = await this.memory.get(context, emptyMemory());
    const lines = memory.transcript.length;
    const caseId = memory.openCaseId;
    await this.deps.conversationState.delete(context);
    const conversationId = context.activity.conversation?.id;
    const channelCopy = conversationId ? this.deps.forgetChannelCopy?.(conversationId) : undefined;
    markTurnOutcome(context, 'answered');
    await context.sendActivity(markdown(dataDeletedText(lines, caseId, this.deps.helpdeskEmail, channelCopy), TOPIC_BUTTONS));
  }

  /** While a case is claimed, what the patient writes also reaches the staff member's thread. */
  private async relayToStaff(caseId: string, text: string, memory: ConversationMemory): Promise<void> {
    try {
      if (!(await this.deps.caseService.relayToStaff(caseId, redact(text)))) memory.openCaseId = null;
    } catch (err) {
      this.deps.log.warn({ code: 'E_RELAY_TO_STAFF', caseId, err }, 'patient message not relayed');
    }
  }

  /** Degraded mode: one FAQ answer from the knowledge base, and a note that memory is off. */
  private async answerWithoutMemory(context: TurnContext): Promise<void> {
    if (context.activity.type !== ActivityTypes.Message) return;
    const text = (context.activity.text ?? '').trim();
    const match = text ? this.deps.knowledge.match(text) : null;
    const intent = match && (match.kind === 'match' || match.kind === 'ambiguous' || match.kind === 'emergency') ? match.intent : null;
    const entry = intent ? this.deps.knowledge.get(intent) : undefined;
    markTurnOutcome(context, intent === 'emergency' ? 'emergency' : entry ? 'answered' : 'miss');
    if (entry) {
      await context.sendActivity(answerActivity(entry));
    } else {
      await context.sendActivity(markdown(`Sorry, I didn't understand that. You can also email the help desk at ${this.deps.helpdeskEmail}.`, TOPIC_BUTTONS));
    }
    await context.sendActivity(
      markdown(
        `Note: I'm having trouble remembering our conversation right now, so I can answer questions but can't walk you through steps or open a case. If you need a person, email ${this.deps.helpdeskEmail}.`,
      ),
    );
  }
}

/** `n` and the noun, singular or plural. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The answer to "delete my data": what was deleted, and what was not and how to have it deleted. */
export function dataDeletedText(transcriptLines: number, caseId: string | null, helpdeskEmail: string, channelCopy?: ChannelCopy): string {
  const copy = channelCopy
    ? `, and the chat service's copy of this conversation (${count(channelCopy.activities, 'message')}${channelCopy.files ? `, ${count(channelCopy.files, 'uploaded file')}` : ''})`
    : '';
  const deleted = `Done. I deleted what I kept about this conversation: its transcript (${count(transcriptLines, 'line')}), where we were in any step, and what you told me in them${copy}. I will not remember them from now on.`;
  const kept = caseId
    ? ` Your help-desk case ${caseId} is kept by the help desk; to have it deleted too, email ${helpdeskEmail} and mention the case number.`
    : '';
  return `${deleted}${kept}`;
}
