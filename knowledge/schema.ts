import { z } from 'zod';
import { ENTRY_INTENT_IDS, isEntryIntentId } from './intents';

/**
 * The zod schema of one entry file in `knowledge/entries/`. Messages are written for the
 * help-desk staff who edit these files ("Required", "Must not be empty"), and unknown fields are
 * rejected so that a misspelt field name ("exampels") fails instead of being silently ignored.
 */

/** The error a missing field reports, so a message reads `field "answer": Required`. */
const REQUIRED = 'Required';

function text(what: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? REQUIRED : `Expected ${what}`) });
}

function nonEmpty(what: string) {
  return text(what).trim().min(1, 'Must not be empty');
}

function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: (issue) => (issue.input === undefined ? REQUIRED : `Expected a list of ${what}`) });
}

/** A line that starts a Markdown block of its own (list item, quote, heading, table row, fence). */
const BLOCK_START = /^\s*(?:[-*+]\s|\d+[.)]\s|>|#|\||```)/;

/**
 * Joins the lines of each paragraph with a space. Staff wrap answers wherever they like, and
 * Markdown reads a single line break as a space, but not every renderer does: Web Chat puts a
 * zero-width space around links and browsers drop a line break next to one, so "at" ending a
 * line before a link showed as "athttps://…". Blank lines, list items, quotes, headings, table
 * rows and code fences keep their breaks.
 */
export function unwrapParagraphs(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let fenced = false;
  for (const line of lines) {
    const previous = out.length ? out[out.length - 1] : undefined;
    const joins = !fenced && previous !== undefined && previous.trim() !== '' && line.trim() !== '' && !BLOCK_START.test(line) && !/^\s*```/.test(previous);
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (joins) out[out.length - 1] = `${previous.trimEnd()} ${line.trim()}`;
    else out.push(line);
  }
  return out.join('\n');
}

/** URL schemes a link may use: web pages, e-mail and phone numbers. */
const LINK_PROTOCOLS = ['https:', 'http:', 'mailto:', 'tel:'];

/** One link under an answer. */
export const linkSchema = z
  .object(
    {
      title: nonEmpty('text').max(60, 'At most 60 characters'),
      url: nonEmpty('a URL').refine((value) => {
        try {
          return LINK_PROTOCOLS.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      }, 'Expected a URL starting with https:, http:, mailto: or tel:'),
    },
    { error: (issue) => (issue.input === undefined ? REQUIRED : 'Expected a link with title and url') },
  )
  .strict();

/** Another entry's id (`next`, `ifNotWorking`): one of the intent ids, each of which has an entry. */
function entryId() {
  return nonEmpty('an entry id').refine((id) => isEntryIntentId(id), {
    error: (issue) => `Unknown entry id "${String(issue.input)}"; expected one of: ${ENTRY_INTENT_IDS.join(', ')}`,
  });
}

/** One entry file. The loader adds `source` (the file) to make a {@link KnowledgeEntry}. */
export const entryFileSchema = z
  .object(
    {
      id: nonEmpty('text').refine((id) => isEntryIntentId(id), {
        error: (issue) => `Unknown intent id "${String(issue.input)}"; expected one of: ${ENTRY_INTENT_IDS.join(', ')}`,
      }),
      question: nonEmpty('text'),
      label: nonEmpty('text').max(40, 'At most 40 characters (it is a button)'),
      answer: nonEmpty('Markdown text').transform(unwrapParagraphs),
      examples: list(nonEmpty('text'), 'phrasings').min(3, 'At least 3 examples'),
      keywords: list(nonEmpty('text'), 'keywords').default([]),
      links: list(linkSchema, 'links').default([]),
      followUps: list(nonEmpty('text').max(80, 'At most 80 characters (it is a button)'), 'texts').default([]),
      next: entryId().optional(),
      ifNotWorking: entryId().optional(),
    },
    { error: (issue) => (issue.input === undefined ? 'The file is empty' : 'Expected a mapping of fields (id: …, question: …)') },
  )
  .strict();

/**
 * One out-of-scope topic file (`knowledge/out-of-scope/`): the fields of an entry, with an id of
 * its own (never an intent id: the matcher answers `none` for these) and the sources of its facts.
 */
export const outOfScopeFileSchema = entryFileSchema.omit({ id: true, next: true, ifNotWorking: true }).extend({
  id: nonEmpty('text')
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Expected lower-case words joined by "-"')
    .refine((id) => !isEntryIntentId(id) && id !== 'none', 'Must not be an intent id (topics are out of scope)'),
  sources: list(nonEmpty('text'), 'sources').min(1, 'At least 1 source (the UHS page or seed FAQ the answer quotes)'),
  subject: list(nonEmpty('text'), 'words').default([]),
});
