/**
 * The one redaction helper, used by the logger, the case transcript and the escalation email.
 * It masks dates of birth (and anything shaped like a date that could be one, however it is
 * written), US Social Security numbers and other ID numbers, and optionally email addresses and
 * phone numbers.
 */

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';

const DATE_PATTERNS: RegExp[] = [
  // 01/02/2003, 1-2-03, 01.02.2003
  /\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:\d{4}|\d{2})\b/g,
  // 2003-01-02, 2003/1/2
  /\b\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}\b/g,
  // 09 01 2004 and 2004 09 01 (spaces only)
  /\b\d{1,2}[ \t]+\d{1,2}[ \t]+(?:19|20)\d{2}\b/g,
  /\b(?:19|20)\d{2}[ \t]+\d{1,2}[ \t]+\d{1,2}\b/g,
  // January 2, 2003 / Jan 2 2003 / September the 1st, 2004
  new RegExp(`\\b${MONTH}\\s+(?:the\\s+)?\\d{1,2}(?:st|nd|rd|th)?,?\\s+(?:of\\s+)?\\d{4}\\b`, 'gi'),
  // 2 January 2003 / the 1st of September 2004 / 1st of Sept, 2004
  new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+\\d{4}\\b`, 'gi'),
  // "month 02 of 2004": a month and year of birth, as a re-prompt names them
  /\bmonth\s+\d{1,2}\s+of\s+\d{4}\b/gi,
  // 8 digits that read as MMDDYYYY or YYYYMMDD
  /\b(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:19|20)\d{2}\b/g,
  /\b(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b/g,
];

const HAS_DIGIT = /\d/;

const SSN_PATTERN = /\b\d{3}[\s-]?\d{2}[\s-]?\d{4}\b/g;
/**
 * Other ID numbers: a run of seven or more digits (student, employee, medical record and
 * insurance numbers), or five or more digits right after the word "ID" or "number".
 */
const ID_PATTERNS: RegExp[] = [/\b\d{7,}\b/g, /\b(id|number|no\.?|#)(\s*[:#]?\s*)[A-Za-z]{0,2}\d{5,}\b/gi];
const EMAIL_PATTERN = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
// (413) 545-2337, 413-545-2337, 413.545.2337, +1 413 545 2337, 4135452337
const PHONE_PATTERN = /(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b/g;
// Student, patient and card numbers: any run of five or more digits left after the above.
const ID_NUMBER_PATTERN = /\b\d{5,}\b/g;

/** The mask that replaces a date of birth. */
export const DOB_MASK = '[date redacted]';
/** The mask that replaces an SSN-shaped or other ID number. */
export const SSN_MASK = '[number redacted]';
/** The mask that replaces an email address. */
export const EMAIL_MASK = '[email redacted]';
/** The mask that replaces a phone number. */
export const PHONE_MASK = '[phone redacted]';

/** Options for {@link redact}. */
export interface RedactOptions {
  /** Also mask email addresses (logs do; transcripts keep them so the help desk can reply). */
  emails?: boolean;
  /**
   * Also mask phone numbers and any other run of five or more digits (student and patient ids):
   * for text kept for reporting, which needs none of them.
   */
  numbers?: boolean;
}

/** Returns `text` with dates, SSN-shaped numbers and (optionally) emails masked. */
export function redact(text: string, options: RedactOptions = {}): string {
  let out = text;
  // Every date and number pattern needs a digit, and most chat lines have none: this runs on
  // every line of every turn (the transcript), so skip seven scans when there is nothing to find.
  if (HAS_DIGIT.test(out)) {
    for (const pattern of DATE_PATTERNS) out = out.replace(pattern, DOB_MASK);
    out = out.replace(SSN_PATTERN, SSN_MASK);
    out = out.replace(ID_PATTERNS[0], SSN_MASK).replace(ID_PATTERNS[1], (_m, word: string, gap: string) => `${word}${gap}${SSN_MASK}`);
    if (options.numbers) out = out.replace(PHONE_PATTERN, PHONE_MASK).replace(ID_NUMBER_PATTERN, SSN_MASK);
  }
  if (options.emails && out.includes('@')) out = out.replace(EMAIL_PATTERN, EMAIL_MASK);
  return out;
}
