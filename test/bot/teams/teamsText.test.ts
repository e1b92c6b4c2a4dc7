import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { startTestApp, UNUSED_SERVICE_URL, type TestApp } from '../../support/app';
import { RecordingConnector } from '../../support/recordingConnector';
import { teamsMessage, TEAMS_BOT, type TeamsOrigin } from '../../support/teamsActivities';

/**
 * What the Teams channel receives from the real app over HTTP. Teams renders only part of
 * Markdown (docs/channels.md): the bot's text must reach it as the HTML subset it renders, with
 * no `**` left and every line break explicit.
 */

const TENANT = '9a8b7c6d-5e4f-4a3b-2c1d-0e1f2a3b4c5d';

/** Checks a Teams text message: HTML (`xml`), no Markdown marks, no raw newlines to be joined. */
function expectTeamsHtml(activity: Partial<Activity>): string {
  expect(activity.textFormat, 'textFormat').to.equal('xml');
  const text = activity.text ?? '';
  expect(text).not.to.match(/\*\*|\]\(/);
  expect(text).not.to.include('\n');
  return text;
}

describe('Teams text (the real app over HTTP, channelId msteams)', () => {
  let connector: RecordingConnector;
  let app: TestApp;
  let seq = 0;

  before(async () => {
    connector = await RecordingConnector.start();
    app = await startTestApp({ ALLOWED_SERVICE_URLS: `${UNUSED_SERVICE_URL},${connector.serviceUrl}` });
  });

  after(async () => {
    await app?.stop();
    await connector?.close();
  });

  const origin = (serviceUrl: string): TeamsOrigin => {
    seq++;
    return { serviceUrl, tenantId: TENANT, from: { id: `29:user-${seq}`, name: 'Pat Doe', aadObjectId: `00000000-0000-4000-8000-00000000000${seq}` } };
  };

  const welcomeActivity = (from: TeamsOrigin, extra: Partial<Activity> = {}): Partial<Activity> => {
    const message = teamsMessage(from, '');
    return { ...message, type: 'conversationUpdate', text: undefined, textFormat: undefined, membersAdded: [message.from!, TEAMS_BOT], ...extra };
  };

  it('the welcome, posted to the Teams connector: bold as <b>, one list item a line, the buttons kept', async () => {
    const from = origin(connector.serviceUrl);
    const sent = await app.post(welcomeActivity(from));
    expect(sent.status).to.be.oneOf([200, 201]);
    const call = await connector.waitFor((c) => c.conversationId === `a:personal-${from.from.id}` && c.activity.type === 'message');
    const text = expectTeamsHtml(call.activity);
    expect(text).to.include('Type <b>cancel</b> to stop a step, <b>start over</b> to begin again, or <b>help</b> at any time.');
    expect(text).to.include('<br>• registering');
    expect(text).to.include('<br>• passwords, password emails');
    expect(text).to.include('<b>In an emergency, call 911. For a mental-health crisis, call or text 988.</b>');
    expect((call.activity.suggestedActions?.actions ?? []).map((a) => a.title)).to.include('Talk to the help desk');
  });

  it('an FAQ answer with expectReplies: its title bold, its links anchors, its link list one item a line', async () => {
    const from = origin(UNUSED_SERVICE_URL);
    const question = 'where can I get a covid test on campus';
    const replies = await app.say(`a:personal-${from.from.id}`, question, { ...teamsMessage(from, question), deliveryMode: 'expectReplies' });
    const answer = replies.find((a) => a.type === 'message' && /COVID-19 testing/.test(a.text ?? ''));
    expect(answer, 'the COVID-19 testing answer').to.exist;
    const text = expectTeamsHtml(answer!);
    expect(text).to.match(/^<b>Where do I find information on COVID-19 testing and my test results\?<\/b><br><br>For information/);
    // A line break inside the answer's paragraph is a space, as in Web Chat.
    expect(text).to.include('getting your test results, visit <a href="https://umass.edu/uhs/covid-19-testing">umass.edu/uhs/covid-19-testing</a>.');
    expect(text).to.match(/<br><br>• <a href="https:\/\/umass.edu\/uhs\/covid-19-testing">COVID-19 testing \(UHS\)<\/a>$/);
  });

  it('other channels keep the Markdown as the dialogs wrote it', async () => {
    const replies = await app.say(`web-${++seq}`, 'help');
    const help = replies.find((a) => a.type === 'message' && /to stop a step/.test(a.text ?? ''));
    expect(help?.textFormat).to.equal('markdown');
    expect(help?.text).to.include('Type **cancel** to stop a step');
  });
});
