import { ActivityTypes, MessageFactory, type Activity } from 'botbuilder-core';
import { TextPrompt, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CANCEL_BUTTON } from '../prompts/textPrompts';
import { BROWSER_TIP, bulleted, DEVICE_TIP, GuidedFlowDialog, numbered, sharedDialog } from './flowHelpers';
import { offerHelpDeskDialog } from '../cases/offerHelpDeskDialog';
import { markdown, TALK_TO_HELPDESK } from '../prompts/replies';
import { limitRetries } from '../prompts/retryLimit';
import { factsOf } from '../memory/conversationFacts';
import { calledFileName, looksLikeBareFileName, looksLikeFileName } from '../prompts/recognizer';
import type { DialogServices, FetchedAttachment } from '../services';
import { endTipSequence, TIP_SEQUENCE_DIALOG, tipSequenceDialog, type TipSequenceOptions } from './tipSequenceDialog';
import {
  diagnoseBytes,
  diagnoseFileName,
  type Diagnosis,
  FAQ_RENAME_TIP,
  findFileNames,
  PORTAL_ALLOWED_TYPES_MESSAGE,
  redactDiagnosis,
} from './uploadRules';

/** Id of {@link UploadDiagnosisDialog}. */
export const UPLOAD_DIAGNOSIS_DIALOG = 'uploadDiagnosisDialog';
/** Id of its "file name or attachment" prompt. */
export const UPLOAD_FILE_PROMPT = 'uploadDiagnosisDialog.file';

/** Button: the user doesn't know the file's name. */
export const DONT_KNOW_NAME = "I don't know the name";

/** What the dialog says first: the most common cause and the portal's list of allowed types (FAQ 6). */
export const UPLOAD_INTRO = `The most common reason uploads fail is the file type. The portal's rule is: **${PORTAL_ALLOWED_TYPES_MESSAGE}**`;

/** The question asking for the file. */
export const FILE_QUESTION =
  "What's the file called? Type its full name, ending included (for example vaccine-card.jpg), or attach the file here and I'll check it. I don't keep your file.";

/** The re-ask when a typed answer does not look like a file name. */
export const NOT_A_FILE_NAME = `That doesn't look like a file name to me: a file's full name ends with its type, like vaccine-card.jpg or record.pdf. If your computer hides the ending, choose "${DONT_KNOW_NAME}" and I'll show you how to see it.`;

/** Words of a sentence about a file rather than the file's name ("i tried card.pdf and it fails"). */
const SENTENCE_WORDS = /(^|\s)(i|i'?m|im|my|it|its|it's|the|and|but|tried|trying|says|said|is|was|won'?t|wont|doesn'?t|called|named|keeps)(?=\s|$)/i;

/** An attachment as it arrives on a message (Direct Line, Web Chat, Emulator, Teams). */
export interface ChatAttachment {
  name?: string;
  contentType?: string;
  contentUrl?: string;
  /** Teams file uploads carry the real download link here (`application/vnd.microsoft.teams.file.download.info`). */
  content?: unknown;
}

/** Options the upload diagnosis may be started with (the main dialog passes the user's message). */
export interface UploadDiagnosisOptions {
  /** The user's message text; a file name in it is offered as a button. */
  text?: string;
  /** Attachments of the user's message: the first file is checked at once. */
  attachments?: ChatAttachment[];
}

/** What the waterfall keeps between turns: never the file or its URL, only the redacted diagnosis. */
interface UploadValues {
  diagnosis?: Diagnosis | null;
  fetch?: Exclude<FetchedAttachment, { ok: true }>['reason'];
}

const TEAMS_FILE = 'application/vnd.microsoft.teams.file.download.info';
/** Turn-state key of an attachment that came with the first message (kept for this turn only). */
const PRE_ATTACHED = Symbol('uploadDiagnosisDialog.preAttached');
const LONGEST_TYPED_NAME = 255;

/** Where to download an attachment: Teams file uploads have a pre-authorised `downloadUrl`. */
function attachmentUrl(attachment: ChatAttachment): string | undefined {
  if (attachment.contentType === TEAMS_FILE) {
    const downloadUrl = (attachment.content as { downloadUrl?: unknown } | undefined)?.downloadUrl;
    if (typeof downloadUrl === 'string') return downloadUrl;
  }
  return attachment.contentUrl;
}

/**
 * The first attachment that is a user's file: not a card the channel added (Teams adds a
 * `text/html` copy of the message, cards are `application/vnd.microsoft.card.*`).
 */
export function pickAttachment(attachments: ChatAttachment[] | undefined): ChatAttachment | undefined {
  return (attachments ?? []).find(
    (a) =>
      attachmentUrl(a) !== undefined &&
      (a.contentType === TEAMS_FILE || !a.contentType?.startsWith('application/vnd.microsoft.')) &&
      !(a.contentType === 'text/html' && !a.name),
  );
}

/** Why a typed answer can't be a file name, or `null` when it can. */
function typedNameProblem(text: string): string | null {
  if (text === '') return 'I need the file name or the file itself.';
  if (/[\r\n]/.test(text)) return 'Please send just the file name, on one line.';
  if (text.length > LONGEST_TYPED_NAME) return "That's longer than any file name can be. Please send just the file name.";
  return null;
}

/** Removes quotes people put around a name ("card.pdf", `card.pdf`). */
function unquote(text: string): string {
  return text.trim().replace(/^["'`“‘]+|["'`”’]+$/g, '').trim();
}

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

/** The diagnosis in chat: what was found, then what to do. */
export function describeDiagnosis(diagnosis: Diagnosis, displayName: string): string {
  const what = diagnosis.checked === 'content' ? 'its name and its contents' : 'its name';
  const header = `I checked ${what}: **${displayName || 'your file'}**${diagnosis.detectedType ? ` is ${diagnosis.detectedType.label}` : ''}.`;
  if (diagnosis.ok) {
    return `${header}\n\nIt looks fine: the portal accepts this type, and the name has nothing that usually breaks uploads.`;
  }
  const blockers = diagnosis.problems.filter((p) => p.severity === 'blocker').map((p) => p.message);
  const risks = diagnosis.problems.filter((p) => p.severity === 'risk').map((p) => p.message);
  const parts = [header];
  if (blockers.length) parts.push(`**This will stop the upload:**\n${bulleted(blockers)}`);
  if (risks.length) parts.push(`**This may make the upload fail:**\n${bulleted(risks)}`);
  if (diagnosis.advice.length) parts.push(`**What to do:**\n${numbered(diagnosis.advice)}`);
  return parts.join('\n\n');
}

/** General guidance when the user can't tell the name. */
const FIND_NAME_HELP = [
  "No problem. Here's how to see a file's full name, ending included:",
  bulleted([
    'Windows: right-click the file and choose Properties. File Explorer hides endings unless View → Show → "File name extensions" is on.',
    'Mac: select the file and choose File → Get Info ("Name & Extension").',
    'iPhone photos are HEIC files unless Settings → Camera → Formats is set to "Most Compatible".',
  ]),
  `The portal's rule: ${PORTAL_ALLOWED_TYPES_MESSAGE}`,
  `The usual fixes: iPhone photos (HEIC) → JPG; Word, Pages and other documents → PDF; WEBP or BMP pictures → PNG. ${FAQ_RENAME_TIP}.`,
  'You can also attach the file here any time and I will check it.',
].join('\n\n');

/**
 * Upload diagnosis (FAQ 6). The user types the file name or attaches the file (in the message
 * that started the dialog, or in reply to the question). By name it checks the name rules; by
 * attachment it downloads the file in memory (size cap, timeout, SSRF policy in the fetcher),
 * sniffs the real type from the bytes and compares it with the name. The file is never stored:
 * only the diagnosis (redacted) is kept. Then the FAQ's tips one at a time, and if it still
 * fails, the help-desk offer carrying the diagnosis (`diagnostics.upload`).
 */
export class UploadDiagnosisDialog extends GuidedFlowDialog {
  constructor(services: DialogServices) {
    super(UPLOAD_DIAGNOSIS_DIALOG, services);
    this.addDependency(new TextPrompt(UPLOAD_FILE_PROMPT, limitRetries(this.fileAnswerValidator)));
    this.addDependency(tipSequenceDialog(services));
    this.addDependency(offerHelpDeskDialog(services));
    this.setSteps([this.askFileStep.bind(this), this.diagnoseStep.bind(this), this.endTipsStep.bind(this)]);
  }

  /** Accepts an attachment, a button, or anything that can be a file name; the re-ask says what's wrong. */
  private readonly fileAnswerValidator = async (prompt: PromptValidatorContext<string>): Promise<boolean> => {
    if (pickAttachment(prompt.context.activity.attachments)) return true;
    const text = unquote(prompt.recognized.value ?? '');
    const problem = typedNameProblem(text);
    // The question's own buttons ("I don't know the name", a person, cancel) are answers too.
    const buttons = ((prompt.options.prompt as Partial<Activity> | undefined)?.suggestedActions?.actions ?? []).map((a) => String(a.title).toLowerCase());
    const sentence = SENTENCE_WORDS.test(text);
    if (problem === null && (buttons.includes(text.toLowerCase()) || (!sentence && (/\.[a-z0-9]{1,7}$/i.test(text) || looksLikeFileName(text) || looksLikeBareFileName(text))))) {
      prompt.recognized.value = text;
      return true;
    }
    // "the file is called My Record #2.pdf": the whole name after "called", not just its last word.
    const called = calledFileName(text);
    if (problem === null && called) {
      prompt.recognized.value = called;
      return true;
    }
    // A sentence that names a file ("i tried vaccine.pdf and it failed"): that file.
    const named = findFileNames(text);
    if (problem === null && named.length) {
      prompt.recognized.value = named[0];
      return true;
    }
    // Anything else is not taken as a name ("i dont have a clue", "photo"): said plainly, and asked again.
    prompt.options.retryPrompt = this.fileQuestion(`${problem ?? NOT_A_FILE_NAME} ${FILE_QUESTION}`, []);
    return false;
  };

  /** The file question with its buttons: names mentioned earlier, "I don't know", a person, cancel. */
  private fileQuestion(text: string, mentioned: string[]): Partial<Activity> {
    return markdown(text, [...mentioned.slice(0, 2), DONT_KNOW_NAME, TALK_TO_HELPDESK, CANCEL_BUTTON]);
  }

  private async askFileStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as UploadDiagnosisOptions;
    const attached = pickAttachment(options.attachments);
    if (attached) {
      // The waterfall persists its options with the conversation state; the attachment (its
      // name, and a data: URL can hold the whole file) moves to turn state, which is never saved.
      delete options.attachments;
      step.context.turnState.set(PRE_ATTACHED, attached);
      return step.next();
    }
    // Asked "what file types can I upload?", the user gets the portal's list first (FAQ 6),
    // then the offer to check their file.
    // Names in the message first, then the file checked last in this conversation (one tap to check it again).
    const last = factsOf(step.context).file?.name;
    const names = [...new Set([...findFileNames(options.text ?? ''), ...(last ? [last] : [])])];
    return step.prompt(UPLOAD_FILE_PROMPT, { prompt: this.fileQuestion(`${UPLOAD_INTRO}\n\n${FILE_QUESTION}`, names) as Activity });
  }

  private async diagnoseStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = step.values as UploadValues;
    const attachment: ChatAttachment | undefined = step.context.turnState.get(PRE_ATTACHED) ?? pickAttachment(step.context.activity.attachments);
    if (!attachment) {
      const escaped = await this.escaped(step, 'file');
      if (escaped) return escaped;
    }
    const typed = typeof step.result === 'string' ? step.result : '';
    let diagnosis: Diagnosis | null;
    if (attachment) {
      diagnosis = await this.checkAttachment(step, attachment);
    } else if (typed.toLowerCase() === DONT_KNOW_NAME.toLowerCase()) {
      await step.context.sendActivity(markdown(FIND_NAME_HELP));
      diagnosis = null;
    } else {
      diagnosis = diagnoseFileName(typed);
      await step.context.sendActivity(markdown(describeDiagnosis(diagnosis, diagnosis.fileName)));
    }
    if (diagnosis) {
      this.services.log.info({
        event: 'upload-diagnosis',
        checked: diagnosis.checked,
        ok: diagnosis.ok,
        problems: diagnosis.problems.map((p) => p.code),
        detected: diagnosis.detectedType?.ext ?? null,
        bytes: diagnosis.sizeBytes,
      });
    }
    values.diagnosis = diagnosis === null ? null : redactDiagnosis(diagnosis);
    if (values.diagnosis) {
      // The latest file check goes with any later handoff, even without the transcript.
      const { fileName, ok, problems, checked } = values.diagnosis;
      factsOf(step.context).file = { name: fileName, ok, problems: problems.map((p) => p.code), checked };
    }
    const needsFix = diagnosis !== null && !diagnosis.ok;
    const tips = [...(needsFix ? ['Fix the file as described above, then try the upload again.'] : []), BROWSER_TIP, DEVICE_TIP];
    if (!needsFix) await step.context.sendActivity('If the portal still won\'t take your file, try these, one at a time.');
    return step.beginDialog(TIP_SEQUENCE_DIALOG, { tips } satisfies TipSequenceOptions);
  }

  /**
   * Downloads and checks an attachment. The bytes live only in this function: they are never
   * put in dialog state, logged or written anywhere. A failed download falls back to the name.
   */
  private async checkAttachment(step: WaterfallStepContext, attachment: ChatAttachment): Promise<Diagnosis | null> {
    const values = step.values as UploadValues;
    const name = attachment.name ?? '';
    // Downloads can take seconds: show the typing indicator and say so.
    await step.context.sendActivities([{ type: ActivityTypes.Typing }, MessageFactory.text('Checking your file…')]);
    const url = attachmentUrl(attachment);
    const maxBytes = this.services.settings.attachmentMaxBytes;
    const fetched: FetchedAttachment = url ? await this.services.fetchAttachment(url, maxBytes) : { ok: false, reason: 'failed' };
    if (fetched.ok) {
      const diagnosis = await diagnoseBytes(name, fetched.bytes);
      await step.context.sendActivity(markdown(describeDiagnosis(diagnosis, name)));
      return diagnosis;
    }
    values.fetch = fetched.reason;
    const fallback = name ? ' I checked its name instead.' : '';
    const notices: Record<typeof fetched.reason, string> = {
      'too-large': `That file is larger than ${megabytes(maxBytes)}, so I can't check it here. Very large files often fail to upload too: take the photo again at a lower resolution, or scan at 150-200 dpi, then try again.${fallback}`,
      timeout: `Downloading your file took too long, so I couldn't check its contents.${fallback}`,
      refused: `I'm not able to open files from that location, so I couldn't check its contents.${fallback}`,
      failed: `I couldn't download your file, so I couldn't check its contents.${fallback}`,
    };
    await step.context.sendActivity(notices[fetched.reason]);
    if (!name) return null;
    const diagnosis = diagnoseFileName(name);
    await step.context.sendActivity(markdown(describeDiagnosis(diagnosis, name)));
    return diagnosis;
  }

  private async endTipsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = step.values as UploadValues;
    return endTipSequence(step, this.id, this.services.log, {
      worked: "Great, I'm glad the upload worked.",
      stillFailing: `I'm sorry it still isn't working. The help desk can look at it with what I found${values.diagnosis ? ' (the check results, not your file)' : ''}.`,
      diagnostics: { upload: values.diagnosis ?? null, ...(values.fetch ? { fetch: values.fetch } : {}) },
    });
  }
}

/** The one {@link UploadDiagnosisDialog} of `services`: the main dialog and COVID-19 vaccination share it. */
export function uploadDiagnosisDialog(services: DialogServices): UploadDiagnosisDialog {
  return sharedDialog(services, UPLOAD_DIAGNOSIS_DIALOG, () => new UploadDiagnosisDialog(services));
}
