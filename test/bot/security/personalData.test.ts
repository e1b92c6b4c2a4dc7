import { expect } from 'chai';
import { startTestApp, texts, type TestApp } from '../../support/app';
import { TestSmtpServer } from '../../support/smtpServer';
import { CHECK_ACCOUNT, caseIdIn, converse, outboxIdle } from '../../support/flows';
import { TALK_TO_HELPDESK } from '../../../dialogs/prompts/replies';
import { redact } from '../../../dialogs/redact';

/**
 * What the bot promises about personal data holds in what it keeps: the conversation state,
 * the case and the escalation email.
 */
describe('Security: personal data kept against the promise', function () {
  this.timeout(60_000);
  let smtp: TestSmtpServer;
  let t: TestApp;
  before(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ SMTP_URL: smtp.url });
  });
  after(async () => {
    await t.stop();
    await smtp.stop();
  });

  /** Everything the state storage holds, as text. */
  const stateText = () => JSON.stringify((t.app.storage as unknown as { memory: Record<string, unknown> }).memory);

  /** The transcript lines of every conversation in state. */
  const transcriptOfState = () =>
    Object.values((t.app.storage as unknown as { memory: Record<string, unknown> }).memory)
      .map((value) => {
        const item = (typeof value === 'string' ? JSON.parse(value) : value) as { memory?: { transcript?: unknown[] } };
        return JSON.stringify(item.memory?.transcript ?? []);
      })
      .join('\n');

  it('masks dates of birth however they are written, ID numbers, and a birth month named in a re-prompt', () => {
    for (const text of ['09 01 2004', '2004 09 01', 'the 1st of September 2004', 'September the 1st, 2004', '1st of Sept, 2004', 'month 02 of 2004 has 29 days', 'student ID 31234567', 'ID: 123456', 'SPIRE 31234567']) {
      const masked = redact(text);
      expect(masked, text).to.not.match(/2004|31234567|123456|September|Sept/);
    }
    expect(redact('Call 413-577-5101 or visit room 302')).to.equal('Call 413-577-5101 or visit room 302');
  });

  it('keeps neither the account-check email, the re-prompted birth month, an ID number nor STI answers in state, case or email', async () => {
    const conversation = 'conv-personal';
    await converse(t, conversation, [CHECK_ACCOUNT, 'Yes', 'minnie.private@umass.edu', '02/30/2004', '04/15/2003']);
    const sti = await t.say(conversation, 'I want an STI test');
    expect(texts(sti).join('\n')).to.match(/don't record your answers/);
    await t.say(conversation, 'yes, I have a painful rash');
    const replies = await converse(t, conversation, [TALK_TO_HELPDESK, 'The portal does not accept my student ID 31234567 when I register', 'skip anyway', 'Yes']);
    const caseId = caseIdIn(replies[3]);
    expect(caseId, replies[3]).to.be.a('string');
    await outboxIdle(t);

    const record = await t.app.cases.get(caseId!);
    const mail = smtp.received.find((m) => (m.parsed.subject ?? '').includes(caseId!));
    expect(mail, 'the escalation email').to.not.equal(undefined);
    const kept = { state: stateText(), case: JSON.stringify(record), email: mail!.raw };
    // The transcripts: the account-check address is not a reply address. (The addresses tried
    // reach the help desk on purpose, as facts of the case, not as chat lines.)
    expect(transcriptOfState(), 'state transcript').to.include('user: ');
    expect(transcriptOfState(), 'state transcript').to.not.include('minnie.private');
    expect(JSON.stringify(record!.transcript), 'case transcript').to.not.include('minnie.private');
    for (const [where, text] of Object.entries(kept)) {
      expect(text, where).to.not.match(/month 02 of 2004/);
      expect(text, where).to.not.include('31234567');
      expect(text, where).to.not.include('painful rash');
    }
    expect(record!.transcript.map((l) => l.text)).to.include('[answer not recorded]');
  });
});
