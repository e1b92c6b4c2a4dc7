import { expect } from 'chai';
import { Redis } from 'ioredis';
import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder-core';
import { RedisStorage } from '../../../bot/adapters/redisStorage';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';

/**
 * One contract, two stores: botbuilder's MemoryStorage defines the eTag rules, and our
 * RedisStorage must behave the same. The cases follow botbuilder's own storage tests.
 */
function storageContract(name: string, makeStorage: () => Storage): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    beforeEach(() => {
      storage = makeStorage();
    });

    it('reads an unknown key as empty', async () => {
      const items = await storage.read(['unknown-key']);
      expect(items).to.deep.equal({});
    });

    it('refuses null keys and null changes', async () => {
      const outcomes = await Promise.allSettled([
        storage.read(null as unknown as string[]),
        storage.write(null as unknown as StoreItems),
        storage.delete(null as unknown as string[]),
      ]);
      expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
      // botbuilder's own tests expect a ReferenceError from read and write.
      for (const o of outcomes.slice(0, 2)) expect((o as PromiseRejectedResult).reason).to.be.instanceOf(ReferenceError);
    });

    it('creates an item and reads it back with an eTag', async () => {
      await storage.write({ createPoco: { id: 1, count: 1, nested: { list: ['a', 'b'] } } });
      const items = await storage.read(['createPoco']);
      expect(items.createPoco).to.include({ id: 1, count: 1 });
      expect(items.createPoco.nested).to.deep.equal({ list: ['a', 'b'] });
      expect(items.createPoco.eTag).to.be.a('string').and.not.equal('');
    });

    it('updates with the current eTag and changes the eTag', async () => {
      await storage.write({ pocoItem: { count: 1 } });
      const first = (await storage.read(['pocoItem'])).pocoItem;
      await storage.write({ pocoItem: { ...first, count: 2 } });
      const second = (await storage.read(['pocoItem'])).pocoItem;
      expect(second.count).to.equal(2);
      expect(second.eTag).to.not.equal(first.eTag);
    });

    it('rejects an update with a stale eTag and keeps the newer value', async () => {
      await storage.write({ pocoItem: { count: 1 } });
      const stale = (await storage.read(['pocoItem'])).pocoItem;
      await storage.write({ pocoItem: { ...stale, count: 2 } });
      let error: unknown = null;
      try {
        await storage.write({ pocoItem: { ...stale, count: 3 } });
      } catch (err) {
        error = err;
      }
      expect(String(error)).to.match(/eTag conflict/);
      expect((await storage.read(['pocoItem'])).pocoItem.count).to.equal(2);
    });

    it("writes with eTag '*' whatever the stored eTag", async () => {
      await storage.write({ pocoItem: { count: 1 } });
      await storage.write({ pocoItem: { count: 5, eTag: '*' } });
      expect((await storage.read(['pocoItem'])).pocoItem.count).to.equal(5);
    });

    it('writes without an eTag whatever is stored (last writer wins)', async () => {
      await storage.write({ pocoItem: { count: 1 } });
      await storage.write({ pocoItem: { count: 6 } });
      expect((await storage.read(['pocoItem'])).pocoItem.count).to.equal(6);
    });

    it('writes a new item even when it carries an eTag', async () => {
      await storage.write({ fresh: { count: 1, eTag: 'some-old-etag' } });
      expect((await storage.read(['fresh'])).fresh.count).to.equal(1);
    });

    it('deletes an item', async () => {
      await storage.write({ gone: { count: 1 } });
      await storage.delete(['gone']);
      expect(await storage.read(['gone'])).to.deep.equal({});
    });

    it('deletes an unknown key without error', async () => {
      await storage.delete(['never-written']);
      expect(await storage.read(['never-written'])).to.deep.equal({});
    });

    it('reads, writes and deletes batches', async () => {
      await storage.write({ batch1: { n: 1 }, batch2: { n: 2 }, batch3: { n: 3 } });
      const items = await storage.read(['batch1', 'batch2', 'batch3', 'batch4']);
      expect(Object.keys(items).sort()).to.deep.equal(['batch1', 'batch2', 'batch3']);
      expect(items.batch2.n).to.equal(2);
      await storage.delete(['batch1', 'batch3']);
      expect(Object.keys(await storage.read(['batch1', 'batch2', 'batch3']))).to.deep.equal(['batch2']);
    });

    it('does nothing for empty batches', async () => {
      await storage.write({});
      await storage.delete([]);
      expect(await storage.read([])).to.deep.equal({});
    });

    it('keeps keys with odd characters apart', async () => {
      const keys = ['!@#$%^&*()~/\\><,.?\';"`~', 'emulator/conversations/a b:c|d', 'ключ-键-🔑', '*', 'a\nb'];
      const changes: StoreItems = {};
      keys.forEach((k, i) => (changes[k] = { i }));
      await storage.write(changes);
      const items = await storage.read(keys);
      keys.forEach((k, i) => expect(items[k].i, k).to.equal(i));
    });

    it('lets exactly one of two concurrent writers holding the same eTag win', async () => {
      await storage.write({ race: { winner: 'none' } });
      const base = (await storage.read(['race'])).race;
      const results = await Promise.allSettled([storage.write({ race: { ...base, winner: 'a' } }), storage.write({ race: { ...base, winner: 'b' } })]);
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      expect(fulfilled).to.have.length(1);
      const expectedWinner = results[0].status === 'fulfilled' ? 'a' : 'b';
      expect((await storage.read(['race'])).race.winner).to.equal(expectedWinner);
    });
  });
}

storageContract('MemoryStorage', () => new MemoryStorage());

describe('RedisStorage (real Redis)', () => {
  const redis = new Redis(testRedisUrl(1));
  const prefix = uniquePrefix('storage');
  after(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  storageContract('RedisStorage', () => new RedisStorage(redis, { prefix, ttlSeconds: 3600 }));

  it('gives every key the configured TTL and the prefix', async () => {
    const storage = new RedisStorage(redis, { prefix, ttlSeconds: 1234 });
    await storage.write({ ttlItem: { x: 1 } });
    const ttl = await redis.ttl(`${prefix}ttlItem`);
    expect(ttl).to.be.greaterThan(1200).and.at.most(1234);
  });

  describe('items as JSON text (readJson, writeJson)', () => {
    it('reads what write stored, with the JSON text being the item without its eTag', async () => {
      const storage = new RedisStorage(redis, { prefix, ttlSeconds: 60 });
      await storage.write({ asJson: { memory: { misses: 1, transcript: ['a', 'b'] }, dialogState: { dialogStack: [] } } });
      const read = await storage.readJson('asJson');
      const plain = (await storage.read(['asJson'])).asJson;
      expect(read?.item).to.deep.equal(plain);
      expect(read?.json).to.equal(JSON.stringify({ memory: { misses: 1, transcript: ['a', 'b'] }, dialogState: { dialogStack: [] } }));
      expect(await storage.readJson('asJson-unknown')).to.equal(undefined);
    });

    it('writes JSON text under the eTag rules of write: stale refused, current and * accepted, new eTag each time', async () => {
      const storage = new RedisStorage(redis, { prefix, ttlSeconds: 60 });
      await storage.writeJson('jsonEtag', '{"v":1}', '*');
      const first = (await storage.read(['jsonEtag'])).jsonEtag;
      expect(first).to.include({ v: 1 });
      await storage.writeJson('jsonEtag', '{"v":2}', String(first?.eTag));
      const second = (await storage.read(['jsonEtag'])).jsonEtag;
      expect(second).to.include({ v: 2 });
      expect(second?.eTag).to.be.a('string').and.not.equal(first?.eTag);
      let refused: unknown = null;
      await storage.writeJson('jsonEtag', '{"v":3}', String(first?.eTag)).catch((err: unknown) => (refused = err));
      expect(String(refused)).to.match(/eTag conflict/);
      expect((await storage.read(['jsonEtag'])).jsonEtag).to.include({ v: 2 });
      await storage.writeJson('jsonEtag', '{"v":4}', '*');
      expect((await storage.read(['jsonEtag'])).jsonEtag).to.include({ v: 4 });
      expect(await redis.ttl(`${prefix}jsonEtag`)).to.be.greaterThan(50).and.at.most(60);
    });

    it('refuses stored text that is not a JSON object', async () => {
      const storage = new RedisStorage(redis, { prefix, ttlSeconds: 60 });
      await redis.hset(`${prefix}notAnObject`, 'e', 'x', 'v', '[1,2]');
      let error: unknown = null;
      await storage.readJson('notAnObject').catch((err: unknown) => (error = err));
      expect(error).to.be.instanceOf(Error);
    });
  });

  it('lets exactly one of two writers on separate connections win', async () => {
    const other = new Redis(testRedisUrl(1));
    try {
      const a = new RedisStorage(redis, { prefix, ttlSeconds: 60 });
      const b = new RedisStorage(other, { prefix, ttlSeconds: 60 });
      for (let round = 0; round < 20; round++) {
        await a.write({ duel: { round, winner: 'none', eTag: '*' } });
        const base = (await a.read(['duel'])).duel;
        const results = await Promise.allSettled([a.write({ duel: { ...base, winner: 'a' } }), b.write({ duel: { ...base, winner: 'b' } })]);
        expect(results.filter((r) => r.status === 'fulfilled'), `round ${round}`).to.have.length(1);
      }
    } finally {
      other.disconnect();
    }
  });
});
