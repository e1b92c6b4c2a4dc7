import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { CaseStore } from '../../../dialogs/ports';
import { CASE_ID_PATTERN } from '../../../dialogs/cases/caseId';
import { MemoryCaseStore, type CaseStoreOptions } from '../../../bot/adapters/memoryCaseStore';
import { RedisCaseStore } from '../../../bot/adapters/redisCaseStore';
import { SqlCaseStore } from '../../../bot/adapters/sqlCaseStore';
import { readMigrations, splitStatements } from '../../../bot/db/migrate';
import { emailHash } from '../../../dialogs/cases/caseRecords';
import { FakeCaseStore } from '../../fakes/fakeCaseStore';
import { openTestPglite, openTestPostgres, truncate, type MigratedDatabase } from '../../support/postgres';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';
import { newCase, steppingClock } from './caseFixtures';

/** The Redis database of this suite (see the team brief). */
const DB = 3;

interface Subject {
  store: CaseStore;
  close(): Promise<void>;
}

interface Adapter {
  name: string;
  /** Whether ids follow the production format (the fake numbers them). */
  realIds: boolean;
  open(options?: CaseStoreOptions): Promise<Subject>;
}

/**
 * One migrated database per kind for the whole file (PGlite takes seconds to start), emptied
 * before each test.
 */
function sharedSql(open: () => Promise<MigratedDatabase>): Adapter['open'] {
  let shared: Promise<MigratedDatabase> | null = null;
  after(async () => {
    if (shared) await (await shared).close();
  });
  return async (options) => {
    shared ??= open();
    const { db } = await shared;
    await truncate(db, ['cases', 'settings']);
    return { store: new SqlCaseStore(db, { now: steppingClock(), ...options }), close: async () => undefined };
  };
}

const adapters: Adapter[] = [
  { name: 'SqlCaseStore on PostgreSQL', realIds: true, open: sharedSql(() => openTestPostgres('cases')) },
  { name: 'SqlCaseStore on PGlite', realIds: true, open: sharedSql(openTestPglite) },
  { name: 'MemoryCaseStore', realIds: true, open: async (options) => ({ store: new MemoryCaseStore({ now: steppingClock(), ...options }), close: async () => undefined }) },
  {
    name: 'RedisCaseStore',
    realIds: true,
    open: async (options) => {
      const redis = new Redis(testRedisUrl(DB));
      const prefix = uniquePrefix('cases');
      return {
        store: new RedisCaseStore(redis, { prefix, now: steppingClock(), ...options }),
        close: async () => {
          await deleteKeys(redis, prefix);
          await redis.quit();
        },
      };
    },
  },
  { name: 'FakeCaseStore (test/fakes)', realIds: false, open: async () => ({ store: new FakeCaseStore(), close: async () => undefined }) },
];

for (const adapter of adapters) {
  describe(`CaseStore contract: ${adapter.name}`, () => {
    let subject: Subject;
    let store: CaseStore;

    beforeEach(async () => {
      subject = await adapter.open();
      store = subject.store;
    });

    afterEach(async () => subject.close());

    it('creates an open case with a fresh id, timestamps and a created event', async () => {
      const created = await store.create(newCase());
      if (adapter.realIds) expect(created.id).to.match(CASE_ID_PATTERN);
      expect(created).to.include({ status: 'open', topic: 'Upload problem', claimedBy: null, cardActivityId: null, replyEmail: 'jdoe@umass.edu' });
      expect(created.events.map((e) => e.type)).to.deep.equal(['created']);
      expect(Date.parse(created.createdAt)).to.be.a('number').and.not.NaN;
      expect(created.updatedAt).to.equal(created.createdAt);
      expect(await store.get(created.id)).to.deep.equal(created);
    });

    it('hands out distinct ids', async () => {
      const ids = await Promise.all(Array.from({ length: 25 }, () => store.create(newCase()).then((c) => c.id)));
      expect(new Set(ids).size).to.equal(25);
    });

    it('returns copies: changing a returned record changes nothing stored', async () => {
      const created = await store.create(newCase());
      created.status = 'resolved';
      created.events.push({ type: 'claimed', by: 'x', at: created.createdAt });
      const again = await store.get(created.id);
      expect(again?.status).to.equal('open');
      expect(again?.events).to.have.length(1);
    });

    it('answers null for an unknown case, on get and on update', async () => {
      expect(await store.get('UHS-000000')).to.equal(null);
      let called = false;
      expect(
        await store.update('UHS-000000', (c) => {
          called = true;
          return c;
        }),
      ).to.equal(null);
      expect(called).to.equal(false);
    });

    it('updates a case and keeps its id and creation time', async () => {
      const created = await store.create(newCase());
      const updated = await store.update(created.id, (c) => ({ ...c, id: 'UHS-ZZZZZZ', createdAt: '2000-01-01T00:00:00.000Z', status: 'claimed', claimedBy: 'Pat Staff' }));
      expect(updated).to.include({ id: created.id, createdAt: created.createdAt, status: 'claimed', claimedBy: 'Pat Staff' });
      expect(await store.get(created.id)).to.deep.equal(updated);
      expect(await store.get('UHS-ZZZZZZ')).to.equal(null);
    });

    it('applies concurrent updates of one case without losing any', async () => {
      const created = await store.create(newCase());
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.update(created.id, (c) => ({ ...c, events: [...c.events, { type: 'reply', by: `staff-${i}`, at: c.createdAt }] })),
        ),
      );
      const final = await store.get(created.id);
      expect(final?.events.filter((e) => e.type === 'reply').map((e) => e.by).sort()).to.deep.equal(Array.from({ length: 20 }, (_, i) => `staff-${i}`).sort());
    });

    it('lists newest first, filters by status and limits', async () => {
      const a = await store.create(newCase('c-a'));
      const b = await store.create(newCase('c-b'));
      const c = await store.create(newCase('c-c'));
      await store.update(b.id, (r) => ({ ...r, status: 'resolved' }));
      expect((await store.list()).map((r) => r.id)).to.deep.equal([c.id, b.id, a.id]);
      expect((await store.list({ status: 'open' })).map((r) => r.id)).to.deep.equal([c.id, a.id]);
      expect((await store.list({ status: 'resolved' })).map((r) => r.id)).to.deep.equal([b.id]);
      expect((await store.list({ limit: 2 })).map((r) => r.id)).to.deep.equal([c.id, b.id]);
      expect((await store.list({ status: 'open', limit: 1 })).map((r) => r.id)).to.deep.equal([c.id]);
    });

    it('finds the newest unresolved case of a conversation', async () => {
      const first = await store.create(newCase('conv-x'));
      const second = await store.create(newCase('conv-x'));
      await store.create(newCase('conv-y'));
      expect((await store.findOpenByConversation('conv-x'))?.id).to.equal(second.id);
      await store.update(second.id, (r) => ({ ...r, status: 'resolved' }));
      expect((await store.findOpenByConversation('conv-x'))?.id).to.equal(first.id);
      await store.update(first.id, (r) => ({ ...r, status: 'claimed' }));
      expect((await store.findOpenByConversation('conv-x'))?.id).to.equal(first.id);
      await store.update(first.id, (r) => ({ ...r, status: 'resolved' }));
      expect(await store.findOpenByConversation('conv-x')).to.equal(null);
      expect(await store.findOpenByConversation('conv-nobody')).to.equal(null);
    });

    it('stores a case under a given id, once: a retry returns the stored case unchanged', async () => {
      const opened = new Date('2026-11-24T15:00:00.000Z');
      const created = await store.create(newCase(), { id: 'UHS-7K3Q9D', createdAt: opened });
      expect(created).to.include({ id: 'UHS-7K3Q9D', createdAt: opened.toISOString(), status: 'open' });
      await store.update(created.id, (c) => ({ ...c, status: 'claimed' }));
      const retried = await store.create(newCase('other', { summary: 'different' }), { id: 'UHS-7K3Q9D' });
      expect(retried).to.include({ id: 'UHS-7K3Q9D', status: 'claimed', summary: 'upload fails' });
      expect((await store.list()).map((r) => r.id)).to.deep.equal(['UHS-7K3Q9D']);
    });

    it('finds the cases of a reply address, newest first, however the address is written', async () => {
      const a = await store.create(newCase('conv-a', { replyEmail: 'JDoe@UMass.edu' }));
      await store.create(newCase('conv-b', { replyEmail: 'other@umass.edu' }));
      const c = await store.create(newCase('conv-c', { replyEmail: 'jdoe@umass.edu' }));
      await store.create(newCase('conv-d', { replyEmail: null }));
      expect((await store.findByEmail(' jdoe@UMASS.edu ')).map((r) => r.id)).to.deep.equal([c.id, a.id]);
      expect((await store.findByEmail('other@umass.edu')).map((r) => r.replyEmail)).to.deep.equal(['other@umass.edu']);
      expect(await store.findByEmail('nobody@umass.edu')).to.deep.equal([]);
    });

    it('deletes a case and every way of finding it, once', async () => {
      const first = await store.create(newCase('conv-x', { replyEmail: 'jdoe@umass.edu' }));
      const second = await store.create(newCase('conv-x', { replyEmail: 'jdoe@umass.edu' }));
      const other = await store.create(newCase('conv-y', { replyEmail: 'other@umass.edu' }));
      expect(await store.delete(second.id)).to.equal(true);
      expect(await store.get(second.id)).to.equal(null);
      expect(await store.update(second.id, (r) => ({ ...r, status: 'claimed' }))).to.equal(null);
      expect((await store.list()).map((r) => r.id)).to.deep.equal([other.id, first.id]);
      expect((await store.findOpenByConversation('conv-x'))?.id).to.equal(first.id);
      expect((await store.findByEmail('jdoe@umass.edu')).map((r) => r.id)).to.deep.equal([first.id]);
      expect(await store.delete(first.id)).to.equal(true);
      expect(await store.findOpenByConversation('conv-x')).to.equal(null);
      expect(await store.findByEmail('jdoe@umass.edu')).to.deep.equal([]);
      expect(await store.delete(first.id), 'deleted twice').to.equal(false);
      expect(await store.delete('UHS-000000'), 'unknown').to.equal(false);
      expect(await store.get(other.id), 'other cases untouched').to.deep.include({ id: other.id, replyEmail: 'other@umass.edu' });
    });

    it('keeps settings', async () => {
      expect(await store.getSetting('escalation-channel')).to.equal(null);
      await store.setSetting('escalation-channel', { conversationId: '19:abc', serviceUrl: 'https://x' });
      expect(await store.getSetting('escalation-channel')).to.deep.equal({ conversationId: '19:abc', serviceUrl: 'https://x' });
      await store.setSetting('escalation-channel', { conversationId: '19:def' });
      expect(await store.getSetting('escalation-channel')).to.deep.equal({ conversationId: '19:def' });
    });
  });
}

for (const adapter of adapters.filter((a) => a.realIds)) {
  describe(`case ids: ${adapter.name}`, () => {
    it('draws again when an id is taken', async () => {
      const ids = ['UHS-AAAAAA', 'UHS-AAAAAA', 'UHS-BBBBBB'];
      const subject = await adapter.open({ newId: () => ids.shift() ?? 'UHS-CCCCCC' });
      try {
        const first = await subject.store.create(newCase());
        const second = await subject.store.create(newCase());
        expect([first.id, second.id]).to.deep.equal(['UHS-AAAAAA', 'UHS-BBBBBB']);
      } finally {
        await subject.close();
      }
    });

    it('gives up with an error rather than loop for ever when every draw is taken', async () => {
      const subject = await adapter.open({ newId: () => 'UHS-AAAAAA' });
      try {
        await subject.store.create(newCase());
        let error: unknown = null;
        await subject.store.create(newCase()).catch((err: unknown) => (error = err));
        expect(String(error)).to.match(/free case id/);
      } finally {
        await subject.close();
      }
    });
  });
}

describe('SqlCaseStore: the reply-address hash column', () => {
  let subject: MigratedDatabase;
  before(async () => {
    subject = await openTestPostgres('casehash');
  });
  after(async () => subject?.close());

  it('holds the hash, never the address, and the migration computes the same hash for cases stored before it', async () => {
    const created = await new SqlCaseStore(subject.db).create(newCase('conv-1', { replyEmail: 'JDoe@umass.edu' }));
    const rows = await subject.db.query<{ reply_email_hash: string }>('SELECT reply_email_hash FROM cases WHERE id = $1', [created.id]);
    expect(rows[0].reply_email_hash).to.equal(emailHash('jdoe@umass.edu')).and.not.match(/jdoe/i);
    // The migration's backfill, for a row written by a bot that did not set the column.
    await subject.db.query('UPDATE cases SET reply_email_hash = NULL');
    const backfill = readMigrations().find((m) => m.name === 'case_reply_email_hash');
    const update = splitStatements(backfill?.sql ?? '').find((statement) => statement.startsWith('UPDATE'));
    await subject.db.query(update ?? 'no backfill statement');
    expect((await new SqlCaseStore(subject.db).findByEmail('jdoe@UMASS.edu')).map((r) => r.id)).to.deep.equal([created.id]);
  });
});
