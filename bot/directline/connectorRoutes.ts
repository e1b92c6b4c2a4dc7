import type { Activity, ChannelAccount } from 'botframework-schema';
import type { Request, Response, Server } from 'restify';
import type { Log } from '../../dialogs/ports/logger';
import {
  attachmentDataSchema,
  botActivitySchema,
  DIRECTLINE_CHANNEL_ID,
  firstIssue,
} from './activities';
import type { Conversation, ConversationStore, StoredAttachment } from './conversationStore';
import { timingSafeEqual } from 'node:crypto';
import { HttpError, badArgument, isLoopback, isProxied, paramOf, readJson, route } from './httpKit';

/**
 * The Bot Connector v3 routes the bot replies through: its `serviceUrl` points at this server,
 * so botbuilder's ConnectorClient sends replies, updates, deletes and attachment uploads here,
 * and they land in the Direct Line streams the browser polls.
 *
 * Who may call them: only the bot itself. The routes live under a path holding a random
 * per-process key (`/_connector/<key>/v3/...`), and the `serviceUrl` the bot gets carries it,
 * so botbuilder's ConnectorClient sends it without a custom credentials class while nobody
 * else knows it. Being on this machine is not enough: behind a reverse proxy every visitor is.
 * Requests from another host, or relayed by a proxy that says so, are refused as well.
 *
 * Conversations are created only by the Direct Line clients (`localDirectLine.ts`); the bot
 * may post into a live one but never start one, so a caller cannot fill the store.
 */

/** What the Connector routes share with the Direct Line routes. */
export interface ConnectorContext {
  store: ConversationStore;
  log: Log;
  bot: ChannelAccount;
  /** Largest JSON body the bot may send. */
  bodyLimitBytes: number;
  /** Largest attachment (the bot's base64 uploads are capped from it). */
  attachmentMaxBytes: number;
  /** The secret path segment of the routes (see the module comment). */
  key: string;
}

/** Where the Connector routes live: `serviceUrl` is the server's loopback URL plus this. */
export function connectorBasePath(key: string): string {
  return `/_connector/${key}`;
}

/** Ids the bot may use: anything printable up to 256 characters (proactive ids included). */
// eslint-disable-next-line no-control-regex -- refusing control characters in untrusted ids is the point
export const CONNECTOR_ID = /^[^\s\u0000-\u001f\u007f]{1,256}$/u;
/** Attachment ids we issue (`randomId(16)`). */
export const ATTACHMENT_ID = /^[A-Za-z0-9_-]{22}$/;

/** The views an attachment has (`original`, plus `thumbnail` when the bot gave one). */
export function attachmentViews(file: StoredAttachment): Array<{ viewId: string; size: number }> {
  const views = [{ viewId: 'original', size: file.bytes.length }];
  if (file.thumbnail) views.push({ viewId: 'thumbnail', size: file.thumbnail.length });
  return views;
}

/**
 * Sends a file's bytes. To the bot (`trusted`) with its declared type; to browsers only
 * well-known image types keep theirs, anything else downloads as octet-stream under a sandbox
 * CSP, so an uploaded HTML or SVG file can never run as a page of our origin.
 */
export function sendAttachmentBytes(res: Response, file: StoredAttachment, bytes: Buffer, trusted: boolean): void {
  const safeImage = /^image\/(png|jpeg|gif|bmp|webp|tiff)$/.test(file.contentType);
  const type = trusted || safeImage ? file.contentType : 'application/octet-stream';
  const disposition = `${safeImage ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.name)}`;
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': String(bytes.length),
    'Content-Disposition': disposition,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, no-store',
  });
  res.end(bytes);
}

/** Registers the `/v3` routes on `server`. */
export function registerConnectorRoutes(server: Server, context: ConnectorContext): void {
  const { store, log, bot } = context;
  // Base64 makes 4 bytes of 3; two views (original and thumbnail) at most.
  const attachmentBodyLimit = Math.ceil((context.attachmentMaxBytes * 2 * 4) / 3) + 64 * 1024;

  const key = Buffer.from(context.key);
  const keyMatches = (req: Request): boolean => {
    const param = (req.params as Record<string, unknown> | undefined)?.connectorKey;
    const given = Buffer.from(typeof param === 'string' ? param : '');
    return given.length === key.length && timingSafeEqual(given, key);
  };
  const guarded = (name: string, body: (req: Request, res: Response) => Promise<void>) =>
    route(log, name, async (req, res) => {
      // Same answer as an unknown route: the key's existence is not confirmed either.
      if (!keyMatches(req)) throw new HttpError(404, 'NotFound', 'Not found');
      if (!isLoopback(req.socket.remoteAddress) || isProxied(req)) {
        throw new HttpError(403, 'Forbidden', 'The Connector routes serve the local bot only');
      }
      await body(req, res);
    });

  /** A live conversation; 404 for one no Direct Line client started (or one swept since). */
  const conversationOf = (req: Request): Conversation => {
    const conversation = store.get(paramOf(req, 'conversationId', CONNECTOR_ID));
    if (!conversation || !conversation.started) throw new HttpError(404, 'NotFound', 'Conversation not found or expired');
    return conversation;
  };

  const readActivity = async (req: Request): Promise<Partial<Activity>> => {
    const parsed = botActivitySchema.safeParse(await readJson(req, context.bodyLimitBytes));
    if (!parsed.success) throw badArgument(firstIssue(parsed.error));
    return parsed.data;
  };

  /**
   * The activity as the stream keeps it: in this conversation, on this channel, from the bot
   * unless it says otherwise, and without our loopback serviceUrl (no business of browsers').
   */
  const stamp = (conversation: Conversation, activity: Partial<Activity>): Partial<Activity> => {
    const { serviceUrl: _internal, ...visible } = activity;
    return {
      ...visible,
      channelId: DIRECTLINE_CHANNEL_ID,
      conversation: { ...(visible.conversation ?? {}), id: conversation.id } as Activity['conversation'],
      from: visible.from ?? bot,
    };
  };

  /** Appends a new bot activity (the service, not the bot, picks its id). */
  const post = (conversation: Conversation, activity: Partial<Activity>, replyToId?: string): string =>
    store.append(conversation, { ...stamp(conversation, activity), id: undefined, ...(replyToId ? { replyToId } : {}) }).id;

  const v3 = `${connectorBasePath(':connectorKey')}/v3`;

  server.post(
    `${v3}/conversations`,
    guarded('createConversation', async () => {
      throw new HttpError(403, 'Forbidden', 'Conversations are started by Direct Line clients only');
    }),
  );

  server.post(
    `${v3}/conversations/:conversationId/activities`,
    guarded('sendToConversation', async (req, res) => {
      const conversation = conversationOf(req);
      res.send(200, { id: post(conversation, await readActivity(req)) });
    }),
  );

  server.post(
    `${v3}/conversations/:conversationId/activities/:activityId`,
    guarded('replyToActivity', async (req, res) => {
      const conversation = conversationOf(req);
      const replyToId = paramOf(req, 'activityId', CONNECTOR_ID);
      res.send(200, { id: post(conversation, await readActivity(req), replyToId) });
    }),
  );

  server.put(
    `${v3}/conversations/:conversationId/activities/:activityId`,
    guarded('updateActivity', async (req, res) => {
      const conversation = conversationOf(req);
      const activityId = paramOf(req, 'activityId', CONNECTOR_ID);
      const update = await readActivity(req);
      // Web Chat replaces a rendered activity by a later one with the same id.
      const previous = conversation.find(activityId);
      store.append(conversation, { ...stamp(conversation, update), id: activityId, timestamp: previous?.timestamp ?? update.timestamp });
      res.send(200, { id: activityId });
    }),
  );

  server.del(
    `${v3}/conversations/:conversationId/activities/:activityId`,
    guarded('deleteActivity', async (req, res) => {
      const conversation = conversationOf(req);
      const activityId = paramOf(req, 'activityId', CONNECTOR_ID);
      // Same id, a type Web Chat does not render: the message disappears from the transcript.
      store.append(conversation, { ...stamp(conversation, { type: 'messageDelete' }), id: activityId });
      res.send(200);
    }),
  );

  const members = (req: Request, res: Response): Promise<void> => {
    const conversation = conversationOf(req);
    res.send(200, conversation.userId ? [{ id: conversation.userId, name: '', role: 'user' }, bot] : [bot]);
    return Promise.resolve();
  };
  server.get(`${v3}/conversations/:conversationId/members`, guarded('getConversationMembers', members));
  server.get(`${v3}/conversations/:conversationId/activities/:activityId/members`, guarded('getActivityMembers', members));

  server.post(
    `${v3}/conversations/:conversationId/attachments`,
    guarded('uploadAttachment', async (req, res) => {
      const conversation = conversationOf(req);
      const parsed = attachmentDataSchema.safeParse(await readJson(req, attachmentBodyLimit));
      if (!parsed.success) throw badArgument(firstIssue(parsed.error));
      const bytes = Buffer.from(parsed.data.originalBase64 ?? '', 'base64');
      const thumbnail = parsed.data.thumbnailBase64 ? Buffer.from(parsed.data.thumbnailBase64, 'base64') : undefined;
      if (bytes.length > context.attachmentMaxBytes || (thumbnail?.length ?? 0) > context.attachmentMaxBytes) {
        throw new HttpError(413, 'AttachmentTooLarge', `Attachments may be at most ${context.attachmentMaxBytes} bytes`);
      }
      const stored = store.addAttachment(conversation, {
        name: parsed.data.name ?? 'attachment',
        contentType: parsed.data.type,
        bytes,
        thumbnail,
      });
      if (typeof stored === 'string') throw new HttpError(413, 'AttachmentQuota', 'Attachment storage for this conversation is full');
      res.send(200, { id: stored.id });
    }),
  );

  const attachmentOf = (req: Request): StoredAttachment => {
    const file = store.attachment(paramOf(req, 'attachmentId', ATTACHMENT_ID));
    if (!file) throw new HttpError(404, 'NotFound', 'Unknown attachment');
    return file;
  };

  server.get(
    `${v3}/attachments/:attachmentId`,
    guarded('getAttachmentInfo', async (req, res) => {
      const file = attachmentOf(req);
      res.send(200, { name: file.name, type: file.contentType, views: attachmentViews(file) });
    }),
  );

  server.get(
    `${v3}/attachments/:attachmentId/views/:viewId`,
    guarded('getAttachment', async (req, res) => {
      const file = attachmentOf(req);
      const view = paramOf(req, 'viewId', /^(original|thumbnail)$/);
      const bytes = view === 'original' ? file.bytes : file.thumbnail;
      if (!bytes) throw new HttpError(404, 'NotFound', 'Unknown view');
      sendAttachmentBytes(res, file, bytes, true);
    }),
  );
}
