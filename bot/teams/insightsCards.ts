import { CardFactory, type Attachment } from 'botbuilder';
import type { InsightsDetails, InsightsSummary } from '../insights/report';
import type { UnansweredGroup } from '../insights/unansweredGroups';
import type { PhrasingDecision } from '../insights/approvedPhrasings';

/**
 * The Adaptive Cards of the insights in Teams: the weekly digest (numbers, their change from the
 * week before, the top unanswered questions) and the learning loop's review card (a group of
 * similar unanswered questions with the matcher's suggestions, to assign an intent or mark out of
 * scope), and what a review card turns into once decided. Patients' words are plain text, never
 * Markdown.
 */

/** The `verb` of each insights card button, matched by `StaffInsights.handleCardAction`. */
export const INSIGHTS_VERBS = {
  review: 'insights.review',
  approve: 'phrasing.approve',
  outOfScope: 'phrasing.outOfScope',
  undo: 'phrasing.undo',
} as const;

/** The id of the intent picker on a review card. */
export const INTENT_INPUT_ID = 'intent';

/** An intent staff can assign: its id and its button label. */
export interface IntentChoice {
  id: string;
  label: string;
}

/** A matcher suggestion for a review card. */
export interface Suggestion {
  intent: string;
  label: string;
  score: number;
}

function plainText(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...extra }] };
}

function card(body: unknown[], actions: unknown[] = []): Attachment {
  return CardFactory.adaptiveCard({ type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, actions });
}

/** `+3`, `−2`, `±0`. */
function delta(now: number, before: number, unit = ''): string {
  const d = Math.round((now - before) * 10) / 10;
  if (d === 0) return `±0${unit}`;
  return `${d > 0 ? '+' : '−'}${Math.abs(d)}${unit}`;
}

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`);
const day = (iso: string) => iso.slice(0, 10);

/** The weekly digest: this period against the one before. */
export function digestCard(current: InsightsDetails, previous: InsightsDetails): Attachment {
  const s = current.summary;
  const p = previous.summary;
  const helpedShare = (x: InsightsSummary) => (x.helpedYes + x.helpedNo === 0 ? null : x.helpedYes / (x.helpedYes + x.helpedNo));
  const pts = (a: number | null, b: number | null) => (a === null || b === null ? 'no comparison' : `${delta(Math.round(a * 100), Math.round(b * 100), ' pts')}`);
  const facts = [
    { title: 'Conversations', value: `${s.conversations} (${delta(s.conversations, p.conversations)} vs last week)` },
    { title: 'Answers given', value: `${s.answered} (${delta(s.answered, p.answered)})` },
    { title: 'Said it helped', value: `${s.helpedYes} yes, ${s.helpedNo} no: ${pct(helpedShare(s))} (${pts(helpedShare(s), helpedShare(p))})` },
    { title: 'Unanswered', value: `${current.misses} (${delta(current.misses, previous.misses)})` },
    { title: 'Escalations', value: `${s.escalations} (${delta(s.escalations, p.escalations)})` },
    { title: 'Containment', value: `${pct(s.containmentRate)} (${pts(s.containmentRate, p.containmentRate)})` },
    {
      title: 'Satisfaction',
      value: s.csat.average === null ? 'no ratings' : `${s.csat.average.toFixed(1)} / 5 from ${s.csat.responses} (${p.csat.average === null ? 'none the week before' : delta(s.csat.average, p.csat.average)})`,
    },
    { title: 'Emergencies shown', value: String(current.emergencies) },
    { title: 'Abandoned mid-flow', value: String(current.abandoned) },
  ];
  const body: unknown[] = [
    { type: 'TextBlock', text: 'Help-desk bot: weekly insights', weight: 'Bolder', size: 'Large', wrap: true },
    { type: 'TextBlock', text: `${day(s.since)} to ${day(s.until)}`, isSubtle: true, spacing: 'None', wrap: true },
    { type: 'FactSet', facts },
    { type: 'TextBlock', text: 'Top unanswered questions', weight: 'Bolder', spacing: 'Medium', wrap: true },
  ];
  if (s.unanswered.length === 0) body.push({ type: 'TextBlock', text: 'None this week.', isSubtle: true, wrap: true });
  for (const u of s.unanswered.slice(0, 5)) body.push(plainText(`${u.count}× ${u.text}`));
  return card(body, [{ type: 'Action.Execute', title: 'Review unanswered questions', verb: INSIGHTS_VERBS.review, data: {} }]);
}

/** A review card for one group of similar unanswered questions. `notice` shows above the buttons (a refusal). */
export function reviewCard(group: UnansweredGroup, suggestions: Suggestion[], intents: IntentChoice[], notice?: string): Attachment {
  const body: unknown[] = [
    { type: 'TextBlock', text: `Unanswered question, asked ${group.count} time${group.count === 1 ? '' : 's'}`, weight: 'Bolder', size: 'Medium', wrap: true },
  ];
  for (const t of group.texts.slice(0, 5)) body.push(plainText(`“${t.text}”${t.count > 1 ? ` ×${t.count}` : ''}`));
  if (group.texts.length > 5) body.push({ type: 'TextBlock', text: `and ${group.texts.length - 5} similar`, isSubtle: true, wrap: true });
  body.push({
    type: 'TextBlock',
    text: suggestions.length ? `Matcher's suggestions: ${suggestions.map((s) => `${s.label} (${s.score.toFixed(2)})`).join(', ')}` : 'The matcher has no suggestion.',
    wrap: true,
    spacing: 'Medium',
  });
  body.push({
    type: 'Input.ChoiceSet',
    id: INTENT_INPUT_ID,
    label: 'Answer it with',
    style: 'compact',
    value: suggestions[0]?.intent ?? '',
    choices: intents.map((i) => ({ title: i.label, value: i.id })),
  });
  if (notice) body.push({ type: 'TextBlock', text: notice, color: 'Attention', wrap: true });
  const data = { ids: group.ids };
  return card(body, [
    { type: 'Action.Execute', title: 'Add as phrasing', verb: INSIGHTS_VERBS.approve, data, style: 'positive' },
    { type: 'Action.Execute', title: 'Out of scope', verb: INSIGHTS_VERBS.outOfScope, data },
  ]);
}

/** What a review card shows once decided: who, when, what, and an Undo button. */
export function decidedCard(decisions: PhrasingDecision[], intentLabel: string | null, note?: string): Attachment {
  const first = decisions[0];
  const at = first.decidedAt.replace(/\.\d+Z$/, 'Z');
  const what = first.intent ? `Added as phrasing${decisions.length === 1 ? '' : 's'} of “${intentLabel ?? first.intent}”` : 'Marked out of scope';
  const body: unknown[] = [
    { type: 'TextBlock', text: what, weight: 'Bolder', size: 'Medium', wrap: true, color: first.intent ? 'Good' : 'Default' },
    ...decisions.map((d) => plainText(`“${d.text}”`)),
    { type: 'TextBlock', text: `by ${first.decidedBy}, {{DATE(${at}, SHORT)}} {{TIME(${at})}}`, isSubtle: true, wrap: true },
  ];
  if (note) body.push({ type: 'TextBlock', text: note, isSubtle: true, wrap: true });
  if (first.undoneAt) {
    const undone = first.undoneAt.replace(/\.\d+Z$/, 'Z');
    body.push({ type: 'TextBlock', text: `Undone by ${first.undoneBy}, {{DATE(${undone}, SHORT)}} {{TIME(${undone})}}`, color: 'Attention', wrap: true });
    return card(body);
  }
  return card(body, [{ type: 'Action.Execute', title: 'Undo', verb: INSIGHTS_VERBS.undo, data: { decisionIds: decisions.map((d) => d.id) } }]);
}
