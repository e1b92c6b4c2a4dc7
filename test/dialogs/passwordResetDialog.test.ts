import { expect } from 'chai';
import { PASSWORD_RESET_DIALOG, PasswordResetDialog } from '../../dialogs/flows/passwordResetDialog';
import { CANCEL_BUTTON, TALK_TO_PERSON } from '../../dialogs/prompts/textPrompts';
import type { DirectoryRecord } from '../../dialogs/ports';
import { FakePortalDirectory } from '../fakes/fakePortalDirectory';
import { makeTestServices, type TestServices } from '../fakes/services';
import { buttonTitles, DialogChat, InterruptingHost, lastText } from '../support/dialogChat';

const MINNIE: DirectoryRecord = { email: 'minnie.minuteman@umass.edu', dob: '04/15/2003', portalUsername: 'mminuteman', affiliation: 'umass' };
const SAM: DirectoryRecord = { email: 'sam.minuteman@umass.edu', dob: '09/01/2004', portalUsername: null, affiliation: 'umass' };

describe('PasswordResetDialog', () => {
  let services: TestServices;
  let dialog: PasswordResetDialog;

  beforeEach(() => {
    services = makeTestServices({ directory: new FakePortalDirectory([MINNIE, SAM]) });
    dialog = new PasswordResetDialog(services);
  });

  function chat(conversationId = 'conversation-1'): DialogChat {
    return new DialogChat(dialog, conversationId);
  }

  /** A whole request: start, yes, email. Returns the replies to the email. */
  async function requestReset(c: DialogChat, email: string) {
    await c.sayAll('forgot my password', 'Yes');
    const replies = await c.say(email);
    await dialog.whenIdle();
    return replies;
  }

  it("gives the FAQ's tips first, then offers a reset with Yes/No buttons", async () => {
    const replies = await chat().say('forgot my password');
    expect(replies).to.have.length(2);
    const tips = replies[0].text ?? '';
    expect(tips).to.contain('Click **Submit** rather than pressing Enter or Return');
    expect(tips).to.contain('different results may vary when using the enter or return key, versus the "submit" button');
    expect(tips).to.contain('**Check your spam/junk folder.** The email to create your password after registering comes from');
    expect(tips).to.contain('**noreply@medicat.com**');
    expect(tips).to.contain('**MedicatAutoResponse@medicat.com**');
    expect(tips).to.contain("click on the 'Login' button, scroll down, and enter your username and password from this screen");
    expect(tips).to.contain('"Forgot Password" link found in the lower right corner of the Login page: https://umass.medicatconnect.com/login.aspx');
    expect(replies[1].text).to.contain('I can send a password reset to the email address UHS has on file');
    expect(buttonTitles(replies[1])).to.deep.equal(['Yes', 'No', TALK_TO_PERSON]);
  });

  it('asks for the email with buttons', async () => {
    const c = chat();
    await c.say('hi');
    const [question] = await c.say('yes');
    expect(question.text).to.contain('Which email address does UHS have on file for you? (Typically this would be your UMass email address if you are a student or employee.)');
    expect(buttonTitles(question)).to.deep.equal([TALK_TO_PERSON, CANCEL_BUTTON]);
  });

  describe('without a portal behind the directory (CSV: "unsupported")', () => {
    it('mails the username and the Forgot Password link to the address on file', async () => {
      const c = chat();
      await requestReset(c, 'Minnie.Minuteman@UMASS.edu');
      expect(services.mailer.sent).to.have.length(1);
      const [mail] = services.mailer.sent;
      expect(mail.to).to.equal('minnie.minuteman@umass.edu');
      expect(mail.subject).to.equal('Your UMass Patient Portal username and password reset');
      expect(mail.text).to.contain('You asked the UHS Portal Help chat for help resetting your UMass Patient Portal password.');
      expect(mail.text).to.contain('Your username is: mminuteman');
      expect(mail.text).to.contain('Use the "Forgot Password" link found in the lower right corner of the Login page: https://umass.medicatconnect.com/login.aspx');
      expect(mail.text).to.contain('click the "Submit" button rather than pressing the Enter or Return key');
      expect(c.result).to.deep.equal({ outcome: 'done', dialog: PASSWORD_RESET_DIALOG });
      expect(c.texts.join('\n')).not.to.contain('mminuteman');
    });

    it('a person without an account yet gets the registration entries instead', async () => {
      await requestReset(chat(), 'sam.minuteman@umass.edu');
      const [mail] = services.mailer.sent;
      expect(mail.subject).to.equal('You can register for the UMass Patient Portal');
      expect(mail.text).to.contain('3. Email Address: The email address must match what we have in our database.');
    });

    it('sends nothing for an unknown address, and the reply is identical', async () => {
      const known = chat('c1');
      const unknown = chat('c2');
      await requestReset(known, 'minnie.minuteman@umass.edu');
      await requestReset(unknown, 'nobody@umass.edu');
      expect(services.mailer.sent.map((m) => m.to)).to.deep.equal(['minnie.minuteman@umass.edu']);
      const normalise = (c: DialogChat, email: string) => c.transcript.map((a) => `${(a.text ?? '').split(email).join('<email>')} [${buttonTitles(a).join('|')}]`);
      expect(normalise(unknown, 'nobody@umass.edu')).to.deep.equal(normalise(known, 'minnie.minuteman@umass.edu'));
      const reply = lastText(unknown.transcript);
      expect(reply).to.contain('If nobody@umass.edu is the email address UHS has on file, a password reset email is on its way');
      expect(reply).to.contain('**MedicatAutoResponse@medicat.com** or from **no-reply@uhs.umass.edu**');
      expect(reply).to.contain('is not the email address UHS has on file. Typically this would be your UMass email address if you are a student or employee. You can also use');
      expect(reply).to.contain('https://umass.medicatconnect.com/login.aspx');
      expect(reply).to.contain('uhsportalhelp@umass.edu');
    });
  });

  describe('with a portal behind the directory (PORTAL_API_URL)', () => {
    it('asks the portal to send its reset; "requested" and "not-found" read the same and the bot mails nothing', async () => {
      services.directory.resetResult = 'requested';
      const requested = chat('c1');
      await requestReset(requested, 'minnie.minuteman@umass.edu');
      services.directory.resetResult = 'not-found';
      const notFound = chat('c2');
      await requestReset(notFound, 'nobody@umass.edu');
      expect(services.directory.resetRequests).to.deep.equal(['minnie.minuteman@umass.edu', 'nobody@umass.edu']);
      expect(services.mailer.sent).to.deep.equal([]);
      expect(lastText(notFound.transcript).split('nobody@umass.edu').join('<e>')).to.equal(lastText(requested.transcript).split('minnie.minuteman@umass.edu').join('<e>'));
    });

    it('an unavailable portal: says so and offers the help desk; yes → handoff "unavailable"', async () => {
      services.directory.available = false;
      const c = chat();
      const replies = await c.sayAll('hi', 'Yes', 'minnie.minuteman@umass.edu');
      expect(replies[0].text).to.equal("Sorry, I can't reach the UHS patient portal right now, so I can't send a reset.");
      expect(buttonTitles(replies[1])).to.deep.equal(['Yes', 'No']);
      await c.say('yes');
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: PASSWORD_RESET_DIALOG, reason: 'unavailable', diagnostics: undefined });
      expect(services.mailer.sent).to.deep.equal([]);
    });
  });

  describe('rate limits: the same reply, and nothing sent', () => {
    it('at most 3 emails per address per hour', async () => {
      const replies: string[] = [];
      for (let i = 1; i <= 4; i++) replies.push(lastText(await requestReset(chat(`conversation-${i}`), 'minnie.minuteman@umass.edu')));
      expect(services.mailer.sent).to.have.length(3);
      expect(new Set(replies).size).to.equal(1);
    });

    it('at most 10 requests per conversation per hour (the portal is not even asked)', async () => {
      services.directory.resetResult = 'requested';
      const c = chat();
      const replies: string[] = [];
      for (let i = 1; i <= 11; i++) {
        const email = `student${i}@umass.edu`;
        replies.push(lastText(await requestReset(c, email)).split(email).join('<e>'));
      }
      expect(services.directory.resetRequests).to.have.length(10);
      expect(services.directory.resetRequests).not.to.include('student11@umass.edu');
      expect(new Set(replies).size).to.equal(1);
      expect(c.result).to.deep.equal({ outcome: 'done', dialog: PASSWORD_RESET_DIALOG });
    });
  });

  describe('ways out', () => {
    it('declining ends with done and sends nothing', async () => {
      const c = chat();
      await c.say('hi');
      const replies = await c.say('no');
      expect(lastText(replies)).to.contain('if you continue to have issues, contact uhsportalhelp@umass.edu');
      expect(c.result).to.deep.equal({ outcome: 'done', dialog: PASSWORD_RESET_DIALOG });
      expect(services.directory.resetRequests).to.deep.equal([]);
    });

    it('an invalid email is re-asked with the problem; the third miss hands off (reprompt-limit)', async () => {
      const c = chat();
      await c.sayAll('hi', 'yes');
      const [again] = await c.say('my email');
      expect(again.text).to.match(/^An email address has no spaces/);
      expect(buttonTitles(again)).to.deep.equal([TALK_TO_PERSON, CANCEL_BUTTON]);
      await c.say('still wrong');
      expect(c.ended).to.equal(false);
      await c.say('nope');
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: PASSWORD_RESET_DIALOG, reason: 'reprompt-limit', diagnostics: { prompt: 'email' } });
      expect(services.directory.resetRequests).to.deep.equal([]);
    });

    it('three unclear yes/no answers hand off (reprompt-limit)', async () => {
      const c = chat();
      await c.sayAll('hi', 'maybe', 'perhaps', 'dunno');
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: PASSWORD_RESET_DIALOG, reason: 'reprompt-limit', diagnostics: { prompt: 'confirm-reset' } });
    });

    it('"Talk to the help desk" instead of an email hands off (user-asked)', async () => {
      const c = chat();
      await c.sayAll('hi', 'yes', TALK_TO_PERSON);
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: PASSWORD_RESET_DIALOG, reason: 'user-asked', diagnostics: { prompt: 'email' } });
    });

    it('typing "talk to a person" instead of an email hands off too', async () => {
      const c = chat();
      await c.sayAll('hi', 'yes', 'Talk to a person.');
      expect(c.result).to.deep.equal({ outcome: 'handoff', dialog: PASSWORD_RESET_DIALOG, reason: 'user-asked', diagnostics: { prompt: 'email' } });
    });

    it('notes a non-UMass address before the reply', async () => {
      const replies = await requestReset(chat(), 'minnie@gmail.com');
      expect(replies).to.have.length(2);
      expect(replies[0].text).to.contain("that isn't a UMass address");
    });
  });
});

describe('PasswordResetDialog under a parent that handles "cancel" and "help"', () => {
  it('"help" re-asks the email question; "Cancel" stops before any reset', async () => {
    const services = makeTestServices({ directory: new FakePortalDirectory([MINNIE]) });
    services.directory.resetResult = 'requested';
    const c = new DialogChat(new InterruptingHost(new PasswordResetDialog(services)));
    await c.sayAll('forgot my password', 'Yes');
    const help = await c.say('help');
    expect(help[1].text).to.match(/Which email address does UHS have on file for you\?/);
    await c.say('cancel');
    expect(c.result).to.deep.equal({ cancelled: true });
    expect(services.directory.resetRequests).to.deep.equal([]);
    expect(services.mailer.sent).to.deep.equal([]);
  });
});
