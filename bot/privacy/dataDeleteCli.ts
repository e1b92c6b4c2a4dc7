/**
 * `npm run data:delete -- --case UHS-7K3Q9D` or `npm run data:delete -- --email ADDRESS`, with
 * `--dry-run` to list what would go: deletes a person's data from the stores the configuration
 * selects, as the bot does (`bot/adapters/fromConfig.ts`): the case store (Redis, or the database:
 * DATABASE_URL, else the PGlite folder DATA_DIR, which only one process may have open), the
 * escalation emails queued or failed in the outbox, and the rate-limit counters of the address
 * (both in Redis). Prints counts and case numbers, never the address.
 */
import { parseArgs } from 'node:util';
import { CASE_ID_PATTERN } from '../../dialogs/cases/caseId';
import { parseEmail } from '../../dialogs/prompts/validation';
import { redact } from '../../dialogs/redact';
import type { DeletionReport, DeletionTarget } from './dataDeletion';

const USAGE = `Usage: npm run data:delete -- --case UHS-XXXXXX [--dry-run]
       npm run data:delete -- --email ADDRESS [--dry-run]
Deletes the case(s), their queued or failed escalation emails and the address's rate-limit
counters from the stores the configuration selects. --dry-run lists what would be deleted.
`;

/** The parsed command line, or an error message (`''`: help asked for). */
export function parseDeleteArgs(argv: string[]): { target: DeletionTarget; dryRun: boolean } | { error: string } {
  let values: { case?: string; email?: string; 'dry-run'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { case: { type: 'string' }, email: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    // Node's message names the argument; it never holds the value of a known option.
    return { error: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { error: '' };
  const dryRun = values['dry-run'] ?? false;
  if (values.case !== undefined && values.email !== undefined) return { error: 'give --case or --email, not both' };
  if (values.case !== undefined) {
    const caseNumber = values.case.trim().toUpperCase();
    if (!CASE_ID_PATTERN.test(caseNumber)) return { error: '--case: expected a case number like UHS-7K3Q9D' };
    return { target: { caseNumber }, dryRun };
  }
  if (values.email !== undefined) {
    const parsed = parseEmail(values.email);
    if (!parsed.ok) return { error: '--email: that is not an email address' };
    return { target: { email: parsed.email }, dryRun };
  }
  return { error: 'say whose data: --case UHS-XXXXXX or --email ADDRESS' };
}

/** The report as the operator reads it: counts and case numbers, the address masked. */
export function formatReport(report: DeletionReport, target: DeletionTarget, where: string, redisUsed: boolean): string {
  const verb = report.dryRun ? 'Would delete' : 'Deleted';
  const whose = 'caseNumber' in target ? `case ${target.caseNumber}` : `the cases with reply address ${redact(target.email, { emails: true })}`;
  const lines = [`${report.dryRun ? 'Dry run: nothing is deleted. ' : ''}Data of ${whose}; cases in ${where}.`];
  lines.push(`${verb} ${report.caseIds.length} case(s)${report.caseIds.length ? `: ${report.caseIds.join(', ')}` : ''}.`);
  if (redisUsed) {
    lines.push(`${verb} ${report.escalations.length} escalation email job(s) queued, failed or sent${report.escalations.length ? `: ${report.escalations.map((e) => `${e.caseId} (${e.state})`).join(', ')}` : ''}.`);
    if (report.escalationsInFlight.length) lines.push(`Not deleted: the escalation email of ${report.escalationsInFlight.join(', ')} is being sent right now; run this again in a minute.`);
    lines.push(`${verb} ${report.rateLimitCounters} rate-limit counter(s) of the address.`);
  } else {
    lines.push('No REDIS_URL: the escalation outbox and rate limits live in each bot process and go when it stops.');
  }
  if (!report.caseIds.length && !report.escalations.length) lines.push('No case found.');
  lines.push('Not reachable from here: emails already delivered to the help-desk mailbox and Teams messages already posted (see docs/security.md).');
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  const args = parseDeleteArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`${args.error ? `data:delete: ${args.error}\n` : ''}${USAGE}`);
    return 2;
  }
  // Loaded once the arguments are good: the adapters take seconds to load on a busy machine.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadConfigForCli } = require('../config') as typeof import('../config');
  const config = loadConfigForCli();
  if (!config) return 2;
  const { openDeletionStores } = require('./deletionStores') as typeof import('./deletionStores');
  const { deletePersonData } = require('./dataDeletion') as typeof import('./dataDeletion');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const opened = await openDeletionStores(config);
  try {
    const report = await deletePersonData(opened.stores, args.target, args.dryRun);
    process.stdout.write(formatReport(report, args.target, opened.caseStoreName, opened.redisUsed));
    return 0;
  } finally {
    await opened.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      // Masked with the one redaction helper: a driver's message may quote a query's parameters.
      process.stderr.write(`data:delete failed: ${redact(err instanceof Error ? err.message : String(err), { emails: true })}\n`);
      process.exitCode = 1;
    },
  );
}
