import type { KnowledgeBase, MatchResult } from '../../knowledge/types';
import { readTexting } from '../../knowledge/text';
import { parseEmail } from './validation';

/**
 * The one recogniser for what people type: yes/no in the words people use, the commands they
 * can type anywhere ("cancel", "start over", "help"), asking for a person, objecting to the
 * current step, thanks and goodbyes, follow-ups on the same topic, descriptions that say
 * nothing, and the facts a message gives away (student or staff, UMass or not, first
 * appointment or not). {@link hear} applies them, in a fixed order, to an answer typed at a
 * prompt. Pure functions over the text: no state, no transport, cheap enough for every turn
 * (a handful of regular expressions; the matcher only when the answer is not the prompt's own).
 */

/** A yes/no reading: `tried` is "already did that" (a tip was tried, and did not help). */
export type YesNo = 'yes' | 'no' | 'unsure' | 'tried';

/** A command the user can type anywhere. */
export type Command = 'cancel' | 'restart' | 'help';

/** What kind of answer a prompt waits for; decides what counts as the prompt's own answer. */
export type PromptKind =
  /** Yes/No buttons (and the help-desk offer). */
  | 'yes-no'
  /** "Did that work?" after a tip. */
  | 'worked'
  /** Buttons of one of the guided flows. */
  | 'choice'
  /** An email address on file. */
  | 'email'
  /** A date of birth. */
  | 'dob'
  /** A file name, or an attached file. */
  | 'file'
  /** The handoff's description of the problem. */
  | 'description'
  /** The handoff's reply address (or Skip). */
  | 'reply-email';

/** What the waiting prompt is, as {@link hear} needs to know it. */
export interface PromptInfo {
  kind: PromptKind;
  /** The values of its buttons (choice prompts). */
  choices?: readonly string[];
  /** Intents the running flows handle: a question about one of them is not a change of topic. */
  ownIntents?: ReadonlySet<string>;
  /** Whether the prompt belongs to the handoff (an objection there ends the handoff). */
  inHandoff?: boolean;
  /** Whether its yes passes the problem to a person (the help-desk offer, the handoff's consent): a request for one is its yes. */
  offersHelpDesk?: boolean;
  /** The question's own text (for answers that only its wording tells apart, such as a symptom described). */
  question?: string;
  /** Whether its yes goes on to ask for the email address and date of birth, so that details typed here are kept. */
  takesDetails?: boolean;
  /** The second question of the message that started the flow, still to come ("I'll come to that next"). */
  pending?: { intent: string; label: string };
}

/** Details a person typed before they were asked for them (an email address, a date of birth). */
export interface GivenDetails {
  email?: string;
  dob?: string;
}

/** What a message typed at a prompt is, in the order {@link hear} checks. */
export type Heard =
  | { kind: 'emergency' }
  | { kind: 'person' }
  | { kind: 'command'; command: Command }
  | { kind: 'objection' }
  | { kind: 'thanks' }
  | { kind: 'question'; intent: string; match: MatchResult }
  /** A question about the step at hand: answered briefly, then the prompt asked again. `fileKind` is a file type named ("a word doc"). */
  | { kind: 'aside'; intent?: string; about?: 'which-email' | 'reply-email' | 'number' | 'next-step'; fileKind?: string }
  /** The prompt's own answer; `value` is the button text it stands for, when it stands for one; `details` what else it gave. */
  | { kind: 'answer'; value?: string; details?: GivenDetails };

/** Lower case, curly quotes straightened, punctuation other than apostrophes turned into spaces. */
export function normalize(text: string): string {
  // "can u", "thx", "acct", a last "rn": read as the words they stand for.
  return readTexting(
    text
      .toLowerCase()
      .replace(/[’‘`]/g, "'")
      .replace(/[^a-z0-9'@.\s/áéíóúñ-]/g, ' ')
      .replace(/[.]+(\s|$)/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** Accents off, for the few Spanish words ("sí"). */
function plain(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

const YES_WORDS = new Set([
  'y', 'yes', 'yeah', 'yea', 'ya', 'yah', 'yep', 'yup', 'yess', 'yesss', 'ye', 'sure', 'ok', 'okay', 'k', 'kk', 'okk', 'please', 'correct', 'right',
  'true', 'absolutely', 'definitely', 'certainly', 'affirmative', 'si', 'claro', 'totally', 'indeed', 'yas', 'aye', 'ofc', 'yeh',
]);
const NO_WORDS = new Set(['n', 'no', 'nope', 'nah', 'naw', 'nop', 'nein', 'never', 'negative', 'false', 'nay', 'noo', 'nooo']);
const UNSURE = /^(not sure|unsure|i'?m not sure|dunno|i don'?t know|i dont know|idk|maybe|possibly|no idea|not certain|i'?m unsure|no se|not really sure|i guess maybe|i can'?t remember|can'?t remember|i forget|i'?m not certain)\b/;
/** Where people change their mind mid-message ("no wait actually yes"): the answer is what follows. */
const CHANGE_OF_MIND = /\b(actually|wait|i mean|on second thought|scratch that|hold on|sorry)\b/g;
const YES_PHRASES = /^((i suppose( so)?|i guess)(?! not)|that'?s fine|that works|go for it|go ahead|do it|of course|i do|i have|i am|i did|it is|that'?s right|that is right|i guess so|i think so|sounds good|why not|please do|yes please|i would|i'?d like that|for sure|you bet|that'?d be great|that would be great)\b/;
const NO_PHRASES = /^(i don'?t|i do not|i dont|i haven'?t|i have not|i havent|i'?m not|i am not|not really|not yet|no thanks|no thank you|i didn'?t|i did not|i dont think so|i don'?t think so|not at all|none|nothing|never mind that|rather not|i'?d rather not|don'?t|do not)\b/;
const TRIED = /^(already (did|done|tried|have|try)|i already (did|tried|have|do|try|use|used)|(i )?tried (that|it|this|already)|did that already|done that|been there|i did that)\b/;

/**
 * A yes or no in what people type: the buttons, loose forms ("yeah", "yep", "sure", "si",
 * "nope"), answers that start with one ("yes please", "no thanks", "nah i'm good"), a sentence
 * with exactly one of them ("whatever, yes", "i think the answer is no"), "not sure", and
 * "already did" (`tried`). `undefined` when it is neither, or both.
 */
export function readYesNo(text: string): YesNo | undefined {
  let t = plain(normalize(text));
  // Fillers before the answer are dropped ("whatever yes", "um no", "well i guess so"); a bare "ok" stays.
  for (let previous = ''; previous !== t; ) {
    previous = t;
    t = t.replace(/^(ok|okay|well|um+|uh+|hmm+|lol|whatever|like|oh|ah|honestly|i mean|haha|ugh|fine)\b,?\s+(?=\S)/, '');
  }
  if (!t) return undefined;
  const turns = [...t.matchAll(CHANGE_OF_MIND)];
  if (turns.length) {
    const last = turns[turns.length - 1];
    const after = t.slice((last.index ?? 0) + last[0].length).replace(/^[\s,]+/, '');
    const reading = after ? readYesNo(after) : undefined;
    if (reading) return reading;
    // "yes. wait no actually i've been before": the last yes or no said is the answer.
    for (const w of t.split(' ').reverse()) {
      if (YES_WORDS.has(w) && w !== 'right' && w !== 'please') return 'yes';
      if (NO_WORDS.has(w)) return 'no';
    }
  }
  // Drawn-out words ("yesss", "nahh", "nooo") are their plain selves.
  t = t
    .split(' ')
    .map((w) => (YES_WORDS.has(w) || NO_WORDS.has(w) ? w : stretched(w)))
    .join(' ');
  if (TRIED.test(t)) return 'tried';
  // "yeah i already tried that", "yes did that already": a tip tried, not a yes to it working.
  if (/^(yes|yeah|yea|ya|yep|yup|ok|okay|sure)\b,?\s*/.test(t) && TRIED.test(t.replace(/^\S+,?\s*/, ''))) return 'tried';
  if (UNSURE.test(t)) return 'unsure';
  // "i'm good", "im ok thanks": a polite no to an offer.
  if (/^(i'?m|im|i am) (good|ok|okay|fine|all good)( thanks| thank you| thx| for now)?$/.test(t)) return 'no';
  if (/^(no (problem|worries|idea|clue)|no se)\b/.test(t)) return t.startsWith('no idea') || t.startsWith('no clue') || t.startsWith('no se') ? 'unsure' : undefined;
  const words = t.split(' ');
  const first = words[0];
  // "yes and no", "yeah no": both at once is no answer.
  if (words.some((w) => w === 'yes' || w === 'yeah' || w === 'yep' || w === 'sure') && words.some((w) => w === 'no' || w === 'nope' || w === 'nah') && words.length <= 6) return undefined;
  if (NO_WORDS.has(first) && !(words[1] === 'problem' || words[1] === 'worries')) return 'no';
  if (YES_WORDS.has(first)) return 'yes';
  if (NO_PHRASES.test(t)) return 'no';
  if (YES_PHRASES.test(t)) return 'yes';
  if (words.length > 12) return undefined;
  // Embedded in a short sentence: exactly one polarity, and no question mark.
  if (/\?/.test(text)) return undefined;
  let yes = 0;
  let no = 0;
  for (const w of words) {
    if (YES_WORDS.has(w) && w !== 'right' && w !== 'please' && w !== 'k' && w !== 'ok' && w !== 'okay') yes += 1;
    if (NO_WORDS.has(w)) no += 1;
  }
  if (/\b(don'?t|do not|didn'?t|haven'?t|not)\b/.test(t) && yes === 0 && no === 0 && words.length <= 8) return 'no';
  if (yes > 0 && no === 0) return 'yes';
  if (no > 0 && yes === 0) return 'no';
  return undefined;
}

/** A drawn-out yes or no word ("yesss", "nahh", "yeahhh") as its plain self; other words unchanged. */
function stretched(word: string): string {
  if (!/(.)\1/.test(word)) return word;
  const once = word.replace(/(.)\1+/g, '$1');
  if (YES_WORDS.has(once) || NO_WORDS.has(once)) return once;
  const twice = word.replace(/(.)\1+/g, '$1$1');
  return YES_WORDS.has(twice) || NO_WORDS.has(twice) ? twice : word;
}

const CANCEL = /^(cancel|cancel (that|this|it)|stop|stop (it|that|this)|quit|exit|never ?mind|nvm|nm|forget it|forget (that|this)|no stop|please stop|stop please|abort|leave it|skip (it|this)|n\/m)$/;
const RESTART = /^(start over|start again|restart|reset|begin again|main menu|menu please|back to (the )?(start|menu|beginning)|go back to (the )?(start|menu))$/;
const HELP = /^(help|menu|options|\?|what can you do|what can you help with|help me please|help please)$/;

/** "cancel", "nvm", "start over", "help"…: short commands only, so "help with my password" is a question. */
export function readCommand(text: string): Command | null {
  const t = normalize(text).replace(/[?!]+$/g, '').replace(/^(ok|okay|oh|um|uh|actually|no|nah)\s+(?=\S)/, (m) => (CANCEL.test(normalize(text)) ? m : '')).trim();
  if (CANCEL.test(t)) return 'cancel';
  if (RESTART.test(t)) return 'restart';
  if (text.trim() === '?' || HELP.test(t)) return 'help';
  return null;
}

/** Misspellings of the verbs of a request to delete data, spelt right before matching. */
const DELETION_TYPOS: Array<[RegExp, string]> = [
  [/\b(delte|delet|deleet|dlete|deelte|delele|detele|deltee|dleete|deleat|delite)\b/g, 'delete'],
  [/\b(erse|earse|eras|erace)\b/g, 'erase'],
  [/\b(remvoe|remoev|rmeove|remov)\b/g, 'remove'],
  [/\b(forgt|foget|forgett|frget)\b/g, 'forget'],
  [/\b(dat|dta|daat|deta)\b/g, 'data'],
  [/\b(infor|inf|inof)\b/g, 'info'],
];
const DELETION =
  /^(please |pls |plz |can you |could you |would you |i want you to |i'?d like you to |i want to |i'?d like to |i would like to |i want my data |now )*(delete|erase|remove|wipe|clear|purge|forget)( all| everything)?( of)?( my| me| this| our| everything( you (know|have|kept|saved|stored))?( about me)?)( personal| chat| conversation| saved| stored)*( data| info| information| details| history| transcript| messages| chat| conversation| stuff| records?)?( about me| you have| you kept| you saved| you stored| from this chat)*( please| now| pls| thanks| thank you)*$/;

/**
 * A request to delete what the bot keeps about the conversation ("delete my data", "erase my
 * info", "forget me", "please delte my data"): short commands only, so a question about deleting
 * ("how do I delete my portal account") is answered as a question.
 */
export function isDataDeletionRequest(text: string): boolean {
  let t = normalize(text).replace(/[?!]+$/g, '').trim();
  for (const [typo, word] of DELETION_TYPOS) t = t.replace(typo, word);
  if (/\b(account|password|portal|document|upload|file|appointment|immuni[sz]ation|record of)\b/.test(t)) return false;
  // "forget this", "clear this": a cancel, not a deletion (readCommand).
  if (/^\S+ (this|that|our)$/.test(t)) return false;
  return DELETION.test(t);
}

const NEGATED_PERSON = /\b(don'?t|dont|do not|no need|not)\s+(need|want|wanna)\s+(to\s+)?(talk|speak|contact|email|the|a|an|any)?\s*(to\s+)?(the\s+|a\s+|an\s+)?(help ?desk|person|human|someone|agent|case|ticket|staff)/;
const PERSON =
  /\b((talk|speak|chat)\s+(to|with)\s+(a\s+|an\s+|the\s+|some\s+)?(real\s+|actual\s+|live\s+)?(person|human|someone|somebody|agent|rep|representative|staff|help ?desk|people|nurse|man|woman)|(real|actual|live)\s+(person|human|agent)|get me (a |an )?(person|human|agent|someone)|(connect|transfer) me|human please|a human|representative|escalate|(contact|reach|email) (the )?help ?desk for me|(send|pass|forward|give|hand|submit|escalate) (this|it|that|my (question|problem|issue|request|case))( on| over| along)? to (the |a )?(help ?desk|staff|someone|somebody|person|human|support)|talk to (the )?help ?desk|open a (case|ticket)|pass (this|it) (on )?to (the )?help ?desk|(let me|can i|could i|i want to|i wanna|i need to) (talk|speak) to (someone|somebody|a person|a human|staff)|^(i )?(just |really |only |still )?(need|want|wanna) (a |an |some )?(real |actual |live )?(person|human|someone|somebody|staff member|agent)\b|\b(can|could) (a |an |some )?(real |actual )?(person|human|someone|somebody|staff member) (fix|look at|help|check|handle|sort)|\b(need|want) (a |an |some )?(real |actual |live )?(person|human|someone|somebody) to (fix|look at|help|check|handle|sort))\b/;

/**
 * An explicit request for a person ("can I talk to a real person", "get me a human", the
 * "Talk to the help desk" button); not a negated one ("I don't need the help desk").
 */
/** Common misspellings of the words of a request for a person, spelt right before matching. */
const PERSON_TYPOS: Array<[RegExp, string]> = [
  [/\b(tlak|takl|tak|tlk|tallk)\b/g, 'talk'],
  [/\b(speek|spek|speack)\b/g, 'speak'],
  [/\b(persn|peson|preson|perosn|prson|persom)\b/g, 'person'],
  [/\b(humna|huamn|hman|humen)\b/g, 'human'],
  [/\b(someoen|somone|somoene|sombody)\b/g, 'someone'],
  [/\b(helpdesk|help-desk|hepl desk|help dsk)\b/g, 'help desk'],
];

export function isPersonRequest(text: string): boolean {
  let t = normalize(text);
  if (/\b(tl|tak|spe|pe[rs]|pr|hu|hm|som|hep|dsk)/.test(t)) for (const [typo, word] of PERSON_TYPOS) t = t.replace(typo, word);
  if (NEGATED_PERSON.test(t)) return false;
  return t === 'talk to the help desk' || t === 'help desk' || t === 'helpdesk' || t === 'talk to a person' || PERSON.test(t);
}

const RELUCTANT =
  /\b(don'?t|dont|do not|not going to|won'?t|wont|refuse to|shouldn'?t have to|why (do|should|would|must) i (have to |need to )?)\s*(want to |wanna |have to |need to )?(explain|type|tell|describe|write|repeat|go through|spell)( (it|this|that|everything|it all|all (of )?(that|this)|my (problem|issue)))?( (out|all))? (to (a|the|this|some) (bot|robot|machine|chatbot|ai|computer)|to you|(all )?(over )?again)\b|\b(talk|talking|explain\w*|type|typing) (it |this |that )?to a (bot|robot|machine|chatbot)\b|\bjust (get|give|put|connect) me (through |to )?(a |an )?(real )?(person|human|someone|agent|staff)\b/;

/**
 * Frustration with explaining to a bot, not a change of mind ("no i dont want to explain to a
 * bot", "why do i have to type it all again", "just get me a person"): they still want a person.
 */
export function isReluctantToExplain(text: string): boolean {
  return RELUCTANT.test(normalize(text));
}

const OBJECTION =
  /(\b(don'?t|dont|do not|no need to|not)\s+(need|want|wanna)\s+(to\s+)?(talk|speak|contact|the|a|an|any|that|this|it|to)?\s*(help ?desk|person|human|someone|case|ticket|that|this|it|to)?|\bthat'?s not what i (asked|meant|want|need|said)|\bnot what i (asked|meant|wanted|need)|\bi (didn'?t|did not|never) (ask|say|want|mean)|\bwhy (are|would) you (asking|passing|sending)|\bstop asking|^no,? (stop|don'?t)|^(no|nope|nah),? (i|that'?s) (don'?t|not)|\bwrong (topic|thing|question)|\bi'?m not asking)/;

/**
 * An objection to the step itself, not an answer to it: "I don't need the help desk",
 * "that's not what I asked", "no, stop". The step ends and the rest of the message is dealt with.
 */
export function isObjection(text: string): boolean {
  return OBJECTION.test(normalize(text));
}

const CLOSING_WORDS = new Set([
  'ok', 'okay', 'k', 'kk', 'okk', 'thanks', 'thank', 'thankyou', 'you', 'u', 'thx', 'thnx', 'thnks', 'tnx', 'ty', 'tysm', 'tyvm', 'so', 'much', 'very', 'a', 'lot',
  'great', 'cool', 'perfect', 'got', 'it', 'gotcha', 'i', 'think', 'get', 'that', 'thats', "that's", 'all', 'bye', 'goodbye', 'awesome', 'will', 'do', 'alright',
  'sounds', 'good', 'appreciate', 'appreciated', 'cheers', 'nice', 'sweet', 'lol', 'makes', 'sense', 'understood', 'see', 'ya', 'great', 'helpful', 'was', 'very',
  'oh', 'ah', 'gracias', 'amazing', 'wonderful', 'again', 'have', 'day', 'night', 'the', 'for', 'help', 'your', 'yes', 'yeah', 'yep', 'now', 'will', 'try', "i'll",
  'ill', 'everything', 'done', 'fine', 'good', 'sorted', 'works', 'worked', 'cya', 'later', 'thnk', 'tks', 'ta', 'all', 'set', "i'm", 'im', 'just', 'what', 'needed',
  'exactly', 'need', 'hm', 'hmm', 'well', 'alrighty', 'okie', 'kthx', 'kthxbye', 'np', 'anyway', 'anyways',
]);
const CLOSING_SIGNAL = /\b(thanks|thank|thankyou|thx|thnx|thnks|tnx|ty|tysm|tyvm|bye|goodbye|cheers|appreciate|appreciated|gracias|got it|gotcha|get it|makes sense|understood|all set|cya|kthx|kthxbye|ta|tks|thnk)\b/;

/**
 * Thanks and goodbyes ("thanks!!", "thx", "ok got it", "ok i think i get it. thx"): every word
 * a closing word, and at least one thanks or "got it". "thanks but it still fails" is not one.
 */
export function isThanks(text: string): boolean {
  const t = normalize(text).replace(/[!?]+/g, ' ').trim();
  if (!t || t.length > 80 || !CLOSING_SIGNAL.test(t)) return false;
  return t.split(/\s+/).every((w) => CLOSING_WORDS.has(w.replace(/'s$/, '')) || CLOSING_WORDS.has(w));
}

const CORRECTION = /^(?:(?:nvm|never ?mind|no|nope|sorry|oops|wait|actually|oh)\b[\s,]*)+(?:i meant|i mean|i was asking about|i wanted)\s+(.+?)(?:,?\s+not\s+(?:the\s+|my\s+)?\w+(?:\s+\w+)?)?$/;

/**
 * What a correction asks for ("nvm i meant my medical records not immunization" → "my medical
 * records"), to be matched on its own; `null` when the message is not one.
 */
export function correctedQuestion(text: string): string | null {
  const m = CORRECTION.exec(normalize(text).replace(/[?!]+/g, ' ').trim());
  return m && m[1].split(' ').length >= 2 ? m[1].trim() : null;
}

/** Words people put before a follow-up ("ok", "wait", "ugh", "k"): dropped before reading it. */
const FOLLOW_UP_LEAD = /^((and|&|also|so|then|ok|okay|k|kk|but|wait|hmm+|um+|uh+|ugh|well|oh|hey|thx|thanks)\b,?\s*)+/;
/** "where is that", "where can i find this information", "which tab": where the answer's first step is. */
const FOLLOW_UP_WHERE =
  /^(where('?s| is| are| do i (even )?(find|see|go|click)| can i (even )?(find|see)| would i (find|see)| (do|would) i go)( (that|it|this|them|those|these|that button|that tab|the tab|that page|that form|this (information|info)|that (information|info))\b)|which (one|button|tab|link|page)\b|who (do|should|can|would) i (ask|contact|talk to|go to|see)( then| now| instead| about (it|this|that))?$|where (do|would|should) i (even )?(click|go)( (then|now))?$)/;
/** "why not", "how come": the reason, which is the answer itself (the FAQ gives its reasons there). */
const FOLLOW_UP_WHY = /^(but )?(why( not| is that| cant i| can'?t i| is it| tho| though)?|how come)$|^(but |ok |so )?why not\b/;
/** "how do i do that", "what does that mean", "i don't get it": the same answer, step by step. */
const FOLLOW_UP_AGAIN =
  /^(how (do|can|would) i (do|get to|find|open) (that|this|it)\b|what does (that|this|it) mean|(can you )?(explain|say) (that|it) (again|more simply)|i don'?t (get|understand) (that|it|what you mean))/;
/** "then what", "and after that?", "what do i do after i submit the form", "ok i clicked print, now what". */
const FOLLOW_UP_NEXT =
  /^((what about )?(after (that|this|my first|the first)|and then|then what|what next|what now|now what|what then|next step|and after|what('?s| is) next)\b|what (do|should) i do (next|now|then|after)\b)|\b(now what|then what|what next|what now|and then)\W*$/;
/** "what if that doesn't work", "and if it fails": a follow-up asking what to do when the answer fails. */
const FOLLOW_UP_FAILS =
  /^(what if (that|it|this) (doesn'?t|does not|didn'?t|did not|still doesn'?t|won'?t)|(if|what if) (that|it|this) (fails|doesn'?t work|does not work|doesnt work)|what else can i (do|try)|anything else i can try)\b/;

/**
 * What a follow-up on the topic just discussed asks for: `next` what comes after the answer's
 * steps ("then what", "and after that?"), `where` where its first step is ("where is that"),
 * `failed` what to do when it did not work ("what if that doesn't work?", "that didnt work"),
 * `again` the answer once more, step by step ("how do i do that"), `why` the reason the answer
 * gives ("why not", "how come"). `null` for anything else.
 */
export type FollowUp = 'next' | 'where' | 'failed' | 'again' | 'why';

/** Reads a follow-up on the topic just discussed; see {@link FollowUp}. */
export function readFollowUp(text: string): FollowUp | null {
  const full = normalize(text).replace(/[?!]+/g, ' ').replace(/\s+/g, ' ').trim();
  // Read with and without the words before it: "then what" is itself, "ok so where is that" is "where is that".
  const forms = [full, full.replace(FOLLOW_UP_LEAD, '')].filter(Boolean);
  const any = (re: RegExp) => forms.some((t) => re.test(t));
  if (any(FOLLOW_UP_FAILS) || (isDoesntWork(full) && full.split(' ').length <= 8 && /\b(that|it|this|either)\b/.test(full))) return 'failed';
  if (any(FOLLOW_UP_WHERE)) return 'where';
  if (any(FOLLOW_UP_WHY)) return 'why';
  if (any(FOLLOW_UP_AGAIN)) return 'again';
  if (any(FOLLOW_UP_NEXT)) return 'next';
  return null;
}

/** A follow-up on the topic just discussed ("and after that?", "what if that doesn't work?"). */
export function isFollowUp(text: string): boolean {
  return readFollowUp(text) !== null;
}

const CONTACT = /\b((phone|telephone|fax) number|fax (it|them|this|that|my \w+) (somewhere|to (you|someone|uhs))|(nobody|no one|noone|anyone|anybody|someone|somebody|a person|a human) (i|we) (can|could) (actually |just |even )?(call|phone|ring)|number (i|to) (can )?call|(can|could|do) i (call|phone|email)|who (can|do) i (call|email|contact)|how (do|can) i (contact|reach|call|email)|(call|phone|email) (you|someone|somebody|the help ?desk|uhs|support))\b/;

/**
 * A question about how to reach people ("is there a phone number I can call?", "who do I email?"):
 * answered with the contacts, not taken as a description, a request for a person or a topic.
 */
export function isContactQuestion(text: string): boolean {
  const t = normalize(text);
  return CONTACT.test(t) && !/\b(my|update|change|fix|wrong|incorrect)\b.*\b(phone|number)\b|\b(phone|number)\b.*\b(wrong|incorrect|update|change)\b/.test(t);
}

const REPLY_TIME =
  /\b(when|how (long|soon)|what time|how many (hours|days)|any idea when)\b.*\b(answer|answers|reply|replies|respond|responds|response|hear back|hear from|get back|contact me|email me|write back|get to (me|it|my case)|look at (it|my case)|someone|somebody|they|help ?desk|anyone)\b|\b(any (update|news|reply|answer)s?|still waiting|(haven'?t|have not|didn'?t|did not) (heard|hear) (back|anything)|no (reply|answer|response) yet)\b/;

/**
 * A question about when the help desk will answer ("when will they answer", "how long until
 * someone replies", "any update?"): answered from the case, never by opening another one.
 */
export function isReplyTimeQuestion(text: string): boolean {
  const t = normalize(text);
  return REPLY_TIME.test(t) && !/\b(records?|spire|update my|email to (come|arrive)|reset email|password email|appointment|results?)\b/.test(t);
}

const FRUSTRATION =
  /\b(useless|ridiculous|pointless|worthless|stupid|dumb|garbage|trash|a joke|waste of (my )?time|(not|no|isn'?t|not very) help(ful)?|unhelpful|so done|fed up|annoying|annoyed|frustrat\w*|sucks|you suck|unbelievable|are you (kidding|serious)|whatever|ugh+|smh|wtf|omg|seriously)\b/;

/**
 * Frustration that asks nothing ("this is useless", "ok whatever", "thats ridiculous"): a short
 * message of annoyance, to be acknowledged with the help desk offered, never "not understood".
 * The caller checks that the message names no topic ("this is useless, my upload still fails" is a question).
 */
export function isFrustration(text: string): boolean {
  const t = normalize(text).replace(/[!?]+/g, ' ').trim();
  // "ugh that didnt work either" says how the answer went: a follow-up, answered as one.
  return t.split(/\s+/).length <= 8 && FRUSTRATION.test(t) && !isDoesntWork(t) && readFollowUp(t) === null;
}

/** The words of a detail question so short that it names no subject of its own ("is there a fee", "how long"). */
const BARE_DETAIL_WORDS: ReadonlySet<string> = new Set(
  'is there a an any do does will would i have to pay cost costs fee fees charge charged price free how much long soon what so and ok but also'.split(' '),
);

/** What a short question about a detail of the last answer asks for: how long it takes, or what it costs. */
export type Detail = 'time' | 'cost';

/**
 * A short question about a detail of the answer just given, referring back to it ("how long
 * does that take", "does it cost anything", "is it free"): `null` for anything else, or for a
 * question that names its own subject ("how much does a visit cost" has no "it" or "that").
 */
export function readDetail(text: string): Detail | null {
  const t = normalize(text).replace(/[!?]+/g, ' ').trim();
  const words = t.split(/\s+/);
  // "is there a fee", "any cost?": so short that it can only be about what was just said.
  const bare = words.length <= 5 && words.every((w) => BARE_DETAIL_WORDS.has(w));
  if (words.length > 8 || (!bare && !/\b(it|that|this|they|them|those|these)\b/.test(t))) return null;
  if (/\bhow (long|soon|many (days|hours|weeks))\b|\bwhen will (it|that|they)\b/.test(t)) return 'time';
  if (/\b(cost|costs|fee|fees|charge|charged|pay|price|free|money)\b/.test(t)) return 'cost';
  return null;
}

const REBUTTAL = /^(i |i have |i'?ve |ive )?(already )?(did|done|uploaded|submitted|sent|entered|finished|completed)\b.*\b(already|everything|all of (it|them))\b/;

/**
 * A message that answers back rather than asks ("but i uploaded everything already", "i already
 * did that"): the person says they did their part, so it stays on the topic just answered.
 */
export function isRebuttal(text: string): boolean {
  const t = normalize(text).replace(/^(but|and|well|ok|okay|so)\s+/, '');
  return !text.includes('?') && t.split(' ').length <= 10 && REBUTTAL.test(t);
}

/** What a problem report says went wrong: an error, a failure, something that will not go. */
const FAILURE = /\b(error|errors|fail|fails|failing|failed|won'?t|wont|not working|doesn'?t work|does not work|rejected|rejects|keeps (giving|saying|showing))\b/;

/**
 * A message reporting that something went wrong ("it keeps giving an error", "won't upload"),
 * not asking how to do it: the matched how-to's own if-not-working entry may be the better answer.
 */
export function reportsFailure(text: string): boolean {
  return FAILURE.test(normalize(text));
}

/**
 * What is left of a message once an objection is taken out ("i dont need the help desk, i
 * just want to change my address" → "change my address"), to be answered on its own.
 */
export function afterObjection(text: string): string {
  const parts = normalize(text).split(/,|;|\bbut\b|\b(?:i )?(?:just|only|really) (?:want|need)(?: to)?\b|\bi want to\b|\bi need to\b|\binstead\b/);
  const rest = parts.map((p) => (p ?? '').trim()).filter((p) => p && !isObjection(p));
  return rest.length ? rest[rest.length - 1] : '';
}

/** "what if that doesn't work?": a follow-up asking what to do when the answer fails. */
export function isDoesntWork(text: string): boolean {
  return /\bwhat if (that|it|this|the email|the reset) (doesn'?t|does not|didn'?t|did not|won'?t|never|still)\b|\b(doesn'?t|does not|didn'?t|did not|won'?t|still (doesn'?t|not)) work|\bif (that|it) fails|\bstill (not working|broken|failing|stuck)|\bstill can'?t|didn'?t help|not helpful|that didn'?t|no luck|anything else i can try|what else can i (do|try)/.test(
    normalize(text),
  );
}

const VAGUE_WORDS = new Set([
  'i', 'im', "i'm", 'need', 'help', 'please', 'pls', 'plz', 'a', 'the', 'it', 'its', "it's", 'is', 'not', 'working', 'doesnt', "doesn't", 'work', 'broken', 'problem',
  'problems', 'issue', 'issues', 'with', 'have', 'has', 'my', 'portal', 'account', 'thing', 'stuff', 'this', 'that', 'idk', 'dunno', "don't", 'dont', 'know', 'just',
  'want', 'to', 'talk', 'speak', 'person', 'human', 'someone', 'help', 'desk', 'helpdesk', 'real', 'a', 'an', 'same', 'as', 'before', 'above', 'what', 'said', 'you', 'told',
  'see', 'question', 'error', 'asap', 'urgent', 'fix', 'can', 'cant', "can't", 'some', 'there', 'of', 'kind', 'sort', 'everything', 'nothing', 'all', 'still', 'again',
  'why', 'ugh', 'hello', 'hi', 'hey', 'yes', 'no', 'ok', 'okay', 'already', 'told', 'u', 'me', 'get', 'going', 'on', 'wrong', 'something', 'whatever', 'do', 'for', 'and',
  'useless', 'bot', 'this', 'stupid', 'hate', 'sucks', 'seriously', 'lol', 'omg', 'wtf', 'asdf', 'test', 'testing', 'k', 'n/a', 'na', 'none', 'nothing', 'so', 'be',
]);

/**
 * A description that says nothing about the problem ("help", "it doesn't work", "idk", "I want
 * a person", "same as before"): every word is a filler word, or there are barely any letters.
 */
export function isUninformative(text: string): boolean {
  const t = normalize(text).replace(/[!?]+/g, ' ').trim();
  if (t.replace(/[^a-z]/g, '').length < 4) return true;
  const words = t.split(/\s+/).filter(Boolean);
  return words.every((w) => VAGUE_WORDS.has(w));
}

/** What a conversation has told the bot about the person (kept so nothing is asked twice). */
export interface Facts {
  role?: 'student' | 'staff';
  umass?: boolean;
  firstAllergy?: boolean;
}

/**
 * Facts a message gives away in passing: "I'm a grad student", "I work at UMass", "I'm at
 * Hampshire", "my first allergy appointment", "I've been before". `allergyTopic` says whether
 * the conversation is about Allergy Services (for "after that" and "been before").
 */
export function readFacts(text: string, allergyTopic = false): Facts {
  const t = normalize(text);
  const facts: Facts = {};
  if (t.length < 6) return facts;
  if (/\b(i'?m|i am|im)\s+(a\s+|an\s+)?(umass\s+)?(student|undergrad|undergraduate|grad student|graduate student|freshman|sophomore|junior|senior|phd student|first year|transfer student|international student)\b/.test(t)) {
    facts.role = 'student';
  } else if (/\b((i'?m|i am|im)\s+(a\s+|an\s+)?(umass\s+)?(staff|faculty|employee|professor|staff member|faculty member|lecturer|postdoc)|i work (at|for) (umass|uhs|the university))\b/.test(t)) {
    facts.role = 'staff';
  }
  if (/\bhampshire\b|\bnot (a )?umass\b|\bno spire\b|\b(don'?t|dont|do not|never) (have|use|used) (a |any )?spire\b|\bnot (on|in) spire\b|\bnot (affiliated|a student)/.test(t)) facts.umass = false;
  else if (facts.role || /\b(umass (student|staff|employee|faculty))|\bi (have|use) spire\b/.test(t)) facts.umass = true;
  const allergy = allergyTopic || /\ballerg/.test(t);
  if (allergy) {
    if (/\b(not (my|the|a) first|been going|already (been|had|go|went|have)|go every|get (my )?shots? (every|regularly))\b/.test(t)) facts.firstAllergy = false;
    else if (/\b(first (allergy )?(appointment|appt|visit|time|shot|one)|never been|new patient|haven'?t been (there|before|yet)|first ever)\b/.test(t)) facts.firstAllergy = true;
    else if (/\b(after (that|the first|my first|the first one)|already (had|been|went|have)|been (there )?before|next (one|appointment|shot)|follow.?up|returning|my (next|second|third)|again\b|last time|went before|existing patient)/.test(t))
      facts.firstAllergy = false;
  }
  return facts;
}

/** The answer in `choices` that a yes/no reading stands for (a button starting "Yes", "No", "Not sure"). */
function choiceFor(reading: YesNo, choices: readonly string[]): string | undefined {
  const find = (re: RegExp) => choices.find((c) => re.test(c));
  if (reading === 'yes') return find(/^yes\b/i);
  if (reading === 'no' || reading === 'tried') return find(/^no\b/i);
  return find(/^not sure\b/i) ?? undefined;
}

/** Whether a text looks like a file name (a name, a dot, an ending of 2-5 letters or digits). */
export function looksLikeFileName(text: string): boolean {
  return /^[^\s]{1,200}\.[a-z0-9]{2,5}$/i.test(text.trim()) || /^[\w\- ()]{1,120}\.[a-z0-9]{2,5}$/i.test(text.trim());
}

/**
 * A name without its ending that is still plausibly a file's name, as computers that hide
 * endings show it: one word with a digit, an underscore, a hyphen or a capital inside
 * ("IMG_2231", "scan001", "vaccine-card", "MyCard"). A plain word ("photo", "password") is not.
 */
export function looksLikeBareFileName(text: string): boolean {
  const t = text.trim();
  return /^[^\s./\\]{2,120}$/.test(t) && (/[0-9_-]/.test(t) || /[a-z][A-Z]/.test(t)) && /[a-z]/i.test(t) && !/@/.test(t);
}

const WHAT_IS_WRONG =
  /^((so|but|ok|okay|ugh|well|and|then|hmm+)\s+)*(what'?s|whats|what is|why|how come|what)\b.*\b(wrong|problem|issue|fails?|failing|failed|won'?t|wont|can'?t|cant|not (working|uploading|going)|doesn'?t|doesnt|error)\b/;
const THE_FILE = /\b(it|this|that|file|upload|uploading|document|doc|photo|picture|pic|card|pdf|image|scan)\b/;
const ANOTHER_THING = /\b(address|phone|name|password|account|log ?in|email|records?|appointment|spire|portal)\b/;

/**
 * A question about what is wrong with the file or the upload at hand ("whats wrong with it",
 * "why wont it upload", "what's the problem with my file?"), not one naming another topic
 * ("what's wrong with my address").
 */
export function asksWhatIsWrong(text: string): boolean {
  const t = normalize(text);
  return WHAT_IS_WRONG.test(t) && THE_FILE.test(t) && !ANOTHER_THING.test(t);
}

/** Saying there is no file name to give: they don't have the file, or don't know what it is called. */
const NO_FILE_AT_HAND =
  /\b(i )?(don'?t|dont|do not|didn'?t|did not|can'?t|cant|cannot) (have|know|see|find|remember)( (a|the|my|its|it'?s|any|what the))? ?(file|name|it|one|called)\b|\bno (file|name)\b|\bnot sure what (it'?s|its|it is) called\b/;

/** A message that could be an email address or a date (the prompt's own answer, not a question). */
function looksLikeEmailOrDate(text: string): boolean {
  const t = text.trim();
  return /@/.test(t) || /^\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}$/.test(t);
}

/** A confident match to another topic: a question, not an answer. */
function otherTopic(match: MatchResult, prompt: PromptInfo): boolean {
  if (match.kind !== 'match') return false;
  if (match.intent === 'smalltalk' || match.intent === 'emergency') return false;
  return !prompt.ownIntents?.has(match.intent);
}

/**
 * What a message typed at a prompt is. In order: emergency; an explicit request for a person;
 * cancel / start over / help; an objection to the step; thanks; a different, confident
 * question (the matcher, asked only when the text is not plainly the prompt's answer); and
 * otherwise the prompt's own answer, with the button it stands for when it is a loose form.
 */
export function hear(text: string, prompt: PromptInfo, knowledge: Pick<KnowledgeBase, 'isEmergency' | 'match'>): Heard {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'answer' };
  if (knowledge.isEmergency(trimmed)) return { kind: 'emergency' };
  const choices = prompt.choices ?? [];
  // A button's own text is its answer (buttons are listed before the person request so that a
  // flow's own "Talk to the help desk"-like labels keep working).
  const button = choices.find((c) => c.toLowerCase() === trimmed.toLowerCase());
  if (button) return { kind: 'answer', value: button };
  // "no i dont want to explain to a bot": frustration, and a person is still wanted; at the
  // handoff's description it is the (empty) description, the case filled from what is known.
  if (isReluctantToExplain(trimmed)) {
    if (prompt.kind === 'description') return { kind: 'answer' };
    if (!prompt.inHandoff) return { kind: 'person' };
  }
  if (prompt.offersHelpDesk && prompt.kind === 'yes-no' && isPersonRequest(trimmed) && readYesNo(trimmed) !== 'no') return { kind: 'answer', value: 'Yes' };
  if (isPersonRequest(trimmed) && !prompt.inHandoff) return { kind: 'person' };
  const command = readCommand(trimmed);
  if (command) return { kind: 'command', command };
  // A bare "no" where a description is asked for: they do not want the handoff.
  if (prompt.kind === 'description' && /^(no|nope|nah|no thanks|no thank you|not now|no i don'?t|no i'?m good|i'?m good)$/.test(normalize(trimmed).replace(/[!.]+$/, ''))) return { kind: 'objection' };
  if (isObjection(trimmed)) {
    // "no, I don't need the help desk" at a yes/no question is its no; inside the handoff, an
    // objection to the help desk itself ends the handoff.
    const aboutHandoff = /help ?desk|person|human|case|ticket|anyone|someone|staff/.test(normalize(trimmed));
    const buttons = prompt.kind === 'yes-no' || prompt.kind === 'worked' || prompt.kind === 'choice';
    if (buttons && readYesNo(trimmed) === 'no' && !(prompt.inHandoff && aboutHandoff)) return yesNoAnswer('no', prompt);
    return { kind: 'objection' };
  }
  const atPrompt = readAtPrompt(trimmed, prompt, knowledge);
  if (atPrompt) return atPrompt;
  const reading = prompt.kind === 'yes-no' || prompt.kind === 'worked' || prompt.kind === 'choice' ? readYesNo(trimmed) : undefined;
  const short = trimmed.split(/\s+/).length <= 4;
  if (prompt.kind === 'worked' && isThanks(trimmed)) return { kind: 'answer', value: choices.find((c) => /^yes\b/i.test(c)) };
  if (isThanks(trimmed) && prompt.kind !== 'description') {
    // "yes thanks", "no thank you": the answer, said politely.
    const first = plain(normalize(trimmed)).split(' ')[0];
    if (reading && first !== 'ok' && first !== 'okay' && first !== 'k' && (YES_WORDS.has(first) || NO_WORDS.has(first))) return yesNoAnswer(reading, prompt);
    // "thanks" when asked whether the conversation may go with the case: they want the case;
    // without a clear yes, it goes without the conversation (privacy is the default).
    if (prompt.inHandoff && prompt.kind === 'yes-no') return { kind: 'answer', value: reading === 'yes' ? 'Yes' : 'No' };
    return { kind: 'thanks' };
  }
  if (reading && short) return yesNoAnswer(reading, prompt);
  if (prompt.kind === 'email' || prompt.kind === 'dob' || prompt.kind === 'reply-email') {
    if (looksLikeEmailOrDate(trimmed)) return { kind: 'answer' };
  }
  // "whats wrong with it", "why wont it upload" at the file question: about this upload, not a new
  // topic (the matcher reads "wrong" as the address and phone topic). The file named before is
  // checked; with none, the help for finding its name and the usual fixes.
  if (prompt.kind === 'file' && asksWhatIsWrong(trimmed)) {
    return { kind: 'answer', value: choices.find((c) => looksLikeFileName(c) || looksLikeBareFileName(c)) ?? choices.find((c) => /don'?t know/i.test(c)) };
  }
  if (prompt.kind === 'file' && (looksLikeFileName(trimmed) || trimmed.split(/\s+/).length === 1)) return { kind: 'answer' };
  // "idk", "i dont have the file", "no idea what its called": the "I don't know the name" help.
  if (prompt.kind === 'file' && (readYesNo(trimmed) === 'unsure' || NO_FILE_AT_HAND.test(normalize(trimmed)))) return { kind: 'answer', value: choices.find((c) => /don'?t know/i.test(c)) };
  if (prompt.kind === 'choice' && short && !reading) {
    // A short word the buttons may recognise ("staff", "phone"): leave it to the prompt.
    if (choices.some((c) => normalize(c).split(' ').some((w) => w.length > 2 && normalize(trimmed).includes(w)))) return { kind: 'answer' };
  }
  if (reading && (prompt.kind === 'yes-no' || prompt.kind === 'worked') && leadsWithAnswer(trimmed)) return yesNoAnswer(reading, prompt);
  // "can i just fax it somewhere" inside a topic's flow asks about that topic (the FAQ's own fax
  // passage answers it in place); elsewhere it is a question about how to reach people.
  const faxAside = !prompt.inHandoff && /\bfax\b/.test(normalize(trimmed)) && asksAside(trimmed);
  if (isContactQuestion(trimmed) && !faxAside) return { kind: 'question', intent: 'human-handoff', match: knowledge.match(trimmed) };
  // An address, a date or a word or two is never read as a new question ("test.student@umass.edu"
  // is not about COVID-19 testing, "not-an-email" not about the password email).
  const sentence = !looksLikeEmailOrDate(trimmed) && (trimmed.split(/\s+/).length >= 3 || /\?\s*$/.test(trimmed));
  if (!sentence) return reading ? yesNoAnswer(reading, prompt) : { kind: 'answer' };
  const match = knowledge.match(trimmed);
  if (otherTopic(match, prompt)) {
    // At the description prompt, a problem on a troubleshooting topic IS the description.
    if (prompt.kind !== 'description' || /\?\s*$/.test(trimmed) || isQuestionForm(trimmed)) return { kind: 'question', intent: match.intent, match };
  }
  // Inside the handoff a question is the problem to pass on (or its address), not an aside.
  if (!prompt.inHandoff && prompt.kind !== 'description' && prompt.kind !== 'reply-email' && asksAside(trimmed)) return { kind: 'aside', intent: match.kind === 'match' ? match.intent : undefined };
  if (reading) return yesNoAnswer(reading, prompt);
  if (prompt.kind === 'worked' && isDoesntWork(trimmed)) return { kind: 'answer', value: choices.find((c) => /^no\b/i.test(c)) };
  return { kind: 'answer' };
}

/**
 * An answer that opens with its yes or no and goes on to say more ("yes, i registered with my
 * umass email", "no it didnt work when i tried", "nope it still says error"): the opening word
 * is the answer, whatever topic the rest mentions, unless the rest asks something ("yeah but
 * how do i get my medical records?").
 */
function leadsWithAnswer(text: string): boolean {
  const t = plain(normalize(text));
  const first = /^(\S+?),?(?:\s+(.*))?$/.exec(t);
  if (!first) return false;
  const word = stretched(first[1]);
  if (!(YES_WORDS.has(word) || NO_WORDS.has(word)) || word === 'right' || word === 'never' || word === 'please') return false;
  const rest = (first[2] ?? '').replace(/^(but|and|so|then|also|wait)\s+/, '');
  return !/\?/.test(text) && !isQuestionForm(rest) && !/^(but|and also)\b/.test(first[2] ?? '');
}

/** "how do I…", "is there…", "can I…": a question rather than a statement of the problem. */
function isQuestionForm(text: string): boolean {
  return /^(how|what|where|when|who|why|is there|are there|can i|could i|do i|does|do you|can you|should i)\b/.test(normalize(text));
}

function yesNoAnswer(reading: YesNo, prompt: PromptInfo): Heard {
  if (prompt.kind === 'yes-no') {
    if (reading === 'unsure') return { kind: 'answer' };
    return { kind: 'answer', value: reading === 'no' ? 'No' : 'Yes' };
  }
  return { kind: 'answer', value: choiceFor(reading, prompt.choices ?? []) };
}

/** Symptoms people describe in their own words ("kinda burns when i pee", "i have a rash down there"). */
const SYMPTOM =
  /\b(burn\w*|itch\w*|discharge|pain\w*|painful|hurts?|hurting|sore\w*|bumps?|rash\w*|blisters?|lesions?|warts?|swollen|swelling|bleed\w*|smell\w*|odou?r|sting\w*|when i pee|peeing|urinat\w*|symptoms?)\b/;
/** A symptom said not to be there ("no pain", "nothing burns", "no symptoms"). */
const NO_SYMPTOM = /\b(no|not|none|nothing|never|without|don'?t|dont|doesn'?t|haven'?t)\b/;

/** A description of a symptom ("kinda burns when i pee tbh"), not a denial of one ("no pain"). */
export function describesSymptom(text: string): boolean {
  const t = normalize(text);
  return SYMPTOM.test(t) && !NO_SYMPTOM.test(t);
}

const EMAIL_TOKEN = /[^\s<>(),;]+@[^\s<>(),;]+/;
const DATE_TOKEN = /\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b/;

/**
 * The email address and date of birth in a message ("sam@umass.edu", "sam@umass.edu 04/15/2003"),
 * as typed (the flow validates them); an address is kept only when it parses as one.
 */
export function readGivenDetails(text: string): GivenDetails {
  const details: GivenDetails = {};
  const email = EMAIL_TOKEN.exec(text)?.[0].replace(/[.!?]+$/, '');
  if (email) {
    const parsed = parseEmail(email);
    if (parsed.ok) details.email = parsed.email;
  }
  const dob = DATE_TOKEN.exec(text.replace(EMAIL_TOKEN, ' '))?.[0];
  if (dob) details.dob = dob.replace(/\s+/g, '');
  return details;
}

/**
 * A question about which email address to use ("what email do i use my gmail or school one",
 * "i dont remember which email i used"): not an answer, and not a change of topic.
 */
export function asksWhichEmail(text: string): boolean {
  const t = normalize(text);
  return (
    /\b(which|what) (e-?mail|address|email address)\b/.test(t) ||
    /\b(don'?t|dont|do not|can'?t|cant|not sure) (remember|know|recall)\b.*\b(e-?mail|address)\b/.test(t) ||
    /\b(gmail|personal|school|umass|student)( e-?mail| one| address)? or (my )?(gmail|personal|school|umass|student)\b/.test(t)
  );
}

/**
 * A statement of what the person already did ("i did use the submit button", "i have tried the
 * link"): an account of the problem, not a yes to an offer. A bare "i did" stays a yes.
 */
export function reportsWhatWasDone(text: string): boolean {
  const t = normalize(text);
  return /^(i|we) (did|have|already) (\S+ ){1,}\S+/.test(t) && /^(i|we) (did|have|already) (use|used|click|clicked|hit|press|pressed|try|tried|do|done|enter|entered|type|typed|go|went|put|check|checked|submit|submitted)\b/.test(t);
}

/** Lead words before a question ("wait", "ok so", "but"), dropped before reading its form. */
const ASIDE_LEAD = /^((wait|ok|okay|so|but|and|um+|uh+|hmm+|well|oh|then|also|k)\b,?\s*)+/;

/**
 * A question asked at a prompt ("where is the forgot password link", "can i just fax it
 * somewhere", "what file types does it even take"): its form, or a question mark; not a
 * follow-up about failing ("what if it doesn't work", which the prompt's own No covers).
 */
export function asksAside(text: string): boolean {
  const t = normalize(text).replace(ASIDE_LEAD, '');
  if (readFollowUp(text) === 'failed') return false;
  return isQuestionForm(t) || /^(would|will|is|are|which|wheres|whats|hows)\b/.test(t) || /\?\s*$/.test(text);
}

/** Words that name a file type in passing ("its a word doc", "it's an iphone photo"), with an ending that stands for it. */
const FILE_KIND_WORDS: Array<[RegExp, string]> = [
  [/\b(word|docx?)( doc(ument)?| file)?\b/, 'docx'],
  [/\b(pages)( doc(ument)?| file)\b/, 'pages'],
  [/\b(heic|iphone (photo|pic|picture|image))\b/, 'heic'],
  [/\b(excel|spreadsheet|xlsx?)\b/, 'xlsx'],
  [/\b(pdf)\b/, 'pdf'],
  [/\b(jpe?g)\b/, 'jpg'],
  [/\b(png|screenshot)\b/, 'png'],
  [/\b(webp)\b/, 'webp'],
];

/** The ending of a file type a message names ("its a word doc" → `docx`), or `null`. */
export function namedFileKind(text: string): string | null {
  const t = normalize(text);
  if (!/^(it'?s|its|it is|that'?s|thats|it was|i have|i got|mine is|the file is|the file'?s)\b|\bdoc(ument)?\b|\bfile\b/.test(t)) return null;
  for (const [re, ext] of FILE_KIND_WORDS) if (re.test(t)) return ext;
  return null;
}

/** Words too common to tie a message to a topic's label. */
const LABEL_FILLER = new Set(['copy', 'your', 'with', 'that', 'this', 'what', 'about', 'part', 'other', 'question', 'thing', 'from', 'portal']);

/**
 * A message pointing back at the second question still to come ("and the records part?", "what
 * about the immunization thing"): short, opens like a follow-up, and names a word of its label.
 */
export function asksForPending(text: string, label: string): boolean {
  const t = normalize(text).replace(/[?!]+/g, '').trim();
  if (t.split(' ').length > 8 || !/^(and|what about|how about|also|ok and|now|so|then)\b|\bpart\b|\bother (question|thing|one)\b/.test(t)) return false;
  if (/\bother (question|thing|one)\b/.test(t)) return true;
  const stems = normalize(label).split(' ').filter((w) => w.length >= 4 && !LABEL_FILLER.has(w)).map((w) => w.slice(0, 5));
  return t.split(' ').some((w) => w.length >= 4 && !LABEL_FILLER.has(w) && stems.includes(w.slice(0, 5)));
}

/**
 * What only this kind of prompt makes of a message, before the general reading: a symptom
 * described at a question about symptoms (its yes); an email address or date of birth typed at
 * an offer that asks for them next (its yes, with the details kept); a question about which
 * email to use; the second question still to come; a follow-up at a yes/no question; a file
 * type named, or a question, at the file question. `null` when none applies.
 */
function readAtPrompt(text: string, prompt: PromptInfo, knowledge: Pick<KnowledgeBase, 'match'>): Heard | null {
  const choices = prompt.choices ?? [];
  if (prompt.pending && asksForPending(text, prompt.pending.label)) {
    return { kind: 'question', intent: prompt.pending.intent, match: knowledge.match(text) };
  }
  if (prompt.question && /\bsymptoms?\b/i.test(prompt.question) && describesSymptom(text)) {
    const yes = choices.find((c) => /^yes\b/i.test(c));
    if (yes) return { kind: 'answer', value: yes };
  }
  // "september 1 2004" at the date-of-birth question is its answer, never a question about September.
  if (prompt.kind === 'dob' && /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i.test(text) && /\b\d{4}\b/.test(text) && text.trim().split(/\s+/).length <= 5) return { kind: 'answer' };
  if (prompt.kind === 'yes-no' && prompt.takesDetails) {
    const details = readGivenDetails(text);
    if (details.email) return { kind: 'answer', value: 'Yes', details };
  }
  // Inside the handoff "which email do you mean?" asks about the reply address, not about an account.
  if (prompt.inHandoff && (prompt.kind === 'description' || prompt.kind === 'reply-email') && asksWhichEmail(text)) return { kind: 'aside', about: 'reply-email' };
  if ((prompt.kind === 'yes-no' || prompt.kind === 'email') && asksWhichEmail(text)) return { kind: 'aside', about: 'which-email' };
  const restated = prompt.question ? readRestatedAnswer(text, prompt.question) : undefined;
  if (restated && (prompt.kind === 'yes-no' || prompt.kind === 'choice')) return yesNoAnswer(restated, prompt);
  if (!prompt.inHandoff && (prompt.kind === 'yes-no' || prompt.kind === 'choice' || prompt.kind === 'worked') && asksForNumber(text)) return { kind: 'aside', about: 'number' };
  // "i did use the submit button": what they tried, told in answer to an offer; the passage on it, and the offer again.
  if (prompt.kind === 'yes-no' && !prompt.inHandoff && (reportsWhatWasDone(text) || reportsWhatWasPressed(text))) {
    // What they did is about the tips just given: a topic it happens to name ("enter") is no change of topic.
    const match = knowledge.match(text);
    const own = match.kind === 'match' && (!prompt.ownIntents?.size || prompt.ownIntents.has(match.intent));
    return { kind: 'aside', intent: own && match.kind === 'match' ? match.intent : undefined };
  }
  // "didnt work", "then what", "still nothin" at an offer that follows tips: the next step, then the offer again.
  if (prompt.kind === 'yes-no' && prompt.takesDetails && !prompt.inHandoff && asksForNextStep(text)) return { kind: 'aside', about: 'next-step' };
  if ((prompt.kind === 'yes-no' || prompt.kind === 'worked') && readYesNo(text) === undefined) {
    const followUp = readFollowUp(text);
    if (followUp && followUp !== 'failed') return { kind: 'aside' };
  }
  // "ok i renamed it, still fails on my phone": the tip was tried and did not help.
  if (prompt.kind === 'worked' && readYesNo(text) !== 'yes' && reportsStillFailing(text)) return { kind: 'answer', value: choices.find((c) => /^no\b/i.test(c)) };
  // "the file is called Immunization Record #2 (final) & signed.pdf": the whole name, spaces and all.
  if (prompt.kind === 'file' && calledFileName(text)) return { kind: 'answer' };
  // "then what" at the buttons after a list of steps: what comes after them, not a miss.
  if (prompt.kind === 'choice' && readYesNo(text) === undefined && readFollowUp(text) === 'next') return { kind: 'aside' };
  if (prompt.kind === 'file' && !looksLikeFileName(text)) {
    const fileKind = namedFileKind(text);
    if (fileKind) return { kind: 'aside', fileKind };
    if (asksAside(text) && !asksWhatIsWrong(text)) {
      const match = knowledge.match(text);
      return { kind: 'aside', intent: match.kind === 'match' ? match.intent : undefined };
    }
  }
  return null;
}

/**
 * An answer that restates the question instead of saying yes or no ("its my first one", "first
 * time", "ive been before" to "Is this your first … appointment?"). `undefined` when it does not.
 */
export function readRestatedAnswer(text: string, question: string): 'yes' | 'no' | undefined {
  if (/\?\s*$/.test(text)) return undefined;
  const q = normalize(question);
  if (/\bfirst\b/.test(q) && /\ballerg/.test(q)) {
    const first = readFacts(text, true).firstAllergy;
    if (first !== undefined) return first ? 'yes' : 'no';
  }
  return undefined;
}

/** "what number", "whats the number to call", "number?": which phone number, asked at a flow's question. */
export function asksForNumber(text: string): boolean {
  const t = normalize(text).replace(/[?!.]+$/, '').replace(ASIDE_LEAD, '');
  return /^((what|whats|what'?s|which)( is)?( the| that)?( phone)? number( (do|should) i call| to call| is it)?|(the )?(phone )?number( please)?)$/.test(t);
}

/** "i pressed enter", "i clicked submit", "i used chrome": what was done, told without "did" or "have". */
export function reportsWhatWasPressed(text: string): boolean {
  const t = normalize(text).replace(/[.!]+$/, '');
  return !/\?/.test(text) && /^(i|we) (just |already |even )?(pressed|hit|clicked|used|typed|tapped|entered|submitted) (\S+ ?){1,4}$/.test(t);
}

/**
 * "didnt work", "then what", "ok and then", "still nothin": at an offer made after tips, the
 * tips failed or the person wants what comes next; neither is a yes or a no to the offer.
 */
export function asksForNextStep(text: string): boolean {
  const t = normalize(text).replace(/[?!.]+$/, '').trim();
  if (t.split(' ').length > 8) return false;
  const first = t.split(' ')[0];
  if (YES_WORDS.has(first) && first !== 'ok' && first !== 'okay' && first !== 'k') return false;
  if (NO_WORDS.has(first)) return false;
  const followUp = readFollowUp(text);
  if (followUp === 'next' || followUp === 'failed') return true;
  return isDoesntWork(t) || /^(still|same) (nothing|nothin|nada|the same|same|no luck)\b|^(nothing|nothin) (happens|happened|still|again)\b|^(same|same thing|same problem|same error)$/.test(t);
}

/**
 * The file name after "called" or "named" ("the file is called Immunization Record #2 (final) &
 * signed.pdf"), spaces and special characters included, when it ends in a file ending; else `null`.
 */
export function calledFileName(text: string): string | null {
  const m = /\b(?:called|named)\s+["'“‘`]?(.+?\.[A-Za-z0-9]{1,7})["'”’`]?\s*[.!]?$/.exec(text.trim());
  return m ? m[1].trim() : null;
}

/** "still fails on my phone", "i renamed it, still nothing", "same error": a tip tried without success. */
export function reportsStillFailing(text: string): boolean {
  const t = normalize(text);
  return !/\?\s*$/.test(text) && /\b(still (fails|failing|failed|doesn'?t|does not|won'?t|wont|not|nothing|nothin|the same|broken|stuck|can'?t|cant|errors?|gives?|giving|says|saying|rejects?|rejected)|(same|another) (error|problem|message))\b/.test(t);
}
