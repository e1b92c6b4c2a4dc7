import { expect } from 'chai';
import { AccountStatusDialog } from '../../dialogs/flows/accountStatusDialog';
import { PasswordResetDialog } from '../../dialogs/flows/passwordResetDialog';
import type { DirectoryRecord } from '../../dialogs/ports';
import { FakePortalDirectory } from '../fakes/fakePortalDirectory';
import { makeTestServices, type TestServices } from '../fakes/services';
import { DialogChat, lastText } from '../support/dialogChat';

const MINNIE: DirectoryRecord = { email: 'minnie.minuteman@umass.edu', dob: '04/15/2003', portalUsername: 'mminuteman', affiliation: 'umass' };

/**
 * The per-address limit of result emails (3 an hour) protects the owner of an address from
 * mail floods; it must not let anyone else use those emails up without sending them.
 */
describe('Security: nobody can use up another person’s account emails', () => {
  let services: TestServices;
  beforeEach(() => {
    services = makeTestServices({ directory: new FakePortalDirectory([MINNIE]) });
  });

  it('account check: three wrong dates of birth for someone’s address do not stop that person’s own check', async () => {
    const dialog = new AccountStatusDialog(services);
    for (let i = 0; i < 3; i++) await new DialogChat(dialog, `attacker-${i}`).sayAll('do I have an account?', 'Yes', MINNIE.email, `01/0${i + 1}/1999`);
    await new DialogChat(dialog, 'minnie').sayAll('do I have an account?', 'Yes', MINNIE.email, MINNIE.dob);
    await dialog.whenIdle();
    expect(services.mailer.sent.map((m) => m.to)).to.deep.equal([MINNIE.email]);
  });

  it('password reset: the reply says every time that at most 3 emails go to an address per hour', async () => {
    const dialog = new PasswordResetDialog(services);
    const replies: string[] = [];
    for (let i = 0; i < 4; i++) replies.push(lastText(await new DialogChat(dialog, `reset-${i}`).sayAll('forgot password', 'Yes', MINNIE.email)));
    await dialog.whenIdle();
    expect(services.mailer.sent).to.have.length(3);
    for (const reply of replies) expect(reply).to.match(/At most 3 of these emails go to one address per hour/);
    expect(new Set(replies).size).to.equal(1);
  });
});
