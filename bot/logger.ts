import pino, { type Logger, type DestinationStream } from 'pino';
import { redact } from '../dialogs/redact';
import { activeTraceIds } from './telemetry/tracing';

/**
 * Keys whose values are never logged, whatever their content: message text, emails, dates of
 * birth, tokens. Logging them is a bug elsewhere; this is the net under it.
 */
const SECRET_KEYS = ['text', 'email', 'dob', 'password', 'authorization', 'token', 'body', 'replyEmail', 'summary', 'transcript'];

/** Keys the logger itself adds from the active span (`activeTraceIds`). */
const TRACE_KEYS = ['trace_id', 'span_id'];

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redact(value, { emails: true });
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, code: (value as { code?: unknown }).code, message: redact(value.message, { emails: true }) };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // Trace ids are hex: a run of digits in one must not be masked as an ID number.
    out[k] = SECRET_KEYS.includes(k) ? '[redacted]' : depth === 0 && TRACE_KEYS.includes(k) ? v : scrub(v, depth + 1);
  }
  return out;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  level: string;
  /** `json` for production, `pretty` for a terminal, `auto` picks pretty on a TTY outside production. */
  format: 'auto' | 'json' | 'pretty';
  production: boolean;
  /** A destination stream (tests capture log lines with it). */
  destination?: DestinationStream;
}

/**
 * The bot's pino logger. Every string in every log record, and the message itself, passes
 * through the redaction helper (emails and dates masked), and keys that carry user text are
 * dropped, so no message text, email or date of birth reaches a log at any level.
 */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.format === 'pretty' || (options.format === 'auto' && !options.production && process.stdout.isTTY === true);
  const base: pino.LoggerOptions = {
    level: options.level,
    base: { app: 'uhs-portal-help-bot' },
    // Lines written during a turn carry its trace id (and the span's), so they can be found together.
    mixin: () => activeTraceIds(),
    formatters: { log: (obj) => scrub(obj, 0) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? redact(a, { emails: true }) : a));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
    serializers: { err: (err: Error) => scrub(err, 0) },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty) return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } });
  return pino(base);
}
