import { expect } from 'chai';
import { Redis } from 'ioredis';
import { ConversationState, MemoryStorage, TestAdapter, TurnContext, type Activity, type Storage, type StoreItems } from 'botbuilder-core';
import { isJsonStateStorage, LeanConversationState, type JsonStateStorage, type JsonStoreItem } from '../../../bot/adapters/leanConversationState';
import { RedisStorage } from '../../../bot/adapters/redisStorage';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';

/** A storage that counts the writes and deletes reaching the real one. */
class CountingStorage implements Storage {
  writes: StoreItems[] = [];
  deletes: string[][] = [];

  constructor(private readonly inner: Storage) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    this.writes.push(JSON.parse(JSON.stringify(changes)) as StoreItems);
    await this.inner.write(changes);
  }

  async delete(keys: string[]): Promise<void> {
    this.deletes.push(keys);
    await this.inner.delete(keys);
  }
}

/**
 * The counting storage over a storage that also reads and writes JSON text, so the state class
 * can take that path (LeanConversationState does over RedisStorage) and it is counted too.
 */
class CountingJsonStorage extends CountingStorage implements JsonStateStorage {
  /** How many of {@link writes} came through `writeJson`. */
  jsonWrites = 0;

  constructor(private readonly json: JsonStateStorage) {
    super(json);
  }

  readJson(key: string): Promise<JsonStoreItem | undefined> {
    return this.json.readJson(key);
  }

  async writeJson(key: string, json: string, eTag: string): Promise<void> {
    this.jsonWrites += 1;
    this.writes.push({ [key]: { ...(JSON.parse(json) as object), eTag } });
    await this.json.writeJson(key, json, eTag);
  }
}

function counting(inner: Storage): CountingStorage {
  return isJsonStateStorage(inner) ? new CountingJsonStorage(inner) : new CountingStorage(inner);
}

type StateClass = new (storage: Storage) => ConversationState;

/** A turn context of conversation `id` on channel `test`. */
function turn(id: string): TurnContext {
  return new TurnContext(new TestAdapter(async () => undefined), {
    type: 'message',
    text: 'hi',
    channelId: 'test',
    conversation: { id },
    from: { id: 'user' },
    recipient: { id: 'bot' },
  } as Activity);
}

/**
 * One contract, two classes: botbuilder's ConversationState defines the behaviour (what is
 * loaded, when it is written, under which key), and LeanConversationState must match it, over
 * MemoryStorage and over our RedisStorage.
 */
function stateContract(className: string, State: StateClass, storageName: string, makeStorage: () => Storage): void {
  describe(`${className} over ${storageName}`, () => {
    let storage: CountingStorage;
    let state: ConversationState;
    beforeEach(() => {
      storage = counting(makeStorage());
      state = new State(storage);
    });

    it('loads an unknown conversation as empty, with nothing written when nothing changed', async () => {
      const context = turn('quiet');
      expect(state.get(context)).to.equal(undefined);
      expect(await state.load(context)).to.deep.equal({});
      expect(state.get(context)).to.deep.equal({});
      await state.saveChanges(context);
      expect(storage.writes).to.have.length(0);
    });

    it('saves a property under the conversation key, and the next turn reads it back', async () => {
      const counter = state.createProperty<{ turns: number; notes: string[] }>('counter');
      const first = turn('c1');
      const value = await counter.get(first, { turns: 0, notes: [] });
      value.turns += 1;
      value.notes.push('one');
      await state.saveChanges(first);
      expect(storage.writes).to.have.length(1);
      expect(Object.keys(storage.writes[0])).to.deep.equal(['test/conversations/c1/']);
      expect(storage.writes[0]['test/conversations/c1/'].eTag).to.equal('*');

      const second = turn('c1');
      expect(await counter.get(second)).to.deep.equal({ turns: 1, notes: ['one'] });
      // Another conversation does not see it.
      expect(await state.createProperty('counter').get(turn('c2'))).to.equal(undefined);
    });

    it('writes a change deep inside a property, and nothing for a turn that only read', async () => {
      const counter = state.createProperty<{ nested: { list: string[] } }>('deep');
      const first = turn('c3');
      await counter.get(first, { nested: { list: [] } });
      await state.saveChanges(first);
      expect(storage.writes).to.have.length(1);

      const reading = turn('c3');
      await counter.get(reading);
      await state.saveChanges(reading);
      expect(storage.writes).to.have.length(1);

      const changing = turn('c3');
      (await counter.get(changing))!.nested.list.push('x');
      await state.saveChanges(changing);
      expect(storage.writes).to.have.length(2);
      // Saved once, unchanged since: a second save in the same turn writes nothing.
      await state.saveChanges(changing);
      expect(storage.writes).to.have.length(2);
      expect(await counter.get(turn('c3'))).to.deep.equal({ nested: { list: ['x'] } });
    });

    it('writes with force even when nothing changed, and even before any load', async () => {
      const context = turn('c4');
      await state.saveChanges(context, true);
      expect(storage.writes).to.have.length(1);
      await state.load(context);
      await state.saveChanges(context, true);
      expect(storage.writes).to.have.length(2);
    });

    it('reloads from storage with force, dropping unsaved changes', async () => {
      const prop = state.createProperty<string>('word');
      const first = turn('c5');
      await prop.set(first, 'saved');
      await state.saveChanges(first);
      const second = turn('c5');
      await prop.set(second, 'unsaved');
      await state.load(second, true);
      expect(await prop.get(second)).to.equal('saved');
    });

    it('clear empties the state and the next save writes the empty state', async () => {
      const prop = state.createProperty<string>('word');
      const first = turn('c6');
      await prop.set(first, 'hello');
      await state.saveChanges(first);
      const second = turn('c6');
      await state.load(second);
      await state.clear(second);
      expect(state.get(second)).to.deep.equal({});
      await state.saveChanges(second);
      expect(storage.writes).to.have.length(2);
      expect(await prop.get(turn('c6'))).to.equal(undefined);
    });

    it('delete removes the stored state and the turn copy', async () => {
      const prop = state.createProperty<string>('word');
      const first = turn('c7');
      await prop.set(first, 'hello');
      await state.saveChanges(first);
      const second = turn('c7');
      await state.load(second);
      await state.delete(second);
      expect(storage.deletes).to.deep.equal([['test/conversations/c7/']]);
      expect(state.get(second)).to.equal(undefined);
      expect(await storage.read(['test/conversations/c7/'])).to.deep.equal({});
    });

    it('keeps two state objects of one storage apart (each its own turn cache)', async () => {
      const other = new State(storage);
      const context = turn('c8');
      await state.createProperty<string>('a').set(context, 'mine');
      expect(await other.createProperty<string>('a').get(context)).to.equal(undefined);
    });
  });
}

const classes: Array<[string, StateClass]> = [
  ['ConversationState (botbuilder)', ConversationState],
  ['LeanConversationState', LeanConversationState],
];

describe('Conversation state contract', () => {
  for (const [name, State] of classes) stateContract(name, State, 'MemoryStorage', () => new MemoryStorage());

  describe('over Redis', () => {
    let redis: Redis;
    const prefix = uniquePrefix('state-contract');
    before(() => {
      // Database 1, as the storage contract: keys under a random prefix, deleted afterwards.
      redis = new Redis(testRedisUrl(1));
    });
    after(async () => {
      await deleteKeys(redis, prefix);
      await redis.quit();
    });
    classes.forEach(([name, State], index) => stateContract(name, State, 'RedisStorage', () => new RedisStorage(redis, { prefix: `${prefix}${index}:`, ttlSeconds: 60 })));

    it('LeanConversationState over RedisStorage writes nothing for a read-only turn of state another writer stored', async () => {
      // The JSON path takes the stored text as its baseline: it must equal the loaded state's
      // own serialisation, or every read-only turn would write.
      const inner = new RedisStorage(redis, { prefix: `${prefix}foreign:`, ttlSeconds: 60 });
      const writer = new ConversationState(inner);
      const first = turn('foreign');
      await writer.createProperty<{ misses: number; transcript: string[] }>('memory').set(first, { misses: 2, transcript: ['x "quoted" \\ é'] });
      await writer.saveChanges(first);
      const storage = new CountingJsonStorage(inner);
      const lean = new LeanConversationState(storage);
      const memory = lean.createProperty<{ misses: number }>('memory');
      const next = turn('foreign');
      expect(await memory.get(next)).to.deep.include({ misses: 2 });
      await lean.saveChanges(next);
      expect(storage.writes).to.have.length(0);

      // A change goes out as the JSON text, and the next turn reads it back.
      const changing = turn('foreign');
      (await memory.get(changing))!.misses = 3;
      await lean.saveChanges(changing);
      expect(storage.jsonWrites).to.equal(1);
      expect(await new ConversationState(inner).createProperty<{ misses: number }>('memory').get(turn('foreign'))).to.deep.include({ misses: 3 });
    });
  });
});
