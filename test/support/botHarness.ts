import { type ConversationState, MemoryStorage, TestAdapter, type Activity, type Storage } from 'botbuilder-core';
import pino from 'pino';
import { HelpDeskBot, MEMORY_PROPERTY } from '../../bot/helpDeskBot';
import { LeanConversationState } from '../../bot/adapters/leanConversationState';
import { MainDialog } from '../../dialogs/mainDialog';
import type { ConversationMemory } from '../../dialogs/memory/conversationMemory';
import { makeTestServices, type TestServiceOverrides, type TestServices } from '../fakes/services';

/**
 * The real bot class and main dialog over fakes, driven by botbuilder's TestAdapter: one
 * conversation, every reply of each turn collected.
 */
export class BotHarness {
  readonly adapter: TestAdapter;
  readonly bot: HelpDeskBot;
  readonly services: TestServices;
  readonly mainDialog: MainDialog;
  readonly conversationState: ConversationState;

  constructor(overrides: TestServiceOverrides = {}, storage: Storage = new MemoryStorage()) {
    this.services = makeTestServices(overrides);
    this.conversationState = new LeanConversationState(storage);
    this.mainDialog = new MainDialog(this.services, this.conversationState.createProperty<ConversationMemory>(MEMORY_PROPERTY));
    this.bot = new HelpDeskBot({
      conversationState: this.conversationState,
      mainDialog: this.mainDialog,
      knowledge: this.services.knowledge,
      caseService: this.services.caseService,
      insights: this.services.insights,
      log: pino({ level: 'silent' }),
      helpdeskEmail: this.services.settings.helpdeskEmail,
    });
    this.adapter = new TestAdapter((context) => this.bot.run(context));
  }

  /** Sends a message (or a whole activity) and returns every reply of that turn. */
  async say(input: string | Partial<Activity>): Promise<Array<Partial<Activity>>> {
    this.adapter.activeQueue.splice(0);
    await this.adapter.receiveActivity(typeof input === 'string' ? { type: 'message', text: input } : input);
    await this.mainDialog.whenIdle();
    return this.adapter.activeQueue.splice(0);
  }

  /** The replies' texts joined, for pattern assertions. */
  static text(replies: Array<Partial<Activity>>): string {
    return replies.map((r) => r.text ?? '').join('\n');
  }

  /** The suggested-action titles of the last reply that has some. */
  static buttons(replies: Array<Partial<Activity>>): string[] {
    const last = [...replies].reverse().find((r) => r.suggestedActions?.actions?.length);
    return (last?.suggestedActions?.actions ?? []).map((a) => String(a.title));
  }
}
