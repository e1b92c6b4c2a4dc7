import type { Activity, Attachment, ChannelAccount } from 'botframework-schema';
import { z } from 'zod';

/**
 * What a Direct Line client may send, and how the service turns it into the activity the bot
 * receives. The client chooses the content; the service sets every field that says who and
 * where (ids, sender, recipient, conversation, channel), so a browser cannot impersonate
 * another user or post into another conversation.
 */

/** The channel id the bot sees for local Direct Line traffic (the same as Azure's). */
export const DIRECTLINE_CHANNEL_ID = 'directline';

/** Longest message text accepted from a client. */
export const MAX_TEXT_LENGTH = 10_000;

const shortString = (max: number) => z.string().max(max);

const clientAttachmentSchema = z
  .object({
    contentType: shortString(256),
    contentUrl: shortString(2048).optional(),
    content: z.unknown().optional(),
    name: shortString(255).optional(),
    thumbnailUrl: z.unknown().optional(),
  })
  // Web Chat sends a resized preview of every image as a data: URL (tens of kilobytes). It is
  // the browser's own copy of the picture, so it is dropped rather than refused with the message.
  .transform(({ thumbnailUrl, ...attachment }) =>
    typeof thumbnailUrl === 'string' && thumbnailUrl.length <= 2048 && !/^data:/i.test(thumbnailUrl) ? { ...attachment, thumbnailUrl } : attachment,
  );

/** The activity a Direct Line client may post (unknown fields are dropped). */
export const clientActivitySchema = z.object({
  type: z.enum(['message', 'event', 'typing']),
  text: shortString(MAX_TEXT_LENGTH).optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: shortString(32).optional(),
  localTimezone: shortString(64).optional(),
  localTimestamp: shortString(64).optional(),
  name: shortString(256).optional(),
  value: z.unknown().optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
  attachments: z.array(clientAttachmentSchema).max(10).optional(),
  entities: z.array(z.record(z.string(), z.unknown())).max(20).optional(),
  replyToId: shortString(256).optional(),
  from: z.object({ id: shortString(256).optional(), name: shortString(128).optional() }).optional(),
});

/** A validated client activity. */
export type ClientActivity = z.infer<typeof clientActivitySchema>;

/** The template activity of an upload: like a posted one, but the type defaults to message. */
export const uploadActivitySchema = clientActivitySchema.extend({
  type: z.literal('message').default('message'),
});

/** Where a user activity is going and on whose behalf. */
export interface UserActivityContext {
  id: string;
  conversationId: string;
  userId: string;
  bot: ChannelAccount;
  /** Set only on the copy delivered to the bot: the base URL of our Connector routes. */
  serviceUrl?: string;
  timestamp: Date;
}

/** Builds the activity for `input`: client content, service-controlled identity fields. */
export function userActivity(
  input: ClientActivity,
  context: UserActivityContext,
  attachments: Attachment[] | undefined = input.attachments,
): Partial<Activity> {
  const { from, attachments: _ignored, ...content } = input;
  const activity: Partial<Activity> = {
    ...(content as Partial<Activity>),
    id: context.id,
    timestamp: context.timestamp,
    channelId: DIRECTLINE_CHANNEL_ID,
    conversation: { id: context.conversationId } as Activity['conversation'],
    from: { id: context.userId, name: from?.name ?? '', role: 'user' },
    recipient: context.bot,
  };
  if (attachments && attachments.length > 0) activity.attachments = attachments;
  if (context.serviceUrl !== undefined) activity.serviceUrl = context.serviceUrl;
  return activity;
}

/** The `conversationUpdate` that tells the bot a user joined, so it sends its welcome. */
export function membersAddedActivity(context: UserActivityContext, locale: string | undefined): Partial<Activity> {
  const user: ChannelAccount = { id: context.userId, name: '', role: 'user' };
  const activity: Partial<Activity> = {
    type: 'conversationUpdate',
    id: context.id,
    timestamp: context.timestamp,
    channelId: DIRECTLINE_CHANNEL_ID,
    serviceUrl: context.serviceUrl,
    conversation: { id: context.conversationId } as Activity['conversation'],
    from: user,
    recipient: context.bot,
    membersAdded: [context.bot, user],
  };
  if (locale) activity.locale = locale;
  return activity;
}

/** Any activity the bot sends through the Connector routes (it is trusted: loopback only). */
export const botActivitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: shortString(256).optional(),
  })
  .loose();

/** The Connector's `AttachmentData` (bot uploads). */
export const attachmentDataSchema = z.object({
  type: shortString(256),
  name: shortString(255).optional(),
  originalBase64: z.string().optional(),
  thumbnailBase64: z.string().optional(),
});

/** The first zod issue of a failed parse, as a short message for a 400. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body';
}
