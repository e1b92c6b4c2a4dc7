import type { PromptValidator, PromptValidatorContext } from 'botbuilder-dialogs';

/** How many times a prompt re-asks after the first question before it gives up. */
export const MAX_REPROMPTS = 2;

/** The value a prompt ends with when the user's answer was invalid once too often. */
export interface GaveUp {
  readonly gaveUp: true;
}

const GAVE_UP: GaveUp = Object.freeze({ gaveUp: true as const });

/** Whether a prompt's result is the give-up marker rather than a real answer. */
export function isGaveUp(value: unknown): value is GaveUp {
  return typeof value === 'object' && value !== null && (value as { gaveUp?: unknown }).gaveUp === true;
}

/**
 * Wraps a prompt validator so that the prompt re-asks at most {@link MAX_REPROMPTS} times.
 * On the last failed attempt it accepts and ends the prompt with the {@link GaveUp} marker,
 * and the next waterfall step offers the help desk (`isGaveUp(step.result)`). Without a
 * validator it uses the prompt's own recognition (choice and confirm prompts).
 *
 * Why a marker rather than an exception: giving up is an expected outcome, and the parent
 * dialog decides what to do with it (the handoff, carrying which dialog gave up).
 */
export function limitRetries<T>(validator?: (prompt: PromptValidatorContext<T>) => Promise<boolean>): PromptValidator<T> {
  return async (prompt) => {
    const valid = validator ? await validator(prompt) : prompt.recognized.succeeded;
    if (valid) return true;
    if (prompt.attemptCount > MAX_REPROMPTS) {
      (prompt.recognized as { value: unknown; succeeded: boolean }).value = GAVE_UP;
      prompt.recognized.succeeded = true;
      return true;
    }
    return false;
  };
}
