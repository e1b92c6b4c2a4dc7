import restify, { type Request, type Response, type Server } from 'restify';
import type { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Activity, TurnContext } from 'botbuilder-core';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { RequestLimiter } from './limits/requestLimits';
import { depthWithin, MAX_JSON_DEPTH } from './directline/httpKit';
import type { ReadinessReport } from './health/readiness';

/** What `/healthz` reports. */
export interface HealthReport {
  ok: boolean;
  version: string;
  storage: string;
  mail: string;
  [detail: string]: unknown;
}

/** Everything the server needs, built by the composition root (`bot/index.ts`) or a test. */
export interface ServerDeps {
  adapter: CloudAdapter;
  /** Runs one turn: the bot's `run`. */
  runTurn: (context: TurnContext) => Promise<void>;
  log: Logger;
  /** Liveness (`GET /healthz`): answers while the process runs; asks no other system. */
  health: () => Promise<HealthReport>;
  /** Readiness (`GET /readyz`): Redis, the database and mail, each with its status. */
  readiness?: () => Promise<ReadinessReport>;
  /** Largest accepted request body in bytes (BODY_LIMIT_BYTES). */
  bodyLimitBytes: number;
  /**
   * Registers more routes (Web Chat page, local Direct Line, inbound hooks) on the same server.
   * `deliver` runs an activity through the adapter in this process, without the public route.
   */
  extraRoutes?: (server: Server, deliver: (activity: Partial<Activity>) => Promise<void>) => void;
  /**
   * Whether replies may go to an activity's `serviceUrl` (`bot/serviceUrls.ts`). An activity
   * naming any other URL gets 403 and runs no turn. Absent: every URL is allowed (test rigs).
   */
  serviceUrlAllowed?: (serviceUrl: string | undefined) => boolean;
  /** Rate limits of POST /api/messages (`bot/limits/requestLimits.ts`); absent: all admitted. */
  admit?: RequestLimiter;
  /**
   * The adapter's authentication. When given, every request's token is checked before anything
   * is counted against its conversation or run: a request that fails gets 401 without details
   * (whatever went wrong inside the check) and counts against its client IP only. Absent (test
   * rigs): the adapter checks, and answers, by itself.
   */
  authentication?: Pick<ConfigurationBotFrameworkAuthentication, 'authenticateRequest'>;
}

/**
 * The minimum an activity needs before it reaches the adapter. CloudAdapter would otherwise
 * throw deep inside (and answer 500 with internals); we answer 400 with a plain reason.
 */
const incomingActivitySchema = z.object({
  type: z.string().min(1).max(100),
  id: z.string().max(1000).optional(),
  conversation: z.object({ id: z.string().min(1).max(1000) }).passthrough(),
  from: z.object({ id: z.string().max(1000).optional() }).passthrough().optional(),
  recipient: z.object({ id: z.string().max(1000).optional() }).passthrough().optional(),
  serviceUrl: z.string().max(2000).optional(),
  channelId: z.string().max(200).optional(),
  text: z.string().max(20000).optional(),
  attachments: z.array(z.object({ contentType: z.string().max(500).optional() }).passthrough()).max(20).optional(),
  deliveryMode: z.string().max(50).optional(),
});

/** Counts requests in flight, so shutdown can wait for turns to finish. */
export class InFlight {
  private count = 0;
  private idle: Array<() => void> = [];

  enter(): void {
    this.count += 1;
  }

  leave(): void {
    this.count -= 1;
    if (this.count === 0) this.idle.splice(0).forEach((resolve) => resolve());
  }

  get size(): number {
    return this.count;
  }

  /** Resolves when no request is in flight. */
  async drained(): Promise<void> {
    if (this.count === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}

/** The built server and its in-flight counter; `listen` is left to the caller. */
export interface BuiltServer {
  server: Server;
  inFlight: InFlight;
}

/**
 * Builds the restify server without listening, so tests can start it on an ephemeral port:
 * `POST /api/messages` (CloudAdapter), `GET /healthz`, `GET /readyz`, and whatever `extraRoutes` adds.
 * Malformed input gets a 4xx, never a crash.
 */
export function makeServer(deps: ServerDeps): BuiltServer {
  const server = restify.createServer({ name: 'uhs-portal-help-bot', handleUncaughtExceptions: false });
  const inFlight = new InFlight();

  server.use((req, res, next) => {
    inFlight.enter();
    let left = false;
    const leave = () => {
      if (!left) {
        left = true;
        inFlight.leave();
      }
    };
    res.once('finish', leave);
    res.once('close', leave);
    next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));

  // jsonBodyParser chains restify's bodyReader, which enforces maxBodySize (413) and answers
  // 400 for a body that is not JSON.
  const jsonBody = restify.plugins.jsonBodyParser({ maxBodySize: deps.bodyLimitBytes, mapParams: false } as Parameters<typeof restify.plugins.jsonBodyParser>[0]);

  server.post('/api/messages', jsonBody, async (req: Request, res: Response) => {
    if (!req.is('json')) {
      res.send(415, { error: 'Content-Type must be application/json' });
      return;
    }
    // [load] Deep nesting would overflow recursive code later (JSON.stringify of the activity).
    if (!depthWithin(req.body, MAX_JSON_DEPTH)) {
      res.send(400, { error: `Invalid activity: JSON nested deeper than ${MAX_JSON_DEPTH} levels` });
      return;
    }
    const checked = incomingActivitySchema.safeParse(req.body);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      res.send(400, { error: `Invalid activity: ${issue.path.join('.') || 'body'}: ${issue.message}` });
      return;
    }
    // An expectReplies activity gets its replies in the response body, so its serviceUrl is not
    // called during the turn (local tools and HTTP tests rely on this); a proactive message to a
    // stored reference is checked again where it is sent.
    const repliesInBody = checked.data.deliveryMode === 'expectReplies';
    if (deps.serviceUrlAllowed && !repliesInBody && !deps.serviceUrlAllowed(checked.data.serviceUrl)) {
      // Nothing is called: not the URL, and not the bot (whose replies would go there).
      res.send(403, { error: 'Invalid activity: serviceUrl is not an allowed service URL' });
      return;
    }
    if (deps.authentication) {
      const authorization = req.headers.authorization ?? '';
      try {
        // A copy: the check may add to the activity, and the adapter parses the body again.
        await deps.authentication.authenticateRequest({ ...(req.body as Activity) }, authorization);
      } catch (err) {
        // A junk or forged token is refused (AuthenticationError); anything else that stops the
        // check (the signing keys cannot be fetched) is refused too, logged by code only: the
        // message names internal endpoints and must not reach the caller.
        const expected = (err as { statusCode?: unknown }).statusCode === 401;
        deps.log[expected ? 'info' : 'warn']({ code: expected ? 'E_UNAUTHENTICATED' : 'E_AUTH_CHECK_FAILED', errorName: (err as Error).name }, 'request not authenticated');
        const refusal = deps.admit ? await deps.admit.authenticationFailed(req) : null;
        if (refusal && !refusal.allowed) {
          res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
          res.send(429, { error: `Too many requests (${refusal.scope}); try again in ${refusal.retryAfterSeconds} s` });
          return;
        }
        res.send(401, { error: 'Unauthorized' });
        return;
      }
    }
    const admission = deps.admit ? await deps.admit.admit(req, checked.data.conversation.id) : null;
    if (admission && !admission.allowed) {
      res.setHeader('Retry-After', String(admission.retryAfterSeconds));
      res.send(429, { error: `Too many requests (${admission.scope}); try again in ${admission.retryAfterSeconds} s` });
      return;
    }
    try {
      await deps.adapter.process(req, res, (context) => deps.runTurn(context));
    } catch (err) {
      // Only reached for activities CloudAdapter's own schema refuses after ours passed.
      deps.log.warn({ code: 'E_ACTIVITY_REJECTED', err }, 'activity rejected');
      if (!res.headersSent) res.send(400, { error: 'Invalid activity' });
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    const report = await deps.health();
    res.send(report.ok ? 200 : 503, report);
  });

  if (deps.readiness) {
    const readiness = deps.readiness;
    server.get('/readyz', async (_req: Request, res: Response) => {
      const report = await readiness();
      res.send(report.ready ? 200 : 503, report);
    });
  }

  // The local Direct Line's way in: the adapter without HTTP, so `/api/messages` needs no
  // exception for it (with authentication off, that route would otherwise have to trust
  // whoever calls it from this machine).
  const deliver = async (activity: Partial<Activity>): Promise<void> => {
    await deps.adapter.processActivityDirect('', activity as Activity, (context) => deps.runTurn(context));
  };
  deps.extraRoutes?.(server, deliver);

  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number }, callback: () => void) => {
    // Keep restify's own 4xx answers (bad JSON, too large, not found) but never leak a stack.
    const status = err.statusCode ?? 500;
    if (status >= 500) deps.log.error({ code: 'E_HTTP', route: req.getRoute()?.path, err }, 'request failed');
    (err as { toJSON?: () => unknown }).toJSON = () => ({ error: status >= 500 ? 'Internal error' : err.message });
    callback();
  });

  return { server, inFlight };
}
