import { expect } from 'chai';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import type { Activity, ConversationReference } from 'botbuilder-core';
import { DialogTestClient } from 'botbuilder-testing';
import { silentLog, type CaseStore, type EscalationOutbox, type TranscriptLine } from '../../../dialogs/ports';
import { CaseService, helpDeskMessageText } from '../../../dialogs/cases/caseService';
import { RecordingNotifier } from '../../fakes/recordingNotifier';
import { HandoffDialog, type HandoffOptions } from '../../../dialogs/cases/handoffDialog';
import { PendingEscalations } from '../../../dialogs/cases/pendingEscalations';
import { caseAddress, caseIdFromAddress, CASE_ID_PATTERN } from '../../../dialogs/cases/caseId';
import { SmtpMailer } from '../../../bot/adapters/mailer';
import { MemoryCaseStore } from '../../../bot/adapters/memoryCaseStore';
import { RedisCaseStore } from '../../../bot/adapters/redisCaseStore';
import { MemoryOutbox } from '../../../bot/adapters/memoryOutbox';
import { BullmqOutbox } from '../../../bot/adapters/bullmqOutbox';
import type { ManagedOutbox } from '../../../bot/adapters/outbox';
import { startInboundMailServer } from '../../../bot/inbound/inboundMailServer';
import { DKIM_DOMAIN, DKIM_PRIVATE_KEY, DKIM_SELECTOR, TEST_REPLY_SECRET, testDnsResolver } from '../../support/mailAuth';
import { makeTestServices, testKnowledge, testSettings } from '../../fakes/services';
import { TestSmtpServer, type ReceivedMail } from '../../support/smtpServer';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';
import { PrivateRedis } from '../../support/redisServer';
import { waitUntil } from '../../support/waitUntil';

const DB = 3;
const FROM = 'UHS Portal Help Bot <no-reply@uhs.umass.edu>';
const TEMPLATE = 'case+{id}@uhsbot.umass.edu';
const FAST = { baseDelayMs: 20, maxDelayMs: 200 };
/** Dates of birth as a patient might type them; none may reach the help desk's mailbox. */
const DOBS = ['04/12/2001', '4-12-2001', 'April 12, 2001', '2001-04-12'];

const chat: TranscriptLine[] = [
  { from: 'user', text: `I can't upload my form. My DOB is ${DOBS[0]}`, at: '2026-11-24T14:58:00.000Z' },
  { from: 'bot', text: 'Which file type are you uploading?', at: '2026-11-24T14:58:05.000Z' },
  { from: 'user', text: `A HEIC photo. Born ${DOBS[2]}, or ${DOBS[3]} if you prefer`, at: '2026-11-24T14:59:00.000Z' },
  { from: 'bot', text: 'HEIC is not an accepted file type.', at: '2026-11-24T14:59:05.000Z' },
];

const options: HandoffOptions = { trigger: 'user-asked', intent: 'upload-problem', transcript: chat };

/** Runs the whole handoff in a test chat; resolves with the case number the user was given. */
async function handOff(cases: CaseStore, escalations: EscalationOutbox, pending?: PendingEscalations): Promise<{ caseId: string; conversationId: string }> {
  const services = makeTestServices({ cases, escalations, settings: { ...testSettings, inboundAddress: TEMPLATE, inboundKey: TEST_REPLY_SECRET } });
  const dialog = new HandoffDialog(services, { pending: pending ?? new PendingEscalations(services.caseService, services.log, FAST) });
  const client = new DialogTestClient('test', dialog, options);
  await client.sendActivity('talk to a person');
  await client.sendActivity(`The upload page rejects my file. DOB ${DOBS[1]}`);
  await client.sendActivity('jdoe@umass.edu');
  const confirmation = (await client.sendActivity('Yes')) as Partial<Activity>;
  const caseId = /Your case number is \*\*(UHS-[0-9A-Z]{6})\*\*/.exec(confirmation.text ?? '')?.[1] ?? '';
  expect(caseId, 'the user is given a case number').to.match(CASE_ID_PATTERN);
  return { caseId, conversationId: confirmation.conversation?.id ?? '' };
}

function expectEscalationEmail(mail: ReceivedMail, caseId: string): void {
  expect(mail.envelopeTo).to.deep.equal(['uhsportalhelp@umass.edu']);
  expect(mail.parsed.subject).to.equal(`[${caseId}] ${testKnowledge().get('upload-problem')?.label} — portal help request`);
  expect(mail.parsed.headers.get('x-uhs-case')).to.equal(caseId);
  expect(mail.parsed.replyTo?.value.map((a) => a.address)).to.deep.equal(['jdoe@umass.edu', caseAddress(TEMPLATE, caseId, TEST_REPLY_SECRET)]);
  expect(mail.parsed.text).to.include('Which file type are you uploading?');
  expect(mail.parsed.text).to.include('HEIC is not an accepted file type.');
  expect(mail.parsed.text).to.include('The upload page rejects my file.');
  expect(mail.parsed.html || '').to.include('HEIC is not an accepted file type.');
  for (const dob of DOBS) {
    for (const body of [mail.raw, mail.parsed.text ?? '', mail.parsed.html || '']) expect(body, `${dob} must be masked`).not.to.include(dob);
  }
}

const sentFor = (smtp: TestSmtpServer, caseId: string) => smtp.received.filter((m) => m.parsed.headers.get('x-uhs-case') === caseId);

describe('escalation end to end (handoff dialog, real outbox, real SMTP)', () => {
  let smtp: TestSmtpServer;
  let mailer: SmtpMailer;
  let redis: Redis;
  let prefix: string;
  const closers: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    smtp = await new TestSmtpServer().start();
    mailer = new SmtpMailer(smtp.url, FROM);
    redis = new Redis(testRedisUrl(DB));
    prefix = uniquePrefix('handoff');
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    mailer.close();
    await smtp.stop();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  const bullmq = (overrides: Partial<ConstructorParameters<typeof BullmqOutbox>[0]> = {}): BullmqOutbox => {
    const outbox = new BullmqOutbox({ redisUrl: testRedisUrl(DB), prefix, mailer, maxAttempts: 50, backoff: FAST, ...overrides });
    closers.push(() => outbox.close());
    return outbox;
  };
  const memory = (): MemoryOutbox => {
    const outbox = new MemoryOutbox({ mailer, maxAttempts: 50, backoff: FAST });
    closers.push(() => outbox.close());
    return outbox;
  };
  const idle = (outbox: ManagedOutbox) => waitUntil(async () => (await outbox.pendingCount()) === 0, 'the outbox is idle');

  for (const kind of ['memory', 'bullmq'] as const) {
    it(`asking for a person sends the help desk one email with the case number, the transcript and Reply-To, and no date of birth (${kind} outbox, Redis case store)`, async () => {
      const outbox = kind === 'memory' ? memory() : bullmq();
      const cases = new RedisCaseStore(redis, { prefix });
      const { caseId } = await handOff(cases, outbox);
      const [mail] = await smtp.waitFor(1);
      expectEscalationEmail(mail, caseId);
      await idle(outbox);
      expect(smtp.received).to.have.length(1);
      const stored = await cases.get(caseId);
      expect(JSON.stringify(stored)).not.to.match(/04\/12\/2001|2001-04-12|April 12, 2001/);
    });
  }

  it('SMTP down (in-memory outbox): the user gets a case number, and the email goes out exactly once when SMTP is back', async () => {
    await smtp.stop();
    const outbox = memory();
    const retried = new Promise((resolve) => outbox.once('retrying', resolve));
    const { caseId } = await handOff(new MemoryCaseStore(), outbox);
    await retried;
    expect(smtp.received).to.have.length(0);
    await smtp.start();
    await smtp.waitFor(1);
    await idle(outbox);
    expect(smtp.received).to.have.length(1);
    expectEscalationEmail(smtp.received[0], caseId);
  });

  it('SMTP down across a bot restart (BullMQ): the email queued before the restart goes out exactly once after it', async () => {
    await smtp.stop();
    const before = bullmq();
    const retried = new Promise((resolve) => before.once('retrying', resolve));
    const { caseId } = await handOff(new RedisCaseStore(redis, { prefix }), before);
    await retried;
    await before.close(); // the bot stops
    const after = bullmq(); // the bot starts again
    await smtp.start();
    await smtp.waitFor(1);
    await idle(after);
    expect(sentFor(smtp, caseId)).to.have.length(1);
    expect(smtp.received).to.have.length(1);
  });

  describe('Redis down (a private redis-server that the test stops)', () => {
    it('the user still gets a case number; once Redis is back the case is stored under it and the email is sent once', async () => {
      const privateRedis = await new PrivateRedis().start();
      // Closers run last-in first-out: this one runs after the outbox and client are closed.
      closers.push(() => privateRedis.stop());
      const client = new Redis(privateRedis.url, { maxRetriesPerRequest: 1 });
      client.on('error', () => undefined);
      closers.push(async () => void client.disconnect());
      const cases = new RedisCaseStore(client, { prefix });
      const outbox = bullmq({ redisUrl: privateRedis.url, enqueueTimeoutMs: 500 });
      const pending = new PendingEscalations(makeTestServices({ cases, escalations: outbox }).caseService, undefined, FAST);
      closers.push(async () => pending.close());

      await privateRedis.stop();
      const { caseId } = await handOff(cases, outbox, pending);
      expect(pending.ids()).to.deep.equal([caseId]);

      await privateRedis.start();
      await pending.settled(caseId);
      const stored = await cases.get(caseId);
      expect(stored).to.include({ id: caseId, replyEmail: 'jdoe@umass.edu', transcriptConsent: true });
      await smtp.waitFor(1);
      await idle(outbox);
      expect(smtp.received).to.have.length(1);
      expectEscalationEmail(smtp.received[0], caseId);
    });
  });

  it('reply round trip: the help desk answers the escalation email and the text (without the quote) reaches the patient’s conversation', async () => {
    const cases = new RedisCaseStore(redis, { prefix });
    const outbox = memory();
    const relayed: Array<{ conversationId: string | undefined; text: string | undefined }> = [];
    const patientChat = { send: async (reference: Partial<ConversationReference>, activity: Partial<Activity>) => void relayed.push({ conversationId: reference.conversation?.id, text: activity.text }) };
    const inbound = await startInboundMailServer({
      port: 0,
      addressTemplate: TEMPLATE,
      replyKey: TEST_REPLY_SECRET,
      resolver: testDnsResolver,
      allowedDomains: ['umass.edu'],
      cases: new CaseService({ cases, notifier: new RecordingNotifier(), escalations: outbox, patientChat, log: silentLog, now: () => new Date() }),
    });
    closers.push(() => inbound.close());

    const { caseId, conversationId } = await handOff(cases, outbox);
    const [escalation] = await smtp.waitFor(1);
    // What a mail client's "Reply" does: to the Reply-To addresses, the original quoted below.
    const replyTo = escalation.parsed.replyTo?.value.map((a) => a.address ?? '') ?? [];
    const caseAddress = replyTo.find((a) => caseIdFromAddress(a, TEMPLATE, TEST_REPLY_SECRET) === caseId);
    expect(caseAddress, 'Reply-To holds the case address').to.be.a('string');
    const quoted = (escalation.parsed.text ?? '').split('\n').map((l) => `> ${l}`).join('\n');
    // The help desk's mail server signs it (DKIM), as Exchange Online does for umass.edu.
    const staff = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true, dkim: { domainName: DKIM_DOMAIN, keySelector: DKIM_SELECTOR, privateKey: DKIM_PRIVATE_KEY } });
    try {
      await staff.sendMail({
        from: 'Pat Staff <pat.staff@uhs.umass.edu>',
        to: caseAddress,
        subject: `Re: ${escalation.parsed.subject}`,
        inReplyTo: escalation.parsed.messageId,
        text: `Hi, HEIC photos can't be uploaded. Please save it as a PDF or JPG and try again.\n\nOn Tue, Nov 24, 2026 at 10:00 AM UHS Portal Help Bot <no-reply@uhs.umass.edu> wrote:\n${quoted}`,
      });
    } finally {
      staff.close();
    }
    expect(relayed).to.deep.equal([
      { conversationId, text: helpDeskMessageText(caseId, "Hi, HEIC photos can't be uploaded. Please save it as a PDF or JPG and try again.", 'Pat Staff') },
    ]);
    expect((await cases.get(caseId))?.events.map((e) => e.type)).to.include('reply');
  });
});
