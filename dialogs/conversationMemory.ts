import type { TranscriptLine } from './ports';

/** How many transcript lines a conversation keeps (the newest); enough context for the help desk. */
export const TRANSCRIPT_LIMIT = 30;

/**
 * The longest a bot line is kept in the transcript. The bot's answers are long FAQ texts the
 * help desk knows by heart; keeping their start (and every word the user wrote) is enough, and
 * keeps conversation state small: it is hashed, serialised and sent to Redis on every turn.
 */
export const BOT_LINE_LIMIT = 300;

/**
 * What the bot remembers about a conversation between turns, kept in conversation state
 * (and so in Redis with a TTL when it is configured).
 */
export interface ConversationMemory {
  /** Misses in a row (no intent matched). Two lead to the help desk. */
  misses: number;
  /** Set after an answer or a troubleshooting dialog: the next "yes"/"no" is feedback on it. */
  awaitingFeedback: { intent: string | null; dialog: string | null } | null;
  /** "Did you mean …?" buttons shown last turn: label → intent id. */
  pendingChoices: Record<string, string>;
  /** The last matched intent. */
  lastIntent: string | null;
  /** Intent ids of the last answers shown (newest last), carried into a case. */
  lastAnswers: string[];
  /** Redacted transcript, newest last, at most {@link TRANSCRIPT_LIMIT} lines. */
  transcript: TranscriptLine[];
  /** The open help-desk case of this conversation, if any. */
  openCaseId: string | null;
}

/** A fresh memory for a new conversation. */
export function emptyMemory(): ConversationMemory {
  return { misses: 0, awaitingFeedback: null, pendingChoices: {}, lastIntent: null, lastAnswers: [], transcript: [], openCaseId: null };
}

/** Appends a line to the transcript, keeping the newest {@link TRANSCRIPT_LIMIT}. */
export function appendTranscript(memory: ConversationMemory, line: TranscriptLine): void {
  const text = line.from === 'bot' && line.text.length > BOT_LINE_LIMIT ? `${line.text.slice(0, BOT_LINE_LIMIT - 1)}…` : line.text;
  memory.transcript.push(text === line.text ? line : { ...line, text });
  if (memory.transcript.length > TRANSCRIPT_LIMIT) memory.transcript.splice(0, memory.transcript.length - TRANSCRIPT_LIMIT);
}
