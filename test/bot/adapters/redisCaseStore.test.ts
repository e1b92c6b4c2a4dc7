import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { Log } from '../../../dialogs/ports';
import { MemoryCaseStore } from '../../../bot/adapters/memoryCaseStore';
import { RedisCaseStore } from '../../../bot/adapters/redisCaseStore';
import { emailHash } from '../../../dialogs/cases/caseRecords';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';
import { newCase, steppingClock } from './caseFixtures';

const DB = 3;

/** A log that keeps its records, to check that only ids are logged. */
function recordingLog(): Log & { records: object[] } {
  const records: object[] = [];
  const keep = (obj: object) => void records.push(obj);
  return { records, debug: keep, info: keep, warn: keep, error: keep };
}

describe('RedisCaseStore (Redis specifics)', () => {
  let redis: Redis;
  let other: Redis;
  let prefix: string;

  beforeEach(() => {
    redis = new Redis(testRedisUrl(DB));
    other = new Redis(testRedisUrl(DB));
    prefix = uniquePrefix('cases');
  });

  afterEach(async () => {
    await deleteKeys(redis, prefix);
    await Promise.all([redis.quit(), other.quit()]);
  });

  it('expires a case ttlSeconds after creation, and an update keeps that expiry', async () => {
    const store = new RedisCaseStore(redis, { prefix, ttlSeconds: 3600 });
    const created = await store.create(newCase());
    const ttl = await redis.ttl(`${prefix}case:${created.id}`);
    expect(ttl).to.be.within(3500, 3600);
    await redis.expire(`${prefix}case:${created.id}`, 1234);
    await store.update(created.id, (c) => ({ ...c, status: 'claimed' }));
    expect(await redis.ttl(`${prefix}case:${created.id}`)).to.be.within(1134, 1234);
  });

  it('defaults to 180 days', async () => {
    const created = await new RedisCaseStore(redis, { prefix }).create(newCase());
    expect(await redis.ttl(`${prefix}case:${created.id}`)).to.be.within(180 * 86400 - 100, 180 * 86400);
  });

  it('drops expired cases from list and search, and prunes them from the indexes', async () => {
    const store = new RedisCaseStore(redis, { prefix, now: steppingClock() });
    const old = await store.create(newCase('conv-1'));
    const kept = await store.create(newCase('conv-2'));
    // What Redis does when the TTL runs out:
    await redis.del(`${prefix}case:${old.id}`);
    expect((await store.list()).map((c) => c.id)).to.deep.equal([kept.id]);
    expect(await redis.zcard(`${prefix}cases:by-time`)).to.equal(1);
    expect(await store.findOpenByConversation('conv-1')).to.equal(null);
    expect(await redis.exists(`${prefix}cases:conv:conv-1`)).to.equal(0);
  });

  it('indexes a reply address by its hash, never in clear, with the case TTL; delete leaves no key behind', async () => {
    const store = new RedisCaseStore(redis, { prefix, ttlSeconds: 3600, now: steppingClock() });
    const created = await store.create(newCase('conv-1', { replyEmail: 'JDoe@umass.edu' }));
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.join(' ')).not.to.match(/jdoe|umass/i);
    const emailIndex = `${prefix}cases:email:${emailHash('jdoe@umass.edu')}`;
    expect(keys).to.include(emailIndex);
    expect(await redis.ttl(emailIndex)).to.be.within(3500, 3600);
    expect(await store.delete(created.id)).to.equal(true);
    expect(await redis.keys(`${prefix}*`)).to.deep.equal([]);
  });

  it('treats a stored value that is not a valid case as absent, and logs only the id', async () => {
    const log = recordingLog();
    const store = new RedisCaseStore(redis, { prefix, log, now: steppingClock() });
    const good = await store.create(newCase());
    const bad = await store.create(newCase());
    await redis.set(`${prefix}case:${bad.id}`, JSON.stringify({ id: bad.id, status: 'weird', summary: 'born 04/12/2001' }), 'KEEPTTL');
    expect(await store.get(bad.id)).to.equal(null);
    expect(await store.update(bad.id, (c) => c)).to.equal(null);
    expect((await store.list()).map((c) => c.id)).to.deep.equal([good.id]);
    await redis.set(`${prefix}case:${bad.id}`, 'not json', 'KEEPTTL');
    expect(await store.get(bad.id)).to.equal(null);
    expect(log.records).to.deep.include({ caseId: bad.id });
    expect(JSON.stringify(log.records)).not.to.include('04/12/2001');
  });

  it('never hands out one id twice across two instances (separate connections, same random draws)', async () => {
    const draws = () => {
      const ids = ['UHS-SAME00', 'UHS-ZZZZZ1'];
      return () => ids.shift() ?? 'UHS-LAST00';
    };
    const a = new RedisCaseStore(redis, { prefix, newId: draws() });
    const b = new RedisCaseStore(other, { prefix, newId: draws() });
    const [x, y] = await Promise.all([a.create(newCase()), b.create(newCase())]);
    expect(new Set([x.id, y.id])).to.deep.equal(new Set(['UHS-SAME00', 'UHS-ZZZZZ1']));
  });

  it('serialises updates from two instances on one case (40 concurrent changes, none lost)', async () => {
    const a = new RedisCaseStore(redis, { prefix });
    const b = new RedisCaseStore(other, { prefix });
    const created = await a.create(newCase());
    const append = (store: RedisCaseStore, by: string) => store.update(created.id, (c) => ({ ...c, events: [...c.events, { type: 'reply', by, at: c.createdAt }] }));
    await Promise.all(Array.from({ length: 20 }, (_, i) => [append(a, `a${i}`), append(b, `b${i}`)]).flat());
    const final = await a.get(created.id);
    expect(final?.events.filter((e) => e.type === 'reply')).to.have.length(40);
  });
});

describe('MemoryCaseStore (expiry)', () => {
  it('forgets a case ttlSeconds after creation, updates included', async () => {
    let now = Date.parse('2026-11-24T15:00:00Z');
    const store = new MemoryCaseStore({ ttlSeconds: 60, now: () => new Date(now) });
    const created = await store.create(newCase());
    now += 59_000;
    expect(await store.update(created.id, (c) => ({ ...c, status: 'claimed' }))).to.not.equal(null);
    now += 1_000;
    expect(await store.get(created.id)).to.equal(null);
    expect(await store.list()).to.deep.equal([]);
    expect(await store.findOpenByConversation('conv-1')).to.equal(null);
  });
});
