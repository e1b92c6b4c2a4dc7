import { ActivityTypes, TurnContext, type AdaptiveCardInvokeResponse } from 'botbuilder';
import { z } from 'zod';
import type { CaseRecord, CaseStore, Log, PortalDirectory } from '../../dialogs/ports';
import type { CaseService } from '../../dialogs/cases/caseService';
import { CaseActions, type CaseActionResult } from './caseActions';
import { CASE_CARD_VERBS, REPLY_INPUT_ID, caseCardContent } from './caseCard';
import { ESCALATION_CHANNEL_SETTING, escalationChannelFrom } from './escalationChannel';
import { normalizeTeamsText, parseStaffCommand, USE_CHANNEL_COMMAND, type StaffCommand } from './staffCommands';
import { StaffLookup } from './staffLookup';
import { MISS_REPLY, TOPIC_BUTTONS, markdown } from '../../dialogs/prompts/replies';
import { dropMalformedEntities } from './entities';
import { StaffPolicy, staffMemberOf, type StaffMember } from './staffPolicy';
import { isInsightsVerb, type StaffInsights } from './staffInsights';

/** What {@link TeamsStaff} needs; `bot/index.ts` builds it from the configuration and the adapters. */
export interface TeamsStaffOptions {
  /** Reads cases and keeps settings (the escalation channel, the lookup access log). */
  cases: CaseStore;
  /** Claim, reply and resolve: every change to a case, with its card update and patient message. */
  caseService: CaseService;
  /** For the staff account lookup. */
  directory: PortalDirectory;
  /** The help desk's address (HELPDESK_EMAIL), in the answer to anyone who may not look up. */
  helpdeskEmail: string;
  log: Log;
  /** `MicrosoftAppTenantId`: members of this Teams tenant are staff. */
  tenantId: string | undefined;
  /** `STAFF_AAD_IDS`: who may use the portal account lookup. */
  staffAadIds: readonly string[];
  /** Whether requests are authenticated (`MicrosoftAppId` set); without it nobody is staff. */
  authenticated: boolean;
  /** The insights digest and the learning loop's review cards; absent: those commands say so. */
  insights?: StaffInsights;
  now?: () => Date;
}

/**
 * The answer to the lookup command for anyone who may not use it: the bot's reply to a message
 * it does not understand, word for word and with the same buttons, so that it does not even
 * reveal that a lookup exists.
 */
export const LOOKUP_REFUSAL = MISS_REPLY;

/** The invoke response type that replaces the clicked card (Teams Universal Actions). */
const CARD_RESPONSE_TYPE = 'application/vnd.microsoft.card.adaptive';
/** The invoke response type that shows a short message to the person who clicked. */
const MESSAGE_RESPONSE_TYPE = 'application/vnd.microsoft.activity.message';

/** What a card button sends: checked, because an invoke's `value` is client input. */
const cardActionSchema = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.enum([CASE_CARD_VERBS.claim, CASE_CARD_VERBS.reply, CASE_CARD_VERBS.resolve]),
    data: z.looseObject({
      caseId: z.string().min(1).max(64),
      [REPLY_INPUT_ID]: z.string().max(4000).optional(),
    }),
  }),
});

/**
 * Microsoft Teams for the help-desk staff. The bot class delegates to it:
 * - every message first goes to {@link handleMessage}, which answers staff commands (and refuses
 *   the lookup to anyone else) and returns `false` for everything else, which the main dialog answers;
 * - `onAdaptiveCardInvoke` returns {@link handleCardAction}, for the case card's buttons.
 */
export class TeamsStaff {
  private readonly policy: StaffPolicy;
  private readonly actions: CaseActions;
  private readonly lookup: StaffLookup;
  private readonly now: () => Date;
  private warnedUnconfigured = false;

  constructor(private readonly options: TeamsStaffOptions) {
    this.now = options.now ?? (() => new Date());
    this.policy = new StaffPolicy(options.tenantId, options.staffAadIds, options.authenticated);
    this.actions = new CaseActions(options.caseService, options.log);
    this.lookup = new StaffLookup(options.directory, options.cases, options.log, this.now);
  }

  /**
   * Handles a staff command in a message, with the bot's @mention removed. Returns `true` when
   * it answered. Call it for every message on every channel: outside Teams it only ever
   * answers the lookup command (with a refusal), so patients' messages pass through untouched.
   */
  async handleMessage(context: TurnContext): Promise<boolean> {
    const activity = context.activity;
    if (activity.type !== ActivityTypes.Message || typeof activity.text !== 'string') return false;
    dropMalformedEntities(activity);
    const text = activity.recipient ? TurnContext.removeRecipientMention(activity) ?? activity.text : activity.text;
    const command = parseStaffCommand(normalizeTeamsText(text));
    if (!command) return false;

    if (command.kind === 'lookup') {
      if (!this.policy.mayLookUp(activity)) {
        this.options.log.info({ event: 'staff-lookup-refused', channelId: activity.channelId }, 'lookup refused');
        await context.sendActivity(markdown(LOOKUP_REFUSAL, TOPIC_BUTTONS));
        return true;
      }
      await context.sendActivity(await this.lookup.lookup(command.email, command.dob, staffMemberOf(activity)));
      return true;
    }
    if (!this.policy.isStaff(activity)) {
      this.warnIfUnconfigured(activity.channelId);
      return false;
    }
    if (command.kind === 'insights' || command.kind === 'review') {
      await this.insightsCommand(context, command.kind);
      return true;
    }
    await context.sendActivity(await this.runCommand(context, command, staffMemberOf(activity)));
    return true;
  }

  /** `insights`: the digest card; `unanswered`: the review cards of the learning loop. */
  private async insightsCommand(context: TurnContext, kind: 'insights' | 'review'): Promise<void> {
    const insights = this.options.insights;
    if (!insights) {
      await context.sendActivity('Insights are not available on this bot.');
      return;
    }
    if (kind === 'insights') {
      await context.sendActivity({ attachments: [await insights.digest()] });
      return;
    }
    const cards = await insights.reviewCards();
    if (!cards.length) await context.sendActivity('No unanswered questions to review.');
    for (const card of cards) await context.sendActivity({ attachments: [card] });
  }

  /**
   * Handles an `adaptiveCard/action` invoke from a case card (Claim, Reply, Resolve). On
   * success the response is the updated card, which Teams shows in place of the clicked one;
   * the notifier also updates the posted card for everyone else.
   */
  async handleCardAction(context: TurnContext): Promise<AdaptiveCardInvokeResponse> {
    if (this.options.insights && isInsightsVerb(context.activity.value)) {
      if (!this.policy.isStaff(context.activity)) {
        this.warnIfUnconfigured(context.activity.channelId);
        return messageResponse('Only the UHS help-desk team can review unanswered questions.');
      }
      const result = await this.options.insights.handleCardAction(context.activity.value, staffMemberOf(context.activity));
      for (const card of result.post) await context.sendActivity({ attachments: [card] });
      return result.response;
    }
    const parsed = cardActionSchema.safeParse(context.activity.value);
    if (!parsed.success) {
      return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'Unknown card action' } };
    }
    if (!this.policy.isStaff(context.activity)) {
      this.warnIfUnconfigured(context.activity.channelId);
      return messageResponse('Only the UHS help-desk team can work on cases.');
    }
    const { verb, data } = parsed.data.action;
    const staff = staffMemberOf(context.activity);
    let result: CaseActionResult;
    switch (verb) {
      case CASE_CARD_VERBS.claim:
        result = await this.actions.claim(data.caseId, staff);
        break;
      case CASE_CARD_VERBS.reply:
        result = await this.actions.reply(data.caseId, staff, data[REPLY_INPUT_ID] ?? '');
        break;
      case CASE_CARD_VERBS.resolve:
        result = await this.actions.resolve(data.caseId, staff);
        break;
    }
    return result.ok ? cardResponse(result.record) : messageResponse(result.message);
  }

  private async runCommand(context: TurnContext, command: Exclude<StaffCommand, { kind: 'lookup' | 'insights' | 'review' }>, staff: StaffMember): Promise<string> {
    switch (command.kind) {
      case 'help':
        return this.helpText(context);
      case 'cases':
        return this.casesText();
      case 'use-channel':
        return this.useChannel(context, staff);
      case 'claim':
        return command.caseId ? (await this.actions.claim(command.caseId, staff)).message : 'Usage: claim <case number>, for example claim UHS-7K3Q9D';
      case 'resolve':
        return command.caseId ? (await this.actions.resolve(command.caseId, staff)).message : 'Usage: resolve <case number>, for example resolve UHS-7K3Q9D';
    }
  }

  private async useChannel(context: TurnContext, staff: StaffMember): Promise<string> {
    if (context.activity.conversation.conversationType !== 'channel') {
      return `Send "${USE_CHANNEL_COMMAND}" in the team channel that should receive the cases, mentioning me there.`;
    }
    await this.options.cases.setSetting(ESCALATION_CHANNEL_SETTING, escalationChannelFrom(context.activity, staff.name, this.now()));
    this.options.log.info({ event: 'escalation-channel-set', staff: staff.aadObjectId }, 'Teams escalation channel chosen');
    return 'Done: new help-desk cases will be posted in this channel as cards you can claim, reply to and resolve.';
  }

  private async casesText(): Promise<string> {
    const [open, claimed] = await Promise.all([this.options.cases.list({ status: 'open', limit: 20 }), this.options.cases.list({ status: 'claimed', limit: 20 })]);
    const all = [...open, ...claimed].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    if (all.length === 0) return 'No open cases.';
    const line = (c: CaseRecord) => `- **${c.id}** · ${c.topic} · ${c.status === 'claimed' ? `claimed by ${c.claimedBy}` : 'open'}`;
    return `Open cases (${all.length}):\n\n${all.map(line).join('\n')}`;
  }

  private helpText(context: TurnContext): string {
    const lines = [
      'Help-desk commands:',
      '- **cases**: list the open cases',
      '- **claim** <case number>: take a case',
      '- **resolve** <case number>: close a case and ask the patient whether it is solved',
      '- **insights**: what the bot did in the last seven days, against the week before',
      '- **unanswered**: review questions the bot could not answer, and teach it the answer',
      `- **${USE_CHANNEL_COMMAND}** (in a team channel): post new cases there`,
    ];
    if (this.policy.mayLookUp(context.activity)) lines.push('- **lookup** <email> <MM/DD/YYYY>: portal account status of a caller (logged)');
    lines.push('', 'Use the buttons on a case card to claim, reply or resolve. Anything else you ask, I answer like any portal question.');
    return lines.join('\n');
  }

  /** Without `MicrosoftAppTenantId` (or authentication) nobody is staff; say so once instead of silently ignoring commands. */
  private warnIfUnconfigured(channelId: string): void {
    if (this.policy.configured || this.warnedUnconfigured || channelId !== 'msteams') return;
    this.warnedUnconfigured = true;
    this.options.log.warn({ code: 'E_NO_STAFF_TENANT' }, 'Teams staff commands are off: MicrosoftAppTenantId or MicrosoftAppId is not set');
  }
}

function cardResponse(record: CaseRecord): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: CARD_RESPONSE_TYPE, value: caseCardContent(record) };
}

function messageResponse(text: string): AdaptiveCardInvokeResponse {
  // Teams expects the message as a bare string here; botframework-schema types `value` as an object.
  return { statusCode: 200, type: MESSAGE_RESPONSE_TYPE, value: text as unknown as Record<string, unknown> };
}
