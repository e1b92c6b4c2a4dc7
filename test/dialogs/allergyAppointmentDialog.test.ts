import { TALK_TO_HELPDESK } from '../../dialogs/prompts/replies';
import { expect } from 'chai';
import { ALLERGY_APPOINTMENT_DIALOG, ALLERGY_FIRST_TEXT, ALLERGY_FOLLOW_UP_TEXT, AllergyAppointmentDialog } from '../../dialogs/flows/allergyAppointmentDialog';
import { NO, YES } from '../../dialogs/flows/flowHelpers';
import { makeTestServices } from '../fakes/services';
import { allText, answerBadlyThrice, buttonsOf, FlowClient, texts } from './flowTestKit';

const allergyClient = () => new FlowClient(new AllergyAppointmentDialog(makeTestServices()));

describe('AllergyAppointmentDialog', () => {
  it('asks whether it is the first appointment, with Yes / No buttons', async () => {
    const client = allergyClient();
    const replies = await client.send('allergy shots');
    expect(allText(replies)).to.include('Is this your first Allergy Services appointment at UHS?');
    expect(buttonsOf(replies)).to.deep.equal([YES, NO, TALK_TO_HELPDESK]);
  });

  it('first appointment: call 413-577-5169', async () => {
    const client = allergyClient();
    await client.send('hi');
    const replies = await client.send(YES);
    expect(texts(replies)).to.deep.equal(['To schedule your first appointment, call 413-577-5169.']);
    expect(ALLERGY_FIRST_TEXT).to.include('413-577-5169');
    expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: ALLERGY_APPOINTMENT_DIALOG });
  });

  it('later appointments: 413-577-5101 or the portal (Appts → UHS Nursing → Allergy Serum Injection)', async () => {
    const client = allergyClient();
    await client.send('hi');
    const replies = await client.send('no, I have been before');
    expect(texts(replies)).to.deep.equal([ALLERGY_FOLLOW_UP_TEXT]);
    for (const fact of ['call 413-577-5101 for scheduling', 'click "Appts"', 'From the Clinic menu select "UHS Nursing"', 'For Reason select "Allergy Serum Injection"']) {
      expect(ALLERGY_FOLLOW_UP_TEXT).to.include(fact);
    }
    expect(allText(replies)).to.not.include('413-577-5169');
    expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: ALLERGY_APPOINTMENT_DIALOG });
  });

  it('re-asks at most twice, then hands off (reprompt-limit)', async () => {
    const client = allergyClient();
    await client.send('hi');
    const [first] = await answerBadlyThrice(client);
    expect(buttonsOf(first)).to.deep.equal([YES, NO, TALK_TO_HELPDESK]);
    expect(client.outcome()).to.deep.equal({
      outcome: 'handoff',
      dialog: ALLERGY_APPOINTMENT_DIALOG,
      reason: 'reprompt-limit',
      diagnostics: { prompt: 'first-visit' },
    });
  });
});
