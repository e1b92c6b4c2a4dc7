import crypto from 'node:crypto';
import type { InsightEvent, InsightsRecorder, Log } from '../../dialogs/ports';
import { redact } from '../../dialogs/redact';
import type { SqlDatabase, SqlExecutor } from '../db/database';

/** How long answers, outcomes and ratings are kept (a year and a bit, for year-on-year views). */
export const INSIGHTS_RETENTION_DAYS = 400;
/** How long the masked text of an unanswered question is kept. */
export const UNANSWERED_RETENTION_DAYS = 90;
/** The settings key of the salt that conversation ids are hashed with. */
export const INSIGHTS_SALT_SETTING = 'insights.salt';

const DAY_MS = 24 * 3600 * 1000;

/** Options of {@link SqlInsightsRecorder}. */
export interface SqlInsightsOptions {
  log: Log;
  now?: () => Date;
  /** How often the queued events are written (INSIGHTS_FLUSH_MS). */
  flushMs: number;
  /** A batch this large is written at once, without waiting for the timer. */
  maxBatch?: number;
}

type Stamped = InsightEvent & { at: Date };

/**
 * The insights recorder over the database (`bot/db`): events queue in memory and are written in
 * one transaction every `flushMs` or every `maxBatch` events. `record` only pushes to an array,
 * so a turn never waits for the database. When a write fails (the database is down), that batch
 * is dropped and the log says how many events were lost; the queue never grows without bound.
 *
 * Conversation ids are stored as a salted SHA-256 HMAC (the salt is drawn once and kept in
 * `settings`), so rows of one conversation can be counted together but not traced back to a chat.
 * The text of a missed question is masked with the one redaction helper (dates, SSNs, emails,
 * phone and ID numbers) before it is queued.
 */
export class SqlInsightsRecorder implements InsightsRecorder {
  private queue: Stamped[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private salt: string | null = null;
  private readonly now: () => Date;
  private readonly maxBatch: number;

  constructor(
    private readonly db: SqlDatabase,
    private readonly options: SqlInsightsOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.maxBatch = options.maxBatch ?? 500;
  }

  record(event: InsightEvent): void {
    try {
      const stamped: Stamped = { ...event, at: this.now() };
      if (stamped.kind === 'miss') stamped.text = maskQuestion(stamped.text);
      this.queue.push(stamped);
      if (this.queue.length >= this.maxBatch) void this.flush();
    } catch {
      // Recording must never break a turn.
    }
  }

  /** Starts the periodic writer. */
  start(): this {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
    return this;
  }

  /** Writes what is queued now; resolves when written or dropped. Never rejects. */
  flush(): Promise<void> {
    // One write at a time, in order; events queued meanwhile go in the next batch.
    this.writing = this.writing.then(async () => {
      const batch = this.queue;
      if (batch.length === 0) return;
      this.queue = [];
      try {
        const salt = await this.loadSalt();
        await this.db.transaction((tx) => writeBatch(tx, batch, salt));
      } catch (err) {
        this.options.log.warn({ code: 'E_INSIGHTS_LOST', lost: batch.length, err: { code: (err as { code?: string }).code } }, `insights: database write failed, ${batch.length} event(s) lost`);
      }
    });
    return this.writing;
  }

  /** Stops the timer and writes what is queued. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** The salt, drawn on first use and shared by every instance through the database. */
  private async loadSalt(): Promise<string> {
    if (this.salt) return this.salt;
    this.salt = await insightsSalt(this.db);
    return this.salt;
  }
}

/** The text of a missed question as it may be kept: dates, SSNs, emails, phone and ID numbers masked. */
export function maskQuestion(text: string): string {
  return redact(text, { emails: true, numbers: true }).replace(/\s+/g, ' ').trim().slice(0, 500);
}

/** The salt of conversation hashes, created on first use. */
export async function insightsSalt(db: SqlExecutor): Promise<string> {
  await db.query("INSERT INTO settings (key, value) VALUES ($1, to_jsonb($2::text)) ON CONFLICT (key) DO NOTHING", [INSIGHTS_SALT_SETTING, crypto.randomBytes(32).toString('hex')]);
  const rows = await db.query<{ value: unknown }>('SELECT value FROM settings WHERE key = $1', [INSIGHTS_SALT_SETTING]);
  const salt = rows[0]?.value;
  if (typeof salt !== 'string' || salt.length < 16) throw new Error('insights salt unreadable');
  return salt;
}

/** A conversation id as stored: a salted hash. */
export function hashConversation(salt: string, conversationId: string): string {
  return crypto.createHmac('sha256', salt).update(conversationId).digest('hex').slice(0, 32);
}

/** Builds `($1, $2, …), (…)` for `rows` rows of `width` parameters. */
function placeholders(rows: number, width: number, casts: readonly string[] = []): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < width; c++) cells.push(`$${r * width + c + 1}${casts[c] ?? ''}`);
    out.push(`(${cells.join(', ')})`);
  }
  return out.join(', ');
}

async function writeBatch(tx: SqlExecutor, batch: readonly Stamped[], salt: string): Promise<void> {
  const hash = (id: string) => hashConversation(salt, id);
  const keep = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS);

  // Conversations: one upsert row per conversation of the batch (a statement may not touch a row twice).
  const conversations = new Map<string, { first: Date; last: Date; turns: number; waitingIn: string | null }>();
  for (const e of batch) {
    if (e.kind !== 'turn') continue;
    const key = hash(e.conversationId);
    const c = conversations.get(key);
    if (!c) conversations.set(key, { first: e.at, last: e.at, turns: 1, waitingIn: e.waitingIn });
    else {
      c.last = e.at;
      c.turns++;
      c.waitingIn = e.waitingIn;
    }
  }
  if (conversations.size) {
    const params: unknown[] = [];
    for (const [key, c] of conversations) params.push(key, c.first, c.last, c.turns, c.waitingIn, keep(c.last, INSIGHTS_RETENTION_DAYS));
    await tx.query(
      `INSERT INTO insight_conversations (conversation, started_at, last_at, turns, waiting_in, expires_at) VALUES ${placeholders(conversations.size, 6, ['', '', '', '::int'])}
       ON CONFLICT (conversation) DO UPDATE SET last_at = GREATEST(insight_conversations.last_at, EXCLUDED.last_at),
         turns = insight_conversations.turns + EXCLUDED.turns, waiting_in = EXCLUDED.waiting_in, expires_at = EXCLUDED.expires_at`,
      params,
    );
  }

  const events = batch.filter((e) => e.kind !== 'turn');
  if (events.length) {
    const params: unknown[] = [];
    for (const e of events) {
      const row = { intent: null as string | null, score: null as number | null, dialog: null as string | null, helped: null as boolean | null, rating: null as number | null, detail: null as string | null };
      switch (e.kind) {
        case 'answer':
          Object.assign(row, { intent: e.intent, score: e.score, dialog: e.dialog });
          break;
        case 'helped':
          Object.assign(row, { intent: e.intent, dialog: e.dialog, helped: e.helped });
          break;
        case 'miss':
          Object.assign(row, { intent: e.suggestions[0]?.intent ?? null, score: e.score });
          break;
        case 'escalation':
          Object.assign(row, { intent: e.intent, dialog: e.trigger, detail: e.caseId });
          break;
        case 'rating':
          Object.assign(row, { rating: Math.max(1, Math.min(5, Math.round(e.rating))) });
          break;
        case 'emergency':
          break;
      }
      params.push(e.at, hash(e.conversationId), e.kind, row.intent, row.score, row.dialog, row.helped, row.rating, row.detail, keep(e.at, INSIGHTS_RETENTION_DAYS));
    }
    await tx.query(
      `INSERT INTO insight_events (at, conversation, kind, intent, score, dialog, helped, rating, detail, expires_at) VALUES ${placeholders(events.length, 10, ['', '', '', '', '::real', '', '::boolean', '::smallint'])} ON CONFLICT DO NOTHING`,
      params,
    );
  }

  const misses = batch.filter((e): e is Stamped & { kind: 'miss' } => e.kind === 'miss' && e.text.length > 0);
  if (misses.length) {
    const params: unknown[] = [];
    for (const m of misses) params.push(m.at, hash(m.conversationId), m.text, m.score, JSON.stringify(m.suggestions.slice(0, 3)), keep(m.at, UNANSWERED_RETENTION_DAYS));
    await tx.query(
      `INSERT INTO unanswered_questions (at, conversation, text, score, suggestions, expires_at) VALUES ${placeholders(misses.length, 6, ['', '', '', '::real', '::jsonb'])}`,
      params,
    );
  }
}

/** Deletes what is past its retention (insights, unanswered texts, expired cases); returns the counts. */
export async function purgeExpired(db: SqlDatabase, now: Date): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['insight_events', 'insight_conversations', 'unanswered_questions', 'cases']) {
    const rows = await db.query(`DELETE FROM ${table} WHERE expires_at <= $1 RETURNING 1`, [now]);
    counts[table] = rows.length;
  }
  return counts;
}

/**
 * Deletes data past its retention now and every `intervalMs` (six hours by default), logging
 * what was deleted; a failed run is logged and the next one tries again. Returns the stopper.
 */
export function startRetentionPurge(db: SqlDatabase, options: { log: Log; now: () => Date; intervalMs?: number }): { stop(): void } {
  const { log, now } = options;
  const purge = () =>
    purgeExpired(db, now())
      .then((deleted) => log.info({ event: 'retention-purge', deleted }, 'expired data deleted'))
      .catch((err: unknown) => log.warn({ code: 'E_PURGE', err: { code: (err as { code?: string }).code } }, 'retention purge failed'));
  void purge();
  const timer = setInterval(() => void purge(), options.intervalMs ?? 6 * 3600 * 1000).unref();
  return { stop: () => clearInterval(timer) };
}
