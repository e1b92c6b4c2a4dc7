import { SqlInsightsRecorder } from '../../../bot/adapters/sqlInsights';
import type { SqlDatabase } from '../../../bot/db/database';
import { silentLog } from '../../../dialogs/ports';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Writes a small, known week of insights through the real recorder: `days` days ending at `end`,
 * each with a few conversations, answers, "did it help" answers, misses (with personal data in
 * them, to be masked), an escalation and ratings. Returns what was recorded, for assertions.
 */
export async function seedWeek(db: SqlDatabase, end: Date, days = 7): Promise<{ answers: number; misses: number; escalations: number; ratings: number[] }> {
  let clock = end.getTime() - days * DAY_MS;
  const recorder = new SqlInsightsRecorder(db, { log: silentLog, now: () => new Date(clock), flushMs: 60000 });
  const intents = ['upload-problem', 'password-reset-problem', 'immunization-records-copy', 'sti-testing', 'no-password-email'];
  const missTexts = ['can I get my parking permit here', 'my DOB is 02/03/2004 and the portal says locked, call me 413-555-0142', 'do you take dental insurance'];
  const ratings: number[] = [];
  let answers = 0;
  let misses = 0;
  let escalations = 0;
  for (let d = 0; d < days; d++) {
    const conversations = 3 + (d % 3);
    for (let c = 0; c < conversations; c++) {
      clock = end.getTime() - (days - d) * DAY_MS + (c + 1) * 3600 * 1000;
      const id = `seed-${end.toISOString().slice(0, 10)}-${d}-${c}`;
      const intent = intents[(d + c) % intents.length];
      recorder.record({ kind: 'turn', conversationId: id, waitingIn: null });
      recorder.record({ kind: 'answer', conversationId: id, intent, score: 0.8, dialog: null });
      answers++;
      recorder.record({ kind: 'helped', conversationId: id, intent, dialog: null, helped: (d + c) % 4 !== 0 });
      if (c === 0) {
        recorder.record({ kind: 'miss', conversationId: id, text: missTexts[d % missTexts.length], score: 0.9, suggestions: [{ intent: 'other-portal-help', score: 0.2 }] });
        misses++;
      }
      if (c === 1 && d % 2 === 0) {
        recorder.record({ kind: 'escalation', conversationId: id, intent, trigger: 'didnt-help', caseId: `UHS-${id}` });
        escalations++;
        const rating = 3 + (d % 3);
        recorder.record({ kind: 'rating', conversationId: id, caseId: `UHS-${id}`, rating });
        ratings.push(rating);
      }
    }
  }
  await recorder.close();
  return { answers, misses, escalations, ratings };
}
