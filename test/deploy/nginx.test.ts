import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { projectRoot } from '../../knowledge/projectRoot';
import { messageActivity, texts, UNUSED_SERVICE_URL } from '../support/app';
import { startChildServer, freePort, type ChildServer } from '../support/botProcess';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis';
import { waitUntil } from '../support/waitUntil';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { sample } from '../support/metrics';

/**
 * deploy/nginx/bot.conf, the reverse proxy of compose.yaml, run for real: Debian's nginx in front
 * of two bot processes on 127.0.0.1 that share Redis. Only the `listen` line and the upstream's
 * `server` line are changed (compose's `bot:3978` becomes the two local ports).
 */
const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const root = projectRoot();

/** The committed nginx configuration with the test's listen address and upstream servers. */
export function localNginxConfig(listenPort: number, upstreamPorts: number[]): string {
  const source = fs.readFileSync(path.join(root, 'deploy', 'nginx', 'bot.conf'), 'utf8');
  const listen = /^(\s*)listen 80;$/m;
  const upstream = /^(\s*)server bot:3978( [^;]*);$/m;
  if (!listen.test(source) || !upstream.test(source)) throw new Error('deploy/nginx/bot.conf no longer has "listen 80;" and "server bot:3978 …;" lines');
  return source
    .replace(listen, `$1listen 127.0.0.1:${listenPort};`)
    .replace(upstream, (_line, indent: string, params: string) => upstreamPorts.map((p) => `${indent}server 127.0.0.1:${p}${params};`).join('\n'));
}

async function post(url: string, body: object): Promise<{ status: number; replies: string[] }> {
  const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, replies: [text] };
  return { status: 200, replies: texts((JSON.parse(text) as { activities: [] }).activities) };
}

async function turnsOf(bot: ChildServer): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${bot.port}/metrics`)).text();
  return ['answered', 'dialog', 'handoff', 'miss', 'emergency', 'error'].reduce((sum, outcome) => sum + (sample(text, 'bot_turns_total', { outcome }) ?? 0), 0);
}

describe('nginx (deploy/nginx/bot.conf) in front of two bot processes', function () {
  this.timeout(90000);
  const prefix = uniquePrefix('nginx');
  const redis = new Redis(testRedisUrl(0));
  let folder: string;
  let bots: ChildServer[] = [];
  let nginx: ChildProcess | undefined;
  let url: string;
  let database: TestDatabase | undefined;

  before(async () => {
    if (!fs.existsSync(NGINX)) throw new Error(`nginx not found at ${NGINX}: apt-get install -y nginx (bash .ci/run does), or set NGINX_PATH`);
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-nginx-'));
    // Both instances share one PostgreSQL database, as scale-out needs (PGlite is one process's).
    database = await createTestDatabase('nginx');
    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: '0',
      REDIS_URL: testRedisUrl(0),
      REDIS_KEY_PREFIX: prefix,
      METRICS_ENABLED: 'true',
      LOG_FORMAT: 'json',
      MAIL_OUTBOX: path.join(folder, 'outbox'),
      MicrosoftAppId: '',
      ALLOWED_SERVICE_URLS: UNUSED_SERVICE_URL,
    };
    bots = await Promise.all(
      [1, 2].map((n) => startChildServer(process.execPath, ['--disable-warning=DEP0111', path.join(root, 'dist', 'bot', 'index.js')], { env, what: `bot ${n}` })),
    );
    const listenPort = await freePort();
    fs.writeFileSync(path.join(folder, 'bot.conf'), localNginxConfig(listenPort, bots.map((b) => b.port)));
    fs.writeFileSync(
      path.join(folder, 'nginx.conf'),
      [
        // One process, in the foreground, everything it writes inside the test folder.
        'daemon off;',
        'master_process off;',
        `pid ${folder}/nginx.pid;`,
        `error_log ${folder}/error.log warn;`,
        'events { worker_connections 256; }',
        'http {',
        `  access_log ${folder}/access.log;`,
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${folder}/${t};`),
        `  include ${folder}/bot.conf;`,
        '}',
        '',
      ].join('\n'),
    );
    const check = spawnSync(NGINX, ['-t', '-p', folder, '-c', path.join(folder, 'nginx.conf')], { encoding: 'utf8' });
    expect(check.status, `nginx -t: ${check.stderr}`).to.equal(0);
    nginx = spawn(NGINX, ['-p', folder, '-c', path.join(folder, 'nginx.conf')], { stdio: 'ignore' });
    url = `http://127.0.0.1:${listenPort}`;
    await waitUntil(
      async () => {
        try {
          return (await fetch(`${url}/healthz`)).status === 200;
        } catch {
          return false;
        }
      },
      'nginx answers /healthz',
      20000,
      50,
    );
  });

  after(async () => {
    nginx?.kill('SIGTERM');
    await Promise.all(bots.map((b) => b.stop()));
    await database?.drop();
    await deleteKeys(redis, prefix);
    redis.disconnect();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('a conversation through nginx crosses both instances and goes on where it was (state in Redis, no sticky sessions)', async () => {
    const before = await Promise.all(bots.map(turnsOf));
    const conversation = `nginx-${prefix}`;
    const steps: Array<[string, RegExp]> = [
      ['Check my account', /.+/],
      ['Yes', /email/i],
      ['minnie.minuteman@umass.edu', /date of birth/i],
    ];
    for (const [text, expected] of steps) {
      const { status, replies } = await post(url, messageActivity(conversation, text));
      expect(status, replies.join('\n')).to.equal(200);
      expect(replies.join('\n'), text).to.match(expected);
    }
    const after = await Promise.all(bots.map(turnsOf));
    const handled = after.map((n, i) => n - before[i]);
    expect(handled[0] + handled[1]).to.equal(steps.length);
    expect(handled[0], 'turns on instance 1').to.be.greaterThan(0);
    expect(handled[1], 'turns on instance 2').to.be.greaterThan(0);
  });

  it('serves the Web Chat page and readiness, and keeps /metrics inside (404 through nginx, 200 on the instance)', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.match(/<html/i);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).to.equal(200);
    expect(((await ready.json()) as { checks: { redis: { status: string } } }).checks.redis.status).to.equal('up');
    expect((await fetch(`${url}/metrics`)).status).to.equal(404);
    expect((await fetch(`http://127.0.0.1:${bots[0].port}/metrics`)).status).to.equal(200);
  });

  it('when one instance stops, the other serves every request, a conversation included', async () => {
    await bots[0].stop();
    const conversation = `nginx-failover-${prefix}`;
    for (const [text, expected] of [
      ['Check my account', /.+/],
      ['Yes', /email/i],
    ] as Array<[string, RegExp]>) {
      const { status, replies } = await post(url, messageActivity(conversation, text));
      expect(status, replies.join('\n')).to.equal(200);
      expect(replies.join('\n')).to.match(expected);
    }
    for (let i = 0; i < 4; i += 1) expect((await fetch(`${url}/healthz`)).status).to.equal(200);
  });
});
