import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { SqlCaseStore } from '../../../bot/adapters/sqlCaseStore';
import { SqlInsightsRecorder } from '../../../bot/adapters/sqlInsights';
import { LiveKnowledge, PhrasingRefresher, PhrasingStore } from '../../../bot/insights/approvedPhrasings';
import { INSIGHTS_VERBS, INTENT_INPUT_ID } from '../../../bot/teams/insightsCards';
import { StaffInsights, WeeklyDigest, weekKey } from '../../../bot/teams/staffInsights';
import { CloudMessenger } from '../../../bot/teams/cloudMessenger';
import { USE_CHANNEL_COMMAND } from '../../../bot/teams/staffCommands';
import { loadKnowledge } from '../../../knowledge/loader';
import { FakePortalDirectory } from '../../fakes/fakePortalDirectory';
import { openTestPostgres, type MigratedDatabase } from '../../support/postgres';
import { teamsCardAction, teamsMessage, webChatMessage, type TeamsOrigin } from '../../support/teamsActivities';
import { RecordingLog, STAFF_TENANT, startStaffHarness, type StaffHarness } from './staffHarness';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { seedWeek } from '../insights/seed';

const ESCALATIONS = '19:escalations@thread.tacv2';
const TEAM = '19:helpdesk-team@thread.tacv2';
const JANE = { id: '29:jane', name: 'Jane Doe', aadObjectId: '7e57a11c-0000-4000-8000-00000000000a' };
const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';
/** Monday 30 November 2026, 10:00 in Amherst: the weekly digest is due. */
const MONDAY_10AM = new Date('2026-11-30T15:00:00Z');

type Card = { body: Array<Record<string, unknown>>; actions: Array<{ title: string; verb?: string; data?: Record<string, unknown> }> };

function cardsOf(activity: Partial<Activity>): Card[] {
  return (activity.attachments ?? []).filter((a) => a.contentType === CARD_TYPE).map((a) => a.content as Card);
}

function textOf(card: Card): string {
  return JSON.stringify(card.body);
}

function factsOf(card: Card): Record<string, string> {
  const factSet = card.body.find((b) => b.type === 'FactSet') as { facts: Array<{ title: string; value: string }> };
  return Object.fromEntries(factSet.facts.map((f) => [f.title, f.value]));
}

/**
 * The insights in Teams through the real CloudAdapter and a recording connector, on a real
 * PostgreSQL database: the `insights` command's digest card, the weekly post in the escalation
 * channel, and the learning loop (review cards, assign an intent, refusal, out of scope, undo).
 */
describe('Teams insights and the learning loop (real CloudAdapter, PostgreSQL)', function () {
  this.timeout(60000);
  let opened: MigratedDatabase;
  let h: StaffHarness;
  let knowledge: LiveKnowledge;
  let recorder: SqlInsightsRecorder;
  let digest: WeeklyDigest;
  let inChannel: TeamsOrigin;
  let outsider: TeamsOrigin;
  let clock = MONDAY_10AM.getTime();
  const now = () => new Date(clock);

  before(async () => {
    opened = await openTestPostgres('teamsinsights');
    const cases = new SqlCaseStore(opened.db, { now });
    knowledge = new LiveKnowledge(loadKnowledge());
    const store = new PhrasingStore(opened.db);
    const log = new RecordingLog();
    const refresher = new PhrasingRefresher(store, knowledge, log, 60000);
    const insights = new StaffInsights({ db: opened.db, knowledge, store, refresher, timeZone: 'America/New_York', log, now });
    recorder = new SqlInsightsRecorder(opened.db, { log, now, flushMs: 60000 });
    h = await startStaffHarness(cases, new FakePortalDirectory(), [], true, { insights, knowledge, recorder });
    const messenger = new CloudMessenger(new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})), '');
    digest = new WeeklyDigest({ db: opened.db, insights, cases, messenger, timeZone: 'America/New_York', log, now });
    inChannel = { serviceUrl: h.connector.serviceUrl, tenantId: STAFF_TENANT, from: JANE, channel: { teamId: TEAM, channelId: ESCALATIONS } };
    outsider = { serviceUrl: h.connector.serviceUrl, tenantId: 'ffffffff-0000-0000-0000-000000000000', from: { id: '29:eve', name: 'Eve', aadObjectId: 'eeeeeeee-0000-4000-8000-00000000000e' } };
    // Last week and this week, both known.
    await seedWeek(opened.db, new Date(MONDAY_10AM.getTime() - 7 * 86400e3));
    await seedWeek(opened.db, MONDAY_10AM);
  });

  after(async () => {
    await h?.close();
    await opened?.close();
  });

  /** What the bot sent to `conversationId` after `from` calls. */
  const sentAfter = (from: number, conversationPrefix: string) => h.connector.calls.slice(from).filter((c) => c.conversationId.startsWith(conversationPrefix));

  it('"insights" answers staff with the digest card: the week in numbers, the change from last week, the top unanswered questions', async () => {
    const mark = h.connector.calls.length;
    expect((await h.post(teamsMessage(inChannel, 'insights'))).status).to.equal(200);
    const [card] = sentAfter(mark, ESCALATIONS).flatMap((c) => cardsOf(c.activity));
    expect(card, 'a digest card').to.exist;
    const facts = factsOf(card);
    // seedWeek: 3+4+5+3+4+5+3 = 27 conversations and answers a week, the same both weeks.
    expect(facts.Conversations).to.equal('27 (±0 vs last week)');
    expect(facts['Answers given']).to.equal('27 (±0)');
    expect(facts.Escalations).to.equal('4 (±0)');
    expect(facts.Unanswered).to.equal('7 (±0)');
    expect(textOf(card)).to.include('can I get my parking permit here');
    expect(textOf(card)).to.include('[date redacted]');
    expect(card.actions.map((a) => a.verb)).to.deep.equal([INSIGHTS_VERBS.review]);
  });

  it('the same command from outside the staff tenant is not a command: the patient flow answers it', async () => {
    const mark = h.connector.calls.length;
    await h.post(teamsMessage(outsider, 'insights'));
    expect(sentAfter(mark, 'a:personal-29:eve').flatMap((c) => cardsOf(c.activity).filter((k) => textOf(k).includes('weekly insights')))).to.have.length(0);
  });

  it('posts the weekly digest in the escalation channel once, on Monday from 09:00 in the business time zone', async () => {
    // No channel chosen yet: nothing to post, nothing claimed.
    expect(await digest.tick()).to.equal(false);
    expect((await h.post(teamsMessage(inChannel, USE_CHANNEL_COMMAND))).status).to.equal(200);
    clock = new Date('2026-11-30T13:30:00Z').getTime(); // 08:30 in Amherst: not yet
    expect(await digest.tick()).to.equal(false);
    clock = MONDAY_10AM.getTime();
    const mark = h.connector.calls.length;
    expect(await digest.tick()).to.equal(true);
    const posted = h.connector.calls.slice(mark).filter((c) => c.method === 'CREATE');
    expect(posted).to.have.length(1);
    expect(posted[0].conversationId).to.equal(ESCALATIONS);
    expect(textOf(cardsOf(posted[0].activity)[0])).to.include('weekly insights');
    // Later the same week, and from a second instance: not again.
    clock += 3 * 3600e3;
    expect(await digest.tick()).to.equal(false);
    expect(weekKey(new Date('2026-12-06T20:00:00Z'), 'America/New_York')).to.equal('2026-11-30');
    expect(weekKey(new Date('2026-12-07T15:00:00Z'), 'America/New_York')).to.equal('2026-12-07');
    clock = MONDAY_10AM.getTime();
  });

  it('the learning loop: review cards group similar questions with suggestions; an approved phrasing changes the next match, is recorded with who and when, and can be undone', async () => {
    const question = 'can i get a printout of everything my doctor wrote';
    recorder.record({ kind: 'miss', conversationId: 'p1', text: question, score: 0.9, suggestions: [] });
    recorder.record({ kind: 'miss', conversationId: 'p2', text: 'Can I get a printout of everything my doctor wrote?', score: 0.9, suggestions: [] });
    recorder.record({ kind: 'miss', conversationId: 'p3', text: 'can i get a printout of everything my doctor wrote down', score: 0.9, suggestions: [] });
    await recorder.flush();
    expect(knowledge.match(question).intent).not.to.equal('medical-records-copy');

    let mark = h.connector.calls.length;
    await h.post(teamsMessage(inChannel, 'unanswered'));
    const cards = sentAfter(mark, ESCALATIONS).flatMap((c) => cardsOf(c.activity));
    const printout = cards.find((c) => textOf(c).includes('printout of everything'))!;
    expect(printout, 'a card for the printout question').to.exist;
    expect(textOf(printout)).to.include('asked 3 times');
    expect(textOf(printout)).to.match(/Matcher's suggestions: .+\(\d\.\d\d\)/);
    const picker = printout.body.find((b) => b.type === 'Input.ChoiceSet') as { choices: Array<{ value: string }> };
    expect(picker.choices.map((c) => c.value)).to.include('medical-records-copy').and.not.include('emergency');
    const approve = printout.actions.find((a) => a.verb === INSIGHTS_VERBS.approve)!;

    // Someone outside the staff tenant cannot approve.
    const refused = await h.post(teamsCardAction(outsider, INSIGHTS_VERBS.approve, { ...approve.data, [INTENT_INPUT_ID]: 'medical-records-copy' }, 'card-1'));
    expect(JSON.stringify(refused.body)).to.include('Only the UHS help-desk team');
    expect(knowledge.match(question).intent).not.to.equal('medical-records-copy');

    const approved = await h.post(teamsCardAction(inChannel, INSIGHTS_VERBS.approve, { ...approve.data, [INTENT_INPUT_ID]: 'medical-records-copy' }, 'card-1'));
    const decided = (approved.body as { value: Card }).value;
    expect(textOf(decided)).to.include('Added as phrasings of');
    expect(textOf(decided)).to.include('by Jane Doe');
    expect(textOf(decided)).to.include('Evaluation set:');
    // The next match uses it, without a restart, and so does the next patient.
    expect(knowledge.match(question).intent).to.equal('medical-records-copy');
    mark = h.connector.calls.length;
    await h.post(webChatMessage(h.connector.serviceUrl, 'patient-printout', question));
    const answer = h.connector.calls.slice(mark).map((c) => c.activity.text ?? '').join('\n');
    expect(answer).to.include(knowledge.get('medical-records-copy')!.answer.slice(0, 40));
    const [row] = await opened.db.query<{ decided_by: string; decided_at: Date }>("SELECT decided_by, decided_at FROM phrasing_decisions WHERE intent = 'medical-records-copy' LIMIT 1");
    expect(row.decided_by).to.equal('Jane Doe');
    expect(new Date(row.decided_at).toISOString()).to.equal(now().toISOString());

    // Decided: no longer up for review.
    mark = h.connector.calls.length;
    await h.post(teamsMessage(inChannel, 'unanswered'));
    expect(sentAfter(mark, ESCALATIONS).flatMap((c) => cardsOf(c.activity)).some((c) => textOf(c).includes('printout of everything'))).to.equal(false);

    // Undo: back to before, recorded.
    const undo = decided.actions.find((a) => a.verb === INSIGHTS_VERBS.undo)!;
    const undone = await h.post(teamsCardAction(inChannel, INSIGHTS_VERBS.undo, undo.data!, 'card-1'));
    expect(textOf((undone.body as { value: Card }).value)).to.include('Undone by Jane Doe');
    expect(knowledge.match(question).intent).not.to.equal('medical-records-copy');
    const [after] = await opened.db.query<{ undone_by: string }>("SELECT undone_by FROM phrasing_decisions WHERE intent = 'medical-records-copy' LIMIT 1");
    expect(after.undone_by).to.equal('Jane Doe');
  });

  it('refuses a phrasing that would lower the evaluation, with the reason, and changes nothing', async () => {
    // "forgot password" is a password-reset question in the evaluation set.
    recorder.record({ kind: 'miss', conversationId: 'p4', text: 'forgot password', score: 0.9, suggestions: [] });
    await recorder.flush();
    const [row] = await opened.db.query<{ id: string }>("SELECT id FROM unanswered_questions WHERE text = 'forgot password'");
    const response = await h.post(teamsCardAction(inChannel, INSIGHTS_VERBS.approve, { ids: [Number(row.id)], [INTENT_INPUT_ID]: 'username-taken' }, 'card-2'));
    const card = (response.body as { value: Card }).value;
    expect(textOf(card)).to.match(/Not added: the matcher's accuracy on the evaluation set would fall from \d+\.\d% to \d+\.\d%/);
    expect(knowledge.match('forgot password').intent).to.equal('password-reset-problem');
    expect(await opened.db.query("SELECT 1 FROM phrasing_decisions WHERE intent = 'username-taken'")).to.have.length(0);
  });

  it('out of scope takes a group off the review list, and can be undone', async () => {
    let mark = h.connector.calls.length;
    await h.post(teamsMessage(inChannel, 'unanswered'));
    const parking = sentAfter(mark, ESCALATIONS)
      .flatMap((c) => cardsOf(c.activity))
      .find((c) => textOf(c).includes('parking permit'))!;
    const action = parking.actions.find((a) => a.verb === INSIGHTS_VERBS.outOfScope)!;
    const response = await h.post(teamsCardAction(inChannel, INSIGHTS_VERBS.outOfScope, action.data!, 'card-3'));
    const decided = (response.body as { value: Card }).value;
    expect(textOf(decided)).to.include('Marked out of scope');
    expect(textOf(decided)).to.include('by Jane Doe');
    const reviewed = async () => {
      mark = h.connector.calls.length;
      await h.post(teamsMessage(inChannel, 'unanswered'));
      return sentAfter(mark, ESCALATIONS)
        .flatMap((c) => cardsOf(c.activity))
        .some((c) => textOf(c).includes('parking permit'));
    };
    expect(await reviewed()).to.equal(false);
    const undo = decided.actions.find((a) => a.verb === INSIGHTS_VERBS.undo)!;
    await h.post(teamsCardAction(inChannel, INSIGHTS_VERBS.undo, undo.data!, 'card-3'));
    expect(await reviewed()).to.equal(true);
  });
});
