import { expect } from 'chai';
import { knowledge } from './helpers';
import { unwrapParagraphs } from '../../knowledge/schema';

/**
 * A line break inside a paragraph of an answer is a "soft break": Markdown shows it as a space.
 * Next to a link it is not: Web Chat puts a zero-width space around each link, and browsers drop
 * a line break next to a zero-width space (CSS Text, segment break transformation), so "at" at
 * the end of one line and a link at the start of the next show as "athttps://…". This finds
 * every soft break with a link on either side, in every entry's answer as the bot sends it.
 */

/** A line that starts a new block (list item, quote, heading, table row), not a continuation. */
const BLOCK_START = /^\s*(?:[-*+]\s|\d+[.)]\s|>|#|\|)/;
/** Starts with a link: `[text](url)`, `**[text](url)**`, `<https://…>` or a bare URL. */
const STARTS_WITH_LINK = /^\s*(?:\*\*|_)?(?:\[|<https?:|https?:\/\/|mailto:)/;
/** Ends with a link. */
const ENDS_WITH_LINK = /(?:\]\([^)\s]*\)|<[^>\s]+>|https?:\/\/\S+)(?:\*\*|_)?[.,;:!?]?$/;

/** Soft breaks of `markdown` with a link right before or after them, as "…end | start…" snippets. */
export function softBreaksAtLinks(markdown: string): string[] {
  const lines = markdown.split('\n');
  const found: string[] = [];
  for (let i = 0; i + 1 < lines.length; i += 1) {
    const [line, next] = [lines[i], lines[i + 1]];
    if (line.trim() === '' || next.trim() === '' || BLOCK_START.test(next)) continue;
    if (STARTS_WITH_LINK.test(next) || ENDS_WITH_LINK.test(line.trimEnd())) found.push(`${line.trim().slice(-30)} | ${next.trim().slice(0, 30)}`);
  }
  return found;
}

describe('knowledge answers render as written: no words run together at a line break', () => {
  it('finds the case that showed "athttps://…" in Web Chat, and lets ordinary breaks be', () => {
    expect(softBreaksAtLinks('the portal homepage at\n[https://x.test](https://x.test), choose')).to.deep.equal(['the portal homepage at | [https://x.test](https://x.tes']);
    expect(softBreaksAtLinks('visit [a](https://a.test)\nand log in')).to.have.length(1);
    expect(softBreaksAtLinks('log in to the\nUMass Patient Portal')).to.deep.equal([]);
    expect(softBreaksAtLinks('Steps:\n- [a](https://a.test)\n- b')).to.deep.equal([]);
    expect(softBreaksAtLinks('see [a](https://a.test).\n\nNext paragraph')).to.deep.equal([]);
  });

  it('the loader joins the lines of a paragraph, and keeps lists, quotes and blank lines', () => {
    expect(unwrapParagraphs('homepage at\n[https://x.test](https://x.test), choose\nthis\n\n- a\n  more\n- b\n\n> q\n> r')).to.equal(
      'homepage at [https://x.test](https://x.test), choose this\n\n- a more\n- b\n\n> q\n> r',
    );
  });

  for (const entry of knowledge().entries.values()) {
    it(`${entry.id}: no line break next to a link inside a paragraph`, () => {
      expect(softBreaksAtLinks(entry.answer), 'join the link to the line before, or move the word before it to its line').to.deep.equal([]);
    });
  }
});
