import { expect } from 'chai';
import { MemoryCaseStore } from '../../../bot/adapters/memoryCaseStore';
import { FakePortalDirectory } from '../../fakes/fakePortalDirectory';
import { newCase } from '../adapters/caseFixtures';
import { TEAMS_BOT, teamsMessage, type TeamsOrigin, type TeamsUser } from '../../support/teamsActivities';
import { STAFF_TENANT, startStaffHarness, type StaffHarness } from '../teams/staffHarness';

const STAFF: TeamsUser = { id: '29:ana', name: 'Ana Lopez', aadObjectId: 'a11a11a1-0000-4000-8000-000000000001' };

/** Entities are client input: a malformed one is ignored, never a failed turn. */
describe('Security: malformed Teams mention entities', () => {
  let h: StaffHarness;
  let cases: MemoryCaseStore;
  const origin = (): TeamsOrigin => ({ serviceUrl: h.connector.serviceUrl, tenantId: STAFF_TENANT, from: STAFF });
  const replies = () => h.connector.to(`a:personal-${STAFF.id}`).map((c) => c.activity.text ?? '');

  beforeEach(async () => {
    cases = new MemoryCaseStore();
    h = await startStaffHarness(cases, new FakePortalDirectory([]), [STAFF.aadObjectId]);
  });
  afterEach(() => h.close());

  it('a mention without "mentioned" (or with a junk one) does not fail the turn; staff commands and patient questions are answered', async () => {
    const record = await cases.create(newCase('patient-conv'));
    const junk = [{ type: 'mention', text: '<at>x</at>' }, { type: 'mention', mentioned: 'not an account', text: 7 }, { type: 'mention', mentioned: null }, null, 'mention'];
    const cases_ = await h.post({ ...teamsMessage(origin(), 'cases'), entities: junk as never });
    expect(cases_.status).to.equal(200);
    expect(replies().join('\n')).to.include(record.id);
    // A well-formed mention of the bot next to the junk is still removed from the text.
    const question = await h.post({ ...teamsMessage(origin(), `<at>${TEAMS_BOT.name}</at> how do I reset my password`), entities: [...junk, { type: 'mention', mentioned: TEAMS_BOT, text: `<at>${TEAMS_BOT.name}</at>` }] as never });
    expect(question.status).to.equal(200);
    expect(replies().at(-1)).to.not.match(/something went wrong/i);
    expect(replies().join('\n')).to.match(/password/i);
  });
});
