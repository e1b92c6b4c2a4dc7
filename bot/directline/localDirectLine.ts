import type { Attachment, ChannelAccount } from 'botframework-schema';
import type { AddressInfo } from 'node:net';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Log } from '../../dialogs/ports/logger';
import {
  clientActivitySchema,
  firstIssue,
  membersAddedActivity,
  uploadActivitySchema,
  userActivity,
  type ClientActivity,
  type UserActivityContext,
} from './activities';
import type { BotDelivery } from './botDelivery';
import { ATTACHMENT_ID, connectorBasePath, registerConnectorRoutes, sendAttachmentBytes } from './connectorRoutes';
import {
  ConversationStore,
  DEFAULT_CONVERSATION_LIMITS,
  type Conversation,
  type ConversationLimits,
  type StoredAttachment,
} from './conversationStore';
import {
  HttpError,
  WindowLimiter,
  badArgument,
  bearerOf,
  clientIp,
  paramOf,
  queryOf,
  randomId,
  readJson,
  route,
  tooManyConversations,
  type RouteBody,
} from './httpKit';
import { TokenService, type IssuedToken, type TokenGrant } from './tokens';
import { parseUpload } from './uploads';
import { REFUSED_UPLOAD_TYPE, refusedUploadAttachment, type RefusedUpload } from '../uploadRefusals';

/** Room for the `activity` part of an upload: Web Chat puts a preview of each image in it. */
const UPLOAD_ACTIVITY_BYTES = 1024 * 1024;

/**
 * A local Direct Line 3.0 service (polling mode, enough for Web Chat) on the bot's own restify
 * server, so that `npm start` alone serves a working chat page with no Azure at all.
 *
 * Browser → `/directline/*` (token-guarded, rate-limited) → the bot's `/api/messages`
 * (through {@link BotDelivery}) → the bot replies to its `serviceUrl`, our loopback
 * `/_connector/<key>/v3/*` Connector routes → the conversation's stream → the browser polls it by watermark.
 */

/** Where the Direct Line routes live; Web Chat's `domain` is this path on our origin. */
export const DIRECTLINE_BASE_PATH = '/directline';

/** Limits of the public routes; the first three come from the configuration. */
export interface LocalDirectLineLimits {
  /** Largest JSON body (BODY_LIMIT_BYTES). */
  bodyLimitBytes: number;
  /** Largest uploaded file (ATTACHMENT_MAX_BYTES). */
  attachmentMaxBytes: number;
  /** Requests per client IP per minute on all public routes (RATE_LIMIT_PER_IP_PER_MINUTE). */
  ratePerIpPerMinute: number;
  /** Activities and uploads per conversation per minute (RATE_LIMIT_PER_CONVERSATION_PER_MINUTE); default 60. */
  postsPerConversationPerMinute?: number;
  /** New tokens and conversations per client IP per minute; default a tenth of the IP rate, at least 5. */
  startsPerIpPerMinute?: number;
  /** Token lifetime; default 1800 s like Azure (Web Chat refreshes every 15 minutes). */
  tokenTtlSeconds?: number;
  /** Activities per GET; default 100. */
  pageSize?: number;
  /** Files per upload request; default 5. */
  maxFilesPerUpload?: number;
  /** How often idle conversations are swept; default 60 s. */
  sweepIntervalMs?: number;
  /** Memory caps of the conversation store. */
  conversations?: Partial<ConversationLimits>;
}

/** Options of {@link registerLocalDirectLine}. */
export interface LocalDirectLineOptions {
  /** Hands user activities to the bot (see `httpBotDelivery`). */
  deliver: BotDelivery;
  /** Base URL of this server as the bot reaches it over loopback (see {@link loopbackUrl}); the Connector path is added to it. */
  serviceUrl: () => string;
  /**
   * Public base URL (PUBLIC_URL) for attachment links shown to the browser. Unset: the links
   * are relative, which works for our own page and widget (always served by this origin).
   */
  publicUrl?: () => string | undefined;
  limits: LocalDirectLineLimits;
  log: Log;
  /** The bot's account in activities; default id `uhs-portal-help-bot`. */
  bot?: ChannelAccount;
  /** Believe X-Forwarded-For for rate-limit keys (only behind a known reverse proxy). */
  trustProxy?: boolean;
  /** Clock (epoch ms), injectable for expiry tests. */
  now?: () => number;
  /** HMAC key for tokens; random per process by default. */
  tokenKey?: Buffer;
}

/** The running service: what the rest of the server needs from it. */
export interface LocalDirectLine {
  /** A token for a new conversation, as `POST /directline/tokens/generate` returns it. */
  issueToken(): IssuedToken;
  /** The `serviceUrl` activities carry to the bot: the Connector routes, secret key included. */
  serviceUrl(): string;
  /**
   * The stored file behind a `contentUrl` this service handed out (to the bot or the browser),
   * so the bot's attachment fetcher can read our own files in memory, without a network call.
   */
  readAttachment(contentUrl: string): StoredAttachment | undefined;
  /**
   * Forgets the activities and files this service keeps of a conversation ("delete my data"),
   * keeping it open for the bot's answer; `undefined` when it has no such conversation (another
   * channel, or one already swept).
   */
  forgetHistory(conversationId: string): { activities: number; files: number } | undefined;
  /** Drops idle conversations now (the timer does it every `sweepIntervalMs`). */
  sweep(): number;
  /** Live conversations. */
  conversationCount(): number;
  /** Stops the sweep timer and drops all conversations and files. */
  close(): void;
}

/** The bot account used when none is given. */
export const DEFAULT_BOT_ACCOUNT: ChannelAccount = { id: 'uhs-portal-help-bot', name: 'UHS Patient Portal Help', role: 'bot' };

/**
 * A getter of `http://127.0.0.1:<port>` for a server that will listen later: the port is
 * known only after `listen`, and the Connector routes accept loopback callers only.
 */
export function loopbackUrl(server: Server): () => string {
  return () => {
    const address = server.address() as AddressInfo | string | null;
    if (!address || typeof address === 'string') throw new Error('server is not listening on a TCP port');
    const host = address.address === '::1' ? '[::1]' : '127.0.0.1';
    return `http://${host}:${address.port}`;
  };
}

const startSchema = z
  .object({
    locale: z.string().max(32).optional(),
    user: z.object({ id: z.string().max(256).optional(), name: z.string().max(128).optional() }).optional(),
  })
  .loose();

const WATERMARK = /^\d{1,15}$/;

/** Registers the Direct Line and Connector routes on `server` and returns the service. */
export function registerLocalDirectLine(server: Server, options: LocalDirectLineOptions): LocalDirectLine {
  const { log, deliver } = options;
  const now = options.now ?? Date.now;
  const limits = options.limits;
  const bot = options.bot ?? DEFAULT_BOT_ACCOUNT;
  const pageSize = limits.pageSize ?? 100;
  const store = new ConversationStore({ ...DEFAULT_CONVERSATION_LIMITS, ...limits.conversations }, now);
  const tokens = new TokenService(limits.tokenTtlSeconds ?? 1800, now, options.tokenKey);
  const ipLimiter = new WindowLimiter(limits.ratePerIpPerMinute, 60);
  const startLimiter = new WindowLimiter(limits.startsPerIpPerMinute ?? Math.max(5, Math.floor(limits.ratePerIpPerMinute / 10)), 60);
  const postLimiter = new WindowLimiter(limits.postsPerConversationPerMinute ?? 60, 60);
  const base = DIRECTLINE_BASE_PATH;
  const connectorKey = randomId(24);
  const connectorUrl = (): string => `${options.serviceUrl()}${connectorBasePath(connectorKey)}`;

  registerConnectorRoutes(server, {
    store,
    log,
    bot,
    bodyLimitBytes: limits.bodyLimitBytes,
    attachmentMaxBytes: limits.attachmentMaxBytes,
    key: connectorKey,
  });
  store.startSweeping(limits.sweepIntervalMs ?? 60_000);

  const issueToken = (): IssuedToken => tokens.issue(randomId(16), `dl_${randomId(12)}`);

  /** Every public route: per-IP rate limit first, and never cached. */
  const publicRoute = (name: string, body: RouteBody) =>
    route(log, name, async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      await ipLimiter.consume(clientIp(req, options.trustProxy ?? false));
      await body(req, res);
    });

  /** 401 without a token, 403 for a bad or expired one or one of another conversation. */
  const authorize = (req: Request, conversationParam?: string): TokenGrant => {
    const grant = tokens.verify(bearerOf(req));
    if (!grant) throw new HttpError(403, 'TokenExpired', 'Token is invalid or expired');
    if (conversationParam !== undefined) {
      const wanted = (req.params as Record<string, unknown> | undefined)?.[conversationParam];
      if (wanted !== grant.conversationId) throw new HttpError(403, 'Forbidden', 'Token is not valid for this conversation');
    }
    return grant;
  };

  const liveConversation = (grant: TokenGrant): Conversation => {
    const conversation = store.get(grant.conversationId);
    if (!conversation || !conversation.started) throw new HttpError(404, 'NotFound', 'Conversation not found or expired');
    return conversation;
  };

  const context = (conversation: Conversation, grant: TokenGrant): UserActivityContext => ({
    id: conversation.nextActivityId(),
    conversationId: conversation.id,
    userId: grant.userId,
    bot,
    timestamp: new Date(now()),
  });

  /** Echoes the user's activity into the stream (not typing), then waits for the bot's turn. */
  const postToBot = async (
    conversation: Conversation,
    grant: TokenGrant,
    input: ClientActivity,
    attachments?: { echo: Attachment[]; bot: Attachment[] },
  ): Promise<string> => {
    const ctx = context(conversation, grant);
    if (input.type !== 'typing') store.append(conversation, userActivity(input, ctx, attachments?.echo));
    await deliver(userActivity(input, { ...ctx, serviceUrl: connectorUrl() }, attachments?.bot));
    return ctx.id;
  };

  const tokenBody = (issued: IssuedToken) => ({
    conversationId: issued.conversationId,
    token: issued.token,
    expires_in: issued.expiresIn,
  });

  server.post(
    `${base}/tokens/generate`,
    publicRoute('generateToken', async (req, res) => {
      await startLimiter.consume(clientIp(req, options.trustProxy ?? false));
      // A client-chosen user id is ignored: user state is keyed by it, so it must not be pickable.
      const parsed = startSchema.safeParse((await readJson(req, limits.bodyLimitBytes)) ?? {});
      if (!parsed.success) throw badArgument(firstIssue(parsed.error));
      res.send(200, tokenBody(issueToken()));
    }),
  );

  server.post(
    `${base}/tokens/refresh`,
    publicRoute('refreshToken', async (req, res) => {
      const grant = authorize(req);
      await readJson(req, limits.bodyLimitBytes); // no body expected; read to enforce the cap
      const conversation = liveConversation(grant);
      res.send(200, tokenBody(tokens.issue(conversation.id, grant.userId)));
    }),
  );

  server.post(
    `${base}/conversations`,
    publicRoute('startConversation', async (req, res) => {
      const grant = authorize(req);
      await startLimiter.consume(clientIp(req, options.trustProxy ?? false));
      const parsed = startSchema.safeParse((await readJson(req, limits.bodyLimitBytes)) ?? {});
      if (!parsed.success) throw badArgument(firstIssue(parsed.error));
      const conversation = store.getOrCreate(grant.conversationId);
      if (!conversation) throw tooManyConversations();
      const fresh = !conversation.started;
      if (fresh) {
        log.debug({ conversationId: conversation.id }, 'directline conversation started');
        conversation.started = true;
        conversation.userId = grant.userId;
        const ctx = { ...context(conversation, grant), serviceUrl: connectorUrl() };
        // The welcome is best effort: a failing bot must not stop the page from connecting.
        await deliver(membersAddedActivity(ctx, parsed.data.locale)).catch((err: unknown) => {
          log.warn({ conversationId: conversation.id, code: err instanceof HttpError ? err.code : 'DeliveryFailed' }, 'conversationUpdate not delivered');
        });
      }
      res.send(fresh ? 201 : 200, tokenBody(tokens.issue(conversation.id, grant.userId)));
    }),
  );

  server.get(
    `${base}/conversations/:conversationId`,
    publicRoute('getConversation', async (req, res) => {
      const grant = authorize(req, 'conversationId');
      const conversation = liveConversation(grant);
      res.send(200, {
        conversationId: conversation.id,
        token: bearerOf(req),
        expires_in: Math.max(0, Math.floor((grant.expiresAt - now()) / 1000)),
      });
    }),
  );

  server.get(
    `${base}/conversations/:conversationId/activities`,
    publicRoute('getActivities', async (req, res) => {
      const grant = authorize(req, 'conversationId');
      const conversation = liveConversation(grant);
      const raw = queryOf(req).get('watermark') ?? '';
      if (raw !== '' && !WATERMARK.test(raw)) throw badArgument('watermark must be a non-negative integer');
      const page = conversation.page(raw === '' ? 0 : Number(raw), pageSize);
      if (!page) throw badArgument('watermark is ahead of the conversation');
      res.send(200, { activities: page.activities, watermark: String(page.watermark) });
    }),
  );

  server.post(
    `${base}/conversations/:conversationId/activities`,
    publicRoute('postActivity', async (req, res) => {
      const grant = authorize(req, 'conversationId');
      await postLimiter.consume(grant.conversationId);
      const conversation = liveConversation(grant);
      const body = await readJson(req, limits.bodyLimitBytes);
      if (body === undefined) throw badArgument('An activity is required');
      const parsed = clientActivitySchema.safeParse(body);
      if (!parsed.success) throw badArgument(firstIssue(parsed.error));
      // Refused-upload notes come from this service only, never from a client.
      const attachments = parsed.data.attachments?.filter((a) => a.contentType !== REFUSED_UPLOAD_TYPE);
      res.send(200, { id: await postToBot(conversation, grant, { ...parsed.data, attachments }) });
    }),
  );

  server.post(
    `${base}/conversations/:conversationId/upload`,
    publicRoute('upload', async (req, res) => {
      const grant = authorize(req, 'conversationId');
      await postLimiter.consume(grant.conversationId);
      const conversation = liveConversation(grant);
      // ?userId= is ignored on purpose: the token decides who the sender is.
      const upload = await parseUpload(req, {
        maxFileBytes: limits.attachmentMaxBytes,
        maxFiles: limits.maxFilesPerUpload ?? 5,
        // Web Chat's template carries a preview of each image (a data: URL, dropped after parsing).
        maxActivityBytes: Math.max(limits.bodyLimitBytes, UPLOAD_ACTIVITY_BYTES),
      });
      if (upload.files.length === 0 && upload.refused.length === 0) throw badArgument('The upload holds no file');
      const template = uploadActivitySchema.safeParse(upload.activity ?? {});
      if (!template.success) throw badArgument(firstIssue(template.error));
      const stored: StoredAttachment[] = [];
      // Files not kept still reach the bot, as notes: it tells the user the limit and what to do.
      const refused: Array<{ name: string; contentType: string; note: RefusedUpload }> = upload.refused.map((f) => ({
        name: f.name,
        contentType: f.contentType,
        note: { reason: f.reason, sizeBytes: f.sizeBytes, limit: f.reason === 'too-large' ? limits.attachmentMaxBytes : (limits.maxFilesPerUpload ?? 5) },
      }));
      for (const file of upload.files) {
        const kept = store.addAttachment(conversation, file);
        if (kept === 'conversation-quota' || kept === 'total-quota') {
          const note: RefusedUpload =
            kept === 'conversation-quota'
              ? { reason: 'conversation-quota', sizeBytes: file.bytes.length, limit: store.limits.maxAttachmentsPerConversation }
              : { reason: 'storage-full', sizeBytes: file.bytes.length, limit: store.limits.maxAttachmentBytesTotal };
          refused.push({ name: file.name, contentType: file.contentType, note });
        } else {
          stored.push(kept);
        }
      }
      // Without PUBLIC_URL the browser's link is relative to the page (`directline/...`), which
      // is right for our page and widget, also behind a proxy that serves them under a sub-path.
      log.debug(
        { conversationId: conversation.id, files: stored.length, refused: refused.map((r) => r.note.reason), bytes: stored.reduce((n, f) => n + f.bytes.length, 0) },
        'directline upload kept in memory',
      );
      const publicUrl = options.publicUrl?.();
      const echoBase = publicUrl ? `${publicUrl.replace(/\/+$/, '')}${base}` : base.slice(1);
      const toBot = connectorUrl();
      const id = await postToBot(conversation, grant, template.data, {
        // The user's bubble lists every file by name; only kept files have a link.
        echo: [
          ...stored.map((f) => ({ contentType: f.contentType, name: f.name, contentUrl: `${echoBase}/attachments/${f.id}` })),
          ...refused.map((r) => ({ contentType: r.contentType, name: r.name })),
        ],
        bot: [
          ...stored.map((f) => ({ contentType: f.contentType, name: f.name, contentUrl: `${toBot}/v3/attachments/${f.id}/views/original` })),
          ...refused.map((r) => refusedUploadAttachment(r.name, r.note)),
        ],
      });
      res.send(200, { id });
    }),
  );

  server.get(
    `${base}/attachments/:attachmentId`,
    publicRoute('getUploadedFile', async (req: Request, res: Response) => {
      // A capability URL: the 128-bit id is the credential (an <img> cannot send a bearer token).
      const file = store.attachment(paramOf(req, 'attachmentId', ATTACHMENT_ID));
      if (!file) throw new HttpError(404, 'NotFound', 'Unknown attachment');
      sendAttachmentBytes(res, file, file.bytes, false);
    }),
  );

  const ownOrigins = (): string[] => {
    const origins = [new URL(options.serviceUrl()).origin];
    const pub = options.publicUrl?.();
    if (pub) origins.push(new URL(pub).origin);
    return origins;
  };

  return {
    issueToken,
    serviceUrl: connectorUrl,
    readAttachment(contentUrl) {
      let url: URL;
      try {
        url = new URL(contentUrl);
      } catch {
        return undefined;
      }
      if (!ownOrigins().includes(url.origin)) return undefined;
      const match =
        new RegExp(`^${connectorBasePath(connectorKey)}/v3/attachments/([A-Za-z0-9_-]{22})/views/original$`).exec(url.pathname) ??
        new RegExp(`^${base}/attachments/([A-Za-z0-9_-]{22})$`).exec(url.pathname);
      return match ? store.attachment(match[1]) : undefined;
    },
    forgetHistory: (conversationId) => store.forgetHistory(conversationId),
    sweep: () => store.sweep(),
    conversationCount: () => store.size,
    close: () => store.close(),
  };
}
