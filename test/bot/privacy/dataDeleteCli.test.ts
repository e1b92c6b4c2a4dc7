import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { CaseStore, OutgoingMail } from '../../../dialogs/ports';
import { mailRateKey } from '../../../dialogs/flows/accountMailLimits';
import { BullmqOutbox } from '../../../bot/adapters/bullmqOutbox';
import { RedisCaseStore } from '../../../bot/adapters/redisCaseStore';
import { SqlCaseStore } from '../../../bot/adapters/sqlCaseStore';
import { createRateLimiter } from '../../../bot/adapters/rateLimiters';
import { newCase } from '../adapters/caseFixtures';
import fs from 'node:fs';
import { PgliteDatabase, PostgresDatabase } from '../../../bot/db/database';
import { migrate } from '../../../bot/db/migrate';
import { createTestDatabase, freshPgliteDir, type TestDatabase } from '../../support/postgres';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';

/** The compiled command next to this compiled test (dist/ or dist-<name>/). */
const CLI = path.join(__dirname, '..', '..', '..', 'bot', 'privacy', 'dataDeleteCli.js');
const DB = 3;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run data:delete -- <args>` as the operator would, with only `env` configured. */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: base, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function mail(caseId: string): OutgoingMail {
  return { to: 'uhsportalhelp@umass.edu', subject: `[${caseId}] Upload problem`, text: `Case ${caseId}; reply to jdoe@umass.edu`, headers: { 'X-UHS-Case': caseId } };
}

/** The Redis side of a deployment: the escalation queue (no worker: nothing is sent) and the rate limits. */
function redisSide(redis: Redis, prefix: string) {
  const outbox = new BullmqOutbox({ redisUrl: testRedisUrl(DB), prefix, runWorker: false, maxAttempts: 3, mailer: { transport: 'outbox', send: () => Promise.reject(new Error('not sending')) } });
  const limiter = createRateLimiter(redis, `${prefix}rl:`);
  const counterExists = async (email: string) => (await redis.keys(`${prefix}rl:*${mailRateKey(email)}`)).length === 1;
  return { outbox, limiter, counterExists, job: (id: string) => outbox.discard(id, true) };
}

describe('npm run data:delete (the operator command, as a child process)', function () {
  this.timeout(180_000);

  describe('cases in Redis', () => {
    const prefix = uniquePrefix('datadelete');
    const redis = new Redis(testRedisUrl(DB));
    const side = redisSide(redis, prefix);
    const env = { REDIS_URL: testRedisUrl(DB), REDIS_KEY_PREFIX: prefix };
    let store: CaseStore;
    after(async () => {
      await side.outbox.close();
      await deleteKeys(redis, prefix);
      await redis.quit();
    });

    it('--email: a dry run lists and keeps; the real run deletes the cases, their escalation jobs and the counters, and names no address', async () => {
      store = new RedisCaseStore(redis, { prefix });
      const a = await store.create(newCase('conv-a', { replyEmail: 'jdoe@umass.edu' }));
      const b = await store.create(newCase('conv-b', { replyEmail: 'JDoe@UMass.edu' }));
      const other = await store.create(newCase('conv-c', { replyEmail: 'other@umass.edu' }));
      await side.outbox.enqueue(a.id, mail(a.id));
      await side.outbox.enqueue(other.id, mail(other.id));
      await side.limiter.consume(mailRateKey('jdoe@umass.edu'), 3, 3600);
      await side.limiter.consume(mailRateKey('other@umass.edu'), 3, 3600);

      const dry = await run(['--email', 'JDOE@umass.edu', '--dry-run'], env);
      expect(dry.code, dry.stderr).to.equal(0);
      expect(dry.stdout).to.match(/Dry run/).and.to.match(/Would delete 2 case\(s\)/).and.to.include(a.id).and.to.include(b.id);
      expect(dry.stdout).to.match(/Would delete 1 escalation email job/).and.to.match(/Would delete 1 rate-limit counter/);
      expect(dry.stdout + dry.stderr).not.to.match(/jdoe/i);
      expect(await store.get(a.id), 'kept by the dry run').to.not.equal(null);
      expect(await side.job(a.id)).to.not.equal(null);
      expect(await side.counterExists('jdoe@umass.edu')).to.equal(true);

      const real = await run(['--email', 'JDOE@umass.edu'], env);
      expect(real.code, real.stderr).to.equal(0);
      expect(real.stdout).to.match(/Deleted 2 case\(s\)/).and.to.include(a.id).and.to.include(b.id).and.to.include('[email redacted]');
      expect(real.stdout + real.stderr).not.to.match(/jdoe/i);
      expect(await store.get(a.id)).to.equal(null);
      expect(await store.get(b.id)).to.equal(null);
      expect(await store.findByEmail('jdoe@umass.edu')).to.deep.equal([]);
      expect(await side.job(a.id), 'escalation job').to.equal(null);
      expect(await side.counterExists('jdoe@umass.edu'), 'rate-limit counter').to.equal(false);
      expect(await redis.keys(`${prefix}*${a.id}*`)).to.deep.equal([]);
      // Nobody else's data went.
      expect(await store.get(other.id)).to.not.equal(null);
      expect(await side.job(other.id)).to.not.equal(null);
      expect(await side.counterExists('other@umass.edu')).to.equal(true);
    });
  });

  describe('cases in PostgreSQL (DATABASE_URL), outbox and rate limits in Redis', () => {
    const prefix = uniquePrefix('datadelete-pg');
    const redis = new Redis(testRedisUrl(DB));
    const side = redisSide(redis, prefix);
    let database: TestDatabase;
    let db: PostgresDatabase;
    before(async () => {
      database = await createTestDatabase('datadelete');
      db = new PostgresDatabase(database.url);
      await migrate(db);
    });
    after(async () => {
      await side.outbox.close();
      await db?.close();
      await database?.drop();
      await deleteKeys(redis, prefix);
      await redis.quit();
    });

    it('--case deletes that case, its escalation job and its address counters, and nothing else', async () => {
      const store = new SqlCaseStore(db);
      const target = await store.create(newCase('conv-a', { replyEmail: 'jdoe@umass.edu' }));
      const other = await store.create(newCase('conv-b', { replyEmail: 'jdoe@umass.edu' }));
      await side.outbox.enqueue(target.id, mail(target.id));
      await side.limiter.consume(mailRateKey('jdoe@umass.edu'), 3, 3600);
      const env = { DATABASE_URL: database.url, REDIS_URL: testRedisUrl(DB), REDIS_KEY_PREFIX: prefix };

      const result = await run(['--case', target.id.toLowerCase()], env);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.include('PostgreSQL (DATABASE_URL)').and.to.match(new RegExp(`Deleted 1 case\\(s\\): ${target.id}\\.`));
      expect(result.stdout).to.match(/Deleted 1 escalation email job\(s\) queued, failed or sent: \S+ \(waiting\)/).and.to.match(/Deleted 1 rate-limit counter/);
      expect(await store.get(target.id)).to.equal(null);
      expect((await db.query('SELECT id FROM cases WHERE id = $1', [target.id])).length, 'the row itself').to.equal(0);
      expect(await side.job(target.id)).to.equal(null);
      expect(await side.counterExists('jdoe@umass.edu')).to.equal(false);
      expect(await store.get(other.id), 'the same person’s other case is asked for by --email, not --case').to.not.equal(null);

      const again = await run(['--case', target.id], env);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.match(/Deleted 0 case\(s\)\./).and.to.match(/No case found/);
    });
  });

  describe('cases in PGlite (DATA_DIR), no Redis', () => {
    let dir: string;
    before(async () => {
      dir = await freshPgliteDir();
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('--email deletes the cases from the embedded database, and says the outbox and limits are per process', async () => {
      const seeding = await PgliteDatabase.open(dir);
      const store = new SqlCaseStore(seeding);
      const target = await store.create(newCase('conv-a', { replyEmail: 'jdoe@umass.edu' }));
      const other = await store.create(newCase('conv-b', { replyEmail: 'other@umass.edu' }));
      // One process at a time holds the folder: the bot would be stopped, as the docs say.
      await seeding.close();

      const result = await run(['--email', 'jdoe@umass.edu'], { DATA_DIR: dir });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.include(`PGlite in ${dir}`).and.to.include(`Deleted 1 case(s): ${target.id}.`).and.to.match(/No REDIS_URL/);

      const reopened = await PgliteDatabase.open(dir);
      try {
        const rows = await reopened.query<{ id: string }>('SELECT id FROM cases ORDER BY id');
        expect(rows.map((r) => r.id)).to.deep.equal([other.id]);
      } finally {
        await reopened.close();
      }
    });
  });

  it('refuses bad arguments with a clear message and a non-zero exit, before touching any store', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /--case UHS-XXXXXX or --email ADDRESS/],
      [['--case'], /argument missing/],
      [['--case', 'nope'], /expected a case number like UHS-7K3Q9D/],
      [['--email', 'not-an-address'], /not an email address/],
      [['--case', 'UHS-7K3Q9D', '--email', 'jdoe@umass.edu'], /not both/],
      [['--cases', 'UHS-7K3Q9D'], /Unknown option '--cases'/],
      [['UHS-7K3Q9D'], /Unexpected argument|positional/i],
    ];
    // An unreachable Redis: a store touched would fail differently (and slowly).
    const env = { REDIS_URL: 'redis://127.0.0.1:1/0' };
    for (const [args, message] of cases) {
      const result = await run(args, env);
      expect(result.code, args.join(' ')).to.equal(2);
      expect(result.stderr, args.join(' ')).to.match(message).and.to.include('Usage: npm run data:delete');
      expect(result.stdout, args.join(' ')).to.equal('');
    }
  });
});
