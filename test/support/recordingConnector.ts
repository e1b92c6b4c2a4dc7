import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

/** One call the bot made to the connector. */
export interface RecordedCall {
  /** `CREATE` is a new conversation (in Teams: a new thread in a channel, its root post in `activity`). */
  method: 'POST' | 'PUT' | 'CREATE';
  /** Decoded conversation id (Teams thread ids keep their `;messageid=…`); for `CREATE`, the channel's id. */
  conversationId: string;
  /** The activity id in the path: the replied-to activity (POST) or the updated one (PUT). */
  activityId: string | null;
  /** The id this connector gave the activity (POST, CREATE). */
  assignedId: string | null;
  activity: Partial<Activity>;
}

const ROUTE = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;
const CREATE_ROUTE = /^\/v3\/conversations\/?$/;

/**
 * A real HTTP server playing the Bot Framework connector (the `serviceUrl` of Teams or of a
 * Direct Line channel). It records every activity the bot sends or updates and answers like
 * the connector does (`{ id }`). Conversations can be made unreachable to test failures.
 */
export class RecordingConnector {
  /** Every call, in arrival order. */
  readonly calls: RecordedCall[] = [];
  private readonly unreachable = new Set<string>();
  private readonly waiters: Array<{ predicate: (call: RecordedCall) => boolean; resolve: (call: RecordedCall) => void }> = [];
  private nextId = 1;

  private constructor(private readonly server: http.Server) {}

  /** Starts the connector on an ephemeral port of 127.0.0.1. */
  static async start(): Promise<RecordingConnector> {
    const server: http.Server = http.createServer((req, res) => connector.handle(req, res));
    const connector = new RecordingConnector(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return connector;
  }

  /** The serviceUrl to put on activities and conversation references. */
  get serviceUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Calls made to one conversation. */
  to(conversationId: string): RecordedCall[] {
    return this.calls.filter((c) => c.conversationId === conversationId);
  }

  /** From now on, calls to `conversationId` (and, for a Teams channel, its threads) fail with 404 like a conversation that is gone. */
  makeUnreachable(conversationId: string): void {
    this.unreachable.add(conversationId);
  }

  /**
   * Resolves with the first call (already recorded or still to come) matching `predicate`;
   * rejects after `timeoutMs`, a generous upper bound rather than a sleep.
   */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 10000): Promise<RecordedCall> {
    const found = this.calls.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = { predicate, resolve: (call: RecordedCall) => (clearTimeout(timer), resolve(call)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching connector call within ${timeoutMs} ms; calls: ${JSON.stringify(this.calls.map((c) => [c.method, c.conversationId, c.activityId]))}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Stops the server. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const pathname = new URL(req.url ?? '/', 'http://connector').pathname.replace(/^\/+/, '/');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      if (req.method === 'POST' && CREATE_ROUTE.test(pathname)) return this.create(res, body);
      const match = ROUTE.exec(pathname);
      const method = req.method === 'POST' || req.method === 'PUT' ? req.method : null;
      if (!match || !method || (method === 'PUT' && !match[2])) return this.reply(res, 404, { error: { code: 'NotFound', message: 'no such route' } });
      const conversationId = decodeURIComponent(match[1]);
      const activityId = match[2] ? decodeURIComponent(match[2]) : null;
      const assignedId = method === 'POST' ? `activity-${this.nextId++}` : null;
      if (!this.record({ method, conversationId, activityId, assignedId, activity: body })) return this.notFound(res);
      this.reply(res, 200, { id: assignedId ?? activityId });
    });
  }

  /** Create-conversation: Teams opens a thread in `channelData.channel.id` and answers its id and the root post's id. */
  private create(res: http.ServerResponse, body: Record<string, unknown>): void {
    const channelId = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? '(new conversation)';
    const assignedId = `activity-${this.nextId++}`;
    if (!this.record({ method: 'CREATE', conversationId: channelId, activityId: null, assignedId, activity: body.activity as Partial<Activity> })) return this.notFound(res);
    this.reply(res, 201, { id: `${channelId};messageid=${assignedId}`, activityId: assignedId });
  }

  /** Records a call and wakes its waiters; `false` (nothing recorded) when the conversation is unreachable. */
  private record(call: RecordedCall): boolean {
    if (this.unreachable.has(call.conversationId.replace(/;messageid=.*$/, ''))) return false;
    this.calls.push(call);
    for (const waiter of this.waiters.filter((w) => w.predicate(call))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(call);
    }
    return true;
  }

  private notFound(res: http.ServerResponse): void {
    this.reply(res, 404, { error: { code: 'ConversationNotFound', message: 'conversation not found' } });
  }

  private reply(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
