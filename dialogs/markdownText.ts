import MarkdownIt from 'markdown-it';

/**
 * The bot writes its replies in Markdown, which Web Chat renders. Other places that show the
 * same text cannot: a plain-text email shows `**` and `[text](url)` as typed, and Teams renders
 * only a subset of Markdown. These helpers parse the Markdown once, with markdown-it (the
 * parser Web Chat itself renders with), and write it out for each of them, so that no
 * hand-written pattern has to guess where bold or a link begins and ends.
 *
 * Raw HTML in the Markdown is not HTML here (`html: false`): it stays text, escaped in the
 * HTML outputs, so a file name such as `<script>` quoted in a reply can never become markup.
 * Links pass markdown-it's link check (no `javascript:`, `vbscript:`, `file:` or `data:`).
 */

const parser = new MarkdownIt('default', { html: false, linkify: true, typographer: false });
// Bare addresses become links as Web Chat shows them; "www." without a scheme stays text.
parser.linkify.set({ fuzzyLink: false });

type Token = MarkdownIt.Token;

/**
 * A link whose text is its own address (`[a@b.edu](mailto:a@b.edu)`) is written as the bare
 * address, which reads the same and is linked all the same. It also mends such a link after
 * the transcript's redaction masked both halves: `[[email redacted]](mailto:[email redacted])`
 * has a space in its address, so Markdown would show every bracket of it.
 */
const SELF_LINK = /\[(.+?)\]\((?:mailto:)?\1\)/g;

function parse(markdown: string): Token[] {
  return parser.parse(markdown.replace(SELF_LINK, '$1'), {});
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * How a link reads in plain text: its address alone when the text is the address (a bare URL,
 * an email address), otherwise "text (address)". `mailto:` and `tel:` are dropped: the address
 * or number is enough.
 */
export function plainLink(text: string, href: string): string {
  const address = href.replace(/^(?:mailto|tel):/i, '');
  const label = text.trim();
  if (!label || label === href || label === address) return address;
  return `${label} (${address})`;
}

/** What differs between the outputs of {@link render}. */
interface Style {
  /** Escapes literal text. */
  text(s: string): string;
  strong(inner: string): string;
  em(inner: string): string;
  strike(inner: string): string;
  code(s: string): string;
  link(inner: string, href: string, plainInner: string): string;
  /** A hard line break inside a paragraph. */
  lineBreak: string;
  /** Between blocks (paragraphs, lists, quotes). */
  blockGap: string;
  /** A whole block quote, from its rendered content. */
  quote(inner: string): string;
  /** Preformatted lines (a code block). */
  pre(s: string): string;
  /** A list item's marker: "• " or "1. ". */
  marker(ordered: boolean, n: number): string;
  /** Indentation of nested list items, per level. */
  indent: string;
}

function renderInline(tokens: Token[], style: Style): { out: string; plain: string } {
  let out = '';
  let plain = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    switch (t.type) {
      case 'text':
        out += style.text(t.content);
        plain += t.content;
        break;
      case 'code_inline':
        out += style.code(t.content);
        plain += t.content;
        break;
      case 'softbreak':
        // Markdown: a single line break inside a paragraph is a space.
        out += ' ';
        plain += ' ';
        break;
      case 'hardbreak':
        out += style.lineBreak;
        plain += '\n';
        break;
      case 'image':
        // Never an image: its description and address, as a link would read.
        out += style.text(plainLink(t.content, String(t.attrGet('src') ?? '')));
        plain += t.content;
        break;
      case 'strong_open':
      case 'em_open':
      case 's_open':
      case 'link_open': {
        const close = t.type.replace('_open', '_close');
        let depth = 1;
        let j = i + 1;
        for (; j < tokens.length; j++) {
          if (tokens[j].type === t.type) depth++;
          else if (tokens[j].type === close && --depth === 0) break;
        }
        const inner = renderInline(tokens.slice(i + 1, j), style);
        if (t.type === 'strong_open') out += style.strong(inner.out);
        else if (t.type === 'em_open') out += style.em(inner.out);
        else if (t.type === 's_open') out += style.strike(inner.out);
        else out += style.link(inner.out, String(t.attrGet('href') ?? ''), inner.plain);
        plain += inner.plain;
        i = j;
        break;
      }
      default:
        // html_inline does not occur (html: false); anything unknown keeps its text.
        out += style.text(t.content);
        plain += t.content;
    }
  }
  return { out, plain };
}

/** Renders a run of block tokens (a document, or the inside of a list item or quote). */
function renderBlocks(tokens: Token[], style: Style, depth = 0): string {
  const blocks: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'inline') {
      blocks.push(renderInline(t.children ?? [], style).out);
    } else if (t.type === 'fence' || t.type === 'code_block') {
      blocks.push(style.pre(t.content.replace(/\n$/, '')));
    } else if (t.type === 'hr') {
      blocks.push(style.text('----'));
    } else if (t.nesting === 1) {
      const end = matchingClose(tokens, i);
      const inner = tokens.slice(i + 1, end);
      if (t.type === 'bullet_list_open' || t.type === 'ordered_list_open') {
        blocks.push(renderList(inner, t.type === 'ordered_list_open', Number(t.attrGet('start') ?? 1), style, depth));
      } else if (t.type === 'blockquote_open') {
        blocks.push(style.quote(renderBlocks(inner, style, depth)));
      } else if (t.type === 'heading_open') {
        blocks.push(style.strong(renderBlocks(inner, style, depth)));
      } else {
        // paragraph, table parts and the like: their content in order
        blocks.push(renderBlocks(inner, style, depth));
      }
      i = end;
    }
  }
  return blocks.filter((b) => b !== '').join(style.blockGap);
}

function renderList(tokens: Token[], ordered: boolean, start: number, style: Style, depth: number): string {
  const items: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== 'list_item_open') continue;
    const end = matchingClose(tokens, i);
    // A list item's paragraphs and sub-lists, each on its own line.
    const body = renderBlocks(tokens.slice(i + 1, end), { ...style, blockGap: style.lineBreak }, depth + 1);
    items.push(style.indent.repeat(depth) + style.marker(ordered, start + items.length) + body);
    i = end;
  }
  return items.join(style.lineBreak);
}

function matchingClose(tokens: Token[], open: number): number {
  let level = 0;
  for (let j = open; j < tokens.length; j++) {
    level += tokens[j].nesting;
    if (level === 0) return j;
  }
  return tokens.length;
}

const plainStyle: Style = {
  text: (s) => s,
  strong: (s) => s,
  em: (s) => s,
  strike: (s) => s,
  code: (s) => s,
  link: (_inner, href, plain) => plainLink(plain, href),
  lineBreak: '\n',
  blockGap: '\n\n',
  quote: (s) => s.replace(/^/gm, '    '),
  pre: (s) => s.replace(/^/gm, '    '),
  marker: (ordered, n) => (ordered ? `${n}. ` : '- '),
  indent: '  ',
};

/**
 * Markdown as plain text that reads well: no `**` or backslash escapes, links as
 * "text (address)" (just the address when that is the text), lists as "- " or "1. " lines,
 * quotes and code indented, paragraphs separated by a blank line.
 */
export function markdownToPlainText(markdown: string): string {
  return renderBlocks(parse(markdown), plainStyle);
}

/** Markdown as HTML for an email body (escaped; links checked; raw HTML stays text). */
export function markdownToHtml(markdown: string): string {
  return parser.renderer.render(parse(markdown), parser.options, {}).trim();
}

/**
 * The HTML that Teams renders the same on desktop, iOS and Android (`textFormat: 'xml'`).
 * Microsoft's table of text formatting in bot messages lists bold, italic, hyperlinks,
 * preformatted text and block quotes on every platform, but lists on desktop only and headers
 * on none; so lists become "• " lines, headers bold, and every line break is an explicit `<br>`
 * (a single newline does not break a line in Teams). See docs/channels.md.
 */
const teamsStyle: Style = {
  text: escapeHtml,
  strong: (s) => `<b>${s}</b>`,
  em: (s) => `<i>${s}</i>`,
  strike: (s) => `<strike>${s}</strike>`,
  code: (s) => `<code>${escapeHtml(s)}</code>`,
  link: (inner, href) => `<a href="${escapeHtml(href)}">${inner}</a>`,
  lineBreak: '<br>',
  blockGap: '<br><br>',
  quote: (s) => `<blockquote>${s}</blockquote>`,
  pre: (s) => `<pre>${escapeHtml(s)}</pre>`,
  marker: (ordered, n) => (ordered ? `${n}. ` : '• '),
  indent: '&nbsp;&nbsp;&nbsp;&nbsp;',
};

/** Markdown as the HTML subset Teams renders in a text message (see {@link teamsStyle}). */
export function markdownToTeamsHtml(markdown: string): string {
  return renderBlocks(parse(markdown), teamsStyle);
}

/**
 * `markdown` cut to at most `limit` characters (`mark` included) where the cut leaves no bold
 * or link half open: at the last space outside `**…**` and `[…](…)` before the limit, so the
 * kept part renders with no stray `**` or `[`. Without such a space it is cut before the open
 * bold or link, or, when none is open, at the limit.
 * A scan, not a parse: it runs on every bot reply kept in the transcript.
 */
export function cutMarkdown(markdown: string, limit: number, mark: string): string {
  if (markdown.length <= limit) return markdown;
  const max = limit - mark.length;
  let safe = -1;
  // Where the bold or link open at this point began (-1: none open).
  let openAt = -1;
  let bold = false;
  let linkText = false;
  let destination = false;
  for (let i = 0; i <= max && i < markdown.length; i++) {
    const c = markdown[i];
    if (c === ' ' || c === '\n') {
      if (openAt < 0) safe = i;
    } else if (c === '\\') {
      i++;
    } else if (destination) {
      if (c === ')') {
        destination = false;
        if (!bold) openAt = -1;
      }
    } else if (c === '*' && markdown[i + 1] === '*') {
      bold = !bold;
      if (bold && openAt < 0) openAt = i;
      else if (!bold && !linkText) openAt = -1;
      i++;
    } else if (c === '[') {
      linkText = true;
      if (openAt < 0) openAt = i;
    } else if (c === ']' && linkText) {
      linkText = false;
      if (markdown[i + 1] === '(') {
        destination = true;
        i++;
      } else if (!bold) {
        openAt = -1;
      }
    }
  }
  const end = safe > 0 ? safe : openAt >= 0 ? openAt : max;
  return `${markdown.slice(0, end).trimEnd()}${mark}`;
}

/** Plain text (shown as typed) as Teams HTML: escaped, each line break a `<br>`. */
export function plainToTeamsHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}
