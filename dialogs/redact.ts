/**
 * The one redaction helper, used by the logger, the case transcript and the escalation email.
 * It masks dates of birth (and anything shaped like a date that could be one), US Social
 * Security numbers, and optionally email addresses.
 */

const DATE_PATTERNS: RegExp[] = [
  // 01/02/2003, 1-2-03, 01.02.2003
  /\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(?:\d{4}|\d{2})\b/g,
  // 2003-01-02, 2003/1/2
  /\b\d{4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,2}\b/g,
  // January 2, 2003 / Jan 2 2003 / 2 January 2003
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b/gi,
  /\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}\b/gi,
  // 8 digits that read as MMDDYYYY or YYYYMMDD
  /\b(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:19|20)\d{2}\b/g,
  /\b(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b/g,
];

const HAS_DIGIT = /\d/;

const SSN_PATTERN = /\b\d{3}[\s-]?\d{2}[\s-]?\d{4}\b/g;
const EMAIL_PATTERN = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;

/** The mask that replaces a date of birth. */
export const DOB_MASK = '[date redacted]';
/** The mask that replaces an SSN-shaped number. */
export const SSN_MASK = '[number redacted]';
/** The mask that replaces an email address. */
export const EMAIL_MASK = '[email redacted]';

/** Options for {@link redact}. */
export interface RedactOptions {
  /** Also mask email addresses (logs do; transcripts keep them so the help desk can reply). */
  emails?: boolean;
}

/** Returns `text` with dates, SSN-shaped numbers and (optionally) emails masked. */
export function redact(text: string, options: RedactOptions = {}): string {
  let out = text;
  // Every date and number pattern needs a digit, and most chat lines have none: this runs on
  // every line of every turn (the transcript), so skip seven scans when there is nothing to find.
  if (HAS_DIGIT.test(out)) {
    for (const pattern of DATE_PATTERNS) out = out.replace(pattern, DOB_MASK);
    out = out.replace(SSN_PATTERN, SSN_MASK);
  }
  if (options.emails && out.includes('@')) out = out.replace(EMAIL_PATTERN, EMAIL_MASK);
  return out;
}

/** Whether `text` contains something {@link redact} would mask as a date or SSN. */
export function containsSensitive(text: string): boolean {
  return redact(text) !== text;
}
