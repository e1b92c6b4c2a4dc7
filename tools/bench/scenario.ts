import type { Request as CannonRequest } from 'autocannon';
import { loadKnowledge } from '../../knowledge/loader';

/**
 * What the bench's virtual users say. Each autocannon connection plays one conversation at a
 * time, step after step (pipelining 1 keeps the steps in order), and starts a new conversation
 * with a fresh id when the script ends, so every conversation id is unique to one connection
 * and no per-conversation dialog limit (account checks, resets) is ever reached.
 */

/** One message of the script and a piece of text its replies must contain. */
export interface ScriptStep {
  text: (conversationId: string) => string;
  expect: string;
}

/** The FAQ entry the script asks about: its own question must always match it. */
const FAQ_ENTRY = 'medical-records-copy';

/**
 * The bot's script: the account-status dialog (four turns: the "Check my account" topic
 * button, "Yes", email, date of birth) and a plain FAQ question. The email never matches a
 * directory record, so no mail is sent; the date of birth is not real personal data.
 */
function botScript(): ScriptStep[] {
  const entry = loadKnowledge().get(FAQ_ENTRY);
  if (!entry) throw new Error(`knowledge entry ${FAQ_ENTRY} is missing`);
  return [
    { text: () => 'Check my account', expect: 'Shall I check?' },
    { text: () => 'Yes', expect: 'Which email address' },
    { text: (id) => `bench.${id}@umass.edu`, expect: 'date of birth' },
    { text: () => '01/02/2000', expect: 'Thanks.' },
    { text: () => entry.question, expect: `**${entry.question}**` },
  ];
}

/** The bot's script (see {@link botScript}). */
export const BOT_SCRIPT: ScriptStep[] = botScript();

/** The echo bot's script: the same messages, answered with an echo. */
export const ECHO_SCRIPT: ScriptStep[] = BOT_SCRIPT.map((step) => ({ text: step.text, expect: 'echo' }));

/** Per-connection state autocannon keeps between the steps of one script run. */
interface StepContext {
  conversationId?: string;
}

/** Counts of a run's responses that were not what the script expected. */
export interface ScriptCheck {
  /** Responses with a status other than 200. */
  badStatus: number;
  /** 200 responses whose replies lacked the expected text. */
  wrongReply: number;
}

/** The activity one step POSTs, with `deliveryMode: expectReplies` so replies come back in the body. */
export function benchActivity(conversationId: string, text: string, seq: number): object {
  return {
    type: 'message',
    id: `bench-${seq}`,
    channelId: 'bench',
    serviceUrl: 'http://127.0.0.1:1/unused',
    deliveryMode: 'expectReplies',
    conversation: { id: conversationId },
    from: { id: `user-${conversationId}` },
    recipient: { id: 'bot' },
    text,
  };
}

/**
 * autocannon requests that play `script` on every connection, and the check they fill in.
 * `runId` keeps conversation ids unique across runs sharing one store.
 */
export function scriptRequests(script: ScriptStep[], runId: string): { requests: CannonRequest[]; check: ScriptCheck } {
  let conversations = 0;
  let seq = 0;
  const check: ScriptCheck = { badStatus: 0, wrongReply: 0 };
  const requests = script.map((step, index): CannonRequest => ({
    method: 'POST',
    path: '/api/messages',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req, context) => {
      const ctx = context as StepContext;
      if (index === 0 || !ctx.conversationId) ctx.conversationId = `${runId}-${++conversations}`;
      return { ...req, body: JSON.stringify(benchActivity(ctx.conversationId, step.text(ctx.conversationId), ++seq)) };
    },
    onResponse: (status, body) => {
      if (status !== 200) check.badStatus += 1;
      else if (!body.includes(step.expect)) check.wrongReply += 1;
    },
  }));
  return { requests, check };
}
