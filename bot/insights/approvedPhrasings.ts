import fs from 'node:fs';
import path from 'node:path';
import type { Log } from '../../dialogs/ports';
import { createKnowledgeBase } from '../../knowledge/knowledgeBase';
import { evaluate, readLabelled, type EvalReport, type LabelledLine } from '../../knowledge/evaluate';
import { projectRoot } from '../../knowledge/projectRoot';
import { words } from '../../knowledge/text';
import type { KnowledgeBase, KnowledgeEntry, MatchResult, OutOfScopeTopic } from '../../knowledge/types';
import type { SqlDatabase, SqlExecutor } from '../db/database';

/**
 * The learning loop's store and its effect on matching: phrasings that help-desk staff approved
 * for an intent (from the unanswered questions, in Teams) become extra examples of that intent,
 * and the matcher uses them within a minute, on every instance, without a redeploy. A phrasing
 * that would lower the matcher's accuracy on the evaluation set is refused, with the reason.
 */

/** An approved phrasing in use. */
export interface ApprovedPhrasing {
  id: number;
  text: string;
  intent: string;
}

/** One staff decision, as stored (`intent` `null`: out of scope). */
export interface PhrasingDecision {
  id: number;
  text: string;
  intent: string | null;
  decidedBy: string;
  decidedAt: string;
  undoneBy: string | null;
  undoneAt: string | null;
}

/** The normal form decisions are compared in: the matcher's words, lower case. */
export function normalizePhrasing(text: string): string {
  return words(text).join(' ');
}

/** `entries` with each approved phrasing added to its intent's examples (copies; the input is unchanged). */
export function withApprovedPhrasings(entries: readonly KnowledgeEntry[], phrasings: readonly Pick<ApprovedPhrasing, 'text' | 'intent'>[]): KnowledgeEntry[] {
  const extra = new Map<string, string[]>();
  for (const p of phrasings) extra.set(p.intent, [...(extra.get(p.intent) ?? []), p.text]);
  return entries.map((e) => (extra.has(e.id) ? { ...e, examples: [...e.examples, ...extra.get(e.id)!] } : e));
}

/**
 * A knowledge base whose examples can grow at run time: it answers through a knowledge base built
 * from the shipped entries plus the approved phrasings, rebuilt (matcher index and all) when the
 * phrasings change. Dialogs see an ordinary {@link KnowledgeBase}.
 */
export class LiveKnowledge implements KnowledgeBase {
  private current: KnowledgeBase;
  private readonly base: KnowledgeEntry[];
  private readonly topics: OutOfScopeTopic[];
  private signature = '';

  constructor(shipped: KnowledgeBase) {
    this.current = shipped;
    this.base = [...shipped.entries.values()];
    this.topics = [...shipped.outOfScope.values()];
  }

  get entries(): ReadonlyMap<string, KnowledgeEntry> {
    return this.current.entries;
  }

  get outOfScope(): ReadonlyMap<string, OutOfScopeTopic> {
    return this.current.outOfScope;
  }

  match(text: string): MatchResult {
    return this.current.match(text);
  }

  isEmergency(text: string): boolean {
    return this.current.isEmergency(text);
  }

  get(id: string): KnowledgeEntry | undefined {
    return this.current.get(id);
  }

  /** The shipped entries, without approved phrasings. */
  get shippedEntries(): readonly KnowledgeEntry[] {
    return this.base;
  }

  /** Uses `phrasings` from now on; returns whether anything changed. */
  apply(phrasings: readonly ApprovedPhrasing[]): boolean {
    const signature = phrasings.map((p) => `${p.id}:${p.intent}`).join(',');
    if (signature === this.signature) return false;
    this.current = createKnowledgeBase(withApprovedPhrasings(this.base, phrasings), { outOfScope: this.topics });
    this.signature = signature;
    return true;
  }
}

/** The evaluation set bundled with the bot (a copy of the project's labelled dev set). */
export function bundledDevSet(): string {
  return path.join(projectRoot(), 'bot', 'data', 'eval-dev.tsv');
}

/** Why a phrasing was refused, or `null` when it may be approved. */
export interface GuardVerdict {
  ok: boolean;
  /** For staff: what would go wrong. */
  reason: string | null;
  before: EvalReport;
  after: EvalReport;
}

/**
 * Refuses phrasings that would lower the matcher's accuracy on the evaluation set (the same
 * measure as `npm run eval`), or make it miss an emergency or raise a false one.
 */
export class PhrasingGuard {
  private readonly lines: LabelledLine[];

  constructor(
    private readonly shipped: readonly KnowledgeEntry[],
    devSet = bundledDevSet(),
  ) {
    this.lines = fs.existsSync(devSet) ? readLabelled(devSet) : [];
  }

  /** Compares the accuracy with `current` approved phrasings against that with `added` on top. */
  check(current: readonly ApprovedPhrasing[], added: ReadonlyArray<Pick<ApprovedPhrasing, 'text' | 'intent'>>): GuardVerdict {
    const before = evaluate(createKnowledgeBase(withApprovedPhrasings(this.shipped, current)), this.lines);
    const after = evaluate(createKnowledgeBase(withApprovedPhrasings(this.shipped, [...current, ...added])), this.lines);
    const pct = (r: EvalReport) => `${(r.accuracy * 100).toFixed(1)}%`;
    const newlyWrong = after.misses.filter((m) => !before.misses.some((b) => b.line === m.line));
    let reason: string | null = null;
    if (after.missedEmergencies.length > before.missedEmergencies.length || after.falseEmergencies.length > before.falseEmergencies.length) {
      reason = 'it would change how emergencies are recognised in the evaluation set.';
    } else if (after.correct < before.correct) {
      const example = newlyWrong[0];
      reason =
        `the matcher's accuracy on the evaluation set would fall from ${pct(before)} to ${pct(after)}` +
        (example ? `: for example "${example.text}" would get ${example.got} instead of ${example.intent}.` : '.');
    }
    return { ok: reason === null, reason, before, after };
  }
}

interface DecisionRow {
  id: string | number;
  text: string;
  intent: string | null;
  decided_by: string;
  decided_at: Date | string;
  undone_by: string | null;
  undone_at: Date | string | null;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function decisionOf(row: DecisionRow): PhrasingDecision {
  return {
    id: Number(row.id),
    text: row.text,
    intent: row.intent,
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at)!,
    undoneBy: row.undone_by,
    undoneAt: iso(row.undone_at),
  };
}

/** Staff decisions on unanswered questions, in table `phrasing_decisions`. */
export class PhrasingStore {
  constructor(private readonly db: SqlDatabase) {}

  /** The approved phrasings in force (not undone, with an intent), oldest first. */
  async approved(): Promise<ApprovedPhrasing[]> {
    const rows = await this.db.query<{ id: string | number; text: string; intent: string }>(
      'SELECT id, text, intent FROM phrasing_decisions WHERE undone_at IS NULL AND intent IS NOT NULL ORDER BY id',
    );
    return rows.map((r) => ({ id: Number(r.id), text: r.text, intent: r.intent }));
  }

  /** Normalised texts with a live decision (approved or out of scope): no longer up for review. */
  async decidedTexts(): Promise<Set<string>> {
    const rows = await this.db.query<{ normalized: string }>('SELECT DISTINCT normalized FROM phrasing_decisions WHERE undone_at IS NULL');
    return new Set(rows.map((r) => r.normalized));
  }

  /** Records one decision per text; `intent` `null` marks them out of scope. */
  async decide(texts: readonly string[], intent: string | null, by: string, at: Date, tx: SqlExecutor = this.db): Promise<PhrasingDecision[]> {
    const out: PhrasingDecision[] = [];
    for (const text of texts) {
      const [row] = await tx.query<DecisionRow>(
        'INSERT INTO phrasing_decisions (text, normalized, intent, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5) RETURNING *',
        [text, normalizePhrasing(text), intent, by, at],
      );
      out.push(decisionOf(row));
    }
    return out;
  }

  /** Undoes live decisions `ids`, recording who and when; returns those it undid. */
  async undo(ids: readonly number[], by: string, at: Date): Promise<PhrasingDecision[]> {
    if (!ids.length) return [];
    const rows = await this.db.query<DecisionRow>('UPDATE phrasing_decisions SET undone_by = $2, undone_at = $3 WHERE id = ANY($1::bigint[]) AND undone_at IS NULL RETURNING *', [
      ids,
      by,
      at,
    ]);
    return rows.map(decisionOf);
  }

  /** Decisions by id (for cards). */
  async byIds(ids: readonly number[]): Promise<PhrasingDecision[]> {
    if (!ids.length) return [];
    return (await this.db.query<DecisionRow>('SELECT * FROM phrasing_decisions WHERE id = ANY($1::bigint[]) ORDER BY id', [ids])).map(decisionOf);
  }
}

/**
 * Keeps a {@link LiveKnowledge} in step with the database: reloads the approved phrasings every
 * `refreshMs` (at most a minute), so an approval made on any instance reaches all of them.
 */
export class PhrasingRefresher {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: PhrasingStore,
    private readonly knowledge: LiveKnowledge,
    private readonly log: Log,
    private readonly refreshMs: number,
  ) {}

  /** Loads now; logs instead of throwing (the shipped knowledge keeps working). */
  async refresh(): Promise<void> {
    try {
      const phrasings = await this.store.approved();
      if (this.knowledge.apply(phrasings)) this.log.info({ event: 'phrasings-loaded', count: phrasings.length }, 'approved phrasings in use');
    } catch (err) {
      this.log.warn({ code: 'E_PHRASINGS', err: { code: (err as { code?: string }).code } }, 'approved phrasings not reloaded');
    }
  }

  start(): this {
    this.timer ??= setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/**
 * The shipped knowledge plus the phrasings staff approved, loaded once now and then reloaded
 * every `refreshMs` (the refresher is started; stop it on shutdown).
 */
export async function startLiveKnowledge(db: SqlDatabase, shipped: KnowledgeBase, log: Log, refreshMs: number): Promise<{ knowledge: LiveKnowledge; phrasings: PhrasingStore; refresher: PhrasingRefresher }> {
  const knowledge = new LiveKnowledge(shipped);
  const phrasings = new PhrasingStore(db);
  const refresher = new PhrasingRefresher(phrasings, knowledge, log, refreshMs);
  await refresher.refresh();
  refresher.start();
  return { knowledge, phrasings, refresher };
}
