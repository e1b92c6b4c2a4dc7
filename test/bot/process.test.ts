import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../knowledge/projectRoot';
import { freshPgliteDir } from '../support/postgres';

/**
 * The compiled entry points as a person runs them: `npm start` (dist/bot/index.js) and
 * `npm run chat` (dist/bot/chat.js), as child processes.
 */
const distBot = path.join(projectRoot(), 'dist', 'bot');

function collect(child: ChildProcess): { out: () => string } {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return { out: () => out };
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Processes: the bot and the terminal chat', function () {
  this.timeout(120000);
  let outbox: string;
  before(function () {
    // These run the compiled files of `npm run build`, which `npm test` runs first.
    if (!fs.existsSync(path.join(distBot, 'index.js'))) throw new Error('dist/bot/index.js is missing: run npm run build');
    outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-proc-'));
  });
  after(() => fs.rmSync(outbox, { recursive: true, force: true }));

  it('starts, answers, and on SIGTERM stops accepting and exits 0', async () => {
    // The embedded database (no DATABASE_URL), in a folder of the test's own.
    const dataDir = await freshPgliteDir(outbox);
    const child = spawn(process.execPath, [path.join(distBot, 'index.js')], {
      env: { ...process.env, PORT: '0', LOG_FORMAT: 'json', MAIL_OUTBOX: outbox, REDIS_URL: '', DATABASE_URL: '', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collect(child);
    const exited = exitOf(child);
    const port = await until(() => /"port":(\d+)/.exec(output.out())?.[1], 'the listening log line');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).to.equal(200);
    child.kill('SIGTERM');
    const { code } = await exited;
    expect(code).to.equal(0);
    expect(output.out()).to.include('shutting down');
    let refused = false;
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
    } catch {
      refused = true;
    }
    expect(refused, 'no longer accepting requests').to.equal(true);
  });

  it('refuses to start with a bad variable, naming it', async () => {
    const child = spawn(process.execPath, [path.join(distBot, 'index.js')], { env: { ...process.env, PORT: 'eighty', REDIS_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = collect(child);
    const { code } = await exitOf(child);
    expect(code).to.equal(1);
    expect(output.out()).to.include('PORT');
  });

  it('npm run chat: talks with the same bot in the terminal; a number picks a button', async () => {
    const dataDir = await freshPgliteDir(outbox);
    const child = spawn(process.execPath, [path.join(distBot, 'chat.js')], {
      env: { ...process.env, MAIL_OUTBOX: outbox, REDIS_URL: '', DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const output = collect(child);
    const exited = exitOf(child);
    await until(() => (output.out().includes('[5] Talk to the help desk') ? true : undefined), 'the welcome with numbered buttons');
    child.stdin.write('what file types can I upload\n');
    await until(() => (output.out().includes('.tiff') ? true : undefined), 'the upload answer');
    child.stdin.write('3\n');
    await until(() => (output.out().includes("OK, I've stopped that") ? true : undefined), 'the cancel button picked by number');
    child.stdin.write('/quit\n');
    expect((await exited).code).to.equal(0);
  });
});
