/**
 * Small text helpers for composing the FAQ's quotes (`knowledge/flowFacts.yaml`) into the flows'
 * sentences without rewording them. Pure, so the upload rules can use them too.
 */

/** Steps in one sentence, "a, b, and c", as the flows run a quote's steps together. */
export function listed(items: readonly string[]): string {
  return items.length > 2 ? `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}` : items.join(' and ');
}

/** `text` with a capital first letter: a quote from mid-sentence that starts a step. */
export function sentenceStart(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
