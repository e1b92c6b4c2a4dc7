import type { Activity, CloudAdapter, ConversationParameters, ConversationReference, TurnContext } from 'botbuilder';
import type { ConversationMessenger } from './conversationMessenger';

/** The part of botframework-connector's ConnectorClient used here (that package is botbuilder's, not ours). */
interface ConversationCreator {
  conversations: { createConversation(parameters: ConversationParameters): Promise<{ activityId?: string }> };
}

/**
 * {@link ConversationMessenger} on top of `CloudAdapter.continueConversationAsync`: each call
 * opens a proactive turn for the conversation and uses its connector, so the adapter's
 * authentication (the bot's app id and password) applies as to any reply.
 */
export class CloudMessenger implements ConversationMessenger {
  /**
   * @param adapter The bot's adapter (only `continueConversationAsync` is used).
   * @param appId The bot's Microsoft App ID (`MicrosoftAppId`); empty for local, unauthenticated runs.
   * @param allows Whether a reference's `serviceUrl` may be called (`ServiceUrlPolicy`); absent: any.
   */
  constructor(
    private readonly adapter: Pick<CloudAdapter, 'continueConversationAsync'>,
    private readonly appId: string = '',
    private readonly allows?: (serviceUrl: string | undefined) => boolean,
  ) {}

  /** @inheritdoc */
  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<{ id?: string }> {
    let id: string | undefined;
    await this.continueIn(reference, async (context) => {
      id = (await context.sendActivity(activity))?.id;
    });
    return { id };
  }

  /** @inheritdoc */
  async update(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<void> {
    await this.continueIn(reference, async (context) => {
      await context.updateActivity(activity);
    });
  }

  /**
   * @inheritdoc
   * Calls the connector's create-conversation with the channel in `channelData`, the Teams way
   * to open a thread. (`TeamsInfo.sendMessageToTeamsChannel` would do it too, but with a
   * CloudAdapter it returns the new conversation's id where the post's id belongs.)
   */
  async startThread(channel: Partial<ConversationReference>, activity: Partial<Activity>): Promise<{ id?: string }> {
    let id: string | undefined;
    await this.continueIn(channel, async (context) => {
      const connector = context.turnState.get<ConversationCreator>(context.adapter.ConnectorClientKey);
      const created = await connector.conversations.createConversation({
        isGroup: true,
        bot: channel.bot!,
        tenantId: channel.conversation?.tenantId,
        channelData: { channel: { id: channel.conversation?.id } },
        activity: activity as Activity,
        members: [],
      });
      id = created.activityId;
    });
    return { id };
  }

  private continueIn(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    // A stored reference is checked again: the allow-list may have shrunk since it was saved.
    if (this.allows && !this.allows(reference.serviceUrl)) return Promise.reject(new ServiceUrlNotAllowedError());
    return this.adapter.continueConversationAsync(this.appId, reference, logic);
  }
}

/** A proactive message refused because its conversation's `serviceUrl` is not allowed. */
export class ServiceUrlNotAllowedError extends Error {
  constructor() {
    super('serviceUrl is not an allowed service URL');
    this.name = 'ServiceUrlNotAllowedError';
  }
}
