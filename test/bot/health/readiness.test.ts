import { expect } from 'chai';
import net from 'node:net';
import { startTestApp } from '../../support/app';
import { readiness } from '../../support/flows';
import { TestSmtpServer } from '../../support/smtpServer';
import { testRedisUrl, uniquePrefix } from '../../support/redis';
import { checkReadiness, rememberSuccess, type ReadinessCheck } from '../../../bot/health/readiness';

async function closedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

describe('Health: /healthz is liveness, /readyz readiness with a status per system', function () {
  this.timeout(30000);

  it('Redis, SMTP and the database up: ready, each check up', async () => {
    const smtp = await new TestSmtpServer().start();
    const t = await startTestApp({ REDIS_URL: testRedisUrl(0), REDIS_KEY_PREFIX: uniquePrefix('ready'), SMTP_URL: smtp.url });
    try {
      const { status, body } = await readiness(t);
      expect(status).to.equal(200);
      expect(body.status).to.equal('ready');
      expect(body.ready).to.equal(true);
      expect(body.checks.redis).to.include({ status: 'up', required: true });
      expect(body.checks.mail).to.include({ status: 'up', required: false, kind: 'smtp' });
      // With REDIS_URL and no DATABASE_URL the test app has the embedded database (PGlite).
      expect(body.checks.database).to.include({ status: 'up', required: false, kind: 'pglite' });
    } finally {
      await t.stop();
      await smtp.stop();
    }
  });

  it('SMTP down: still ready (escalations wait in the outbox) but says it is degraded', async () => {
    const port = await closedPort();
    const t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    try {
      const { status, body } = await readiness(t);
      expect(status).to.equal(200);
      expect(body.status).to.equal('degraded');
      expect(body.ready).to.equal(true);
      expect(body.checks.mail).to.include({ status: 'down', kind: 'smtp', error: 'ESOCKET' });
      expect(body.checks.redis.status).to.equal('not-configured');
      // Liveness does not ask other systems.
      expect((await fetch(`${t.url}/healthz`)).status).to.equal(200);
    } finally {
      await t.stop();
    }
  });

  it('without SMTP the outbox folder is the mail check', async () => {
    const t = await startTestApp();
    try {
      const { body } = await readiness(t);
      expect(body.checks.mail).to.include({ status: 'up', kind: 'outbox-folder' });
      expect(body.status).to.equal('ready');
    } finally {
      await t.stop();
    }
  });

  it('a check that hangs counts as down after the probe timeout; a required one makes the instance not ready', async () => {
    const checks: ReadinessCheck[] = [
      { name: 'database', required: true, probe: () => new Promise(() => undefined) },
      { name: 'mail', required: false, probe: () => Promise.resolve() },
    ];
    const report = await checkReadiness(checks, '1.2.3', 50);
    expect(report.status).to.equal('not-ready');
    expect(report.ready).to.equal(false);
    expect(report.checks.database).to.include({ status: 'down', required: true, error: 'ETIMEOUT' });
    expect(report.checks.mail.status).to.equal('up');
  });

  it('a successful SMTP check stands for a while (no login to the relay on every probe); a failure is tried again at once', async () => {
    let clock = 0;
    let calls = 0;
    let failing = false;
    const probe = rememberSuccess(
      () => {
        calls += 1;
        return failing ? Promise.reject(new Error('down')) : Promise.resolve();
      },
      60_000,
      () => clock,
    );
    await probe();
    clock = 59_000;
    await probe();
    expect(calls, 'the second probe within a minute is skipped').to.equal(1);
    clock = 61_000;
    failing = true;
    let failures = 0;
    for (let i = 0; i < 2; i += 1) await probe().catch(() => (failures += 1));
    expect(failures).to.equal(2);
    expect(calls, 'failures are probed every time').to.equal(3);
    failing = false;
    await probe();
    expect(calls).to.equal(4);
  });
});
