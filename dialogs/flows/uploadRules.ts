import { redact } from '../redact';
import { FLOW_FACTS } from '../../knowledge/flowFacts';
import { sentenceStart } from './quoteText';

/**
 * Upload diagnosis rules (FAQ 6, "I'm having difficulty uploading documents to the Patient
 * Portal"): pure functions that look at a file's name, and optionally its bytes, and say in
 * patient language what will stop the portal from taking it and how to fix it.
 *
 * Everything here is data in, data out: no I/O, no botbuilder, nothing stored. The result, a
 * {@link Diagnosis}, is plain JSON so the upload dialog can carry it into a handoff case
 * (after {@link redactDiagnosis}).
 */

/** File endings the portal accepts, lower case without the dot, in the FAQ's order. */
export const ALLOWED_EXTENSIONS = ['gif', 'png', 'tiff', 'tif', 'jpg', 'jpeg', 'txt', 'pdf'] as const;

/** One of {@link ALLOWED_EXTENSIONS}. */
export type AllowedExtension = (typeof ALLOWED_EXTENSIONS)[number];

/** The portal's own error message for a wrong file type, quoted exactly from the FAQ. */
export const PORTAL_ALLOWED_TYPES_MESSAGE = FLOW_FACTS.uploadAllowedTypes;

/** The FAQ's renaming tip, quoted exactly. */
export const FAQ_RENAME_TIP = FLOW_FACTS.uploadRenameTip;

/**
 * Longest file name (with its ending) we call safe.
 *
 * Why 60: the FAQ says "Shorten the length" without a number, and the portal does not publish
 * one. 60 characters fits any sensible name ("2024-09-01 MMR vaccine record - Jane Doe.pdf" is
 * 44), stays clear of the 50-100 character name columns common in document systems, and keeps
 * the full path far from Windows' 260-character limit even deep inside Downloads. It is a
 * heuristic, so an over-long name is a `risk`, not a `blocker`.
 */
export const MAX_FILE_NAME_LENGTH = 60;

/**
 * The characters a safe file name may contain besides ASCII letters and digits: space, hyphen,
 * underscore, dot and parentheses ("scan (1).pdf" is what browsers make of duplicates).
 *
 * Why an allow-list rather than a list of bad characters: the FAQ names `* % &` "(i.e.)", as
 * examples, and the others fail for the same reasons, so anything outside a small safe set is
 * flagged. Renaming costs the patient seconds; a silent failure costs a help-desk email.
 * - `* % &` are the FAQ's own examples.
 * - `< > : " / \ | ? *` cannot be used in Windows file names, which staff PCs use.
 * - `# ? % & + ; =` delimit URLs and form data: `#` starts a fragment, `%` an escape, `&` a new
 *   parameter, `+` turns into a space, so links to the uploaded document break.
 * - `' " \`` break HTML attributes and scripts; ASP.NET (the portal's platform) rejects form
 *   values with `<` or `&#` as "potentially dangerous".
 * - `, ;` break the unquoted file name in a download's Content-Disposition header (Chrome
 *   refuses such downloads), and `{ } [ ] ~ ^ $ @ !` are mishandled by shells, SharePoint and
 *   mail gateways often enough to be worth a rename.
 */
const SAFE_PUNCTUATION = new Set([' ', '-', '_', '.', '(', ')']);

/** How bad a problem is: the portal refuses the file, or the upload may fail or the file may not open. */
export type Severity = 'blocker' | 'risk';

/** Machine-readable problem codes, stable for tests and for the help desk. */
export type ProblemCode =
  | 'empty-name'
  | 'missing-extension'
  | 'not-allowed-type'
  | 'double-extension'
  | 'special-characters'
  | 'non-ascii'
  | 'control-characters'
  | 'leading-trailing'
  | 'name-too-long'
  | 'empty-file'
  | 'type-mismatch'
  | 'encrypted-pdf'
  | 'incomplete-pdf'
  | 'unrecognised-content';

/** One thing wrong with the file, with a sentence for the patient. */
export interface Problem {
  code: ProblemCode;
  severity: Severity;
  /** Plain-language explanation for the patient. Never contains the file name. */
  message: string;
}

/** How to turn the file into one the portal accepts. */
export interface Conversion {
  /** What the file is (canonical ending, e.g. `heic`, `docx`, `zip`). */
  from: string;
  /** What to make of it; `null` when the fix is not a single file type (unzip, take a photo). */
  to: AllowedExtension | null;
  /** True when the content is already right and only the ending is wrong. */
  renameOnly: boolean;
  /** Step-by-step instructions in patient language. */
  how: string;
}

/** The type found in the file's bytes. */
export interface DetectedType {
  /** Canonical ending (`jpg`, `heic`, `docx`, `txt`…). */
  ext: string;
  mime: string;
  /** Patient-language name ("an iPhone photo (HEIC)"). */
  label: string;
}

/** The result of a diagnosis; plain JSON. */
export interface Diagnosis {
  /** True when nothing was found that could stop the upload. */
  ok: boolean;
  /** What was checked: only the name, or the name and the content. */
  checked: 'name' | 'content';
  /** The name as given (the last path segment). Pass through {@link redactDiagnosis} before storing. */
  fileName: string;
  /** The final ending, lower case without the dot, or `null` when there is none. */
  extension: string | null;
  /** The type sniffed from the bytes; `null` for a name-only check or unrecognised content. */
  detectedType: DetectedType | null;
  /** Size of the checked content in bytes; `null` for a name-only check. */
  sizeBytes: number | null;
  problems: Problem[];
  /** The conversion to make, if the type is wrong. */
  conversion: Conversion | null;
  /** A safe name to rename the file to, when the name (or its ending) needs changing. */
  suggestedName: string | null;
  /** What to do, in order, in patient language. */
  advice: string[];
}

/** A file kind the rules know: its label, and how to convert it if the portal does not accept it. */
interface FileKind {
  label: string;
  to?: AllowedExtension | null;
  how?: string;
}

const SAVE_AS_PDF_WORD =
  'Open it and save a PDF copy: in Word, File → Save As (or Export) → PDF; in Google Docs, File → Download → PDF Document; in Pages, File → Export To → PDF. Then upload the PDF.';
const SAVE_AS_PDF_SHEET =
  'Open it and save a PDF copy: in Excel, File → Save As (or Export) → PDF; in Google Sheets, File → Download → PDF; in Numbers, File → Export To → PDF. Then upload the PDF.';
const SAVE_AS_PDF_SLIDES =
  'Open it and save a PDF copy: in PowerPoint, File → Save As (or Export) → PDF; in Keynote, File → Export To → PDF. Then upload the PDF.';
const PRINT_TO_PDF =
  'Open it and print it to a PDF: choose Print, then "Save as PDF" (Mac, Chrome) or "Microsoft Print to PDF" (Windows) as the printer. Then upload the PDF.';
/** A saved email: the attachment itself, or the email printed to PDF. */
const EMAIL_TO_PDF =
  'If the document is attached to the email, save the attachment itself; otherwise print the email to a PDF ("Save as PDF" or "Microsoft Print to PDF"). Then upload that file.';
const HEIC_TO_JPG =
  'This is the iPhone\'s photo format (HEIC), which the portal doesn\'t accept. Make a JPG: on the iPhone, go to Settings → Camera → Formats and choose "Most Compatible", then take the photo again. For a photo you already have, open it on a Mac in Preview and use File → Export → JPEG, or take a screenshot of it (screenshots are PNG, which the portal accepts).';
const TO_PNG =
  'Convert it to PNG: on Windows, open it in Paint and use File → Save as → PNG picture; on a Mac, open it in Preview and use File → Export → PNG. Then upload the PNG.';
const CAMERA_RAW_TO_JPG =
  'This is a camera "raw" photo. Export it as JPG from your photo app (for example Photos or Lightroom: Export → JPEG), then upload the JPG.';
const UNZIP =
  'This is a compressed folder (archive). Open (unzip) it first, then upload each document inside on its own, as long as each is a PDF, JPG, PNG, GIF, TIFF or TXT file.';
const VIDEO_TO_PHOTO =
  'This is a video, which the portal doesn\'t accept. Take a photo of the document instead (JPG), or scan it to PDF.';
const RENAME_TO = (ext: AllowedExtension) => `Only the name's ending is wrong: rename the file so it ends in .${ext}.`;

/**
 * Known file kinds by canonical ending. Allowed kinds have no `to`. Aliases map to these in
 * {@link canonicalExtension}.
 */
const FILE_KINDS: Record<string, FileKind> = {
  pdf: { label: 'a PDF document' },
  jpg: { label: 'a JPG photo' },
  png: { label: 'a PNG picture' },
  gif: { label: 'a GIF picture' },
  tif: { label: 'a TIFF picture' },
  txt: { label: 'a plain text file' },
  heic: { label: 'an iPhone photo (HEIC)', to: 'jpg', how: HEIC_TO_JPG },
  webp: { label: 'a WEBP picture', to: 'png', how: TO_PNG },
  bmp: { label: 'a BMP picture', to: 'png', how: TO_PNG },
  avif: { label: 'an AVIF picture', to: 'png', how: TO_PNG },
  jxl: { label: 'a JPEG XL picture', to: 'png', how: TO_PNG },
  jp2: { label: 'a JPEG 2000 picture', to: 'png', how: TO_PNG },
  svg: { label: 'an SVG drawing', to: 'png', how: TO_PNG },
  ico: { label: 'an icon file', to: 'png', how: TO_PNG },
  psd: { label: 'a Photoshop file', to: 'png', how: 'Open it in Photoshop and use File → Export → Export As → PNG (or JPG). Then upload that file.' },
  dng: { label: 'a camera raw photo', to: 'jpg', how: CAMERA_RAW_TO_JPG },
  cr2: { label: 'a camera raw photo', to: 'jpg', how: CAMERA_RAW_TO_JPG },
  cr3: { label: 'a camera raw photo', to: 'jpg', how: CAMERA_RAW_TO_JPG },
  nef: { label: 'a camera raw photo', to: 'jpg', how: CAMERA_RAW_TO_JPG },
  arw: { label: 'a camera raw photo', to: 'jpg', how: CAMERA_RAW_TO_JPG },
  orf: { label: 'a camera raw photo', to: 'jpg', how: CAMERA_RAW_TO_JPG },
  raf: { label: 'a camera raw photo', to: 'jpg', how: CAMERA_RAW_TO_JPG },
  rw2: { label: 'a camera raw photo', to: 'jpg', how: CAMERA_RAW_TO_JPG },
  docx: { label: 'a Word document', to: 'pdf', how: SAVE_AS_PDF_WORD },
  doc: { label: 'a Word document', to: 'pdf', how: SAVE_AS_PDF_WORD },
  docm: { label: 'a Word document', to: 'pdf', how: SAVE_AS_PDF_WORD },
  dotx: { label: 'a Word template', to: 'pdf', how: SAVE_AS_PDF_WORD },
  pages: { label: 'a Pages document', to: 'pdf', how: SAVE_AS_PDF_WORD },
  odt: { label: 'an OpenDocument text file', to: 'pdf', how: SAVE_AS_PDF_WORD },
  rtf: { label: 'a Rich Text document', to: 'pdf', how: SAVE_AS_PDF_WORD },
  wpd: { label: 'a WordPerfect document', to: 'pdf', how: SAVE_AS_PDF_WORD },
  gdoc: { label: 'a Google Docs shortcut', to: 'pdf', how: SAVE_AS_PDF_WORD },
  cfb: { label: 'an older Microsoft Office file (Word .doc or Excel .xls)', to: 'pdf', how: SAVE_AS_PDF_WORD },
  xlsx: { label: 'an Excel spreadsheet', to: 'pdf', how: SAVE_AS_PDF_SHEET },
  xls: { label: 'an Excel spreadsheet', to: 'pdf', how: SAVE_AS_PDF_SHEET },
  xlsm: { label: 'an Excel spreadsheet', to: 'pdf', how: SAVE_AS_PDF_SHEET },
  numbers: { label: 'a Numbers spreadsheet', to: 'pdf', how: SAVE_AS_PDF_SHEET },
  ods: { label: 'an OpenDocument spreadsheet', to: 'pdf', how: SAVE_AS_PDF_SHEET },
  csv: { label: 'a CSV spreadsheet', to: 'pdf', how: SAVE_AS_PDF_SHEET },
  pptx: { label: 'a PowerPoint presentation', to: 'pdf', how: SAVE_AS_PDF_SLIDES },
  ppt: { label: 'a PowerPoint presentation', to: 'pdf', how: SAVE_AS_PDF_SLIDES },
  key: { label: 'a Keynote presentation', to: 'pdf', how: SAVE_AS_PDF_SLIDES },
  odp: { label: 'an OpenDocument presentation', to: 'pdf', how: SAVE_AS_PDF_SLIDES },
  html: { label: 'a web page', to: 'pdf', how: PRINT_TO_PDF },
  mhtml: { label: 'a saved web page', to: 'pdf', how: PRINT_TO_PDF },
  xml: { label: 'an XML file', to: 'pdf', how: PRINT_TO_PDF },
  xps: { label: 'an XPS document', to: 'pdf', how: PRINT_TO_PDF },
  eml: { label: 'a saved email', to: 'pdf', how: EMAIL_TO_PDF },
  msg: { label: 'a saved Outlook email', to: 'pdf', how: EMAIL_TO_PDF },
  epub: { label: 'an e-book', to: 'pdf', how: PRINT_TO_PDF },
  ps: { label: 'a PostScript file', to: 'pdf', how: PRINT_TO_PDF },
  eps: { label: 'a PostScript drawing', to: 'pdf', how: PRINT_TO_PDF },
  zip: { label: 'a compressed folder (ZIP)', to: null, how: UNZIP },
  rar: { label: 'a compressed folder (RAR)', to: null, how: UNZIP },
  '7z': { label: 'a compressed folder (7z)', to: null, how: UNZIP },
  gz: { label: 'a compressed file (GZ)', to: null, how: UNZIP },
  mov: { label: 'a video', to: null, how: VIDEO_TO_PHOTO },
  mp4: { label: 'a video', to: null, how: VIDEO_TO_PHOTO },
  m4v: { label: 'a video', to: null, how: VIDEO_TO_PHOTO },
};

/** Endings that are other names for a kind above. `jfif`/`jpe` are JPEG inside, so a rename fixes them. */
const ALIASES: Record<string, string> = {
  jpeg: 'jpg',
  jpe: 'jpg',
  jfif: 'jpg',
  pjpeg: 'jpg',
  mpo: 'jpg',
  tiff: 'tif',
  apng: 'png',
  heif: 'heic',
  hif: 'heic',
  htm: 'html',
  mht: 'html',
  text: 'txt',
  md: 'txt',
  log: 'txt',
  tgz: 'gz',
  'tar.gz': 'gz',
};

/**
 * Formats `file-type` recognises by a two- to six-byte ASCII signature ("BM", "MZ", "070707",
 * "AC1018"), so a text file that happens to start with those letters is misreported. When the
 * bytes are clean text without NUL bytes (which real files of these kinds always contain), the
 * rules trust the text check instead.
 */
const ASCII_SIGNATURE_KINDS = new Set(['bmp', 'exe', 'cpio', 'dwg']);

/** The canonical ending for `ext` (lower case; aliases folded: jpeg → jpg, tiff → tif, heif → heic). */
export function canonicalExtension(ext: string): string {
  const lower = ext.toLowerCase();
  return ALIASES[lower] ?? lower;
}

/** Whether an ending (any case, with or without the dot) is one the portal accepts. */
export function isAllowedExtension(ext: string): boolean {
  return (ALLOWED_EXTENSIONS as readonly string[]).includes(ext.replace(/^\./, '').toLowerCase());
}

/** Whether a canonical kind is accepted by the portal (its name may still need the right ending). */
function isAllowedKind(kind: string): boolean {
  return FILE_KINDS[kind] !== undefined && FILE_KINDS[kind].to === undefined;
}

function isKnownExtension(ext: string): boolean {
  return FILE_KINDS[canonicalExtension(ext)] !== undefined || isAllowedExtension(ext);
}

/** A patient-language label for a canonical kind ("a Word document"), or a generic one. */
export function kindLabel(ext: string): string {
  return FILE_KINDS[canonicalExtension(ext)]?.label ?? `a .${ext.toLowerCase()} file`;
}

/** The conversion that makes a file of kind `ext` uploadable, or `null` when it already is. */
export function conversionFor(ext: string): Conversion | null {
  const from = canonicalExtension(ext);
  const lower = ext.toLowerCase();
  const kind = FILE_KINDS[from];
  if (kind && kind.to === undefined) {
    // An allowed kind under an alias the portal doesn't list (.jfif, .jpe, .text): rename only.
    if (isAllowedExtension(lower)) return null;
    const to = from as AllowedExtension;
    return { from, to, renameOnly: true, how: RENAME_TO(to) };
  }
  if (kind?.how !== undefined && kind.to !== undefined) return { from, to: kind.to, renameOnly: false, how: kind.how };
  return {
    from,
    to: null,
    renameOnly: false,
    how: 'Open the file on your device and save or export a copy as a PDF (for documents) or a JPG (for photos), then upload that copy.',
  };
}

/** The last path segment of what the user typed (a pasted `C:\…\card.pdf` is the file `card.pdf`). */
function baseName(name: string): string {
  const parts = name.split(/[/\\]/);
  return parts[parts.length - 1];
}

/** Splits `name` into its stem and final ending (without the dot); a leading dot is not an ending. */
function splitName(name: string): { stem: string; ext: string | null } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return { stem: name.replace(/\.+$/, ''), ext: null };
  return { stem: name.slice(0, dot), ext: name.slice(dot + 1) };
}

// eslint-disable-next-line no-control-regex -- finding control characters in file names is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function isSafeChar(ch: string): boolean {
  return /[A-Za-z0-9]/.test(ch) || SAFE_PUNCTUATION.has(ch);
}

/** Distinct ASCII special characters in `name`, in order of appearance. */
function specialCharacters(name: string): string[] {
  const found: string[] = [];
  for (const ch of name) {
    if (ch >= ' ' && ch <= '~' && !isSafeChar(ch) && !found.includes(ch)) found.push(ch);
  }
  return found;
}

/**
 * A safe name for the file: diacritics removed, anything outside the safe set replaced by `-`,
 * repeated separators collapsed, shortened to {@link MAX_FILE_NAME_LENGTH}, ending `ext`.
 */
export function suggestFileName(name: string, ext: string): string {
  let stem = baseName(name);
  // Drop every known ending at the end (card.pdf.docx → card), so the suggestion has exactly one.
  for (;;) {
    const { stem: s, ext: e } = splitName(stem);
    if (e === null || !isKnownExtension(e)) break;
    stem = s;
  }
  const cleaned = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_()-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_.]+|[-_.]+$/g, '');
  const room = MAX_FILE_NAME_LENGTH - ext.length - 1;
  const short = cleaned.slice(0, room).replace(/[-_.]+$/g, '');
  return `${short || 'document'}.${ext}`;
}

/** A problem, built with its severity. */
const problem = (code: ProblemCode, severity: Severity, message: string): Problem => ({ code, severity, message });

/** The problems with a name, and the conversion its ending calls for. */
function nameProblems(fileName: string): { problems: Problem[]; extension: string | null; conversion: Conversion | null } {
  const problems: Problem[] = [];
  if (fileName.trim() === '') {
    return {
      problems: [problem('empty-name', 'blocker', 'The file has no name. Give it a short name with a proper ending, like vaccine-card.pdf.')],
      extension: null,
      conversion: null,
    };
  }
  const { stem, ext } = splitName(fileName.trim().replace(/[. ]+$/, ''));
  const extension = ext === null ? null : ext.toLowerCase();
  let conversion: Conversion | null = null;

  if (extension === null) {
    problems.push(
      problem(
        'missing-extension',
        'blocker',
        'The name has no ending (like .pdf or .jpg), so the portal can\'t tell what kind of file it is. Add the right ending for what the file really is.',
      ),
    );
  } else if (!isAllowedExtension(extension)) {
    conversion = conversionFor(extension);
    problems.push(
      problem(
        'not-allowed-type',
        'blocker',
        `The portal doesn't accept .${extension} files: this is ${kindLabel(extension)}. ${PORTAL_ALLOWED_TYPES_MESSAGE}`,
      ),
    );
  }

  // card.pdf.docx: Windows hides the last ending by default, so the file *looks* like card.pdf.
  const inner = extension === null ? null : splitName(stem).ext;
  if (inner !== null && extension !== null && isKnownExtension(inner)) {
    const same = canonicalExtension(inner) === canonicalExtension(extension);
    problems.push(
      problem(
        'double-extension',
        same || isAllowedExtension(extension) ? 'risk' : 'blocker',
        same
          ? `The name ends in .${inner}.${extension}, the same ending twice. Remove one so it ends in a single .${extension}.`
          : `The name has two endings, .${inner} and then .${extension}. Only the last one counts: this is ${kindLabel(extension)}, not ${kindLabel(inner)}. Windows often hides the last ending, so the file can look like it ends in .${inner}. Renaming a file doesn't convert it.`,
      ),
    );
  }

  const specials = specialCharacters(fileName);
  if (specials.length > 0) {
    problems.push(
      problem(
        'special-characters',
        'blocker',
        `The name contains special characters the portal can't handle: ${specials.join(' ')}. ${sentenceStart(FLOW_FACTS.uploadSpecialCharacters)} and use only letters, numbers, spaces, dashes (-) or underscores (_).`,
      ),
    );
  }
  // eslint-disable-next-line no-control-regex -- the ASCII range, control characters included
  if (/[^\u0000-\u007f]/.test(fileName.replace(new RegExp(CONTROL.source, 'g'), ''))) {
    problems.push(
      problem(
        'non-ascii',
        'risk',
        'The name contains accented letters, symbols or emoji. Browsers send these differently and the portal may garble or refuse them. Use plain letters (a-z) and numbers.',
      ),
    );
  }
  if (CONTROL.test(fileName)) {
    problems.push(problem('control-characters', 'blocker', 'The name contains invisible control characters. Rename the file by typing a new, simple name.'));
  }
  if (/^[. ]|[. ]$/.test(fileName)) {
    problems.push(
      problem(
        'leading-trailing',
        'risk',
        'The name starts or ends with a dot or a space. Some computers drop or hide these, which can break the upload. Remove them.',
      ),
    );
  }
  if ([...fileName].length > MAX_FILE_NAME_LENGTH) {
    problems.push(
      problem(
        'name-too-long',
        'risk',
        `The name is ${[...fileName].length} characters long. Shorten it to ${MAX_FILE_NAME_LENGTH} characters or fewer (for example vaccine-card.pdf).`,
      ),
    );
  }
  return { problems, extension, conversion };
}

/**
 * Builds the advice list and the final diagnosis from its parts. A new name is suggested only
 * when the file needs one: something is wrong and the safe name differs from the current one.
 */
function finish(parts: Omit<Diagnosis, 'ok' | 'advice' | 'suggestedName'>, targetExt: string | null): Diagnosis {
  const safeName = parts.problems.length > 0 && targetExt !== null ? suggestFileName(parts.fileName, targetExt) : null;
  const suggestedName = safeName === parts.fileName ? null : safeName;
  const advice: string[] = [];
  if (parts.problems.some((p) => p.code === 'empty-file')) {
    advice.push('Go back to the original (the photo, scan or document) and save or export it again, then check that the new file opens before uploading it.');
  }
  if (parts.conversion) advice.push(parts.conversion.how);
  if (parts.problems.some((p) => p.code === 'encrypted-pdf')) {
    advice.push(
      'Save a copy without the password: open the PDF (type the password), choose Print, then "Save as PDF" (Mac, Chrome) or "Microsoft Print to PDF" (Windows), and upload the new copy.',
    );
  }
  if (parts.problems.some((p) => p.code === 'incomplete-pdf')) {
    advice.push('Download or scan the document again, check that it opens and shows every page, then upload the new copy.');
  }
  if (parts.problems.some((p) => p.code === 'unrecognised-content')) {
    advice.push('Open the file on your device. If it opens, save or export a copy as PDF (documents) or JPG (photos) and upload that copy. If it doesn\'t open, the file is damaged: make it again from the original.');
  }
  if (suggestedName !== null) {
    advice.push(`Give the ${parts.conversion && !parts.conversion.renameOnly ? 'new ' : ''}file a simple name such as ${suggestedName}.`);
  }
  return { ...parts, ok: parts.problems.length === 0, suggestedName, advice };
}

/**
 * Diagnoses a file by its name only: the ending (any case) against {@link ALLOWED_EXTENSIONS},
 * special characters, accents and emoji, control characters, leading or trailing dots and
 * spaces, over-long names, double and missing endings; and names the conversion to make.
 */
export function diagnoseFileName(name: string): Diagnosis {
  const fileName = baseName(name);
  const { problems, extension, conversion } = nameProblems(fileName);
  const target = conversion?.to ?? (extension !== null && isAllowedExtension(extension) ? extension : null);
  return finish({ checked: 'name', fileName, extension, detectedType: null, sizeBytes: null, problems, conversion }, target);
}

/**
 * Whether `bytes` are text: UTF-16 with a byte-order mark, or free of NUL bytes and other
 * control characters (tab, line breaks, form feed and the DOS end-of-file mark are fine),
 * either valid UTF-8 or single-byte text (Windows-1252 and the like).
 */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1a) return false;
    if (b === 0x7f) return false;
  }
  return true;
}

/** Whether `bytes` decode as UTF-8 (used to label the text; legacy single-byte text is still text). */
function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/**
 * Whether a PDF is encrypted (password-protected or permission-locked): its trailer dictionary,
 * or the dictionary of a cross-reference stream (PDF 1.5+), has an `/Encrypt` entry. Only those
 * dictionaries are searched, so the word inside page content does not count.
 */
export function isEncryptedPdf(bytes: Uint8Array): boolean {
  const text = latin1(bytes);
  const encryptEntry = /\/Encrypt\s*(?:\d+\s+\d+\s+R|<<)/;
  for (const m of text.matchAll(/trailer\s*<<([\s\S]*?)>>\s*startxref/g)) {
    if (encryptEntry.test(m[1])) return true;
  }
  // A cross-reference stream's dictionary runs from its "N G obj" header to the word "stream".
  // Searching around each /Type /XRef keeps this linear even for a 10 MB scan.
  for (const m of text.matchAll(/\/Type\s*\/XRef\b/g)) {
    const start = text.lastIndexOf('obj', m.index);
    const end = text.indexOf('stream', m.index);
    if (start >= 0 && end > m.index && encryptEntry.test(text.slice(start, end))) return true;
  }
  return false;
}

/** Whether a PDF ends with its `%%EOF` marker (in the last kilobyte); a cut-off download does not. */
export function hasPdfEnd(bytes: Uint8Array): boolean {
  return latin1(bytes.subarray(Math.max(0, bytes.length - 1024))).includes('%%EOF');
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typescript-eslint cannot resolve an import type with resolution-mode; tsc checks it
type FileTypeModule = typeof import('file-type', { with: { 'resolution-mode': 'import' } });
let fileTypeModule: Promise<FileTypeModule> | null = null;

/**
 * `file-type` is ESM-only; with module Node16 TypeScript keeps `import()` as a real dynamic
 * import, so the CommonJS build can load it. Loaded once.
 */
function loadFileType(): Promise<FileTypeModule> {
  fileTypeModule ??= import('file-type');
  return fileTypeModule;
}

/** Sniffs the type of `bytes`: `file-type` for binary formats, then our own text check. */
export async function detectType(bytes: Uint8Array): Promise<DetectedType | null> {
  if (bytes.length === 0) return null;
  const { fileTypeFromBuffer } = await loadFileType();
  const found = await fileTypeFromBuffer(bytes);
  const text = looksLikeText(bytes);
  if (found && !(ASCII_SIGNATURE_KINDS.has(found.ext) && text)) {
    const ext = canonicalExtension(found.ext);
    return { ext, mime: found.mime, label: kindLabel(ext) };
  }
  if (text) return { ext: 'txt', mime: isUtf8(bytes) ? 'text/plain; charset=utf-8' : 'text/plain', label: kindLabel('txt') };
  return null;
}

const IMAGE_KINDS = new Set(['jpg', 'png', 'gif', 'tif']);

/**
 * Kinds that are text inside. When the bytes are plain text and the name says one of these, the
 * name is believed: a CSV is not "really a text file" that should be renamed .txt.
 */
const TEXT_BASED_KINDS = new Set(['csv', 'html', 'xml', 'svg', 'eml', 'ps', 'eps', 'gdoc']);

/** The sniffed type, refined by the name for text-based kinds that only the name can tell apart. */
function refineTextKind(detected: DetectedType | null, extension: string | null): DetectedType | null {
  if (detected?.ext !== 'txt' || extension === null) return detected;
  const named = canonicalExtension(extension);
  return TEXT_BASED_KINDS.has(named) ? { ...detected, ext: named, label: kindLabel(named) } : detected;
}

/** The problems found in the content, given the name's ending and the sniffed type. */
function contentProblems(bytes: Uint8Array, extension: string | null, detected: DetectedType | null): Problem[] {
  if (bytes.length === 0) {
    return [problem('empty-file', 'blocker', 'The file is empty (0 bytes): there is nothing in it to upload. This usually happens when a download or a save was interrupted.')];
  }
  if (detected === null) {
    return [
      problem(
        'unrecognised-content',
        'blocker',
        'I couldn\'t recognise what kind of file this is from its contents. It may be damaged, or in a format the portal doesn\'t accept.',
      ),
    ];
  }
  const problems: Problem[] = [];
  const named = extension === null ? null : canonicalExtension(extension);
  if (named !== null && named !== detected.ext) {
    const allowedInside = isAllowedKind(detected.ext);
    const bothImages = IMAGE_KINDS.has(detected.ext) && IMAGE_KINDS.has(named);
    problems.push(
      problem(
        'type-mismatch',
        allowedInside && bothImages ? 'risk' : 'blocker',
        `The name ends in .${extension}, but the file is really ${detected.label}. ${
          allowedInside ? 'The ending should match what the file really is.' : 'Changing the name doesn\'t change what\'s inside, and the portal can\'t use it.'
        }`,
      ),
    );
  }
  if (detected.ext === 'pdf') {
    if (isEncryptedPdf(bytes)) {
      problems.push(
        problem(
          'encrypted-pdf',
          'blocker',
          'This PDF is password-protected (encrypted). The portal and UHS staff can\'t open protected files.',
        ),
      );
    }
    if (!hasPdfEnd(bytes)) {
      problems.push(problem('incomplete-pdf', 'risk', 'This PDF looks cut off (its end is missing), so it may not open.'));
    }
  }
  return problems;
}

/**
 * Diagnoses a file by its name and its bytes (kept in memory by the caller, never stored): the
 * name rules of {@link diagnoseFileName}, plus an empty file, the real type sniffed with
 * `file-type` compared with the name (a HEIC photo named .jpg, a Word file renamed .pdf), an
 * encrypted or cut-off PDF, and content nobody can recognise. The conversion follows the real
 * type, not the name.
 */
export async function diagnoseBytes(name: string, bytes: Uint8Array): Promise<Diagnosis> {
  const fileName = baseName(name);
  const byName = nameProblems(fileName);
  const detected = refineTextKind(await detectType(bytes), byName.extension);
  const problems = [...byName.problems, ...contentProblems(bytes, byName.extension, detected)];

  let conversion = byName.conversion;
  let target: string | null = conversion?.to ?? (byName.extension !== null && isAllowedExtension(byName.extension) ? byName.extension : null);
  if (detected !== null) {
    // The content decides: a PDF named "scan" only needs ".pdf"; a HEIC named .jpg needs converting.
    const named = byName.extension === null ? null : canonicalExtension(byName.extension);
    if (isAllowedKind(detected.ext)) {
      const rightEnding = byName.extension !== null && isAllowedExtension(byName.extension) && named === detected.ext;
      conversion = rightEnding ? null : { from: detected.ext, to: detected.ext as AllowedExtension, renameOnly: true, how: RENAME_TO(detected.ext as AllowedExtension) };
      target = rightEnding ? byName.extension : detected.ext;
    } else {
      conversion = conversionFor(detected.ext);
      target = conversion?.to ?? null;
    }
  }
  return finish(
    { checked: 'content', fileName, extension: byName.extension, detectedType: detected, sizeBytes: bytes.length, problems, conversion },
    target,
  );
}

/**
 * The diagnosis as it may be stored in a case: the file name and the suggested name pass
 * through the one redaction helper (a file name can carry a date of birth, "card 04-15-2003.jpg").
 */
export function redactDiagnosis(diagnosis: Diagnosis): Diagnosis {
  return {
    ...diagnosis,
    fileName: redact(diagnosis.fileName, { emails: true }),
    suggestedName: diagnosis.suggestedName === null ? null : redact(diagnosis.suggestedName, { emails: true }),
    advice: diagnosis.advice.map((a) => redact(a, { emails: true })),
  };
}

/**
 * File names mentioned in a message ("my card.HEIC won't upload" → `card.HEIC`): words ending
 * in a known file ending. Used to offer the name as a button; names with spaces are caught only
 * by their last word, which is why the dialog asks rather than assumes.
 */
export function findFileNames(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/[^\s"'“”‘’<>|,;:]+\.([A-Za-z0-9]{1,7})(?=$|[\s"'“”‘’),;:!?]|\.(?:\s|$))/g)) {
    if (!m[0].includes('://') && isKnownExtension(m[1]) && !found.includes(m[0])) found.push(m[0]);
  }
  return found;
}
