import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { CaseRecord, CaseStore, NewCase } from '../../../dialogs/ports';
import { MemoryCaseStore } from '../../../bot/adapters/memoryCaseStore';
import { RedisCaseStore } from '../../../bot/adapters/redisCaseStore';
import { CASE_CARD_VERBS, REPLY_INPUT_ID } from '../../../bot/teams/caseCard';
import { ESCALATION_CHANNEL_SETTING, type EscalationChannel } from '../../../bot/teams/escalationChannel';
import { USE_CHANNEL_COMMAND } from '../../../bot/teams/staffCommands';
import {
  CASE_FEEDBACK_KEY,
  CASE_FEEDBACK_QUESTION,
  CASE_FEEDBACK_SOLVED,
  CASE_FEEDBACK_YES_TEXT,
  parseCaseFeedback,
} from '../../../dialogs/cases/caseFeedback';
import { FakePortalDirectory } from '../../fakes/fakePortalDirectory';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../support/redis';
import type { RecordedCall } from '../../support/recordingConnector';
import { teamsCardAction, teamsMessage, webChatMessage, type TeamsOrigin } from '../../support/teamsActivities';
import { MISS_REPLY as MAIN_DIALOG_MISS } from '../../../dialogs/prompts/replies';
import { STAFF_TENANT, startStaffHarness, type StaffHarness } from './staffHarness';
import { startInboundMailServer } from '../../../bot/inbound/inboundMailServer';
import { caseAddress } from '../../../dialogs/cases/caseId';
import { helpDeskMessageText } from '../../../dialogs/cases/caseService';
import { composeEscalationEmail } from '../../../dialogs/cases/escalationEmail';
import { testSettings } from '../../fakes/services';
import { sendReply, testDnsResolver, TEST_REPLY_SECRET } from '../../support/mailAuth';

const REDIS_DB = 5;
const ESCALATIONS = '19:escalations@thread.tacv2';
const TEAM = '19:helpdesk-team@thread.tacv2';
const PATIENT_CONVERSATION = 'dl-patient-conversation-1';
const JANE = { id: '29:jane', name: 'Jane Doe', aadObjectId: '7e57a11c-0000-4000-8000-00000000000a' };
const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';
const INBOUND_TEMPLATE = 'case+{id}@uhsbot.umass.edu';

type Card = { body: Array<Record<string, unknown>>; actions: Array<{ title: string }> };

/** The facts of a case card, by title. */
function factsOf(card: Card): Record<string, string> {
  const factSet = card.body.find((b) => b.type === 'FactSet') as { facts: Array<{ title: string; value: string }> };
  return Object.fromEntries(factSet.facts.map((f) => [f.title, f.value]));
}

function cardOf(call: RecordedCall): Card {
  const [attachment] = call.activity.attachments ?? [];
  expect(attachment?.contentType).to.equal(CARD_TYPE);
  return attachment.content as Card;
}

const stores: Array<{ name: string; open: () => Promise<{ cases: CaseStore; close: () => Promise<void> }> }> = [
  { name: 'memory', open: async () => ({ cases: new MemoryCaseStore(), close: async () => undefined }) },
  {
    name: 'redis',
    open: async () => {
      const redis = new Redis(testRedisUrl(REDIS_DB), { maxRetriesPerRequest: 1 });
      const prefix = uniquePrefix('teams');
      return {
        cases: new RedisCaseStore(redis, { prefix }),
        close: async () => {
          await deleteKeys(redis, prefix);
          await redis.quit();
        },
      };
    },
  },
];

for (const store of stores) {
  describe(`Teams handoff loop through the real CloudAdapter (${store.name} case store)`, () => {
    let h: StaffHarness;
    let cases: CaseStore;
    let closeStore: () => Promise<void>;
    let inChannel: TeamsOrigin;
    let inPersonalChat: TeamsOrigin;

    beforeEach(async () => {
      ({ cases, close: closeStore } = await store.open());
      h = await startStaffHarness(cases, new FakePortalDirectory(), []);
      inChannel = { serviceUrl: h.connector.serviceUrl, tenantId: STAFF_TENANT, from: JANE, channel: { teamId: TEAM, channelId: ESCALATIONS } };
      inPersonalChat = { serviceUrl: h.connector.serviceUrl, tenantId: STAFF_TENANT, from: JANE };
    });

    afterEach(async () => {
      await h.close();
      await closeStore();
    });

    async function chooseChannel(): Promise<void> {
      const { status } = await h.post(teamsMessage(inChannel, USE_CHANNEL_COMMAND));
      expect(status).to.equal(200);
    }

    /** A case as the handoff dialog opens it, through the case service (which posts the card). */
    async function openCase(): Promise<CaseRecord> {
      const input: NewCase = {
        topic: 'Password reset problem',
        intent: 'password-reset-problem',
        summary: 'The reset link says my account is not active',
        replyEmail: null,
        transcriptConsent: true,
        diagnostics: { gaveUp: 'passwordResetDialog' },
        transcript: [],
        conversationReference: {
          channelId: 'webchat',
          serviceUrl: h.connector.serviceUrl,
          conversation: { id: PATIENT_CONVERSATION, isGroup: false, conversationType: 'personal', name: '' },
          user: { id: 'dl_patient-1', name: 'You' },
          bot: { id: 'uhs-bot', name: 'UHS Portal Help' },
        },
      };
      const { record } = await h.caseService.open(input, (r) => composeEscalationEmail(r, testSettings));
      return (await cases.get(record.id))!;
    }

    async function click(verb: string, record: CaseRecord, extra: Record<string, unknown> = {}, origin: TeamsOrigin = inChannel) {
      const { status, body } = await h.post(teamsCardAction(origin, verb, { caseId: record.id, ...extra }, record.cardActivityId!));
      expect(status).to.equal(200);
      return body as { statusCode: number; type: string; value: unknown };
    }

    /** The card heads its own thread: updates and relays address `<channel>;messageid=<card id>`. */
    const threadOf = (record: CaseRecord) => `${ESCALATIONS};messageid=${record.cardActivityId}`;
    const updatesOfCard = (record: CaseRecord) => h.connector.calls.filter((c) => c.method === 'PUT' && c.conversationId === threadOf(record) && c.activityId === record.cardActivityId);

    it('"use this channel for escalations" (with an @mention) saves the channel itself, and a new case is posted there as a card', async () => {
      await chooseChannel();
      const saved = await cases.getSetting<EscalationChannel>(ESCALATION_CHANNEL_SETTING);
      expect(saved?.reference.conversation?.id).to.equal(ESCALATIONS);
      expect(saved?.reference.serviceUrl).to.equal(h.connector.serviceUrl);
      expect(saved?.setBy).to.equal('Jane Doe');
      const confirmation = await h.connector.waitFor((c) => c.conversationId.startsWith(`${ESCALATIONS};messageid=`));
      expect(confirmation.activity.text).to.match(/^Done: new help-desk cases will be posted in this channel/);

      const record = await openCase();
      // A new thread in the channel (create-conversation), not a reply in the command's thread.
      const post = await h.connector.waitFor((c) => c.method === 'CREATE' && c.conversationId === ESCALATIONS);
      expect(record.cardActivityId).to.equal(post.assignedId);
      const card = cardOf(post);
      expect(JSON.stringify(card.body)).to.contain(`Case ${record.id}`).and.to.contain('Password reset problem').and.to.contain('The reset link says my account is not active');
      expect(factsOf(card)).to.include({ Status: 'Open', 'Claimed by': 'nobody yet' });
      expect(card.actions.map((a) => a.title)).to.deep.equal(['Claim', 'Reply', 'Resolve']);
    });

    it('Claim marks the case with the staff member and updates the card in place (PUT)', async () => {
      await chooseChannel();
      const record = await openCase();
      const response = await click(CASE_CARD_VERBS.claim, record);

      expect(response.type).to.equal(CARD_TYPE);
      expect(factsOf(response.value as Card)).to.include({ Status: 'Claimed', 'Claimed by': 'Jane Doe' });
      const [update] = updatesOfCard(record);
      expect(update, 'the posted card was updated').to.not.equal(undefined);
      expect(factsOf(cardOf(update))).to.include({ Status: 'Claimed', 'Claimed by': 'Jane Doe' });
      expect(cardOf(update).actions.map((a) => a.title)).to.deep.equal(['Reply', 'Resolve']);
      const stored = (await cases.get(record.id))!;
      expect(stored.status).to.equal('claimed');
      expect(stored.claimedBy).to.equal('Jane Doe');
      expect(stored.events.map((e) => [e.type, e.by])).to.deep.include(['claimed', 'Jane Doe']);
    });

    it("Reply reaches the patient's conversation signed with the first name, and is logged on the case redacted", async () => {
      await chooseChannel();
      const record = await openCase();
      await click(CASE_CARD_VERBS.reply, record, { [REPLY_INPUT_ID]: 'We re-sent the link; your DOB 04/15/2003 matches our records.' });

      const [toPatient, ...more] = h.connector.to(PATIENT_CONVERSATION);
      expect(more).to.have.length(0);
      expect(toPatient.method).to.equal('POST');
      expect(toPatient.activity.text).to.contain('We re-sent the link').and.to.contain(`case ${record.id}`).and.to.match(/— Jane, UHS Portal Help Desk$/);
      const stored = (await cases.get(record.id))!;
      const reply = stored.events.find((e) => e.type === 'reply')!;
      expect(reply.by).to.equal('Jane Doe');
      expect(reply.detail).to.contain('[date redacted]').and.not.to.contain('04/15/2003');
      // Replying to an open case claims it, so the patient's answer comes back to the thread.
      expect(stored.status).to.equal('claimed');
      expect(factsOf(cardOf(updatesOfCard(record).at(-1)!))).to.include({ 'Replies sent': '1', 'Claimed by': 'Jane Doe' });
      expect(JSON.stringify(h.log.records)).not.to.contain('re-sent').and.not.to.contain('04/15/2003');
    });

    it("an email reply from the help desk updates the card's \"Replies sent\" count, and reaches the patient with the same wording as a Teams reply", async () => {
      await chooseChannel();
      const record = await openCase();
      // The real inbound listener (smtp-server, DKIM and DMARC checked), wired to the harness's case service.
      const inbound = await startInboundMailServer({ port: 0, addressTemplate: INBOUND_TEMPLATE, replyKey: TEST_REPLY_SECRET, resolver: testDnsResolver, allowedDomains: ['umass.edu'], cases: h.caseService });
      try {
        const err = await sendReply(inbound.port, { from: 'Pat Staff <pat.staff@uhs.umass.edu>', to: caseAddress(INBOUND_TEMPLATE, record.id, TEST_REPLY_SECRET), subject: `Re: [${record.id}]`, text: 'Your account is active now.' });
        expect(err).to.equal(null);
      } finally {
        await inbound.close();
      }
      expect(factsOf(cardOf(updatesOfCard(record).at(-1)!))).to.include({ 'Replies sent': '1' });
      const [toPatient] = h.connector.to(PATIENT_CONVERSATION);
      expect(toPatient.activity.text).to.equal(helpDeskMessageText(record.id, 'Your account is active now.', 'Pat Staff'));
      expect(toPatient.activity.text).to.match(/^Message from the UHS help desk about your case /).and.to.match(/— Pat, UHS Portal Help Desk$/);
    });

    it('Resolve closes the case, updates the card, and asks the patient "Did this solve it?" with one-click answers that are recorded', async () => {
      await chooseChannel();
      const record = await openCase();
      await click(CASE_CARD_VERBS.claim, record);
      const response = await click(CASE_CARD_VERBS.resolve, record);

      expect(factsOf(response.value as Card)).to.include({ Status: 'Resolved' });
      const lastCard = cardOf(updatesOfCard(record).at(-1)!);
      expect(factsOf(lastCard)).to.include({ Status: 'Resolved' });
      expect(lastCard.actions).to.deep.equal([]);
      expect((await cases.get(record.id))!.status).to.equal('resolved');

      const question = await h.connector.waitFor((c) => c.conversationId === PATIENT_CONVERSATION);
      expect(question.activity.text).to.contain(`resolved your case ${record.id}`).and.to.contain(CASE_FEEDBACK_QUESTION);
      const buttons = question.activity.suggestedActions!.actions;
      expect(buttons.map((b) => b.title)).to.deep.equal([CASE_FEEDBACK_YES_TEXT, 'No, I still need help']);

      // The patient clicks "Yes": Web Chat sends the button's text and value.
      const answer = parseCaseFeedback({ text: buttons[0].text, value: buttons[0].value });
      expect(answer).to.deep.equal({ caseId: record.id, solved: true });
      expect(await h.caseService.feedback(answer!, 'someone-else'), 'another conversation cannot answer').to.equal(null);
      const answered = await h.caseService.feedback(answer!, PATIENT_CONVERSATION);
      expect(answered!.events.filter((e) => e.type === 'feedback').map((e) => e.detail)).to.deep.equal([CASE_FEEDBACK_SOLVED]);
      expect(factsOf(cardOf(updatesOfCard(record).at(-1)!))).to.include({ 'Patient says': 'solved' });
      expect((buttons[0].value as Record<string, unknown>)[CASE_FEEDBACK_KEY]).to.equal(CASE_FEEDBACK_SOLVED);

      const again = await click(CASE_CARD_VERBS.resolve, record);
      expect(again).to.deep.equal({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: `${record.id} is already resolved.` });
    });

    it("relays the patient's messages to the card's thread only while the case is claimed", async () => {
      await chooseChannel();
      const record = await openCase();
      const thread = threadOf(record);
      const relays = () => h.connector.to(thread).filter((c) => c.method === 'POST');
      await h.notifier.patientMessage(record, 'before anyone claimed it');
      expect(relays()).to.deep.equal([]);

      await click(CASE_CARD_VERBS.claim, record);
      await h.notifier.patientMessage(record, 'it still says [date redacted] is wrong');
      const relayed = await h.connector.waitFor((c) => c.method === 'POST' && c.conversationId === thread);
      expect(relays()).to.have.length(1);
      expect(relayed.activity.text).to.equal(`Patient (case ${record.id}): it still says [date redacted] is wrong`);
      expect(relayed.activity.textFormat).to.equal('plain');
    });

    it('typed commands: "cases" lists open cases, "claim <id>" and "resolve <id>" work from a personal chat', async () => {
      await chooseChannel();
      const record = await openCase();
      const personal = `a:personal-${JANE.id}`;
      await h.post(teamsMessage(inPersonalChat, 'cases'));
      expect(h.connector.to(personal).at(-1)!.activity.text).to.contain(record.id).and.to.contain('Password reset problem');
      await h.post(teamsMessage(inPersonalChat, `claim ${record.id.toLowerCase()}`));
      expect(h.connector.to(personal).at(-1)!.activity.text).to.equal(`You have case ${record.id}. The patient's messages will appear in the card's thread.`);
      await h.post(teamsMessage(inPersonalChat, `resolve ${record.id}`));
      expect(h.connector.to(personal).at(-1)!.activity.text).to.equal(`${record.id} is resolved; the patient was asked whether it solved the problem.`);
      expect((await cases.get(record.id))!.status).to.equal('resolved');
      await h.post(teamsMessage(inPersonalChat, 'cases'));
      expect(h.connector.to(personal).at(-1)!.activity.text).to.equal('No open cases.');
    });

    it('ignores staff actions from another tenant and leaves commands outside Teams to the main dialog', async () => {
      await chooseChannel();
      const record = await openCase();
      const outsider: TeamsOrigin = { ...inChannel, tenantId: 'ffffffff-0000-4000-8000-000000000000', from: { ...JANE, id: '29:mallory', name: 'Mallory' } };
      const refused = await click(CASE_CARD_VERBS.claim, record, {}, outsider);
      expect(refused.value).to.equal('Only the UHS help-desk team can work on cases.');
      expect(updatesOfCard(record)).to.deep.equal([]);
      expect((await cases.get(record.id))!.status).to.equal('open');

      await h.post(teamsMessage({ ...outsider, channel: undefined }, `claim ${record.id}`));
      expect(h.connector.to(`a:personal-29:mallory`).at(-1)!.activity.text).to.equal(MAIN_DIALOG_MISS);
      await h.post(webChatMessage(h.connector.serviceUrl, 'webchat-conv', 'cases'));
      expect(h.connector.to('webchat-conv').at(-1)!.activity.text).to.equal(MAIN_DIALOG_MISS);
      expect((await cases.get(record.id))!.status).to.equal('open');
    });

    it('explains instead of saving when the channel command is sent outside a channel', async () => {
      await h.post(teamsMessage(inPersonalChat, USE_CHANNEL_COMMAND));
      expect(await cases.getSetting(ESCALATION_CHANNEL_SETTING)).to.equal(null);
      expect(h.connector.to(`a:personal-${JANE.id}`)[0].activity.text).to.contain('in the team channel that should receive the cases');
    });

    it("does not log a reply it could not deliver, and never throws when Teams or the patient's chat is unreachable", async () => {
      const unposted = await openCase();
      expect(unposted.cardActivityId, 'no channel chosen: no card').to.equal(null);

      await chooseChannel();
      const record = await openCase();
      h.connector.makeUnreachable(PATIENT_CONVERSATION);
      const reply = await click(CASE_CARD_VERBS.reply, record, { [REPLY_INPUT_ID]: 'hello' });
      expect(reply.value).to.match(/could not be reached, so nothing was sent/);
      expect((await cases.get(record.id))!.events.map((e) => e.type)).not.to.include('reply');

      h.connector.makeUnreachable(ESCALATIONS);
      const other = await openCase();
      expect(other.cardActivityId).to.equal(null);
      await h.notifier.caseUpdated(record);
      expect(h.log.records.filter((r) => r.level === 'warn').map((r) => (r.obj as { operation?: string }).operation)).to.include.members(['caseCreated', 'caseUpdated']);
    });
  });
}
