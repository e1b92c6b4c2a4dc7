import { expect } from 'chai';
import { Redis } from 'ioredis';
import net from 'node:net';
import { createRateLimiter, FlexibleRateLimiter } from '../../../bot/adapters/rateLimiters';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';

/** Redis database of the account-dialogs suites (see the team brief). */
const REDIS_DB = 2;

describe('rate limiters (rate-limiter-flexible)', () => {
  describe('in Redis', () => {
    let prefix: string;
    const clients: Redis[] = [];

    async function client(): Promise<Redis> {
      const redis = new Redis(testRedisUrl(REDIS_DB), { maxRetriesPerRequest: 1 });
      clients.push(redis);
      await redis.ping();
      return redis;
    }

    beforeEach(() => {
      prefix = uniquePrefix('account-rl');
    });

    afterEach(async () => {
      const [first] = clients;
      if (first) await deleteKeys(first, prefix);
      await Promise.all(clients.splice(0).map((c) => c.quit()));
    });

    it('allows `limit` attempts in the window, then refuses with a retry time', async () => {
      const limiter = createRateLimiter(await client(), prefix);
      expect(limiter.kind).to.equal('redis');
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await limiter.consume('password-reset:email:abc', 3, 3600));
      expect(decisions.slice(0, 3)).to.deep.equal([
        { allowed: true, remaining: 2, retryAfterSeconds: 0 },
        { allowed: true, remaining: 1, retryAfterSeconds: 0 },
        { allowed: true, remaining: 0, retryAfterSeconds: 0 },
      ]);
      expect(decisions[3].allowed).to.equal(false);
      expect(decisions[3].remaining).to.equal(0);
      expect(decisions[3].retryAfterSeconds).to.be.within(1, 3600);
    });

    it('two instances on separate connections share one global limit', async () => {
      const a = createRateLimiter(await client(), prefix);
      const b = createRateLimiter(await client(), prefix);
      const allowed: boolean[] = [];
      for (let i = 0; i < 6; i++) allowed.push((await (i % 2 === 0 ? a : b).consume('conversation:xyz', 4, 3600)).allowed);
      expect(allowed).to.deep.equal([true, true, true, true, false, false]);
    });

    it('keeps separate counts for the same key under different limits or windows', async () => {
      const redis = await client();
      const limiter = createRateLimiter(redis, prefix);
      expect((await limiter.consume('k', 1, 3600)).allowed).to.equal(true);
      expect((await limiter.consume('k', 1, 3600)).allowed).to.equal(false);
      // Same key, another (limit, window): its own counter.
      expect((await limiter.consume('k', 2, 3600)).allowed).to.equal(true);
      expect((await limiter.consume('k', 1, 60)).allowed).to.equal(true);
      expect((await limiter.consume('other', 1, 3600)).allowed).to.equal(true);

      const keys = (await redis.keys(`${prefix}*`)).sort();
      expect(keys).to.deep.equal([`${prefix}1-per-3600s:k`, `${prefix}1-per-3600s:other`, `${prefix}1-per-60s:k`, `${prefix}2-per-3600s:k`]);
      const ttl = await redis.ttl(`${prefix}1-per-60s:k`);
      expect(ttl).to.be.within(1, 60);
    });

    it('falls back to in-memory limits when Redis cannot be reached, instead of failing', async () => {
      // A port nobody listens on; no offline queue, so commands fail at once.
      const port = await freePort();
      const down = new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
      down.on('error', () => undefined);
      try {
        const limiter = createRateLimiter(down, prefix);
        const allowed: boolean[] = [];
        for (let i = 0; i < 3; i++) allowed.push((await limiter.consume('k', 2, 3600)).allowed);
        expect(allowed).to.deep.equal([true, true, false]);
      } finally {
        down.disconnect();
      }
    });
  });

  describe('in memory', () => {
    it('enforces the limit per key within one instance', async () => {
      const limiter = createRateLimiter(null, 'test:');
      expect(limiter).to.be.instanceOf(FlexibleRateLimiter);
      expect(limiter.kind).to.equal('memory');
      const allowed: boolean[] = [];
      for (let i = 0; i < 4; i++) allowed.push((await limiter.consume('a', 3, 3600)).allowed);
      expect(allowed).to.deep.equal([true, true, true, false]);
      expect((await limiter.consume('b', 3, 3600)).allowed).to.equal(true);
    });

    it('does not share counts between instances (that is what Redis is for)', async () => {
      const a = createRateLimiter(null, 'test:');
      const b = createRateLimiter(null, 'test:');
      expect((await a.consume('k', 1, 3600)).allowed).to.equal(true);
      expect((await b.consume('k', 1, 3600)).allowed).to.equal(true);
      expect((await a.consume('k', 1, 3600)).allowed).to.equal(false);
    });

    it('rejects nonsense arguments (a programming error, not an outcome)', async () => {
      const limiter = createRateLimiter(null, 'test:');
      for (const [key, limit, window] of [['', 1, 60], ['k', 0, 60], ['k', 1, 0], ['k', 1.5, 60]] as Array<[string, number, number]>) {
        let failed = false;
        await limiter.consume(key, limit, window).catch(() => (failed = true));
        expect(failed, `${key} ${limit} ${window}`).to.equal(true);
      }
    });
  });
});

/** A TCP port that was free a moment ago (listen on 0, read the port, close). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
