import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { startTestApp, UNUSED_SERVICE_URL, type TestApp } from '../../support/app';
import { TestSmtpServer } from '../../support/smtpServer';
import { teamsMessage, type TeamsOrigin } from '../../support/teamsActivities';

/**
 * The escalation email as the help desk's mail program receives it (the real app over HTTP,
 * a real SMTP server in the process, parsed by mailparser). The transcript quotes the bot,
 * which writes Markdown for the chat: the text part must read as plain text and the HTML part
 * must show bold and links as such. The conversation is held in Teams, whose replies the bot
 * rewrites as HTML on their way out: the transcript must still hold what the bot wrote.
 */
describe('escalation email text (real app, real SMTP, mailparser)', () => {
  let smtp: TestSmtpServer;
  let app: TestApp;

  before(async () => {
    smtp = await new TestSmtpServer().start();
    app = await startTestApp({ SMTP_URL: smtp.url });
  });

  after(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  it('text/plain has no Markdown marks and spells links out; text/html has <strong> and <a>, escaped', async () => {
    const origin: TeamsOrigin = { serviceUrl: UNUSED_SERVICE_URL, tenantId: 'a1b2c3d4-0000-4000-8000-000000000001', from: { id: '29:patient-mail', name: 'Pat Doe', aadObjectId: 'a1b2c3d4-0000-4000-8000-000000000002' } };
    const conversationId = `a:personal-${origin.from.id}`;
    const say = (text: string): Promise<Partial<Activity>[]> => app.say(conversationId, text, { ...teamsMessage(origin, text), deliveryMode: 'expectReplies' });

    await say('help');
    const answer = await say('where can I get a covid test on campus');
    expect(answer.some((a) => a.textFormat === 'xml' && /<b>Where do I find/.test(a.text ?? '')), 'Teams got the answer as HTML').to.equal(true);
    await say('Talk to the help desk');
    await say('My COVID test result from last week <b>is not</b> in the portal');
    await say('pat.doe@umass.edu');
    const done = await say('yes');
    const caseId = /UHS-[0-9A-Z]{6}/.exec(done.map((a) => a.text ?? '').join(' '))?.[0];
    expect(caseId, 'a case number').to.be.a('string');

    const [mail] = await smtp.waitFor(1);
    const text = mail.parsed.text ?? '';
    const html = typeof mail.parsed.html === 'string' ? mail.parsed.html : '';
    expect(mail.parsed.headers.get('x-uhs-case')).to.equal(caseId);

    // text/plain: what the bot said, as plain words; a long answer cut where no Markdown is left open
    expect(text).to.include("Bot: Hi! I'm the UHS Patient Portal help bot. I can help you with the UMass Patient Portal (https://umass.medicatconnect.com):");
    expect(text).to.include('Bot: Where do I find information on COVID-19 testing and my test results?\n\nFor information on COVID-19 testing and getting your test results, visit...');
    // no Markdown marks, and no Teams HTML: the transcript holds what the bot wrote, not what Teams was sent
    expect(text).not.to.match(/\*\*|\[umass|\]\(|<b>Where|<br>|&#39;/);
    // the patient's own words stay exactly as typed
    expect(text).to.include('My COVID test result from last week <b>is not</b> in the portal');

    // text/html: bold and links rendered, the patient's markup escaped
    expect(html).to.include('<strong>Where do I find information on COVID-19 testing and my test results?</strong>');
    expect(html).to.include('<a href="https://umass.medicatconnect.com">https://umass.medicatconnect.com</a>');
    expect(html).to.include('My COVID test result from last week &lt;b&gt;is not&lt;/b&gt; in the portal');
    expect(html).not.to.match(/\*\*|\[umass|\]\(/);
  });
});
