import { ActivityHandler, MessageFactory, type Attachment, type TurnContext } from 'botbuilder';

/**
 * A small stand-in for the real help-desk bot, so the Web Chat and Direct Line tests exercise
 * the whole path (browser → Direct Line → /api/messages → CloudAdapter → bot → Connector
 * routes → browser) before and independently of the real dialogs. It welcomes, answers the
 * file-types question with the FAQ's exact sentence, offers suggested actions, and diagnoses an
 * attachment after downloading it from its contentUrl (as the real upload diagnosis does).
 */

/** The FAQ's sentence on allowed upload types, quoted exactly. */
export const ALLOWED_TYPES_SENTENCE = 'Only images (.gif, .png, .tiff, .tif, .jpg, .jpeg) and documents (.txt, .pdf) are allowed!';
/** Text of the welcome. */
export const WELCOME_TEXT = 'Hi! I can help with the UMass Patient Portal: logging in, passwords, uploading documents and immunization records.';
/** The suggested actions of the welcome. */
export const WELCOME_ACTIONS = ['Uploading documents', 'Password help'];
/** The answer to the "Password help" action. */
export const PASSWORD_TEXT = 'Use the "Forgot Password" link on the portal login page; an email will be sent to you from MedicatAutoResponse@medicat.com.';

const ALLOWED_EXTENSIONS = ['gif', 'png', 'tiff', 'tif', 'jpg', 'jpeg', 'txt', 'pdf'];

/** The stand-in bot. `seen` records what it received, for assertions. */
export class StandInBot extends ActivityHandler {
  /** Every activity the bot received, in order. */
  readonly seen: Array<{ type: string; text?: string; fromId?: string; attachmentNames: string[]; attachments: Attachment[] }> = [];

  constructor() {
    super();
    this.onTurn(async (context, next) => {
      const a = context.activity;
      this.seen.push({ type: a.type, text: a.text, fromId: a.from?.id, attachmentNames: (a.attachments ?? []).map((x) => x.name ?? ''), attachments: a.attachments ?? [] });
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient.id);
      if (joined.length > 0) await context.sendActivity(MessageFactory.suggestedActions(WELCOME_ACTIONS, WELCOME_TEXT));
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.answer(context);
      await next();
    });
  }

  private async answer(context: TurnContext): Promise<void> {
    const { text = '', attachments = [] } = context.activity;
    if (attachments.length > 0) {
      for (const attachment of attachments) await context.sendActivity(await diagnose(attachment.name ?? 'file', attachment.contentUrl));
      return;
    }
    if (/file types?|uploading documents/i.test(text)) {
      await context.sendActivity(`The portal accepts these file types. ${ALLOWED_TYPES_SENTENCE}`);
    } else if (/password/i.test(text)) {
      await context.sendActivity(PASSWORD_TEXT);
    } else {
      await context.sendActivity(`You said ${text.length} characters.`);
    }
  }
}

async function diagnose(name: string, contentUrl: string | undefined): Promise<string> {
  if (!contentUrl) return `I could not open "${name}".`;
  const response = await fetch(contentUrl);
  const bytes = Buffer.from(await response.arrayBuffer());
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  const isZip = bytes.subarray(0, 2).toString('latin1') === 'PK';
  if (ALLOWED_EXTENSIONS.includes(extension)) return `"${name}" (${bytes.length} bytes) is a file type the portal accepts.`;
  const kind = extension === 'docx' && isZip ? 'a Word document (.docx)' : `a .${extension || 'unknown'} file`;
  return `"${name}" is ${kind}, which the portal does not accept. ${ALLOWED_TYPES_SENTENCE} Save it as a PDF and upload that.`;
}
