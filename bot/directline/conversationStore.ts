import type { Activity } from 'botframework-schema';
import { randomId } from './httpKit';

/**
 * The in-memory state of the local Direct Line: one activity stream per conversation (read by
 * watermark) and the attachments uploaded to it. Everything lives only as long as the
 * conversation is in use: an idle conversation is swept with its attachments, so uploaded
 * files never outlive the chat and are never written anywhere.
 */

/** An activity as stored in a stream: whatever the sender gave, plus its id. */
export type StreamActivity = Partial<Activity> & { id: string };

/** A file held in memory for a conversation. */
export interface StoredAttachment {
  /** Unguessable id (128 bits): knowing it is what grants access to the bytes. */
  id: string;
  conversationId: string;
  name: string;
  contentType: string;
  bytes: Buffer;
  /** Optional thumbnail view (Connector `thumbnailBase64`). */
  thumbnail?: Buffer;
}

/** Caps that bound the memory the store can use. */
export interface ConversationLimits {
  /** A conversation nobody touched for this long is dropped. */
  idleSeconds: number;
  /** Live conversations at most; starting one more is refused. */
  maxConversations: number;
  /** Activities kept per conversation; older ones are dropped from the stream. */
  maxActivitiesPerConversation: number;
  /** Files kept per conversation. */
  maxAttachmentsPerConversation: number;
  /** Bytes of files kept per conversation. */
  maxAttachmentBytesPerConversation: number;
  /** Bytes of files kept in all conversations together. */
  maxAttachmentBytesTotal: number;
}

/** Defaults sized for one small machine. */
export const DEFAULT_CONVERSATION_LIMITS: ConversationLimits = {
  idleSeconds: 60 * 60,
  maxConversations: 10_000,
  maxActivitiesPerConversation: 500,
  maxAttachmentsPerConversation: 20,
  maxAttachmentBytesPerConversation: 50 * 1024 * 1024,
  maxAttachmentBytesTotal: 512 * 1024 * 1024,
};

/** Why {@link ConversationStore.addAttachment} refused a file. */
export type AttachmentRefusal = 'conversation-quota' | 'total-quota';

/** One conversation's stream and files. */
export class Conversation {
  /** Whether a Direct Line client has started it (and the bot got its conversationUpdate). */
  started = false;
  /** The user id of the Direct Line client that started it (for the members routes). */
  userId: string | undefined;
  /** When a client or the bot last used it (epoch ms): the idle sweep's measure. */
  lastSeen: number;
  /** Absolute index of `entries[0]`: watermarks stay valid after old entries are dropped. */
  private base = 0;
  private readonly entries: StreamActivity[] = [];
  private seq = 0;
  /** Files of this conversation, by attachment id. */
  readonly attachments = new Map<string, StoredAttachment>();
  /** Bytes of this conversation's files (for its quota). */
  attachmentBytes = 0;

  constructor(
    readonly id: string,
    now: number,
  ) {
    this.lastSeen = now;
  }

  /** The watermark after the last activity (the count of activities ever appended). */
  get watermark(): number {
    return this.base + this.entries.length;
  }

  /** A new activity id, Direct Line style: `<conversationId>|0000007`. */
  nextActivityId(): string {
    this.seq += 1;
    return `${this.id}|${String(this.seq).padStart(7, '0')}`;
  }

  /** Appends to the stream (dropping the oldest over `max`) and returns the stored activity. */
  append(activity: StreamActivity, max: number): StreamActivity {
    this.entries.push(activity);
    if (this.entries.length > max) {
      const drop = this.entries.length - max;
      this.entries.splice(0, drop);
      this.base += drop;
    }
    return activity;
  }

  /**
   * The activities after `watermark`, at most `pageSize`, and the watermark to ask with next;
   * `undefined` when the watermark is one this conversation never gave out.
   */
  page(watermark: number, pageSize: number): { activities: StreamActivity[]; watermark: number } | undefined {
    if (watermark > this.watermark) return undefined;
    const start = Math.max(watermark, this.base) - this.base;
    const activities = this.entries.slice(start, start + pageSize);
    return { activities, watermark: this.base + start + activities.length };
  }

  /**
   * Drops every activity kept so far and returns how many. Watermarks stay valid: a client
   * asking from an old one gets what comes after the cut.
   */
  clear(): number {
    const dropped = this.entries.length;
    this.entries.length = 0;
    this.base += dropped;
    return dropped;
  }

  /** The latest stored version of activity `id`, if it is still in the stream. */
  find(id: string): StreamActivity | undefined {
    for (let i = this.entries.length - 1; i >= 0; i -= 1) if (this.entries[i].id === id) return this.entries[i];
    return undefined;
  }
}

/** All conversations of the local Direct Line, with the sweep that expires idle ones. */
export class ConversationStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly attachments = new Map<string, StoredAttachment>();
  private totalAttachmentBytes = 0;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    readonly limits: ConversationLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Live conversations. */
  get size(): number {
    return this.conversations.size;
  }

  /** The conversation, marked as used now; `undefined` when unknown or expired. */
  get(id: string): Conversation | undefined {
    const conversation = this.conversations.get(id);
    if (conversation) conversation.lastSeen = this.now();
    return conversation;
  }

  /** The conversation, created when unknown; `undefined` when the store is full. */
  getOrCreate(id: string): Conversation | undefined {
    const existing = this.get(id);
    if (existing) return existing;
    if (this.conversations.size >= this.limits.maxConversations) return undefined;
    const created = new Conversation(id, this.now());
    this.conversations.set(id, created);
    return created;
  }

  /** Appends an activity (giving it an id and timestamp when it has none) to the stream. */
  append(conversation: Conversation, activity: Partial<Activity>): StreamActivity {
    const stored: StreamActivity = {
      ...activity,
      id: activity.id ?? conversation.nextActivityId(),
      timestamp: activity.timestamp ?? new Date(this.now()),
    };
    return conversation.append(stored, this.limits.maxActivitiesPerConversation);
  }

  /**
   * Keeps a file in memory for the conversation; refused (as a value) over the quotas.
   */
  addAttachment(
    conversation: Conversation,
    file: { name: string; contentType: string; bytes: Buffer; thumbnail?: Buffer },
  ): StoredAttachment | AttachmentRefusal {
    const size = file.bytes.length + (file.thumbnail?.length ?? 0);
    if (
      conversation.attachments.size >= this.limits.maxAttachmentsPerConversation ||
      conversation.attachmentBytes + size > this.limits.maxAttachmentBytesPerConversation
    ) {
      return 'conversation-quota';
    }
    if (this.totalAttachmentBytes + size > this.limits.maxAttachmentBytesTotal) return 'total-quota';
    const stored: StoredAttachment = { ...file, id: randomId(16), conversationId: conversation.id };
    conversation.attachments.set(stored.id, stored);
    conversation.attachmentBytes += size;
    this.attachments.set(stored.id, stored);
    this.totalAttachmentBytes += size;
    return stored;
  }

  /** A file by its id, while its conversation lives. */
  attachment(id: string): StoredAttachment | undefined {
    return this.attachments.get(id);
  }

  /** Drops `conversation` and its files. */
  delete(id: string): void {
    const conversation = this.conversations.get(id);
    if (!conversation) return;
    this.dropFiles(conversation);
    this.conversations.delete(id);
  }

  private dropFiles(conversation: Conversation): void {
    for (const file of conversation.attachments.values()) {
      this.attachments.delete(file.id);
      this.totalAttachmentBytes -= file.bytes.length + (file.thumbnail?.length ?? 0);
    }
    conversation.attachments.clear();
    conversation.attachmentBytes = 0;
  }

  /**
   * Forgets what a conversation holds (its activities and files) but keeps it open, so the
   * client still receives what the bot says next; `undefined` when there is no such conversation.
   */
  forgetHistory(id: string): { activities: number; files: number } | undefined {
    const conversation = this.conversations.get(id);
    if (!conversation) return undefined;
    const files = conversation.attachments.size;
    this.dropFiles(conversation);
    return { activities: conversation.clear(), files };
  }

  /** Drops every conversation idle for longer than the limit; returns how many went. */
  sweep(): number {
    const cutoff = this.now() - this.limits.idleSeconds * 1000;
    let dropped = 0;
    for (const [id, conversation] of this.conversations) {
      if (conversation.lastSeen < cutoff) {
        this.delete(id);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Sweeps every `intervalMs` on an unref'd timer, so it never keeps the process alive. */
  startSweeping(intervalMs: number): void {
    this.stopSweeping();
    this.sweeper = setInterval(() => this.sweep(), intervalMs);
    this.sweeper.unref();
  }

  /** Stops the sweep. */
  stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Stops the sweep and forgets everything (attachments included). */
  close(): void {
    this.stopSweeping();
    for (const id of [...this.conversations.keys()]) this.delete(id);
  }
}
