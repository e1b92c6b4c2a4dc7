import type { CaseRecord, CaseStore, CreateCaseOptions, Log, NewCase } from '../../dialogs/ports';
import { silentLog } from '../../dialogs/ports';
import { newCaseId } from '../../dialogs/cases/caseId';
import { emailHash, hasReplyEmail, newCaseRecord, type CaseListFilter } from '../../dialogs/cases/caseRecords';
import type { SqlDatabase, SqlExecutor } from '../db/database';
import { caseRecordSchema } from './caseRecordSchema';
import { DEFAULT_CASE_TTL_SECONDS, MAX_ID_DRAWS, type CaseStoreOptions } from './memoryCaseStore';

/** Options for {@link SqlCaseStore}. */
export interface SqlCaseStoreOptions extends CaseStoreOptions {
  /** Where invalid stored records are reported (ids only). */
  log?: Log;
}

interface RecordRow {
  record: unknown;
}

/**
 * Cases in PostgreSQL (`DATABASE_URL`) or the embedded PGlite (`DATA_DIR`), table `cases` of
 * `bot/db/migrations`. The record is one jsonb value; status, conversation, the hash of the
 * reply address (never the address) and times are columns for the queries. Ids are reserved by the primary key (`ON CONFLICT DO NOTHING`), so
 * two instances can never hand out one id; `update` locks the row (`SELECT … FOR UPDATE`) for
 * the length of its change, so concurrent changes to one case are applied one after the other.
 * A case expires `ttlSeconds` after creation: expired rows are invisible and deleted by
 * {@link purgeExpired}. Everything read back is validated with zod.
 */
export class SqlCaseStore implements CaseStore {
  readonly kind: string;
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly log: Log;

  constructor(
    private readonly db: SqlDatabase,
    options: SqlCaseStoreOptions = {},
  ) {
    this.kind = db.kind;
    this.ttlMs = (options.ttlSeconds ?? DEFAULT_CASE_TTL_SECONDS) * 1000;
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? (() => newCaseId());
    this.log = options.log ?? silentLog;
  }

  async create(input: NewCase, options: CreateCaseOptions = {}): Promise<CaseRecord> {
    if (options.id) {
      const record = newCaseRecord(input, options.id, options.createdAt ?? this.now());
      // An expired case no longer holds its id.
      await this.db.query('DELETE FROM cases WHERE id = $1 AND expires_at <= $2', [options.id, this.now()]);
      if (await this.tryCreate(record)) return record;
      // Taken: a retry whose first attempt did reach the database. Return what is stored.
      const existing = await this.get(options.id);
      if (existing) return existing;
      throw new Error('case id taken by an unreadable record');
    }
    for (let draw = 0; draw < MAX_ID_DRAWS; draw++) {
      const record = newCaseRecord(input, this.newId(), this.now());
      if (await this.tryCreate(record)) return record;
    }
    throw new Error('could not draw a free case id');
  }

  async get(id: string): Promise<CaseRecord | null> {
    const rows = await this.db.query<RecordRow>('SELECT record FROM cases WHERE id = $1 AND expires_at > $2', [id, this.now()]);
    return rows.length ? this.parse(id, rows[0].record) : null;
  }

  async update(id: string, change: (current: CaseRecord) => CaseRecord): Promise<CaseRecord | null> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<RecordRow>('SELECT record FROM cases WHERE id = $1 AND expires_at > $2 FOR UPDATE', [id, this.now()]);
      const current = rows.length ? this.parse(id, rows[0].record) : null;
      if (!current) return null;
      const next = change(structuredClone(current));
      // The id and creation time are the case's identity: a change may not move them.
      const record: CaseRecord = { ...next, id: current.id, createdAt: current.createdAt, updatedAt: this.now().toISOString() };
      await tx.query('UPDATE cases SET status = $2, conversation_id = $3, record = $4::jsonb, reply_email_hash = $5 WHERE id = $1', [
        id,
        record.status,
        record.conversationReference.conversation?.id ?? null,
        JSON.stringify(record),
        record.replyEmail ? emailHash(record.replyEmail) : null,
      ]);
      return record;
    });
  }

  async list(filter: CaseListFilter = {}): Promise<CaseRecord[]> {
    const params: unknown[] = [this.now()];
    let sql = 'SELECT id, record FROM cases WHERE expires_at > $1';
    if (filter.status) {
      params.push(filter.status);
      sql += ` AND status = $${params.length}`;
    }
    sql += ' ORDER BY created_at DESC, id DESC';
    if (filter.limit !== undefined) {
      params.push(filter.limit);
      sql += ` LIMIT $${params.length}`;
    }
    const rows = await this.db.query<RecordRow & { id: string }>(sql, params);
    return rows.map((row) => this.parse(row.id, row.record)).filter((r): r is CaseRecord => r !== null);
  }

  async findOpenByConversation(conversationId: string): Promise<CaseRecord | null> {
    const rows = await this.db.query<RecordRow & { id: string }>(
      "SELECT id, record FROM cases WHERE conversation_id = $1 AND status <> 'resolved' AND expires_at > $2 ORDER BY created_at DESC, id DESC LIMIT 1",
      [conversationId, this.now()],
    );
    return rows.length ? this.parse(rows[0].id, rows[0].record) : null;
  }

  async findByEmail(email: string): Promise<CaseRecord[]> {
    const rows = await this.db.query<RecordRow & { id: string }>(
      'SELECT id, record FROM cases WHERE reply_email_hash = $1 AND expires_at > $2 ORDER BY created_at DESC, id DESC',
      [emailHash(email), this.now()],
    );
    // A hash match is checked against the record itself, like every other read.
    return rows.map((row) => this.parse(row.id, row.record)).filter((r): r is CaseRecord => r !== null && hasReplyEmail(r, email));
  }

  async delete(id: string): Promise<boolean> {
    // Expired rows go too: they still hold the data until the purge.
    const rows = await this.db.query('DELETE FROM cases WHERE id = $1 RETURNING id', [id]);
    return rows.length === 1;
  }

  async getSetting<T>(key: string): Promise<T | null> {
    return getSetting<T>(this.db, key);
  }

  async setSetting<T>(key: string, value: T): Promise<void> {
    await setSetting(this.db, key, value);
  }

  /** Deletes expired cases; returns how many. */
  async purgeExpired(): Promise<number> {
    const rows = await this.db.query('DELETE FROM cases WHERE expires_at <= $1 RETURNING id', [this.now()]);
    return rows.length;
  }

  private async tryCreate(record: CaseRecord): Promise<boolean> {
    const created = new Date(record.createdAt);
    const rows = await this.db.query(
      'INSERT INTO cases (id, status, conversation_id, record, created_at, expires_at, reply_email_hash) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id',
      [
        record.id,
        record.status,
        record.conversationReference.conversation?.id ?? null,
        JSON.stringify(record),
        created,
        new Date(created.getTime() + this.ttlMs),
        record.replyEmail ? emailHash(record.replyEmail) : null,
      ],
    );
    return rows.length === 1;
  }

  private parse(id: string, value: unknown): CaseRecord | null {
    const result = caseRecordSchema.safeParse(value);
    if (!result.success) {
      this.log.error({ caseId: id }, 'stored case is not a valid case record');
      return null;
    }
    return result.data as CaseRecord;
  }
}

/** A setting from the `settings` table, or `null`. */
export async function getSetting<T>(db: SqlExecutor, key: string): Promise<T | null> {
  const rows = await db.query<{ value: unknown }>('SELECT value FROM settings WHERE key = $1', [key]);
  // Both drivers parse jsonb: a stored string comes back as a string, not as JSON text.
  return rows.length ? (rows[0].value as T) : null;
}

/** Writes a setting to the `settings` table. */
export async function setSetting(db: SqlExecutor, key: string, value: unknown): Promise<void> {
  await db.query('INSERT INTO settings (key, value, updated_at) VALUES ($1, $2::jsonb, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()', [
    key,
    JSON.stringify(value),
  ]);
}
