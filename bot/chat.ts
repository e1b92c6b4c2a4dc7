import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { loadConfig, ConfigError } from './config';
import { createLogger } from './logger';
import { createApp } from './index';

/**
 * A botbuilder adapter for the terminal: each line typed is a message activity, and what the
 * bot sends is printed. Suggested actions are numbered, so typing the number picks one.
 */
export class ConsoleAdapter extends BotAdapter {
  /** The last suggested actions, so "2" can stand for the second button. */
  lastActions: string[] = [];

  /**
   * @param write prints one line
   * @param ansi bold with ANSI escape codes (a terminal); otherwise bold is plain text (a pipe, a file)
   */
  constructor(
    private readonly write: (line: string) => void,
    private readonly ansi = false,
  ) {
    super();
  }

  async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      responses.push({ id: String(Date.now()) });
      if (activity.type === ActivityTypes.Typing) {
        this.write('  …');
        continue;
      }
      if (activity.type !== ActivityTypes.Message) continue;
      if (activity.text) {
        const shown = activity.textFormat === 'plain' ? activity.text : terminalText(activity.text, this.ansi);
        this.write(`\nbot> ${shown.replace(/\n/g, '\n     ')}`);
      }
      for (const attachment of activity.attachments ?? []) this.write(`     [card: ${attachment.contentType}]`);
      const actions = activity.suggestedActions?.actions ?? [];
      if (actions.length) {
        this.lastActions = actions.map((a) => String(a.value ?? a.title));
        this.write(actions.map((a, i) => `     [${i + 1}] ${a.title}`).join('\n'));
      }
    }
    return responses;
  }

  async updateActivity(): Promise<void> {
    // Nothing to update on a terminal: the line is already printed.
  }

  async deleteActivity(): Promise<void> {
    // As above.
  }

  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  /** Runs one incoming activity through the bot. */
  async receive(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }
}

const BOLD_ON = '\u001b[1m';
const BOLD_OFF = '\u001b[22m';

/**
 * The bot's Markdown as a terminal shows it: `**bold**` in bold (ANSI) or as plain words, a
 * link as its text with the address after it in brackets (just the address when the text is
 * the address), `>` quotes indented with a bar, backslash escapes removed.
 */
export function terminalText(markdown: string, ansi: boolean): string {
  return markdown
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, text: string, url: string) => {
      const address = url.replace(/^mailto:/i, '');
      return text === url || text === address ? address : `${text} <${address}>`;
    })
    .replace(/\*\*([^*\n]+?)\*\*/g, (_m, text: string) => (ansi ? `${BOLD_ON}${text}${BOLD_OFF}` : text))
    .replace(/^> ?/gm, '  | ')
    .replace(/\\([\\`*_[\]()#>.!-])/g, '$1');
}

const MIME_BY_EXTENSION: Record<string, string> = { '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.txt': 'text/plain' };

/** Runs the terminal chat with the same bot, dialogs and knowledge as the server. */
async function chat(): Promise<void> {
  let config;
  try {
    config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  // Logs go to stderr so they never mix with the conversation.
  const log = createLogger({ level: config.LOG_LEVEL, format: 'json', production: false, destination: process.stderr });
  const app = await createApp(config, { log });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const adapter = new ConsoleAdapter(out, process.stdout.isTTY === true && !process.env.NO_COLOR);
  adapter.onTurnError = async (context, error) => {
    log.error({ code: error.name }, 'turn failed');
    await context.sendActivity(`Sorry, something went wrong. Email ${config.HELPDESK_EMAIL} if it keeps happening.`);
  };
  const base = {
    channelId: 'terminal',
    serviceUrl: 'terminal://local',
    conversation: { id: `terminal-${process.pid}`, isGroup: false, conversationType: 'personal', name: 'terminal' },
    recipient: { id: 'bot', name: 'UHS Portal Help' },
    from: { id: 'terminal-user', name: 'You' },
  };
  let seq = 0;
  const send = (activity: Partial<Activity>) =>
    adapter.receive({ ...base, id: String(++seq), timestamp: new Date(), locale: 'en-US', ...activity }, (ctx) => app.bot.run(ctx));

  out('UHS Portal Help Bot, terminal chat. Type a question; a number picks a button; "/attach <file>" attaches a file; "/quit" leaves.');
  await send({ type: ActivityTypes.ConversationUpdate, membersAdded: [base.from] });

  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '\nyou> ' });
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (line.startsWith('/attach ')) {
      const file = path.resolve(line.slice('/attach '.length).trim());
      try {
        if (statSync(file).size > config.ATTACHMENT_MAX_BYTES) throw new Error('too large');
        // Kept in memory as a data: URL; the file is never copied anywhere.
        const type = MIME_BY_EXTENSION[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
        const contentUrl = `data:${type};base64,${readFileSync(file).toString('base64')}`;
        await send({ type: ActivityTypes.Message, text: '', attachments: [{ name: path.basename(file), contentType: type, contentUrl }] });
      } catch {
        out(`Cannot attach ${file}: it must be a readable file of at most ${config.ATTACHMENT_MAX_BYTES} bytes.`);
      }
    } else if (line) {
      const picked = /^\d+$/.test(line) ? adapter.lastActions[Number(line) - 1] : undefined;
      if (picked) out(`you> ${picked}`);
      await send({ type: ActivityTypes.Message, text: picked ?? line });
    }
    rl.prompt();
  }
  rl.close();
  await app.close();
  process.exit(0);
}

if (require.main === module) {
  chat().catch((err: unknown) => {
    process.stderr.write(`Chat failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
