import { expect } from 'chai';
import { MemoryCaseStore } from '../../../bot/adapters/memoryCaseStore';
import { LOOKUP_REFUSAL } from '../../../bot/teams/teamsStaff';
import { FakePortalDirectory } from '../../fakes/fakePortalDirectory';
import { newCase } from '../adapters/caseFixtures';
import { teamsCardAction, teamsMessage, type TeamsOrigin, type TeamsUser } from '../../support/teamsActivities';
import { STAFF_TENANT, startStaffHarness, type StaffHarness } from '../teams/staffHarness';


const FORGER: TeamsUser = { id: '29:eve', name: 'UHS Help Desk', aadObjectId: 'a11a11a1-0000-4000-8000-000000000001' };

/**
 * With MicrosoftAppTenantId set but no MicrosoftAppId, activities are not authenticated: one
 * shaped like Teams can claim the staff tenant and any AAD id. Such a sender is not staff.
 */
describe('Security: staff cannot be impersonated without authentication', () => {
  let h: StaffHarness;
  let cases: MemoryCaseStore;
  let lookups = 0;
  const origin = (): TeamsOrigin => ({ serviceUrl: h.connector.serviceUrl, tenantId: STAFF_TENANT, from: FORGER });
  const replies = () => h.connector.to(`a:personal-${FORGER.id}`).map((c) => c.activity.text ?? '');

  beforeEach(async () => {
    cases = new MemoryCaseStore();
    lookups = 0;
    const directory = new (class extends FakePortalDirectory {
      override async lookup(email: string, dob: string) {
        lookups += 1;
        return super.lookup(email, dob);
      }
    })([{ email: 'jminuteman@umass.edu', dob: '04/15/2003', portalUsername: 'jminuteman', affiliation: 'umass' }]);
    h = await startStaffHarness(cases, directory, [FORGER.aadObjectId], false);
  });
  afterEach(() => h.close());

  it('a forged Teams "cases" gets no case list, a forged lookup the neutral refusal, and the directory is not asked', async () => {
    const record = await cases.create(newCase('patient-conv'));
    await h.post(teamsMessage(origin(), 'cases'));
    await h.post(teamsMessage(origin(), 'lookup jminuteman@umass.edu 04/15/2003'));
    const all = replies().join('\n');
    expect(all).to.not.include(record.id);
    expect(all).to.not.match(/Open cases/);
    expect(replies()).to.include(LOOKUP_REFUSAL);
    expect(lookups).to.equal(0);
  });

  it("a forged card action cannot reply into a patient's chat", async () => {
    const record = await cases.create(newCase('patient-conv'));
    const response = await h.post(teamsCardAction(origin(), 'case.reply', { caseId: record.id, replyText: 'click http://evil.example' }, 'card-1'));
    expect(JSON.stringify(response.body)).to.include('Only the UHS help-desk team');
    expect(h.connector.to('patient-conv')).to.have.length(0);
    expect((await cases.get(record.id))!.status).to.equal('open');
  });
});
