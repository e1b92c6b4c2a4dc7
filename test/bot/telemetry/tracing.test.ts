import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { addSpanProcessor } from '../../../bot/telemetry/tracing';
import { DIRECTORY_CSV_HEADER } from '../../../bot/adapters/csvDirectory';
import { startTestApp, type TestApp } from '../../support/app';
import { converse, outboxIdle } from '../../support/flows';
import { TALK_TO_HELPDESK } from '../../../dialogs/prompts/replies';

/** A patient the directory knows, and what they type: none of it may reach a span or a metric. */
const PATIENT = { email: 'kasey.quillfeather@umass.edu', dob: '07/23/2004', username: 'kquillfeather', studentId: '31415926' };
const TYPED = [
  'Check my account',
  'Yes',
  PATIENT.email,
  PATIENT.dob,
  TALK_TO_HELPDESK,
  `My student ID is ${PATIENT.studentId} and my phone is 413-555-0199, please call me`,
  PATIENT.email,
  'Yes',
];
const CONVERSATION = 'conv-privacy-7f3e1d';

/** Every string in the spans a person could be recognised by (or that repeats what they typed). */
const FORBIDDEN = [
  PATIENT.email,
  PATIENT.email.split('@')[0],
  PATIENT.dob,
  '2004-07-23',
  PATIENT.username,
  PATIENT.studentId,
  '413-555-0199',
  'please call me',
  CONVERSATION,
  `user-${CONVERSATION}`,
  'Test User',
];

/** Everything a span carries to an exporter, as text. */
function spanText(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    events: span.events,
    links: span.links,
    status: span.status,
    resource: span.resource.attributes,
  });
}

describe('Tracing: a span per turn and per call it makes, trace ids in log lines, no personal data', function () {
  this.timeout(60000);
  const exporter = new InMemorySpanExporter();
  let removeProcessor: () => void;
  let t: TestApp;
  let folder: string;

  before(async () => {
    removeProcessor = addSpanProcessor(new SimpleSpanProcessor(exporter));
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-trace-'));
    const directory = path.join(folder, 'directory.csv');
    fs.writeFileSync(directory, `${DIRECTORY_CSV_HEADER}\n${PATIENT.email},${PATIENT.dob},${PATIENT.username},umass\n`);
    t = await startTestApp({ DIRECTORY_FILE: directory, METRICS_ENABLED: 'true' });
  });
  after(async () => {
    await t.stop();
    removeProcessor();
    fs.rmSync(folder, { recursive: true, force: true });
  });
  beforeEach(() => exporter.reset());

  it('records bot.turn with its outcome, the calls of the turn as its children, and the turn trace id on the log lines of the turn', async () => {
    const logsBefore = t.logs.lines.length;
    await converse(t, 'conv-trace', ['Check my account', 'Yes']);
    const spans = exporter.getFinishedSpans();
    const turns = spans.filter((s) => s.name === 'bot.turn');
    expect(turns).to.have.length(2);
    expect(turns.map((s) => s.attributes['bot.turn.outcome'])).to.deep.equal(['dialog', 'dialog']);
    expect(turns[0].attributes['bot.channel']).to.equal('test');
    for (const turn of turns) {
      const traceId = turn.spanContext().traceId;
      const children = spans.filter((s) => s.spanContext().traceId === traceId && s !== turn);
      const names = children.map((s) => s.name);
      // The state read and write of the turn (memory storage here: read and write).
      expect(names).to.include.members(['state.read', 'state.write']);
      for (const child of children) expect(child.parentSpanContext?.spanId, child.name).to.be.a('string');
    }
    // A log line written during the second turn carries that turn's trace id.
    const traceIds = new Set(turns.map((s) => s.spanContext().traceId));
    const lines = t.logs.lines.slice(logsBefore).map((l) => JSON.parse(l) as { trace_id?: string });
    const traced = lines.filter((l) => l.trace_id);
    expect(traced.length, 'log lines with a trace id').to.be.greaterThan(0);
    for (const line of traced) expect(traceIds.has(line.trace_id!), line.trace_id).to.equal(true);
  });

  it('an account check and a handoff with an email, a date of birth and an ID number leave none of them in spans or metrics', async () => {
    const replies = await converse(t, CONVERSATION, TYPED);
    // The conversation really went through the account check and the handoff.
    expect(replies.join('\n')).to.match(/UHS-[0-9A-Z]{6}/);
    await outboxIdle(t);
    const spans = exporter.getFinishedSpans();
    const names = new Set(spans.map((s) => s.name));
    for (const name of ['bot.turn', 'directory.lookup', 'cases.create', 'outbox.enqueue', 'mail.send', 'ratelimit.consume']) {
      expect(names.has(name), `a ${name} span`).to.equal(true);
    }
    const text = spans.map(spanText).join('\n');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    for (const secret of FORBIDDEN) {
      expect(text, `spans contain "${secret}"`).not.to.include(secret);
      expect(metrics, `metrics contain "${secret}"`).not.to.include(secret);
    }
    // No message text either: nothing the user typed appears, word for word.
    for (const typed of TYPED.filter((m) => m.length > 12)) expect(text).not.to.include(typed);
    expect(text).not.to.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);
  });
});
