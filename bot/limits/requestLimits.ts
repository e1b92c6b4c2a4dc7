import type { IncomingMessage } from 'node:http';
import type { Log, RateLimiter } from '../../dialogs/ports';
import { sha256 } from '../../dialogs/accountSupport';
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
   * everyone at once, so it is off, and only authenticated-looking requests are counted.
   */
  authenticated: boolean;
  log: Log;
}

/** Whether a request may go on; when not, which limit refused it and when to retry. */
export type Admission = { allowed: true } | { allowed: false; scope: 'ip' | 'conversation'; retryAfterSeconds: number };

/** Decides whether one `/api/messages` request of `conversationId` is admitted. */
export type RequestLimiter = (req: IncomingMessage, conversationId: string) => Promise<Admission>;

const ADMITTED: Admission = { allowed: true };

/**
 * Builds the admission check of `POST /api/messages`.
 *
 * - Per IP (authentication off only): keyed by the TCP peer, loopback included. The local
 *   Direct Line hands activities to the bot in process (it limits browsers per IP itself), so
 *   nothing legitimate needs an exception, and behind a reverse proxy every visitor is a
 *   loopback peer. `X-Forwarded-For` is not believed, so behind a reverse proxy all clients
 *   share the proxy's bucket: there, limit at the proxy.
 * - Per conversation: always. With authentication on, a request without an Authorization
 *   header is not counted, because the adapter refuses it (401) anyway and an anonymous flood
 *   must not use up a real conversation's budget.
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

  return async (req, conversationId) => {
    if (!options.authenticated) {
      const byIp = await check('ip', clientIp(req, false), options.perIpPerMinute);
      if (!byIp.allowed) return byIp;
    } else if (!req.headers.authorization) {
      return ADMITTED;
    }
    return check('conversation', conversationId, options.perConversationPerMinute);
  };
}
