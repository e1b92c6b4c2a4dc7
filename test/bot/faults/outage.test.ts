import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startTestApp, type TestApp } from '../../support/app';
import { freePort, PrivateRedis } from '../../support/redisServer';
import { TestSmtpServer } from '../../support/smtpServer';
import { nextEvent, waitUntil } from '../../support/waitUntil';
import { CHECK_ACCOUNT, converse, escalate, faq, readinessBecomes, mailsOfCase, outboxIdle } from '../../support/flows';
import { TALK_TO_HELPDESK } from '../../../dialogs/prompts/replies';
import { RedisCaseStore } from '../../../bot/adapters/redisCaseStore';

/**
 * Outages of the services the bot depends on, with the real things: a private `redis-server`
 * process that the test stops and starts again on the same port, and a real SMTP server
 * (`smtp-server`) that it stops and starts. Redis runs with an append-only file, as a
 * production Redis does: its data survives the restart, so "nothing lost" is about the bot.
 */

/** What the degraded mode adds to its answers. */
const MEMORY_OFF_NOTE = "I'm having trouble remembering our conversation right now";
const FAST_RETRIES = { baseDelayMs: 50, maxDelayMs: 500 };
const PREFIX = 'faults:';

describe('outages: Redis and SMTP go down and come back', function () {
  this.timeout(120000);
  let dataDir: string;
  let redisServer: PrivateRedis;
  let smtp: TestSmtpServer;
  let t: TestApp | null;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-faults-redis-'));
    redisServer = await new PrivateRedis(['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir]).start();
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ REDIS_URL: redisServer.url, REDIS_KEY_PREFIX: PREFIX, SMTP_URL: smtp.url }, { outboxBackoff: FAST_RETRIES });
  });

  afterEach(async () => {
    await t?.stop();
    await smtp.stop();
    await redisServer.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Stops the app (and so its outbox worker): after this no mail can arrive, so counts are final. */
  const stopApp = async () => {
    await t!.stop();
    t = null;
  };

  /** The cases stored in the private Redis, read with a client of the test's own. */
  const storedCases = async () => {
    const redis = new Redis(redisServer.url);
    try {
      return await new RedisCaseStore(redis, { prefix: PREFIX }).list({ limit: 100 });
    } finally {
      await redis.quit();
    }
  };

  it('Redis down: FAQ answers still come, with a note that memory is off; /readyz says 503 (not ready); it recovers by itself and the dialog in progress continues', async () => {
    const app = t!;
    const { question, title } = faq();
    const before = await converse(app, 'in-progress', [CHECK_ACCOUNT, 'Yes']);
    expect(before[1]).to.include('Which email address');

    await redisServer.stop();
    const down = await readinessBecomes(app, 503);
    expect(down.status).to.equal('not-ready');
    expect(down.checks.redis).to.include({ status: 'down', required: true });

    // A FAQ question gets its answer, and the note that multi-turn memory is off.
    const [answer] = await converse(app, 'during-outage', [question]);
    expect(answer).to.include(title);
    expect(answer).to.include(MEMORY_OFF_NOTE);
    // The conversation in progress gets the same degraded treatment instead of an error.
    const [degraded] = await converse(app, 'in-progress', ['jane.doe@umass.edu']);
    expect(degraded).to.include(MEMORY_OFF_NOTE);
    expect(degraded).not.to.include('date of birth');
    expect(degraded).not.to.include('something went wrong');

    await redisServer.start();
    const up = await readinessBecomes(app, 200);
    expect(up.status).to.equal('ready');
    expect(up.checks.redis.status).to.equal('up');

    // Back to normal by itself: the dialog continues where it was before the outage…
    const [resumed] = await converse(app, 'in-progress', ['jane.doe@umass.edu']);
    expect(resumed).to.include('date of birth');
    expect(resumed).not.to.include(MEMORY_OFF_NOTE);
    // …and a new conversation is served with memory on.
    const [fresh] = await converse(app, 'after-outage', [question]);
    expect(fresh).to.include(title);
    expect(fresh).not.to.include(MEMORY_OFF_NOTE);
  });

  it('Redis down in the middle of a handoff: no case is opened while it is down; after it comes back the handoff completes, one case, one email', async () => {
    const app = t!;
    const first = await converse(app, 'handoff', [TALK_TO_HELPDESK, 'I cannot see my immunization upload']);
    expect(first[1]).to.include('What email address should the help desk reply to?');

    await redisServer.stop();
    await readinessBecomes(app, 503);
    const [during] = await converse(app, 'handoff', ['skip anyway']);
    expect(during).to.include(MEMORY_OFF_NOTE);
    expect(during).to.include('uhsportalhelp@umass.edu');
    // Asking for a person while Redis is down: told to email the help desk, no case number.
    const [asked] = await converse(app, 'asked-during-outage', [TALK_TO_HELPDESK]);
    expect(asked).to.include(MEMORY_OFF_NOTE);
    expect(asked).not.to.match(/UHS-[0-9A-Z]{6}/);

    await redisServer.start();
    await readinessBecomes(app, 200);
    const rest = await converse(app, 'handoff', ['skip anyway', 'Yes']);
    expect(rest[0]).to.include('May I include this conversation');
    const caseId = /UHS-[0-9A-HJKMNP-TV-Z]{6}/.exec(rest[1])?.[0];
    expect(caseId, rest[1]).to.be.a('string');

    await smtp.waitFor(1);
    await outboxIdle(app);
    await stopApp();
    expect(smtp.received).to.have.length(1);
    expect(mailsOfCase(smtp, caseId!)).to.have.length(1);
    expect((await storedCases()).map((c) => c.id)).to.deep.equal([caseId]);
  });

  it('SMTP down mid-escalation, then Redis down while the mails wait: every case gets a number and, once both are back, exactly one email', async () => {
    const app = t!;
    // Mid-escalation: SMTP goes down between the description and the confirmation.
    const started = await converse(app, 'case-a', [TALK_TO_HELPDESK, 'The upload button does nothing']);
    expect(started[1]).to.include('What email address');
    await smtp.stop();
    const retried = nextEvent(app.app.outbox, 'retrying');
    const done = await converse(app, 'case-a', ['skip anyway', 'Yes']);
    const caseA = /UHS-[0-9A-HJKMNP-TV-Z]{6}/.exec(done[1])?.[0];
    expect(caseA, 'a case number while SMTP is down').to.be.a('string');
    await retried; // the first delivery attempt failed: the mail is queued, not lost
    const caseB = await escalate(app, 'case-b', 'My password reset email never arrives');

    // Redis goes down while both mails wait in its queue, and SMTP comes back meanwhile.
    await redisServer.stop();
    await readinessBecomes(app, 503);
    await smtp.start();
    await redisServer.start();
    await readinessBecomes(app, 200);

    await smtp.waitFor(2);
    await outboxIdle(app);
    await stopApp();
    expect(smtp.received).to.have.length(2);
    expect(mailsOfCase(smtp, caseA!)).to.have.length(1);
    expect(mailsOfCase(smtp, caseB)).to.have.length(1);
    const cases = await storedCases();
    expect(cases.map((c) => c.id).sort()).to.deep.equal([caseA, caseB].sort());
  });

  it('SMTP down and back while escalations keep coming: each of them is delivered exactly once', async () => {
    const app = t!;
    const count = 6;
    const caseIds: string[] = [];
    for (let i = 0; i < count; i++) {
      if (i === 2) await smtp.stop();
      if (i === 4) await smtp.start();
      caseIds.push(await escalate(app, `burst-${i}`, `Problem number ${i}`));
    }
    await smtp.waitFor(count);
    await outboxIdle(app);
    await waitUntil(async () => (await storedCases()).every((c) => c.events.some((e) => e.type === 'escalated')), 'every case records its delivery');
    await stopApp();
    expect(smtp.received).to.have.length(count);
    for (const id of caseIds) expect(mailsOfCase(smtp, id), id).to.have.length(1);
  });
});

describe('outages: Redis down when the bot starts', function () {
  this.timeout(120000);
  let dataDir: string;
  let redisServer: PrivateRedis;
  let t: TestApp | null = null;

  afterEach(async () => {
    await t?.stop();
    await redisServer.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts anyway, answers FAQ questions without memory at once, and switches to normal when Redis appears', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-faults-redis-'));
    redisServer = new PrivateRedis(['--dir', dataDir]);
    redisServer.port = await freePort(); // nothing listens there yet
    t = await startTestApp({ REDIS_URL: redisServer.url, REDIS_KEY_PREFIX: PREFIX }, { outboxBackoff: FAST_RETRIES });
    const { question, title } = faq();

    expect((await readinessBecomes(t, 503)).checks.redis.status).to.equal('down');
    const [degraded] = await converse(t, 'early', [question]);
    expect(degraded).to.include(title);
    expect(degraded).to.include(MEMORY_OFF_NOTE);

    await redisServer.start();
    await readinessBecomes(t, 200);
    const replies = await converse(t, 'later', [CHECK_ACCOUNT, 'Yes']);
    expect(replies[1]).to.include('Which email address');
    expect(replies.join('\n')).not.to.include(MEMORY_OFF_NOTE);
  });
});
