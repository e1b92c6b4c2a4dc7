import type { ChatSession } from '../../bot/web/webChat';
import type { Activity } from 'botframework-schema';

/**
 * A minimal Direct Line 3.0 client over fetch, for HTTP-level tests of the local service (the
 * browser test uses the real Web Chat instead).
 */

/** A response with its status and parsed JSON body (or undefined). */
export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** The session the page gets from /api/directline/token. */
export type TestSession = ChatSession;

/** A page of activities. */
export interface ActivitySet {
  activities: Array<Partial<Activity> & { id: string }>;
  watermark: string;
}

/** Sends a request and parses the JSON answer. */
export async function call<T = unknown>(
  url: string,
  init: { method?: string; token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  let body = init.body;
  if (init.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** The Direct Line routes of one server, for one or more conversations. */
export class DirectLineTestClient {
  constructor(readonly baseUrl: string) {}

  /** `POST /api/directline/token`, as the page does. */
  async session(): Promise<TestSession> {
    const response = await call<TestSession>(`${this.baseUrl}/api/directline/token`, { method: 'POST', json: {} });
    if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
    return response.body;
  }

  /** A session whose conversation is started (the bot got its conversationUpdate). */
  async started(): Promise<TestSession> {
    const session = await this.session();
    const response = await this.start(session.token);
    if (response.status !== 201) throw new Error(`start answered ${response.status}`);
    return session;
  }

  /** `POST /directline/conversations`. */
  start(token: string): Promise<JsonResponse<{ conversationId: string; token: string; expires_in: number }>> {
    return call(`${this.baseUrl}/directline/conversations`, { method: 'POST', token, json: {} });
  }

  /** `POST /directline/conversations/:id/activities`. */
  post(session: { conversationId: string; token: string }, activity: unknown): Promise<JsonResponse<{ id: string }>> {
    return call(`${this.baseUrl}/directline/conversations/${session.conversationId}/activities`, {
      method: 'POST',
      token: session.token,
      json: activity,
    });
  }

  /** `GET /directline/conversations/:id/activities?watermark=`. */
  activities(session: { conversationId: string; token: string }, watermark = ''): Promise<JsonResponse<ActivitySet>> {
    return call(`${this.baseUrl}/directline/conversations/${session.conversationId}/activities?watermark=${watermark}`, {
      token: session.token,
    });
  }

  /** Every activity of the conversation so far (following watermarks page by page). */
  async all(session: { conversationId: string; token: string }): Promise<ActivitySet['activities']> {
    const out: ActivitySet['activities'] = [];
    let watermark = '';
    for (;;) {
      const page = await this.activities(session, watermark);
      if (page.status !== 200) throw new Error(`activities answered ${page.status}`);
      out.push(...page.body.activities);
      if (page.body.activities.length === 0) return out;
      watermark = page.body.watermark;
    }
  }

  /** `POST /directline/conversations/:id/upload` with one file and a template activity. */
  upload(
    session: { conversationId: string; token: string; userId: string },
    file: { name: string; type: string; bytes: Uint8Array },
    activity: unknown = { type: 'message', channelData: { clientActivityID: 'upload-1' } },
  ): Promise<JsonResponse<{ id: string }>> {
    const form = new FormData();
    form.append('activity', new Blob([JSON.stringify(activity)], { type: 'application/vnd.microsoft.activity' }));
    form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    return call(`${this.baseUrl}/directline/conversations/${session.conversationId}/upload?userId=${session.userId}`, {
      method: 'POST',
      token: session.token,
      body: form,
    });
  }
}

/** A message activity as Web Chat sends it. */
export function userMessage(text: string, clientActivityID = `client-${Math.random().toString(36).slice(2)}`): Record<string, unknown> {
  return { type: 'message', text, from: { id: 'whoever', role: 'user' }, channelData: { clientActivityID }, locale: 'en-US', textFormat: 'plain' };
}
