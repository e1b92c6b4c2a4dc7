import crypto from 'node:crypto';
import type { Activity, ChannelAccount } from 'botbuilder';

/**
 * Builders of activities shaped the way Microsoft Teams (and, for contrast, Web Chat) sends
 * them to a bot: `channelData.tenant`, AAD object ids, `<at>` mentions, channel thread ids.
 */

/** The bot as Teams addresses it. */
export const TEAMS_BOT: ChannelAccount = { id: '28:11111111-2222-3333-4444-555555555555', name: 'UHS Portal Help' };

/** A Teams user: display name, Teams id and AAD object id. */
export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId: string;
}

/** Where a Teams activity comes from. */
export interface TeamsOrigin {
  serviceUrl: string;
  tenantId: string;
  from: TeamsUser;
  /** A team channel (`19:…@thread.tacv2`); without it the activity is a personal (1:1) chat. */
  channel?: { teamId: string; channelId: string };
}

function teamsBase(origin: TeamsOrigin): Partial<Activity> {
  const conversation = origin.channel
    ? // A new post in a channel: the conversation id is the channel's with the thread's root id.
      { id: `${origin.channel.channelId};messageid=${Date.now()}`, conversationType: 'channel', isGroup: true, tenantId: origin.tenantId }
    : { id: `a:personal-${origin.from.id}`, conversationType: 'personal', tenantId: origin.tenantId };
  return {
    id: crypto.randomUUID(),
    channelId: 'msteams',
    serviceUrl: origin.serviceUrl,
    timestamp: new Date(),
    from: { id: origin.from.id, name: origin.from.name, aadObjectId: origin.from.aadObjectId },
    recipient: TEAMS_BOT,
    conversation: conversation as Activity['conversation'],
    channelData: {
      tenant: { id: origin.tenantId },
      ...(origin.channel ? { team: { id: origin.channel.teamId }, channel: { id: origin.channel.channelId } } : {}),
    },
  };
}

/** A Teams message; in a channel it starts with the bot's @mention, as Teams requires there. */
export function teamsMessage(origin: TeamsOrigin, text: string): Partial<Activity> {
  const base = teamsBase(origin);
  if (!origin.channel) return { ...base, type: 'message', text, textFormat: 'plain' };
  const mention = `<at>${TEAMS_BOT.name}</at>`;
  return {
    ...base,
    type: 'message',
    text: `${mention} ${text}`,
    textFormat: 'plain',
    entities: [{ type: 'mention', mentioned: TEAMS_BOT, text: mention }],
  };
}

/** A click on an `Action.Execute` button of a card (Teams Universal Actions). */
export function teamsCardAction(origin: TeamsOrigin, verb: string, data: Record<string, unknown>, cardActivityId: string): Partial<Activity> {
  return {
    ...teamsBase(origin),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: cardActivityId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** A Web Chat (Direct Line) message from a patient. */
export function webChatMessage(serviceUrl: string, conversationId: string, text: string): Partial<Activity> {
  return {
    id: crypto.randomUUID(),
    type: 'message',
    channelId: 'webchat',
    serviceUrl,
    timestamp: new Date(),
    from: { id: 'dl_patient-1', name: 'You' },
    recipient: { id: 'uhs-bot', name: 'UHS Portal Help' },
    conversation: { id: conversationId } as Activity['conversation'],
    text,
  };
}
