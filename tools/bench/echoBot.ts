import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConversationState, type Storage, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { LeanConversationState } from '../../bot/adapters/leanConversationState';
import { ReusingAuthentication } from '../../bot/reusingAuthentication';
import { makeServer, type BuiltServer } from '../../bot/server';

/**
 * The bench's baseline: a bare echo bot on the same stack as the real bot (restify through
 * `makeServer`, botbuilder's `CloudAdapter` with the bot's client-reusing authentication, the
 * bot's `LeanConversationState` on the same
 * storage and Redis client, loaded and saved every turn). Our bot's throughput is reported as
 * a ratio of this one's, so the number tracks the cost of our own code (dialogs, matcher,
 * limits), not of the machine.
 */

/** The conversation-state property the echo bot bumps each turn, so every turn writes state. */
const TURNS_PROPERTY = 'turns';

/** Echoes each message and counts the turns of the conversation in its state. */
export class EchoBot extends ActivityHandler {
  private readonly turns;

  constructor(private readonly conversationState: ConversationState) {
    super();
    this.turns = conversationState.createProperty<number>(TURNS_PROPERTY);
    this.onMessage(async (context, next) => {
      const count = (await this.turns.get(context, 0)) + 1;
      await this.turns.set(context, count);
      await context.sendActivity(`echo ${count}: ${context.activity.text ?? ''}`);
      await next();
    });
  }

  /** Same state handling as the real bot: load at the start of the turn, save at its end. */
  override async run(context: TurnContext): Promise<void> {
    await this.conversationState.load(context);
    await super.run(context);
    await this.conversationState.saveChanges(context);
  }
}

/** Options of {@link createEchoServer}. */
export interface EchoServerOptions {
  storage: Storage;
  bodyLimitBytes: number;
  log: Logger;
}

/** The echo bot behind `POST /api/messages` of a `makeServer` server (authentication off). */
export function createEchoServer(options: EchoServerOptions): BuiltServer {
  const adapter = new CloudAdapter(new ReusingAuthentication(new ConfigurationBotFrameworkAuthentication({})));
  // CloudAdapter's default prints a failed turn's stack to the console. A turn cut off when the
  // bench stops the server (its client gone, Redis closing) is expected; it goes to the log.
  adapter.onTurnError = async (_context, err) => {
    options.log.warn({ code: 'E_ECHO_TURN', err }, 'echo turn failed');
  };
  // The bot's own ConversationState class, so the baseline pays what the bot pays for state.
  const bot = new EchoBot(new LeanConversationState(options.storage));
  return makeServer({
    adapter,
    runTurn: (context) => bot.run(context),
    log: options.log,
    health: async () => ({ ok: true, version: 'echo', storage: 'echo', mail: 'none' }),
    bodyLimitBytes: options.bodyLimitBytes,
  });
}
