import { expect } from 'chai';
import { ACCOUNT_STATUS_DIALOG, AccountStatusDialog, REGISTRATION_AGAIN } from '../../dialogs/flows/accountStatusDialog';
import { CANCEL_BUTTON, TALK_TO_PERSON } from '../../dialogs/prompts/textPrompts';
import { mailRateKey } from '../../dialogs/flows/accountMailLimits';
import type { DirectoryRecord } from '../../dialogs/ports';
import { FakePortalDirectory } from '../fakes/fakePortalDirectory';
import { makeTestServices, type TestServices } from '../fakes/services';
import { buttonTitles, DialogChat, InterruptingHost, lastText } from '../support/dialogChat';

const MINNIE: DirectoryRecord = { email: 'Minnie.Minuteman@umass.edu', dob: '04/15/2003', portalUsername: 'mminuteman', affiliation: 'umass' };
const SAM: DirectoryRecord = { email: 'sam.minuteman@umass.edu', dob: '09/01/2004', portalUsername: null, affiliation: 'umass' };
const HAMPSHIRE: DirectoryRecord = { email: 'hampshire.tester@example.org', dob: '07/04/2002', portalUsername: null, affiliation: 'hampshire' };

describe('AccountStatusDialog', () => {
  let services: TestServices;
  let dialog: AccountStatusDialog;

  beforeEach(() => {
    services = makeTestServices({ directory: new FakePortalDirectory([MINNIE, SAM, HAMPSHIRE]) });
    dialog = new AccountStatusDialog(services);
  });

  function chat(conversationId = 'conversation-1'): DialogChat {
    return new DialogChat(dialog, conversationId);
  }

  /** A whole check: start, yes, email, date of birth. Returns the replies to the date of birth. */
  async function check(c: DialogChat, email: string, dob: string) {
    await c.sayAll('do I have an account?', 'Yes', email);
    const replies = await c.say(dob);
    await dialog.whenIdle();
    return replies;
  }

  it('explains the three registration entries exactly, then offers a check with Yes/No buttons', async () => {
    const replies = await chat().say('it says I am not active');
    expect(replies).to.have.length(2);
    const explanation = replies[0].text ?? '';
    expect(explanation).to.contain('In order for our portal to acknowledge your account, three requirements (entries) must be made:');
    expect(explanation).to.contain("1. **Username:** Recommended to use the patient's UMass NetID");
    expect(explanation).to.contain('2. **Date of Birth:** MM/DD/YYYY');
    expect(explanation).to.contain('3. **Email Address:** The email address must match what we have in our database.');
    expect(explanation).to.contain('The email address seems to be the most popular reason why accounts are not recognized.');
    expect(explanation).to.contain('choose “I have a UMass NetID”');
    expect(explanation).to.contain('Users who do not have a UMass NetID (i.e., Hampshire College community) will need to create an account');
    expect(replies[1].text).to.contain("I'll email it to the address UHS has on file");
    expect(buttonTitles(replies[1])).to.deep.equal(['Yes', 'No', TALK_TO_PERSON]);
  });

  it('the explanation the second time in a conversation refers to the entries above, in the FAQ\'s words', () => {
    expect(REGISTRATION_AGAIN).to.equal(
      'The three registration entries above (Username, Date of Birth, and Email Address) still apply. The email address must match what we have in our database. The email address seems to be the most popular reason why accounts are not recognized.',
    );
  });

  it('asks for the email and the date of birth with buttons on every question', async () => {
    const c = chat();
    await c.say('hi');
    const emailQuestion = await c.say('Yes');
    expect(lastText(emailQuestion)).to.contain('Which email address does UHS have on file for you? (Typically this would be your UMass email address if you are a student or employee.)');
    expect(buttonTitles(emailQuestion[0])).to.deep.equal([TALK_TO_PERSON, CANCEL_BUTTON]);
    const dobQuestion = await c.say('minnie.minuteman@umass.edu');
    expect(dobQuestion).to.have.length(1);
    expect(dobQuestion[0].text).to.equal('And your date of birth, as MM/DD/YYYY?');
    expect(buttonTitles(dobQuestion[0])).to.deep.equal([TALK_TO_PERSON, CANCEL_BUTTON]);
  });

  describe('the result goes only by email to the address on file', () => {
    it('a registered person gets "you already have an account" with the username and how to reset', async () => {
      const c = chat();
      await check(c, ' MINNIE.minuteman@UMass.edu ', '4/15/2003');
      expect(services.mailer.sent).to.have.length(1);
      const [mail] = services.mailer.sent;
      expect(mail.to).to.equal('Minnie.Minuteman@umass.edu');
      expect(mail.subject).to.equal('Your UMass Patient Portal account');
      expect(mail.text).to.contain('You already have a portal account. Your username is: mminuteman');
      expect(mail.text).to.contain('"Forgot Password" link found in the lower right corner of the Login page: https://umass.medicatconnect.com/login.aspx');
      expect(mail.text).to.contain('MedicatAutoResponse@medicat.com');
      expect(mail.text).to.contain('choose “I have a UMass NetID”');
      expect(mail.html).to.contain('<a href="https://umass.medicatconnect.com/login.aspx">');
      expect(mail.headers).to.deep.equal({ 'Auto-Submitted': 'auto-generated' });
      expect(c.result).to.deep.equal({ outcome: 'done', dialog: ACCOUNT_STATUS_DIALOG });
      // The chat never shows the username.
      expect(c.texts.join('\n')).not.to.contain('mminuteman');
    });

    it('an eligible UMass person gets "you can register" with the exact entries, the portal link and NetID sign-on', async () => {
      await check(chat(), 'sam.minuteman@umass.edu', '09/01/2004');
      expect(services.mailer.sent).to.have.length(1);
      const [mail] = services.mailer.sent;
      expect(mail.to).to.equal('sam.minuteman@umass.edu');
      expect(mail.subject).to.equal('You can register for the UMass Patient Portal');
      expect(mail.text).to.contain('register now at https://umass.medicatconnect.com');
      expect(mail.text).to.contain("1. Username: Recommended to use the patient's UMass NetID");
      expect(mail.text).to.contain('2. Date of Birth: MM/DD/YYYY');
      expect(mail.text).to.contain('3. Email Address: The email address must match what we have in our database. Use this address: sam.minuteman@umass.edu');
      expect(mail.text).to.contain('NetID Single Sign On');
      expect(mail.text).to.contain('noreply@medicat.com');
      expect(mail.html).to.contain("<ol><li>Username: Recommended to use the patient's UMass NetID</li>");
      expect(mail.html).to.contain('<a href="mailto:sam.minuteman@umass.edu">sam.minuteman@umass.edu</a>');
    });

    it('an eligible Hampshire College person is told to create an account', async () => {
      await check(chat(), 'hampshire.tester@example.org', '07/04/2002');
      const [mail] = services.mailer.sent;
      expect(mail.to).to.equal('hampshire.tester@example.org');
      expect(mail.text).to.contain('Users who do not have a UMass NetID (i.e., Hampshire College community) will need to create an account');
      expect(mail.text).not.to.contain('NetID Single Sign On');
    });

    it('nothing is sent for an unknown email or a wrong date of birth', async () => {
      await check(chat('c1'), 'nobody@umass.edu', '04/15/2003');
      await check(chat('c2'), 'minnie.minuteman@umass.edu', '04/16/2003');
      expect(services.mailer.sent).to.deep.equal([]);
    });

    it('replies identically whether or not the details matched', async () => {
      const transcripts: string[][] = [];
      for (const [email, dob] of [
        ['minnie.minuteman@umass.edu', '04/15/2003'],
        ['sam.minuteman@umass.edu', '09/01/2004'],
        ['nobody@umass.edu', '01/01/2001'],
        ['minnie.minuteman@umass.edu', '01/01/2001'],
      ]) {
        const c = chat(`conversation-${email}-${dob}`);
        await check(c, email, dob);
        transcripts.push(c.transcript.map((a) => `${(a.text ?? '').split(email).join('<email>')} [${buttonTitles(a).join('|')}]`));
      }
      expect(services.mailer.sent).to.have.length(2);
      for (const t of transcripts.slice(1)) expect(t).to.deep.equal(transcripts[0]);
      const reply = transcripts[0][transcripts[0].length - 1];
      expect(reply).to.contain("If <email> and that date of birth match a UHS record, I've emailed the result to <email>");
      expect(reply).to.contain('Look for an email from **no-reply@uhs.umass.edu**');
      expect(reply).to.contain('spam/junk folder');
      expect(reply).to.contain('If nothing arrives within 10 minutes, <email> is not the email address UHS has on file');
      expect(reply).to.contain('(or the date of birth did not match). Typically this would be your UMass email address if you are a student or employee.');
      expect(reply).to.contain('Users who do not have a UMass NetID (i.e., Hampshire College community) will need to create an account, or log in with their existing credentials. The portal is at https://umass.medicatconnect.com.');
      expect(reply).to.contain('uhsportalhelp@umass.edu');
    });

    it('replies the same when the mail transport fails, and logs only a code', async () => {
      const warnings: object[] = [];
      services.log = { ...services.log, warn: (obj: object) => warnings.push(obj) };
      dialog = new AccountStatusDialog(services);
      services.mailer.failing = true;
      const c = chat();
      const replies = await check(c, 'minnie.minuteman@umass.edu', '04/15/2003');
      expect(lastText(replies)).to.contain("I've emailed the result to minnie.minuteman@umass.edu");
      expect(c.result).to.deep.equal({ outcome: 'done', dialog: ACCOUNT_STATUS_DIALOG });
      expect(warnings).to.deep.equal([{ event: 'account-mail-failed', dialog: ACCOUNT_STATUS_DIALOG, code: undefined, responseCode: undefined }]);
    });
  });

  describe('validation re-prompts say what is wrong', () => {
    async function atDobQuestion(): Promise<DialogChat> {
      const c = chat();
      await c.sayAll('hi', 'Yes', 'minnie.minuteman@umass.edu');
      return c;
    }

    it('an invalid email: the problem, the question again and its buttons', async () => {
      const c = chat();
      await c.sayAll('hi', 'Yes');
      const replies = await c.say('minnie at umass dot edu');
      expect(replies).to.have.length(1);
      expect(replies[0].text).to.match(/^An email address has no spaces\..*\n\nWhich email address does UHS have on file for you\?/s);
      expect(buttonTitles(replies[0])).to.deep.equal([TALK_TO_PERSON, CANCEL_BUTTON]);
      expect((await c.say('minnie.umass.edu'))[0].text).to.match(/^An email address has exactly one @/);
      const next = await c.say('minnie.minuteman@umass.edu');
      expect(lastText(next)).to.equal('And your date of birth, as MM/DD/YYYY?');
    });

    it('a date in the wrong format', async () => {
      const c = await atDobQuestion();
      // Year first: the portal's order is month, day, year (a month's name is taken, see validation).
      const [reply] = await c.say('2003-04-15');
      expect(reply.text).to.equal('Please type the date of birth as MM/DD/YYYY, for example 04/15/2003.\n\nAnd your date of birth, as MM/DD/YYYY?');
      expect(buttonTitles(reply)).to.deep.equal([TALK_TO_PERSON, CANCEL_BUTTON]);
    });

    it('an impossible date', async () => {
      const c = await atDobQuestion();
      const [reply] = await c.say('02/30/2003');
      expect(reply.text).to.match(/^That date doesn't exist: month 02 of 2003 has 28 days\. Please check the day\./);
    });

    it('a date in the future (the test clock is 11/24/2026)', async () => {
      const c = await atDobQuestion();
      const [reply] = await c.say('11/25/2026');
      expect(reply.text).to.match(/^That date is in the future\./);
      await c.say('04/15/2003');
      await dialog.whenIdle();
      expect(services.mailer.sent).to.have.length(1);
    });

    it('a note (not a re-prompt) when the email is not a UMass address', async () => {
      const c = chat();
      await c.sayAll('hi', 'Yes');
      const replies = await c.say('minnie@gmail.com');
      expect(replies).to.have.length(2);
      expect(replies[0].text).to.contain("that isn't a UMass address");
      expect(replies[1].text).to.equal('And your date of birth, as MM/DD/YYYY?');
    });
  });

  describe('ways out', () => {
    it('declining the check ends with done and mails nothing', async () => {
      const c = chat();
      await c.say('hi');
      const replies = await c.say('No');
      expect(lastText(replies)).to.contain('No problem');
      expect(lastText(replies)).to.contain('https://umass.medicatconnect.com');
      expect(c.result).to.deep.equal({ outcome: 'done', dialog: ACCOUNT_STATUS_DIALOG });
      expect(services.mailer.sent).to.deep.equal([]);
    });

    it('an unclear yes/no is asked again, and a third miss ends with a reprompt-limit handoff', async () => {
      const c = chat();
      await c.say('hi');
      const [again] = await c.say('purple');
      expect(again.text).to.match(/^Please choose Yes or No/);
      expect(buttonTitles(again)).to.deep.equal(['Yes', 'No', TALK_TO_PERSON]);
      await c.say('banana');
      expect(c.ended).to.equal(false);
      await c.say('hmm');
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: ACCOUNT_STATUS_DIALOG, reason: 'reprompt-limit', diagnostics: { prompt: 'confirm-check' } });
    });

    it('three invalid emails end with a reprompt-limit handoff (two re-asks)', async () => {
      const c = chat();
      await c.sayAll('hi', 'Yes', 'x', 'y');
      expect(c.ended).to.equal(false);
      const replies = await c.say('z');
      expect(replies).to.deep.equal([]);
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: ACCOUNT_STATUS_DIALOG, reason: 'reprompt-limit', diagnostics: { prompt: 'email' } });
    });

    it('three invalid dates of birth end with a reprompt-limit handoff and no lookup', async () => {
      const c = chat();
      await c.sayAll('hi', 'Yes', 'minnie.minuteman@umass.edu', '02/30/2003', '13/13/2003', 'yesterday');
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: ACCOUNT_STATUS_DIALOG, reason: 'reprompt-limit', diagnostics: { prompt: 'dob' } });
      expect(services.mailer.sent).to.deep.equal([]);
    });

    it('"Talk to the help desk" on a question ends with a user-asked handoff', async () => {
      const c = chat();
      await c.sayAll('hi', 'Yes', 'minnie.minuteman@umass.edu', TALK_TO_PERSON);
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: ACCOUNT_STATUS_DIALOG, reason: 'user-asked', diagnostics: { prompt: 'dob' } });
    });
  });

  describe('directory unavailable', () => {
    beforeEach(() => {
      services.directory.available = false;
    });

    it('says so and offers the help desk; yes → handoff "unavailable"', async () => {
      const c = chat();
      const replies = await c.sayAll('hi', 'Yes', 'minnie.minuteman@umass.edu', '04/15/2003');
      expect(replies[0].text).to.equal("Sorry, I can't reach the UHS patient directory right now, so I can't check your account.");
      expect(replies[1].text).to.contain('Would you like me to pass this to the UHS help desk?');
      expect(buttonTitles(replies[1])).to.deep.equal(['Yes', 'No']);
      await c.say('Yes');
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: ACCOUNT_STATUS_DIALOG, reason: 'unavailable', diagnostics: undefined });
      expect(services.mailer.sent).to.deep.equal([]);
    });

    it('three unclear answers to the help-desk offer hand off anyway (reprompt-limit)', async () => {
      const c = chat();
      await c.sayAll('hi', 'Yes', 'minnie.minuteman@umass.edu', '04/15/2003', 'what', 'huh');
      expect(c.ended).to.equal(false);
      await c.say('??');
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: ACCOUNT_STATUS_DIALOG, reason: 'reprompt-limit', diagnostics: { prompt: 'offer-helpdesk' } });
    });

    it('no → done, with the help desk address', async () => {
      const c = chat();
      await c.sayAll('hi', 'Yes', 'minnie.minuteman@umass.edu', '04/15/2003');
      const replies = await c.say('No');
      expect(lastText(replies)).to.contain('uhsportalhelp@umass.edu');
      expect(c.result).to.deep.equal({ outcome: 'done', dialog: ACCOUNT_STATUS_DIALOG });
    });
  });

  describe('limits', () => {
    it('after 3 checks in one conversation it offers the help desk instead of a fourth', async () => {
      const c = chat();
      for (let i = 0; i < 3; i++) await check(c, 'minnie.minuteman@umass.edu', '04/15/2003');
      expect(services.mailer.sent).to.have.length(3);
      await c.say('again');
      const replies = await c.say('Yes');
      expect(replies[0].text).to.contain("You've already run 3 account checks in this conversation");
      expect(replies[1].text).to.contain('Would you like me to pass this to the UHS help desk?');
      await c.say('Yes');
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: ACCOUNT_STATUS_DIALOG, reason: 'limit-reached', diagnostics: undefined });
      // Another conversation may still check.
      await check(chat('conversation-2'), 'sam.minuteman@umass.edu', '09/01/2004');
      expect(services.mailer.sent).to.have.length(4);
    });

    it('at most 3 result emails per address per hour, with the same reply', async () => {
      const replies: string[] = [];
      for (let i = 1; i <= 4; i++) replies.push(lastText(await check(chat(`conversation-${i}`), 'minnie.minuteman@umass.edu', '04/15/2003')));
      expect(services.mailer.sent).to.have.length(3);
      expect(new Set(replies).size).to.equal(1);
    });

    it('keys the limits by hashes, never by the email in clear', async () => {
      await check(chat(), 'minnie.minuteman@umass.edu', '04/15/2003');
      const keys = [...services.rateLimiter.counts.keys()];
      expect(keys).to.include(mailRateKey('MINNIE.minuteman@umass.edu'));
      expect(keys).to.have.length(2);
      for (const key of keys) {
        expect(key).to.match(/:[0-9a-f]{64}$/);
        expect(key).not.to.contain('minnie');
        expect(key).not.to.contain('conversation-1');
      }
    });
  });
});

describe('AccountStatusDialog under a parent that handles "cancel" and "help"', () => {
  it('"help" re-asks the current question; "Cancel" stops before any lookup or mail', async () => {
    const directory = new FakePortalDirectory([MINNIE]);
    let lookups = 0;
    const lookup = directory.lookup.bind(directory);
    directory.lookup = async (email, dob) => {
      lookups++;
      return lookup(email, dob);
    };
    const services = makeTestServices({ directory });
    const c = new DialogChat(new InterruptingHost(new AccountStatusDialog(services)));
    await c.sayAll('hi', 'Yes', 'minnie.minuteman@umass.edu');
    const help = await c.say('help');
    expect(help.map((a) => a.text)).to.deep.equal(['(help)', 'And your date of birth, as MM/DD/YYYY?']);
    expect(buttonTitles(help[1])).to.deep.equal([TALK_TO_PERSON, CANCEL_BUTTON]);
    await c.say(CANCEL_BUTTON);
    expect(c.result).to.deep.equal({ cancelled: true });
    expect(lookups).to.equal(0);
    expect(services.mailer.sent).to.deep.equal([]);
  });
});
