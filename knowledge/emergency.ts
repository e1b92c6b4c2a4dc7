import { editDistance } from './spelling';
import { words } from './text';

/**
 * Emergency detection. It runs before the FAQ matcher and its answer cannot be outranked: a
 * student who writes "I can't breathe" must get 911/988, never an FAQ answer, even when the
 * message also mentions the portal.
 *
 * It is rule based on purpose: every rule is a phrase a reviewer can read, so a miss or a false
 * alarm is fixed by editing one line, and no score threshold can silently swallow a crisis.
 * Rules look for the *situation* ("can't breathe", "allergic reaction"), not for topic words
 * ("allergy appointment", "emergency contact"), to keep false alarms rare.
 */

/** Which rule fired: an id safe to log (never the message text). */
export interface EmergencyHit {
  readonly rule: string;
}

/**
 * Detects an emergency in one message; `null` when there is none. `preSplit` is the message's
 * {@link words}, when the caller has them already (the matcher does, and saves the work).
 */
export type EmergencyDetector = (text: string, preSplit?: readonly string[]) => EmergencyHit | null;

/** One rule: an id for logs and a pattern over the normalised text (words separated by one space). */
interface Rule {
  readonly id: string;
  readonly pattern: RegExp;
}

const RULES: readonly Rule[] = [
  {
    id: 'suicide',
    pattern:
      /\b(suicid\w*|sucid\w*|suicd\w*|suisid\w*|kill(ing)? my ?self|end(ing)? (my|it) (own )?(life|all)|take my (own )?life|unalive( my ?self)?|want(ed)? to die|wan(t|na) die|wish i (was|were) dead|better off dead|(do not|never) want to (live|be alive|exist|wake up)|no reason to live|not worth living|kms)\b/,
  },
  { id: 'self-harm', pattern: /\b((hurt(ing|s)?|harm(ing|s)?|cut(ting|s)?|burn(ing|s|ed)?) my ?self|self ?harm\w*)\b/ },
  { id: 'violence', pattern: /\b(kill|hurt|shoot|stab)(ing)? (someone|somebody|people|him|her|them|my (roommate|partner|friend))\b/ },
  {
    id: 'dying',
    pattern: /\b(i am|i think i am|i feel like i am|he is|she is|they are|friend is|roommate is|someone is|somebody is) (dying|going to die)\b(?! (to|for|of|laughing|inside)\b)/,
  },
  {
    id: 'breathing',
    pattern:
      /\b((can|could|will) not|unable to|hard to|hard time|trouble|difficulty|struggling to|struggle to|is not|are not|stopped|not) breath(e|ing)?\b|\bshort(ness)? of breath\b|\bchoking\b/,
  },
  {
    id: 'overdose',
    pattern: /\b(overdos\w*|over dos\w*|took (too many|a bunch of|all (my|the|of my)) (pills|meds|medication\w*)|too many pills)\b/,
  },
  {
    id: 'chest-pain',
    pattern: /\b(chest (pain\w*|hurts?|hurting|tight\w*|pressure)|pain in my chest|heart attack)\b/,
  },
  {
    id: 'bleeding',
    pattern:
      /\bbleed(ing|s)?\b( \w+){0,3} (a lot|heavily|badly|bad|profusely|everywhere|will not stop|not stopping|nonstop|severely|uncontrollabl\w*)\b|\bbleeding out\b|\b(severe|heavy|lots of|so much|a lot of|losing) (bleeding|blood)\b|\bcan not stop (the )?bleed\w*/,
  },
  {
    id: 'unconscious',
    pattern:
      /\b(unconscious|unresponsive|passed out|fainted|will not wake up|not waking up|can not wake (him|her|them|my \w+)( up)?|collapsed)\b/,
  },
  { id: 'seizure', pattern: /\b(seizure\w*|seizing|convuls\w*)\b/ },
  {
    id: 'anaphylaxis',
    pattern:
      /\b(allergic reaction|anaphyla\w*|throat (is )?(closing|swelling|swollen|tight\w*)|(face|tongue|lips?) (is |are )?(swelling|swollen)|epi ?pen)\b/,
  },
  { id: 'stroke', pattern: /\b(having a stroke|face (is )?drooping|slurred speech)\b/ },
  { id: 'panic', pattern: /\bpanic attack\w*\b/ },
  { id: 'assault', pattern: /\b(raped|rape|sexually assaulted|sexual assault|assaulted|abused me)\b/ },
  { id: 'poison', pattern: /\b(poisoned|swallowed (bleach|poison))\b/ },
  { id: 'crisis', pattern: /\b(in crisis|mental health crisis|call 911|ambulance)\b/ },
  // "emergency" on its own is an emergency, but "emergency contact" and "non-emergency" are not.
  {
    id: 'emergency',
    pattern: /(?<!\bnon )\bemergency\b(?! (contact\w*|info\w*|form\w*|fund\w*|loan\w*|alert\w*|plan\w*|card\w*)\b)/,
  },
];

/** Words the rules hinge on; a misspelling of one (edit distance 1, same first letter) is repaired. */
const RULE_WORDS: readonly string[] = [
  'suicide',
  'suicidal',
  'breathe',
  'breathing',
  'breath',
  'overdose',
  'overdosed',
  'overdosing',
  'unconscious',
  'unresponsive',
  'seizure',
  'seizures',
  'seizing',
  'bleeding',
  'allergic',
  'reaction',
  'anaphylaxis',
  'anaphylactic',
  'emergency',
  'myself',
  'chest',
  'attack',
  'fainted',
  'collapsed',
  'convulsing',
  'throat',
  'swelling',
  'assaulted',
];

const RULE_WORD_SET: ReadonlySet<string> = new Set(RULE_WORDS);

/** Words that look like a misspelt rule word but are common words of their own. */
const NOT_TYPOS: ReadonlySet<string> = new Set(['attach', 'breaths', 'chests', 'threat', 'reactions', 'beeding']);

function repair(word: string): string {
  if (word.length < 5 || RULE_WORD_SET.has(word) || NOT_TYPOS.has(word)) return word;
  const limit = word.length >= 9 ? 2 : 1;
  for (const candidate of RULE_WORDS) {
    if (candidate[0] === word[0] && editDistance(word, candidate, limit) <= limit) return candidate;
  }
  return word;
}

/** The text the rules see: normalised words, misspelt rule words repaired, single spaces. */
export function emergencyText(text: string, preSplit: readonly string[] = words(text)): string {
  return preSplit.map(repair).join(' ');
}

/**
 * Builds a detector from the built-in rules plus extra whole-word trigger phrases (the
 * emergency entry's `keywords`, so help-desk staff can add one without touching code).
 */
export function createEmergencyDetector(extraPhrases: readonly string[] = []): EmergencyDetector {
  const extras = extraPhrases.map((p) => words(p).join(' ')).filter((p) => p !== '');
  return (text: string, preSplit?: readonly string[]): EmergencyHit | null => {
    const normal = emergencyText(text, preSplit);
    if (normal === '') return null;
    for (const rule of RULES) if (rule.pattern.test(normal)) return { rule: rule.id };
    const padded = ` ${normal} `;
    for (const phrase of extras) if (padded.includes(` ${phrase} `)) return { rule: 'keyword' };
    return null;
  };
}

/** The built-in rules alone (without an entry's extra keywords). */
export const detectEmergency: EmergencyDetector = createEmergencyDetector();
