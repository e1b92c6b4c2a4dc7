import { TALK_TO_HELPDESK } from '../../dialogs/prompts/replies';
import { expect } from 'chai';
import {
  ADDRESS,
  NAME,
  NON_UMASS_TEXT,
  NOT_UMASS,
  OTHER_DETAIL,
  PERSONAL_INFO_DIALOG,
  PersonalInfoDialog,
  PHONE,
  SPIRE_ADDRESS,
  SPIRE_DELAY,
  SPIRE_NAME,
  SPIRE_PHONE,
  UMASS_SPIRE,
} from '../../dialogs/flows/personalInfoDialog';
import { makeTestServices } from '../fakes/services';
import { allText, answerBadlyThrice, buttonsOf, FlowClient, texts } from './flowTestKit';

const infoClient = () => new FlowClient(new PersonalInfoDialog(makeTestServices()));

describe('PersonalInfoDialog', () => {
  it('asks UMass (SPIRE) or not, with buttons', async () => {
    const client = infoClient();
    const replies = await client.send('my address is wrong');
    expect(allText(replies)).to.include('Are you UMass-affiliated (with a SPIRE account)?');
    expect(buttonsOf(replies)).to.deep.equal([UMASS_SPIRE, NOT_UMASS, TALK_TO_HELPDESK]);
  });

  for (const answer of [NOT_UMASS, 'Hampshire College']) {
    it(`"${answer}": call UHS Patient Services at 413-577-5192`, async () => {
      const client = infoClient();
      await client.send('hi');
      const replies = await client.send(answer);
      expect(texts(replies)).to.deep.equal([NON_UMASS_TEXT]);
      expect(NON_UMASS_TEXT).to.include('must contact UHS Patient Services at 413-577-5192');
      expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: PERSONAL_INFO_DIALOG });
    });
  }

  it('UMass: asks which detail, with buttons', async () => {
    const client = infoClient();
    await client.send('hi');
    const replies = await client.send(UMASS_SPIRE);
    expect(allText(replies)).to.include('What do you need to correct?');
    expect(buttonsOf(replies)).to.deep.equal([ADDRESS, PHONE, NAME, OTHER_DETAIL, TALK_TO_HELPDESK]);
  });

  const details: Array<[string, string, string[]]> = [
    [ADDRESS, SPIRE_ADDRESS, ['“Addresses.”', 'listed under “Mail” in SPIRE']],
    [PHONE, SPIRE_PHONE, ['“Phone Numbers.”', 'designated as “Preferred”']],
    [NAME, SPIRE_NAME, ['"Names."', 'Preferred/Chosen Name', 'in parentheses next to your legal name']],
  ];
  for (const [detail, text, facts] of details) {
    it(`${detail}: the SPIRE steps for it, and up to 24 hours`, async () => {
      const client = infoClient();
      await client.send('hi');
      await client.send('student');
      const reply = allText(await client.send(detail));
      expect(reply).to.include('1. Login to spire.umass.edu');
      expect(reply).to.include('2. Click Main Menu, then click My Personal Information');
      expect(reply).to.include(`3. ${text}`);
      expect(reply).to.include(`4. ${SPIRE_DELAY}`);
      expect(SPIRE_DELAY).to.include('up to 24 hours');
      for (const fact of facts) expect(reply).to.include(fact);
      for (const [, other] of details.filter(([d]) => d !== detail)) expect(reply).to.not.include(other);
      expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: PERSONAL_INFO_DIALOG });
    });
  }

  it('something else: all three SPIRE pages', async () => {
    const client = infoClient();
    await client.send('hi');
    await client.send(UMASS_SPIRE);
    const reply = allText(await client.send(OTHER_DETAIL));
    for (const text of [SPIRE_ADDRESS, SPIRE_PHONE, SPIRE_NAME, SPIRE_DELAY]) expect(reply).to.include(text);
    expect(client.outcome().outcome).to.equal('done');
  });

  it('re-prompt limit on the first question', async () => {
    const client = infoClient();
    await client.send('hi');
    await answerBadlyThrice(client);
    expect(client.outcome()).to.deep.equal({ outcome: 'handoff', dialog: PERSONAL_INFO_DIALOG, reason: 'reprompt-limit', diagnostics: { prompt: 'affiliation' } });
  });

  it('re-prompt limit on the detail question', async () => {
    const client = infoClient();
    await client.send('hi');
    await client.send(UMASS_SPIRE);
    const [first] = await answerBadlyThrice(client);
    expect(buttonsOf(first)).to.deep.equal([ADDRESS, PHONE, NAME, OTHER_DETAIL, TALK_TO_HELPDESK]);
    expect(client.outcome()).to.deep.include({ outcome: 'handoff', reason: 'reprompt-limit', diagnostics: { prompt: 'detail' } });
  });
});
