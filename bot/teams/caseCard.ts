import { CardFactory, type Attachment } from 'botbuilder';
import type { CaseRecord, CaseStatus } from '../../dialogs/ports';
import { CASE_FEEDBACK_NOT_SOLVED, CASE_FEEDBACK_SOLVED } from '../../dialogs/cases/caseFeedback';

/**
 * The Adaptive Card a case is shown as in the escalation channel. Its buttons are
 * `Action.Execute` (Teams Universal Actions): a click arrives as an `adaptiveCard/action`
 * invoke whose response replaces the card for the person who clicked, without a separate post.
 */

/** The `verb` of each card button, matched by `TeamsStaff.handleCardAction`. */
export const CASE_CARD_VERBS = {
  claim: 'case.claim',
  reply: 'case.reply',
  resolve: 'case.resolve',
} as const;

/** The id of the reply text field; its value arrives in the action's `data` under this key. */
export const REPLY_INPUT_ID = 'replyText';

/** Longest summary shown on the card: the email carries everything, the card must stay small. */
const SUMMARY_MAX_CHARS = 800;

const STATUS_LABEL: Record<CaseStatus, string> = { open: 'Open', claimed: 'Claimed', resolved: 'Resolved' };
const STATUS_STYLE: Record<CaseStatus, string> = { open: 'attention', claimed: 'accent', resolved: 'good' };

/** Plain text, never Markdown: the summary and topic come from patients (a link could be phishing). */
function plainText(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...extra }] };
}

/** `{{DATE()}}`/`{{TIME()}}` show the time in each viewer's own zone; they want no milliseconds. */
function localTime(iso: string): string {
  const at = iso.replace(/\.\d+Z$/, 'Z');
  return `{{DATE(${at}, SHORT)}} {{TIME(${at})}}`;
}

function facts(record: CaseRecord): Array<{ title: string; value: string }> {
  const replies = record.events.filter((e) => e.type === 'reply').length;
  const feedback = [...record.events].reverse().find((e) => e.type === 'feedback' && (e.detail === CASE_FEEDBACK_SOLVED || e.detail === CASE_FEEDBACK_NOT_SOLVED));
  const rating = [...record.events].reverse().find((e) => e.type === 'feedback' && e.detail?.startsWith('rating '));
  const list = [
    { title: 'Status', value: STATUS_LABEL[record.status] },
    { title: 'Claimed by', value: record.claimedBy ?? 'nobody yet' },
    { title: 'Replies sent', value: String(replies) },
  ];
  if (feedback) list.push({ title: 'Patient says', value: feedback.detail === CASE_FEEDBACK_SOLVED ? 'solved' : 'still needs help' });
  if (rating?.detail) list.push({ title: 'Patient rated', value: rating.detail.replace(/^rating /, '') });
  return list;
}

function actions(record: CaseRecord): Array<Record<string, unknown>> {
  if (record.status === 'resolved') return [];
  const data = { caseId: record.id };
  const claim = { type: 'Action.Execute', title: 'Claim', verb: CASE_CARD_VERBS.claim, data };
  const reply = {
    type: 'Action.ShowCard',
    title: 'Reply',
    card: {
      type: 'AdaptiveCard',
      body: [{ type: 'Input.Text', id: REPLY_INPUT_ID, isMultiline: true, maxLength: 2000, placeholder: 'Your reply to the patient (signed with your first name)', isRequired: true, errorMessage: 'Type a reply first' }],
      actions: [{ type: 'Action.Execute', title: 'Send reply', verb: CASE_CARD_VERBS.reply, data }],
    },
  };
  const resolve = { type: 'Action.Execute', title: 'Resolve', verb: CASE_CARD_VERBS.resolve, data };
  return record.status === 'open' ? [claim, reply, resolve] : [reply, resolve];
}

/** The card's JSON (what an invoke response returns as its `value`). */
export function caseCardContent(record: CaseRecord): Record<string, unknown> {
  const summary = record.summary.length > SUMMARY_MAX_CHARS ? `${record.summary.slice(0, SUMMARY_MAX_CHARS)}…` : record.summary;
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    msteams: { width: 'Full' },
    body: [
      {
        type: 'Container',
        style: STATUS_STYLE[record.status],
        items: [
          { type: 'TextBlock', text: `Case ${record.id}`, size: 'Large', weight: 'Bolder' },
          plainText(record.topic, { weight: 'Bolder' }),
          { type: 'TextBlock', text: `Opened ${localTime(record.createdAt)}`, isSubtle: true, spacing: 'None' },
        ],
      },
      { type: 'FactSet', facts: facts(record) },
      { type: 'TextBlock', text: 'Summary', weight: 'Bolder', spacing: 'Medium' },
      plainText(summary || '(no description given)'),
    ],
    actions: actions(record),
  };
}

/** The card as a message attachment. */
export function caseCard(record: CaseRecord): Attachment {
  return CardFactory.adaptiveCard(caseCardContent(record));
}
