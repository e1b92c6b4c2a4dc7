/**
 * The typed staff commands, recognised from a Teams message after the @mention is removed.
 * Anything else is not a command and goes to the main dialog like anyone's question.
 */

/** A recognised command; a missing argument is `null`, so the handler can show the usage. */
export type StaffCommand =
  | { kind: 'help' }
  | { kind: 'cases' }
  | { kind: 'use-channel' }
  | { kind: 'insights' }
  | { kind: 'review' }
  | { kind: 'claim'; caseId: string | null }
  | { kind: 'resolve'; caseId: string | null }
  | { kind: 'lookup'; email: string | null; dob: string | null };

/** The exact sentence that makes a team channel the escalation channel. */
export const USE_CHANNEL_COMMAND = 'use this channel for escalations';

const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,40}$/;

/**
 * Teams delivers message text with HTML left in it (links such as
 * `<a href="mailto:…">…</a>`, `&nbsp;`), and sometimes a trailing newline: reduce it to words.
 */
export function normalizeTeamsText(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function caseIdArgument(rest: string[]): string | null {
  return rest.length === 1 && CASE_ID.test(rest[0]) ? rest[0] : null;
}

/** The command in `text` (already normalised), or `null` when it is not one. */
export function parseStaffCommand(text: string): StaffCommand | null {
  const lower = text.toLowerCase().replace(/[.!]+$/, '');
  if (lower === 'help') return { kind: 'help' };
  if (lower === 'cases' || lower === 'open cases') return { kind: 'cases' };
  if (lower === USE_CHANNEL_COMMAND || lower === 'use this channel for escalation') return { kind: 'use-channel' };
  if (lower === 'insights') return { kind: 'insights' };
  if (lower === 'unanswered' || lower === 'review unanswered' || lower === 'review') return { kind: 'review' };
  const [verb, ...rest] = text.split(' ');
  switch (verb.toLowerCase()) {
    case 'claim':
      return { kind: 'claim', caseId: caseIdArgument(rest) };
    case 'resolve':
      return { kind: 'resolve', caseId: caseIdArgument(rest) };
    case 'lookup':
      return { kind: 'lookup', email: rest.length === 2 ? rest[0] : null, dob: rest.length === 2 ? rest[1] : null };
    default:
      return null;
  }
}
