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
