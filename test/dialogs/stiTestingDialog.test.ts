import { TALK_TO_HELPDESK } from '../../dialogs/prompts/replies';
import { expect } from 'chai';
import { NO, NOT_SURE, YES } from '../../dialogs/flows/flowHelpers';
import type { Log } from '../../dialogs/ports';
import { STI_CALL_TEXT, STI_SELF_SCHEDULE_TEXT, STI_TESTING_DIALOG, StiTestingDialog } from '../../dialogs/flows/stiTestingDialog';
import { makeTestServices } from '../fakes/services';
import { allText, answerBadlyThrice, buttonsOf, FlowClient, texts } from './flowTestKit';

function stiClient(log?: Log): FlowClient {
  return new FlowClient(new StiTestingDialog(makeTestServices(log ? { log } : {})));
}

describe('StiTestingDialog', () => {
  it('asks about symptoms first, with Yes / No / Not sure buttons', async () => {
    const client = stiClient();
    const replies = await client.send('I want an STI test');
    expect(allText(replies)).to.include('Do you have any symptoms right now?');
    // FAQ 13's condition, quoted whole.
    expect(allText(replies)).to.include('You can use the portal to self-schedule an appointment with a nurse for STI testing if you have no symptoms and no known exposure to an STI positive or symptomatic partner.');
    expect(buttonsOf(replies)).to.deep.equal([YES, NO, NOT_SURE, TALK_TO_HELPDESK]);
  });

  for (const answer of [YES, NOT_SURE, 'yeah']) {
    it(`symptoms "${answer}": must call, without asking about a partner`, async () => {
      const client = stiClient();
      await client.send('hi');
      const replies = await client.send(answer);
      expect(texts(replies)).to.deep.equal([STI_CALL_TEXT]);
      expect(STI_CALL_TEXT).to.include('do not use the portal to schedule testing');
      expect(STI_CALL_TEXT).to.include('call 413-577-5101');
      expect(STI_CALL_TEXT).to.include('Women’s Health Clinic, call 413-577-6511');
      expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: STI_TESTING_DIALOG });
    });
  }

  it('no symptoms: asks about a positive or symptomatic partner', async () => {
    const client = stiClient();
    await client.send('hi');
    const replies = await client.send('nope');
    expect(allText(replies)).to.include('Have you had a known exposure to an STI positive or symptomatic partner?');
    expect(buttonsOf(replies)).to.deep.equal([YES, NO, NOT_SURE, TALK_TO_HELPDESK]);
    expect(client.waiting).to.equal(true);
  });

  for (const answer of [YES, NOT_SURE]) {
    it(`no symptoms, partner "${answer}": must call`, async () => {
      const client = stiClient();
      await client.send('hi');
      await client.send(NO);
      const replies = await client.send(answer);
      expect(texts(replies)).to.deep.equal([STI_CALL_TEXT]);
      expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: STI_TESTING_DIALOG });
    });
  }

  it('no symptoms and no exposure: the self-scheduling steps', async () => {
    const client = stiClient();
    await client.send('hi');
    await client.send(NO);
    const replies = await client.send(NO);
    expect(texts(replies)).to.deep.equal([STI_SELF_SCHEDULE_TEXT]);
    expect(STI_SELF_SCHEDULE_TEXT).to.include('self-schedule an appointment with a nurse for STI testing');
    expect(STI_SELF_SCHEDULE_TEXT).to.include('1. Login to the UMass Patient Portal (https://umass.medicatconnect.com)');
    expect(STI_SELF_SCHEDULE_TEXT).to.include('2. Click "Appts"');
    expect(STI_SELF_SCHEDULE_TEXT).to.include('3. Follow instructions at the top of the page to self-schedule.');
    expect(allText(replies)).to.not.include('413-577-5101');
    expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: STI_TESTING_DIALOG });
  });

  it('re-asks a non-answer at most twice, then hands off (reprompt-limit)', async () => {
    const client = stiClient();
    await client.send('hi');
    const [first, second] = await answerBadlyThrice(client);
    for (const turn of [first, second]) {
      expect(allText(turn)).to.include("Sorry, I didn't catch that. Please choose one of the buttons, or tell me in other words.");
      expect(allText(turn)).to.include('Do you have any symptoms right now?');
      expect(buttonsOf(turn)).to.deep.equal([YES, NO, NOT_SURE, TALK_TO_HELPDESK]);
    }
    expect(client.outcome()).to.deep.equal({ outcome: 'handoff', dialog: STI_TESTING_DIALOG, reason: 'reprompt-limit', diagnostics: { prompt: 'symptoms' } });
  });

  it('the re-prompt limit on the partner question', async () => {
    const client = stiClient();
    await client.send('hi');
    await client.send(NO);
    await answerBadlyThrice(client);
    expect(client.outcome()).to.deep.include({ outcome: 'handoff', reason: 'reprompt-limit', diagnostics: { prompt: 'partner' } });
  });

  it('never logs the answers (health information)', async () => {
    const lines: string[] = [];
    const record = (obj: object) => void lines.push(JSON.stringify(obj));
    const client = stiClient({ debug: record, info: record, warn: record, error: record });
    await client.send('hi');
    await client.send(YES);
    expect(client.outcome().outcome).to.equal('done');
    expect(lines).to.deep.equal([]);
  });
});
