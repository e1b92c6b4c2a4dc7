/**
 * What the bot records about conversations for the help desk's insights (answers, whether they
 * helped, misses, escalations, emergencies, ratings, abandonment), without personal data: the
 * adapter hashes conversation ids and masks the text of missed questions with the one redaction
 * helper. Recording is fire-and-forget: `record` never throws, never waits, and a database
 * outage costs insights, never a turn.
 */

/** A lexical suggestion of the matcher for a missed question. */
export interface InsightSuggestion {
  intent: string;
  score: number;
}

/** One thing that happened. `conversationId` is the channel's id; the adapter hashes it. */
export type InsightEvent =
  /** A user's turn; `waitingIn` is the flow a dialog waits in afterwards (for abandonment), or `null`. */
  | { kind: 'turn'; conversationId: string; waitingIn: string | null }
  /** An answer from the knowledge base, or the start of a troubleshooting dialog (`dialog`). */
  | { kind: 'answer'; conversationId: string; intent: string; score: number; dialog: string | null }
  /** The user's answer to "Did that answer your question?". */
  | { kind: 'helped'; conversationId: string; intent: string | null; dialog: string | null; helped: boolean }
  /** A question the bot could not answer: `text` as typed (masked before it is stored). */
  | { kind: 'miss'; conversationId: string; text: string; score: number; suggestions: InsightSuggestion[] }
  /** A case handed to the help desk. */
  | { kind: 'escalation'; conversationId: string; intent: string | null; trigger: string; caseId: string }
  /** The emergency answer (911, 988) was shown. */
  | { kind: 'emergency'; conversationId: string }
  /** The patient's 1–5 rating after their case was resolved. */
  | { kind: 'rating'; conversationId: string; caseId: string | null; rating: number };

/** Records insight events (adapter: `bot/adapters/sqlInsights.ts`). */
export interface InsightsRecorder {
  /** Queues `event`; returns at once and never throws. */
  record(event: InsightEvent): void;
}

/** A recorder that keeps nothing (tools, and tests that do not look at insights). */
export const noInsights: InsightsRecorder = { record: () => undefined };
