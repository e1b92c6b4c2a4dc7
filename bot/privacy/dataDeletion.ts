import type { CaseErasure } from '../../dialogs/cases/caseService';
import type { CaseRecord } from '../../dialogs/ports';
import { addressRateKeys } from '../../dialogs/flows/accountMailLimits';

/**
 * Deleting a person's data on request, by case number or by email address: the cases, the
 * escalation emails still queued (or given up) for them, and the rate-limit counters kept per
 * address. What it cannot reach (mail already delivered, Teams messages already posted, the
 * per-process memory of a running bot) is listed in docs/security.md.
 */

/** Whose data: one case by its number, or every case whose reply address is an email. */
export type DeletionTarget = { caseNumber: string } | { email: string };

/** The stores the deletion reaches; those the configuration does not use are absent. */
export interface DeletionStores {
  /** The cases, through the case service: erasing is a change to a case like any other. */
  cases: CaseErasure;
  /**
   * Removes the escalation job of a case (its id), unless `dryRun`; returns the state it was
   * found in (`active`: being sent, left alone) or `null`. Absent without Redis.
   */
  discardEscalation?: (caseId: string, dryRun: boolean) => Promise<string | null>;
  /** Deletes (or counts, with `dryRun`) the rate-limit counters of these keys. Absent without Redis. */
  deleteRateLimits?: (keys: string[], dryRun: boolean) => Promise<number>;
}

/** What was deleted, or with `dryRun` what would be. Holds no email address. */
export interface DeletionReport {
  dryRun: boolean;
  /** The case numbers deleted (or found, in a dry run). */
  caseIds: string[];
  /** Escalation jobs removed (or found), by the state they were in. */
  escalations: Array<{ caseId: string; state: string }>;
  /** Escalation jobs being sent at that moment, which could not be removed. */
  escalationsInFlight: string[];
  /** Rate-limit counters removed (or found). */
  rateLimitCounters: number;
}

/**
 * Deletes the target's data, or with `dryRun` only finds it. A case number with no stored case
 * still has its escalation job looked for: a case numbered while the store was down has one.
 */
export async function deletePersonData(stores: DeletionStores, target: DeletionTarget, dryRun: boolean): Promise<DeletionReport> {
  let found: CaseRecord[];
  let caseIds: string[];
  if ('caseNumber' in target) {
    const record = await stores.cases.find(target.caseNumber);
    found = record ? [record] : [];
    caseIds = [target.caseNumber];
  } else {
    found = await stores.cases.findByReplyEmail(target.email);
    caseIds = found.map((r) => r.id);
  }
  const addresses = new Set<string>();
  if ('email' in target) addresses.add(target.email);
  for (const record of found) if (record.replyEmail) addresses.add(record.replyEmail);

  const report: DeletionReport = { dryRun, caseIds: [], escalations: [], escalationsInFlight: [], rateLimitCounters: 0 };
  for (const id of caseIds) {
    const state = (await stores.discardEscalation?.(id, dryRun)) ?? null;
    if (state === 'active') report.escalationsInFlight.push(id);
    else if (state) report.escalations.push({ caseId: id, state });
  }
  // The case last: a failure above leaves it findable for a second run.
  for (const record of found) {
    if (dryRun || (await stores.cases.erase(record.id))) report.caseIds.push(record.id);
  }
  if (stores.deleteRateLimits && addresses.size) {
    report.rateLimitCounters = await stores.deleteRateLimits([...new Set([...addresses].flatMap(addressRateKeys))], dryRun);
  }
  return report;
}
