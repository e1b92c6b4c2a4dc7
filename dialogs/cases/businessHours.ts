/**
 * Business hours of the help desk (BUSINESS_HOURS, for example `Mon-Fri 09:00-17:00`, in
 * BUSINESS_TIMEZONE): whether it is open at a given instant, and when it opens next. Pure: the
 * clock is a parameter, so tests pin weekends, evenings and DST changes. Holidays are not
 * known to the bot; on a holiday the "open" message is merely optimistic.
 */

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const HOURS_SHAPE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)-(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/** Parsed business hours. Days are 0 (Sunday) to 6; times are minutes after midnight. */
export interface BusinessHours {
  days: ReadonlySet<number>;
  openMinute: number;
  closeMinute: number;
  timeZone: string;
}

/** Where `now` falls: open, or closed with the next opening as local weekday and time. */
export type BusinessStatus =
  | { open: true }
  | {
      open: false;
      /** The weekday it opens next, 0 (Sunday) to 6. */
      opensOnDay: number;
      /** Days from today (in the business time zone) to that opening: 0 today, 1 tomorrow … */
      daysAhead: number;
      /** The opening time, minutes after midnight. */
      opensAtMinute: number;
    };

/**
 * Parses `Mon-Fri 09:00-17:00` (a day range, which may wrap such as `Sat-Tue`, and a time
 * range on those days). Throws on a malformed value: configuration validates it at start-up.
 */
export function parseBusinessHours(spec: string, timeZone: string): BusinessHours {
  const match = HOURS_SHAPE.exec(spec.trim());
  if (!match) throw new Error('business hours must look like "Mon-Fri 09:00-17:00"');
  const first = WEEKDAYS.indexOf(match[1] as (typeof WEEKDAYS)[number]);
  const last = WEEKDAYS.indexOf(match[2] as (typeof WEEKDAYS)[number]);
  const days = new Set<number>();
  for (let d = first; ; d = (d + 1) % 7) {
    days.add(d);
    if (d === last) break;
  }
  const openMinute = Number(match[3]) * 60 + Number(match[4]);
  const closeMinute = Number(match[5]) * 60 + Number(match[6]);
  if (openMinute >= closeMinute || closeMinute > 24 * 60) throw new Error('business hours must open before they close, within one day');
  return { days, openMinute, closeMinute, timeZone };
}

/** The weekday and minute of the day of `now` in `timeZone`. */
function localClock(now: Date, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAYS.indexOf(get('weekday') as (typeof WEEKDAYS)[number]), minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** Whether the help desk is open at `now`, and if not, when it opens next. */
export function businessStatus(now: Date, hours: BusinessHours): BusinessStatus {
  const { day, minute } = localClock(now, hours.timeZone);
  if (hours.days.has(day) && minute >= hours.openMinute && minute < hours.closeMinute) return { open: true };
  // Later today when it is a business day before opening; otherwise the next business day.
  const start = hours.days.has(day) && minute < hours.openMinute ? 0 : 1;
  for (let ahead = start; ahead <= 7; ahead++) {
    const candidate = (day + ahead) % 7;
    if (hours.days.has(candidate)) return { open: false, opensOnDay: candidate, daysAhead: ahead, opensAtMinute: hours.openMinute };
  }
  // Unreachable: a parsed range always holds at least one day.
  throw new Error('business hours hold no day');
}

/** `9:00 AM`, `1:30 PM` (plain spaces, unlike some ICU versions). */
export function formatClock(minuteOfDay: number): string {
  const h = Math.floor(minuteOfDay / 60);
  const m = minuteOfDay % 60;
  return `${h % 12 || 12}:${String(m).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

/** A short generic name of the zone, such as `ET`, falling back to the IANA name. */
function zoneLabel(now: Date, timeZone: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortGeneric' }).formatToParts(now).find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/**
 * What the patient is told about when to expect an answer: inside business hours, the usual
 * delay when the help desk has published one (HELPDESK_REPLY_WITHIN_HOURS), else no number,
 * because a promise nobody made must not reach a patient; outside, that the help desk is closed
 * and when it opens (today, tomorrow or a weekday).
 */
export function replyExpectation(now: Date, hours: BusinessHours, replyWithinHours: number | null = null): string {
  const status = businessStatus(now, hours);
  if (status.open) {
    if (replyWithinHours === null) return 'The help desk is open now; a member of the help desk will reply as soon as they can.';
    return `A member of the help desk usually replies within ${replyWithinHours} business hour${replyWithinHours === 1 ? '' : 's'}.`;
  }
  const day = WEEKDAY_NAMES[status.opensOnDay];
  const when = status.daysAhead === 0 ? 'today' : status.daysAhead === 1 ? `tomorrow (${day})` : `on ${day}`;
  return `We're closed now; we'll reply after we open ${when} at ${formatClock(status.opensAtMinute)} ${zoneLabel(now, hours.timeZone)}.`;
}
