import type { SqlExecutor } from '../db/database';

/**
 * The numbers of the insights report, computed in SQL over the tables the recorder writes
 * (`bot/adapters/sqlInsights.ts`). The same queries feed `npm run insights`, the HTML report, the
 * weekly Teams digest and the `insights` staff command.
 */

/** The JSON of `npm run insights -- --json`: exactly these fields. */
export interface InsightsSummary {
  since: string;
  until: string;
  /** Conversations with a turn in the window. */
  conversations: number;
  /** Answers given (FAQ answers and troubleshooting dialogs started). */
  answered: number;
  /** "Did that answer your question?": yes. */
  helpedYes: number;
  /** … and no. */
  helpedNo: number;
  /** Cases handed to the help desk. */
  escalations: number;
  /** Share of conversations that ended without a case, in [0, 1]; `null` without conversations. */
  containmentRate: number | null;
  /** Patients' 1–5 ratings after their case was resolved; `average` is `null` without any. */
  csat: { responses: number; average: number | null };
  /** The intents answered most, most first. */
  topIntents: Array<{ intent: string; count: number }>;
  /** Questions the bot could not answer (masked text), most asked first, with the matcher's best guess. */
  unanswered: Array<{ text: string; count: number; suggestedIntent: string | null }>;
}

/** Everything the HTML report and the digest show beyond the summary. */
export interface InsightsDetails {
  summary: InsightsSummary;
  /** Questions the bot could not answer (misses), emergencies shown, conversations abandoned mid-flow. */
  misses: number;
  emergencies: number;
  abandoned: number;
  /** Per day (in `timeZone`): questions (answers + misses), answered, misses, conversations and escalations. */
  perDay: Array<{ day: string; questions: number; answered: number; misses: number; conversations: number; escalations: number }>;
  /** Per intent: how often an answer was said to help or not. */
  helpedByIntent: Array<{ intent: string; yes: number; no: number }>;
  /** How many ratings of each value, 1 to 5. */
  ratings: [number, number, number, number, number];
  timeZone: string;
}

/** No reply for this long while a dialog waits is an abandonment. */
export const ABANDON_AFTER_MS = 30 * 60 * 1000;

/** Options of the report queries. */
export interface ReportWindow {
  since: Date;
  until: Date;
  /** How many top intents and unanswered questions (default 10 and 20). */
  topIntents?: number;
  unanswered?: number;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The summary of what happened between `since` and `until`. */
export async function insightsSummary(db: SqlExecutor, window: ReportWindow): Promise<InsightsSummary> {
  const { since, until } = window;
  const [counts] = await db.query<Record<string, unknown>>(
    `SELECT
       (SELECT count(*) FROM insight_conversations WHERE last_at >= $1 AND started_at < $2) AS conversations,
       count(*) FILTER (WHERE kind = 'answer') AS answered,
       count(*) FILTER (WHERE kind = 'helped' AND helped) AS helped_yes,
       count(*) FILTER (WHERE kind = 'helped' AND NOT helped) AS helped_no,
       count(*) FILTER (WHERE kind = 'escalation') AS escalations,
       count(DISTINCT conversation) FILTER (WHERE kind = 'escalation') AS escalated_conversations,
       count(*) FILTER (WHERE kind = 'rating') AS ratings,
       avg(rating) FILTER (WHERE kind = 'rating') AS rating_average
     FROM insight_events WHERE at >= $1 AND at < $2`,
    [since, until],
  );
  const intents = await db.query<{ intent: string; count: unknown }>(
    `SELECT intent, count(*) AS count FROM insight_events WHERE kind = 'answer' AND at >= $1 AND at < $2 GROUP BY intent ORDER BY count(*) DESC, intent LIMIT $3`,
    [since, until, window.topIntents ?? 10],
  );
  const unanswered = await db.query<{ text: string; count: unknown; suggested: string | null }>(
    `SELECT min(text) AS text, count(*) AS count, mode() WITHIN GROUP (ORDER BY suggestions->0->>'intent') AS suggested
     FROM unanswered_questions WHERE at >= $1 AND at < $2 GROUP BY lower(text) ORDER BY count(*) DESC, min(text) LIMIT $3`,
    [since, until, window.unanswered ?? 20],
  );
  const conversations = num(counts.conversations);
  const responses = num(counts.ratings);
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    conversations,
    answered: num(counts.answered),
    helpedYes: num(counts.helped_yes),
    helpedNo: num(counts.helped_no),
    escalations: num(counts.escalations),
    containmentRate: conversations === 0 ? null : round(Math.max(0, conversations - num(counts.escalated_conversations)) / conversations, 3),
    csat: { responses, average: responses === 0 ? null : round(num(counts.rating_average), 2) },
    topIntents: intents.map((r) => ({ intent: r.intent, count: num(r.count) })),
    unanswered: unanswered.map((r) => ({ text: r.text, count: num(r.count), suggestedIntent: r.suggested ?? null })),
  };
}

/** The summary plus the series the HTML report and the digest draw. */
export async function insightsDetails(db: SqlExecutor, window: ReportWindow & { timeZone?: string; now?: Date }): Promise<InsightsDetails> {
  const { since, until } = window;
  const timeZone = window.timeZone ?? 'UTC';
  const summary = await insightsSummary(db, window);
  const [counts] = await db.query<Record<string, unknown>>(
    `SELECT count(*) FILTER (WHERE kind = 'miss') AS misses, count(*) FILTER (WHERE kind = 'emergency') AS emergencies
     FROM insight_events WHERE at >= $1 AND at < $2`,
    [since, until],
  );
  const quietSince = new Date((window.now ?? new Date()).getTime() - ABANDON_AFTER_MS);
  const [abandoned] = await db.query<{ n: unknown }>(
    'SELECT count(*) AS n FROM insight_conversations WHERE waiting_in IS NOT NULL AND last_at >= $1 AND last_at < $2 AND last_at < $3',
    [since, until, quietSince],
  );
  const days = await db.query<Record<string, unknown>>(
    `SELECT to_char(at AT TIME ZONE $3, 'YYYY-MM-DD') AS day,
       count(*) FILTER (WHERE kind = 'answer') AS answered, count(*) FILTER (WHERE kind = 'miss') AS misses,
       count(*) FILTER (WHERE kind = 'escalation') AS escalations
     FROM insight_events WHERE at >= $1 AND at < $2 GROUP BY 1 ORDER BY 1`,
    [since, until, timeZone],
  );
  const dayConversations = await db.query<{ day: string; n: unknown }>(
    `SELECT to_char(last_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, count(*) AS n FROM insight_conversations WHERE last_at >= $1 AND last_at < $2 GROUP BY 1`,
    [since, until, timeZone],
  );
  const helped = await db.query<{ intent: string | null; yes: unknown; no: unknown }>(
    `SELECT coalesce(intent, dialog, 'unknown') AS intent, count(*) FILTER (WHERE helped) AS yes, count(*) FILTER (WHERE NOT helped) AS no
     FROM insight_events WHERE kind = 'helped' AND at >= $1 AND at < $2 GROUP BY 1 ORDER BY count(*) DESC, 1`,
    [since, until],
  );
  const ratingRows = await db.query<{ rating: number; n: unknown }>(
    `SELECT rating, count(*) AS n FROM insight_events WHERE kind = 'rating' AND at >= $1 AND at < $2 GROUP BY rating`,
    [since, until],
  );
  const ratings: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  for (const r of ratingRows) if (r.rating >= 1 && r.rating <= 5) ratings[r.rating - 1] = num(r.n);

  const byDay = new Map<string, InsightsDetails['perDay'][number]>();
  const dayOf = (day: string) => {
    let d = byDay.get(day);
    if (!d) byDay.set(day, (d = { day, questions: 0, answered: 0, misses: 0, conversations: 0, escalations: 0 }));
    return d;
  };
  for (const r of days) {
    const d = dayOf(String(r.day));
    d.answered = num(r.answered);
    d.misses = num(r.misses);
    d.escalations = num(r.escalations);
    d.questions = d.answered + d.misses;
  }
  for (const r of dayConversations) dayOf(r.day).conversations = num(r.n);
  return {
    summary,
    misses: num(counts.misses),
    emergencies: num(counts.emergencies),
    abandoned: num(abandoned.n),
    perDay: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)),
    helpedByIntent: helped.map((r) => ({ intent: r.intent ?? 'unknown', yes: num(r.yes), no: num(r.no) })),
    ratings,
    timeZone,
  };
}

/**
 * A duration back from now (`7d`, `24h`, `90m`, `2w`) or a date (`2026-11-01`), as a Date; `null`
 * when it is neither.
 */
export function parseSince(value: string, now: Date): Date | null {
  const m = /^(\d+)\s*([mhdw])$/i.exec(value.trim());
  if (m) {
    const unit = { m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2].toLowerCase() as 'm' | 'h' | 'd' | 'w'];
    return new Date(now.getTime() - Number(m[1]) * unit);
  }
  if (/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value.trim())) {
    const d = new Date(value.trim());
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}
