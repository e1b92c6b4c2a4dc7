import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { OutboxFolderMailer, SmtpMailer, createMailer } from '../../../bot/adapters/mailer';
import type { Mailer, OutgoingMail } from '../../../dialogs/ports';
import { RecordingMailer } from '../../fakes/recordingMailer';
import { TestSmtpServer } from '../../support/smtpServer';

const MAIL: OutgoingMail = {
  to: 'patient@example.org',
  subject: 'Your UMass Patient Portal account',
  text: 'Plain text body',
  html: '<p>HTML body</p>',
  replyTo: ['uhsportalhelp@umass.edu', 'case+UHS-7K3Q9D@bot.uhs.test'],
  headers: { 'X-UHS-Case': 'UHS-7K3Q9D' },
};

/** What each mailer delivered, read back as a parsed message. */
interface Subject {
  mailer: Mailer;
  delivered(): Promise<ParsedMail[]>;
  stop(): Promise<void>;
}

function mailerContract(name: string, start: () => Promise<Subject>): void {
  describe(`Mailer contract: ${name}`, () => {
    let subject: Subject;
    beforeEach(async () => {
      subject = await start();
    });
    afterEach(async () => {
      await subject.stop();
    });

    it('delivers the mail with its subject, both bodies, Reply-To and headers, and returns a Message-ID', async () => {
      const receipt = await subject.mailer.send(MAIL);
      expect(receipt.messageId).to.be.a('string').and.not.equal('');
      const [mail] = await subject.delivered();
      expect(mail.subject).to.equal(MAIL.subject);
      expect(mail.text?.trim()).to.equal('Plain text body');
      expect(mail.html).to.include('HTML body');
      expect((mail.replyTo?.value ?? []).map((a) => a.address)).to.deep.equal(MAIL.replyTo);
      expect(mail.headers.get('x-uhs-case')).to.equal('UHS-7K3Q9D');
      expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0].address).to.equal('patient@example.org');
    });
  });
}

mailerContract('SmtpMailer (real SMTP server)', async () => {
  const smtp = await new TestSmtpServer().start();
  const mailer = new SmtpMailer(smtp.url, 'UHS Portal Help Bot <no-reply@uhs.umass.edu>');
  return {
    mailer,
    delivered: async () => (await smtp.waitFor(1)).map((m) => m.parsed),
    stop: async () => {
      mailer.close();
      await smtp.stop();
    },
  };
});

mailerContract('OutboxFolderMailer (.eml files)', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mailer-contract-'));
  const mailer = new OutboxFolderMailer(folder, 'UHS Portal Help Bot <no-reply@uhs.umass.edu>');
  return {
    mailer,
    delivered: () => Promise.all(fs.readdirSync(folder).sort().map((f) => simpleParser(fs.readFileSync(path.join(folder, f))))),
    stop: async () => fs.rmSync(folder, { recursive: true, force: true }),
  };
});

mailerContract('RecordingMailer (the fake dialog tests use)', async () => {
  const mailer = new RecordingMailer();
  return {
    mailer,
    // The fake keeps the structured mail; render it the way nodemailer would, to compare alike.
    delivered: async () => {
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mailer-fake-'));
      const renderer = new OutboxFolderMailer(folder, 'x <x@example.org>');
      for (const m of mailer.sent) await renderer.send(m);
      const parsed = await Promise.all(fs.readdirSync(folder).sort().map((f) => simpleParser(fs.readFileSync(path.join(folder, f)))));
      fs.rmSync(folder, { recursive: true, force: true });
      return parsed;
    },
    stop: async () => undefined,
  };
});

describe('Mailer adapters', () => {
  it('SMTP refuses to connect to a server that is down, so the outbox can retry', async () => {
    const smtp = await new TestSmtpServer().start();
    await smtp.stop();
    const mailer = new SmtpMailer(smtp.url, 'bot <bot@example.org>');
    let error: unknown = null;
    try {
      await mailer.send(MAIL);
    } catch (err) {
      error = err;
    }
    expect((error as { code?: string } | null)?.code).to.match(/ECONNREFUSED|ESOCKET|ECONNECTION/);
    mailer.close();
  });

  it('refuses a mail with an invalid recipient before it reaches a transport', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mailer-invalid-'));
    const mailer = new OutboxFolderMailer(folder, 'bot <bot@example.org>');
    let error: unknown = null;
    try {
      await mailer.send({ ...MAIL, to: 'not an address' });
    } catch (err) {
      error = err;
    }
    expect(error).to.not.equal(null);
    expect(fs.readdirSync(folder)).to.deep.equal([]);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('createMailer picks SMTP with a URL and the outbox folder without one', () => {
    expect(createMailer({ smtpUrl: 'smtp://127.0.0.1:2525', outboxFolder: './outbox', from: 'a <a@example.org>' }).transport).to.equal('smtp');
    expect(createMailer({ outboxFolder: './outbox', from: 'a <a@example.org>' }).transport).to.equal('outbox');
  });
});
