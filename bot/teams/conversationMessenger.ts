import type { Activity, ConversationReference } from 'botbuilder';

/**
 * Sends and updates activities in a conversation outside the current turn (proactively): the
 * escalation channel's cards, the patient's chat. An interface so that the Teams code can be
 * tested against a recording connector and wired to the real adapter in `bot/index.ts`
 * (see `CloudMessenger`).
 */
export interface ConversationMessenger {
  /** Posts `activity` into the conversation of `reference`; returns the id the channel gave it. */
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<{ id?: string }>;
  /** Replaces the activity whose `id` is set on `activity` (Teams: the card updates in place). */
  update(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<void>;
  /**
   * Starts a new thread in the Teams channel of `channel` with `activity` as its root post;
   * returns the root post's id. (A plain `send` would go out as a reply to a random id.)
   */
  startThread(channel: Partial<ConversationReference>, activity: Partial<Activity>): Promise<{ id?: string }>;
}
