import type { TranscriptLine } from '../ports';
import type { KnownFacts } from './conversationFacts';
import { cutMarkdown } from '../markdownText';

/** How many transcript lines a conversation keeps (the newest); enough context for the help desk. */
export const TRANSCRIPT_LIMIT = 30;

/**
 * The longest a bot line is kept in the transcript. The bot's answers are long FAQ texts the
 * help desk knows by heart, and each starts with its question in bold; keeping that start (and
 * every word the user wrote) is enough, and keeps conversation state small: it is parsed,
 * serialised twice and sent to Redis on every turn (the load bench measured state size as a cost).
 */
export const BOT_LINE_LIMIT = 160;

/**
 * The longest a user (or staff) line is kept in the transcript: a long message is still read in
 * full by the bot, but its transcript line stops here, so thirty lines of any length cannot grow
 * conversation state (and a case's transcript) without bound.
 */
export const USER_LINE_LIMIT = 1000;

/**
 * What ends a bot line cut at {@link BOT_LINE_LIMIT}. ASCII on purpose: one character above
 * U+00FF (such as "…") makes V8 store the whole state JSON with two bytes per character, twice
 * the memory and slower to serialise, on every turn.
 */
export const CUT_MARK = '...';

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
  /**
   * Redacted transcript, newest last, at most {@link TRANSCRIPT_LIMIT} lines, each encoded as
   * one string (see {@link encodeTranscriptLine}); read it with {@link transcriptLines}.
   */
  transcript: StoredTranscriptLine[];
  /** The open help-desk case of this conversation, if any. */
  openCaseId: string | null;
  /** What the person told the dialogs (see `conversationFacts.ts`); absent in older state. */
  facts?: KnownFacts;
  /** Set after an emergency reply interrupted a flow: the next message says whether to carry on. */
  paused?: boolean;
  /** A topic left for another one mid-flow, offered again when the new one ends. */
  resume?: string | null;
  /** How far "then what?" has gone past the answer to `intent` (see the main dialog's follow-ups). */
  continued?: { intent: string; stage: number } | null;
  /** The out-of-scope topic answered last, for a follow-up on it ("so where do i find them then"). */
  lastOutOfScope?: string | null;
}

/**
 * A transcript line as conversation state keeps it: `<at> <from>: <text>`, one string instead
 * of an object of three. Conversation state is hashed three times a turn by botbuilder (on load,
 * before and after the save), parsed and serialised, with a replacer call per JSON value; with
 * thirty lines as objects that was a sixth of a turn's work in the load bench.
 * Objects (the earlier form) are still read, so a state saved before the change keeps working.
 */
export type StoredTranscriptLine = string | TranscriptLine;

const SPEAKERS: ReadonlySet<string> = new Set<TranscriptLine['from']>(['user', 'bot', 'staff']);

/** Encodes a transcript line for conversation state. */
export function encodeTranscriptLine(line: TranscriptLine): string {
  return `${line.at} ${line.from}: ${line.text}`;
}

/** Decodes a stored transcript line; `null` for one that is not in either form. */
export function decodeTranscriptLine(stored: StoredTranscriptLine): TranscriptLine | null {
  if (typeof stored !== 'string') return stored;
  const space = stored.indexOf(' ');
  const colon = stored.indexOf(': ', space + 1);
  if (space < 0 || colon < 0) return null;
  const from = stored.slice(space + 1, colon);
  if (!SPEAKERS.has(from)) return null;
  return { at: stored.slice(0, space), from: from as TranscriptLine['from'], text: stored.slice(colon + 2) };
}

/** The transcript of `memory` as lines, oldest first. */
export function transcriptLines(memory: ConversationMemory): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  for (const stored of memory.transcript) {
    const line = decodeTranscriptLine(stored);
    if (line) lines.push(line);
  }
  return lines;
}

/** A fresh memory for a new conversation. */
export function emptyMemory(): ConversationMemory {
  return { misses: 0, awaitingFeedback: null, pendingChoices: {}, lastIntent: null, lastAnswers: [], transcript: [], openCaseId: null };
}

/**
 * Appends a line to the transcript, keeping the newest {@link TRANSCRIPT_LIMIT}, each cut to
 * {@link BOT_LINE_LIMIT} (bot) or {@link USER_LINE_LIMIT} (user, staff).
 */
export function appendTranscript(memory: ConversationMemory, line: TranscriptLine): void {
  // The bot's lines are Markdown, rendered again in the escalation email: cut where no bold or link is left half open.
  const text = line.from === 'bot'
    ? cutMarkdown(line.text, BOT_LINE_LIMIT, CUT_MARK)
    : line.text.length > USER_LINE_LIMIT ? `${line.text.slice(0, USER_LINE_LIMIT - CUT_MARK.length)}${CUT_MARK}` : line.text;
  memory.transcript.push(encodeTranscriptLine(text === line.text ? line : { ...line, text }));
  if (memory.transcript.length > TRANSCRIPT_LIMIT) memory.transcript.splice(0, memory.transcript.length - TRANSCRIPT_LIMIT);
}
