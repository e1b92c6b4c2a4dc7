/** wink-lexicon ships no types: its lexicon is a plain object, word → Penn Treebank tags, most likely first. */
declare module 'wink-lexicon/src/lexicon.js' {
  const lexicon: Readonly<Record<string, readonly string[] | undefined>>;
  export = lexicon;
}
