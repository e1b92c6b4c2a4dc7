import type { ConversationReference } from 'botbuilder-core';

/** Where a case is in the help desk's hands. */
export type CaseStatus = 'open' | 'claimed' | 'resolved';

/** One line of a case transcript. Text is already redacted (see `dialogs/redact.ts`). */
export interface TranscriptLine {
  from: 'user' | 'bot' | 'staff';
  text: string;
  /** ISO 8601 timestamp. */
  at: string;
}

/** Something that happened to a case: created, claimed, a reply, resolved, a lookup. */
export interface CaseEvent {
  type: 'created' | 'escalated' | 'claimed' | 'reply' | 'patient-message' | 'resolved' | 'feedback' | 'mail-failed' | 'access';
  /** Who did it: a staff member's display name, `patient`, `bot` or `helpdesk-email`. */
  by: string;
  /** Redacted detail, when the event carries text. */
  detail?: string;
  at: string;
}

/** A help-desk case: everything the help desk needs in one place. */
export interface CaseRecord {
  /** Short, readable and unique across instances, for example `UHS-7K3Q9D`. */
  id: string;
  status: CaseStatus;
  /** The topic shown in the email subject and the Teams card. */
  topic: string;
  /** The last matched intent id, or `null`. */
  intent: string | null;
  /** The user's own short description (redacted). */
  summary: string;
  /** Where a reply by email should go, when the user gave an address. */
  replyEmail: string | null;
  /** Whether the user consented to include the conversation transcript. */
  transcriptConsent: boolean;
  /** Diagnostics gathered: the upload diagnosis, which dialog gave up, the last answers shown. */
  diagnostics: Record<string, unknown>;
  /** Redacted transcript (empty without consent). */
  transcript: TranscriptLine[];
  /** Lets a reply reach the patient's chat later (proactive message). */
  conversationReference: Partial<ConversationReference>;
  /** Display name of the staff member who claimed the case. */
  claimedBy: string | null;
  /** The Teams card's activity id in the escalation channel, so it can be updated in place. */
  cardActivityId: string | null;
  events: CaseEvent[];
  createdAt: string;
  updatedAt: string;
}

/** A case as the handoff dialog creates it: the store fills in id, status and timestamps. */
export type NewCase = Omit<CaseRecord, 'id' | 'status' | 'claimedBy' | 'cardActivityId' | 'events' | 'createdAt' | 'updatedAt'>;

/** Options of `CaseStore.create`. */
export interface CreateCaseOptions {
  /** Use this id (already generated with `newCaseId`) instead of drawing a new one. */
  id?: string;
  /** When the case was really opened, if earlier than now (a case stored after an outage). */
  createdAt?: Date;
}

/**
 * Stores cases. Memory by default, Redis with `REDIS_URL` (adapters in `bot/adapters`).
 * Not-found is `null`, never an exception.
 */
export interface CaseStore {
  /**
   * Creates a case with a fresh id and status `open`. With `options.id` (an id the handoff
   * dialog generated while the store was down, see `dialogs/cases/pendingEscalations.ts`) it stores
   * the case under that id, and is idempotent: when a case with that id exists already, it is
   * returned unchanged, so a retry after a lost answer never makes a second case.
   */
  create(input: NewCase, options?: CreateCaseOptions): Promise<CaseRecord>;
  get(id: string): Promise<CaseRecord | null>;
  /**
   * Applies `change` to the stored case atomically with respect to other updates of the same
   * case, and returns the new record, or `null` when there is no such case.
   */
  update(id: string, change: (current: CaseRecord) => CaseRecord): Promise<CaseRecord | null>;
  /** Cases, newest first, optionally with one status. */
  list(filter?: { status?: CaseStatus; limit?: number }): Promise<CaseRecord[]>;
  /** The newest case of a conversation that is not resolved, or `null`. */
  findOpenByConversation(conversationId: string): Promise<CaseRecord | null>;
  /**
   * The live cases whose reply address is `email` (compared trimmed and case-insensitively,
   * see `emailHash` in `dialogs/cases/caseRecords.ts`), newest first. Stores index the address
   * by its hash, never in clear.
   */
  findByEmail(email: string): Promise<CaseRecord[]>;
  /**
   * Deletes the case and its index entries at once (a person asked for their data to be
   * deleted). Returns whether there was such a case.
   */
  delete(id: string): Promise<boolean>;
  /** Small named settings, such as the Teams escalation channel's conversation reference. */
  getSetting<T>(key: string): Promise<T | null>;
  setSetting<T>(key: string, value: T): Promise<void>;
  /** Which adapter is in use, for /healthz. */
  readonly kind: string;
}
