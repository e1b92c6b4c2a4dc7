import { z } from 'zod';
import type { DialogSettings } from '../dialogs/services';
import { FLOW_FACTS } from '../knowledge/flowFacts';

/**
 * Start-up configuration: one zod schema over the environment. Every variable here is
 * documented in the README with its default. A bad value stops start-up with the variable's
 * name and what is wrong (see {@link loadConfig}).
 */

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
    .default(def ? 'true' : 'false')
    .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const port = (def: number) => z.coerce.number().int().min(0).max(65535).default(def);
const positiveInt = (def: number) => z.coerce.number().int().positive().default(def);

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(':', ''));
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`);

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(url(protocols).optional())
    .optional();

const email = z.string().trim().email('must be an email address');
const csvList = (def = '') =>
  z
  .string()
  .default(def)
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** The schema of every environment variable the bot reads. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port(3978),
  /** Public base URL of this server, for links to uploaded files and the attachment allow-list. Unset: page-relative links. */
  PUBLIC_URL: optionalUrl(['http', 'https']),
  /** Origins of the sites whose pages embed the chat widget (may frame the chat page); the bot's own origin always may. */
  WIDGET_ORIGINS: csvList().pipe(z.array(url(['http', 'https']).transform((v) => new URL(v).origin))),

  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: optionalString,
  /** Origins the bot may send replies and proactive messages to, besides its own Direct Line (and, with an app id, the channel services). */
  ALLOWED_SERVICE_URLS: csvList().pipe(z.array(url(['http', 'https']))),
  /** Lets a production process run without MicrosoftAppId (authentication off); refused otherwise. */
  ALLOW_UNAUTHENTICATED: bool(false),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),

  REDIS_URL: optionalUrl(['redis', 'rediss']),
  REDIS_KEY_PREFIX: z.string().min(1).default('uhsbot:'),
  STATE_TTL_SECONDS: positiveInt(30 * 24 * 3600),

  /** PostgreSQL (`postgres://…`): cases, insights and approved phrasings. Unset: PGlite in DATA_DIR. */
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  /** Folder of the embedded database (PGlite) when DATABASE_URL is unset; `memory://` keeps nothing. */
  DATA_DIR: z.string().trim().min(1).default('./data'),
  /** How often recorded insights are written to the database, in ms. */
  INSIGHTS_FLUSH_MS: positiveInt(2000),
  /** How often the bot reloads the phrasings staff approved, in ms (at most a minute). */
  PHRASINGS_REFRESH_MS: z.coerce.number().int().positive().max(60000).default(30000),

  DIRECTORY_FILE: optionalString,
  PORTAL_API_URL: optionalUrl(['http', 'https']),
  PORTAL_API_TOKEN: optionalString,
  PORTAL_API_TIMEOUT_MS: positiveInt(2000),

  SMTP_URL: optionalUrl(['smtp', 'smtps']),
  MAIL_OUTBOX: z.string().min(1).default('./outbox'),
  MAIL_FROM: z.string().min(3).default('UHS Portal Help Bot <no-reply@uhs.umass.edu>'),
  HELPDESK_EMAIL: email.default(FLOW_FACTS.helpdeskEmail),

  BUSINESS_HOURS: z
    .string()
    .regex(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)-(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{2}:\d{2}-\d{2}:\d{2}$/, 'must look like "Mon-Fri 09:00-17:00"')
    .default('Mon-Fri 09:00-17:00'),
  HELPDESK_REPLY_WITHIN_HOURS: z.coerce.number().int().min(1).max(240).optional(),
  BUSINESS_TIMEZONE: z
    .string()
    .default('America/New_York')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as America/New_York'),
  ESCALATION_MAX_ATTEMPTS: positiveInt(10),

  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  INBOUND_ADDRESS: z
    .string()
    .regex(/^[^@\s]+\+\{id\}@[^@\s]+$/, 'must look like case+{id}@example.edu')
    .default('case+{id}@uhsbot.umass.edu'),
  INBOUND_ALLOWED_DOMAINS: csvList('umass.edu,uhs.umass.edu'),
  /** Interface of the inbound listener; only this machine by default (put the MX or a forwarder in front). */
  INBOUND_SMTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** Signs reply addresses (`case+<id>.<signature>@…`); required with INBOUND_SMTP_PORT. Keep it stable: old addresses stop working when it changes. */
  INBOUND_REPLY_SECRET: z.string().min(32, 'must be at least 32 characters (for example: openssl rand -hex 32)').optional(),

  DIRECTLINE_SECRET: optionalString,
  DIRECTLINE_ENDPOINT: url(['https', 'http']).default('https://directline.botframework.com/v3/directline'),
  LOCAL_DIRECTLINE: bool(true),
  ATTACHMENT_MAX_BYTES: positiveInt(10 * 1024 * 1024),

  TEAMS_APP_ID: optionalString,
  STAFF_AAD_IDS: csvList(),

  TURN_TIMEOUT_MS: positiveInt(15000),
  BODY_LIMIT_BYTES: positiveInt(256 * 1024),
  RATE_LIMIT_PER_IP_PER_MINUTE: positiveInt(300),
  RATE_LIMIT_PER_CONVERSATION_PER_MINUTE: positiveInt(60),

  /** Serve Prometheus metrics at GET /metrics on the bot's port. */
  METRICS_ENABLED: bool(false),
  /** Serve GET /metrics on this separate port instead (implies METRICS_ENABLED). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Application Insights: export traces and metrics through the Azure Monitor OpenTelemetry distro. */
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalString,
});

/** The validated configuration. */
export type Config = z.infer<typeof configSchema>;

/** Thrown when the environment does not validate; the message names each bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates `env` (default `process.env`) and returns the typed configuration. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty or blank variable counts as unset, so `PORT=` in a .env file means "the default".
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  // Production defaults are safe: the built-in Direct Line only when asked for.
  if (set.LOCAL_DIRECTLINE === undefined) set.LOCAL_DIRECTLINE = set.NODE_ENV === 'production' ? 'false' : 'true';
  const result = configSchema.safeParse(set);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const problems = crossChecks(result.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

/**
 * Combinations that are each valid but unsafe together. Without MicrosoftAppId nothing is
 * authenticated: `/api/messages` believes whatever an activity says, so a production process
 * must not run that way by accident, and a staff tenant would only name who to impersonate.
 */
function crossChecks(config: Config): string[] {
  const problems: string[] = [];
  if (config.NODE_ENV === 'production' && !config.MicrosoftAppId && !config.ALLOW_UNAUTHENTICATED) {
    problems.push('MicrosoftAppId: required when NODE_ENV=production (authentication is off without it); set ALLOW_UNAUTHENTICATED=true to run unauthenticated anyway');
  }
  if (config.INBOUND_SMTP_PORT !== undefined && !config.INBOUND_REPLY_SECRET) {
    problems.push('INBOUND_REPLY_SECRET: required with INBOUND_SMTP_PORT (it signs the case reply addresses); for example: openssl rand -hex 32');
  }
  if (config.MicrosoftAppTenantId && !config.MicrosoftAppId) {
    problems.push('MicrosoftAppTenantId: needs MicrosoftAppId; without authentication anyone could send activities claiming the staff tenant');
  }
  return problems;
}

/**
 * The configuration for a command-line tool: a bad variable is printed (its name and what is
 * wrong) and `null` returned, so the tool can exit with status 2 instead of a stack trace.
 */
export function loadConfigForCli(env: NodeJS.ProcessEnv = process.env): Config | null {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return null;
  }
}

/** The plain settings the dialogs need, taken from the configuration. */
export function dialogSettings(config: Config): DialogSettings {
  return {
    helpdeskEmail: config.HELPDESK_EMAIL,
    mailFrom: config.MAIL_FROM,
    businessHours: config.BUSINESS_HOURS,
    businessTimezone: config.BUSINESS_TIMEZONE,
    replyWithinHours: config.HELPDESK_REPLY_WITHIN_HOURS ?? null,
    inboundAddress: config.INBOUND_SMTP_PORT !== undefined ? config.INBOUND_ADDRESS : null,
    inboundKey: config.INBOUND_REPLY_SECRET,
    attachmentMaxBytes: config.ATTACHMENT_MAX_BYTES,
  };
}
