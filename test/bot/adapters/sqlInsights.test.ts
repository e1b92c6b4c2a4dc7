import { expect } from 'chai';
import { SqlInsightsRecorder, hashConversation, insightsSalt, maskQuestion } from '../../../bot/adapters/sqlInsights';
import { PostgresDatabase } from '../../../bot/db/database';
import { insightsSummary } from '../../../bot/insights/report';
import { openTestPglite, openTestPostgres, truncate, type MigratedDatabase } from '../../support/postgres';

/** A log that keeps what it is given. */
function capturingLog() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg?: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

const T0 = new Date('2026-11-24T15:00:00Z');

for (const kind of ['PostgreSQL', 'PGlite'] as const) {
  describe(`insights recorder and report on ${kind}`, function () {
    this.timeout(60000);
    let opened: MigratedDatabase;

    before(async () => {
      opened = kind === 'PostgreSQL' ? await openTestPostgres('insights') : await openTestPglite();
    });
    after(() => opened.close());
    beforeEach(() => truncate(opened.db, ['insight_events', 'insight_conversations', 'unanswered_questions', 'settings']));

    it('writes a batch in one go and reports exactly what was recorded', async () => {
      const { log } = capturingLog();
      let t = T0.getTime();
      const recorder = new SqlInsightsRecorder(opened.db, { log, now: () => new Date((t += 1000)), flushMs: 60000 });
      recorder.record({ kind: 'turn', conversationId: 'c1', waitingIn: null });
      recorder.record({ kind: 'answer', conversationId: 'c1', intent: 'upload-problem', score: 0.8, dialog: null });
      recorder.record({ kind: 'helped', conversationId: 'c1', intent: 'upload-problem', dialog: null, helped: true });
      recorder.record({ kind: 'turn', conversationId: 'c1', waitingIn: null });
      recorder.record({ kind: 'answer', conversationId: 'c2', intent: 'upload-problem', score: 0.7, dialog: null });
      recorder.record({ kind: 'answer', conversationId: 'c2', intent: 'sti-testing', score: 0.9, dialog: 'stiTestingDialog' });
      recorder.record({ kind: 'helped', conversationId: 'c2', intent: 'sti-testing', dialog: 'stiTestingDialog', helped: false });
      recorder.record({ kind: 'turn', conversationId: 'c2', waitingIn: null });
      recorder.record({ kind: 'miss', conversationId: 'c2', text: 'my DOB is 01/02/2003 call 413-555-0199 or jo@x.edu, id 31234567', score: 0.9, suggestions: [{ intent: 'register-not-active', score: 0.2 }] });
      recorder.record({ kind: 'miss', conversationId: 'c3', text: 'My DOB is 04/05/2001 call 413 555 0100 or al@y.edu, id 30000001', score: 0.9, suggestions: [{ intent: 'register-not-active', score: 0.2 }] });
      recorder.record({ kind: 'turn', conversationId: 'c3', waitingIn: null });
      recorder.record({ kind: 'escalation', conversationId: 'c3', intent: null, trigger: 'two-misses', caseId: 'UHS-AAAAAA' });
      // A retried handoff reporting the same case again counts once.
      recorder.record({ kind: 'escalation', conversationId: 'c3', intent: null, trigger: 'two-misses', caseId: 'UHS-AAAAAA' });
      recorder.record({ kind: 'rating', conversationId: 'c3', caseId: 'UHS-AAAAAA', rating: 4 });
      recorder.record({ kind: 'rating', conversationId: 'c1', caseId: null, rating: 5 });
      recorder.record({ kind: 'emergency', conversationId: 'c3' });
      // Nothing is written before the flush: recording is only a push.
      expect(await opened.db.query('SELECT 1 FROM insight_events')).to.have.length(0);
      await recorder.close();

      const summary = await insightsSummary(opened.db, { since: T0, until: new Date(t + 1000) });
      expect(summary).to.deep.equal({
        since: T0.toISOString(),
        until: new Date(t + 1000).toISOString(),
        conversations: 3,
        answered: 3,
        helpedYes: 1,
        helpedNo: 1,
        escalations: 1,
        containmentRate: 0.667,
        csat: { responses: 2, average: 4.5 },
        topIntents: [
          { intent: 'upload-problem', count: 2 },
          { intent: 'sti-testing', count: 1 },
        ],
        unanswered: [
          { text: 'My DOB is [date redacted] call [phone redacted] or [email redacted], id [number redacted]', count: 2, suggestedIntent: 'register-not-active' },
        ],
      });
      // Conversation ids are stored only as salted hashes.
      const salt = await insightsSalt(opened.db);
      const stored = await opened.db.query<{ conversation: string }>('SELECT conversation FROM insight_conversations ORDER BY conversation');
      expect(stored.map((r) => r.conversation).sort()).to.deep.equal(['c1', 'c2', 'c3'].map((c) => hashConversation(salt, c)).sort());
      const texts = await opened.db.query<{ text: string }>('SELECT text FROM unanswered_questions');
      for (const { text } of texts) expect(text).not.to.match(/\d{3}|@/);
    });

    it('a failed write loses that batch only, says so in the log, and recording goes on', async () => {
      const { lines, log } = capturingLog();
      const recorder = new SqlInsightsRecorder(opened.db, { log, flushMs: 60000 });
      const broken = new SqlInsightsRecorder(new PostgresDatabase('postgres://postgres@127.0.0.1:1/none'), { log, flushMs: 60000 });
      broken.record({ kind: 'turn', conversationId: 'lost-1', waitingIn: null });
      broken.record({ kind: 'emergency', conversationId: 'lost-1' });
      await broken.close();
      const warning = lines.find((l) => l.obj.code === 'E_INSIGHTS_LOST');
      expect(warning?.obj.lost).to.equal(2);
      expect(JSON.stringify(lines)).not.to.include('lost-1');
      recorder.record({ kind: 'turn', conversationId: 'kept', waitingIn: null });
      await recorder.close();
      expect(await opened.db.query('SELECT 1 FROM insight_conversations')).to.have.length(1);
    });
  });
}

describe('maskQuestion', () => {
  it('masks dates of birth, emails, phone, SSN and ID numbers with the one redaction helper', () => {
    expect(maskQuestion('born 3/4/1999, ssn 123-45-6789, (413) 545-2337, +1 413.545.2337, student id 33112233, mail a.b@umass.edu')).to.equal(
      'born [date redacted], ssn [number redacted], [phone redacted], [phone redacted], student id [number redacted], mail [email redacted]',
    );
    expect(maskQuestion('how do I upload my 2 forms')).to.equal('how do I upload my 2 forms');
  });
});
