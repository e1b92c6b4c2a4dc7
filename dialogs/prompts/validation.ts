/**
 * Pure validation helpers for what patients type: dates of birth and email addresses. Used by
 * the account-status and password-reset dialogs, the handoff (reply address) and the CSV
 * directory adapter. Expected problems are returned as values with a message a patient can act
 * on, never thrown. The messages never repeat the input, so they are safe to show and to test.
 */

/** The result of {@link parseDob}: the date normalised to `MM/DD/YYYY`, or what is wrong. */
export type DobParse = { ok: true; dob: string } | { ok: false; problem: string };

/** The result of {@link parseEmail}: the address, trimmed with its domain lower-cased, or what is wrong. */
export type EmailParse = { ok: true; email: string } | { ok: false; problem: string };

/** The earliest year of birth we accept: anything before is a typo, not a patient. */
export const MIN_BIRTH_YEAR = 1900;

/** The time zone "today" is computed in: UHS is in Amherst, Massachusetts. */
export const DEFAULT_TIME_ZONE = 'America/New_York';

const DOB_EXAMPLE = '04/15/2003';
const DOB_SHAPE = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d+)$/;

/** One formatter per time zone: building an Intl.DateTimeFormat is far costlier than using one. */
const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** A calendar date as comparable numbers. */
interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/**
 * The last date computed, per time zone and minute: every UTC offset is a whole number of
 * minutes, so the date cannot change within one, and formatting it (`formatToParts`) costs tens
 * of microseconds, which the load profile showed on every date-of-birth answer.
 */
const lastDate = new Map<string, { minute: number; date: CalendarDate }>();

/** Today's calendar date in `timeZone`, as comparable numbers. */
function calendarDate(today: Date, timeZone: string): CalendarDate {
  const minute = Math.floor(today.getTime() / 60_000);
  const cached = lastDate.get(timeZone);
  if (cached?.minute === minute) return cached.date;
  const date = formatCalendarDate(today, timeZone);
  lastDate.set(timeZone, { minute, date });
  return date;
}

function formatCalendarDate(today: Date, timeZone: string): CalendarDate {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    dayFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(today);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; UTC avoids DST surprises.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad2 = (n: number) => String(n).padStart(2, '0');

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_WORD = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const DAY_WORD = '(\\d{1,2})(?:st|nd|rd|th)?';
const MONTH_FIRST = new RegExp(`^${MONTH_WORD}\\s+${DAY_WORD},?\\s+(\\d+)$`, 'i');
const DAY_FIRST = new RegExp(`^${DAY_WORD}\\s+(?:of\\s+)?${MONTH_WORD},?\\s+(\\d+)$`, 'i');

/**
 * A date written with its month's name ("september 1 2004", "Sept 1st, 2004", "1 September
 * 2004") as `M/D/YYYY`, since the month named leaves no doubt which number is which; `null` otherwise.
 */
function monthNamed(text: string): string | null {
  const t = text.trim().replace(/\s+/g, ' ');
  const first = MONTH_FIRST.exec(t);
  const day = first ? null : DAY_FIRST.exec(t);
  const [month, date, year] = first ? [first[1], first[2], first[3]] : day ? [day[2], day[1], day[3]] : [];
  if (!month || !date || !year) return null;
  return `${MONTHS.indexOf(month.slice(0, 3).toLowerCase()) + 1}/${date}/${year}`;
}

/**
 * Parses a date of birth typed as `MM/DD/YYYY` (the portal's format). `M/D/YYYY`, `-` or `.`
 * separators and a month's name ("September 1 2004") are accepted and normalised to `MM/DD/YYYY`. The date must exist (no 02/30),
 * must not be after `today` (in {@link DEFAULT_TIME_ZONE} unless `timeZone` says otherwise) and
 * must not be before {@link MIN_BIRTH_YEAR}.
 */
export function parseDob(text: string, today: Date, timeZone = DEFAULT_TIME_ZONE): DobParse {
  const match = DOB_SHAPE.exec(monthNamed(text) ?? text.trim());
  if (!match) {
    return { ok: false, problem: `Please type the date of birth as MM/DD/YYYY, for example ${DOB_EXAMPLE}.` };
  }
  const [month, day, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (match[3].length !== 4) {
    return { ok: false, problem: `Please use all four digits of the year (MM/DD/YYYY), for example ${DOB_EXAMPLE}.` };
  }
  if (month < 1 || month > 12) {
    return { ok: false, problem: `The month comes first and must be 01 to 12 (MM/DD/YYYY), for example ${DOB_EXAMPLE}.` };
  }
  if (day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, problem: `That date doesn't exist: month ${pad2(month)} of ${year} has ${daysInMonth(year, month)} days. Please check the day.` };
  }
  if (year < MIN_BIRTH_YEAR) {
    return { ok: false, problem: `Please check the year: it should be ${MIN_BIRTH_YEAR} or later.` };
  }
  const now = calendarDate(today, timeZone);
  const future = year !== now.year ? year > now.year : month !== now.month ? month > now.month : day > now.day;
  if (future) {
    return { ok: false, problem: 'That date is in the future. Please check your date of birth (MM/DD/YYYY).' };
  }
  return { ok: true, dob: `${pad2(month)}/${pad2(day)}/${year}` };
}

/**
 * The address shapes we accept. Deliberately the same character set as the mailer's zod
 * check, so that every address that passes here can also be mailed.
 */
const LOCAL_PART = /^[A-Za-z0-9_'+.-]+$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const TOP_LEVEL = /^[a-z]{2,}$/;
const EMAIL_EXAMPLE = 'jdoe@umass.edu';

/**
 * Parses an email address: trimmed, an optional `mailto:` or surrounding `<…>` removed (some
 * channels add them), the domain lower-cased. The local part keeps its case, since mail servers
 * may treat it as significant; lookups compare case-insensitively anyway.
 */
export function parseEmail(text: string): EmailParse {
  let candidate = text.trim();
  candidate = candidate.replace(/^<(.*)>$/, '$1').replace(/^mailto:/i, '').trim();
  if (candidate === '') {
    return { ok: false, problem: `Please type your email address, for example ${EMAIL_EXAMPLE}.` };
  }
  // "still nothin", "it didnt work": no attempt at an address, so no lesson in address syntax.
  if (!/@|\b(at|dot|e-?mail|gmail|umass)\b|\w\.\w/i.test(candidate)) {
    return { ok: false, problem: `That isn't an email address. Please type the email address UHS has on file, for example ${EMAIL_EXAMPLE}.` };
  }
  if (/\s/.test(candidate)) {
    return { ok: false, problem: `An email address has no spaces. Please type just the address, for example ${EMAIL_EXAMPLE}.` };
  }
  const at = candidate.lastIndexOf('@');
  if (at < 0 || candidate.indexOf('@') !== at) {
    return { ok: false, problem: `An email address has exactly one @, for example ${EMAIL_EXAMPLE}.` };
  }
  const local = candidate.slice(0, at);
  const domain = candidate.slice(at + 1).toLowerCase();
  const labels = domain.split('.');
  const localOk = LOCAL_PART.test(local) && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
  if (!localOk) {
    return { ok: false, problem: `The part before the @ doesn't look right. Please check it, for example ${EMAIL_EXAMPLE}.` };
  }
  const domainOk = labels.length >= 2 && labels.every((l) => DOMAIN_LABEL.test(l)) && TOP_LEVEL.test(labels[labels.length - 1]);
  if (!domainOk) {
    return { ok: false, problem: `The part after the @ should be a domain such as umass.edu. Please check it.` };
  }
  const email = `${local}@${domain}`;
  if (email.length > 254) {
    return { ok: false, problem: 'That email address is too long. Please check it.' };
  }
  return { ok: true, email };
}

/** Whether `email` is a UMass address (umass.edu or one of its subdomains, such as uhs.umass.edu). */
export function isUmassEmail(email: string): boolean {
  const domain = email.trim().slice(email.trim().lastIndexOf('@') + 1).toLowerCase();
  return domain === 'umass.edu' || domain.endsWith('.umass.edu');
}

/**
 * The bare address of a `From` header value such as `UHS Portal Help Bot <no-reply@uhs.umass.edu>`,
 * so that the chat can name the sender to look for.
 */
export function addressOf(from: string): string {
  const angle = /<([^<>]+)>\s*$/.exec(from);
  return (angle ? angle[1] : from).trim();
}

/** A key for comparing emails: trimmed and lower-cased as a whole (how the directory compares). */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
