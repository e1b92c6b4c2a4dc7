import fs from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { errorType } from '../telemetry/tracing';

/**
 * Readiness (`GET /readyz`): a list of named checks, one per system the bot talks to. A check
 * the bot cannot serve without (`required`) makes the instance not ready (503), so a load
 * balancer sends its traffic elsewhere; one it can do without (mail: the escalation outbox
 * keeps the mail and retries) makes it ready but `degraded`. A system that is not configured
 * says so and counts as neither. Liveness (`GET /healthz`) asks none of them.
 */

/** What one check found. */
export type CheckStatus = 'up' | 'down' | 'not-configured';

/** One named check. Add a system by adding a check to the list in the composition root. */
export interface ReadinessCheck {
  /** The name in the report: `redis`, `database`, `mail`. */
  name: string;
  /** Whether the bot cannot serve without it (down: not ready) or serves degraded (down: degraded). */
  required: boolean;
  /** Resolves when the system answers; rejects (or times out) when it does not. `null`: not configured. */
  probe: (() => Promise<void>) | null;
  /** Which adapter or kind of system, for the operator (`redis`, `smtp`, `outbox-folder`). */
  kind?: string;
}

/** One check's line in the report. */
export interface CheckReport {
  status: CheckStatus;
  required: boolean;
  kind?: string;
  /** How long the probe took, in ms (absent when not configured). */
  ms?: number;
  /** Why it is down: an error code or class, never a message. */
  error?: string;
}

/** The whole `/readyz` answer. */
export interface ReadinessReport {
  /** `ready` (all up), `degraded` (serving, an optional system down) or `not-ready`. */
  status: 'ready' | 'degraded' | 'not-ready';
  ready: boolean;
  version: string;
  checks: Record<string, CheckReport>;
}

/** How long one probe may take before it counts as down. */
export const PROBE_TIMEOUT_MS = 2000;

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckReport> {
  const base = { required: check.required, ...(check.kind ? { kind: check.kind } : {}) };
  if (!check.probe) return { status: 'not-configured', ...base };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.probe(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })), timeoutMs);
      }),
    ]);
    return { status: 'up', ...base, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'down', ...base, ms: Math.round(performance.now() - started), error: errorType(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once and sums them up. */
export async function checkReadiness(checks: readonly ReadinessCheck[], version: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ReadinessReport> {
  const results = await Promise.all(checks.map((c) => runCheck(c, timeoutMs)));
  const report: Record<string, CheckReport> = {};
  checks.forEach((c, i) => (report[c.name] = results[i]));
  const down = results.filter((r) => r.status === 'down');
  const status = down.some((r) => r.required) ? 'not-ready' : down.length ? 'degraded' : 'ready';
  return { status, ready: status !== 'not-ready', version, checks: report };
}

/** Redis: a PING. Required: conversation state, cases and the outbox live there. */
export function redisCheck(redis: Redis | null): ReadinessCheck {
  return {
    name: 'redis',
    required: true,
    probe: redis
      ? async () => {
          await redis.ping();
        }
      : null,
  };
}

/**
 * How long a successful SMTP check stands. Readiness probes come every few seconds from every
 * replica; logging in to the relay each time would look like abuse to it. A failure is not
 * remembered: the next probe tries again, so recovery shows at once.
 */
export const SMTP_UP_FOR_MS = 60_000;

/** `probe`, skipped while its last success is younger than `ms`. */
export function rememberSuccess(probe: () => Promise<void>, ms: number, now: () => number = () => performance.now()): () => Promise<void> {
  let upAt = -Infinity;
  return async () => {
    if (now() - upAt < ms) return;
    await probe();
    upAt = now();
  };
}

/**
 * Mail: the SMTP server greets and accepts our login (`verify`), or the outbox folder is
 * writable. Not required: escalations wait in the outbox and are retried.
 */
export function mailCheck(mailer: { transport: string; verify?: () => Promise<unknown> }, outboxFolder: string, upForMs = SMTP_UP_FOR_MS): ReadinessCheck {
  if (mailer.transport === 'smtp' && mailer.verify) {
    const verify = mailer.verify.bind(mailer);
    return { name: 'mail', required: false, kind: 'smtp', probe: rememberSuccess(async () => void (await verify()), upForMs) };
  }
  return {
    name: 'mail',
    required: false,
    kind: 'outbox-folder',
    probe: async () => {
      // The folder is created on the first mail; until then its parent must be writable.
      const folder = path.resolve(outboxFolder);
      const existing = await fs.stat(folder).then(
        () => folder,
        () => path.dirname(folder),
      );
      await fs.access(existing, fs.constants.W_OK);
    },
  };
}

/**
 * The bot's readiness checks, one per system: Redis (required when configured), the database
 * (not required: without it FAQ answers and dialogs go on, and a handoff numbers its case
 * locally until it is back) and mail. A new store adds its check here.
 */
export function appReadinessChecks(redis: Redis | null, database: { kind: string; query(sql: string): Promise<unknown> }, mailer: Parameters<typeof mailCheck>[0], outboxFolder: string): ReadinessCheck[] {
  const databaseCheck: ReadinessCheck = { name: 'database', required: false, kind: database.kind, probe: async () => void (await database.query('SELECT 1')) };
  return [redisCheck(redis), databaseCheck, mailCheck(mailer, outboxFolder)];
}
