import { expect } from 'chai';
import { Redis } from 'ioredis';
import net from 'node:net';
import type { SendMailOptions } from 'nodemailer';
import { silentLog, type CaseRecord, type CaseStore } from '../../../dialogs/ports';
import { CaseService, helpDeskMessageText } from '../../../dialogs/cases/caseService';
import { RecordingNotifier } from '../../fakes/recordingNotifier';
import { RecordingOutbox } from '../../fakes/recordingOutbox';
import { RedisCaseStore } from '../../../bot/adapters/redisCaseStore';
import { isAllowedSender, startInboundMailServer, type InboundMailServer } from '../../../bot/inbound/inboundMailServer';
import { FakeCaseStore } from '../../fakes/fakeCaseStore';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';
import { sendReply, testDnsResolver, TEST_REPLY_SECRET } from '../../support/mailAuth';
import { caseAddress } from '../../../dialogs/cases/caseId';
import { newCase } from '../adapters/caseFixtures';

const DB = 3;
const TEMPLATE = 'case+{id}@uhsbot.umass.edu';
const ALLOWED = ['umass.edu'];
const STAFF = 'Pat Staff <pat.staff@uhs.umass.edu>';

/** The case service as bot/index.ts wires it, over `cases`, with `send` as the patient's chat. */
function caseService(cases: CaseStore, send: (text: string) => void = () => undefined): CaseService {
  const patientChat = { send: async (_reference: unknown, activity: { text?: string }) => send(activity.text ?? '') };
  return new CaseService({ cases, notifier: new RecordingNotifier(), escalations: new RecordingOutbox(), patientChat, log: silentLog, now: () => new Date() });
}

/** Sends one message, DKIM-signed by the help desk's domain, to the listener; resolves with the SMTP error (or null when accepted). */
const deliver = (port: number, message: SendMailOptions) => sendReply(port, message);

/** The same options as the listener under test, for the extra listeners some tests start. */
const baseOptions = { port: 0, addressTemplate: TEMPLATE, allowedDomains: ALLOWED, replyKey: TEST_REPLY_SECRET, resolver: testDnsResolver };

describe('inbound mail server (help-desk replies)', () => {
  let redis: Redis;
  let prefix: string;
  let cases: RedisCaseStore;
  let server: InboundMailServer;
  /** The texts that reached the patient's chat. */
  let relayed: string[];
  let relayFails: boolean;
  let record: CaseRecord;

  beforeEach(async () => {
    redis = new Redis(testRedisUrl(DB));
    prefix = uniquePrefix('inbound');
    cases = new RedisCaseStore(redis, { prefix });
    relayed = [];
    relayFails = false;
    server = await startInboundMailServer({
      ...baseOptions,
      cases: caseService(cases, (text) => {
        if (relayFails) throw new Error('conversation gone');
        relayed.push(text);
      }),
    });
    record = await cases.create(newCase());
  });

  afterEach(async () => {
    await server.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  const caseAddr = (id: string) => caseAddress(TEMPLATE, id, TEST_REPLY_SECRET);

  it('relays a reply for a real case without the quoted history or signature, and records it on the case', async () => {
    const err = await deliver(server.port, {
      from: STAFF,
      to: caseAddr(record.id).toLowerCase(),
      subject: `Re: [${record.id}] Upload problem — portal help request`,
      text: `Please try uploading a PDF instead.\n\n-- \nPat Staff\nUHS\n\nOn Tue, Nov 24, 2026 at 10:01 AM UHS Portal Help Bot <no-reply@uhs.umass.edu> wrote:\n> Case: ${record.id}\n> my birthday is [date redacted]`,
    });
    expect(err).to.equal(null);
    expect(relayed).to.deep.equal([helpDeskMessageText(record.id, 'Please try uploading a PDF instead.', 'Pat Staff')]);
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
    expect(relayed[0]).to.include('Your account is active now.');
    expect(relayed[0]).not.to.include('old mail');
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

  async function expectDropped(message: SendMailOptions): Promise<void> {
    const before = await cases.get(record.id);
    expect(await deliver(server.port, message), 'accepted like any other mail').to.equal(null);
    expect(relayed).to.deep.equal([]);
    expect(await cases.get(record.id)).to.deep.equal(before);
  }

  it('accepts and drops mail for an unknown case, an unsigned or wrongly signed address, or one outside the pattern', async () => {
    await expectDropped({ from: STAFF, to: caseAddr('UHS-ZZZZZZ'), subject: 'Re', text: 'hello' });
    await expectDropped({ from: STAFF, to: `case+${record.id}@uhsbot.umass.edu`, subject: 'Re', text: 'hello' });
    await expectDropped({ from: STAFF, to: caseAddress(TEMPLATE, record.id, 'another-secret-0123456789abcdef0123'), subject: 'Re', text: 'hello' });
    await expectDropped({ from: STAFF, to: 'help@uhsbot.umass.edu', subject: 'Re', text: 'hello' });
    await expectDropped({ from: STAFF, to: caseAddr(record.id).replace('uhsbot.umass.edu', 'elsewhere.edu'), subject: 'Re', text: 'hello' });
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
    const down = await startInboundMailServer({ ...baseOptions, cases: caseService(new DownStore()) });
    try {
      const err = await deliver(down.port, { from: STAFF, to: caseAddr(record.id), subject: 'Re', text: 'hello' });
      expect(err?.responseCode).to.equal(451);
    } finally {
      await down.close();
    }
  });

  it('refuses (550) a forged reply: an allowed From domain without DKIM, from an IP outside its SPF', async () => {
    const before = await cases.get(record.id);
    const err = await sendReply(server.port, { from: '"UHS Help Desk" <attacker@umass.edu>', to: caseAddr(record.id), subject: 'Re', text: 'Log in at http://evil.example/login' }, false);
    expect(err?.responseCode).to.equal(550);
    expect(err?.message).to.match(/DMARC/);
    expect(relayed).to.deep.equal([]);
    expect(await cases.get(record.id)).to.deep.equal(before);
  });

  it('relays plain text: images dropped, links only to allowed domains', async () => {
    const err = await deliver(server.port, {
      from: STAFF,
      to: caseAddr(record.id),
      subject: 'Re',
      text: 'Reset it here: https://evil.example/login or [the portal](http://phish.example/x) ![t](https://tracker.example/p.gif)\nHelp page: https://www.umass.edu/uhs/patient-portal',
    });
    expect(err).to.equal(null);
    expect(relayed).to.have.length(1);
    const text = relayed[0];
    expect(text).to.not.match(/evil\.example|phish\.example|tracker\.example|!\[/);
    expect(text).to.include('[link removed]');
    expect(text).to.include('https://www.umass.edu/uhs/patient-portal');
  });

  it('gives the same RCPT answer for a real case, an unknown case and an unsigned address', async () => {
    const replies = await rcptReplies(server.port, [caseAddr(record.id), caseAddr('UHS-ZZZZZZ'), `case+${record.id}@uhsbot.umass.edu`, 'nobody@uhsbot.umass.edu']);
    expect(new Set(replies).size, replies.join(' | ')).to.equal(1);
    expect(replies[0]).to.match(/^250/);
  });

  it('relays at most repliesPerCasePerHour replies to one case, and limits messages per client', async () => {
    const limited = await startInboundMailServer({ ...baseOptions, cases: caseService(cases, (text) => relayed.push(text)), repliesPerCasePerHour: 2, messagesPerClientPerMinute: 4 });
    try {
      const results = [];
      for (let i = 0; i < 5; i++) results.push((await deliver(limited.port, { from: STAFF, to: caseAddr(record.id), subject: 'Re', text: `reply ${i}` }))?.responseCode ?? 250);
      expect(results).to.deep.equal([250, 250, 250, 250, 421]);
      expect(relayed).to.deep.equal([helpDeskMessageText(record.id, 'reply 0', 'Pat Staff'), helpDeskMessageText(record.id, 'reply 1', 'Pat Staff')]);
      expect((await cases.get(record.id))?.events.filter((e) => e.type === 'reply')).to.have.length(2);
    } finally {
      await limited.close();
    }
  });

  it('refuses a message over the size limit (552) and listens on 127.0.0.1 unless told otherwise', async () => {
    const small = await startInboundMailServer({ ...baseOptions, cases: caseService(cases), maxMessageBytes: 10_000 });
    try {
      expect(small.address).to.equal('127.0.0.1');
      const err = await deliver(small.port, { from: STAFF, to: caseAddr(record.id), subject: 'Re', text: 'x'.repeat(20_000) });
      expect(err?.responseCode).to.equal(552);
    } finally {
      await small.close();
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

/** The server's answer to RCPT TO for each address, each in its own SMTP session (raw protocol). */
async function rcptReplies(port: number, addresses: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const address of addresses) {
    const socket = net.connect(port, '127.0.0.1');
    const lines: string[] = [];
    let waiting: ((line: string) => void) | null = null;
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        // Multi-line replies ("250-...") end with a line whose 4th character is a space.
        if (line[3] === '-') continue;
        if (waiting) {
          const w = waiting;
          waiting = null;
          w(line);
        } else lines.push(line);
      }
    });
    const next = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : (waiting = resolve)));
    const send = async (command: string) => {
      socket.write(`${command}\r\n`);
      return next();
    };
    await next();
    await send('EHLO test.example');
    await send('MAIL FROM:<pat.staff@uhs.umass.edu>');
    out.push(await send(`RCPT TO:<${address}>`));
    socket.end('QUIT\r\n');
  }
  return out;
}
