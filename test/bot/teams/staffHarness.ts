import { CloudAdapter, ConfigurationBotFrameworkAuthentication, MemoryStorage, type Activity } from 'botbuilder';
import { LeanConversationState } from '../../../bot/adapters/leanConversationState';
import pino from 'pino';
import type { CaseStore, InsightsRecorder, Log, PortalDirectory } from '../../../dialogs/ports';
import type { KnowledgeBase } from '../../../knowledge/types';
import type { StaffInsights } from '../../../bot/teams/staffInsights';
import { makeServer } from '../../../bot/server';
import { CloudMessenger } from '../../../bot/teams/cloudMessenger';
import { TeamsNotifier } from '../../../bot/teams/teamsNotifier';
import { TeamsStaff } from '../../../bot/teams/teamsStaff';
import { HelpDeskBot, MEMORY_PROPERTY } from '../../../bot/helpDeskBot';
import { MainDialog } from '../../../dialogs/mainDialog';
import { CaseService } from '../../../dialogs/cases/caseService';
import { RecordingOutbox } from '../../fakes/recordingOutbox';
import type { ConversationMemory } from '../../../dialogs/memory/conversationMemory';
import { makeTestServices, testSettings } from '../../fakes/services';
import { RecordingConnector } from '../../support/recordingConnector';

/** A {@link Log} that keeps every record, so tests can check what was (not) logged. */
export class RecordingLog implements Log {
  readonly records: Array<{ level: string; obj: object; msg?: string }> = [];
  debug(obj: object, msg?: string): void {
    this.records.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg?: string): void {
    this.records.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.records.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.records.push({ level: 'error', obj, msg });
  }
}

/** The tenant the harness treats as the staff tenant. */
export const STAFF_TENANT = '0d0e0f10-1112-1314-1516-171819202122';

/** A running bot: the real restify server and CloudAdapter (no app id, so no auth), talking to a recording connector. */
export interface StaffHarness {
  botUrl: string;
  connector: RecordingConnector;
  notifier: TeamsNotifier;
  /** The one case service, as bot/index.ts wires it (Teams card and the patient's chat). */
  caseService: CaseService;
  staff: TeamsStaff;
  log: RecordingLog;
  /** POSTs an activity to /api/messages; returns the HTTP status and parsed body (an invoke response). */
  post(activity: Partial<Activity>): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** Optional parts of the harness: the insights staff features, the knowledge base and the recorder the dialogs use. */
export interface StaffHarnessExtras {
  insights?: StaffInsights;
  knowledge?: KnowledgeBase;
  recorder?: InsightsRecorder;
}

/**
 * Starts the bot on an ephemeral port with `cases` and `directory`. The adapter runs without an
 * app id (no tokens to mint), while the staff policy is told requests are `authenticated`, as
 * they are in a deployment with one; pass `false` to see a deployment without authentication.
 */
export async function startStaffHarness(
  cases: CaseStore,
  directory: PortalDirectory,
  staffAadIds: string[],
  authenticated = true,
  extras: StaffHarnessExtras = {},
): Promise<StaffHarness> {
  const connector = await RecordingConnector.start();
  const log = new RecordingLog();
  // No MicrosoftAppId: requests are not authenticated, as in local development.
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const messenger = new CloudMessenger(adapter, '');
  const notifier = new TeamsNotifier({ cases, messenger, log });
  const escalations = new RecordingOutbox();
  const caseService = new CaseService({ cases, notifier, escalations, patientChat: messenger, log, now: () => new Date() });
  const staff = new TeamsStaff({ cases, caseService, directory, helpdeskEmail: testSettings.helpdeskEmail, log, tenantId: STAFF_TENANT, staffAadIds, authenticated, insights: extras.insights });
  // The real bot class and main dialog, with the Teams staff handler as bot/index.ts wires it.
  const services = makeTestServices({ cases, directory, notifier, escalations, caseService, log, ...(extras.knowledge ? { knowledge: extras.knowledge } : {}), ...(extras.recorder ? { insights: extras.recorder } : {}) });
  const conversationState = new LeanConversationState(new MemoryStorage());
  const mainDialog = new MainDialog(services, conversationState.createProperty<ConversationMemory>(MEMORY_PROPERTY));
  const bot = new HelpDeskBot({ conversationState, mainDialog, knowledge: services.knowledge, caseService, insights: services.insights, log: pino({ level: 'silent' }), helpdeskEmail: services.settings.helpdeskEmail, staff });
  const { server } = makeServer({
    adapter,
    runTurn: (context) => bot.run(context),
    log: pino({ level: 'silent' }),
    health: async () => ({ ok: true, version: 'test', storage: cases.kind, mail: 'none' }),
    bodyLimitBytes: 256 * 1024,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const botUrl = `http://127.0.0.1:${(server.address()).port}`;
  return {
    botUrl,
    connector,
    notifier,
    caseService,
    staff,
    log,
    async post(activity) {
      const res = await fetch(`${botUrl}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(activity) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      server.close();
      await connector.close();
    },
  };
}
