import { TALK_TO_HELPDESK } from '../../dialogs/prompts/replies';
import { expect } from 'chai';
import {
  BOTH_PAGES_TEXT,
  COVID_STEPS,
  COVID_VACCINE_DIALOG,
  CovidVaccineDialog,
  ENTRY_FAILS,
  GOT_IT,
  STAFF,
  STAFF_TEXT,
  STUDENT,
  UPLOAD_FAILS,
} from '../../dialogs/flows/covidVaccineDialog';
import { BROWSER_TIP, IT_WORKED, STILL_FAILING } from '../../dialogs/flows/flowHelpers';
import { IMMUNIZATION_ENTRY_DIALOG } from '../../dialogs/flows/immunizationEntryDialog';
import { UPLOAD_DIAGNOSIS_DIALOG } from '../../dialogs/flows/uploadDiagnosisDialog';
import { makeTestServices } from '../fakes/services';
import { makeHeic } from '../support/sampleFiles';
import { allText, answerBadlyThrice, buttonsOf, FlowClient, sendAll, texts } from './flowTestKit';

function covidClient(): FlowClient {
  const services = makeTestServices({ fetchAttachment: async () => ({ ok: true, bytes: makeHeic() }) });
  return new FlowClient(new CovidVaccineDialog(services));
}

describe('CovidVaccineDialog', () => {
  it('asks student or staff first, with buttons', async () => {
    const client = covidClient();
    const replies = await client.send('covid vaccine card');
    expect(allText(replies)).to.include('Are you a student, or faculty or staff?');
    expect(buttonsOf(replies)).to.deep.equal([STUDENT, STAFF, TALK_TO_HELPDESK]);
  });

  for (const answer of [STAFF, 'I am faculty']) {
    it(`"${answer}": staff cannot upload records on the portal at this time`, async () => {
      const client = covidClient();
      await client.send('hi');
      const replies = await client.send(answer);
      expect(texts(replies)).to.deep.equal([STAFF_TEXT]);
      expect(STAFF_TEXT).to.include('staff cannot upload records on the portal at this time');
      expect(allText(replies)).to.not.include('A - REQUIRED IMMUNIZATIONS FORM');
      expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: COVID_VACCINE_DIALOG });
    });
  }

  it('students: the seven steps, stressing BOTH the Immunization AND Upload pages', async () => {
    const client = covidClient();
    await client.send('hi');
    const replies = await client.send(STUDENT);
    const text = allText(replies);
    expect(text).to.include(BOTH_PAGES_TEXT);
    expect(BOTH_PAGES_TEXT).to.include('You must complete steps on BOTH the "Immunization" AND "Upload" pages of the portal for us to verify your record.');
    COVID_STEPS.forEach((step, i) => expect(text).to.include(`${i + 1}. ${step}`));
    expect(COVID_STEPS).to.have.length(7);
    expect(text).to.include('select A - REQUIRED IMMUNIZATIONS FORM');
    expect(text).to.include('"COVID-19 Boosters."');
    expect(buttonsOf(replies)).to.deep.equal([GOT_IT, UPLOAD_FAILS, ENTRY_FAILS, TALK_TO_HELPDESK]);
  });

  it('"Got it": done, with a reminder of both pages', async () => {
    const client = covidClient();
    await sendAll(client, ['hi', STUDENT]);
    const replies = await client.send(GOT_IT);
    expect(allText(replies)).to.include('"Immunization" AND "Upload"');
    expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: COVID_VACCINE_DIALOG });
  });

  it('"The upload fails": runs the upload diagnosis, whose outcome becomes this one', async () => {
    const client = covidClient();
    await sendAll(client, ['hi', STUDENT]);
    const ask = await client.send(UPLOAD_FAILS);
    expect(allText(ask)).to.include("What's the file called?");
    const checked = await client.send({ type: 'message', text: '', attachments: [{ name: 'vaccine card.jpg', contentType: 'image/jpeg', contentUrl: 'https://files.example.test/1' }] });
    expect(allText(checked)).to.include('really an iPhone photo (HEIC)');
    await sendAll(client, [STILL_FAILING, STILL_FAILING, STILL_FAILING, 'yes']);
    const outcome = client.outcome();
    expect(outcome).to.deep.include({ outcome: 'handoff', dialog: UPLOAD_DIAGNOSIS_DIALOG, reason: 'still-failing' });
  });

  it('"The dates won\'t save": runs the immunization entry tips', async () => {
    const client = covidClient();
    await sendAll(client, ['hi', STUDENT]);
    const replies = await client.send(ENTRY_FAILS);
    expect(allText(replies)).to.include(`**Tip 1 of 3:** ${BROWSER_TIP}`);
    await client.send(IT_WORKED);
    expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: IMMUNIZATION_ENTRY_DIALOG });
  });

  it('re-prompt limit on the role question', async () => {
    const client = covidClient();
    await client.send('hi');
    await answerBadlyThrice(client);
    expect(client.outcome()).to.deep.equal({ outcome: 'handoff', dialog: COVID_VACCINE_DIALOG, reason: 'reprompt-limit', diagnostics: { prompt: 'role' } });
  });

  it('re-prompt limit after the steps', async () => {
    const client = covidClient();
    await sendAll(client, ['hi', STUDENT]);
    await answerBadlyThrice(client);
    expect(client.outcome()).to.deep.include({ outcome: 'handoff', reason: 'reprompt-limit', diagnostics: { prompt: 'result' } });
  });
});
