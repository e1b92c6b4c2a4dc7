import { expect } from 'chai';
import { startChatServer, type ChatServer } from '../../support/chatServer';
import { call, DirectLineTestClient, userMessage, type TestSession } from '../../support/directLineClient';
import type { StandInBot } from '../../support/standInBot';
import { REFUSED_UPLOAD_TYPE } from '../../../bot/uploadRefusals';

/**
 * Malformed, oversized, unauthenticated and mistargeted requests to every Direct Line route
 * get the specific 4xx they deserve, and the server keeps serving afterwards.
 */

const BODY_LIMIT = 16 * 1024;
const FILE_LIMIT = 8 * 1024;

interface BadCase {
  name: string;
  status: number;
  send: () => Promise<{ status: number }>;
}

describe('local Direct Line: bad input gets a 4xx and the server keeps serving', function () {
  this.timeout(30_000);
  let server: ChatServer;
  let client: DirectLineTestClient;
  let session: TestSession;
  let other: TestSession;
  let url: (path: string) => string;

  before(async () => {
    server = await startChatServer({
      bodyLimitBytes: BODY_LIMIT,
      limits: { attachmentMaxBytes: FILE_LIMIT, maxFilesPerUpload: 2, ratePerIpPerMinute: 10_000 },
    });
    client = new DirectLineTestClient(server.baseUrl);
    session = await client.started();
    other = await client.started();
    url = (path) => `${server.baseUrl}${path}`;
  });
  after(() => server.close());

  const json = { 'content-type': 'application/json' };
  const oversized = () => JSON.stringify({ type: 'message', text: 'x'.repeat(BODY_LIMIT) });
  const deep = () => `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const activities = () => `/directline/conversations/${session.conversationId}/activities`;
  const upload = () => `/directline/conversations/${session.conversationId}/upload?userId=${session.userId}`;
  const tampered = () => `${session.token.slice(0, -4)}AAAA`;
  const multipart = (parts: string[], boundary = 'XyZ') => ({
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: `${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`,
  });
  const filePart = (name: string, bytes: string, field = 'file') =>
    `Content-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n${bytes}`;
  /** A body streamed without Content-Length, so only the streaming cap can stop it. */
  const streamed = (size: number): RequestInit & { duplex: 'half' } => ({
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${session.token}` },
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`{"type":"message","text":"${'y'.repeat(size)}"}`));
        controller.close();
      },
    }),
    duplex: 'half',
  });

  const cases = (): BadCase[] => [
    // POST /directline/tokens/generate
    { name: 'generate: body not JSON', status: 400, send: () => call(url('/directline/tokens/generate'), { method: 'POST', headers: json, body: '{nope' }) },
    { name: 'generate: wrong content type', status: 415, send: () => call(url('/directline/tokens/generate'), { method: 'POST', headers: { 'content-type': 'text/html' }, body: '<p>' }) },
    { name: 'generate: wrong types', status: 400, send: () => call(url('/directline/tokens/generate'), { method: 'POST', json: { locale: 7 } }) },
    { name: 'generate: oversized', status: 413, send: () => call(url('/directline/tokens/generate'), { method: 'POST', headers: json, body: oversized() }) },
    // POST /directline/conversations
    { name: 'start: no token', status: 401, send: () => call(url('/directline/conversations'), { method: 'POST', json: {} }) },
    { name: 'start: not a bearer token', status: 401, send: () => call(url('/directline/conversations'), { method: 'POST', headers: { authorization: 'Basic dXNlcjpwYXNz' } }) },
    { name: 'start: huge token', status: 401, send: () => call(url('/directline/conversations'), { method: 'POST', token: 'a'.repeat(5000) }) },
    { name: 'start: junk token', status: 403, send: () => call(url('/directline/conversations'), { method: 'POST', token: 'abc.def.ghi' }) },
    { name: 'start: tampered token', status: 403, send: () => call(url('/directline/conversations'), { method: 'POST', token: tampered() }) },
    { name: 'start: body not JSON', status: 400, send: () => call(url('/directline/conversations'), { method: 'POST', token: session.token, headers: json, body: 'nope' }) },
    { name: 'start: wrong types', status: 400, send: () => call(url('/directline/conversations'), { method: 'POST', token: session.token, json: { locale: ['en'] } }) },
    { name: 'start: oversized', status: 413, send: () => call(url('/directline/conversations'), { method: 'POST', token: session.token, headers: json, body: oversized() }) },
    // POST /directline/tokens/refresh
    { name: 'refresh: no token', status: 401, send: () => call(url('/directline/tokens/refresh'), { method: 'POST' }) },
    { name: 'refresh: tampered token', status: 403, send: () => call(url('/directline/tokens/refresh'), { method: 'POST', token: tampered() }) },
    { name: 'refresh: body not JSON', status: 400, send: () => call(url('/directline/tokens/refresh'), { method: 'POST', token: session.token, headers: json, body: '[1,' }) },
    { name: 'refresh: oversized', status: 413, send: () => call(url('/directline/tokens/refresh'), { method: 'POST', token: session.token, headers: json, body: oversized() }) },
    // GET /directline/conversations/:id
    { name: 'reconnect: no token', status: 401, send: () => call(url(`/directline/conversations/${session.conversationId}`)) },
    { name: 'reconnect: token of another conversation', status: 403, send: () => call(url(`/directline/conversations/${session.conversationId}`), { token: other.token }) },
    { name: 'reconnect: bad id', status: 403, send: () => call(url('/directline/conversations/..%2F..%2Fetc'), { token: session.token }) },
    // GET /directline/conversations/:id/activities
    { name: 'get: no token', status: 401, send: () => call(url(activities())) },
    { name: 'get: watermark not a number', status: 400, send: () => call(url(`${activities()}?watermark=abc`), { token: session.token }) },
    { name: 'get: negative watermark', status: 400, send: () => call(url(`${activities()}?watermark=-1`), { token: session.token }) },
    { name: 'get: watermark ahead', status: 400, send: () => call(url(`${activities()}?watermark=999999`), { token: session.token }) },
    { name: 'get: huge watermark', status: 400, send: () => call(url(`${activities()}?watermark=${'9'.repeat(40)}`), { token: session.token }) },
    { name: 'get: unknown conversation id', status: 403, send: () => call(url('/directline/conversations/AAAAAAAAAAAAAAAAAAAAAA/activities'), { token: session.token }) },
    { name: 'get: malformed escape in the id (refused by restify)', status: 404, send: () => call(url('/directline/conversations/%E0%A4%A/activities'), { token: session.token }) },
    // POST /directline/conversations/:id/activities
    { name: 'post: no token', status: 401, send: () => call(url(activities()), { method: 'POST', json: userMessage('hi') }) },
    { name: 'post: token of another conversation', status: 403, send: () => call(url(activities()), { method: 'POST', token: other.token, json: userMessage('hi') }) },
    { name: 'post: empty body', status: 400, send: () => call(url(activities()), { method: 'POST', token: session.token }) },
    { name: 'post: body not JSON', status: 400, send: () => call(url(activities()), { method: 'POST', token: session.token, headers: json, body: '{"type":' }) },
    { name: 'post: JSON array', status: 400, send: () => call(url(activities()), { method: 'POST', token: session.token, json: [userMessage('hi')] }) },
    { name: 'post: JSON string', status: 400, send: () => call(url(activities()), { method: 'POST', token: session.token, json: 'hi' }) },
    { name: 'post: type not a string', status: 400, send: () => call(url(activities()), { method: 'POST', token: session.token, json: { type: 5 } }) },
    { name: 'post: type a client may not send', status: 400, send: () => call(url(activities()), { method: 'POST', token: session.token, json: { type: 'conversationUpdate' } }) },
    { name: 'post: text not a string', status: 400, send: () => call(url(activities()), { method: 'POST', token: session.token, json: { type: 'message', text: { a: 1 } } }) },
    { name: 'post: text too long', status: 400, send: () => call(url(activities()), { method: 'POST', token: session.token, json: { type: 'message', text: 'z'.repeat(10_001) } }) },
    { name: 'post: channelData not an object', status: 400, send: () => call(url(activities()), { method: 'POST', token: session.token, json: { type: 'message', channelData: 'x' } }) },
    { name: 'post: deep JSON', status: 400, send: () => call(url(activities()), { method: 'POST', token: session.token, headers: json, body: deep() }) },
    { name: 'post: oversized (Content-Length)', status: 413, send: () => call(url(activities()), { method: 'POST', token: session.token, headers: json, body: oversized() }) },
    { name: 'post: oversized (streamed, no Content-Length)', status: 413, send: () => fetch(url(activities()), streamed(BODY_LIMIT * 4)) },
    { name: 'post: wrong content type', status: 415, send: () => call(url(activities()), { method: 'POST', token: session.token, headers: { 'content-type': 'application/xml' }, body: '<a/>' }) },
    // POST /directline/conversations/:id/upload
    { name: 'upload: no token', status: 401, send: () => call(url(upload()), { method: 'POST', ...multipart([filePart('a.txt', 'a')]) }) },
    { name: 'upload: token of another conversation', status: 403, send: () => call(url(upload()), { method: 'POST', token: other.token, ...multipart([filePart('a.txt', 'a')]) }) },
    { name: 'upload: JSON instead of multipart', status: 415, send: () => call(url(upload()), { method: 'POST', token: session.token, json: userMessage('hi') }) },
    { name: 'upload: no file part', status: 400, send: () => call(url(upload()), { method: 'POST', token: session.token, ...multipart(['Content-Disposition: form-data; name="note"\r\n\r\nhello']) }) },
    { name: 'upload: truncated multipart', status: 400, send: () => call(url(upload()), { method: 'POST', token: session.token, headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: `--XyZ\r\n${filePart('a.txt', 'abc')}` }) },
    // A file over the cap, or past the file limit, is read and refused in the chat (200), see localDirectLine.test.ts.
    { name: 'upload: activity part not JSON', status: 400, send: () => call(url(upload()), { method: 'POST', token: session.token, ...multipart([filePart('blob', '{oops', 'activity'), filePart('a.txt', 'a')]) }) },
    { name: 'upload: activity part of the wrong type', status: 400, send: () => call(url(upload()), { method: 'POST', token: session.token, ...multipart([filePart('blob', '{"type":"event"}', 'activity'), filePart('a.txt', 'a')]) }) },
    { name: 'upload: oversized activity part', status: 413, send: () => call(url(upload()), { method: 'POST', token: session.token, ...multipart([filePart('blob', JSON.stringify({ type: 'message', text: 'q'.repeat(1024 * 1024) }), 'activity'), filePart('a.txt', 'a')]) }) },
    // GET /directline/attachments/:id
    { name: 'file: malformed id', status: 404, send: () => call(url('/directline/attachments/not-an-id')) },
    { name: 'file: unknown id', status: 404, send: () => call(url('/directline/attachments/AAAAAAAAAAAAAAAAAAAAAA')) },
    // POST /api/directline/token (the page's entry point)
    { name: 'token endpoint: body not JSON', status: 400, send: () => call(url('/api/directline/token'), { method: 'POST', headers: json, body: '}{' }) },
    { name: 'token endpoint: oversized', status: 413, send: () => call(url('/api/directline/token'), { method: 'POST', headers: json, body: oversized() }) },
  ];

  it('answers each bad request with its specific 4xx', async () => {
    const wrong: string[] = [];
    for (const c of cases()) {
      const { status } = await c.send();
      if (status !== c.status) wrong.push(`${c.name}: expected ${c.status}, got ${status}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('a file over the cap and files past the per-upload limit (2): 200, each noted as refused for the bot, the others kept', async () => {
    const bot = server.bot as StandInBot;
    const response = await call<{ id: string }>(url(upload()), {
      method: 'POST',
      token: session.token,
      ...multipart([filePart('big.pdf', 'b'.repeat(FILE_LIMIT + 1)), filePart('1.txt', '1'), filePart('2.txt', '2'), filePart('3.txt', '3')]),
    });
    expect(response.status).to.equal(200);
    const seen = bot.seen.find((a) => a.attachmentNames.includes('big.pdf'));
    expect(seen?.attachments.map((a) => [a.name, a.contentType, (a.content as { reason?: string } | undefined)?.reason ?? null])).to.deep.equal([
      ['1.txt', 'application/octet-stream', null],
      ['big.pdf', REFUSED_UPLOAD_TYPE, 'too-large'],
      ['2.txt', REFUSED_UPLOAD_TYPE, 'too-many'],
      ['3.txt', REFUSED_UPLOAD_TYPE, 'too-many'],
    ]);
  });

  it('still serves afterwards: health, a new conversation, and the old one', async () => {
    for (const c of cases()) await c.send();
    expect((await call(`${server.baseUrl}/healthz`)).status).to.equal(200);
    const fresh = await client.started();
    const posted = await client.post(fresh, userMessage('what file types can I upload'));
    expect(posted.status).to.equal(200);
    expect((await client.all(fresh)).some((a) => a.replyToId === posted.body.id)).to.equal(true);
    expect((await client.post(session, userMessage('still there?'))).status).to.equal(200);
  });
});
