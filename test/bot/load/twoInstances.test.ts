import { expect } from 'chai';
import { Redis } from 'ioredis';
import { messageActivity, startTestApp, type TestApp } from '../../support/app';
import { TestSmtpServer } from '../../support/smtpServer';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';
import { waitUntil } from '../../support/waitUntil';
import { RedisCaseStore } from '../../../bot/adapters/redisCaseStore';
import { CHECK_ACCOUNT, converse, escalate, faq, mailsOfCase, mailsTo, outboxIdle, requestReset } from '../../support/flows';

/**
 * Scale-out: two bot instances (two full composition roots, each with its own HTTP server,
 * Redis clients and outbox worker) share one Redis and one key prefix, as two processes behind
 * a load balancer without sticky sessions would. Mail goes to a real SMTP server.
 */

const DB = 6;
const FAST_RETRIES = { baseDelayMs: 20, maxDelayMs: 200 };
/** Per-conversation limit of these instances: above every flow below, low enough to reach. */
const PER_CONVERSATION = 8;

describe('scale-out: two instances sharing one Redis', function () {
  this.timeout(60000);
  const redisUrl = testRedisUrl(DB);
  let prefix: string;
  let smtp: TestSmtpServer;
  let redis: Redis;
  const started: TestApp[] = [];

  /** Two instances with the same Redis, prefix and SMTP server. */
  const startPair = async (): Promise<[TestApp, TestApp]> => {
    const env = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, SMTP_URL: smtp.url, RATE_LIMIT_PER_CONVERSATION_PER_MINUTE: String(PER_CONVERSATION) };
    const pair = await Promise.all([startTestApp(env, { outboxBackoff: FAST_RETRIES }), startTestApp(env, { outboxBackoff: FAST_RETRIES })]);
    started.push(...pair);
    return pair;
  };

  beforeEach(async () => {
    prefix = uniquePrefix('load-2x');
    smtp = await new TestSmtpServer().start();
    redis = new Redis(redisUrl);
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((t) => t.stop()));
    await smtp.stop();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('a conversation whose turns alternate between the instances keeps its dialog state (account status, four turns)', async () => {
    const [a, b] = await startPair();
    const replies = await converse([a, b], 'alternating-1', [CHECK_ACCOUNT, 'Yes', 'test.student@umass.edu', '01/01/2000']);
    expect(replies[0]).to.include('already created an account'); // a: the dialog starts (FAQ 3: do I already have an account?)
    expect(replies[1]).to.include('Which email address'); // b: continues where a left it
    expect(replies[2]).to.include('date of birth'); // a: remembers b's step
    expect(replies[3]).to.include('Thanks. If test.student@umass.edu and that date of birth match'); // b: completes it
    // The record matched, so exactly one result email goes to the address on file.
    await smtp.waitFor(1);
    expect(mailsTo(smtp, 'test.student@umass.edu')).to.have.length(1);
  });

  it('escalations made through both instances are each stored once and emailed once', async () => {
    const [a, b] = await startPair();
    const count = 10;
    // Each conversation alternates between the instances; even ones start on a, odd ones on b.
    const caseIds = await Promise.all(Array.from({ length: count }, (_, i) => escalate(i % 2 ? [b, a] : [a, b], `escalating-${i}`)));
    expect(new Set(caseIds).size).to.equal(count);

    await smtp.waitFor(count);
    await Promise.all([outboxIdle(a), outboxIdle(b)]);
    // Each delivery is recorded on its case (by whichever instance sent it): wait for all of them.
    const cases = new RedisCaseStore(redis, { prefix });
    const escalatedEvents = async () => (await cases.list({ limit: 100 })).map((c) => c.events.filter((e) => e.type === 'escalated').length);
    await waitUntil(async () => (await escalatedEvents()).every((n) => n > 0), 'every case records its delivery');
    const stored = await cases.list({ limit: 100 });
    expect(stored.map((c) => c.id).sort(), 'one stored case per escalation').to.deep.equal([...caseIds].sort());
    // Stopping both instances stops both outbox workers: no mail can arrive after this point,
    // so the counts below are final, not a snapshot.
    await Promise.all(started.splice(0).map((t) => t.stop()));
    expect(smtp.received).to.have.length(count);
    for (const caseId of caseIds) expect(mailsOfCase(smtp, caseId), caseId).to.have.length(1);
    expect(await escalatedEvents(), 'one recorded delivery per case').to.deep.equal(Array(count).fill(1));
  });

  it('the per-address reset limit (3 emails per address per hour) is global: the 4th request, via the other instance, sends nothing', async () => {
    const [a, b] = await startPair();
    const address = 'minnie.minuteman@umass.edu';
    for (const [i, app] of [a, b, a].entries()) {
      expect(await requestReset(app, `reset-${i}`, address)).to.include('Done.');
    }
    await smtp.waitFor(3);
    expect(mailsTo(smtp, address)).to.have.length(3);

    const fourth = await requestReset(b, 'reset-3', address);
    // The same reply as always: the limit must not tell anyone anything.
    expect(fourth).to.include(`Done. If ${address} is the email address UHS has on file`);
    expect(b.logs.lines.filter((l) => l.includes('"event":"rate-limited"') && l.includes('"scope":"address"'))).to.have.length(1);

    // A control reset through the same instance is sent, after the refused one would have been.
    await requestReset(b, 'reset-control', 'hampshire.tester@example.org');
    await smtp.waitFor(4);
    await waitUntil(() => mailsTo(smtp, 'hampshire.tester@example.org').length === 1, 'the control mail arrived');
    expect(mailsTo(smtp, address)).to.have.length(3);
    expect(smtp.received).to.have.length(4);
  });

  it('the per-conversation request limit of /api/messages is global: counted across both instances, then 429 with Retry-After', async () => {
    const [a, b] = await startPair();
    const apps = [a, b];
    const statuses: number[] = [];
    for (let i = 0; i < PER_CONVERSATION; i++) {
      const response = await apps[i % 2].post(messageActivity('chatty'));
      statuses.push(response.status);
    }
    expect(statuses).to.deep.equal(Array(PER_CONVERSATION).fill(200));

    const refused = await fetch(`${a.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', channelId: 'test', serviceUrl: 'http://127.0.0.1:1/unused', deliveryMode: 'expectReplies', conversation: { id: 'chatty' }, from: { id: 'u' }, text: 'hello again' }),
    });
    expect(refused.status).to.equal(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).to.be.within(1, 60);
    // Another conversation is not affected.
    const { question, title } = faq();
    expect((await converse(b, 'quiet', [question]))[0]).to.include(title);
  });
});
