import { expect } from 'chai';
import type { Activity } from 'botbuilder-core';
import { DialogTestClient } from 'botbuilder-testing';
import { DialogTurnStatus } from 'botbuilder-dialogs';
import type { CaseRecord, NewCase, TranscriptLine } from '../../dialogs/ports';
import { CASE_ID_PATTERN } from '../../dialogs/cases/caseId';
import {
  HandoffDialog,
  MAX_DESCRIPTION_LENGTH,
  NO_DESCRIPTION,
  SKIP_EMAIL,
  SKIP_ANYWAY,
  type HandoffOptions,
  type HandoffResult,
} from '../../dialogs/cases/handoffDialog';
import { PendingEscalations } from '../../dialogs/cases/pendingEscalations';
import { FakeCaseStore } from '../fakes/fakeCaseStore';
import { RecordingOutbox } from '../fakes/recordingOutbox';
import { RecordingNotifier } from '../fakes/recordingNotifier';
import { testSettings, makeTestServices, testKnowledge, type TestServices } from '../fakes/services';

const DOB = '04/12/2001';
/** Tuesday 2026-11-24 10:00 in Amherst (the default test clock): open. */
const OPEN = new Date('2026-11-24T15:00:00Z');
/** Saturday 2026-11-28 11:00 in Amherst: closed until Monday. */
const WEEKEND = new Date('2026-11-28T16:00:00Z');

function transcript(lines = 4): TranscriptLine[] {
  return Array.from({ length: lines }, (_, i) => ({
    from: i % 2 ? 'bot' : 'user',
    text: i === 0 ? `my birthday is ${DOB}` : `line ${i}`,
    at: new Date(OPEN.getTime() - (lines - i) * 1000).toISOString(),
  }));
}

const userAsked = (extra: Partial<HandoffOptions> = {}): HandoffOptions => ({ trigger: 'user-asked', intent: null, transcript: transcript(), ...extra });

/** Fast retries for the fallback queue, so a "Redis is back" test settles at once. */
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

function start(services: TestServices, options: HandoffOptions = userAsked(), pending?: PendingEscalations) {
  const dialog = new HandoffDialog(services, { pending: pending ?? new PendingEscalations(services.caseService, services.log, FAST) });
  return { dialog, client: new DialogTestClient('test', dialog, options) };
}

const textOf = (a: Partial<Activity> | undefined) => a?.text ?? '';
const buttonsOf = (a: Partial<Activity> | undefined) => (a?.suggestedActions?.actions ?? []).map((x) => x.title);

/** Runs the three questions with the given answers; returns the replies to the last answer. */
async function answerAll(client: DialogTestClient, description: string, email: string | string[], consent: string): Promise<Array<Partial<Activity>>> {
  await client.sendActivity('I need a person');
  await client.sendActivity(description);
  for (const answer of typeof email === 'string' ? [email] : email) await client.sendActivity(answer);
  const replies: Array<Partial<Activity>> = [await client.sendActivity(consent)];
  for (let next = client.getNextReply(); next; next = client.getNextReply()) replies.push(next);
  return replies;
}

const onlyCase = (services: TestServices): CaseRecord => {
  expect(services.cases.cases.size).to.equal(1);
  return [...services.cases.cases.values()][0];
};

describe('HandoffDialog', () => {
  it('asks for a description, an email (with Skip) and consent (Yes/No), each with buttons', async () => {
    const services = makeTestServices();
    const { client } = start(services);
    const first = await client.sendActivity('I need a person');
    expect(textOf(first)).to.include('In a sentence or two, what is the problem?');
    expect(buttonsOf(first)).to.deep.equal(['Cancel']);
    const second = await client.sendActivity('My upload fails');
    expect(textOf(second)).to.include('What email address should the help desk reply to?');
    expect(buttonsOf(second)).to.deep.equal([SKIP_EMAIL]);
    const warning = await client.sendActivity(SKIP_EMAIL);
    expect(textOf(warning)).to.include('nobody at the help desk will be able to answer you');
    expect(buttonsOf(warning)).to.deep.equal([SKIP_ANYWAY]);
    const third = await client.sendActivity(SKIP_ANYWAY);
    expect(textOf(third)).to.include('May I include this conversation');
    expect(buttonsOf(third)).to.deep.equal(['Yes', 'No']);
  });

  it('with consent: creates the case with the redacted transcript, queues the email, tells staff, emits handoff.initiate and gives the case number', async () => {
    const services = makeTestServices();
    const { client } = start(services);
    const replies = await answerAll(client, `My upload fails, DOB ${DOB}`, 'jdoe@umass.edu', 'Yes');

    const record = onlyCase(services);
    expect(record).to.include({ status: 'open', topic: 'My upload fails, DOB [date redacted]', intent: null, replyEmail: 'jdoe@umass.edu', transcriptConsent: true });
    expect(record.summary).to.equal('My upload fails, DOB [date redacted]');
    expect(record.transcript).to.have.length(4);
    expect(record.transcript[0].text).to.equal('my birthday is [date redacted]');
    expect(record.diagnostics).to.deep.equal({ trigger: 'user-asked' });
    expect(record.conversationReference.conversation?.id).to.be.a('string');

    const mail = services.escalations.queued.get(record.id);
    expect(mail?.subject).to.equal(`[${record.id}] My upload fails, DOB [date redacted] — portal help request`);
    expect(mail?.replyTo).to.equal('jdoe@umass.edu');
    expect(mail?.text).to.include('my birthday is [date redacted]');
    expect(JSON.stringify(mail)).not.to.include(DOB);
    expect(services.mailer.sent).to.have.length(0);
    expect(services.notifier.calls).to.deep.equal([{ kind: 'created', caseId: record.id }]);

    const [confirmation, event] = replies;
    expect(textOf(confirmation)).to.include(`Your case number is **${record.id}**`);
    expect(textOf(confirmation)).to.include('reply to jdoe@umass.edu');
    // No reply time was configured: no number is promised.
    expect(textOf(confirmation)).to.include('a member of the help desk will reply as soon as they can.');
    expect(textOf(confirmation)).not.to.match(/within \d+ business hour/);
    expect(event.type).to.equal('event');
    expect(event.name).to.equal('handoff.initiate');
    expect(event.value).to.deep.include({ caseId: record.id, trigger: 'user-asked', topic: 'My upload fails, DOB [date redacted]' });
    const attached = event.attachments?.[0]?.content as { activities: Array<Partial<Activity>> };
    expect(attached.activities.map((a) => a.text)).to.deep.equal(record.transcript.map((l) => l.text));
    expect(attached.activities[0].from?.role).to.equal('user');
    expect(JSON.stringify(event)).not.to.include(DOB);

    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    expect(client.dialogTurnResult.result as HandoffResult).to.deep.equal({ caseId: record.id });
  });

  it('skip email: no reply address, and the user is told how a reply reaches them', async () => {
    const services = makeTestServices();
    const { client } = start(services);
    const [confirmation] = await answerAll(client, 'Login spins', ['no thanks', 'no thanks'], 'Yes');
    const record = onlyCase(services);
    expect(record.replyEmail).to.equal(null);
    expect(services.escalations.queued.get(record.id)).not.to.have.property('replyTo');
    expect(textOf(confirmation)).to.include("Since you didn't leave an email address");
    expect(textOf(confirmation)).to.include('uhsportalhelp@umass.edu');
  });

  it('invalid email: says what is wrong and asks again (Skip still offered), then takes a valid one', async () => {
    const services = makeTestServices();
    const { client } = start(services);
    await client.sendActivity('I need a person');
    await client.sendActivity('Upload fails');
    const retry = await client.sendActivity('jdoe at umass');
    expect(textOf(retry)).to.include('An email address has no spaces');
    expect(textOf(retry)).to.include(`Or choose ${SKIP_EMAIL}`);
    expect(buttonsOf(retry)).to.deep.equal([SKIP_EMAIL]);
    const consent = await client.sendActivity(' JDoe@UMASS.EDU ');
    expect(textOf(consent)).to.include('May I include this conversation');
    await client.sendActivity('No');
    expect(onlyCase(services).replyEmail).to.equal('JDoe@umass.edu');
  });

  it('empty or too long description: asks again saying why', async () => {
    const services = makeTestServices();
    const { client } = start(services);
    await client.sendActivity('I need a person');
    expect(textOf(await client.sendActivity('   '))).to.include('Please type a short description');
    expect(textOf(await client.sendActivity('x'.repeat(MAX_DESCRIPTION_LENGTH + 1)))).to.include(`under ${MAX_DESCRIPTION_LENGTH} characters`);
    expect(textOf(await client.sendActivity('Upload fails'))).to.include('What email address');
  });

  it('no consent: the case and the email carry no transcript, and the handoff event none either', async () => {
    const services = makeTestServices();
    const { client } = start(services);
    const replies = await answerAll(client, 'Upload fails', SKIP_ANYWAY, 'No');
    const record = onlyCase(services);
    expect(record.transcriptConsent).to.equal(false);
    expect(record.transcript).to.deep.equal([]);
    const mail = services.escalations.queued.get(record.id);
    expect(mail?.text).to.include('The patient did not agree to include the conversation.');
    expect(mail?.text).not.to.include('line 1');
    const event = replies.find((r) => r.type === 'event');
    expect(event?.attachments).to.deep.equal([]);
  });

  it('re-prompt limit on every question: goes on (no description, no email, no consent) and still makes the case', async () => {
    const services = makeTestServices();
    const { client } = start(services);
    await client.sendActivity('I need a person');
    for (let i = 0; i < 2; i++) await client.sendActivity('');
    expect(textOf(await client.sendActivity(''))).to.include('What email address');
    for (let i = 0; i < 2; i++) await client.sendActivity('not an email');
    const gaveUpEmail = await client.sendActivity('still not');
    expect(textOf(gaveUpEmail)).to.equal("I'll go on without an email address.");
    expect(textOf(client.getNextReply())).to.include('May I include this conversation');
    for (let i = 0; i < 2; i++) await client.sendActivity('perhaps');
    const confirmation = await client.sendActivity('who knows');
    expect(textOf(confirmation)).to.match(/Your case number is \*\*UHS-/);
    const record = onlyCase(services);
    expect(record).to.include({ summary: NO_DESCRIPTION, replyEmail: null, transcriptConsent: false });
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
  });

  it('inside business hours with HELPDESK_REPLY_WITHIN_HOURS set: says the usual reply time the help desk gave', async () => {
    const services = makeTestServices({ settings: { ...testSettings, replyWithinHours: 4 } });
    const { client } = start(services);
    const replies = await answerAll(client, 'My upload fails', 'jdoe@umass.edu', 'Yes');
    expect(textOf(replies[0])).to.include('A member of the help desk usually replies within 4 business hours.');
  });

  it('outside business hours: says the help desk is closed and when it opens', async () => {
    const services = makeTestServices({ now: () => WEEKEND });
    const { client } = start(services);
    const [confirmation] = await answerAll(client, 'Upload fails', SKIP_ANYWAY, 'No');
    expect(textOf(confirmation)).to.include("We're closed now; we'll reply after we open on Monday at 9:00 AM ET.");
    expect(textOf(confirmation)).not.to.include('usually replies');
  });

  it('carries the trigger, the dialog that handed over, the last answers and diagnostics (without DOBs) into the case', async () => {
    const services = makeTestServices();
    const options = userAsked({
      trigger: 'still-failing',
      intent: 'upload-problem',
      failedDialog: 'uploadDiagnosisDialog',
      lastAnswers: ['upload-problem'],
      diagnostics: { fileType: 'image/heic', dob: DOB, note: `typed ${DOB}` },
      transcript: transcript(40),
    });
    const { client } = start(services, options);
    await answerAll(client, 'Still failing', SKIP_ANYWAY, 'Yes');
    const record = onlyCase(services);
    expect(record.topic).to.equal(testKnowledge().get('upload-problem')?.label);
    expect(record.intent).to.equal('upload-problem');
    expect(record.diagnostics).to.deep.equal({
      trigger: 'still-failing',
      failedDialog: 'uploadDiagnosisDialog',
      lastAnswers: ['upload-problem'],
      fileType: 'image/heic',
      note: 'typed [date redacted]',
    });
    expect(record.transcript).to.have.length(30);
    expect(record.transcript[29].text).to.equal('line 39');
    expect(services.escalations.queued.get(record.id)?.text).to.include('It still fails after the troubleshooting steps.');
  });

  it('case store down: the user still gets a case number, the email is queued, and the case is stored under that number once the store is back', async () => {
    class FlakyStore extends FakeCaseStore {
      down = true;
      override async create(input: NewCase, options?: { id?: string; createdAt?: Date }): Promise<CaseRecord> {
        if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return super.create(input, options);
      }
    }
    const cases = new FlakyStore();
    const services = makeTestServices({ cases });
    const { client, dialog } = start(services);
    const [confirmation] = await answerAll(client, 'Upload fails', 'jdoe@umass.edu', 'Yes');
    const caseId = /Your case number is \*\*(UHS-[0-9A-Z]{6})\*\*/.exec(textOf(confirmation))?.[1] ?? '';
    expect(caseId).to.match(CASE_ID_PATTERN);
    expect(client.dialogTurnResult.result).to.deep.equal({ caseId });
    expect(services.escalations.queued.has(caseId)).to.equal(true);
    expect(services.notifier.calls).to.deep.equal([{ kind: 'created', caseId }]);
    expect(dialog.pending.ids()).to.deep.equal([caseId]);
    expect(cases.cases.size).to.equal(0);

    cases.down = false;
    await dialog.pending.settled(caseId);
    const stored = await cases.get(caseId);
    expect(stored).to.include({ id: caseId, replyEmail: 'jdoe@umass.edu', createdAt: OPEN.toISOString() });
    expect(dialog.pending.ids()).to.deep.equal([]);
  });

  it('outbox down: the case is stored, the user gets the number, and the email is queued once the outbox is back', async () => {
    class FlakyOutbox extends RecordingOutbox {
      down = true;
      override async enqueue(jobId: string, mail: Parameters<RecordingOutbox['enqueue']>[1]): Promise<void> {
        if (this.down) throw new Error('escalation outbox: Redis did not answer');
        return super.enqueue(jobId, mail);
      }
    }
    const escalations = new FlakyOutbox();
    const services = makeTestServices({ escalations });
    const { client, dialog } = start(services);
    const [confirmation] = await answerAll(client, 'Upload fails', SKIP_ANYWAY, 'No');
    const record = onlyCase(services);
    expect(textOf(confirmation)).to.include(record.id);
    expect(escalations.queued.size).to.equal(0);
    escalations.down = false;
    await dialog.pending.settled(record.id);
    expect([...escalations.queued.keys()]).to.deep.equal([record.id]);
  });

  it('a failing staff notifier does not fail the handoff', async () => {
    class BrokenNotifier extends RecordingNotifier {
      override async caseCreated(): Promise<string | null> {
        throw new Error('Teams is down');
      }
    }
    const services = makeTestServices({ notifier: new BrokenNotifier() });
    const { client } = start(services);
    const [confirmation] = await answerAll(client, 'Upload fails', SKIP_ANYWAY, 'No');
    expect(textOf(confirmation)).to.include(`Your case number is **${onlyCase(services).id}**`);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
  });
});
