/**
 * Staff text on its way into a patient's chat. The chat renders Markdown, so text relayed as
 * is could show a remote image (a tracking pixel) or a disguised link. Relayed text is sent as
 * plain text (`textFormat: 'plain'`), and this helper also removes what plain text must not
 * carry: HTML tags and Markdown images, and links outside the allowed domains.
 */

/** What replaces a link to a domain that is not allowed. */
export const LINK_REMOVED = '[link removed]';

/** An http(s) or www. link in running text (up to the first space or closing bracket). */
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"'()[\]{}]+/gi;
/** A Markdown image, `![alt](url)`. */
const MARKDOWN_IMAGE = /!\[([^\]]*)\]\([^)]*\)/g;
/** A Markdown link, `[label](url)`: becomes `label (url)`, so the URL is checked like any other. */
const MARKDOWN_LINK = /\[([^\]]*)\]\(([^)\s]*)[^)]*\)/g;
/** An HTML tag (or comment). */
const HTML_TAG = /<!--[\s\S]*?-->|<\/?[a-z][^>]*>/gi;

/** Whether `host` is one of `domains` or a subdomain of one. */
export function hostAllowed(host: string, domains: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return domains.some((d) => {
    const a = d.trim().toLowerCase();
    return a !== '' && (h === a || h.endsWith(`.${a}`));
  });
}

/** The host of a link found by {@link LINK}, or `null` when it does not parse. */
function hostOf(link: string): string | null {
  try {
    return new URL(/^www\./i.test(link) ? `https://${link}` : link).hostname;
  } catch {
    return null;
  }
}

/**
 * `text` made safe to relay as plain text: no HTML tags, no Markdown images (their alt text
 * stays), Markdown links spelled out, and links only to `linkDomains` (others replaced by
 * {@link LINK_REMOVED}). Without `linkDomains` links are kept.
 */
export function staffTextForChat(text: string, linkDomains?: readonly string[]): string {
  let out = text.replace(HTML_TAG, '').replace(MARKDOWN_IMAGE, (_m, alt: string) => alt).replace(MARKDOWN_LINK, (_m, label: string, url: string) => (label && label !== url ? `${label} (${url})` : url));
  if (linkDomains) {
    out = out.replace(LINK, (link) => {
      const host = hostOf(link);
      return host && hostAllowed(host, linkDomains) ? link : LINK_REMOVED;
    });
  }
  return out.trim();
}
