import { expect } from 'chai';
import net from 'node:net';
import { startTestApp, texts, type TestApp } from '../support/app';
import { testRedisUrl, uniquePrefix, deleteKeys } from '../support/redis';
import { Redis } from 'ioredis';
import type { ReadinessReport } from '../../bot/health/readiness';

describe('HTTP server (real server on an ephemeral port)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  it('answers a message with expectReplies in the response body', async () => {
    const replies = await t.say('conv-faq', 'what file types can I upload?');
    const all = texts(replies).join('\n');
    expect(all).to.include('.gif');
    expect(all).to.include('.pdf');
  });

  it('answers GET /healthz with 200 and the version, storage and mail transport', async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status).to.equal(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).to.include({ ok: true, storage: 'memory', mail: 'outbox' });
    expect(body.version).to.match(/^\d+\.\d+\.\d+/);
  });

  it('welcomes a user who joins', async () => {
    const response = await t.post({
      type: 'conversationUpdate',
      id: 'join-1',
      channelId: 'test',
      serviceUrl: 'http://127.0.0.1:1/unused',
      deliveryMode: 'expectReplies',
      conversation: { id: 'conv-welcome' },
      recipient: { id: 'bot' },
      from: { id: 'user-1' },
      membersAdded: [{ id: 'user-1' }, { id: 'bot' }],
    });
    expect(response.status).to.equal(200);
    const replies = (JSON.parse(response.body) as { activities: Array<{ text?: string }> }).activities;
    expect(replies).to.have.length(1);
    expect(replies[0].text).to.include('I can help you with the UMass Patient Portal');
  });

  describe('bad input gets a 4xx and the server keeps serving', () => {
    afterEach(async () => {
      const health = await fetch(`${t.url}/healthz`);
      expect(health.status).to.equal(200);
    });

    it('a body that is not JSON: 400', async () => {
      const response = await t.post('{"type": "message", oops');
      expect(response.status).to.equal(400);
    });

    it('an activity without conversation.id: 400 naming the field', async () => {
      const response = await t.post({ type: 'message', text: 'hi', from: { id: 'u' } });
      expect(response.status).to.equal(400);
      expect(response.body).to.include('conversation');
    });

    it('a 1 MB body: 413', async () => {
      const response = await t.post({ type: 'message', conversation: { id: 'big' }, text: 'x'.repeat(1024 * 1024) });
      expect(response.status).to.equal(413);
    });

    it('wrong types: 400', async () => {
      const response = await t.post({ type: 42, conversation: { id: ['a'] } });
      expect(response.status).to.equal(400);
    });

    it('a JSON array or a scalar: 400', async () => {
      expect((await t.post('[1,2,3]')).status).to.equal(400);
      expect((await t.post('"message"')).status).to.equal(400);
    });

    it('a non-JSON content type: 4xx', async () => {
      const response = await t.post('type=message', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(response.status).to.be.within(400, 499);
    });

    it('a valid activity of an unknown type: 200', async () => {
      const response = await t.post({ type: 'somethingNew', id: 'x1', channelId: 'test', serviceUrl: 'http://127.0.0.1:1/unused', deliveryMode: 'expectReplies', conversation: { id: 'conv-unknown' }, from: { id: 'u' }, recipient: { id: 'bot' } });
      expect(response.status).to.equal(200);
    });
  });
});

describe('Authentication', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-a-real-secret' });
  });
  after(async () => {
    await t.stop();
  });

  it('refuses a request without a token with 401 when an app id is set', async () => {
    const response = await t.post({ type: 'message', text: 'hello', channelId: 'test', serviceUrl: 'https://smba.trafficmanager.net/amer/', conversation: { id: 'c' }, from: { id: 'u' }, recipient: { id: 'bot' } });
    expect(response.status).to.equal(401);
  });

  it('refuses a forged bearer token with 401', async () => {
    const response = await t.post(
      { type: 'message', text: 'hello', channelId: 'test', serviceUrl: 'https://smba.trafficmanager.net/amer/', conversation: { id: 'c' }, from: { id: 'u' }, recipient: { id: 'bot' } },
      { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.' },
    );
    expect(response.status).to.equal(401);
  });
});

describe('State in Redis', () => {
  const prefix = uniquePrefix('server');
  const redis = new Redis(testRedisUrl(1));
  after(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it('continues a multi-turn dialog after the bot process restarts', async () => {
    const env = { REDIS_URL: testRedisUrl(1), REDIS_KEY_PREFIX: prefix };
    const first = await startTestApp(env);
    let replies;
    try {
      replies = await first.say('conv-restart', 'do I already have an account?');
      expect(texts(replies).join('\n')).to.match(/check/i);
      replies = await first.say('conv-restart', 'Yes');
      expect(texts(replies).join('\n')).to.match(/email/i);
    } finally {
      await first.stop();
    }
    const second = await startTestApp(env);
    try {
      // The new process has never seen this conversation: only Redis knows it is waiting for an email.
      replies = await second.say('conv-restart', 'not-an-email');
      expect(texts(replies).join('\n')).to.match(/email/i);
      replies = await second.say('conv-restart', 'test.student@umass.edu');
      expect(texts(replies).join('\n')).to.match(/date of birth/i);
      const health = (await (await fetch(`${second.url}/healthz`)).json()) as Record<string, unknown>;
      expect(health).to.include({ ok: true, storage: 'redis' });
      const ready = (await (await fetch(`${second.url}/readyz`)).json()) as ReadinessReport;
      expect(ready.checks.redis.status).to.equal('up');
    } finally {
      await second.stop();
    }
    const keys = await redis.keys(`${prefix}state:*`);
    expect(keys.length).to.be.greaterThan(0);
    expect(await redis.ttl(keys[0])).to.be.greaterThan(0);
  });

  it('answers /readyz with 503 (not ready) when the configured Redis does not answer, /healthz still 200 (alive)', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    const t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${closedPort}/0`, REDIS_KEY_PREFIX: prefix });
    try {
      const response = await fetch(`${t.url}/readyz`);
      expect(response.status).to.equal(503);
      const report = (await response.json()) as ReadinessReport;
      expect(report.status).to.equal('not-ready');
      expect(report.checks.redis).to.include({ status: 'down', required: true });
      expect((await fetch(`${t.url}/healthz`)).status).to.equal(200);
    } finally {
      await t.stop();
    }
  });
});

describe('Malformed invokes', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  it('answers an Adaptive Card action invoke without an action with 400, and keeps serving', async () => {
    for (const value of [undefined, {}, { action: null }, { action: 'claim' }]) {
      const response = await t.post({ type: 'invoke', name: 'adaptiveCard/action', value, id: 'inv-1', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/unused', conversation: { id: 'conv-invoke' }, from: { id: 'u' }, recipient: { id: 'bot' } });
      expect(response.status, JSON.stringify(value)).to.equal(400);
    }
    expect((await fetch(`${t.url}/healthz`)).status).to.equal(200);
  });
});
