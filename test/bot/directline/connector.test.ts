import { expect } from 'chai';
import { isLoopback } from '../../../bot/directline/httpKit';
import { startChatServer, type ChatServer } from '../../support/chatServer';
import { call, DirectLineTestClient, type TestSession } from '../../support/directLineClient';

/** The Bot Connector v3 routes the bot replies through (its serviceUrl points at them). */
describe('Connector v3 routes of the local Direct Line', function () {
  this.timeout(30_000);
  let server: ChatServer;
  let client: DirectLineTestClient;
  let session: TestSession;
  const v3 = (path: string) => `${server.directLine!.serviceUrl()}/v3${path}`;

  before(async () => {
    server = await startChatServer({ limits: { attachmentMaxBytes: 1024 } });
    client = new DirectLineTestClient(server.baseUrl);
    session = await client.started();
  });
  after(() => server.close());

  it('refuses activities for conversations no Direct Line client started, and creates none (404)', async () => {
    const before = server.directLine!.conversationCount();
    for (const id of ['never-seen-before', 'a:b@c|d;e=f']) {
      const sent = await call(v3(`/conversations/${encodeURIComponent(id)}/activities`), {
        method: 'POST',
        json: { type: 'message', text: 'proactive hello' },
      });
      expect(sent.status, id).to.equal(404);
    }
    expect(server.directLine!.conversationCount()).to.equal(before);
  });

  it('answers 404 on every route to a caller without the key, even a loopback one (a proxy that adds no header)', async () => {
    const target = `/conversations/${session.conversationId}/activities`;
    const withoutKey = await call(`${server.baseUrl}/v3${target}`, { method: 'POST', json: { type: 'message', text: 'spoofed' } });
    const wrongKey = await call(`${server.baseUrl}/_connector/${'A'.repeat(32)}/v3${target}`, { method: 'POST', json: { type: 'message', text: 'spoofed' } });
    const members = await call(`${server.baseUrl}/_connector/x/v3/conversations/${session.conversationId}/members`);
    expect([withoutKey.status, wrongKey.status, members.status]).to.deep.equal([404, 404, 404]);
    expect((await client.all(session)).some((a) => a.text === 'spoofed')).to.equal(false);
  });

  it('delivers a reply into the Direct Line stream with replyToId, and without the internal serviceUrl', async () => {
    const sent = await call<{ id: string }>(v3(`/conversations/${session.conversationId}/activities/some-activity`), {
      method: 'POST',
      json: { type: 'message', text: 'a reply', serviceUrl: 'http://127.0.0.1:1/' },
    });
    expect(sent.status).to.equal(200);
    const reply = (await client.all(session)).find((a) => a.id === sent.body.id);
    expect(reply).to.include({ text: 'a reply', replyToId: 'some-activity', channelId: 'directline' });
    expect(reply?.conversation?.id).to.equal(session.conversationId);
    expect(reply).to.not.have.property('serviceUrl');
  });

  it('updates an activity (same id, new content) and deletes one (same id, messageDelete)', async () => {
    const sent = await call<{ id: string }>(v3(`/conversations/${session.conversationId}/activities`), {
      method: 'POST',
      json: { type: 'message', text: 'first version' },
    });
    const path = v3(`/conversations/${session.conversationId}/activities/${encodeURIComponent(sent.body.id)}`);
    const updated = await call<{ id: string }>(path, { method: 'PUT', json: { type: 'message', text: 'second version' } });
    expect(updated.status).to.equal(200);
    expect(updated.body.id).to.equal(sent.body.id);
    expect((await call(path, { method: 'DELETE' })).status).to.equal(200);

    const versions = (await client.all(session)).filter((a) => a.id === sent.body.id);
    expect(versions.map((a) => [a.type, a.text])).to.deep.equal([
      ['message', 'first version'],
      ['message', 'second version'],
      ['messageDelete', undefined],
    ]);
  });

  it('stores bot attachments in memory and serves their info and views; refuses oversized ones', async () => {
    const original = Buffer.from('%PDF-1.4 tiny');
    const thumbnail = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const uploaded = await call<{ id: string }>(v3(`/conversations/${session.conversationId}/attachments`), {
      method: 'POST',
      json: { type: 'application/pdf', name: 'steps.pdf', originalBase64: original.toString('base64'), thumbnailBase64: thumbnail.toString('base64') },
    });
    expect(uploaded.status).to.equal(200);

    const info = await call(v3(`/attachments/${uploaded.body.id}`));
    expect(info.body).to.deep.equal({
      name: 'steps.pdf',
      type: 'application/pdf',
      views: [
        { viewId: 'original', size: original.length },
        { viewId: 'thumbnail', size: thumbnail.length },
      ],
    });
    const view = await fetch(v3(`/attachments/${uploaded.body.id}/views/original`));
    expect(view.headers.get('content-type')).to.equal('application/pdf');
    expect(Buffer.from(await view.arrayBuffer()).equals(original)).to.equal(true);
    const thumb = await fetch(v3(`/attachments/${uploaded.body.id}/views/thumbnail`));
    expect(Buffer.from(await thumb.arrayBuffer()).equals(thumbnail)).to.equal(true);

    expect((await call(v3(`/attachments/${uploaded.body.id}/views/poster`))).status).to.equal(404);
    expect((await call(v3('/attachments/AAAAAAAAAAAAAAAAAAAAAA'))).status).to.equal(404);
    const tooBig = await call(v3(`/conversations/${session.conversationId}/attachments`), {
      method: 'POST',
      json: { type: 'application/pdf', originalBase64: Buffer.alloc(1025).toString('base64') },
    });
    expect(tooBig.status).to.equal(413);
  });

  it('lists the members of a Direct Line conversation', async () => {
    const members = await call<Array<{ id: string }>>(v3(`/conversations/${session.conversationId}/members`));
    expect(members.body.map((m) => m.id)).to.deep.equal([session.userId, 'uhs-portal-help-bot']);
  });

  it('refuses createConversation (403): conversations are started by Direct Line clients only', async () => {
    const before = server.directLine!.conversationCount();
    for (let i = 0; i < 5; i += 1) {
      const created = await call(v3('/conversations'), {
        method: 'POST',
        json: { members: [{ id: 'someone' }], activity: { type: 'message', text: 'opening line' } },
      });
      expect(created.status).to.equal(403);
    }
    expect(server.directLine!.conversationCount()).to.equal(before);
  });

  it('answers bad input with a 4xx', async () => {
    const path = v3(`/conversations/${session.conversationId}/activities`);
    const statuses = [
      (await call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })).status,
      (await call(path, { method: 'POST', json: { text: 'no type' } })).status,
      (await call(path, { method: 'POST', json: { type: 'message', text: 'x'.repeat(300 * 1024) } })).status,
      (await call(v3(`/conversations/${session.conversationId}/attachments`), { method: 'POST', json: { name: 'no type' } })).status,
      (await call(v3(`/conversations/${'x'.repeat(300)}/activities`), { method: 'POST', json: { type: 'message' } })).status,
    ];
    expect(statuses).to.deep.equal([400, 400, 413, 400, 404]);
  });

  it('refuses requests relayed by a reverse proxy (they come from outside even when the peer is loopback)', async () => {
    const statuses = [];
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const sent = await call(v3(`/conversations/${session.conversationId}/activities`), {
        method: 'POST',
        headers: { [header]: '203.0.113.9' },
        json: { type: 'message', text: 'spoofed bot message' },
      });
      statuses.push(sent.status);
    }
    expect(statuses).to.deep.equal([403, 403, 403]);
    expect((await client.all(session)).some((a) => a.text === 'spoofed bot message')).to.equal(false);
  });

  it('accepts only loopback peers', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopback(address), address).to.equal(true);
    for (const address of ['10.0.0.1', '192.168.1.20', '::ffff:10.0.0.1', '2001:db8::1', '1127.0.0.1', undefined]) {
      expect(isLoopback(address), String(address)).to.equal(false);
    }
  });
});
