import { expect } from 'chai';
import { Redis } from 'ioredis';
import { appendTranscript, emptyMemory, TRANSCRIPT_LIMIT } from '../../../dialogs/memory/conversationMemory';
import { isDataDeletionRequest } from '../../../dialogs/prompts/recognizer';
import { startTestApp, texts, type TestApp } from '../../support/app';
import { CHECK_ACCOUNT } from '../../support/flows';
import { startAppChatServer, type ChatServer } from '../../support/chatServer';
import { call, DirectLineTestClient, userMessage } from '../../support/directLineClient';
import { makePng } from '../../support/sampleFiles';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';

/** A person can have their data deleted, and nothing is kept without bound. */
describe('Security: deleting data, and retention with a bound', function () {
  this.timeout(60_000);

  it('hears "delete my data" however it is put, and not questions about deleting other things', () => {
    const requests = ['delete my data', 'Delete my data please', 'delete my info', 'erase my data', 'forget me', 'please delte my data', 'can you erase my information?', 'remove my personal data', 'wipe my chat history', 'delete everything you know about me', 'Forget everything', 'delete this conversation', 'clear my data!', 'i want you to delete my data', 'delet my dat'];
    const others = ['how do I delete my portal account', 'delete my account', 'forget this', 'forget it', 'can I delete a document I uploaded', 'my data is wrong', 'what data do you keep', 'I forgot my password', 'delete', 'remove the file'];
    expect(requests.filter((t) => !isDataDeletionRequest(t)), 'not heard').to.deep.equal([]);
    expect(others.filter((t) => isDataDeletionRequest(t)), 'heard wrongly').to.deep.equal([]);
  });

  describe('"delete my data" in the chat (state in Redis)', () => {
    const prefix = uniquePrefix('deletion');
    const redis = new Redis(testRedisUrl(1));
    let t: TestApp;
    before(async function () {
      // With REDIS_URL the test app opens an embedded database of its own: slow on a busy machine.
      this.timeout(180_000);
      t = await startTestApp({ REDIS_URL: testRedisUrl(1), REDIS_KEY_PREFIX: prefix });
    });
    after(async () => {
      await t?.stop();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    });
    const stateKeys = async (conversationId: string) => (await redis.keys(`${prefix}state:*`)).filter((key) => key.includes(conversationId));

    it("removes the conversation's state and transcript, and says what it removed", async () => {
      await t.say('deleting-1', 'how do I reset my password');
      await t.say('deleting-1', CHECK_ACCOUNT);
      expect(await stateKeys('deleting-1'), 'state before').to.have.length(1);
      const reply = texts(await t.say('deleting-1', 'please erase my data')).join('\n');
      expect(reply).to.match(/deleted/i).and.to.match(/transcript \(\d+ lines\)/);
      expect(await stateKeys('deleting-1'), 'state after').to.deep.equal([]);
      // The next message starts afresh: the account check it was in is gone.
      const next = texts(await t.say('deleting-1', 'yes')).join('\n');
      expect(next).to.not.match(/email address/i);
    });
  });

  describe('"delete my data" over the local Direct Line (HTTP)', () => {
    let server: ChatServer;
    before(async function () {
      this.timeout(180_000);
      server = await startAppChatServer();
    });
    after(async () => server?.close());

    it("also deletes the Direct Line's copy of the conversation's messages and files, and keeps the chat open", async () => {
      const client = new DirectLineTestClient(server.baseUrl);
      const session = await client.started();
      expect((await client.post(session, userMessage('how do I reset my password, my email is jdoe@umass.edu'))).status).to.equal(200);
      const uploaded = await client.upload(session, { name: 'record.png', type: 'image/png', bytes: makePng() });
      expect(uploaded.status).to.equal(200);
      const before = await client.all(session);
      const fileUrl = before.flatMap((a) => a.attachments ?? []).map((a) => a.contentUrl).find((url) => url?.includes('/attachments/'));
      expect(fileUrl, 'the upload is served').to.be.a('string');
      expect((await fetch(new URL(fileUrl ?? '', `${server.baseUrl}/`))).status).to.equal(200);
      expect(JSON.stringify(before)).to.include('jdoe@umass.edu');

      expect((await client.post(session, userMessage('please delete my data'))).status).to.equal(200);
      const after = await client.all(session);
      // All that is left is the answer, which says what went.
      expect(after.map((a) => a.from?.role ?? 'bot')).to.deep.equal(['bot']);
      expect(after[0].text).to.match(/deleted/i).and.to.match(/chat service's copy of this conversation \(\d+ messages, 1 uploaded file\)/);
      expect(JSON.stringify(after)).not.to.include('jdoe@umass.edu').and.not.to.include('reset my password');
      expect((await fetch(new URL(fileUrl ?? '', `${server.baseUrl}/`))).status, 'the file is gone').to.equal(404);

      // A client polling from the watermark it had still gets the answer, and the chat goes on.
      const next = await client.post(session, userMessage('thanks'));
      expect(next.status).to.equal(200);
      const later = await call<{ activities: Array<{ text?: string }> }>(`${server.baseUrl}/directline/conversations/${session.conversationId}/activities?watermark=0`, { token: session.token });
      expect(later.body.activities.map((a) => a.text)).to.include('thanks');
    });
  });

  it('conversation state in memory (no REDIS_URL) expires after STATE_TTL_SECONDS', async () => {
    let clock = Date.parse('2026-11-24T15:00:00Z');
    const t = await startTestApp({ STATE_TTL_SECONDS: '600' }, { now: () => new Date(clock) });
    try {
      for (const conversation of ['fresh', 'stale']) {
        await t.say(conversation, CHECK_ACCOUNT);
        expect(texts(await t.say(conversation, 'Yes')).join('\n')).to.match(/email/i);
      }
      expect(texts(await t.say('fresh', 'jminuteman@umass.edu')).join('\n'), 'within the TTL').to.match(/date of birth/i);
      clock += 601_000;
      expect(texts(await t.say('stale', 'jminuteman@umass.edu')).join('\n'), 'after the TTL').to.not.match(/date of birth/i);
    } finally {
      await t.stop();
    }
  });

  it('caps what a transcript keeps of each user line, and the number of lines', () => {
    const memory = emptyMemory();
    for (let i = 0; i < 35; i++) appendTranscript(memory, { from: 'user', text: `${i} ${'x'.repeat(20_000)}`, at: '2026-11-24T15:00:00.000Z' });
    expect(memory.transcript).to.have.length(TRANSCRIPT_LIMIT);
    expect(JSON.stringify(memory).length).to.be.below(40_000);
  });
});
