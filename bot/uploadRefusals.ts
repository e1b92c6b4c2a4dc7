import type { Attachment } from 'botbuilder';
import { z } from 'zod';
import { DEVICE_TIP, numbered } from '../dialogs/flows/flowHelpers';
import { PORTAL_ALLOWED_TYPES_MESSAGE } from '../dialogs/flows/uploadRules';

/**
 * Files the chat channel did not keep, and what the bot says about them. The local Direct Line
 * reads an over-size file (or one past the per-message limit) to its end without keeping it,
 * delivers the message anyway, and marks each such file with an attachment of
 * {@link REFUSED_UPLOAD_TYPE}. The bot answers with the limit and what to do, so the patient
 * never sees a failed send or silence.
 */

/** The content type of a refused-upload note (not a file: it has no contentUrl). */
export const REFUSED_UPLOAD_TYPE = 'application/vnd.uhs.upload-refused+json';

/** Why a file was not kept. */
export type RefusalReason = 'too-large' | 'too-many' | 'conversation-quota' | 'storage-full';

/** What a refused-upload note says (its `content`). */
export interface RefusedUpload {
  reason: RefusalReason;
  /** The file's size as it arrived. */
  sizeBytes: number;
  /** The limit that applied: bytes per file, files per message, or files per conversation. */
  limit: number;
}

const refusedSchema = z.object({
  reason: z.enum(['too-large', 'too-many', 'conversation-quota', 'storage-full']),
  sizeBytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  limit: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

/** The note for one refused file, as the channel puts it on the activity. */
export function refusedUploadAttachment(name: string, refused: RefusedUpload): Attachment {
  return { contentType: REFUSED_UPLOAD_TYPE, name, content: { ...refused } };
}

/** The refused files noted on an activity, validated (a malformed note is ignored). */
export function refusedUploads(attachments: Attachment[] | undefined): Array<RefusedUpload & { name: string }> {
  const found: Array<RefusedUpload & { name: string }> = [];
  for (const attachment of attachments ?? []) {
    if (attachment.contentType !== REFUSED_UPLOAD_TYPE) continue;
    const parsed = refusedSchema.safeParse(attachment.content);
    if (parsed.success) found.push({ ...parsed.data, name: String(attachment.name ?? 'your file').slice(0, 255) });
  }
  return found;
}

/** Sizes in the units a phone shows: "30.2 MB", "850 KB". */
export function humanSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Math.round(mb * 10) / 10} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** Names as Markdown bold, joined for a sentence; `*` and `_` in a name are escaped. */
function names(list: Array<{ name: string }>): string {
  const bold = list.map((f) => `**${f.name.replace(/([*_\\[\]`])/g, '\\$1')}**`);
  return bold.length <= 1 ? (bold[0] ?? '') : `${bold.slice(0, -1).join(', ')} and ${bold[bold.length - 1]}`;
}

/**
 * What to do about an over-size file: make it smaller, convert it (the FAQ's list of types),
 * and the FAQ's device tip, then attach it again.
 */
export const TOO_LARGE_ADVICE = [
  'Make it smaller. A photo: take it again at a lower resolution, or send a screenshot of it (a screenshot of a photo is a much smaller PNG). A scan: scan again at 150-200 dpi, and only the pages that are needed.',
  `Convert it to a type the portal takes: ${PORTAL_ALLOWED_TYPES_MESSAGE}`,
  DEVICE_TIP,
];

/** The chat message for the refused files of one message, or `null` when none was refused. */
export function refusalMessage(refused: Array<RefusedUpload & { name: string }>, helpdeskEmail: string): string | null {
  if (refused.length === 0) return null;
  const parts: string[] = [];
  const tooLarge = refused.filter((r) => r.reason === 'too-large');
  const tooMany = refused.filter((r) => r.reason === 'too-many');
  const quota = refused.filter((r) => r.reason === 'conversation-quota');
  const busy = refused.filter((r) => r.reason === 'storage-full');
  if (tooLarge.length) {
    const sizes = tooLarge.map((r) => humanSize(r.sizeBytes)).join(', ');
    parts.push(
      `I couldn't take ${names(tooLarge)}: ${tooLarge.length === 1 ? 'it is' : 'they are'} ${sizes}, and a file sent here can be at most ${humanSize(tooLarge[0].limit)}. Very large files often fail on the portal too.`,
      `**What to do:**\n${numbered(TOO_LARGE_ADVICE)}`,
      'Then attach the smaller file here and press Send, and I will check it.',
    );
  }
  if (tooMany.length) {
    parts.push(
      `I can take ${tooMany[0].limit} ${tooMany[0].limit === 1 ? 'file' : 'files'} per message, so I didn't take ${names(tooMany)}. Send ${tooMany.length === 1 ? 'it' : 'them'} in another message, one file at a time.`,
    );
  }
  if (quota.length) {
    parts.push(
      `This chat already holds as many files as I keep in one conversation, so I didn't take ${names(quota)}. Reload the page to start a new chat, or email ${helpdeskEmail}.`,
    );
  }
  if (busy.length) {
    parts.push(`I can't take files right now because too many are being checked, so I didn't take ${names(busy)}. Please try again in a minute.`);
  }
  return parts.join('\n\n');
}
