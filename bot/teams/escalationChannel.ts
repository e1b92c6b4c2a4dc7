import { TurnContext, teamsGetChannelId, type Activity, type ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { CaseStore } from '../../dialogs/ports';

/**
 * The Teams channel that receives new cases, kept as a case-store setting so that every bot
 * instance posts to the same place and the choice survives restarts.
 */

/** The case-store setting key holding the {@link EscalationChannel}. */
export const ESCALATION_CHANNEL_SETTING = 'teams.escalationChannel';

/** Where escalation cards go, who chose it and when. */
export interface EscalationChannel {
  /** Conversation reference of the channel itself (not of a thread in it). */
  reference: Partial<ConversationReference>;
  /** Display name of the staff member who chose the channel. */
  setBy: string;
  /** ISO 8601 timestamp. */
  setAt: string;
}

// The setting comes back from a store (possibly Redis, possibly an older version): check its shape.
const escalationChannelSchema = z.object({
  reference: z.looseObject({
    serviceUrl: z.string().min(1),
    channelId: z.string().min(1),
    conversation: z.looseObject({ id: z.string().min(1) }),
  }),
  setBy: z.string(),
  setAt: z.string(),
});

/** Teams marks a thread inside a channel by appending this to the channel's conversation id. */
const THREAD_SUFFIX = /;messageid=.*$/;

/**
 * The channel reference for a message sent in a Teams channel. A message in a channel arrives
 * with the conversation id of its thread (`19:…@thread.tacv2;messageid=…`); posting new cards
 * there would bury them in that thread, so the reference points at the channel itself.
 */
export function escalationChannelFrom(activity: Activity, setBy: string, at: Date): EscalationChannel {
  const reference = TurnContext.getConversationReference(activity);
  const channelId = teamsGetChannelId(activity) ?? reference.conversation?.id.replace(THREAD_SUFFIX, '');
  return {
    reference: { ...reference, activityId: undefined, conversation: { ...reference.conversation!, id: channelId ?? '' } },
    setBy,
    setAt: at.toISOString(),
  };
}

/** The saved escalation channel, or `null` when none is chosen (or the setting is unreadable). */
export async function loadEscalationChannel(cases: Pick<CaseStore, 'getSetting'>): Promise<EscalationChannel | null> {
  const parsed = escalationChannelSchema.safeParse(await cases.getSetting<unknown>(ESCALATION_CHANNEL_SETTING));
  // The schema checks the fields a proactive send needs; the rest passes through to the adapter.
  return parsed.success ? (parsed.data as unknown as EscalationChannel) : null;
}

/** A reference to the reply thread under the channel post `rootActivityId` (Teams' `;messageid=` form). */
export function threadReference(channel: Partial<ConversationReference>, rootActivityId: string): Partial<ConversationReference> {
  const id = `${channel.conversation?.id ?? ''};messageid=${rootActivityId}`;
  return { ...channel, conversation: { ...channel.conversation!, id } };
}
