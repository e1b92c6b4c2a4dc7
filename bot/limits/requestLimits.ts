import type { IncomingMessage } from 'node:http';
import type { Log, RateLimiter } from '../../dialogs/ports';
import { sha256 } from '../../dialogs/hash';
import { clientIp } from '../directline/httpKit';

/**
 * Rate limits of `POST /api/messages`: per client IP and per conversation, each a fixed
 * one-minute window. They count through the {@link RateLimiter} port, so with `REDIS_URL` the
 * counts live in Redis and hold across every bot instance behind the load balancer (and fall
 * back to per-instance memory counts while Redis is down; see `bot/adapters/rateLimiters.ts`).
 */

/** The window both limits count in (the variables say "per minute"). */
export const REQUEST_LIMIT_WINDOW_SECONDS = 60;

/** Options of {@link makeRequestLimiter}. */
export interface RequestLimitOptions {
  /** The shared limiter (Redis with REDIS_URL, memory otherwise). */
  rateLimiter: RateLimiter;
  /** RATE_LIMIT_PER_IP_PER_MINUTE. */
  perIpPerMinute: number;
  /** RATE_LIMIT_PER_CONVERSATION_PER_MINUTE. */
  perConversationPerMinute: number;
  /**
   * Whether Bot Framework authentication is on (MicrosoftAppId set). Then every request comes
   * from Azure's channel service, whose few IPs carry all users: a per-IP limit would throttle
   * everyone at once, so it is off (failed authentications are still counted per IP).
   */
  authenticated: boolean;
  log: Log;
}

/** Whether a request may go on; when not, which limit refused it and when to retry. */
export type Admission = { allowed: true } | { allowed: false; scope: 'ip' | 'conversation'; retryAfterSeconds: number };

/** The admission checks of `/api/messages`. */
export interface RequestLimiter {
  /** Decides whether one request of `conversationId` is admitted (authenticated, when authentication is on). */
  admit(req: IncomingMessage, conversationId: string): Promise<Admission>;
  /**
   * Counts one request whose authentication failed against its client IP, in a bucket of its
   * own; refused (429) past the per-IP limit. It never touches the conversation it names.
   */
  authenticationFailed(req: IncomingMessage): Promise<Admission>;
}

const ADMITTED: Admission = { allowed: true };

/**
 * Builds the admission check of `POST /api/messages`.
 *
 * - Per IP (authentication off only): keyed by the TCP peer, loopback included. The local
 *   Direct Line hands activities to the bot in process (it limits browsers per IP itself), so
 *   nothing legitimate needs an exception, and behind a reverse proxy every visitor is a
 *   loopback peer. `X-Forwarded-For` is not believed, so behind a reverse proxy all clients
 *   share the proxy's bucket: there, limit at the proxy.
 * - Per conversation: always, and only for requests that passed authentication (the server
 *   checks the token first), so an anonymous flood, or one with junk tokens, never uses up a
 *   real conversation's budget.
 * - Failed authentication: per client IP (the TCP peer), in a bucket of its own with the per-IP
 *   limit, with authentication on or off. Azure's channel service sends valid tokens, so this
 *   never throttles it.
 *
 * Keys are hashed: IPs are personal data, and conversation ids can be long.
 * A failing limiter admits (and logs): limits protect the bot, they must not take it down.
 */
export function makeRequestLimiter(options: RequestLimitOptions): RequestLimiter {
  const { rateLimiter, log } = options;
  const check = async (scope: 'ip' | 'conversation', key: string, limit: number): Promise<Admission> => {
    try {
      const decision = await rateLimiter.consume(`http:${scope}:${sha256(key)}`, limit, REQUEST_LIMIT_WINDOW_SECONDS);
      return decision.allowed ? ADMITTED : { allowed: false, scope, retryAfterSeconds: Math.max(1, decision.retryAfterSeconds) };
    } catch (err) {
      log.warn({ code: 'E_RATE_LIMITER', scope, err }, 'rate limiter failed; request admitted');
      return ADMITTED;
    }
  };

  return {
    async admit(req, conversationId) {
      if (!options.authenticated) {
        const byIp = await check('ip', clientIp(req, false), options.perIpPerMinute);
        if (!byIp.allowed) return byIp;
      }
      return check('conversation', conversationId, options.perConversationPerMinute);
    },
    authenticationFailed: (req) => check('ip', `unauthenticated:${clientIp(req, false)}`, options.perIpPerMinute),
  };
}
