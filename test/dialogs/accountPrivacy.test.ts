import { expect } from 'chai';
import { HttpPortalDirectory } from '../../bot/adapters/httpDirectory';
import { AccountStatusDialog } from '../../dialogs/flows/accountStatusDialog';
import { PasswordResetDialog } from '../../dialogs/flows/passwordResetDialog';
import { DialogChat } from '../support/dialogChat';
import { ELIGIBLE, REGISTERED, startAccountFixture, UNKNOWN, type AccountFixture } from '../support/accountFixture';

/** Redis database of the account-dialogs suites (see the team brief). */
const REDIS_DB = 2;

/** Every way the personal data of this test could appear in a log line. */
const PERSONAL = [
  ...[REGISTERED, ELIGIBLE, UNKNOWN].flatMap((p) => [p.email, p.email.split('@')[0], p.dob, p.dob.replace(/\b0/g, '')]),
  'mminuteman',
  'gmail',
  '11/25/2026',
  '02/30/2003',
];

describe('privacy: no email or date of birth in any log line of the account dialogs', () => {
  let fixture: AccountFixture;

  beforeEach(async () => {
    fixture = await startAccountFixture(REDIS_DB);
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('over full account checks and resets, with re-prompts, limits, an outage and a mail failure', async () => {
    const { services } = fixture;
    const account = new AccountStatusDialog(services);
    const reset = new PasswordResetDialog(services);

    // Account checks: a match, an eligible person, an unknown person, a wrong date of birth
    // with re-prompts, a non-UMass address, and the per-conversation limit.
    const checks = new DialogChat(account, 'privacy-checks');
    await checks.sayAll('do I have an account?', 'Yes', REGISTERED.email, REGISTERED.dob.replace(/\b0/g, ''));
    await checks.sayAll('again', 'Yes', 'sam minuteman', ELIGIBLE.email, '11/25/2026', '02/30/2003', ELIGIBLE.dob);
    await checks.sayAll('again', 'Yes', 'minnie@gmail.com', UNKNOWN.dob);
    await checks.sayAll('again', 'Yes', 'No');
    // Giving up on the date of birth.
    await new DialogChat(account, 'privacy-giveup').sayAll('hi', 'Yes', UNKNOWN.email, '1', '2', '3');

    // Resets: matched, unknown, then over the per-address limit.
    for (let i = 0; i < 4; i++) await new DialogChat(reset, `privacy-reset-${i}`).sayAll('forgot password', 'Yes', REGISTERED.email);
    await new DialogChat(reset, 'privacy-reset-unknown').sayAll('forgot password', 'Yes', UNKNOWN.email);
    await account.whenIdle();
    await reset.whenIdle();

    // A mail failure (SMTP down) and a directory outage (nobody listens on the portal URL).
    await fixture.smtp.stop();
    await new DialogChat(reset, 'privacy-smtp-down').sayAll('forgot password', 'Yes', ELIGIBLE.email);
    await reset.whenIdle();
    const outage = new AccountStatusDialog({ ...services, directory: new HttpPortalDirectory({ baseUrl: 'http://127.0.0.1:9/api', timeoutMs: 500, log: services.log }) });
    await new DialogChat(outage, 'privacy-outage').sayAll('hi', 'Yes', REGISTERED.email, REGISTERED.dob, 'Yes');

    const lines = fixture.logLines;
    const events = lines.map((l) => (JSON.parse(l) as { event?: string }).event);
    // The capture did see the dialogs' events, so the check below is not vacuous.
    expect(events).to.include.members(['rate-limited', 'reprompt-limit', 'account-mail-failed', 'directory-unavailable']);
    for (const line of lines) {
      for (const secret of PERSONAL) expect(line, line).not.to.contain(secret);
      expect(line, line).not.to.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);
      expect(line, line).not.to.match(/\b\d{1,2}\/\d{1,2}\/\d{4}\b/);
    }
  });
});
