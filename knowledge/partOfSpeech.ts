import lexicon from 'wink-lexicon/src/lexicon.js';

/**
 * Whether an English word is, most likely, not a noun: a verb, adjective or adverb ("attempting",
 * "bigger", "often", "proceed"). Its most likely tag comes from wink-lexicon (about 13,000 common
 * English words with their Penn Treebank tags, most likely first).
 *
 * Why the matcher asks: a word the knowledge base does not know counts against a match, because an
 * unknown *noun* usually names what the message is about ("wifi", "transcript", "homework") and
 * that is not the portal. An unknown verb, adjective or adverb says how or how much, and rarely
 * what. Words the lexicon lacks are treated as nouns (names, jargon: the safe side).
 */
export function isLikelyNotNoun(word: string): boolean {
  const tags = Object.hasOwn(lexicon, word) ? lexicon[word] : undefined;
  if (tags === undefined || tags.length === 0) return false;
  return !/^(NN|CD|FW)/.test(tags[0]);
}
