import { expect } from 'chai';
import { messageActivity as message, startTestApp, texts, type TestApp } from '../../support/app';
import { CHECK_ACCOUNT, converse } from '../../support/flows';
import { waitUntil } from '../../support/waitUntil';
import { FakePortalDirectory } from '../../fakes/fakePortalDirectory';
import { slowTurnText } from '../../../bot/limits/turnBudget';
import type { DirectoryLookup } from '../../../dialogs/ports';

/** Limits of the public routes: per-IP and per-conversation rate limits, and the per-turn time budget. */

/** A request relayed by a reverse proxy: the per-IP limit counts it (under the proxy's address). */
const PROXIED = { 'x-forwarded-for': '203.0.113.7' };

describe('limits of POST /api/messages', function () {
  this.timeout(60000);
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((t) => t.stop()));
  });
  const start = async (env: Record<string, string>, overrides = {}) => {
    const t = await startTestApp(env, overrides);
    apps.push(t);
    return t;
  };

  it('per IP: past RATE_LIMIT_PER_IP_PER_MINUTE a client gets 429 with Retry-After, whatever the conversation', async () => {
    const t = await start({ RATE_LIMIT_PER_IP_PER_MINUTE: '3' });
    for (let i = 0; i < 3; i++) expect((await t.post(message(`ip-${i}`), PROXIED)).status, `request ${i + 1}`).to.equal(200);
    const response = await fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...PROXIED }, body: JSON.stringify(message('ip-4')) });
    expect(response.status).to.equal(429);
    expect(Number(response.headers.get('retry-after'))).to.be.within(1, 60);
    expect(await response.text()).to.include('Too many requests');
  });

  it('per IP: a loopback peer is counted too (behind a proxy that adds no header, every visitor is one)', async () => {
    const t = await start({ RATE_LIMIT_PER_IP_PER_MINUTE: '2' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.post(message(`local-${i}`))).status);
    expect(statuses).to.deep.equal([200, 200, 429, 429]);
  });

  it('per conversation: past RATE_LIMIT_PER_CONVERSATION_PER_MINUTE that conversation gets 429, others go on', async () => {
    const t = await start({ RATE_LIMIT_PER_CONVERSATION_PER_MINUTE: '4' });
    for (let i = 0; i < 4; i++) expect((await t.post(message('busy'))).status, `message ${i + 1}`).to.equal(200);
    const refused = await t.post(message('busy'));
    expect(refused.status).to.equal(429);
    expect((await t.post(message('calm'))).status).to.equal(200);
  });

  it('with authentication on, requests without a token get 401 and use up no conversation budget; past the per-IP limit their client gets 429', async () => {
    const t = await start({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-used', RATE_LIMIT_PER_IP_PER_MINUTE: '2', RATE_LIMIT_PER_CONVERSATION_PER_MINUTE: '1' });
    const answers: Array<{ status: number; body: string }> = [];
    for (let i = 0; i < 4; i++) answers.push(await t.post(message('anonymous'), PROXIED));
    expect(answers.map((a) => a.status)).to.deep.equal([401, 401, 429, 429]);
    expect(answers[2].body).to.include('Too many requests (ip)');
  });

  describe('per-turn time budget (TURN_TIMEOUT_MS)', () => {
    /** A directory whose lookups hang until the test opens the gate: a turn that cannot finish in time. */
    class GatedDirectory extends FakePortalDirectory {
      private open!: () => void;
      readonly gate = new Promise<void>((resolve) => (this.open = resolve));
      waiting = 0;

      release(): void {
        this.open();
      }

      override async lookup(email: string, dob: string): Promise<DirectoryLookup> {
        this.waiting += 1;
        await this.gate;
        return super.lookup(email, dob);
      }
    }

    it('a turn that runs over gets a polite reply with 200; the slow step is abandoned and the retry starts from the state before it', async () => {
      const directory = new GatedDirectory();
      // Generous for normal turns on a loaded machine; the gated turn cannot finish at all.
      const t = await start({ TURN_TIMEOUT_MS: '3000' }, { directory });
      const replies = await converse(t, 'slow', [CHECK_ACCOUNT, 'Yes', 'gated@umass.edu']);
      expect(replies[2]).to.include('date of birth');

      const slow = await t.post(message('slow', '01/01/2000'));
      expect(slow.status).to.equal(200);
      const slowTexts = texts((JSON.parse(slow.body) as { activities: [] }).activities);
      expect(slowTexts).to.deep.equal([slowTurnText('uhsportalhelp@umass.edu')]);
      expect(directory.waiting).to.equal(1);
      expect(t.logs.text).to.include('"code":"E_TURN_TIMEOUT"');

      directory.release();
      // The abandoned turn wakes up, finds its context revoked and stops without replying or saving.
      await waitUntil(() => t.logs.text.includes('"code":"I_TURN_ABANDONED"'), 'the abandoned turn stopped');
      const retry = await converse(t, 'slow', ['01/01/2000']);
      expect(retry[0]).to.include('Thanks. If gated@umass.edu and that date of birth match');
      expect(directory.waiting).to.equal(2);
    });
  });
});
