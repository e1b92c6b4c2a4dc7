import { expect } from 'chai';
import { startTestApp, texts, type TestApp } from '../../support/app';
import { TestSmtpServer } from '../../support/smtpServer';
import { RecordingConnector } from '../../support/recordingConnector';
import { sendReply, testDnsResolver, TEST_REPLY_SECRET } from '../../support/mailAuth';
import { caseAddress } from '../../../dialogs/cases/caseId';

/**
 * The whole handoff through the real server: a patient asks for a person over
 * /api/messages, the escalation email arrives at a real SMTP server, and the help desk's reply,
 * mailed to the inbound listener, reaches the patient's conversation proactively.
 */
describe('Handoff through the bot (HTTP, real SMTP both ways)', () => {
  const DOB = '04/12/2001';
  let smtp: TestSmtpServer;
  let connector: RecordingConnector;
  let t: TestApp;
  let caseId = '';

  before(async () => {
    smtp = await new TestSmtpServer().start();
    connector = await RecordingConnector.start();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      INBOUND_SMTP_PORT: '0',
      INBOUND_ADDRESS: 'case+{id}@bot.uhs.test',
      INBOUND_ALLOWED_DOMAINS: 'umass.edu',
      ALLOWED_SERVICE_URLS: connector.serviceUrl,
      INBOUND_REPLY_SECRET: TEST_REPLY_SECRET,
    }, { dnsResolver: testDnsResolver });
  });
  after(async () => {
    await t.stop();
    await smtp.stop();
    await connector.close();
  });

  const conversation = 'conv-handoff-e2e';
  const say = (text: string) => t.say(conversation, text, { serviceUrl: connector.serviceUrl });

  it('asking for a person gives a case number, and the help desk gets one email with transcript and Reply-To, without the date of birth', async () => {
    await say(`hi, my date of birth is ${DOB}`);
    let replies = await say('I want to talk to a person');
    expect(texts(replies).join('\n')).to.match(/describe|what.*(problem|happen)/i);
    replies = await say(`My vaccine card upload fails every time. DOB ${DOB}`);
    expect(texts(replies).join('\n')).to.match(/email/i);
    replies = await say('pat.patient@example.org');
    expect(texts(replies).join('\n')).to.match(/include this conversation/i);
    replies = await say('Yes');
    const confirmation = texts(replies).join('\n');
    const match = /UHS-[0-9A-Z]{6}/.exec(confirmation);
    expect(match, confirmation).to.not.equal(null);
    caseId = match![0];
    expect(confirmation).to.include('pat.patient@example.org');
    expect(replies.some((a) => a.type === 'event' && a.name === 'handoff.initiate'), 'handoff.initiate event').to.equal(true);

    const [mail] = await smtp.waitFor(1);
    expect(mail.envelopeTo).to.deep.equal(['uhsportalhelp@umass.edu']);
    expect(mail.parsed.subject).to.include(caseId);
    const replyTo = (mail.parsed.replyTo?.value ?? []).map((a) => a.address);
    expect(replyTo).to.include('pat.patient@example.org');
    expect(replyTo).to.include(caseAddress('case+{id}@bot.uhs.test', caseId, TEST_REPLY_SECRET));
    expect(mail.parsed.text).to.include('I want to talk to a person');
    expect(mail.parsed.text).to.include('vaccine card upload fails');
    expect(mail.parsed.html || '').to.include('vaccine card upload fails');
    expect(mail.raw).to.not.include(DOB);
    expect(mail.raw).to.not.include('04/12/01');
    expect(t.logs.text).to.not.include(DOB);
    expect(t.logs.text).to.not.include('pat.patient@example.org');
  });

  it("relays the help desk's emailed reply, without the quoted history, into the patient's chat", async () => {
    expect(caseId, 'the previous test opened a case').to.not.equal('');
    const err = await sendReply(t.app.inboundMailPort()!, {
      from: 'Helen Desk <helen.desk@umass.edu>',
      to: caseAddress('case+{id}@bot.uhs.test', caseId, TEST_REPLY_SECRET),
      subject: `Re: [${caseId}] Portal help`,
      text: `Hi Pat, please convert the card to PDF and try Chrome.\n\nOn Tue, Nov 24, 2026 at 10:00 AM UHS Portal Help Bot wrote:\n> My vaccine card upload fails every time.\n`,
    });
    expect(err).to.equal(null);
    const call = await connector.waitFor((c) => c.conversationId === conversation && /convert the card to PDF/.test(c.activity.text ?? ''));
    expect(call.activity.text).to.include(caseId);
    expect(call.activity.text).to.not.include('upload fails every time');
  });

  it('drops a reply for an unknown case, refuses one from outside the allowed domains or unsigned, and relays nothing', async () => {
    const before = connector.calls.length;
    const port = t.app.inboundMailPort()!;
    expect(await sendReply(port, { from: 'helen.desk@umass.edu', to: caseAddress('case+{id}@bot.uhs.test', 'UHS-ZZZZZZ', TEST_REPLY_SECRET), subject: 'x', text: 'hello' })).to.equal(null);
    expect(String(await sendReply(port, { from: 'mallory@evil.example', to: caseAddress('case+{id}@bot.uhs.test', caseId, TEST_REPLY_SECRET), subject: 'x', text: 'click here' }))).to.match(/55\d/);
    expect(String(await sendReply(port, { from: 'UHS Help Desk <attacker@umass.edu>', to: caseAddress('case+{id}@bot.uhs.test', caseId, TEST_REPLY_SECRET), subject: 'x', text: 'click here' }, false))).to.match(/550/);
    expect(connector.calls.length).to.equal(before);
  });
});
