import {
  ActivityTypes,
  CloudAdapter,
  type Activity,
  type InvokeResponse,
  type ResourceResponse,
  type TurnContext,
} from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import { markdownToTeamsHtml, plainToTeamsHtml } from '../dialogs/markdownText';

/**
 * The dialogs write one text for every channel, in Markdown (or plain text, marked
 * `textFormat: 'plain'`). Web Chat renders that Markdown as written; Teams renders only part of
 * it, so its text is rewritten here, in one place, as it leaves the bot. The terminal chat does
 * the same in its own adapter (`ConsoleAdapter` in `chat.ts`).
 */

/** Rewrites an outgoing activity's text for one channel. */
export type ChannelFormatter = (activity: Partial<Activity>) => Partial<Activity>;

/**
 * Teams: the HTML subset it renders alike on desktop and phones (`textFormat: 'xml'`, see
 * {@link markdownToTeamsHtml}). Plain text stays plain to read (escaped, so nothing in it is
 * markup) but keeps its line breaks, which a Teams message would otherwise join into one line.
 */
export const teamsFormatter: ChannelFormatter = (activity) => {
  if (activity.type !== ActivityTypes.Message || !activity.text || activity.textFormat === 'xml') return activity;
  const text = activity.textFormat === 'plain' ? plainToTeamsHtml(activity.text) : markdownToTeamsHtml(activity.text);
  return { ...activity, text, textFormat: 'xml' };
};

/** The channels whose text is rewritten, by `channelId`; the others get the dialogs' Markdown. */
export const CHANNEL_FORMATTERS: Readonly<Record<string, ChannelFormatter>> = {
  msteams: teamsFormatter,
};

/** `activity` as its channel (its `channelId`) should receive it. */
export function formatForChannel(activity: Partial<Activity>): Partial<Activity> {
  const formatter = activity.channelId ? CHANNEL_FORMATTERS[activity.channelId] : undefined;
  return formatter ? formatter(activity) : activity;
}

/**
 * A CloudAdapter that formats every outgoing activity for its channel: replies, proactive
 * messages, updates, and the replies returned in the HTTP response of an `expectReplies`
 * request. It is done here rather than in a turn middleware because the bot's own send
 * handlers (the transcript kept for the help desk) must see the Markdown as written; a
 * middleware's send handler runs before them.
 */
export class ChannelFormattingAdapter extends CloudAdapter {
  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return super.sendActivities(context, activities.map(formatForChannel));
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    return super.updateActivity(context, formatForChannel(activity));
  }

  protected override processActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined>;
  protected override processActivity(
    authenticateRequestResult: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined>;
  protected override async processActivity(
    auth: string | AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    const response = typeof auth === 'string' ? await super.processActivity(auth, activity, logic) : await super.processActivity(auth, activity, logic);
    // expectReplies: the replies travel in this response, not through sendActivities.
    const body = response?.body as { activities?: Partial<Activity>[] } | undefined;
    if (body && Array.isArray(body.activities)) body.activities = body.activities.map(formatForChannel);
    return response;
  }
}
