import { expect } from 'chai';
import { AccountStatusDialog } from '../../dialogs/flows/accountStatusDialog';
import { PasswordResetDialog } from '../../dialogs/flows/passwordResetDialog';
import { buttonTitles, DialogChat } from '../support/dialogChat';
import { ELIGIBLE, REGISTERED, startAccountFixture, UNKNOWN, type AccountFixture } from '../support/accountFixture';
import type { ReceivedMail } from '../support/smtpServer';

/** Redis database of the account-dialogs suites (see the team brief). */
const REDIS_DB = 2;

/** A transcript with the user's own email replaced, so that three runs can be compared. */
function normalised(chat: DialogChat, email: string): string[] {
  return chat.transcript.map((a) => `${(a.text ?? '').split(email).join('<email>')} [${buttonTitles(a).join('|')}]`);
}

function mailTo(received: ReceivedMail[], email: string): ReceivedMail[] {
  return received.filter((m) => m.envelopeTo.includes(email));
}

describe('account status and password reset over real SMTP with a CSV directory', () => {
  let fixture: AccountFixture;

  beforeEach(async () => {
    fixture = await startAccountFixture(REDIS_DB);
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('account status: the right email for a registered and an eligible person, none for an unknown one, identical chats', async () => {
    const dialog = new AccountStatusDialog(fixture.services);
    const chats = new Map<string, DialogChat>();
    for (const person of [REGISTERED, ELIGIBLE, UNKNOWN]) {
      const chat = new DialogChat(dialog, `conversation-${person.email}`);
      await chat.sayAll('do I already have an account?', 'Yes', person.email, person.dob);
      chats.set(person.email, chat);
    }
    await dialog.whenIdle();

    const received = fixture.smtp.received;
    expect(received).to.have.length(2);
    expect(mailTo(received, UNKNOWN.email)).to.deep.equal([]);

    const [registered] = mailTo(received, REGISTERED.email);
    expect(registered.parsed.from?.value[0].address).to.equal('no-reply@uhs.umass.edu');
    expect(registered.parsed.subject).to.equal('Your UMass Patient Portal account');
    expect(registered.parsed.text).to.contain('Your username is: mminuteman');
    expect(registered.parsed.text).to.contain('https://umass.medicatconnect.com/login.aspx');
    expect(registered.parsed.html).to.contain('Your username is: mminuteman');
    expect(registered.parsed.headers.get('auto-submitted')).to.equal('auto-generated');

    const [eligible] = mailTo(received, ELIGIBLE.email);
    expect(eligible.parsed.subject).to.equal('You can register for the UMass Patient Portal');
    expect(eligible.parsed.text).to.contain("1. Username: Recommended to use the patient's UMass NetID");
    expect(eligible.parsed.text).to.contain('2. Date of Birth: MM/DD/YYYY');
    expect(eligible.parsed.text).to.contain('3. Email Address: The email address must match what we have in our database.');
    expect(eligible.parsed.text).to.contain('https://umass.medicatconnect.com');
    expect(eligible.parsed.text).not.to.contain('Your username is');

    const [first, ...others] = [REGISTERED, ELIGIBLE, UNKNOWN].map((p) => normalised(chats.get(p.email)!, p.email));
    expect(first.length).to.be.greaterThan(3);
    for (const other of others) expect(other).to.deep.equal(first);
  });

  it('password reset: the right email for a registered and an eligible person, none for an unknown one, identical chats', async () => {
    const dialog = new PasswordResetDialog(fixture.services);
    const chats = new Map<string, DialogChat>();
    for (const person of [REGISTERED, ELIGIBLE, UNKNOWN]) {
      const chat = new DialogChat(dialog, `conversation-${person.email}`);
      await chat.sayAll('I forgot my password', 'Yes', person.email);
      chats.set(person.email, chat);
    }
    await dialog.whenIdle();

    const received = fixture.smtp.received;
    expect(received.map((m) => m.envelopeTo[0]).sort()).to.deep.equal([REGISTERED.email, ELIGIBLE.email].sort());
    const [registered] = mailTo(received, REGISTERED.email);
    expect(registered.parsed.subject).to.equal('Your UMass Patient Portal username and password reset');
    expect(registered.parsed.text).to.contain('Your username is: mminuteman');
    expect(registered.parsed.text).to.contain('"Forgot Password" link found in the lower right corner of the Login page: https://umass.medicatconnect.com/login.aspx');
    const [eligible] = mailTo(received, ELIGIBLE.email);
    expect(eligible.parsed.subject).to.equal('You can register for the UMass Patient Portal');

    const [first, ...others] = [REGISTERED, ELIGIBLE, UNKNOWN].map((p) => normalised(chats.get(p.email)!, p.email));
    for (const other of others) expect(other).to.deep.equal(first);
  });

  it('the fourth reset request in an hour sends nothing and reads the same', async () => {
    const dialog = new PasswordResetDialog(fixture.services);
    const transcripts: string[][] = [];
    for (let i = 1; i <= 4; i++) {
      const chat = new DialogChat(dialog, `conversation-${i}`);
      await chat.sayAll('reset my password', 'Yes', REGISTERED.email);
      await dialog.whenIdle();
      expect(fixture.smtp.received, `after request ${i}`).to.have.length(Math.min(i, 3));
      transcripts.push(normalised(chat, REGISTERED.email));
    }
    expect(mailTo(fixture.smtp.received, REGISTERED.email)).to.have.length(3);
    expect(transcripts[3]).to.deep.equal(transcripts[0]);
  });
});
