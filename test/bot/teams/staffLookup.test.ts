import { expect } from 'chai';
import type { DirectoryLookup } from '../../../dialogs/ports';
import { MemoryCaseStore } from '../../../bot/adapters/memoryCaseStore';
import { ACCESS_LOG_SETTING, type AccessLogEntry } from '../../../bot/teams/staffLookup';
import { LOOKUP_REFUSAL } from '../../../bot/teams/teamsStaff';
import { FakePortalDirectory } from '../../fakes/fakePortalDirectory';
import { teamsMessage, webChatMessage, type TeamsOrigin, type TeamsUser } from '../../support/teamsActivities';
import { STAFF_TENANT, startStaffHarness, type StaffHarness } from './staffHarness';


const ALLOWED: TeamsUser = { id: '29:ana', name: 'Ana Lopez', aadObjectId: 'a11a11a1-0000-4000-8000-000000000001' };
const NOT_LISTED: TeamsUser = { id: '29:sam', name: 'Sam Roe', aadObjectId: 'b22b22b2-0000-4000-8000-000000000002' };
const EMAIL = 'jminuteman@umass.edu';
const DOB = '04/15/2003';

/** Counts lookups, to prove a refused request never reaches the directory. */
class CountingDirectory extends FakePortalDirectory {
  lookups = 0;
  override async lookup(email: string, dob: string): Promise<DirectoryLookup> {
    this.lookups += 1;
    return super.lookup(email, dob);
  }
}

describe('staff portal account lookup (Teams only, allow-listed staff)', () => {
  let h: StaffHarness;
  let cases: MemoryCaseStore;
  let directory: CountingDirectory;

  const origin = (from: TeamsUser, tenantId = STAFF_TENANT): TeamsOrigin => ({ serviceUrl: h.connector.serviceUrl, tenantId, from });
  const lastReplyTo = (from: TeamsUser) => h.connector.to(`a:personal-${from.id}`).at(-1)?.activity.text;

  beforeEach(async () => {
    cases = new MemoryCaseStore();
    directory = new CountingDirectory([
      { email: EMAIL, dob: DOB, portalUsername: 'jminuteman', affiliation: 'umass' },
      { email: 'new.student@umass.edu', dob: '09/01/2006', portalUsername: null, affiliation: 'umass' },
    ]);
    h = await startStaffHarness(cases, directory, [ALLOWED.aadObjectId]);
  });

  afterEach(() => h.close());

  it('is refused outside Teams with a neutral message, without asking the directory', async () => {
    await h.post(webChatMessage(h.connector.serviceUrl, 'webchat-1', `lookup ${EMAIL} ${DOB}`));
    expect(h.connector.to('webchat-1').map((c) => c.activity.text)).to.deep.equal([LOOKUP_REFUSAL]);
    // Even someone claiming an allow-listed AAD id on another channel.
    await h.post({ ...webChatMessage(h.connector.serviceUrl, 'webchat-2', `lookup ${EMAIL} ${DOB}`), from: { id: 'x', name: 'x', aadObjectId: ALLOWED.aadObjectId } });
    expect(h.connector.to('webchat-2').map((c) => c.activity.text)).to.deep.equal([LOOKUP_REFUSAL]);
    expect(directory.lookups).to.equal(0);
    expect(await cases.getSetting(ACCESS_LOG_SETTING)).to.equal(null);
  });

  it('is refused to a Teams user not on STAFF_AAD_IDS, and to an allow-listed id from another tenant', async () => {
    await h.post(teamsMessage(origin(NOT_LISTED), `lookup ${EMAIL} ${DOB}`));
    expect(lastReplyTo(NOT_LISTED)).to.equal(LOOKUP_REFUSAL);
    await h.post(teamsMessage(origin(ALLOWED, 'ffffffff-0000-4000-8000-000000000000'), `lookup ${EMAIL} ${DOB}`));
    expect(lastReplyTo(ALLOWED)).to.equal(LOOKUP_REFUSAL);
    expect(directory.lookups).to.equal(0);
  });

  it('shows the portal account status to allow-listed staff (email as Teams sends it, as a mailto link)', async () => {
    await h.post(teamsMessage(origin(ALLOWED), `lookup <a href="mailto:${EMAIL}">${EMAIL}</a> 4/15/2003`));
    expect(lastReplyTo(ALLOWED)).to.equal('Portal account: yes. Username: jminuteman. Affiliation: UMass (signs in with NetID single sign-on).');
    await h.post(teamsMessage(origin(ALLOWED), 'lookup new.student@umass.edu 09/01/2006'));
    expect(lastReplyTo(ALLOWED)).to.match(/^A UHS record matches, but no portal account has been created yet/);
    await h.post(teamsMessage(origin(ALLOWED), `lookup ${EMAIL} 01/01/2000`));
    expect(lastReplyTo(ALLOWED)).to.match(/^No UHS record matches that email and date of birth/);
    directory.available = false;
    await h.post(teamsMessage(origin(ALLOWED), `lookup ${EMAIL} ${DOB}`));
    expect(lastReplyTo(ALLOWED)).to.match(/^The portal directory is unavailable right now/);
    expect(directory.lookups).to.equal(4);
  });

  it('shows the usage for a malformed request without echoing it or asking the directory', async () => {
    await h.post(teamsMessage(origin(ALLOWED), `lookup ${EMAIL}`));
    expect(lastReplyTo(ALLOWED)).to.equal('Usage: lookup <email> <MM/DD/YYYY>');
    await h.post(teamsMessage(origin(ALLOWED), `lookup ${EMAIL} 13/45/2003`));
    expect(lastReplyTo(ALLOWED)).to.match(/Usage: lookup <email> <MM\/DD\/YYYY>$/).and.not.to.contain('13/45');
    expect(directory.lookups).to.equal(0);
  });

  it('logs each access on the case store with who and when only: no email, no date of birth', async () => {
    await h.post(teamsMessage(origin(ALLOWED), `lookup ${EMAIL} ${DOB}`));
    await h.post(teamsMessage(origin(ALLOWED), `lookup someone.else@umass.edu 02/03/2004`));
    const log = (await cases.getSetting<AccessLogEntry[]>(ACCESS_LOG_SETTING))!;
    expect(log).to.have.length(2);
    expect(log[0]).to.have.all.keys('type', 'what', 'by', 'aadObjectId', 'at');
    expect(log[0]).to.include({ type: 'access', what: 'portal-lookup', by: 'Ana Lopez', aadObjectId: ALLOWED.aadObjectId });
    expect(Date.parse(log[0].at)).to.be.closeTo(Date.now(), 60_000);
    const everythingStored = JSON.stringify(log) + JSON.stringify(h.log.records);
    for (const secret of [EMAIL, DOB, 'someone.else', '02/03/2004', 'umass.edu']) expect(everythingStored).not.to.contain(secret);
  });
});
