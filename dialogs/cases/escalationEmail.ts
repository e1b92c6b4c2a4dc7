import type { CaseRecord, OutgoingMail } from '../ports';
import type { DialogSettings } from '../services';
import { redact } from '../redact';
import { caseAddress } from './caseId';
import { describeTrigger } from './handoffTrigger';
import { escapeHtml, markdownToHtml, markdownToPlainText } from '../markdownText';

export { escapeHtml };

/**
 * The escalation email: everything the help desk needs about a case in one message. Pure:
 * the case and settings in, an {@link OutgoingMail} out (queued by the handoff dialog).
 *
 * Who "Reply" reaches (`Reply-To`):
 * - the patient's address when they gave one, so a plain reply reaches them directly;
 * - plus the case's inbound address (`case+<id>@…`) when inbound mail is on, so the same reply
 *   is also relayed into the patient's chat and recorded on the case. Both go in `Reply-To`
 *   (not one in `Cc`) because "Reply" uses `Reply-To` whole, while a `Cc` would only be kept
 *   by "Reply all", which staff forget;
 * - neither: no `Reply-To`, and the body says how the patient can be reached.
 * Every text from the chat passes through {@link redact} again here, whatever the caller did.
 */

/** What the email needs from the settings. */
export type EscalationEmailSettings = Pick<DialogSettings, 'helpdeskEmail' | 'inboundAddress' | 'inboundKey' | 'businessTimezone'>;

/** The header that names the case, for mail rules and the inbound listener. */
export const CASE_HEADER = 'X-UHS-Case';

/** Diagnostics keys with a friendlier label; the rest are turned from camelCase into words. */
const DIAGNOSTIC_LABELS: Readonly<Record<string, string>> = {
  failedDialog: 'Dialog that handed over',
  lastAnswers: 'Last answers shown',
  topic: 'Topic',
};

const SPEAKERS: Readonly<Record<string, string>> = { user: 'Patient', bot: 'Bot', staff: 'Staff' };

/** The escalation email of `record`, addressed to the help desk. */
export function composeEscalationEmail(record: CaseRecord, settings: EscalationEmailSettings): OutgoingMail {
  const replyTo = replyAddresses(record, settings);
  const view = emailView(record, settings, replyTo);
  return {
    to: settings.helpdeskEmail,
    subject: `[${record.id}] ${oneLine(record.topic)} — portal help request`,
    text: renderText(view),
    html: renderHtml(view),
    ...(replyTo.length ? { replyTo: replyTo.length === 1 ? replyTo[0] : replyTo } : {}),
    headers: { [CASE_HEADER]: record.id, 'X-Auto-Response-Suppress': 'OOF, AutoReply' },
  };
}

/** The `Reply-To` addresses of the email of `record` (see the module comment). */
export function replyAddresses(record: CaseRecord, settings: EscalationEmailSettings): string[] {
  const out: string[] = [];
  if (record.replyEmail) out.push(record.replyEmail);
  if (settings.inboundAddress) out.push(caseAddress(settings.inboundAddress, record.id, settings.inboundKey));
  return out;
}

/** Everything shown, already redacted, shared by the text and HTML renderings. */
interface EmailView {
  facts: Array<[string, string]>;
  summary: string;
  diagnostics: Array<[string, string]>;
  /** `markdown`: the bot's own lines, written in Markdown for the chat; the rest are shown as typed. */
  transcript: Array<{ time: string; speaker: string; text: string; markdown: boolean }>;
  transcriptNote: string | null;
  howToReply: string;
}

function emailView(record: CaseRecord, settings: EscalationEmailSettings, replyTo: string[]): EmailView {
  const tz = settings.businessTimezone;
  const { trigger, ...rest } = record.diagnostics;
  const facts: Array<[string, string]> = [
    ['Case', record.id],
    ['Topic', oneLine(record.topic)],
    ['Opened', formatDateTime(record.createdAt, tz)],
    ['Why', describeTrigger(trigger)],
    ['Intent', record.intent ?? '(none recognised)'],
    ['Patient email', record.replyEmail ?? '(none given)'],
  ];
  return {
    facts,
    summary: redact(record.summary.trim() || '(no description given)'),
    diagnostics: flattenDiagnostics(rest),
    transcript: record.transcriptConsent
      ? record.transcript.map((line) => ({ time: formatTime(line.at, tz), speaker: SPEAKERS[line.from] ?? line.from, text: redact(line.text), markdown: line.from === 'bot' }))
      : [],
    transcriptNote: !record.transcriptConsent
      ? 'The patient did not agree to include the conversation.'
      : record.transcript.length === 0
        ? 'The conversation had no messages to include.'
        : null,
    howToReply: howToReply(record, replyTo),
  };
}

function howToReply(record: CaseRecord, replyTo: string[]): string {
  if (record.replyEmail && replyTo.length > 1) {
    return "Reply to this email: your answer goes to the patient's email and also appears in their chat with the bot.";
  }
  if (record.replyEmail) return "Reply to this email: your answer goes to the patient's email.";
  if (replyTo.length) {
    return 'The patient left no email address. Reply to this email: your answer appears in their chat with the bot while that chat is open.';
  }
  return `The patient left no email address. They were given the case number ${record.id} to quote when they write to the help desk.`;
}

/** A diagnostic value as text: objects as JSON, anything else as it prints. */
function scalarText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return value.toString();
    case 'object':
      return JSON.stringify(value);
    default:
      return '';
  }
}

/** `label: value` lines for the diagnostics, nested objects flattened as `a › b`. */
export function flattenDiagnostics(diagnostics: Record<string, unknown>, path: string[] = []): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(diagnostics)) {
    if (value === undefined || value === null || value === '') continue;
    const label = [...path, DIAGNOSTIC_LABELS[key] ?? humanize(key)];
    if (typeof value === 'object' && !Array.isArray(value)) {
      out.push(...flattenDiagnostics(value as Record<string, unknown>, label));
    } else {
      const text = Array.isArray(value) ? value.map(scalarText).join(', ') : scalarText(value);
      out.push([label.join(' › '), redact(text)]);
    }
  }
  return out;
}

/** `fileType` → `File type`, `last_error` → `Last error`. */
function humanize(key: string): string {
  const words = key.replace(/[_-]+/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Header-safe single line: no CR/LF, collapsed spaces, capped. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}

const plainSpaces = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

function formatDateTime(iso: string, timeZone: string): string {
  return plainSpaces(
    new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso)),
  );
}

function formatTime(iso: string, timeZone: string): string {
  return plainSpaces(new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(new Date(iso)));
}

function renderText(view: EmailView): string {
  const width = Math.max(...view.facts.map(([k]) => k.length)) + 2;
  const section = (title: string) => `\n${title}\n${'-'.repeat(title.length)}\n`;
  const lines = ['A patient asked for help through the UHS Portal Help bot.', ''];
  for (const [k, v] of view.facts) lines.push(`${`${k}:`.padEnd(width)}${v}`);
  let text = lines.join('\n') + '\n';
  text += section("Summary (the patient's words)") + view.summary + '\n';
  text += section('Diagnostics') + (view.diagnostics.length ? view.diagnostics.map(([k, v]) => `${k}: ${v}`).join('\n') : '(none)') + '\n';
  text += section('Conversation (dates and ID numbers masked)');
  text += view.transcriptNote ?? view.transcript.map((l) => `[${l.time}] ${l.speaker}: ${l.markdown ? markdownToPlainText(l.text) : l.text}`).join('\n');
  text += '\n' + section('How to answer') + view.howToReply + '\n';
  return text;
}

const multiline = (text: string) => escapeHtml(text).replace(/\r?\n/g, '<br>');

function renderHtml(view: EmailView): string {
  const cell = 'style="padding:2px 12px 2px 0;vertical-align:top"';
  const rows = (pairs: Array<[string, string]>) =>
    `<table>${pairs.map(([k, v]) => `<tr><th align="left" ${cell}>${escapeHtml(k)}</th><td ${cell}>${multiline(v)}</td></tr>`).join('')}</table>`;
  const transcript = view.transcriptNote
    ? `<p><em>${escapeHtml(view.transcriptNote)}</em></p>`
    : `<table>${view.transcript
        .map((l) => `<tr><td ${cell}>${escapeHtml(l.time)}</td><th align="left" ${cell}>${escapeHtml(l.speaker)}</th><td ${cell}>${l.markdown ? markdownToHtml(l.text) : multiline(l.text)}</td></tr>`)
        .join('')}</table>`;
  return [
    '<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px">',
    '<p>A patient asked for help through the UHS Portal Help bot.</p>',
    rows(view.facts),
    "<h3>Summary (the patient's words)</h3>",
    `<p>${multiline(view.summary)}</p>`,
    '<h3>Diagnostics</h3>',
    view.diagnostics.length ? rows(view.diagnostics) : '<p>(none)</p>',
    '<h3>Conversation (dates and ID numbers masked)</h3>',
    transcript,
    '<h3>How to answer</h3>',
    `<p>${escapeHtml(view.howToReply)}</p>`,
    '</body></html>',
  ].join('\n');
}
