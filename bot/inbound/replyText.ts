import { createRequire } from 'node:module';
import type EmailReplyParserType from 'email-reply-parser' with { 'resolution-mode': 'import' };

/**
 * Turns the body of a help-desk reply into what the patient should see in the chat: the new
 * text only, without the quoted escalation email below it (which carries the transcript) and
 * without the signature. Pure, so every mail client's quoting style is tested directly.
 *
 * The quoted history is found by email-reply-parser, a maintained parser that knows the
 * header lines of many mail clients and languages (Outlook's "Von:/Gesendet:", "De :/Envoyé :",
 * Gmail's "Le … a écrit :", "Am … schrieb …"), not only English ones.
 */

// email-reply-parser is an ES module; Node 20.19+ loads it with require.
const EmailReplyParser = (createRequire(__filename)('email-reply-parser') as { default: typeof EmailReplyParserType }).default;
const parser = new EmailReplyParser();

/** Longest reply relayed into the chat, in characters. */
export const MAX_REPLY_LENGTH = 2000;

/** Lines that start the quoted original and the parser may miss; everything from there is cut. */
const CUT_MARKERS: RegExp[] = [
  // Outlook's horizontal rule before a "From: … Sent: …" header block
  /^\s*_{10,}\s*$/,
  // Apple Mail / iOS forwarded or original
  /^\s*begin forwarded message:\s*$/i,
  // Signature separator (RFC 3676 "-- ", often sent without the space)
  /^--\s?$/,
];

/**
 * The new part of a reply: the text before the quoted history, with `>`-quoted lines removed,
 * blank runs collapsed, trimmed and capped at `maxLength` characters.
 */
export function stripQuotedReply(body: string, maxLength = MAX_REPLY_LENGTH): string {
  const visible = parser.parseReply(body.replace(/\r\n?/g, '\n'));
  const lines = visible.split('\n');
  const cut = lines.findIndex((line) => CUT_MARKERS.some((re) => re.test(line)));
  const kept = (cut < 0 ? lines : lines.slice(0, cut)).filter((line) => !/^\s*>/.test(line));
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
