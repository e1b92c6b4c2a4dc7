import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { InsightsSummary } from '../../../bot/insights/report';
import { HELPED_NO, HELPED_YES } from '../../../dialogs/prompts/replies';
import { projectRoot } from '../../../knowledge/projectRoot';
import { startTestApp, type TestApp } from '../../support/app';
import { converse, escalate, faq } from '../../support/flows';
import { freshPgliteDir } from '../../support/postgres';

/** Runs `npm run --silent insights -- ARGS` as a person would (the compiled CLI), with `env`; returns stdout. */
function insightsCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot(), 'dist', 'bot', 'insights', 'cli.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const MISSED = 'who won the football game last night? my DOB is 01/02/2003, call 413-555-0142';
const MISSED_MASKED = 'who won the football game last night? my DOB is [date redacted], call [phone redacted]';

/**
 * The insights of real conversations over HTTP, read back with the insights command: answers,
 * "did it help" yes and no, misses (masked) and escalations, on PostgreSQL and, across a restart
 * of the bot, on the embedded PGlite.
 */
describe('insights of real conversations, end to end', function () {
  this.timeout(120000);

  /** Two answers (one helped, one not), one miss, one escalation; returns the case number. */
  async function converseAll(first: TestApp, second: TestApp = first): Promise<string> {
    const records = faq('medical-records-copy');
    const immunizations = faq('immunization-records-copy');
    const [answer] = await converse(first, 'e2e-a', [records.question, HELPED_YES]);
    expect(answer).to.include(records.title);
    const [answer2, sorry] = await converse(second, 'e2e-b', [immunizations.question, HELPED_NO]);
    expect(answer2).to.include(immunizations.title);
    expect(sorry).to.include("didn't help");
    const [miss] = await converse(second, 'e2e-c', [MISSED]);
    expect(miss).not.to.include('**');
    return escalate(second, 'e2e-d');
  }

  function expectCounts(summary: InsightsSummary): void {
    expect(summary).to.include({ conversations: 4, answered: 2, helpedYes: 1, helpedNo: 1, escalations: 1, containmentRate: 0.75 });
    expect(summary.topIntents.map((t) => t.intent).sort()).to.deep.equal(['immunization-records-copy', 'medical-records-copy']);
    expect(summary.unanswered).to.deep.equal([{ text: MISSED_MASKED, count: 1, suggestedIntent: summary.unanswered[0]?.suggestedIntent ?? null }]);
    expect(summary.csat).to.deep.equal({ responses: 0, average: null });
  }

  it('PostgreSQL (DATABASE_URL): npm run --silent insights -- --json --since 1d prints counts that match what was done', async () => {
    const t = await startTestApp();
    try {
      await converseAll(t);
      await t.app.insights.flush();
      const result = await insightsCli(['--json', '--since', '1d'], { DATABASE_URL: t.app.config.DATABASE_URL!, DATA_DIR: '' });
      expect(result.stderr).to.equal('');
      expect(result.code).to.equal(0);
      const summary = JSON.parse(result.stdout) as InsightsSummary;
      expect(Object.keys(summary)).to.deep.equal(['since', 'until', 'conversations', 'answered', 'helpedYes', 'helpedNo', 'escalations', 'containmentRate', 'csat', 'topIntents', 'unanswered']);
      expectCounts(summary);
      expect(Date.parse(summary.until) - Date.parse(summary.since)).to.equal(86400e3);
    } finally {
      await t.stop();
    }
  });

  it('PGlite (no DATABASE_URL): the same holds across a restart of the bot, cases included; --html writes the report', async () => {
    const dataDir = await freshPgliteDir();
    try {
      const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
      const first = await startTestApp(env);
      let caseId: string;
      try {
        const records = faq('medical-records-copy');
        await converse(first, 'e2e-a', [records.question, HELPED_YES]);
      } finally {
        // Stopping writes the last batch.
        await first.stop();
      }
      const second = await startTestApp(env);
      try {
        const immunizations = faq('immunization-records-copy');
        await converse(second, 'e2e-b', [immunizations.question, HELPED_NO]);
        await converse(second, 'e2e-c', [MISSED]);
        caseId = await escalate(second, 'e2e-d');
      } finally {
        await second.stop();
      }
      // The embedded database is one process's at a time: the bot has stopped, the command reads it.
      const result = await insightsCli(['--json', '--since', '1d'], env);
      expect(result.code, result.stderr).to.equal(0);
      expectCounts(JSON.parse(result.stdout) as InsightsSummary);
      const third = await startTestApp(env);
      try {
        expect((await third.app.cases.get(caseId))?.id, 'the case survived the restarts').to.equal(caseId);
      } finally {
        await third.stop();
      }
      const html = path.join(dataDir, 'report.html');
      const written = await insightsCli(['--html', html, '--since', '1d'], env);
      expect(written.code, written.stderr).to.equal(0);
      expect(fs.readFileSync(html, 'utf8')).to.include(MISSED_MASKED).and.include('new Chart(');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('the command refuses bad arguments with its usage, and never prints partial JSON', async () => {
    const result = await insightsCli(['--json', '--since', 'yesterday'], { DATABASE_URL: '', DATA_DIR: 'memory://' });
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.include('--since').and.include('Usage');
  });
});
