import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { MemoryCaseStore } from '../../../bot/adapters/memoryCaseStore';
import { FakePortalDirectory } from '../../fakes/fakePortalDirectory';
import { webChatMessage } from '../../support/teamsActivities';
import { messageActivity, startTestApp, type TestApp } from '../../support/app';
import { startStaffHarness, type StaffHarness } from '../teams/staffHarness';

/** What a reply shows a person: its words, their format and its buttons. */
const shown = (a: Partial<Activity> | undefined) => ({ text: a?.text, textFormat: a?.textFormat, suggestedActions: a?.suggestedActions });

/** A probe learns nothing: not that a staff command exists, not how the bot checks tokens. */
describe('Security: probing the bot reveals nothing', function () {
  this.timeout(30000);

  describe('the lookup command, to someone who may not use it', () => {
    let h: StaffHarness;
    let lookups = 0;
    beforeEach(async () => {
      lookups = 0;
      const directory = new (class extends FakePortalDirectory {
        override async lookup(email: string, dob: string) {
          lookups += 1;
          return super.lookup(email, dob);
        }
      })([]);
      h = await startStaffHarness(new MemoryCaseStore(), directory, []);
    });
    afterEach(() => h.close());

    it('gets exactly the reply to a message the bot does not understand', async () => {
      await h.post(webChatMessage(h.connector.serviceUrl, 'probe', 'lookup jminuteman@umass.edu 04/15/2003'));
      await h.post(webChatMessage(h.connector.serviceUrl, 'control', 'qwzx vrrpt blorf'));
      const [refusal] = h.connector.to('probe').map((c) => c.activity);
      const [miss] = h.connector.to('control').map((c) => c.activity);
      expect(miss?.text).to.match(/didn't understand/);
      expect(shown(refusal)).to.deep.equal(shown(miss));
      expect(lookups).to.equal(0);
    });
  });

  describe('with authentication on, a forged token', () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-a-real-secret' });
    });
    after(() => t.stop());

    it('gets 401 without internals, even one the token check cannot finish (an RS256 token naming the Bot Framework issuer)', async () => {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const forged = [
        `${part({ alg: 'RS256', kid: 'forged-key' })}.${part({ iss: 'https://api.botframework.com', aud: '00000000-0000-0000-0000-000000000001', exp: 4102444800 })}.c2ln`,
        `${part({ alg: 'HS256' })}.${part({ iss: 'https://api.botframework.com' })}.c2ln`,
        'eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.',
      ];
      for (const token of forged) {
        const response = await t.post({ ...messageActivity('forged'), deliveryMode: undefined, serviceUrl: 'https://smba.trafficmanager.net/amer/' }, { authorization: `Bearer ${token}` });
        expect(response.status, token).to.equal(401);
        expect(JSON.parse(response.body), token).to.deep.equal({ error: 'Unauthorized' });
      }
    });
  });
});
