import { expect } from 'chai';
import { Redis } from 'ioredis';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { CaseRecord } from '../../../dialogs/ports';
import { RedisCaseStore } from '../../../bot/adapters/redisCaseStore';
import { isAllowedSender, startInboundMailServer, type InboundMailServer } from '../../../bot/inbound/inboundMailServer';
import { FakeCaseStore } from '../../fakes/fakeCaseStore';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';
import { newCase } from '../adapters/caseFixtures';

const DB = 3;
const TEMPLATE = 'case+{id}@uhsbot.umass.edu';
const ALLOWED = ['umass.edu'];
const STAFF = 'Pat Staff <pat.staff@uhs.umass.edu>';

interface Relayed {
  caseId: string;
  text: string;
  senderName: string;
}

/** Sends one message to the listener; resolves with the SMTP error (or null when accepted). */
async function deliver(port: number, message: SendMailOptions): Promise<(Error & { responseCode?: number }) | null> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail(message);
    return null;
  } catch (err) {
    return err as Error & { responseCode?: number };
  } finally {
    transport.close();
  }
}

describe('inbound mail server (help-desk replies)', () => {
  let redis: Redis;
  let prefix: string;
  let cases: RedisCaseStore;
  let server: InboundMailServer;
  let relayed: Relayed[];
  let relayFails: boolean;
  let record: CaseRecord;

  beforeEach(async () => {
    redis = new Redis(testRedisUrl(DB));
    prefix = uniquePrefix('inbound');
    cases = new RedisCaseStore(redis, { prefix });
    relayed = [];
    relayFails = false;
    server = await startInboundMailServer({
      port: 0,
      host: '127.0.0.1',
      addressTemplate: TEMPLATE,
      allowedDomains: ALLOWED,
      cases,
      relay: async (c, text, senderName) => {
        if (relayFails) throw new Error('conversation gone');
        relayed.push({ caseId: c.id, text, senderName });
      },
    });
    record = await cases.create(newCase());
  });

  afterEach(async () => {
    await server.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  const caseAddr = (id: string) => `case+${id}@uhsbot.umass.edu`;

  it('relays a reply for a real case without the quoted history or signature, and records it on the case', async () => {
    const err = await deliver(server.port, {
      from: STAFF,
      to: caseAddr(record.id).toLowerCase(),
      subject: `Re: [${record.id}] Upload problem — portal help request`,
      text: `Please try uploading a PDF instead.\n\n-- \nPat Staff\nUHS\n\nOn Tue, Nov 24, 2026 at 10:01 AM UHS Portal Help Bot <no-reply@uhs.umass.edu> wrote:\n> Case: ${record.id}\n> my birthday is [date redacted]`,
    });
    expect(err).to.equal(null);
    expect(relayed).to.deep.equal([{ caseId: record.id, text: 'Please try uploading a PDF instead.', senderName: 'Pat Staff' }]);
    const stored = await cases.get(record.id);
    const reply = stored?.events.find((e) => e.type === 'reply');
    expect(reply).to.include({ by: 'Pat Staff', detail: 'Please try uploading a PDF instead.' });
  });

  it('takes the text of an HTML-only reply, without the quoted blockquote', async () => {
    const err = await deliver(server.port, {
      from: STAFF,
      to: caseAddr(record.id),
      subject: 'Re: case',
      html: '<div>Your account is active now.<br>Log in again.</div><blockquote>Case: old mail</blockquote>',
    });
    expect(err).to.equal(null);
    expect(relayed).to.have.length(1);
    expect(relayed[0].text).to.include('Your account is active now.');
    expect(relayed[0].text).not.to.include('old mail');
  });

  it('redacts dates in the event it records (the chat gets the text as staff wrote it)', async () => {
    await deliver(server.port, { from: STAFF, to: caseAddr(record.id), subject: 'Re', text: 'We found your record for 04/12/2001.' });
    const stored = await cases.get(record.id);
    expect(stored?.events.find((e) => e.type === 'reply')?.detail).to.equal('We found your record for [date redacted].');
  });

  async function expectRefused(message: SendMailOptions, code: number): Promise<void> {
    const before = await cases.get(record.id);
    const err = await deliver(server.port, message);
    expect(err, 'the SMTP client gets an error').to.not.equal(null);
    expect(err?.responseCode).to.equal(code);
    expect(relayed).to.deep.equal([]);
    expect(await cases.get(record.id)).to.deep.equal(before);
  }

  it('refuses mail for an unknown case with 550, changing nothing', async () => {
    await expectRefused({ from: STAFF, to: caseAddr('UHS-ZZZZZZ'), subject: 'Re', text: 'hello' }, 550);
  });

  it('refuses mail for an address outside the case pattern with 550', async () => {
    await expectRefused({ from: STAFF, to: 'help@uhsbot.umass.edu', subject: 'Re', text: 'hello' }, 550);
    await expectRefused({ from: STAFF, to: `case+${record.id}@elsewhere.edu`, subject: 'Re', text: 'hello' }, 550);
  });

  it('refuses a sender outside the allow-list with 550, changing nothing', async () => {
    await expectRefused({ from: 'Mallory <mallory@example.com>', to: caseAddr(record.id), subject: 'Re', text: 'click here' }, 550);
    await expectRefused({ from: 'Mallory <mallory@notumass.edu>', to: caseAddr(record.id), subject: 'Re', text: 'click here' }, 550);
  });

  it('refuses a From header outside the allow-list even when the envelope sender is allowed', async () => {
    await expectRefused(
      { envelope: { from: 'pat.staff@uhs.umass.edu', to: [caseAddr(record.id)] }, from: 'Mallory <mallory@example.com>', to: caseAddr(record.id), subject: 'Re', text: 'spoofed' },
      550,
    );
  });

  it('accepts but never relays automatic replies (out of office)', async () => {
    const err = await deliver(server.port, { from: STAFF, to: caseAddr(record.id), subject: 'Out of office', text: 'I am away until Monday.', headers: { 'Auto-Submitted': 'auto-replied' } });
    expect(err).to.equal(null);
    expect(relayed).to.deep.equal([]);
    expect((await cases.get(record.id))?.events.map((e) => e.type)).to.deep.equal(['created']);
  });

  it('still records the reply and accepts the mail when the chat cannot be reached', async () => {
    relayFails = true;
    const err = await deliver(server.port, { from: STAFF, to: caseAddr(record.id), subject: 'Re', text: 'Fixed.' });
    expect(err).to.equal(null);
    expect((await cases.get(record.id))?.events.map((e) => e.type)).to.deep.equal(['created', 'reply']);
  });

  it('asks the sending server to retry later (451) while the case store is down', async () => {
    class DownStore extends FakeCaseStore {
      override async get(): Promise<CaseRecord | null> {
        throw new Error('ECONNREFUSED');
      }
    }
    const down = await startInboundMailServer({ port: 0, host: '127.0.0.1', addressTemplate: TEMPLATE, allowedDomains: ALLOWED, cases: new DownStore(), relay: async () => undefined });
    try {
      const err = await deliver(down.port, { from: STAFF, to: caseAddr(record.id), subject: 'Re', text: 'hello' });
      expect(err?.responseCode).to.equal(451);
    } finally {
      await down.close();
    }
  });
});

describe('isAllowedSender', () => {
  it('accepts allowed domains and their subdomains only', () => {
    expect(isAllowedSender('a@umass.edu', ALLOWED)).to.equal(true);
    expect(isAllowedSender('a@UHS.UMASS.EDU', ALLOWED)).to.equal(true);
    expect(isAllowedSender('a@notumass.edu', ALLOWED)).to.equal(false);
    expect(isAllowedSender('a@umass.edu.evil.com', ALLOWED)).to.equal(false);
    expect(isAllowedSender('', ALLOWED)).to.equal(false);
    expect(isAllowedSender('umass.edu', ALLOWED)).to.equal(false);
  });
});
