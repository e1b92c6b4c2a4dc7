import { expect } from 'chai';
import type { TestApp } from './app';
import { texts } from './app';
import type { ReceivedMail, TestSmtpServer } from './smtpServer';
import { waitUntil } from './waitUntil';
import { TALK_TO_HELPDESK } from '../../dialogs/prompts/replies';
import { loadKnowledge } from '../../knowledge/loader';
import type { ReadinessReport } from '../../bot/health/readiness';

/** Topic button titles (what a click sends): steadier than free text while the matcher is tuned. */
export const CHECK_ACCOUNT = 'Check my account';
export const RESET_PASSWORD = 'Reset my password';

/**
 * A plain FAQ question (the entry's own question, which must match its entry) and the title
 * its answer starts with. Default: how to get a copy of one's medical records.
 */
export function faq(intentId = 'medical-records-copy'): { question: string; title: string } {
  const entry = loadKnowledge().get(intentId);
  if (!entry) throw new Error(`no knowledge entry ${intentId}`);
  return { question: entry.question, title: `**${entry.question}**` };
}

/**
 * Whole conversations played over HTTP against one or more running apps (load, scale-out and
 * fault tests). Passing several apps alternates the turns between them, as a load balancer
 * without sticky sessions would.
 */

/** Apps a conversation's turns go to, in turn. */
export type Route = TestApp | TestApp[];

/** Sends `messages` one after the other, turn i to app i modulo the route; returns each turn's reply text. */
export async function converse(route: Route, conversationId: string, messages: string[]): Promise<string[]> {
  const apps = Array.isArray(route) ? route : [route];
  const replies: string[] = [];
  for (const [i, message] of messages.entries()) {
    replies.push(texts(await apps[i % apps.length].say(conversationId, message)).join('\n'));
  }
  return replies;
}

/** The case number in a reply, e.g. `UHS-7K3Q9D`. */
export function caseIdIn(reply: string): string | null {
  return /\bUHS-[0-9A-HJKMNP-TV-Z]{6}\b/.exec(reply)?.[0] ?? null;
}

/** Asks for a person and completes the handoff (description, no email, consent); returns the case number. */
export async function escalate(route: Route, conversationId: string, description = 'The portal keeps showing a blank page after login'): Promise<string> {
  const replies = await converse(route, conversationId, [TALK_TO_HELPDESK, description, 'skip anyway', 'Yes']);
  const caseId = caseIdIn(replies[3]);
  expect(caseId, `a case number in the last reply: ${replies[3].slice(0, 200)}`).to.be.a('string');
  return caseId as string;
}

/** Asks for a password reset for `email`; returns the last reply. */
export async function requestReset(route: Route, conversationId: string, email: string): Promise<string> {
  const replies = await converse(route, conversationId, [RESET_PASSWORD, 'Yes', email]);
  return replies[2];
}

/** The escalation emails of one case (the bot marks them with an `X-UHS-Case` header). */
export function mailsOfCase(smtp: TestSmtpServer, caseId: string): ReceivedMail[] {
  return smtp.received.filter((m) => m.parsed.headers.get('x-uhs-case') === caseId);
}

/** The mails whose envelope goes to `address`. */
export function mailsTo(smtp: TestSmtpServer, address: string): ReceivedMail[] {
  return smtp.received.filter((m) => m.envelopeTo.includes(address));
}

/** GET /readyz: the status and the report. */
export async function readiness(app: TestApp): Promise<{ status: number; body: ReadinessReport }> {
  const response = await fetch(`${app.url}/readyz`);
  return { status: response.status, body: (await response.json()) as ReadinessReport };
}

/** Polls /readyz until it answers `status` (a generous bound: Redis reconnects back off up to 2 s). */
export async function readinessBecomes(app: TestApp, status: 200 | 503, timeoutMs = 30000): Promise<ReadinessReport> {
  let last: ReadinessReport | undefined;
  await waitUntil(
    async () => {
      const now = await readiness(app);
      last = now.body;
      return now.status === status;
    },
    `/readyz answers ${status}`,
    timeoutMs,
    100,
  );
  return last!;
}

/** Waits until the app's escalation outbox has nothing queued, retrying or in flight. */
export async function outboxIdle(app: TestApp, timeoutMs = 30000): Promise<void> {
  await waitUntil(async () => (await app.app.outbox.pendingCount()) === 0, 'the escalation outbox is idle', timeoutMs, 50);
}
