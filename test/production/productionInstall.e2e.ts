import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../knowledge/projectRoot';
import { messageActivity, texts, UNUSED_SERVICE_URL } from '../support/app';
import { startChildServer, type ChildServer } from '../support/botProcess';
import { waitUntil } from '../support/waitUntil';

/**
 * The production profile from a clean copy, as the Dockerfile's runtime stage does it: the
 * project's files (what git tracks) and the built dist/, then `npm ci --omit=dev` and `npm start`
 * with NODE_ENV=production. It answers, has no developer tools installed, and keeps the local
 * Direct Line off.
 *
 * `npm run test:production` runs it (bash .ci/run does, after `npm test`): installing the
 * production dependencies takes minutes on this machine, longer than the whole `npm test` budget.
 */
const root = projectRoot();

/** Developer tools that must not be installed by `npm ci --omit=dev`. */
const DEV_ONLY = ['typescript', 'mocha', 'chai', '@microsoft/app-manifest', '@microsoft/m365agentsplayground', 'jszip', 'ajv-formats', 'autocannon', 'playwright-core'];

describe('Production install: NODE_ENV=production npm ci --omit=dev && npm start, from a clean copy', function () {
  this.timeout(15 * 60 * 1000);
  let copy: string;
  let bot: ChildServer | undefined;

  before(function () {
    if (!fs.existsSync(path.join(root, 'dist', 'bot', 'index.js'))) throw new Error('dist/ is missing: run npm run build first');
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-production-'));
    // The project's files as a fresh clone has them (tracked, plus new files not ignored)…
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of files) {
      const from = path.join(root, file);
      if (!fs.existsSync(from)) continue; // deleted in the work tree, not yet committed
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.copyFileSync(from, path.join(copy, file));
    }
    // …and the compiled code, as the Dockerfile copies it from its build stage.
    for (const dir of ['bot', 'dialogs', 'knowledge']) fs.cpSync(path.join(root, 'dist', dir), path.join(copy, 'dist', dir), { recursive: true });
    expect(fs.existsSync(path.join(copy, 'node_modules'))).to.equal(false);
  });

  after(async () => {
    await bot?.stop();
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  });

  it('npm ci --omit=dev installs no developer tool', function () {
    const install = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: copy,
      env: { ...process.env, NODE_ENV: 'production' },
      encoding: 'utf8',
    });
    expect(install.status, `${install.stdout}\n${install.stderr}`.slice(-3000)).to.equal(0);
    for (const name of DEV_ONLY) expect(fs.existsSync(path.join(copy, 'node_modules', name)), `${name} installed`).to.equal(false);
    expect(fs.existsSync(path.join(copy, 'node_modules', 'botbuilder'))).to.equal(true);
  });

  it('npm start runs the bot: it answers a question, is live and ready, and serves no local Direct Line', async () => {
    bot = await startChildServer('npm', ['start'], {
      cwd: copy,
      env: { ...process.env, NODE_ENV: 'production', ALLOW_UNAUTHENTICATED: 'true', ALLOWED_SERVICE_URLS: UNUSED_SERVICE_URL, PORT: '0', LOG_FORMAT: 'json', REDIS_URL: '', SMTP_URL: '', MicrosoftAppId: '', MAIL_OUTBOX: path.join(copy, 'outbox') },
      what: 'npm start (production)',
      timeoutMs: 60000,
      processGroup: true,
    });
    const url = `http://127.0.0.1:${bot.port}`;
    const response = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(messageActivity('production-1', 'what file types can I upload?')),
    });
    expect(response.status).to.equal(200);
    const replies = texts(((await response.json()) as { activities: [] }).activities).join('\n');
    expect(replies).to.include('.pdf');
    expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    expect((await fetch(`${url}/readyz`)).status).to.equal(200);
    expect((await fetch(`${url}/directline/tokens/generate`, { method: 'POST' })).status).to.equal(404);
    expect((await fetch(`${url}/metrics`)).status).to.equal(404);
    expect(bot.output()).not.to.include('Building TypeScript');
    await bot.stop();
    await waitUntil(() => bot!.output().includes('shutting down'), 'the bot logs its shutdown', 10000, 50);
    bot = undefined;
  });
});
