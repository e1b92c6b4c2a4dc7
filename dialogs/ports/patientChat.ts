import type { Activity, ConversationReference } from 'botbuilder-core';

/**
 * Reaches a patient's chat outside the current turn (a proactive message), for help-desk
 * replies and the question after a case is resolved. The adapter is `CloudMessenger` in `bot/teams`.
 * Throws when the chat cannot be reached; callers treat that as an expected outcome.
 */
export interface PatientChat {
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<unknown>;
}
