import { expect } from 'chai';
import { startTestApp, texts, type TestApp } from '../../support/app';
import { TestSmtpServer } from '../../support/smtpServer';
import { caseIdIn, converse, escalate, outboxIdle } from '../../support/flows';
import { TALK_TO_HELPDESK } from '../../../dialogs/prompts/replies';

/** One chat, or one client, cannot flood the help desk with cases and emails. */
describe('Security: handoff limits', function () {
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

  it('a conversation has at most one open case: asking again adds to it, with no second email', async () => {
    const first = await escalate(t, 'conv-flood');
    for (let i = 0; i < 3; i++) {
      const replies = await converse(t, 'conv-flood', [TALK_TO_HELPDESK, `The upload page still shows an error, attempt ${i}`, 'skip anyway', 'Yes']);
      expect(caseIdIn(replies[3]), replies[3]).to.equal(first);
      expect(replies[3]).to.match(/already have an open case/);
    }
    await outboxIdle(t);
    const cases = (await t.app.cases.list()).filter((c) => c.conversationReference.conversation?.id === 'conv-flood');
    expect(cases.map((c) => c.id)).to.deep.equal([first]);
    expect(cases[0].events.filter((e) => e.type === 'patient-message').map((e) => e.detail)).to.deep.equal(['The upload page still shows an error, attempt 0', 'The upload page still shows an error, attempt 1', 'The upload page still shows an error, attempt 2']);
    expect(smtp.received.filter((m) => (m.parsed.subject ?? '').includes(first))).to.have.length(1);
  });

  it('one client opens at most three cases an hour, however many conversations it uses', async () => {
    const from = { id: 'same-client', name: 'x' };
    const last: string[] = [];
    for (let i = 0; i < 4; i++) {
      const conversation = `conv-client-${i}`;
      let reply = '';
      for (const text of [TALK_TO_HELPDESK, 'The portal shows a blank page after I log in', 'skip anyway', 'Yes']) reply = texts(await t.say(conversation, text, { from })).join('\n');
      last.push(reply);
    }
    expect(last.slice(0, 3).every((r) => caseIdIn(r) !== null), last.join('\n---\n')).to.equal(true);
    expect(caseIdIn(last[3])).to.equal(null);
    expect(last[3]).to.match(/several requests/);
  });
});
