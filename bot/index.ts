import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'restify';
import type { CloudAdapter, Storage } from 'botbuilder';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DNSResolver } from 'mailauth';
import { loadConfig, ConfigError, dialogSettings, type Config } from './config';
import { createLogger } from './logger';
import { makeServer, type BuiltServer } from './server';
import { createCloudAdapter } from './cloudAdapter';
import { Shutdown } from './shutdown';
import { HelpDeskBot, MEMORY_PROPERTY } from './helpDeskBot';
import { makeOnTurnError } from './onTurnError';
import * as adapters from './adapters/fromConfig';
import { LeanConversationState } from './adapters/leanConversationState';
import { createRateLimiter } from './adapters/rateLimiters';
import { SqlInsightsRecorder, startRetentionPurge } from './adapters/sqlInsights';
import { recordOutboxEventsOnCases, type ManagedOutbox } from './adapters/outbox';
import { SafeAttachmentFetcher, ownOrigins } from './adapters/attachmentFetcher';
import type { SqlDatabase } from './db/database';
import { openMigratedDatabase } from './db/migrate';
import { startLiveKnowledge } from './insights/approvedPhrasings';
import { recordingEscalations } from './insights/escalationRecorder';
import { StaffInsights, WeeklyDigest } from './teams/staffInsights';
import { CloudMessenger } from './teams/cloudMessenger';
import { TeamsNotifier } from './teams/teamsNotifier';
import { TeamsStaff } from './teams/teamsStaff';
import type { LocalDirectLine } from './directline/localDirectLine';
import { registerChatRoutes } from './web/chatRoutes';
import { ServiceUrlPolicy } from './serviceUrls';
import { startConfiguredInboundMail, type InboundMailServer } from './inbound/inboundMailServer';
import { withTurnBudget, TURN_REPLY_GRACE_MS } from './limits/turnBudget';
import { makeRequestLimiter } from './limits/requestLimits';
import { appReadinessChecks, checkReadiness } from './health/readiness';
import { BotMetrics } from './telemetry/metrics';
import { registerMetricsRoute, startMetricsServer } from './telemetry/metricsServer';
import { startTracing, traced } from './telemetry/tracing';
import { instrumentTurn } from './telemetry/turnTelemetry';
import { MainDialog } from '../dialogs/mainDialog';
import { CaseService } from '../dialogs/cases/caseService';
import type { DialogServices } from '../dialogs/services';
import type { ConversationMemory } from '../dialogs/memory/conversationMemory';
import type { CaseStore, Mailer, PortalDirectory } from '../dialogs/ports';
import type { BackoffPolicy } from '../dialogs/cases/backoff';
import { loadKnowledge } from '../knowledge/loader';
import { projectRoot } from '../knowledge/projectRoot';

/** The package version, for /healthz. */
export const VERSION: string = (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** Replacements tests (and the terminal chat) pass instead of what the configuration picks. */
export interface AppOverrides {
  log?: Logger;
  mailer?: Mailer;
  directory?: PortalDirectory;
  now?: () => Date;
  /** Retry spacing of the escalation outbox in ms (tests use small values). */
  outboxBackoff?: BackoffPolicy;
  /** DNS lookups of the inbound mail's SPF/DKIM/DMARC checks (tests serve their own zone). */
  dnsResolver?: DNSResolver;
}

/** The running graph: server, adapter, bot and services, and one way to shut it all down. */
export interface App extends BuiltServer {
  config: Config;
  log: Logger;
  adapter: CloudAdapter;
  bot: HelpDeskBot;
  services: DialogServices;
  /** The case store (the dialogs reach cases only through `services.caseService`). */
  cases: CaseStore;
  storage: Storage;
  outbox: ManagedOutbox;
  /** The database of record: PostgreSQL (DATABASE_URL) or PGlite (DATA_DIR). */
  database: SqlDatabase;
  /** The batched insights recorder (flush it to see recent events in a report). */
  insights: SqlInsightsRecorder;
  localDirectLine?: LocalDirectLine;
  /** The bot's metrics (served at GET /metrics when enabled). */
  metrics: BotMetrics;
  /** The port of the separate metrics listener once listening (METRICS_PORT), else `null`. */
  metricsPort(): number | null;
  /** The inbound SMTP listener's port once listening (INBOUND_SMTP_PORT), else `null`. */
  inboundMailPort(): number | null;
  /** Listens on `port` (0 = ephemeral) and resolves with the port. */
  listen(port?: number): Promise<number>;
  /** Stops accepting requests, finishes turns in flight, then closes queues and Redis. */
  close(): Promise<void>;
}

/** An ioredis client that fails commands fast while Redis is down and reconnects by itself. */
export function createRedisClient(url: string): Redis {
  const client = new Redis(url, {
    // A down Redis must not hold a user's turn: fail the command and let the bot degrade.
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    // Commands issued while the event loop handles one batch of I/O (several turns' rate-limit
    // counts, state reads and writes) go to Redis in one write, flushed at setImmediate. Each
    // write to the socket is a system call; the load bench measured them as the largest single
    // cost of a turn (the load bench).
    enableAutoPipelining: true,
  });
  // Commands issued before the first connection attempt wait for it (start-up is not an
  // outage). Once it has succeeded or failed, a missing connection must fail commands at once
  // instead of queueing them until the next reconnect attempt or the command timeout: the turn
  // degrades immediately (bot/helpDeskBot.ts) and /healthz says 503 without waiting.
  const failFast = () => {
    client.options.enableOfflineQueue = false;
  };
  client.once('ready', failFast);
  client.once('reconnecting', failFast);
  return client;
}

/**
 * The composition root: builds configuration-dependent adapters (picked in
 * `bot/adapters/fromConfig.ts`), the services the dialogs use, the dialogs, the bot, the
 * adapter and the server, and wires them. Behaviour lives in the modules it wires.
 */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const production = config.NODE_ENV === 'production';
  const log = overrides.log ?? createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, production });
  const now = overrides.now ?? (() => new Date());
  const redis = config.REDIS_URL ? createRedisClient(config.REDIS_URL) : null;
  redis?.on('error', (err) => log.warn({ code: 'E_REDIS', err: { code: (err as { code?: string }).code } }, 'redis error'));
  // Once per process; the first call decides (Azure Monitor with a connection string).
  startTracing({ connectionString: config.APPLICATIONINSIGHTS_CONNECTION_STRING });
  const metrics = new BotMetrics({ defaultMetrics: config.METRICS_ENABLED || config.METRICS_PORT !== undefined });

  const database = await openMigratedDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }, log);
  const insights = new SqlInsightsRecorder(database, { log, now, flushMs: config.INSIGHTS_FLUSH_MS }).start();
  const purge = startRetentionPurge(database, { log, now });
  const { knowledge, phrasings, refresher } = await startLiveKnowledge(database, loadKnowledge(undefined, { helpdeskEmail: config.HELPDESK_EMAIL }), log, config.PHRASINGS_REFRESH_MS);
  const storage = adapters.stateStorage(config, redis, now);
  const conversationState = new LeanConversationState(storage);
  const mailer = adapters.mailer(config, overrides.mailer);
  const { directory, close: closeDirectory } = adapters.portalDirectory(config, log, overrides.directory);
  const rateLimiter = metrics.countRefusals(traced(createRateLimiter(redis, `${config.REDIS_KEY_PREFIX}rl:`), 'ratelimit', ['consume']));
  const cases = adapters.caseStore(config, redis, database, log, now);
  const outbox = adapters.escalationOutbox(config, mailer, log, overrides.outboxBackoff);
  metrics.watchOutbox(outbox);
  const escalations = metrics.countEscalations(traced(outbox, 'outbox', ['enqueue']));

  const { adapter, authentication } = createCloudAdapter(config, log);
  // Replies and proactive messages go only to these (bot/serviceUrls.ts); the local Direct
  // Line's URL is known once its routes are registered.
  let localDirectLine: LocalDirectLine | undefined;
  const serviceUrls = new ServiceUrlPolicy({ allowed: config.ALLOWED_SERVICE_URLS, channelHosts: Boolean(config.MicrosoftAppId), localConnector: () => localDirectLine?.serviceUrl() });
  const serviceUrlAllowed = (url: string | undefined) => serviceUrls.allows(url);
  const messenger = new CloudMessenger(adapter, config.MicrosoftAppId ?? '', serviceUrlAllowed);
  const notifier = recordingEscalations(new TeamsNotifier({ cases, messenger, log }), insights);
  // Every change to a case, with its card update, patient message and outbox entry.
  const caseService = new CaseService({ cases, notifier, escalations, patientChat: messenger, log, now });
  recordOutboxEventsOnCases(outbox, caseService);

  // Rebuilt in listen(): the bot's own Direct Line origin (allowed although it is loopback)
  // is known only once the port is.
  let fetcher = new SafeAttachmentFetcher({ allowedOrigins: config.PUBLIC_URL ? [new URL(config.PUBLIC_URL).origin] : [], log });
  const services: DialogServices = {
    knowledge, directory, mailer, rateLimiter, caseService, insights, log, now,
    settings: dialogSettings(config),
    fetchAttachment: (url, maxBytes) => fetcher.fetch(url, maxBytes),
  };
  const mainDialog = new MainDialog(services, conversationState.createProperty<ConversationMemory>(MEMORY_PROPERTY));
  const staffInsights = new StaffInsights({ db: database, knowledge, store: phrasings, refresher, timeZone: config.BUSINESS_TIMEZONE, log, now });
  const digest = new WeeklyDigest({ db: database, insights: staffInsights, cases, messenger, timeZone: config.BUSINESS_TIMEZONE, log, now }).start();
  const authenticated = Boolean(config.MicrosoftAppId);
  const staff = new TeamsStaff({ insights: staffInsights, cases, caseService, directory, helpdeskEmail: config.HELPDESK_EMAIL, log, tenantId: config.MicrosoftAppTenantId, staffAadIds: config.STAFF_AAD_IDS, authenticated, now });
  const bot = new HelpDeskBot({
    conversationState, mainDialog, knowledge, caseService, insights, log, helpdeskEmail: config.HELPDESK_EMAIL, staff,
    forgetChannelCopy: (conversationId) => localDirectLine?.forgetHistory(conversationId),
  });
  adapter.onTurnError = makeOnTurnError({ log, conversationState, helpdeskEmail: config.HELPDESK_EMAIL, production });

  const kinds = { storage: redis ? 'redis' : 'memory', mail: mailer.transport, directory: directory.kind, cases: cases.kind, outbox: outbox.kind, database: database.kind };
  const readinessChecks = appReadinessChecks(redis, database, mailer, config.MAIL_OUTBOX);
  const built = makeServer({
    adapter,
    runTurn: instrumentTurn(withTurnBudget((context) => bot.run(context), { timeoutMs: config.TURN_TIMEOUT_MS, helpdeskEmail: config.HELPDESK_EMAIL, log }), metrics, log),
    admit: makeRequestLimiter({ rateLimiter, perIpPerMinute: config.RATE_LIMIT_PER_IP_PER_MINUTE, perConversationPerMinute: config.RATE_LIMIT_PER_CONVERSATION_PER_MINUTE, authenticated, log }),
    log,
    // Liveness: the process answers. Whether Redis, the database and mail do is readiness.
    health: () => Promise.resolve({ ok: true, version: VERSION, ...kinds }),
    readiness: () => checkReadiness(readinessChecks, VERSION),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    serviceUrlAllowed,
    authentication,
    extraRoutes: (server: Server, deliver) => {
      if (config.METRICS_ENABLED && config.METRICS_PORT === undefined) registerMetricsRoute(server, metrics, log);
      // A grace period beyond the turn budget, so a slow turn's polite reply wins over a 504.
      localDirectLine = registerChatRoutes(server, config, log, deliver, { deliveryTimeoutMs: config.TURN_TIMEOUT_MS + TURN_REPLY_GRACE_MS }).directLine;
    },
  });
  const { server, inFlight } = built;

  let inbound: InboundMailServer | null = null;
  let metricsListener: { port: number; close(): Promise<void> } | null = null;
  const listen = async (port = config.PORT): Promise<number> => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => resolve());
    });
    const actual = (server.address() as { port: number }).port;
    fetcher = new SafeAttachmentFetcher({ allowedOrigins: ownOrigins(actual, config.PUBLIC_URL), log });
    if (config.METRICS_PORT !== undefined) metricsListener = await startMetricsServer(config.METRICS_PORT, metrics, log);
    inbound = await startConfiguredInboundMail(config, caseService, { log, resolver: overrides.dnsResolver });
    return actual;
  };

  // Shutdown must finish even while Redis or SMTP is down: every step has a bound. The
  // background work (account emails, parked escalations) comes before the stores it writes to.
  const shutdown = new Shutdown()
    .add(() => server.close())
    .add(() => inFlight.drained(), 10000)
    .add(() => localDirectLine?.close())
    .add(() => inbound?.close())
    .add(() => metricsListener?.close())
    .add(() => refresher.stop())
    .add(closeDirectory)
    .add(() => outbox.close())
    .add(() => mainDialog.whenIdle())
    .add(() => mainDialog.close())
    .add(() => digest.stop())
    .add(() => purge.stop())
    // Last: the steps above may still write cases, and the recorder writes its last batch.
    .add(() => insights.close(), 5000)
    .add(() => database.close(), 5000)
    .add(() => closeRedis(redis));

  const inboundMailPort = () => inbound?.port ?? null;
  const metricsPort = () => metricsListener?.port ?? null;
  return { server, inFlight, config, log, adapter, bot, services, cases, storage, outbox, database, insights, localDirectLine, metrics, metricsPort, inboundMailPort, listen, close: () => shutdown.run() };
}

/** Quits the Redis client politely when connected (at most 2 s), and drops the connection either way. */
async function closeRedis(redis: Redis | null): Promise<void> {
  if (!redis) return;
  if (redis.status === 'ready') await Promise.race([redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  redis.disconnect();
}

/** Starts the bot: validates the environment, builds the graph, listens, and shuts down cleanly on a signal. */
export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(config);
  const port = await app.listen(config.PORT);
  app.log.info({ port, storage: config.REDIS_URL ? 'redis' : 'memory', mail: app.services.mailer.transport }, `UHS Portal Help Bot listening: open http://localhost:${port}/`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
