import { expect } from 'chai';
import { startTestApp, type TestApp, messageActivity } from '../../support/app';
import { converse, escalate, faq, outboxIdle } from '../../support/flows';
import { rateLimitScope } from '../../../bot/telemetry/metrics';
import { sample } from '../../support/metrics';

async function scrape(url: string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

describe('Metrics: GET /metrics in Prometheus format', function () {
  this.timeout(60000);

  describe('with METRICS_ENABLED=true', () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp({ METRICS_ENABLED: 'true', RATE_LIMIT_PER_CONVERSATION_PER_MINUTE: '12' });
    });
    after(async () => t.stop());

    it('starts with every outcome at 0, the outbox gauge and the default process metrics', async () => {
      const { status, type, text } = await scrape(`${t.url}/metrics`);
      expect(status).to.equal(200);
      expect(type).to.match(/^text\/plain; version=0\.0\.4/);
      for (const outcome of ['answered', 'dialog', 'handoff', 'miss', 'emergency', 'error']) {
        expect(sample(text, 'bot_turns_total', { outcome }), outcome).to.equal(0);
      }
      expect(sample(text, 'bot_escalations_total')).to.equal(0);
      expect(sample(text, 'bot_outbox_pending')).to.equal(0);
      expect(sample(text, 'process_cpu_user_seconds_total')).to.be.a('number');
      expect(sample(text, 'nodejs_eventloop_lag_seconds')).to.be.a('number');
    });

    it('the counters move with a conversation: an answer, a miss, an emergency, a dialog, a handoff, an escalation, a rate limit', async () => {
      const before = (await scrape(`${t.url}/metrics`)).text;
      const count = (text: string, outcome: string) => sample(text, 'bot_turns_total', { outcome }) ?? 0;

      await converse(t, 'metrics-answer', [faq().question]);
      await converse(t, 'metrics-miss', ['purple monkey dishwasher xylophone']);
      await converse(t, 'metrics-emergency', ['I want to kill myself']);
      await converse(t, 'metrics-dialog', ['Check my account']);
      const caseId = await escalate(t, 'metrics-handoff');
      expect(caseId).to.match(/^UHS-/);
      await outboxIdle(t);
      // 12 a minute per conversation: the 13th message is refused with 429.
      let refused = 0;
      for (let i = 0; i < 13; i += 1) {
        const response = await t.post(messageActivity('metrics-limited', 'hello'));
        if (response.status === 429) refused += 1;
      }
      expect(refused).to.equal(1);

      const after = (await scrape(`${t.url}/metrics`)).text;
      expect(count(after, 'answered') - count(before, 'answered')).to.be.at.least(12);
      expect(count(after, 'miss') - count(before, 'miss')).to.equal(1);
      expect(count(after, 'emergency') - count(before, 'emergency')).to.equal(1);
      // "Check my account" starts the account dialog; the handoff's later turns continue it.
      expect(count(after, 'dialog') - count(before, 'dialog')).to.be.at.least(4);
      expect(count(after, 'handoff') - count(before, 'handoff')).to.equal(1);
      expect(count(after, 'error') - count(before, 'error')).to.equal(0);
      expect(sample(after, 'bot_escalations_total')).to.equal(1);
      expect(sample(after, 'bot_rate_limited_total', { scope: 'http:conversation' })).to.equal(1);
      expect(sample(after, 'bot_outbox_pending')).to.equal(0);
      // Every message turn is in the histogram, under its outcome.
      const turns = ['answered', 'dialog', 'handoff', 'miss', 'emergency', 'error'].reduce((sum, outcome) => sum + count(after, outcome), 0);
      const observed = ['answered', 'dialog', 'handoff', 'miss', 'emergency', 'error'].reduce(
        (sum, outcome) => sum + (sample(after, 'bot_turn_duration_seconds_count', { outcome }) ?? 0),
        0,
      );
      expect(observed).to.equal(turns);
      expect(sample(after, 'bot_turn_duration_seconds_bucket', { le: '+Inf', outcome: 'answered' })).to.equal(count(after, 'answered'));
    });
  });

  it('is off by default: GET /metrics is 404', async () => {
    const t = await startTestApp();
    try {
      expect((await scrape(`${t.url}/metrics`)).status).to.equal(404);
    } finally {
      await t.stop();
    }
  });

  it('METRICS_PORT serves them on their own port only (not on the bot port)', async () => {
    const t = await startTestApp({ METRICS_PORT: '0' });
    try {
      const port = t.app.metricsPort();
      expect(port).to.be.a('number');
      await converse(t, 'metrics-port', [faq().question]);
      const { status, text } = await scrape(`http://127.0.0.1:${port}/metrics`);
      expect(status).to.equal(200);
      expect(sample(text, 'bot_turns_total', { outcome: 'answered' })).to.equal(1);
      expect((await scrape(`http://127.0.0.1:${port}/other`)).status).to.equal(404);
      expect((await scrape(`${t.url}/metrics`)).status).to.equal(404);
    } finally {
      await t.stop();
    }
  });

  it('labels a rate limit by the name of the limit, never by the hashed key', () => {
    expect(rateLimitScope('http:ip:3f2a9c')).to.equal('http:ip');
    expect(rateLimitScope('account-mail:email:9b1c')).to.equal('account-mail');
    expect(rateLimitScope('accountStatusDialog:conversation:ab12')).to.equal('accountStatusDialog');
    expect(rateLimitScope('someone@example.com')).to.equal('other');
  });
});
