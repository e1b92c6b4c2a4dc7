import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { MemoryStorage, type Activity, type StoreItems } from 'botbuilder-core';
import { projectRoot } from '../../knowledge/projectRoot';
import type { FetchedAttachment } from '../../dialogs/services';
import { BotHarness } from './botHarness';

/**
 * Conversation tests as data (in the spirit of Rasa's end-to-end test stories): each YAML file
 * in `test/conversations/` holds conversations, each a list of user turns with expectations on
 * the bot's replies. They run through the real bot class, main dialog and knowledge base over
 * the test fakes (see {@link BotHarness}); mocha runs them (`conversations.test.ts`) and so
 * does `npm run eval:conversations` (`eval.ts`), which prints pass/fail per conversation.
 */

const textList = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? [v] : v));

const expectation = z
  .object({
    /** Every one of these appears in the turn's replies (case-insensitive). */
    says: textList.optional(),
    /** At least one of these appears. */
    saysAny: textList.optional(),
    /** None of these appears. */
    not: textList.optional(),
    /** Each of these buttons is offered in the turn. */
    buttons: textList.optional(),
    /** None of these buttons is offered. */
    noButtons: textList.optional(),
    /** A dialog (by id) running after the turn, or `none` for no dialog waiting. */
    dialog: z.string().optional(),
    /** Whether a help-desk case exists after the turn, or how many. */
    cases: z.number().int().min(0).optional(),
    /** How many result emails the account dialogs have sent so far. */
    mails: z.number().int().min(0).optional(),
    /** Something the newest case holds (its topic, summary, or a diagnostics key). */
    caseHas: z
      .object({
        topic: z.string().optional(),
        summary: z.string().optional(),
        diagnostics: z.array(z.string()).optional(),
        replyEmail: z.string().nullable().optional(),
        transcript: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const attachment = z.object({ name: z.string(), content: z.enum(['pdf', 'png', 'heic', 'docx', 'broken']) }).strict();

const turn = z
  .object({
    user: z.string().optional(),
    attach: attachment.optional(),
    expect: expectation.optional(),
  })
  .strict()
  .refine((t) => t.user !== undefined || t.attach !== undefined, 'a turn needs `user` text or an `attach`');

const conversation = z
  .object({
    name: z.string().min(1),
    /** What the conversation checks, for the reader. */
    about: z.string().optional(),
    turns: z.array(turn).min(1),
  })
  .strict();

const file = z.object({ conversations: z.array(conversation).min(1) }).strict();

/** One conversation of a YAML file. */
export type Conversation = z.infer<typeof conversation> & { file: string };
/** One expectation of a turn. */
export type Expectation = z.infer<typeof expectation>;

/** The folder of the conversation files. */
export function conversationsDir(): string {
  return path.join(projectRoot(), 'test', 'conversations');
}

/** Every conversation of every `*.yaml` in `dir`, validated; a bad file throws with its name. */
export function loadConversations(dir = conversationsDir()): Conversation[] {
  const out: Conversation[] = [];
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    let data: unknown;
    try {
      data = parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`, { cause: err });
    }
    const parsed = file.safeParse(data);
    if (!parsed.success) throw new Error(`${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    for (const c of parsed.data.conversations) out.push({ ...c, file: name });
  }
  return out;
}

/** File contents a test attachment stands for: real magic bytes, so the type sniffing runs. */
function contentBytes(content: z.infer<typeof attachment>['content']): Uint8Array {
  switch (content) {
    case 'pdf':
      return Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    case 'png':
      return Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ff3f0000050001ff5a0d2d2c0000000049454e44ae426082', 'hex');
    case 'heic':
      return Buffer.concat([Buffer.from('00000018667479706865696300000000', 'hex'), Buffer.from('6d69663168656963', 'hex'), Buffer.alloc(64)]);
    case 'docx':
      return Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(60)]);
    case 'broken':
      return Buffer.alloc(0);
  }
}

/** A storage that remembers the last state written, so a test can see the dialog stack. */
class WatchedStorage extends MemoryStorage {
  last: StoreItems = {};
  override async write(changes: StoreItems): Promise<void> {
    this.last = changes;
    return super.write(changes);
  }

  /** The ids of the dialogs on the saved stack (the router's own id left out). */
  dialogs(): string[] {
    for (const item of Object.values(this.last)) {
      const stack = (item as { dialogState?: { dialogStack?: Array<{ id: string }> } })?.dialogState?.dialogStack;
      if (stack) return stack.map((s) => s.id).filter((id) => id !== 'mainDialog.router');
    }
    return [];
  }
}

/** The result of one conversation: the failed expectations, in order (empty when it passed). */
export interface ConversationResult {
  conversation: Conversation;
  failures: string[];
}

const lower = (s: string) => s.toLowerCase().replace(/[’]/g, "'");

/** Plays `c` against a fresh bot and checks every expectation; never throws for a failed one. */
export async function runConversation(c: Conversation): Promise<ConversationResult> {
  const storage = new WatchedStorage();
  const fetchAttachment = (url: string): Promise<FetchedAttachment> => {
    const content = url.replace(/^test:\/\//, '') as z.infer<typeof attachment>['content'];
    return Promise.resolve(content === 'broken' ? { ok: false, reason: 'failed' } : { ok: true, bytes: contentBytes(content) });
  };
  const bot = new BotHarness({ fetchAttachment }, storage);
  const failures: string[] = [];
  for (const [i, t] of c.turns.entries()) {
    const activity: Partial<Activity> = { type: 'message', text: t.user ?? '' };
    if (t.attach) activity.attachments = [{ name: t.attach.name, contentType: 'application/octet-stream', contentUrl: `test://${t.attach.content}` }];
    const replies = await bot.say(activity);
    const e = t.expect;
    if (!e) continue;
    const where = `turn ${i + 1} ("${t.user ?? t.attach?.name}")`;
    const said = lower(BotHarness.text(replies));
    const offered = replies.flatMap((r) => (r.suggestedActions?.actions ?? []).map((a) => String(a.title)));
    const shown = () => `\n      bot said: ${BotHarness.text(replies).replace(/\s+/g, ' ').slice(0, 400)}\n      buttons: ${offered.join(' / ')}`;
    for (const s of e.says ?? []) if (!said.includes(lower(s))) failures.push(`${where}: expected the bot to say "${s}"${shown()}`);
    if (e.saysAny && !e.saysAny.some((s) => said.includes(lower(s)))) failures.push(`${where}: expected one of ${JSON.stringify(e.saysAny)}${shown()}`);
    for (const s of e.not ?? []) if (said.includes(lower(s))) failures.push(`${where}: the bot said "${s}"${shown()}`);
    for (const b of e.buttons ?? []) if (!offered.includes(b)) failures.push(`${where}: expected the button "${b}"${shown()}`);
    for (const b of e.noButtons ?? []) if (offered.includes(b)) failures.push(`${where}: did not expect the button "${b}"${shown()}`);
    if (e.dialog !== undefined) {
      const running = storage.dialogs();
      const ok = e.dialog === 'none' ? running.length === 0 : running.includes(e.dialog);
      if (!ok) failures.push(`${where}: expected dialog ${e.dialog}, running: ${running.join(' > ') || 'none'}${shown()}`);
    }
    const cases = [...bot.services.cases.cases.values()];
    if (e.cases !== undefined && cases.length !== e.cases) failures.push(`${where}: expected ${e.cases} case(s), found ${cases.length}${shown()}`);
    if (e.mails !== undefined && bot.services.mailer.sent.length !== e.mails) failures.push(`${where}: expected ${e.mails} mail(s), found ${bot.services.mailer.sent.length}`);
    if (e.caseHas) {
      const record = cases[cases.length - 1];
      if (!record) failures.push(`${where}: expected a case`);
      else {
        const h = e.caseHas;
        if (h.topic !== undefined && !lower(record.topic).includes(lower(h.topic))) failures.push(`${where}: case topic "${record.topic}" lacks "${h.topic}"`);
        if (h.summary !== undefined && !lower(record.summary).includes(lower(h.summary))) failures.push(`${where}: case summary "${record.summary}" lacks "${h.summary}"`);
        for (const key of h.diagnostics ?? []) if (!(key in record.diagnostics)) failures.push(`${where}: case diagnostics lack ${key}: ${JSON.stringify(record.diagnostics)}`);
        if (h.replyEmail !== undefined && record.replyEmail !== h.replyEmail) failures.push(`${where}: case reply email ${String(record.replyEmail)}, expected ${String(h.replyEmail)}`);
        if (h.transcript !== undefined && record.transcript.length > 0 !== h.transcript) failures.push(`${where}: case transcript ${record.transcript.length} lines`);
      }
    }
  }
  return { conversation: c, failures };
}
