import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webChatBundlePath } from '../../../bot/web/staticAssets';
import { startChatServer, type ChatServer } from '../../support/chatServer';
import { call, DirectLineTestClient, type TestSession } from '../../support/directLineClient';

/** A stand-in for Azure's Direct Line token endpoint, recording what it was sent. */
class FakeAzureDirectLine {
  readonly requests: Array<{ path: string; authorization?: string; body: string }> = [];
  status = 200;
  private server?: HttpServer;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
        res.writeHead(this.status, { 'content-type': 'application/json' });
        res.end(this.status === 200 ? JSON.stringify({ conversationId: 'azure-conv', token: 'azure-token', expires_in: 3600 }) : '{"error":{}}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/v3/directline`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('Web Chat page and token endpoint', function () {
  this.timeout(30_000);

  describe('with the local Direct Line (the default)', () => {
    let server: ChatServer;
    before(async () => {
      server = await startChatServer();
    });
    after(() => server.close());

    it('serves the UHS page at / with a strict CSP, a labelled chat region and a skip link', async () => {
      const response = await fetch(`${server.baseUrl}/`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).to.contain("script-src 'self'");
      expect(csp).to.contain("object-src 'none'");
      // Web Chat's photo-resizing worker runs from a blob: URL; no other worker, and images only from here, data: or blob:.
      expect(csp).to.contain('worker-src blob:');
      expect(csp).to.contain("img-src 'self' data: blob:;");
      expect(csp).to.not.contain('https:');
      // Framed only by the bot's own pages (the widget demo) unless WIDGET_ORIGINS lists others.
      expect(csp).to.contain("frame-ancestors 'self'");
      expect(csp).to.not.contain('*');
      const html = await response.text();
      expect(html).to.contain('<html lang="en">');
      expect(html).to.contain('<title>UHS Patient Portal Help</title>');
      expect(html).to.match(/role="region" aria-label="Chat with the UHS Patient Portal Help assistant"/);
      expect(html).to.contain('<a class="skip-link" href="#webchat">');
      expect(html).to.contain('mailto:uhsportalhelp@umass.edu');
      expect(html).to.contain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(html).to.contain('src="webchat/webchat.js"');
    });

    it('answers 304 to a matching If-None-Match', async () => {
      const first = await fetch(`${server.baseUrl}/app.js`);
      const etag = first.headers.get('etag') ?? expect.fail('etag');
      const again = await fetch(`${server.baseUrl}/app.js`, { headers: { 'if-none-match': etag } });
      expect(again.status).to.equal(304);
    });

    it('serves the Web Chat bundle from the installed package, gzipped for browsers that take it', async () => {
      const expected = readFileSync(webChatBundlePath());
      const response = await fetch(`${server.baseUrl}/webchat/webchat.js`, { headers: { 'accept-encoding': 'gzip' } });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
      expect(response.headers.get('content-encoding')).to.equal('gzip');
      const body = Buffer.from(await response.arrayBuffer()); // fetch un-gzips
      expect(createHash('sha256').update(body).digest('hex')).to.equal(createHash('sha256').update(expected).digest('hex'));
    });

    it('serves the widget snippet (usable from other sites) and its demo page', async () => {
      const widget = await fetch(`${server.baseUrl}/widget.js`);
      expect(widget.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
      expect(widget.headers.get('cross-origin-resource-policy')).to.equal('cross-origin');
      expect(await widget.text()).to.contain("'./?embed=1'");
      const demo = await (await fetch(`${server.baseUrl}/widget-demo`)).text();
      expect(demo).to.contain('<script src="widget.js" defer></script>');
      for (const path of ['/app.css', '/favicon.svg']) expect((await fetch(`${server.baseUrl}${path}`)).status, path).to.equal(200);
    });

    it('gives the page a local session: a token for a new conversation, polled at /directline', async () => {
      const session = await new DirectLineTestClient(server.baseUrl).session();
      expect(session).to.include({ domain: 'directline', webSocket: false, expires_in: 1800 });
      expect(session.userId).to.match(/^dl_/);
      const started = await new DirectLineTestClient(server.baseUrl).start(session.token);
      expect(started.status).to.equal(201);
    });
  });

  describe('with DIRECTLINE_SECRET (Azure Direct Line)', () => {
    const azure = new FakeAzureDirectLine();
    let server: ChatServer;
    let endpoint: string;
    before(async () => {
      endpoint = await azure.start();
      server = await startChatServer({ directLineSecret: 's3cret-value', directLineEndpoint: endpoint });
    });
    after(async () => {
      await server.close();
      await azure.close();
    });

    it('exchanges the secret for a token server-side; the secret never reaches the browser', async () => {
      const response = await call<TestSession>(`${server.baseUrl}/api/directline/token`, { method: 'POST', json: {} });
      expect(response.status).to.equal(200);
      expect(JSON.stringify(response.body)).to.not.contain('s3cret-value');
      expect(response.body).to.include({ token: 'azure-token', conversationId: 'azure-conv', domain: endpoint, webSocket: true });

      const sent = azure.requests[azure.requests.length - 1];
      expect(sent.path).to.equal('/v3/directline/tokens/generate');
      expect(sent.authorization).to.equal('Bearer s3cret-value');
      const user = (JSON.parse(sent.body) as { user: { id: string } }).user;
      expect(user.id).to.match(/^dl_/);
      expect(response.body.userId).to.equal(user.id);
    });

    it("lets the page connect to Azure's origin in its CSP", async () => {
      const csp = (await fetch(`${server.baseUrl}/`)).headers.get('content-security-policy') ?? '';
      expect(csp).to.contain(`connect-src 'self' blob: ${new URL(endpoint).origin} wss://${new URL(endpoint).host}`);
    });

    it('answers 502 without details when Azure refuses or cannot be reached', async () => {
      azure.status = 403;
      const refused = await call(`${server.baseUrl}/api/directline/token`, { method: 'POST' });
      expect(refused.status).to.equal(502);
      expect(JSON.stringify(refused.body)).to.not.contain('s3cret-value');
      azure.status = 200;

      const unreachable = await startChatServer({ directLineSecret: 's3cret-value', directLineEndpoint: 'http://127.0.0.1:9/v3/directline' });
      try {
        expect((await call(`${unreachable.baseUrl}/api/directline/token`, { method: 'POST' })).status).to.equal(502);
      } finally {
        await unreachable.close();
      }
    });
  });

  describe('with WIDGET_ORIGINS', () => {
    let server: ChatServer;
    before(async () => {
      server = await startChatServer({ widgetOrigins: 'https://www.umass.edu, https://health.umass.edu:8443/some/page' });
    });
    after(() => server.close());

    it('lets those sites (their origins only) frame the page, besides its own', async () => {
      const csp = (await fetch(`${server.baseUrl}/`)).headers.get('content-security-policy') ?? '';
      expect(csp).to.match(/frame-ancestors 'self' https:\/\/www\.umass\.edu https:\/\/health\.umass\.edu:8443(;|$)/);
    });
  });

  describe('with LOCAL_DIRECTLINE=false and no secret', () => {
    let server: ChatServer;
    before(async () => {
      server = await startChatServer({ localDirectLine: false });
    });
    after(() => server.close());

    it('still serves the page, answers 503 for a token, and has no Direct Line routes', async () => {
      expect((await fetch(`${server.baseUrl}/`)).status).to.equal(200);
      expect((await call(`${server.baseUrl}/api/directline/token`, { method: 'POST' })).status).to.equal(503);
      expect((await call(`${server.baseUrl}/directline/tokens/generate`, { method: 'POST' })).status).to.equal(404);
      expect((await call(`${server.baseUrl}/v3/conversations/x/activities`, { method: 'POST', json: { type: 'message' } })).status).to.equal(404);
      expect((await call(`${server.baseUrl}/_connector/x/v3/conversations/x/activities`, { method: 'POST', json: { type: 'message' } })).status).to.equal(404);
    });
  });
});
