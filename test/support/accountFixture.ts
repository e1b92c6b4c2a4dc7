import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Redis } from 'ioredis';
import { CsvPortalDirectory, DIRECTORY_CSV_HEADER } from '../../bot/adapters/csvDirectory';
import { SmtpMailer } from '../../bot/adapters/mailer';
import { createRateLimiter } from '../../bot/adapters/rateLimiters';
import type { DirectoryRecord } from '../../dialogs/ports';
import type { DialogServices } from '../../dialogs/services';
import { makeTestServices, testSettings } from '../fakes/services';
import { deleteKeys, testRedisUrl, uniquePrefix } from './redis';
import { TestSmtpServer } from './smtpServer';

/** A person with a portal account. */
export const REGISTERED: DirectoryRecord = { email: 'minnie.minuteman@umass.edu', dob: '04/15/2003', portalUsername: 'mminuteman', affiliation: 'umass' };
/** A UHS patient without a portal account yet. */
export const ELIGIBLE: DirectoryRecord = { email: 'sam.minuteman@umass.edu', dob: '09/01/2004', portalUsername: null, affiliation: 'umass' };
/** Someone UHS does not know. */
export const UNKNOWN = { email: 'nobody.here@umass.edu', dob: '02/02/2002' };

/** The real adapters behind the account dialogs, wired like `bot/index.ts` does. */
export interface AccountFixture {
  services: DialogServices;
  smtp: TestSmtpServer;
  directory: CsvPortalDirectory;
  /** Every log line written through `services.log` (JSON, at debug level). */
  logLines: string[];
  close(): Promise<void>;
}

/**
 * Real SMTP (`smtp-server` + {@link SmtpMailer}), a CSV directory written to a temporary
 * folder, and the Redis rate limiter on the given test database with a fresh key prefix.
 */
export async function startAccountFixture(redisDb: number, overrides: Partial<DialogServices> = {}): Promise<AccountFixture> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'uhs-account-'));
  const file = path.join(folder, 'directory.csv');
  const rows = [REGISTERED, ELIGIBLE].map((r) => [r.email, r.dob, r.portalUsername ?? '', r.affiliation].join(','));
  fs.writeFileSync(file, `${[DIRECTORY_CSV_HEADER, ...rows].join('\n')}\n`);

  const logLines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  // A plain pino logger, without the bot's redaction: the dialogs must not log personal data
  // in the first place.
  const log = pino({ level: 'debug' }, stream);

  const smtp = await new TestSmtpServer().start();
  const mailer = new SmtpMailer(smtp.url, testSettings.mailFrom);
  const directory = new CsvPortalDirectory(file, { log });
  const redis = new Redis(testRedisUrl(redisDb));
  await redis.ping();
  const prefix = uniquePrefix('account');
  const services = makeTestServices({ directory, mailer, rateLimiter: createRateLimiter(redis, prefix), log, ...overrides });

  return {
    services,
    smtp,
    directory,
    logLines,
    async close() {
      directory.close();
      mailer.close();
      await smtp.stop();
      await deleteKeys(redis, prefix);
      await redis.quit();
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}
