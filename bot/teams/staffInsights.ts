import type { AdaptiveCardInvokeResponse, Attachment } from 'botbuilder';
import { z } from 'zod';
import type { CaseStore, Log } from '../../dialogs/ports';
import { EMERGENCY_INTENT } from '../../knowledge/intents';
import type { SqlDatabase } from '../db/database';
import { getSetting } from '../adapters/sqlCaseStore';
import { insightsDetails } from '../insights/report';
import { normalizePhrasing, PhrasingGuard, type LiveKnowledge, type PhrasingRefresher, type PhrasingStore } from '../insights/approvedPhrasings';
import { unansweredGroups, unansweredTexts, type UnansweredGroup } from '../insights/unansweredGroups';
import { decidedCard, digestCard, INSIGHTS_VERBS, INTENT_INPUT_ID, reviewCard, type IntentChoice, type Suggestion } from './insightsCards';
import type { ConversationMessenger } from './conversationMessenger';
import { loadEscalationChannel } from './escalationChannel';
import type { StaffMember } from './staffPolicy';

const DAY_MS = 24 * 3600 * 1000;
/** How far back the review looks: as far as unanswered texts are kept. */
const REVIEW_DAYS = 90;
/** Review cards posted per request. */
const REVIEW_CARDS = 5;

/** What {@link StaffInsights} needs (built by `bot/index.ts`). */
export interface StaffInsightsOptions {
  db: SqlDatabase;
  knowledge: LiveKnowledge;
  store: PhrasingStore;
  refresher: PhrasingRefresher;
  guard?: PhrasingGuard;
  /** BUSINESS_TIMEZONE: days and weeks of the digest. */
  timeZone: string;
  log: Log;
  now?: () => Date;
}

/** What an insights card button sends: checked, because an invoke's `value` is client input. */
const actionSchema = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.enum([INSIGHTS_VERBS.review, INSIGHTS_VERBS.approve, INSIGHTS_VERBS.outOfScope, INSIGHTS_VERBS.undo]),
    data: z.looseObject({
      ids: z.array(z.number().int().positive()).max(500).optional(),
      decisionIds: z.array(z.number().int().positive()).max(50).optional(),
      [INTENT_INPUT_ID]: z.string().max(100).optional(),
    }),
  }),
});

/** What handling a card action produced: the response, and cards to post besides. */
export interface InsightsActionResult {
  response: AdaptiveCardInvokeResponse;
  post: Attachment[];
}

/** Whether an invoke's verb belongs to the insights cards. */
export function isInsightsVerb(value: unknown): boolean {
  const verb = (value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
  return typeof verb === 'string' && (Object.values(INSIGHTS_VERBS) as string[]).includes(verb);
}

/**
 * The insights in Teams: the digest card (the `insights` command and the weekly post), and the
 * learning loop's review cards and their buttons. Only staff reach it (`TeamsStaff` checks).
 */
export class StaffInsights {
  private readonly now: () => Date;
  private readonly guard: PhrasingGuard;

  constructor(private readonly options: StaffInsightsOptions) {
    this.now = options.now ?? (() => new Date());
    this.guard = options.guard ?? new PhrasingGuard(options.knowledge.shippedEntries);
  }

  /** The digest of the last seven days against the seven before. */
  async digest(): Promise<Attachment> {
    const now = this.now();
    const window = (end: Date) => ({ since: new Date(end.getTime() - 7 * DAY_MS), until: end, timeZone: this.options.timeZone, now, unanswered: 5 });
    const [current, previous] = await Promise.all([insightsDetails(this.options.db, window(now)), insightsDetails(this.options.db, window(new Date(now.getTime() - 7 * DAY_MS)))]);
    return digestCard(current, previous);
  }

  /** Review cards for the largest groups of undecided unanswered questions (none when there are none). */
  async reviewCards(): Promise<Attachment[]> {
    const groups = await unansweredGroups(this.options.db, {
      since: new Date(this.now().getTime() - REVIEW_DAYS * DAY_MS),
      decided: await this.options.store.decidedTexts(),
      limit: REVIEW_CARDS,
    });
    return groups.map((g) => reviewCard(g, this.suggestions(g), this.intentChoices()));
  }

  /** Handles a button of a digest or review card. */
  async handleCardAction(value: unknown, staff: StaffMember): Promise<InsightsActionResult> {
    const parsed = actionSchema.safeParse(value);
    if (!parsed.success) return { response: error('Unknown card action'), post: [] };
    const { verb, data } = parsed.data.action;
    switch (verb) {
      case INSIGHTS_VERBS.review: {
        const cards = await this.reviewCards();
        return { response: message(cards.length ? `Here are ${cards.length} group(s) of unanswered questions to review.` : 'No unanswered questions to review.'), post: cards };
      }
      case INSIGHTS_VERBS.approve:
        return { response: await this.approve(data.ids ?? [], data[INTENT_INPUT_ID] ?? '', staff), post: [] };
      case INSIGHTS_VERBS.outOfScope:
        return { response: await this.outOfScope(data.ids ?? [], staff), post: [] };
      case INSIGHTS_VERBS.undo:
        return { response: await this.undo(data.decisionIds ?? [], staff), post: [] };
    }
  }

  private async approve(ids: number[], intent: string, staff: StaffMember): Promise<AdaptiveCardInvokeResponse> {
    const entry = this.options.knowledge.get(intent);
    if (!entry || intent === EMERGENCY_INTENT) return message('Choose the topic that answers these questions first.');
    const texts = await this.undecided(ids);
    if (!texts.length) return message('These questions were already decided (or have expired).');
    const current = await this.options.store.approved();
    const verdict = this.guard.check(current, texts.map((text) => ({ text, intent })));
    if (!verdict.ok) {
      this.options.log.info({ event: 'phrasing-refused', intent, staff: staff.aadObjectId }, 'phrasing refused: it would lower the evaluation');
      const group: UnansweredGroup = { ids, texts: texts.map((text) => ({ text, count: 1 })), count: texts.length };
      return cardResponse(reviewCard(group, this.suggestions(group), this.intentChoices(), `Not added: ${verdict.reason}`));
    }
    const decisions = await this.options.store.decide(texts, intent, staff.name, this.now());
    // This instance uses it at once; the others within their refresh interval.
    await this.options.refresher.refresh();
    this.options.log.info({ event: 'phrasing-approved', intent, count: decisions.length, staff: staff.aadObjectId }, 'approved phrasing');
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    return cardResponse(decidedCard(decisions, entry.label, `Evaluation set: ${pct(verdict.before.accuracy)} before, ${pct(verdict.after.accuracy)} with it. The bot uses it now.`));
  }

  private async outOfScope(ids: number[], staff: StaffMember): Promise<AdaptiveCardInvokeResponse> {
    const texts = await this.undecided(ids);
    if (!texts.length) return message('These questions were already decided (or have expired).');
    const decisions = await this.options.store.decide(texts, null, staff.name, this.now());
    this.options.log.info({ event: 'phrasing-out-of-scope', count: decisions.length, staff: staff.aadObjectId }, 'unanswered questions marked out of scope');
    return cardResponse(decidedCard(decisions, null));
  }

  private async undo(decisionIds: number[], staff: StaffMember): Promise<AdaptiveCardInvokeResponse> {
    const undone = await this.options.store.undo(decisionIds, staff.name, this.now());
    if (!undone.length) return message('Nothing to undo: it was undone already.');
    await this.options.refresher.refresh();
    this.options.log.info({ event: 'phrasing-undone', count: undone.length, staff: staff.aadObjectId }, 'phrasing decision undone');
    const intent = undone[0].intent;
    return cardResponse(decidedCard(undone, intent ? (this.options.knowledge.get(intent)?.label ?? intent) : null));
  }

  /** The texts of `ids` that no live decision covers. */
  private async undecided(ids: number[]): Promise<string[]> {
    const decided = await this.options.store.decidedTexts();
    return (await unansweredTexts(this.options.db, ids)).filter((t) => !decided.has(normalizePhrasing(t)));
  }

  /** The matcher's best candidates for the group's most asked text. */
  private suggestions(group: UnansweredGroup): Suggestion[] {
    const text = group.texts[0]?.text ?? '';
    const result = this.options.knowledge.match(text);
    return result.ranked
      .filter((r) => r.id !== EMERGENCY_INTENT && this.options.knowledge.get(r.id))
      .slice(0, 3)
      .map((r) => ({ intent: r.id, label: this.options.knowledge.get(r.id)!.label, score: r.score }));
  }

  private intentChoices(): IntentChoice[] {
    return [...this.options.knowledge.entries.values()]
      .filter((e) => e.id !== EMERGENCY_INTENT)
      .map((e) => ({ id: e.id, label: `${e.label} (${e.id})` }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }
}

/** The settings key of the last week a digest was posted for. */
export const DIGEST_SETTING = 'insights.lastDigestWeek';

/** Options of {@link WeeklyDigest}. */
export interface WeeklyDigestOptions {
  db: SqlDatabase;
  insights: StaffInsights;
  cases: CaseStore;
  messenger: ConversationMessenger;
  timeZone: string;
  log: Log;
  now?: () => Date;
  /** How often to check whether the digest is due (default 15 minutes). */
  checkMs?: number;
}

/** The weekday (1 Monday … 7 Sunday), hour and calendar date of `at` in `timeZone`. */
function zoned(at: Date, timeZone: string): { weekday: number; hour: number; date: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
  return { weekday, hour: Number(parts.hour), date: `${parts.year}-${parts.month}-${parts.day}` };
}

/** The Monday (local date) of the week of `at`, as the week's key. */
export function weekKey(at: Date, timeZone: string): string {
  const { weekday } = zoned(at, timeZone);
  return zoned(new Date(at.getTime() - (weekday - 1) * DAY_MS), timeZone).date;
}

/**
 * Posts the digest card in the Teams escalation channel once a week, on Monday from 09:00 in the
 * business time zone. The week is claimed in the database before posting, so with several
 * instances exactly one posts it; no channel chosen yet, no post (and nothing claimed).
 */
export class WeeklyDigest {
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => Date;

  constructor(private readonly options: WeeklyDigestOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Posts the digest when it is due; returns whether it posted. Never throws. */
  async tick(): Promise<boolean> {
    try {
      const now = this.now();
      const { weekday, hour } = zoned(now, this.options.timeZone);
      if (weekday === 1 && hour < 9) return false;
      const week = weekKey(now, this.options.timeZone);
      if ((await getSetting<string>(this.options.db, DIGEST_SETTING)) === week) return false;
      const channel = await loadEscalationChannel(this.options.cases);
      if (!channel) return false;
      const claimed = await this.options.db.query(
        `INSERT INTO settings (key, value, updated_at) VALUES ($1, to_jsonb($2::text), now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now() WHERE settings.value IS DISTINCT FROM EXCLUDED.value RETURNING key`,
        [DIGEST_SETTING, week],
      );
      if (!claimed.length) return false;
      await this.options.messenger.startThread(channel.reference, { type: 'message', attachments: [await this.options.insights.digest()] });
      this.options.log.info({ event: 'insights-digest-posted', week }, 'weekly insights digest posted');
      return true;
    } catch (err) {
      const e = err as { name?: string; statusCode?: number; code?: string };
      this.options.log.warn({ code: 'E_DIGEST', error: e?.name, statusCode: e?.statusCode, errCode: e?.code }, 'weekly insights digest not posted');
      return false;
    }
  }

  start(): this {
    this.timer ??= setInterval(() => void this.tick(), this.options.checkMs ?? 15 * 60 * 1000);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

function cardResponse(attachment: Attachment): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: attachment.content as Record<string, unknown> };
}

function message(text: string): AdaptiveCardInvokeResponse {
  // Teams expects the message as a bare string here; botframework-schema types `value` as an object.
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as Record<string, unknown> };
}

function error(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: text } };
}
