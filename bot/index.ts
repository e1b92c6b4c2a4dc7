import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'restify';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Storage,
} from 'botbuilder';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { loadConfig, ConfigError, type Config } from './config';
import { createLogger } from './logger';
import { makeServer, type BuiltServer, type HealthReport } from './server';
import { HelpDeskBot, MEMORY_PROPERTY } from './helpDeskBot';
import { makeOnTurnError } from './onTurnError';
import { RedisStorage } from './adapters/redisStorage';
import { ExpiringMemoryStorage } from './adapters/expiringMemoryStorage';
import { LeanConversationState } from './adapters/leanConversationState';
import { createMailer } from './adapters/mailer';
import { CsvPortalDirectory, defaultDirectoryFile } from './adapters/csvDirectory';
import { HttpPortalDirectory } from './adapters/httpDirectory';
import { createRateLimiter } from './adapters/rateLimiters';
import { RedisCaseStore } from './adapters/redisCaseStore';
import { SqlCaseStore } from './adapters/sqlCaseStore';
import { SqlInsightsRecorder, purgeExpired } from './adapters/sqlInsights';
import { openDatabase, type SqlDatabase } from './db/database';
import { migrate } from './db/migrate';
import { LiveKnowledge, PhrasingRefresher, PhrasingStore } from './insights/approvedPhrasings';
import { StaffInsights, WeeklyDigest } from './teams/staffInsights';
import { recordingEscalations } from './insights/escalationRecorder';
import { MemoryOutbox } from './adapters/memoryOutbox';
import { BullmqOutbox } from './adapters/bullmqOutbox';
import { recordOutboxEventsOnCases, type ManagedOutbox } from './adapters/outbox';
import { SafeAttachmentFetcher, ownOrigins } from './adapters/attachmentFetcher';
import type { LocalDirectLine } from './directline/localDirectLine';
import { registerChatRoutes } from './web/chatRoutes';
import { CloudMessenger } from './teams/cloudMessenger';
import { ServiceUrlPolicy } from './serviceUrls';
import { TeamsNotifier } from './teams/teamsNotifier';
import { TeamsStaff } from './teams/teamsStaff';
import { startInboundMailServer } from './inbound/inboundMailServer';
import type { DNSResolver } from 'mailauth';
import { withTurnBudget, TURN_REPLY_GRACE_MS } from './limits/turnBudget';
import { makeRequestLimiter } from './limits/requestLimits';
import { checkReadiness, mailCheck, redisCheck, type ReadinessCheck } from './health/readiness';
import { BotMetrics } from './telemetry/metrics';
import { registerMetricsRoute, startMetricsServer } from './telemetry/metricsServer';
import { startTracing, traced } from './telemetry/tracing';
import { instrumentTurn } from './telemetry/turnTelemetry';
import { MainDialog } from '../dialogs/mainDialog';
import type { DialogServices } from '../dialogs/services';
import type { ConversationMemory } from '../dialogs/conversationMemory';
import type { Mailer, PortalDirectory, CaseRecord } from '../dialogs/ports';
import type { BackoffPolicy } from '../dialogs/backoff';
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

/** How often data past its retention is deleted (and once at start-up). */
const PURGE_INTERVAL_MS = 6 * 3600 * 1000;

/** The running graph: server, adapter, bot and services, and one way to shut it all down. */
export interface App extends BuiltServer {
  config: Config;
  log: Logger;
  adapter: CloudAdapter;
  bot: HelpDeskBot;
  services: DialogServices;
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
 * The composition root: builds configuration-dependent adapters, the services the dialogs use,
 * the dialogs, the bot, the adapter and the server. The only place that picks adapters.
 */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const production = config.NODE_ENV === 'production';
  const log = overrides.log ?? createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, production });
  const now = overrides.now ?? (() => new Date());
  const redis = config.REDIS_URL ? createRedisClient(config.REDIS_URL) : null;
  redis?.on('error', (err) => log.warn({ code: 'E_REDIS', err: { code: (err as { code?: string }).code } }, 'redis error'));
  const closers: Array<() => unknown> = [];
  // Once per process; the first call decides (Azure Monitor with a connection string).
  startTracing({ connectionString: config.APPLICATIONINSIGHTS_CONNECTION_STRING });
  const metricsServed = config.METRICS_ENABLED || config.METRICS_PORT !== undefined;
  const metrics = new BotMetrics({ defaultMetrics: metricsServed });

  // The database of record, migrated before anything uses it. A database that cannot be
  // reached or migrated stops start-up with the reason.
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }, log);
  try {
    const applied = await migrate(database);
    if (applied.length) log.info({ event: 'database-migrated', kind: database.kind, applied }, 'database migrated');
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
  const insights = new SqlInsightsRecorder(database, { log, now, flushMs: config.INSIGHTS_FLUSH_MS }).start();
  const purge = () =>
    purgeExpired(database, now())
      .then((deleted) => log.info({ event: 'retention-purge', deleted }, 'expired data deleted'))
      .catch((err: unknown) => log.warn({ code: 'E_PURGE', err: { code: (err as { code?: string }).code } }, 'retention purge failed'));
  void purge();
  const purgeTimer = setInterval(() => void purge(), PURGE_INTERVAL_MS).unref();

  // The shipped knowledge plus the phrasings staff approved (reloaded every PHRASINGS_REFRESH_MS).
  const knowledge = new LiveKnowledge(loadKnowledge());
  const phrasings = new PhrasingStore(database);
  const refresher = new PhrasingRefresher(phrasings, knowledge, log, config.PHRASINGS_REFRESH_MS);
  await refresher.refresh();
  refresher.start();
  closers.push(() => refresher.stop());
  // Every call to an outside system is a child span of the turn (bot/telemetry/tracing.ts).
  const storage: Storage = traced<Storage & { readJson?: unknown; writeJson?: unknown }>(
    redis
      ? new RedisStorage(redis, { prefix: `${config.REDIS_KEY_PREFIX}state:`, ttlSeconds: config.STATE_TTL_SECONDS })
      : new ExpiringMemoryStorage(config.STATE_TTL_SECONDS, () => now().getTime()),
    'state',
    ['read', 'write', 'delete', 'readJson', 'writeJson'],
    { 'db.system': redis ? 'redis' : 'memory' },
  );
  const conversationState = new LeanConversationState(storage);

  const mailer = traced(overrides.mailer ?? createMailer({ smtpUrl: config.SMTP_URL, outboxFolder: config.MAIL_OUTBOX, from: config.MAIL_FROM }), 'mail', ['send']);
  let directory: PortalDirectory;
  if (overrides.directory) directory = overrides.directory;
  else if (config.PORTAL_API_URL) directory = new HttpPortalDirectory({ baseUrl: config.PORTAL_API_URL, token: config.PORTAL_API_TOKEN, timeoutMs: config.PORTAL_API_TIMEOUT_MS, log });
  else {
    const csv = new CsvPortalDirectory(config.DIRECTORY_FILE ?? defaultDirectoryFile(), { log });
    closers.push(() => csv.close());
    directory = csv;
  }
  directory = traced(directory, 'directory', ['lookup', 'findByEmail', 'requestPasswordReset'], { 'directory.kind': directory.kind });
  const rateLimiter = metrics.countRefusals(traced(createRateLimiter(redis, `${config.REDIS_KEY_PREFIX}rl:`), 'ratelimit', ['consume']));
  // Cases in the database when DATABASE_URL is set; else in Redis when it is (shared by instances,
  // as before); else in the embedded database, where they survive a restart.
  const cases = traced(
    redis && !config.DATABASE_URL ? new RedisCaseStore(redis, { prefix: config.REDIS_KEY_PREFIX, log, now }) : new SqlCaseStore(database, { log, now }),
    'cases',
    ['create', 'get', 'update', 'list', 'findOpenByConversation', 'getSetting', 'setSetting'],
  );
  const backoff = overrides.outboxBackoff;
  const outbox: ManagedOutbox = config.REDIS_URL
    ? new BullmqOutbox({ redisUrl: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, mailer, maxAttempts: config.ESCALATION_MAX_ATTEMPTS, backoff, log })
    : new MemoryOutbox({ mailer, maxAttempts: config.ESCALATION_MAX_ATTEMPTS, backoff, log });
  recordOutboxEventsOnCases(outbox, cases, log, now);
  closers.push(() => outbox.close());
  metrics.watchOutbox(outbox);
  const escalations = metrics.countEscalations(traced(outbox, 'outbox', ['enqueue']));

  // The server exists before the fetcher, because the fetcher's allow-list needs the port.
  let localDirectLine: LocalDirectLine | undefined;

  const authentication = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
  });
  const adapter = new CloudAdapter(authentication);
  if (!config.MicrosoftAppId && production) {
    // Allowed only by ALLOW_UNAUTHENTICATED=true (bot/config.ts); say so on every start.
    log.error({ code: 'W_AUTH_OFF' }, 'AUTHENTICATION IS OFF in production (ALLOW_UNAUTHENTICATED=true): /api/messages accepts activities from anyone');
  }
  // Replies and proactive messages go only to these (bot/serviceUrls.ts); the local Direct
  // Line's URL is known once it is registered.
  const serviceUrls = new ServiceUrlPolicy({
    allowed: config.ALLOWED_SERVICE_URLS,
    channelHosts: Boolean(config.MicrosoftAppId),
    localConnector: () => localDirectLine?.serviceUrl(),
  });
  const serviceUrlAllowed = (url: string | undefined) => serviceUrls.allows(url);
  const messenger = new CloudMessenger(adapter, config.MicrosoftAppId ?? '', serviceUrlAllowed);
  const notifier = new TeamsNotifier({ cases, messenger, log });

  // Rebuilt in listen(): the bot's own Direct Line origin (allowed although it is loopback)
  // is known only once the port is.
  let fetcher = new SafeAttachmentFetcher({ allowedOrigins: config.PUBLIC_URL ? [new URL(config.PUBLIC_URL).origin] : [], log });

  const services: DialogServices = {
    knowledge,
    directory,
    mailer,
    rateLimiter,
    cases,
    escalations,
    notifier: recordingEscalations(notifier, insights),
    insights,
    log,
    settings: {
      helpdeskEmail: config.HELPDESK_EMAIL,
      mailFrom: config.MAIL_FROM,
      businessHours: config.BUSINESS_HOURS,
      businessTimezone: config.BUSINESS_TIMEZONE,
      inboundAddress: config.INBOUND_SMTP_PORT !== undefined ? config.INBOUND_ADDRESS : null,
      inboundKey: config.INBOUND_REPLY_SECRET,
      attachmentMaxBytes: config.ATTACHMENT_MAX_BYTES,
    },
    fetchAttachment: (url, maxBytes) => fetcher.fetch(url, maxBytes),
    now,
  };

  const memoryAccessor = conversationState.createProperty<ConversationMemory>(MEMORY_PROPERTY);
  const mainDialog = new MainDialog(services, memoryAccessor);
  // Account emails go out in the background: let them finish before the process exits.
  closers.push(() => mainDialog.whenIdle());
  closers.push(() => mainDialog.handoff.pending.close());
  const staffInsights = new StaffInsights({ db: database, knowledge, store: phrasings, refresher, timeZone: config.BUSINESS_TIMEZONE, log, now });
  const digest = new WeeklyDigest({ db: database, insights: staffInsights, cases, messenger, timeZone: config.BUSINESS_TIMEZONE, log, now }).start();
  closers.push(() => digest.stop());
  const staff = new TeamsStaff({
    insights: staffInsights,
    cases,
    notifier,
    directory,
    messenger,
    log,
    tenantId: config.MicrosoftAppTenantId,
    staffAadIds: config.STAFF_AAD_IDS,
    authenticated: Boolean(config.MicrosoftAppId),
    now,
  });
  const bot = new HelpDeskBot({ conversationState, mainDialog, knowledge, cases, notifier, insights, log, helpdeskEmail: config.HELPDESK_EMAIL, staff });
  adapter.onTurnError = makeOnTurnError({ log, conversationState, helpdeskEmail: config.HELPDESK_EMAIL });

  // Liveness: the process answers. Whether Redis, the database and mail do is readiness.
  const health = (): Promise<HealthReport> =>
    Promise.resolve({
      ok: true,
      version: VERSION,
      storage: redis ? 'redis' : 'memory',
      mail: mailer.transport,
      directory: directory.kind,
      cases: cases.kind,
      outbox: outbox.kind,
      database: database.kind,
    });
  // One named check per system; a new store adds its check here. The database is not required:
  // without it FAQ answers and dialogs go on, and a handoff numbers its case locally until it is back.
  const databaseCheck: ReadinessCheck = { name: 'database', required: false, kind: database.kind, probe: async () => void (await database.query('SELECT 1')) };
  const readinessChecks: ReadinessCheck[] = [redisCheck(redis), databaseCheck, mailCheck(mailer, config.MAIL_OUTBOX)];

  const built = makeServer({
    adapter,
    // [load] per-turn time budget (TURN_TIMEOUT_MS) and rate limits of /api/messages.
    runTurn: instrumentTurn(withTurnBudget((context) => bot.run(context), { timeoutMs: config.TURN_TIMEOUT_MS, helpdeskEmail: config.HELPDESK_EMAIL, log }), metrics, log),
    admit: makeRequestLimiter({
      rateLimiter,
      perIpPerMinute: config.RATE_LIMIT_PER_IP_PER_MINUTE,
      perConversationPerMinute: config.RATE_LIMIT_PER_CONVERSATION_PER_MINUTE,
      authenticated: Boolean(config.MicrosoftAppId),
      log,
    }),
    log,
    health,
    readiness: () => checkReadiness(readinessChecks, VERSION),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    serviceUrlAllowed,
    authentication,
    extraRoutes: (server: Server, deliver) => {
      // A grace period beyond the turn budget, so a slow turn's polite reply wins over a 504.
      if (config.METRICS_ENABLED && config.METRICS_PORT === undefined) registerMetricsRoute(server, metrics, log);
      localDirectLine = registerChatRoutes(server, config, log, deliver, { deliveryTimeoutMs: config.TURN_TIMEOUT_MS + TURN_REPLY_GRACE_MS }).directLine;
    },
  });
  const { server, inFlight } = built;

  let inbound: { port: number; close(): Promise<void> } | null = null;
  let metricsListener: { port: number; close(): Promise<void> } | null = null;
  const listen = async (port = config.PORT): Promise<number> => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => resolve());
    });
    const actual = (server.address() as { port: number }).port;
    fetcher = new SafeAttachmentFetcher({ allowedOrigins: ownOrigins(actual, config.PUBLIC_URL), log });
    if (config.METRICS_PORT !== undefined) metricsListener = await startMetricsServer(config.METRICS_PORT, metrics, log);
    if (config.INBOUND_SMTP_PORT !== undefined) {
      inbound = await startInboundMailServer({
        port: config.INBOUND_SMTP_PORT,
        host: config.INBOUND_SMTP_HOST,
        cases,
        addressTemplate: config.INBOUND_ADDRESS,
        replyKey: config.INBOUND_REPLY_SECRET!,
        resolver: overrides.dnsResolver,
        allowedDomains: config.INBOUND_ALLOWED_DOMAINS,
        relay: async (record: CaseRecord, text: string, senderName: string) => {
          // Plain text: the reply is already stripped to plain text with allowed links only.
          await messenger.send(record.conversationReference, { type: 'message', textFormat: 'plain', text: `Reply from the UHS help desk${senderName ? ` (${senderName})` : ''} about case ${record.id}:\n\n${text}` });
        },
        log,
      });
    }
    return actual;
  };

  // Shutdown must finish even while Redis or SMTP is down: every step has a bound.
  const bounded = (work: unknown, ms: number) =>
    Promise.race([Promise.resolve(work).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
  const close = async (): Promise<void> => {
    server.close();
    await bounded(inFlight.drained(), 10000);
    localDirectLine?.close();
    if (inbound) await bounded(inbound.close(), 3000);
    if (metricsListener) await bounded(metricsListener.close(), 3000);
    for (const closer of closers) await bounded(closer(), 3000);
    clearInterval(purgeTimer);
    // Last: the closers above may still write cases, and the recorder writes its last batch.
    await bounded(insights.close(), 5000);
    await bounded(database.close(), 5000);
    if (redis) {
      if (redis.status === 'ready') await bounded(redis.quit(), 2000);
      redis.disconnect();
    }
  };

  const inboundMailPort = () => inbound?.port ?? null;
  const metricsPort = () => metricsListener?.port ?? null;
  return { server, inFlight, config, log, adapter, bot, services, storage, outbox, database, insights, localDirectLine, metrics, metricsPort, inboundMailPort, listen, close };
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
