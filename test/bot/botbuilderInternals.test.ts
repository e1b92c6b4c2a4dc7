import { expect } from 'chai';
import { BotState, ConversationState, MemoryStorage, TestAdapter, TurnContext, type Activity } from 'botbuilder-core';
import { DialogContext, DialogSet, DialogStateManager, type DialogState } from 'botbuilder-dialogs';
import { STATE_MANAGER_CONFIGURATION } from '../../dialogs/mainDialog';
import { LeanConversationState } from '../../bot/adapters/leanConversationState';

/**
 * Pins the botbuilder internals this code relies on. Each is unexported or undocumented, so a
 * botbuilder update may change it without a compile error; these tests fail instead, naming what
 * to re-check.
 */
describe('botbuilder internals the bot relies on', () => {
  function turnContext(): TurnContext {
    const activity: Partial<Activity> = {
      type: 'message',
      text: 'hi',
      channelId: 'test',
      conversation: { id: 'pin', isGroup: false, conversationType: 'personal', name: 'pin' },
      from: { id: 'user', name: 'user' },
      recipient: { id: 'bot', name: 'bot' },
    };
    return new TurnContext(new TestAdapter(), activity);
  }

  it(`DialogStateManager takes a ready configuration from turn state under '${STATE_MANAGER_CONFIGURATION}' (MainDialog reuses one across turns)`, async () => {
    const context = turnContext();
    const state = new ConversationState(new MemoryStorage());
    const dc = await new DialogSet(state.createProperty<DialogState>('dialog')).createContext(context);
    const configuration = new DialogStateManager(dc).configuration;
    context.turnState.set(STATE_MANAGER_CONFIGURATION, configuration);
    const reused = new DialogStateManager(new DialogContext(dc.dialogs, context, { dialogStack: [] }));
    expect(reused.configuration, 'a renamed key would make every turn rebuild the configuration').to.equal(configuration);
  });

  it("BotState's methods are the ones LeanConversationState overrides (its per-turn cache key is private)", () => {
    const methods = Object.getOwnPropertyNames(BotState.prototype).filter((name) => name !== 'constructor');
    // createProperty only builds accessors, which call load and get: it touches no cache itself.
    expect(methods.sort()).to.deep.equal(['clear', 'createProperty', 'delete', 'get', 'load', 'saveChanges']);
    for (const name of methods.filter((n) => n !== 'createProperty')) {
      expect(Object.getOwnPropertyNames(LeanConversationState.prototype), `LeanConversationState must override ${name}`).to.include(name);
    }
  });
});
