import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { ConversationMessenger } from './conversationMessenger';

/**
 * {@link ConversationMessenger} on top of `CloudAdapter.continueConversationAsync`: each send
 * or update opens a proactive turn for the conversation and uses its connector, so the
 * adapter's authentication (the bot's app id and password) applies as to any reply.
 */
export class CloudMessenger implements ConversationMessenger {
  /**
   * @param adapter The bot's adapter (only `continueConversationAsync` is used).
   * @param appId The bot's Microsoft App ID (`MicrosoftAppId`); empty for local, unauthenticated runs.
   */
  constructor(
    private readonly adapter: Pick<CloudAdapter, 'continueConversationAsync'>,
    private readonly appId: string = '',
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

  private continueIn(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return this.adapter.continueConversationAsync(this.appId, reference, logic);
  }
}
