import { loadKnowledge } from '../../knowledge/loader';
import type { KnowledgeBase } from '../../knowledge/types';
import { silentLog, type CaseNotifier, type CaseStore, type EscalationOutbox, type PatientChat } from '../../dialogs/ports';
import { CaseService } from '../../dialogs/cases/caseService';
import type { DialogServices, DialogSettings } from '../../dialogs/services';
import { FakePortalDirectory } from './fakePortalDirectory';
import { RecordingMailer } from './recordingMailer';
import { FakeRateLimiter } from './fakeRateLimiter';
import { FakeCaseStore } from './fakeCaseStore';
import { RecordingOutbox } from './recordingOutbox';
import { RecordingNotifier } from './recordingNotifier';
import { RecordingInsights } from './recordingInsights';

let knowledge: KnowledgeBase | null = null;

/** The real knowledge base, loaded once per test process. */
export function testKnowledge(): KnowledgeBase {
  knowledge ??= loadKnowledge();
  return knowledge;
}

/** Settings as `bot/index.ts` would derive them from the default configuration. */
export const testSettings: DialogSettings = {
  helpdeskEmail: 'uhsportalhelp@umass.edu',
  mailFrom: 'UHS Portal Help Bot <no-reply@uhs.umass.edu>',
  businessHours: 'Mon-Fri 09:00-17:00',
  businessTimezone: 'America/New_York',
  inboundAddress: null,
  attachmentMaxBytes: 10 * 1024 * 1024,
};

/**
 * The fakes inside a test services bag, typed, so tests can inspect them. `cases`, `escalations`
 * and `notifier` are not services of the dialogs: they are what the bag's case service is built
 * over, kept here so tests can look at (and set up) the store, the outbox and the staff side.
 */
export interface TestServices extends DialogServices {
  directory: FakePortalDirectory;
  mailer: RecordingMailer;
  rateLimiter: FakeRateLimiter;
  cases: FakeCaseStore;
  escalations: RecordingOutbox;
  notifier: RecordingNotifier;
  insights: RecordingInsights;
}

/** What a test may replace: any service, and the store, outbox and notifier under the case service. */
export type TestServiceOverrides = Partial<DialogServices> & { cases?: CaseStore; escalations?: EscalationOutbox; notifier?: CaseNotifier };

/** A patient chat that keeps what it was asked to send. */
export class RecordingPatientChat implements PatientChat {
  readonly sent: Array<{ conversationId: string | undefined; text: string | undefined }> = [];
  async send(reference: Parameters<PatientChat['send']>[0], activity: Parameters<PatientChat['send']>[1]): Promise<void> {
    this.sent.push({ conversationId: reference.conversation?.id, text: activity.text });
  }
}

/**
 * A full {@link DialogServices} bag of fakes (and the real knowledge base), with overrides.
 * The clock is fixed at a Tuesday 10:00 in Amherst (inside business hours) unless overridden.
 */
export function makeTestServices(overrides: TestServiceOverrides = {}): TestServices {
  const services = {
    knowledge: testKnowledge(),
    directory: new FakePortalDirectory(),
    mailer: new RecordingMailer(),
    rateLimiter: new FakeRateLimiter(),
    cases: new FakeCaseStore(),
    escalations: new RecordingOutbox(),
    notifier: new RecordingNotifier(),
    insights: new RecordingInsights(),
    log: silentLog,
    settings: testSettings,
    fetchAttachment: async () => ({ ok: false, reason: 'refused' }),
    now: () => new Date('2026-11-24T15:00:00Z'),
    ...overrides,
  } as TestServices;
  // Built over the bag's own store, notifier and outbox, so tests see its changes there.
  services.caseService = overrides.caseService ?? new CaseService({ cases: services.cases, notifier: services.notifier, escalations: services.escalations, patientChat: new RecordingPatientChat(), log: services.log, now: services.now });
  return services;
}
