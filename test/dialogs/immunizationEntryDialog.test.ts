import { TALK_TO_HELPDESK } from '../../dialogs/prompts/replies';
import { expect } from 'chai';
import { BROWSER_TIP, DEVICE_TIP, IT_WORKED, STILL_FAILING } from '../../dialogs/flows/flowHelpers';
import { IMMUNIZATION_ENTRY_DIALOG, ImmunizationEntryDialog, NSIP_TEXT, ONE_AT_A_TIME_TIP } from '../../dialogs/flows/immunizationEntryDialog';
import { makeTestServices, testSettings } from '../fakes/services';
import { allText, answerBadlyThrice, buttonsOf, FlowClient, sendAll, texts } from './flowTestKit';

const immunizationClient = () => new FlowClient(new ImmunizationEntryDialog(makeTestServices()));

describe('ImmunizationEntryDialog', () => {
  it('shows only the first tip, then asks "Did that work?" with buttons', async () => {
    const client = immunizationClient();
    const replies = await client.send('my immunizations will not save');
    const [intro, tip] = texts(replies);
    expect(intro).to.include('one at a time');
    expect(tip).to.equal(`**Tip 1 of 3:** ${BROWSER_TIP}\n\nDid that work?`);
    expect(allText(replies)).to.not.include(DEVICE_TIP);
    expect(buttonsOf(replies)).to.deep.equal([IT_WORKED, STILL_FAILING, TALK_TO_HELPDESK]);
  });

  it('the tips come one per turn, in the FAQ order', async () => {
    const client = immunizationClient();
    await client.send('hi');
    const second = await client.send(STILL_FAILING);
    expect(texts(second)).to.deep.equal([`**Tip 2 of 3:** ${DEVICE_TIP}\n\nDid that work?`]);
    const third = await client.send('not working');
    expect(texts(third)).to.deep.equal([`**Tip 3 of 3:** ${ONE_AT_A_TIME_TIP}\n\nDid that work?`]);
    expect(ONE_AT_A_TIME_TIP).to.equal('Try entering each immunization requirement and click "submit." Do each one, one at a time and see if it saves it that way.');
  });

  for (const [fails, label] of [
    [0, 'the first tip'],
    [2, 'the last tip'],
  ] as const) {
    it(`${label} works: done`, async () => {
      const client = immunizationClient();
      await client.send('hi');
      for (let i = 0; i < fails; i++) await client.send(STILL_FAILING);
      const replies = await client.send('yes it worked');
      expect(allText(replies)).to.include('glad your immunization information saved');
      expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: IMMUNIZATION_ENTRY_DIALOG });
    });
  }

  it('none works: the NSIP contacts, then the help-desk offer; yes → still-failing handoff', async () => {
    const client = immunizationClient();
    await sendAll(client, ['hi', STILL_FAILING, STILL_FAILING]);
    const replies = await client.send(STILL_FAILING);
    const text = allText(replies);
    expect(text).to.include(NSIP_TEXT);
    for (const fact of ['our New Student Immunization Program will accept faxes', 'nsip@uhs.umass.edu', 'Phone: (413) 577-5275', 'Fax: (413) 577-3252']) {
      expect(text).to.include(fact);
    }
    expect(text).to.include('pass this to the UHS help desk');
    expect(buttonsOf(replies).length).to.be.greaterThan(0);
    await client.send('yes');
    expect(client.outcome()).to.deep.equal({
      outcome: 'handoff',
      dialog: IMMUNIZATION_ENTRY_DIALOG,
      reason: 'still-failing',
      diagnostics: { tipsTried: 3 },
    });
  });

  it('none works and the offer is declined: done, with the help desk address', async () => {
    const client = immunizationClient();
    await sendAll(client, ['hi', STILL_FAILING, STILL_FAILING, STILL_FAILING]);
    const replies = await client.send('no');
    expect(allText(replies)).to.include(testSettings.helpdeskEmail);
    expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: IMMUNIZATION_ENTRY_DIALOG });
  });

  it('re-prompt limit during the tips: handoff', async () => {
    const client = immunizationClient();
    await sendAll(client, ['hi', STILL_FAILING]);
    const [first] = await answerBadlyThrice(client);
    expect(allText(first)).to.include(DEVICE_TIP);
    expect(client.outcome()).to.deep.equal({ outcome: 'handoff', dialog: IMMUNIZATION_ENTRY_DIALOG, reason: 'reprompt-limit', diagnostics: { prompt: 'tips' } });
  });

  it('re-prompt limit on the help-desk offer: handoff', async () => {
    const client = immunizationClient();
    await sendAll(client, ['hi', STILL_FAILING, STILL_FAILING, STILL_FAILING]);
    await answerBadlyThrice(client);
    expect(client.outcome()).to.deep.include({ outcome: 'handoff', reason: 'reprompt-limit', diagnostics: { tipsTried: 3, prompt: 'offer-helpdesk' } });
  });
});
