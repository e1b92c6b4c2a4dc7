import { expect } from 'chai';
import { ConversationState, MemoryStorage, TestAdapter, TurnContext } from 'botbuilder-core';
import pino from 'pino';
import { makeOnTurnError } from '../../bot/onTurnError';
import { LogCapture } from '../support/app';
import { startTestApp, texts, type TestApp } from '../support/app';
import { FakePortalDirectory } from '../fakes/fakePortalDirectory';

/** A directory that fails in a way no dialog expects, to reach onTurnError. */
class BrokenDirectory extends FakePortalDirectory {
  override async lookup(): Promise<never> {
    throw new TypeError('unexpected failure with secret detail 04/12/2001 jane@umass.edu');
  }
}

describe('onTurnError', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({}, { directory: new BrokenDirectory() });
  });
  after(async () => {
    await t.stop();
  });

  it('apologises with the help-desk address, logs ids and a code only, and clears the state', async () => {
    const conv = 'conv-broken';
    await t.say(conv, 'do I already have an account?');
    await t.say(conv, 'Yes');
    await t.say(conv, 'jane.doe@umass.edu');
    const replies = await t.say(conv, '04/12/2001');
    const all = texts(replies).join('\n');
    expect(all).to.include('something went wrong');
    expect(all).to.include('uhsportalhelp@umass.edu');
    expect(all).to.not.include('TypeError');
    expect(all).to.not.include('secret detail');

    const line = t.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'turn failed');
    expect(line, 'turn failed log line').to.not.equal(undefined);
    expect(line).to.include({ code: 'TypeError', conversationId: conv });
    expect(line!.activityId).to.be.a('string');
    expect(t.logs.text).to.not.include('04/12/2001');
    expect(t.logs.text).to.not.include('jane.doe@umass.edu');
    expect(t.logs.text).to.not.include('jane@umass.edu');
    expect(t.logs.text).to.not.include('secret detail');

    // The broken dialog is gone: a date now is just an unknown message, not a DOB answer.
    const after = texts(await t.say(conv, 'what file types can I upload?')).join('\n');
    expect(after).to.include('.tiff');
  });
});

describe('onTurnError stack frames', () => {
  /** Runs the handler once with `production` and returns the logged `turn failed` line. */
  async function failedTurnLine(production: boolean): Promise<Record<string, unknown>> {
    const logs = new LogCapture();
    const log = pino({ level: 'info' }, logs);
    const handler = makeOnTurnError({ log, conversationState: new ConversationState(new MemoryStorage()), helpdeskEmail: 'help@example.edu', production });
    const context = new TurnContext(new TestAdapter(), { type: 'message', id: 'a1', text: 'hi', conversation: { id: 'c1' } as never, channelId: 'test' });
    await handler(context, new TypeError('boom'));
    const line = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'turn failed');
    expect(line, 'turn failed log line').to.not.equal(undefined);
    return line!;
  }

  it('logs stack frames in development and none in production, as the configuration says', async () => {
    expect((await failedTurnLine(false)).stack).to.be.a('string');
    expect(await failedTurnLine(true)).to.not.have.property('stack');
  });
});
