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
}
