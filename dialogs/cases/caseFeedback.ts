import { ActionTypes, type Activity, type CardAction } from 'botbuilder-core';

/**
 * The one-click "Did this solve it?" question sent to a patient when staff resolve a case, and
 * the recognition of its answer. The question is sent by `CaseService.resolve` when staff resolve a case;
 * the answer arrives as an ordinary message in the patient's chat, where the main dialog
 * recognises it with {@link parseCaseFeedback} and stores it with `CaseService.feedback`.
 * It lives in `dialogs/` so that both sides share these constants without `dialogs/` importing `bot/`.
 */

/** The key in the answer's `activity.value` that marks it as case feedback. */
export const CASE_FEEDBACK_KEY = 'uhsCaseFeedback';
/** `activity.value[CASE_FEEDBACK_KEY]` when the patient says the case is solved. */
export const CASE_FEEDBACK_SOLVED = 'solved';
/** `activity.value[CASE_FEEDBACK_KEY]` when the patient still needs help. */
export const CASE_FEEDBACK_NOT_SOLVED = 'not-solved';
/** The text the "yes" button sends (and shows), for channels that only carry text. */
export const CASE_FEEDBACK_YES_TEXT = 'Yes, it is solved';
/** The text the "no" button sends (and shows). */
export const CASE_FEEDBACK_NO_TEXT = 'No, I still need help';
/** The question itself, after the resolution notice. */
export const CASE_FEEDBACK_QUESTION = 'Did this solve it?';

/** A recognised answer. `caseId` is `null` when only the text arrived (no `value`). */
export interface CaseFeedbackAnswer {
  caseId: string | null;
  solved: boolean;
}

/**
 * The two suggested actions for case `caseId`. `messageBack` carries the case id in `value`
 * and still sends the visible text, so text-only channels can answer too.
 */
export function caseFeedbackActions(caseId: string): CardAction[] {
  const action = (title: string, answer: string): CardAction => ({
    type: ActionTypes.MessageBack,
    title,
    text: title,
    displayText: title,
    value: { [CASE_FEEDBACK_KEY]: answer, caseId },
  });
  return [action(CASE_FEEDBACK_YES_TEXT, CASE_FEEDBACK_SOLVED), action(CASE_FEEDBACK_NO_TEXT, CASE_FEEDBACK_NOT_SOLVED)];
}

/** Recognises an answer to the feedback question in an incoming message, or returns `null`. */
export function parseCaseFeedback(activity: Pick<Partial<Activity>, 'text' | 'value'>): CaseFeedbackAnswer | null {
  const value = activity.value as Record<string, unknown> | undefined;
  if (value && typeof value === 'object' && typeof value[CASE_FEEDBACK_KEY] === 'string') {
    const answer = value[CASE_FEEDBACK_KEY];
    if (answer !== CASE_FEEDBACK_SOLVED && answer !== CASE_FEEDBACK_NOT_SOLVED) return null;
    return { caseId: typeof value.caseId === 'string' ? value.caseId : null, solved: answer === CASE_FEEDBACK_SOLVED };
  }
  const text = (activity.text ?? '').trim().toLowerCase();
  if (text === CASE_FEEDBACK_YES_TEXT.toLowerCase()) return { caseId: null, solved: true };
  if (text === CASE_FEEDBACK_NO_TEXT.toLowerCase()) return { caseId: null, solved: false };
  return null;
}

/** The key in the answer's `activity.value` that marks it as a 1–5 rating of the help desk. */
export const CASE_RATING_KEY = 'uhsCaseRating';
/** Asked after the patient answered {@link CASE_FEEDBACK_QUESTION}. */
export const CASE_RATING_QUESTION = 'One last thing: how would you rate the help you got from the help desk, from 1 (poor) to 5 (excellent)?';
/** The text a rating button sends (and shows in the chat). */
export function caseRatingText(rating: number): string {
  return `Rating: ${rating} of 5`;
}
const RATING_TEXT = /^rating:\s*([1-5])\s*of\s*5$/i;

/** A recognised rating. `caseId` is `null` when only the text arrived. */
export interface CaseRatingAnswer {
  caseId: string | null;
  rating: number;
}

/** The five rating buttons for case `caseId` (`messageBack`, so text-only channels can answer too). */
export function caseRatingActions(caseId: string): CardAction[] {
  return [1, 2, 3, 4, 5].map((rating) => ({
    type: ActionTypes.MessageBack,
    title: rating === 1 ? '1 (poor)' : rating === 5 ? '5 (excellent)' : String(rating),
    text: caseRatingText(rating),
    displayText: caseRatingText(rating),
    value: { [CASE_RATING_KEY]: rating, caseId },
  }));
}

/** Recognises a rating in an incoming message, or returns `null`. */
export function parseCaseRating(activity: Pick<Partial<Activity>, 'text' | 'value'>): CaseRatingAnswer | null {
  const value = activity.value as Record<string, unknown> | undefined;
  if (value && typeof value === 'object' && CASE_RATING_KEY in value) {
    const rating = value[CASE_RATING_KEY];
    if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) return null;
    return { caseId: typeof value.caseId === 'string' ? value.caseId : null, rating };
  }
  const match = RATING_TEXT.exec((activity.text ?? '').trim());
  return match ? { caseId: null, rating: Number(match[1]) } : null;
}
