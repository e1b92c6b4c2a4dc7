/**
 * Turns the body of a help-desk reply into what the patient should see in the chat: the new
 * text only, without the quoted escalation email below it (which carries the transcript) and
 * without the signature. Pure, so every mail client's quoting style is tested directly.
 */

/** Longest reply relayed into the chat, in characters. */
export const MAX_REPLY_LENGTH = 2000;

/** Lines that start the quoted original in common mail clients; everything from there is cut. */
const CUT_MARKERS: RegExp[] = [
  // Outlook: "-----Original Message-----"
  /^\s*-{2,}\s*original message\s*-{2,}\s*$/i,
  // Apple Mail / iOS forwarded or original
  /^\s*begin forwarded message:\s*$/i,
  // Outlook's horizontal rule before a "From: … Sent: …" header block
  /^\s*_{10,}\s*$/,
  // Signature separator (RFC 3676 "-- ", often sent without the space)
  /^--\s?$/,
];

/** "On Tue, Nov 24, 2026 at 10:00 AM Jane Doe <jd@umass.edu> wrote:" (Gmail, Apple, Thunderbird). */
const ON_WROTE = /^\s*on\b.*\bwrote:\s*$/i;
/** The same line wrapped by the sender's client: "On … Jane Doe <" + newline + "jd@umass.edu> wrote:". */
const ON_START = /^\s*on\s.+/i;
const WROTE_END = /wrote:\s*$/i;
/** An Outlook header block: "From: …" followed within a few lines by "Sent: …" or "Date: …". */
const FROM_HEADER = /^\s*\*?from:\*?\s/i;
const SENT_HEADER = /^\s*\*?(sent|date):\*?\s/i;

/** The index of the first line of quoted history, or `lines.length` when there is none. */
function quoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (CUT_MARKERS.some((re) => re.test(line))) return i;
    if (ON_WROTE.test(line)) return i;
    if (ON_START.test(line) && i + 1 < lines.length && WROTE_END.test(lines[i + 1]) && !ON_WROTE.test(lines[i + 1])) return i;
    if (FROM_HEADER.test(line) && lines.slice(i + 1, i + 5).some((l) => SENT_HEADER.test(l))) return i;
  }
  return lines.length;
}

/**
 * The new part of a reply: the text before the quoted history, with `>`-quoted lines removed,
 * blank runs collapsed, trimmed and capped at `maxLength` characters.
 */
export function stripQuotedReply(body: string, maxLength = MAX_REPLY_LENGTH): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const kept = lines.slice(0, quoteStart(lines)).filter((line) => !/^\s*>/.test(line));
  const text = kept
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1).trimEnd()}…` : text;
}

/** A crude HTML-to-text fallback for a mail whose parser gave no text part. */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    // Quoted history in HTML replies is a blockquote.
    .replace(/<blockquote[\s\S]*?<\/blockquote>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
