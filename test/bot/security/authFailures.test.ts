import { expect } from 'chai';
import { messageActivity, startTestApp, type TestApp } from '../../support/app';

/**
 * With authentication on, a request whose token fails is counted against its client IP, in a
 * bucket of its own: it never spends the budget of the conversation it names.
 */
describe('Security: failed authentication and the per-conversation budget', function () {
  this.timeout(30000);
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'not-a-real-secret',
      RATE_LIMIT_PER_CONVERSATION_PER_MINUTE: '2',
      RATE_LIMIT_PER_IP_PER_MINUTE: '4',
    });
  });
  after(() => t.stop());

  it("junk Authorization headers get 401, then 429 for the client's IP, never the conversation's 429", async () => {
    const answers: Array<{ status: number; body: string }> = [];
    for (let i = 0; i < 6; i++) answers.push(await t.post({ ...messageActivity('victim'), serviceUrl: 'https://smba.trafficmanager.net/amer/' }, { authorization: `Bearer junk-${i}` }));
    expect(answers.map((a) => a.status)).to.deep.equal([401, 401, 401, 401, 429, 429]);
    for (const answer of answers) expect(answer.body).to.not.include('conversation');
    expect(answers[4].body).to.include('Too many requests (ip)');
  });
});
