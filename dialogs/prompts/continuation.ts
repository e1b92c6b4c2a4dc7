/**
 * The parts of an FAQ answer that a follow-up continues from ("then what?", "where is that?"):
 * its numbered steps and the text after them. Pure functions over the entry's Markdown, so the
 * bot quotes the answer's own words and never writes a fact of its own.
 */

/** An answer's top-level numbered steps (without their numbers) and the paragraphs after the last one. */
export interface AnswerSteps {
  /** Each top-level step, as written (its wrapped and nested lines kept). */
  steps: string[];
  /** What the answer says after its last step ("Allow at least 10 business days…"); empty when nothing. */
  after: string;
}

const STEP = /^(\d+)[.)]\s+(.*)$/;

/**
 * Splits an answer into its numbered steps and what follows them. A step goes on over indented
 * lines (wrapped text, nested lists); the first paragraph that starts at the margin after a
 * blank line ends the steps. An answer without numbered steps has none, and nothing after.
 */
export function answerSteps(markdown: string): AnswerSteps {
  const steps: string[] = [];
  const after: string[] = [];
  let blank = false;
  for (const line of markdown.split('\n')) {
    if (line.trim() === '') {
      blank = true;
      if (after.length) after.push('');
      continue;
    }
    const step = STEP.exec(line);
    if (step && !after.length) {
      steps.push(step[2].trim());
    } else if (steps.length && !after.length && (/^\s/.test(line) || !blank)) {
      steps[steps.length - 1] = `${steps[steps.length - 1]}\n${line}`;
    } else if (steps.length) {
      after.push(line);
    }
    blank = false;
  }
  return { steps, after: after.join('\n').trim() };
}

/** Words too common to tell one passage of an answer from another. */
const COMMON = new Set([
  'what', 'where', 'when', 'which', 'does', 'even', 'just', 'that', 'this', 'there', 'with', 'your', 'have', 'will', 'would', 'could', 'should', 'know', 'they',
  'them', 'then', 'from', 'into', 'about', 'some', 'somewhere', 'take', 'make', 'find', 'need', 'want', 'already', 'right', 'really', 'portal', 'umass',
  'the', 'and', 'for', 'you', 'can', 'how', 'get', 'are', 'was', 'not', 'but', 'its', 'any', 'did', 'use', 'who', 'why', 'one', 'all', 'has', 'had', 'our', 'out',
  'too', 'yet', 'now', 'his', 'her', 'she', 'him', 'way', 'may', 'tbh', 'lol', 'idk', 'pls', 'plz', 'also', 'still',
]);

/** The words of `text` that say something (three letters or more, not {@link COMMON}), as five-letter stems. */
function stems(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9\s]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length >= 3 && !COMMON.has(w))
    .map((w) => w.slice(0, 5));
}

/**
 * The passage of an answer that a question asked in passing is about ("where is the forgot
 * password link" → the paragraph with the Forgot Password link): the paragraph sharing the most
 * words with it, with the list that follows when it ends in a colon. Quoted as written, so the
 * bot says nothing the answer does not. `null` when no paragraph shares a word.
 */
export function passageFor(markdown: string, question: string): string | null {
  const wanted = new Set(stems(question));
  if (!wanted.size) return null;
  const blocks = markdown.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  let best = -1;
  let bestScore = 0;
  blocks.forEach((block, i) => {
    const have = new Set(stems(block));
    // On a tie, the paragraph that shows where to go (a link or a bold label) is the one asked about.
    const score = [...wanted].filter((w) => have.has(w)).length + (/\]\(|\*\*/.test(block) ? 0.5 : 0);
    if (score >= 1 && score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  if (best < 0) return null;
  const passage = blocks[best];
  if (/:\s*$/.test(passage) && blocks[best + 1]) return `${passage}\n\n${blocks[best + 1]}`;
  // A list is read with the sentence that introduces it ("…will accept faxes. Their contact information is:").
  if (/^[-*]\s/.test(passage) && best > 0 && /:\s*$/.test(blocks[best - 1])) return `${blocks[best - 1]}\n\n${passage}`;
  return passage;
}
