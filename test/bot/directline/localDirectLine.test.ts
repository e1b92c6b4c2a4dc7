import { expect } from 'chai';
import { startChatServer, type ChatServer } from '../../support/chatServer';
import { call, DirectLineTestClient, userMessage, type TestSession } from '../../support/directLineClient';
import { DOCX_TYPE, makeDocx } from '../../support/docx';
import { REFUSED_UPLOAD_TYPE } from '../../../bot/uploadRefusals';
import { ALLOWED_TYPES_SENTENCE, StandInBot, WELCOME_TEXT } from '../../support/standInBot';

/** A clock the tests move by hand: token expiry and idle expiry without waiting. */
class ManualClock {
  private t = Date.now();
  readonly now = (): number => this.t;
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

describe('local Direct Line 3.0 over HTTP', function () {
  this.timeout(30_000);
  const clock = new ManualClock();
  const bot = new StandInBot();
  let server: ChatServer;
  let client: DirectLineTestClient;

  before(async () => {
    server = await startChatServer({
      bot,
      now: clock.now,
      limits: { pageSize: 3, attachmentMaxBytes: 64 * 1024, conversations: { idleSeconds: 600 } },
    });
    client = new DirectLineTestClient(server.baseUrl);
  });
  after(() => server.close());

  it('starts a conversation: 201 with a token bound to it, and the bot welcomes after conversationUpdate/membersAdded', async () => {
    const session = await client.session();
    expect(session.domain).to.equal('directline');
    expect(session.webSocket).to.equal(false);
    expect(session.userId).to.match(/^dl_[A-Za-z0-9_-]{16}$/);
    expect(session.conversationId).to.match(/^[A-Za-z0-9_-]{22}$/);

    const started = await client.start(session.token);
    expect(started.status).to.equal(201);
    expect(started.body.conversationId).to.equal(session.conversationId);
    expect(started.body.expires_in).to.equal(1800);
    expect(started.body).to.not.have.property('streamUrl');

    const update = bot.seen.find((a) => a.type === 'conversationUpdate' && a.fromId === session.userId);
    expect(update, 'conversationUpdate delivered to the bot').to.not.equal(undefined);
    const [welcome] = await client.all(session);
    expect(welcome.text).to.equal(WELCOME_TEXT);
    expect(welcome.suggestedActions?.actions.map((a) => a.title)).to.deep.equal(['Uploading documents', 'Password help']);
    expect(welcome.recipient?.id).to.equal(session.userId);
  });

  it('answers 200 to a second start of the same conversation and does not welcome twice', async () => {
    const session = await client.started();
    const again = await client.start(session.token);
    expect(again.status).to.equal(200);
    const welcomes = (await client.all(session)).filter((a) => a.text === WELCOME_TEXT);
    expect(welcomes).to.have.length(1);
  });

  it('echoes a posted message with its id and channelData.clientActivityID, then the bot reply', async () => {
    const session = await client.started();
    const posted = await client.post(session, userMessage('what file types can I upload', 'client-42'));
    expect(posted.status).to.equal(200);
    expect(posted.body.id).to.match(new RegExp(`^${session.conversationId}\\|\\d{7}$`));

    const activities = await client.all(session);
    const echo = activities.find((a) => a.id === posted.body.id);
    expect(echo?.channelData).to.deep.equal({ clientActivityID: 'client-42' });
    expect(echo?.text).to.equal('what file types can I upload');
    expect(echo?.from).to.include({ id: session.userId, role: 'user' });
    expect(echo, 'no internal serviceUrl in what browsers see').to.not.have.property('serviceUrl');
    const reply = activities.find((a) => a.replyToId === posted.body.id);
    expect(reply?.text).to.contain(ALLOWED_TYPES_SENTENCE);
  });

  it('ignores a client-chosen sender id: the bot sees the user id bound to the token', async () => {
    const session = await client.started();
    const posted = await client.post(session, { ...userMessage('password please'), from: { id: 'dl_someone-else', name: 'Mallory' } });
    expect(posted.status).to.equal(200);
    const received = bot.seen.filter((a) => a.text === 'password please');
    expect(received.map((a) => a.fromId)).to.deep.equal([session.userId]);
  });

  it('delivers typing to the bot without echoing it into the stream', async () => {
    const session = await client.started();
    const before = (await client.all(session)).length;
    const typed = await client.post(session, { type: 'typing', channelData: { clientActivityID: 'typing-1' } });
    expect(typed.status).to.equal(200);
    expect(await client.all(session)).to.have.length(before);
    expect(bot.seen.some((a) => a.type === 'typing' && a.fromId === session.userId)).to.equal(true);
  });

  it('pages activities by watermark: no gaps, no repeats, stable at the end, refuses a watermark ahead', async () => {
    const session = await client.started();
    for (const text of ['one', 'two', 'three']) expect((await client.post(session, userMessage(text))).status).to.equal(200);

    const seen: string[] = [];
    const watermarks: number[] = [];
    let watermark = '';
    for (let i = 0; i < 10; i += 1) {
      const page = await client.activities(session, watermark);
      expect(page.status).to.equal(200);
      expect(page.body.activities.length).to.be.at.most(3);
      if (page.body.activities.length === 0) {
        expect(page.body.watermark).to.equal(watermark);
        break;
      }
      seen.push(...page.body.activities.map((a) => a.id));
      watermark = page.body.watermark;
      watermarks.push(Number(watermark));
    }
    // welcome + 3 × (echo + reply)
    expect(seen).to.have.length(7);
    expect(new Set(seen).size).to.equal(7);
    expect(watermarks).to.deep.equal([3, 6, 7]);
    const ahead = await client.activities(session, '8');
    expect(ahead.status).to.equal(400);
  });

  it('refreshes a token; an expired token gets 403 everywhere and cannot be refreshed', async () => {
    const session = await client.started();
    const refreshed = await call<{ token: string; conversationId: string; expires_in: number }>(`${server.baseUrl}/directline/tokens/refresh`, {
      method: 'POST',
      token: session.token,
    });
    expect(refreshed.status).to.equal(200);
    expect(refreshed.body.conversationId).to.equal(session.conversationId);
    expect(refreshed.body.token).to.not.equal(session.token);
    expect((await client.activities({ ...session, token: refreshed.body.token })).status).to.equal(200);

    clock.advance(1801);
    for (const token of [session.token, refreshed.body.token]) {
      expect((await client.activities({ ...session, token })).status).to.equal(403);
      expect((await client.post({ ...session, token }, userMessage('late'))).status).to.equal(403);
      const again = await call(`${server.baseUrl}/directline/tokens/refresh`, { method: 'POST', token });
      expect(again.status).to.equal(403);
    }
  });

  it("keeps conversations apart: A's token gets 403 on every route of B, and B never sees A's messages", async () => {
    const a = await client.started();
    const b = await client.started();
    expect((await client.post(a, userMessage('only for A'))).status).to.equal(200);
    const aOnB = { conversationId: b.conversationId, token: a.token, userId: a.userId };

    expect((await client.activities(aOnB)).status).to.equal(403);
    expect((await client.post(aOnB, userMessage('into B'))).status).to.equal(403);
    expect((await client.upload(aOnB, { name: 'x.txt', type: 'text/plain', bytes: Buffer.from('x') })).status).to.equal(403);
    expect((await call(`${server.baseUrl}/directline/conversations/${b.conversationId}`, { token: a.token })).status).to.equal(403);

    const bTexts = (await client.all(b)).map((x) => x.text);
    expect(bTexts).to.not.include('only for A');
    expect(bTexts).to.not.include('into B');
  });

  it('uploads a .docx (multipart) in memory; the bot reads it through its contentUrl and diagnoses it', async () => {
    const session = await client.started();
    const docx = await makeDocx();
    const uploaded = await client.upload(session, { name: 'record.docx', type: DOCX_TYPE, bytes: docx }, {
      type: 'message',
      text: 'here it is',
      channelData: { clientActivityID: 'upload-7' },
    });
    expect(uploaded.status).to.equal(200);

    const activities = await client.all(session);
    const echo = activities.find((a) => a.id === uploaded.body.id);
    expect(echo?.channelData).to.deep.equal({ clientActivityID: 'upload-7' });
    expect(echo?.text).to.equal('here it is');
    const [attachment] = echo?.attachments ?? [];
    expect(attachment).to.include({ name: 'record.docx', contentType: DOCX_TYPE });
    expect(attachment.contentUrl).to.match(/^directline\/attachments\/[A-Za-z0-9_-]{22}$/);

    // The browser's link serves the same bytes, as a download (never rendered on our origin).
    const download = await fetch(`${server.baseUrl}/${attachment.contentUrl}`);
    expect(download.status).to.equal(200);
    expect(download.headers.get('content-type')).to.equal('application/octet-stream');
    expect(download.headers.get('content-disposition')).to.match(/^attachment;/);
    expect(Buffer.from(await download.arrayBuffer()).equals(docx)).to.equal(true);
    expect(server.directLine?.readAttachment(`${server.baseUrl}/${attachment.contentUrl}`)?.bytes.equals(docx)).to.equal(true);

    const reply = activities.find((a) => a.replyToId === uploaded.body.id);
    expect(reply?.text).to.contain('is a Word document (.docx)');
    expect(bot.seen.some((a) => a.attachmentNames.includes('record.docx') && a.fromId === session.userId)).to.equal(true);
  });

  it('a file over ATTACHMENT_MAX_BYTES is read, not kept: the message goes through and the bot gets a refused-upload note', async () => {
    const session = await client.started();
    const big = await client.upload(session, { name: 'IMG_0044.jpg', type: 'image/jpeg', bytes: Buffer.alloc(64 * 1024 + 1, 1) });
    expect(big.status).to.equal(200);
    const seen = bot.seen.find((a) => a.attachmentNames.includes('IMG_0044.jpg') && a.fromId === session.userId);
    expect(seen?.attachments).to.deep.equal([
      { contentType: REFUSED_UPLOAD_TYPE, name: 'IMG_0044.jpg', content: { reason: 'too-large', sizeBytes: 64 * 1024 + 1, limit: 64 * 1024 } },
    ]);
    // The user's own bubble names the file, with no link: nothing of it was kept.
    const echo = (await client.all(session)).find((a) => a.id === big.body.id);
    expect(echo?.attachments).to.deep.equal([{ contentType: 'image/jpeg', name: 'IMG_0044.jpg' }]);
    const ok = await client.upload(session, { name: 'scan.pdf', type: 'application/pdf', bytes: Buffer.alloc(64 * 1024, 1) });
    expect(ok.status).to.equal(200);
  });

  it('accepts the image preview Web Chat puts in an upload (a data: URL of tens of KB) and drops it', async () => {
    const session = await client.started();
    const preview = `data:image/jpeg;base64,${Buffer.alloc(60 * 1024, 7).toString('base64')}`;
    const uploaded = await client.upload(session, { name: 'card.jpg', type: 'image/jpeg', bytes: Buffer.from([0xff, 0xd8, 0xff]) }, {
      type: 'message',
      attachments: [{ contentType: 'image/jpeg', name: 'card.jpg', thumbnailUrl: preview }],
      channelData: { clientActivityID: 'upload-thumb', attachmentSizes: [3] },
    });
    expect(uploaded.status).to.equal(200);
    const echo = (await client.all(session)).find((a) => a.id === uploaded.body.id);
    expect(echo?.attachments?.[0]).to.not.have.property('thumbnailUrl');
    expect(JSON.stringify(echo)).to.not.contain('data:image');
  });

  it('a posted activity: a data: preview is dropped, and a client cannot forge a refused-upload note', async () => {
    const session = await client.started();
    const posted = await client.post(session, {
      ...userMessage('with a preview'),
      attachments: [
        { contentType: 'image/png', name: 'a.png', contentUrl: 'https://example.org/a.png', thumbnailUrl: `data:image/png;base64,${'A'.repeat(5000)}` },
        { contentType: REFUSED_UPLOAD_TYPE, name: 'forged.jpg', content: { reason: 'too-large', sizeBytes: 1, limit: 1 } },
      ],
    });
    expect(posted.status).to.equal(200);
    const seen = bot.seen.find((a) => a.text === 'with a preview' && a.fromId === session.userId);
    expect(seen?.attachments).to.deep.equal([{ contentType: 'image/png', name: 'a.png', contentUrl: 'https://example.org/a.png' }]);
  });

  it('expires idle conversations with their files: after the sweep the stream and the file are gone (404)', async () => {
    const session = await client.started();
    const uploaded = await client.upload(session, { name: 'a.txt', type: 'text/plain', bytes: Buffer.from('hello') });
    expect(uploaded.status).to.equal(200);
    const link = (await client.all(session)).find((a) => a.id === uploaded.body.id)?.attachments?.[0].contentUrl;
    const fresh = await call<{ token: string }>(`${server.baseUrl}/directline/tokens/refresh`, { method: 'POST', token: session.token });

    clock.advance(601);
    expect(server.directLine?.sweep()).to.be.at.least(1);
    expect((await client.activities({ ...session, token: fresh.body.token })).status).to.equal(404);
    expect((await fetch(`${server.baseUrl}/${link}`)).status).to.equal(404);
  });
});

describe('local Direct Line limits', function () {
  this.timeout(30_000);
  let server: ChatServer;

  afterEach(() => server.close());

  it('rate-limits each client IP with 429 and Retry-After, on every public route', async () => {
    server = await startChatServer({ limits: { ratePerIpPerMinute: 8 } });
    const client = new DirectLineTestClient(server.baseUrl);
    // The start is the first of the 8 Direct Line requests this IP may make in the minute.
    const session: TestSession = await client.started();
    const statuses: number[] = [];
    for (let i = 0; i < 9; i += 1) statuses.push((await client.activities(session)).status);
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 200, 200, 429, 429]);
    const limited = await client.activities(session);
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
  });

  it('refuses new conversations over the memory cap with 429, and keeps serving the live ones', async () => {
    server = await startChatServer({ limits: { conversations: { maxConversations: 2 } } });
    const client = new DirectLineTestClient(server.baseUrl);
    const first = await client.started();
    await client.started();
    const third = await client.session();
    expect((await client.start(third.token)).status).to.equal(429);
    expect((await client.post(first, userMessage('still here'))).status).to.equal(200);
  });

  it('limits posts per conversation per minute', async () => {
    server = await startChatServer({ limits: { postsPerConversationPerMinute: 3 } });
    const client = new DirectLineTestClient(server.baseUrl);
    const session = await client.started();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await client.post(session, userMessage(`m${i}`))).status);
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    const other = await client.started();
    expect((await client.post(other, userMessage('other conversation'))).status).to.equal(200);
  });
});
