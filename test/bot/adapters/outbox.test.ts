import { expect } from 'chai';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import type { OutgoingMail } from '../../../dialogs/ports';
import { SmtpMailer } from '../../../bot/adapters/mailer';
import { MemoryOutbox } from '../../../bot/adapters/memoryOutbox';
import { BullmqOutbox, type BullmqOutboxOptions } from '../../../bot/adapters/bullmqOutbox';
import { recordOutboxEventsOnCases, type ManagedOutbox } from '../../../bot/adapters/outbox';
import { MemoryCaseStore } from '../../../bot/adapters/memoryCaseStore';
import { silentLog } from '../../../dialogs/ports';
import { CaseService } from '../../../dialogs/cases/caseService';
import { RecordingNotifier } from '../../fakes/recordingNotifier';
import { newCase } from './caseFixtures';
import { TestSmtpServer } from '../../support/smtpServer';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';
import { nextEvent, waitUntil } from '../../support/waitUntil';

const DB = 3;
const FROM = 'UHS Portal Help Bot <no-reply@uhs.umass.edu>';
/** Milliseconds instead of minutes, so retries happen within the test. */
const FAST = { baseDelayMs: 20, maxDelayMs: 200 };

function mail(caseId: string): OutgoingMail {
  return { to: 'uhsportalhelp@umass.edu', subject: `[${caseId}] Upload problem — portal help request`, text: `Case ${caseId}`, headers: { 'X-UHS-Case': caseId } };
}

const casesReceived = (smtp: TestSmtpServer) => smtp.received.map((m) => m.parsed.headers.get('x-uhs-case') as string);

interface Factory {
  name: string;
  open(mailer: SmtpMailer, maxAttempts?: number): ManagedOutbox;
}

/** BullMQ outboxes of one test share a prefix (like instances of one deployment); cleaned after each test. */
let bullPrefix = '';
const bullOptions = (mailer: SmtpMailer, maxAttempts = 50): BullmqOutboxOptions => ({
  redisUrl: testRedisUrl(DB),
  prefix: bullPrefix,
  mailer,
  maxAttempts,
  backoff: FAST,
});

const factories: Factory[] = [
  { name: 'MemoryOutbox', open: (mailer, maxAttempts = 50) => new MemoryOutbox({ mailer, maxAttempts, backoff: FAST }) },
  { name: 'BullmqOutbox', open: (mailer, maxAttempts) => new BullmqOutbox(bullOptions(mailer, maxAttempts)) },
];

describe('escalation outboxes', () => {
  let smtp: TestSmtpServer;
  let mailer: SmtpMailer;
  let outboxes: ManagedOutbox[];
  let redis: Redis;

  before(() => {
    redis = new Redis(testRedisUrl(DB));
  });

  after(async () => {
    await redis.quit();
  });

  beforeEach(async () => {
    bullPrefix = uniquePrefix('outbox');
    smtp = await new TestSmtpServer().start();
    mailer = new SmtpMailer(smtp.url, FROM);
    outboxes = [];
  });

  afterEach(async () => {
    await Promise.all(outboxes.map((o) => o.close()));
    mailer.close();
    await smtp.stop();
    await deleteKeys(redis, bullPrefix);
  });

  const track = <T extends ManagedOutbox>(outbox: T): T => {
    outboxes.push(outbox);
    return outbox;
  };

  for (const factory of factories) {
    describe(factory.name, () => {
      it('delivers a queued mail over SMTP and reports it', async () => {
        const outbox = track(factory.open(mailer));
        const delivered = nextEvent<[string, string]>(outbox, 'delivered');
        await outbox.enqueue('UHS-AAAAA1', mail('UHS-AAAAA1'));
        const [jobId, messageId] = await delivered;
        expect(jobId).to.equal('UHS-AAAAA1');
        expect(messageId).to.match(/^<.+>$/);
        const [received] = await smtp.waitFor(1);
        expect(received.parsed.subject).to.equal('[UHS-AAAAA1] Upload problem — portal help request');
        expect(received.envelopeTo).to.deep.equal(['uhsportalhelp@umass.edu']);
      });

      it('sends one mail per job id however often it is enqueued', async () => {
        const outbox = track(factory.open(mailer));
        await Promise.all([outbox.enqueue('UHS-AAAAA2', mail('UHS-AAAAA2')), outbox.enqueue('UHS-AAAAA2', mail('UHS-AAAAA2'))]);
        await smtp.waitFor(1);
        await waitUntil(async () => (await outbox.pendingCount()) === 0, 'the outbox is idle');
        await outbox.enqueue('UHS-AAAAA2', mail('UHS-AAAAA2'));
        expect(await outbox.pendingCount()).to.equal(0);
        expect(casesReceived(smtp)).to.deep.equal(['UHS-AAAAA2']);
      });

      it('keeps retrying while SMTP is down and delivers exactly once when it is back', async () => {
        await smtp.stop();
        const outbox = track(factory.open(mailer));
        const retried = nextEvent(outbox, 'retrying');
        await outbox.enqueue('UHS-AAAAA3', mail('UHS-AAAAA3'));
        await retried;
        expect(smtp.received).to.have.length(0);
        expect(await outbox.pendingCount()).to.equal(1);
        await smtp.start();
        await smtp.waitFor(1);
        await waitUntil(async () => (await outbox.pendingCount()) === 0, 'the outbox is idle');
        expect(casesReceived(smtp)).to.deep.equal(['UHS-AAAAA3']);
      });

      it('gives up after the configured attempts and reports it', async () => {
        await smtp.stop();
        const outbox = track(factory.open(mailer, 3));
        const retries: number[] = [];
        outbox.on('retrying', (_id, attempt) => retries.push(attempt));
        const failed = nextEvent<[string, number]>(outbox, 'failed');
        await outbox.enqueue('UHS-AAAAA4', mail('UHS-AAAAA4'));
        expect(await failed).to.deep.equal(['UHS-AAAAA4', 3]);
        expect(retries).to.deep.equal([1, 2]);
        expect(await outbox.pendingCount()).to.equal(0);
      });
    });
  }

  it('records on the case whether its email went out or was given up', async () => {
    const cases = new MemoryCaseStore();
    const outbox = track(new MemoryOutbox({ mailer, maxAttempts: 2, backoff: FAST }));
    recordOutboxEventsOnCases(outbox, new CaseService({ cases, notifier: new RecordingNotifier(), escalations: outbox, patientChat: { send: async () => undefined }, log: silentLog, now: () => new Date() }));
    const sent = await cases.create(newCase());
    await outbox.enqueue(sent.id, mail(sent.id));
    await waitUntil(async () => (await cases.get(sent.id))?.events.some((e) => e.type === 'escalated') === true, 'the delivery is on the case');

    await smtp.stop();
    const lost = await cases.create(newCase());
    await outbox.enqueue(lost.id, mail(lost.id));
    await waitUntil(async () => (await cases.get(lost.id))?.events.some((e) => e.type === 'mail-failed') === true, 'the failure is on the case');
    expect((await cases.get(lost.id))?.events.find((e) => e.type === 'mail-failed')?.detail).to.equal('escalation email failed after 2 attempts');
    expect((await cases.get(sent.id))?.events.map((e) => e.type)).to.deep.equal(['created', 'escalated']);
  });

  describe('BullmqOutbox across bot instances', () => {
    it('survives a restart of the bot: mail queued while SMTP is down goes out once from the next instance', async () => {
      await smtp.stop();
      const first = new BullmqOutbox(bullOptions(mailer));
      const retried = nextEvent(first, 'retrying');
      await first.enqueue('UHS-RESTRT', mail('UHS-RESTRT'));
      await retried;
      // The bot stops (its worker and connections close); the job stays in Redis.
      await first.close();
      const second = track(new BullmqOutbox(bullOptions(mailer)));
      await smtp.start();
      await smtp.waitFor(1);
      await waitUntil(async () => (await second.pendingCount()) === 0, 'the queue is idle');
      expect(casesReceived(smtp)).to.deep.equal(['UHS-RESTRT']);
    });

    it('delivers mail queued by an instance without a worker (web-only) from another instance', async () => {
      const producer = track(new BullmqOutbox({ ...bullOptions(mailer), runWorker: false }));
      await producer.enqueue('UHS-WEB001', mail('UHS-WEB001'));
      expect(await producer.pendingCount()).to.equal(1);
      track(new BullmqOutbox(bullOptions(mailer)));
      await smtp.waitFor(1);
      await waitUntil(async () => (await producer.pendingCount()) === 0, 'the queue is idle');
      expect(casesReceived(smtp)).to.deep.equal(['UHS-WEB001']);
    });

    it('two instances enqueueing the same 50 cases send exactly 50 emails', async () => {
      const a = track(new BullmqOutbox(bullOptions(mailer)));
      const b = track(new BullmqOutbox(bullOptions(mailer)));
      const ids = Array.from({ length: 50 }, (_, i) => `UHS-TWO${String(i).padStart(3, '0')}`);
      await Promise.all(ids.flatMap((id) => [a.enqueue(id, mail(id)), b.enqueue(id, mail(id))]));
      await smtp.waitFor(50);
      await waitUntil(async () => (await a.pendingCount()) === 0 && (await b.pendingCount()) === 0, 'both queues are idle');
      expect(smtp.received).to.have.length(50);
      expect(new Set(casesReceived(smtp))).to.deep.equal(new Set(ids));
    });

    it('remembers a delivered case after its completed job is removed', async () => {
      const outbox = track(new BullmqOutbox({ ...bullOptions(mailer), keepCompletedSeconds: 0 }));
      await outbox.enqueue('UHS-GONE01', mail('UHS-GONE01'));
      await smtp.waitFor(1);
      const queue = new Queue('escalations', { connection: { url: testRedisUrl(DB) }, prefix: `${bullPrefix}bull` });
      try {
        await waitUntil(async () => (await queue.getJob('UHS-GONE01')) === undefined, 'the completed job is removed');
        await outbox.enqueue('UHS-GONE01', mail('UHS-GONE01'));
        expect(await queue.getJob('UHS-GONE01')).to.equal(undefined);
        expect(await outbox.pendingCount()).to.equal(0);
        expect(casesReceived(smtp)).to.deep.equal(['UHS-GONE01']);
      } finally {
        await queue.close();
      }
    });

    it('keeps a failed job (it holds the email) a week, not for ever', async () => {
      await smtp.stop();
      const outbox = track(new BullmqOutbox(bullOptions(mailer, 1)));
      const failed = nextEvent<[string, number]>(outbox, 'failed');
      await outbox.enqueue('UHS-FAIL01', mail('UHS-FAIL01'));
      await failed;
      const queue = new Queue('escalations', { connection: { url: testRedisUrl(DB) }, prefix: `${bullPrefix}bull` });
      try {
        const job = await queue.getJob('UHS-FAIL01');
        expect(await job?.getState()).to.equal('failed');
        expect(job?.opts.removeOnFail).to.deep.equal({ age: 7 * 24 * 3600 });
      } finally {
        await queue.close();
      }
    });

    it('fails a job whose data is not a valid mail at once, without retrying', async () => {
      const outbox = track(new BullmqOutbox(bullOptions(mailer)));
      const failed = nextEvent<[string, number]>(outbox, 'failed');
      const queue = new Queue('escalations', { connection: { url: testRedisUrl(DB) }, prefix: `${bullPrefix}bull` });
      try {
        await queue.add('escalation-email', { to: 'not an address', subject: '', text: 1 }, { jobId: 'UHS-BAD001', attempts: 10 });
        expect(await failed).to.deep.equal(['UHS-BAD001', 1]);
        expect(smtp.received).to.have.length(0);
      } finally {
        await queue.close();
      }
    });
  });
});
