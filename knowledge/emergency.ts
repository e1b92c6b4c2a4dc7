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
 *
 * What it recognises, in English and Spanish: suicide and self-harm said directly, about someone
 * else ("my friend is having thoughts of killing themselves") or indirectly, the way public
 * warning-sign lists describe it (wanting to disappear or not wake up, no reason to live, being
 * a burden, others better off without me, saying goodbye, stockpiling pills); threats of
 * violence; assault; and the medical emergencies of the 911 lists (breathing, chest pain,
 * bleeding, unconsciousness, seizures, severe allergic reactions, stroke, overdose, poisoning).
 * Everyday phrases that share the words ("end my session", "kill the upload", "I'm dying to
 * know", "the portal is unresponsive", "me muero de ganas") are excluded where they differ.
 * The measured set is `test/knowledge/fixtures/crisis.tsv` (`npm run eval:crisis`).
 *
 * The rules see the text as {@link emergencyText} makes it: lower case, accents folded,
 * punctuation dropped, contractions expanded ("can't" → "can not", "I'm" → "i am").
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

/**
 * One rule: an id for logs and a pattern over the normalised text (words separated by one space,
 * sentences by a line break, so `$` with the `m` flag is the end of a sentence). `notAfter`, when
 * given, is tested against the text before a match, `notBefore` against the text after it.
 */
interface Rule {
  readonly id: string;
  readonly pattern: RegExp;
  readonly notAfter?: RegExp;
  /** Tested against the text after a match: a match it finds is not counted. */
  readonly notBefore?: RegExp;
}

/** A reflexive object: "myself", "himself", "themselves", "my self". */
const SELF = '(?:my ?self|him ?self|her ?self|them ?sel(?:f|ves)|our ?selves|your ?self|one ?self)';
/** Whose life: "my", "his", "her", "their"… */
const WHOSE = '(?:my|his|her|their|your|our)';
/** Words that make the message about a device or a page, not a person ("the portal is unresponsive"). */
const THING =
  '(?:page|pages|portal|site|website|app|screen|menu|browser|computer|laptop|phone|tablet|upload|button|tab|form|system|server|wifi|pc|mac|ipad|iphone|section|sidebar|window|list|link|file|pdf|account|session|login|chat|bot|video|camera|it|thing|this)';
/**
 * A thing within the two words before a match ("the portal is unresponsive", "my phone might
 * die"), unless a person comes in between ("…for the portal my friend lost consciousness").
 */
const AFTER_THING = new RegExp(`\\b${THING}(?: (?!(?:my|his|her|their|our|your|friend|roommate|he|she|they|i|someone|somebody)\\b)\\w+){0,2} $`);
/** The end of the message, or a word that starts a new clause. */
const CLAUSE_END = '(?= *$| (?:and|but|so|because|i|im|please|now|tonight|today|anymore|any more|any longer|already)\\b)';

/**
 * {@link CLAUSE_END}, or the fillers people close a thought with ("…end it at this point", "…end
 * it tbh", "…end it then"): for "end it", whose rule already needs the intent words before it.
 */
const LOOSE_CLAUSE_END = `(?:${CLAUSE_END}|(?= (?:at this point|atp|then|tbh|lol|lmao|honestly|fr|for real|for good|too|right now|soon)\\b))`;

/** English: suicide, self-harm and crisis language, said directly, about someone else, or indirectly. */
const CRISIS_EN: readonly Rule[] = [
  {
    id: 'suicide',
    pattern: new RegExp(
      [
        '\\b(?:suicid\\w*|sucid\\w*|suicd\\w*|suisid\\w*|sewer ?slide|unalive\\w*|kms)\\b',
        `\\bkil+(?:s|ed|ing)? ${SELF}\\b`,
        `\\b(?:end|ends|ended|ending|take|takes|taking|took) ${WHOSE} (?:own )?li(?:fe|ves)\\b(?! (?:insurance|savings|story|back)\\b)`,
        '\\b(?:end|ending) (?:it|things|everything) all\\b|\\bend it all\\b',
        // "I might as well end it", "I bought a gun so I can end it" (not "end it with him", "end the chat").
        `\\b(?:(?:might|mite|may) ?as ?well|going to|want to|ready to|plan(?:ning)? to|decided to|think(?:ing)? (?:about|of)|about to|(?:so )?i (?:can|could|will|should)|should just|just|need to|wish i could) (?:just )?(?:end|ending) (?:it|things|everything|my suffering|my pain|the pain)${LOOSE_CLAUSE_END}`,
        '\\bfeel(?:ing)? like (?:dying|i want to die|i should die)\\b|\\b(?:sleep|go to sleep|fall asleep) forever\\b|\\b(?:stop|quit) (?:living|existing|being alive)\\b|\\bgiv(?:e|en|ing) up on (?:life|living)\\b|\\bdeath wish\\b',
        '\\b(?:want|wants|wnat|wanted|wanting|wish|wishes|wished|ready|deserve|deserves|like|longing|long|prefer|pray) (?:to )?die\\b(?! (?:laughing|of|for|hard|down|out|off)\\b)',
        '\\b(?:hope|wish|pray|hoping|wishing) (?:that )?i (?:would |could |will |just )?die\\b',
        '\\b(?:wish|wished|hope) (?:that )?(?:i|he|she|they) (?:was|were|am|is|are|had been) (?:dead|never born|not born|not alive)\\b',
        '\\bwish (?:that )?i (?:did not|did nt|never) (?:exist|existed|wake up|woke up|be born)\\b',
        '\\b(?:better off|rather be|be better|would be better) dead\\b',
        '\\b(?:dying|death|suicide|killing my ?self|being dead|not existing) (?:is|seems|sounds|feels|would be|looks)(?: like)? (?:the |my )?(?:only|best|easiest|easier|better|a relief|an option|the answer|the way out|only way)\\b',
        '\\b(?:do not|did not|never|no longer|not) (?:want|wants|wanna|wish|wanted) to (?:live|be alive|exist|wake up|keep living|keep going|go on)\\b(?! (?:the|a|an|my|to|with|in|on|early|at|before|for|so|by|in time)\\b)',
        '\\b(?:do not|never|no longer) (?:want|wish|wanted) to be (?:here|around|alive|on this earth|in this world) ?(?:anymore|any more|any longer|no more)',
        '\\b(?:no|any|nothing|zero) (?:\\w+ )?(?:reason|reasons|point|purpose|will) (?:to|in|for|of) (?:live|living|life|being alive|going on|exist\\w*|stay\\w* alive)\\b',
        '\\bnothing (?:left )?to live for\\b|\\bthe will to live\\b',
        '\\blife (?:is )?(?:not|no longer|isnt) worth (?:it|living)\\b|\\bnot worth living\\b',
        '\\b(?:life|living|existing|my life) is (?:so |just )?(?:pointless|meaningless|unbearable)\\b',
        '\\bwhat(?: is)? the point (?:of|in) (?:living|life|going on|being alive|existing|waking up)\\b',
        '\\b(?:over|end|stop) (?:when|once|if) i (?:die|am dead|am gone)\\b',
        '\\bthink\\w* (?:about|of) (?:dying|death|suicide|ending it|not being alive|not existing)\\b',
        '\\b(?:talk\\w*|thought|thoughts) (?:about|of) (?:dying|death|wanting to die)\\b',
      ].join('|'),
    ),
  },
  {
    // A person (not a phone or a page) and "dead" or "die": "who cares if I'm dead", "I should just die".
    id: 'suicide',
    pattern: new RegExp(
      [
        '\\b(?:i|i am|i was|i were|me|he|she|they|he is|she is|they are|we) (?:\\w+ ){0,2}(?:be |being )?dead\\b(?! (?:tired|serious|set|wrong|on|in|to|end|last|certain|sure|center|heat|weight|link|zone|battery|inside|meat|ass|broke|bored)\\b)',
        '\\b(?:i|he|she|they|we|to|should|could|might|would|just|gonna|going to|will) (?:\\w+ )?die\\b(?! (?:of|laughing|for|hard|down|out|off|with|from (?:embarrassment|boredom|laughter))\\b)',
      ].join('|'),
    ),
    notAfter: AFTER_THING,
  },
  {
    // "I won't be here tomorrow", unless the person goes on to ask for something of their own
    // ("…, can I finish the form next week?").
    id: 'suicide-indirect',
    pattern: /\b(will not|not going to|wont) be (here|around|alive) (tomorrow|next week|much longer|for much longer|anymore|any more|after tonight)\b/,
    notBefore: /^\s+(can|could|may|will|should|do) i\b/,
  },
  {
    id: 'suicide-indirect',
    pattern: new RegExp(
      [
        '\\bi (?:really |just |so |fucking )?hate (?:my|this) life\\b|\\bnothing matters (?:anymore|any more|to me anymore)\\b|\\b(?:do not|dont) care about anything (?:anymore|any more)\\b',
        '\\b(?:do not|dont|can not) see (?:the|any) point (?:of|in) (?:anything|living|life|going on|it all|trying|being alive)\\b',
        '\\b(?:wrote|writing|left|leaving) (?:a )?(?:letters?|notes?) (?:to|for) (?:my )?(?:family|parents|mom|dad|friends|everyone|everybody)\\b|\\bwhy i (?:had|have) to (?:go|leave|do it|do this)(?= *$)',
        '\\b(?:going to|gonna|want to|wanna|thinking about|about to|ready to) jump(?= *$| (?:off|from)\\b)',
        // "I want to disappear", "I wish I could disappear forever" (not "disappear from the mailing list").
        '\\b(?:want|wanna|wish|wishing|like|need|going) (?:i could |i would |i can |to |to just |i could just )*(?:just )?(?:disappear|vanish)\\b(?! from\\b)',
        '\\b(?:and|to) (?:never|not|never ever) (?:wake|waking) up\\b',
        '\\b(?:hope|wish|pray) (?:that )?i (?:do not|never|will not|would not|would never|could not|did not) wake up\\b',
        '\\b(?:happier|better|easier|better off) without me\\b|\\b(?:when|once|after) i am (?:gone|dead)(?= *$| (?:and|but|so|i|you|everyone)\\b)',
        '\\bi (?:just )?want out(?= *$)|\\b(?:will not|never|am not) (?:be )?coming back(?= *$| (?:and|but|so|i)\\b)|\\bgoing away (?:forever|for good)\\b',
        '\\bnot going to be (?:around|here|alive)(?= *$| (?:anymore|much longer|tomorrow|for long|after tonight|and)\\b)|\\bjust in case (?:something|anything) happens to me\\b',
        `\\bbetter (?:off |for (?:everyone|everybody|all|them|you|my family) )?(?:without me|(?:when|if|once) (?:i|he|she|they) (?:am|is|are|was|were|would be|m) (?:gone|dead|not (?:here|around|alive|a problem|a burden)|no longer (?:here|around)))\\b`,
        "\\bthings (?:will|are going to|are) never (?:get|going to get) better(?= *$| (?:and|i|so|but)\\b)|\\bhow much longer i can (?:take|bear|stand|handle|go on|do) (?:it|this|life)\\b",
        '\\b(?:do not|dont) care (?:what happens to me|if i (?:live|die|crash|get hurt|wake up|make it))\\b',
        '\\b(?:nobody|no one|noone|no body) (?:would|will|is going to|going to|is gonna)? ?(?:even |really |ever )?(?:miss|notice|care about) me\\b',
        '\\b(?:nobody|no one|noone) (?:would|will|is going to|going to)? ?(?:even |really |ever )?(?:miss me|notice|care|cares|cry) (?:if|when|that) i (?:am |was |were |just |had )?(?:gone|dead|died|die|disappear\\w*|left|killed|not here|not around|vanish\\w*|not alive)\\b',
        '\\b(?:nobody|no one|noone) (?:cares|care|would care) (?:if|whether) i (?:live|die|am dead|am alive|died|lived)\\b',
        '\\b(?:nobody|no one|noone) (?:needs|wants|loves|cares about) me\\b',
        '\\b(?:i am|i feel|feel|feeling|i have become|being) (?:like )?(?:i am )?(?:just |such |only |nothing but |a huge |a big |so much of |more of )*a (?:\\w+ )?burden\\b(?! (?:to|on|for) (?:the )?(?:help ?desk|staff|portal|system|office)\\b)',
        '\\bburden (?:to|on|for) (?:everyone|everybody|my family|my friends|others|other people|people|the people|all)\\b',
        '\\b(?:i|i am|i feel|feel|feeling|i have been feeling|i am feeling|i just feel) (?:so |really |completely |totally |very |just |extremely |utterly |pretty |kind of )*(?:hopeless|worthless|empty inside|empty and hopeless|empty and numb)\\b',
        '\\bfeel(?:ing|s)? (?:so |really |completely |totally |very |just |empty and )*(?:empty|trapped)\\b(?! in\\b)',
        '\\b(?:no|any|not a|no other) way out\\b(?! of (?:a|the|this|my|these) (?:\\w+ ){0,2}(?:loop|page|screen|form|site|website|portal|login|menu|account|app|process)\\b)',
        `\\bcan not (?:go on|keep going|live like this|live with this|go on like this|go on living)${CLAUSE_END}`,
        '\\bcan not (?:take|bear|stand|handle) (?:it|this|life|the pain|this pain|living)(?: (?:anymore|any more|any longer|no more))?(?= *$| (?:anymore|any more|any longer|no more|and|please|so|but|i)\\b)',
        '\\b(?:pain|hurt) (?:will )?never (?:stop|end|go away)\\b|\\bwant (?:the|this|my|all the|all this) (?:pain|hurting|hurt|suffering) to (?:stop|end|go away)\\b',
        '\\b(?:the |this |my )?pain is (?:so |too |just )*(?:unbearable|too much)\\b|\\bunbearable (?:emotional )?pain\\b',
        '\\bdone with (?:life|living|being alive|existing|it all|this life|this world)\\b|\\bdone with everything(?= *$| (?:and|i|so|but)\\b)',
        '\\btired of (?:living|being alive|life|existing|fighting|waking up)\\b|\\bsick of (?:living|being alive|life|existing)\\b',
        '\\blife is (?:just |so |way |really )*(?:too )(?:hard|much)\\b|\\bno point in (?:even )?trying(?= *$| (?:anymore|any more)\\b)',
        '\\b(?:soon|finally) be at peace\\b|\\bbe at peace soon\\b|\\bhappier (?:if|when|once) i (?:was|were|am) (?:gone|dead|not (?:here|around))\\b',
        "\\b(?:will not|not going to) (?:be|have me|have to be) (?:around|here)(?: me)? (?:for )?much longer\\b|\\bwill not have me (?:to \\w+ )?around\\b",
        '\\bwant (?:it all|everything|my life|life) to (?:end|stop|be over)\\b|\\bjust want it (?:all )?to (?:be over|end|stop)(?= *$| (?:and|but|so|i)\\b)',
      ].join('|'),
    ),
  },
  {
    id: 'suicide-plan',
    pattern: new RegExp(
      [
        '\\b(?:stockpil\\w*|hoard\\w*|sav(?:e|ed|ing) up|stash\\w*|collect\\w*) (?:my |some |all my |a lot of |enough |up )?(?:pills|meds|medication\\w*|sleeping pills|pain ?killers|tylenol|opioids)\\b',
        '\\b(?:bought|buy|buying|got|get|getting|purchased|loaded|load|loading) (?:a |my |the |his |her )?(?:gun|pistol|rifle|firearm|shotgun|noose)\\b',
        '\\b(?:gun|pistol|rifle|firearm|shotgun|noose|rope) (?:to|so i can|and) (?:end|kill|shoot|finish|hang)\\b',
        '\\b(?:has|have|got|made|making) (?:a )?plan (?:to (?:die|end|kill|do it|overdose))\\b|\\b(?:pills|a gun|the means|a rope) and a plan\\b|\\bhas (?:pills|a gun) and (?:a )?plan\\b',
        '\\b(?:texted|said|wrote|sent)(?: me)? (?:a |his |her |their )?goodbye\\b',
        '\\boverd(?:id|o|oing|one) (?:it )?on (?:my |his |her |their )?(?:meds|pills|medication\\w*|drugs)\\b|\\b(?:i think i|i|he|she|they) (?:took|taken) (?:way )?too much\\b(?! (?:time|\\w+ (?:time|money)))',
        '\\b(?:took|swallowed|taken|ate|downed|drank) (?:a |the |an )?(?:whole |entire |full )?(?:bottle|bunch|handful|box|pack|package) of (?:pills|meds|medication\\w*|tylenol|advil|sleeping pills|\\w+ pills)\\b',
        '\\b(?:hold|keep|take|hide|lock up) (?:on to |onto )?my (?:guns?|pills|meds|firearms?)(?: \\w+){0,3} (?:for me|away from me)\\b|\\b(?:do not|can not) trust my ?self(?= *$| (?:anymore|around|with|alone|and|right now|tonight)\\b)',
        '\\bjump(?:ing|ed|s)? (?:off|from|in front of) (?:a |the |my |this )?(?:bridge|building|roof|rooftop|balcony|cliff|ledge|train|car|bus|truck|window|parking garage|parking deck|tower|overpass)\\b',
        '\\bbullet (?:in|through) (?:my|his|her|their) (?:brain|head|skull)\\b',
        '\\b(?:ways|way|how|methods?) to (?:die|kill (?:my|him|her|them|your)sel\\w*|end (?:my|his|her|their) li\\w*|commit suicide|overdose)\\b',
        '\\b(?:saying|say|said|to say|said my|saying my) (?:my )?(?:goodbye|goodbyes|good bye|bye) (?:to )?(?:everyone|everybody|my friends|my family|the world|all of you|friends and family|you all|for good|forever)\\b',
        '\\bthis is (?:my )?(?:final |last )?goodbye\\b|\\b(?:final|last) goodbye\\b',
        `\\bgiv(?:e|es|ing|en) away (?:all )?${WHOSE} (?:stuff|things|belongings|possessions|stuff)\\b`,
        `\\bput(?:ting)? ${WHOSE} affairs in order\\b|\\b(?:made|making|wrote|writing) (?:a|my) will\\b|\\b(?:suicide|goodbye|final|last) (?:note|letter)\\b`,
      ].join('|'),
    ),
  },
  {
    id: 'self-harm',
    pattern: new RegExp(
      [
        `\\b(?:hurt|hurts|hurting|harm|harms|harming|cut|cuts|cutting|burn|burns|burning|burned|starve|starving|hang|hangs|hanging|hanged|stab|stabbing|poison|poisoning|drown|drowning|shoot|shooting|shot) ?${SELF}\\b`,
        '\\bself ?(?:harm\\w*|injur\\w*|mutilat\\w*)\\b|\\b(?:slit|slitting|slash\\w*|cut|cutting) (?:my|his|her|their) (?:own )?wrists?\\b',
        '\\burge to (?:cut|hurt my ?self|self harm|die|burn)\\b',
        '\\bcutting again\\b|\\b(?:started|relapsed|went back to) cutting\\b',
        '\\b(?:feelings|thoughts) (?:about|of) (?:harming|hurting|killing) (?:my ?self|others|other people|someone)\\b',
        // Harm as a noun ("doing harm to themselves") and damage to one's own body, as warning-sign lists word it.
        `\\b(?:do|does|doing|did|done|cause|causes|causing|caused)(?: (?:some|any|serious|real))? (?:harm|damage|injury) to ${SELF}\\b`,
        '\\b(?:intentionally |deliberately )?damag(?:e|es|ed|ing) (?:my|his|her|their|your) (?:own )?body\\b',
      ].join('|'),
    ),
  },
  {
    id: 'violence',
    pattern: new RegExp(
      [
        '\\b(?:kill|kills|killing|murder\\w*|stab|stabbing|strangl\\w*) (?:someone|somebody|people|other people|others|everyone|everybody|him|them|her|my (?:roommate|partner|friend|boyfriend|girlfriend|ex|professor|teacher|mom|dad|parents|family|brother|sister|husband|wife|boss|classmates?))\\b(?! (?:with kindness|time)\\b)',
        '\\b(?:shoot|shooting|shot) (?:up )?(?:the |my )?(?:school|class|campus|dorm|people|someone|somebody|everyone|everybody)\\b',
        '\\b(?:hurt|hurting|harm|harming) (?:someone|somebody|people|other people|others|everyone|everybody|another person|anyone)\\b',
        '\\bhomicid\\w*\\b',
        '\\bthreat\\w* (?:me|to (?:kill|hurt|shoot|stab))\\b',
        '\\b(?:he|she|they|boyfriend|girlfriend|partner|husband|wife|roommate|dad|mom|father|mother|ex|someone) (?:hits|beats|chokes|hurts|hit|beat|choked|strangled) me\\b(?! up\\b)|\\b(?:was|been|got|i think i was) (?:drugged|roofied)\\b',
      ].join('|'),
    ),
  },
];

/** Medical emergencies (the 911 lists), in English. */
const MEDICAL_EN: readonly Rule[] = [
  {
    id: 'dying',
    pattern:
      /\b(i am|i think i am|i feel like i am|he is|she is|they are|friend is|roommate is|someone is|somebody is) (dying|going to die)\b(?! (to|for|of|laughing|inside|here)\b)/,
  },
  {
    id: 'breathing',
    pattern:
      /\b((can|could|will) not|unable to|hard to|hard time|trouble|difficulty|struggling to|struggle to|is not|are not|stopped|not|barely|can barely) breath(e|ing)?\b(?! (new )?life\b)|\bshort(ness)? of breath\b|\bgasping for (air|breath)\b|\bwheez\w*\b|\b(lips|fingertips|fingernails|nails|skin|face)( and (lips|fingertips|fingernails|nails|skin|face))? (is |are |look |looks |turned |turning |going |went )?(turning |going )?(blue|purple|grey|gray)\b|\bbreathing (is )?(really |very |so )?(slow|shallow|irregular)\b|\bbreathing (has )?(slowed|stopped|is slowing)\b|\bgurgl\w*|\basthma attack\b|\binhaler (is not|does not|not) (working|helping)\b/,
  },
  { id: 'choking', notAfter: AFTER_THING, pattern: new RegExp(`\\bchok(?:ing|ed)\\b(?! on (?:my|the|a|this|his|her) (?:\\w+ )?(?:pdf|file|upload|photo|image|picture|form|data|request|words)\\b)`) },
  {
    id: 'overdose',
    pattern:
      /\b(overdos\w*|over dos\w*|too many pills)\b|\btook (all|too many|a bunch|a handful|way too many|a lot)( of)? (my |the |his |her |their |of my )?\w*(pills|meds|medication\w*|antidepressants|tablets|painkillers|tylenol|advil|insulin|xanax|adderall|percocet|oxy\w*)\b/,
  },
  {
    id: 'chest-pain',
    pattern: /\b(chest (pain\w*|hurts?|hurting|tight\w*|pressure)|pain in my chest|heart attack|cardiac arrest)\b/,
  },
  {
    id: 'bleeding',
    pattern:
      /\bbleed(ing|s)?\b( \w+){0,3} (a lot|heavily|badly|bad|profusely|everywhere|will not stop|not stopping|nonstop|severely|uncontrollabl\w*)\b|\bbleeding out\b|\b(severe|heavy|lots of|so much|a lot of|losing) (bleeding|blood)\b|\bcan not stop (the )?bleed\w*|\b(cough\w*|vomit\w*|throw\w* up|spit\w*) (up )?blood\b/,
  },
  {
    id: 'unconscious',
    pattern:
      /\b(unconscious|unresponsive|passed out|fainted|will not wake up|is not waking up|not waking up|can not wake (him|her|them|my \w+)( up)?|collapsed|lost consciousness|loss of consciousness|losing consciousness)\b/,
    notAfter: AFTER_THING,
  },
  { id: 'unconscious', pattern: /\b(going to|gonna|about to|might) (faint|pass out|collapse)\b/ },
  {
    id: 'injury',
    pattern:
      /\b(got |was |been )?(hit|run over|struck) by a (car|truck|bus|train|vehicle)\b|\bcar (accident|crash)\b|\b(body|arms|legs) (is |are |went |has gone )?(limp|floppy)\b|\bcan not (talk|speak|move)( at all)?(?= *$| (and|or|but|anymore)\b)|\bcan not (move|feel) (my|his|her|their) (legs|arms|arm|leg|body|face|side)\b|\b(he|she|they|friend|roommate|brother|sister|boyfriend|girlfriend|someone) (is |are )?(not|will not) (respond|responding|responsive)\b(?! to (my |his |her |our )?(emails?|texts?|messages?|calls?|dms?)\b)|\b(no|a weak|weak) pulse\b|\bcan not find (a |his |her |their |the )?pulse\b/,
  },
  {
    id: 'danger',
    pattern:
      /\b(scared|afraid|fear\w*|terrified) for (my|his|her|their) (life|lives|safety)\b|\b(someone|somebody|a man|a guy|he|she|they) (is |are )?(following|stalking|chasing) me\b|\bin (immediate )?danger\b(?! of\b)|\b(i am|i feel) not safe\b/,
  },
  { id: 'seizure', pattern: /\b(seizure\w*|seizing|convuls\w*)\b(?! up\b)/ },
  {
    id: 'anaphylaxis',
    pattern:
      /\banaphyla\w*|\bthroat (is |feels |getting )?(closing|swelling|swollen|tight\w*)|\b(face|tongue|lips?) (is |are )?(swelling|swollen)\b|\bepi ?pen\b/,
  },
  {
    id: 'anaphylaxis',
    pattern: /\ballergic reaction\b(?! (history|in the past|last)\b)/,
    notAfter: /\b(record|report|list|add|enter|document|history of|had|mild|minor|past)( \w+){0,2} $/,
  },
  {
    id: 'stroke',
    pattern:
      /\b(having a stroke|face (is )?drooping|drooping on one side|slurred speech|speech is slurred|numb\w* on one side|one side of (my|his|her|their) (face|body) (is |feels )?(numb|drooping|weak)|worst headache of (my|his|her|their) life)\b/,
  },
  {
    id: 'head-injury',
    pattern: /\b(hit|hurt|banged) (my|his|her|their) head (and|hard|really)\b|\bbone (is )?(sticking|poking) (out|through)\b|\b(severe|bad|serious|major) burns?\b|\b(is|are|was|were|someone|somebody) drowning\b(?! in\b)/,
  },
  { id: 'panic', pattern: /\bpanic attack\w*\b/ },
  { id: 'assault', pattern: /\b(raped|rape|sexually assaulted|sexual assault|assaulted|abused me)\b/ },
  { id: 'poison', pattern: /\b(poisoned|swallowed (bleach|poison\w*|something poisonous))\b/ },
  { id: 'crisis', pattern: /\b(in crisis|mental health crisis|call 911|ambulance)\b/ },
  // "emergency" on its own is an emergency, but "emergency contact" and "non-emergency" are not.
  {
    id: 'emergency',
    notAfter: /\bnon $/,
    pattern: /\bemergency\b(?! (contact\w*|info\w*|form\w*|fund\w*|loan\w*|alert\w*|plan\w*|card\w*|contracept\w*)\b)/,
  },
];

/** Spanish: crisis language and medical emergencies (accents are folded, so "más" is "mas"). */
const SPANISH: readonly Rule[] = [
  {
    id: 'suicide',
    pattern: new RegExp(
      [
        '\\b(?:me )?(?:quiero|quisiera|deseo|queria|quiere|quieren|prefiero|preferiria|ganas de|deseo de|pienso en|piensa en|pensando en|habla de|hablo de|querer) (?:morir(?:me|se)?|matar(?:me|se)|suicidar(?:me|se)|dejar de (?:vivir|existir)|estar muert[oa]s?|no despertar|quitar(?:me|se) la vida)\\b',
        // "me voy a matar" (I will kill myself), "se va a matar" (he will), but not "mi mamá me va a matar" (an idiom).
        '\\b(?:me (?:quiero|voy a|iba a|pienso|queria)|se (?:quiere|va a|iba a|piensa|queria)|te (?:quieres|vas a)) (?:morir|matar|suicidar)\\b',
        '\\bmatar(?:me|se|nos|te)\\b|\\bquitar(?:me|se|le) la vida\\b',
        '\\b(?:acabar|terminar|poner fin|ponerle fin) (?:a|con) (?:mi|su|tu) (?:propia )?vida\\b|\\b(?:acabar|terminar) con todo\\b(?! (?:el|la|los|las|lo|esto|este|esta)\\b)',
        '\\bno (?:quiero|quiere|deseo|quisiera) (?:seguir )?(?:vivir|viviendo|existir|estar viv[oa]|despertar)\\b|\\bno quiero seguir (?:aqui|con vida)\\b',
        '\\b(?:la vida|vivir|vivir asi) no (?:vale|merece) la pena\\b|\\bno (?:vale|merece) la pena vivir\\b|\\b(?:no tiene sentido|para que) (?:seguir )?(?:vivir|viviendo)\\b|\\bvivir no tiene sentido\\b',
        '\\b(?:no tengo|sin|ninguna|no hay) (?:ninguna )?(?:razon|razones|motivo|motivos) (?:para|por la que|por el que) vivir\\b',
        '\\b(?:estaria|estarias|estarian|estariamos|estare|estaran|seria|serian|sera|es|estan|estamos|estas) mejor (?:muert[oa]s?|sin mi)\\b',
        '\\b(?:mejor|preferiria|prefiero|quisiera|quiero|ojala|desearia|deseaba|deseo) (?:estar |estuviera |estuviese )?muert[oa]s?\\b',
        '\\b(?:la vida|mi vida|vivir) no tiene (?:ningun )?sentido\\b|\\bno le (?:encuentro|veo) (?:ningun )?sentido a (?:la|mi) vida\\b',
        '\\bno le importo a nadie\\b|\\ba nadie le importo\\b|\\bno valgo nada\\b|\\bnunca (?:voy a|podre) ser feliz\\b',
        '\\b(?:seria|sera|es) mejor (?:no estar aqui|si no estuviera|si me muero|que me muera|no existir|estar muert[oa]|que no (?:este|estuviera|exista|existiera)|que me vaya para siempre)\\b',
        '\\bno le (?:veo|encuentro) (?:ningun )?sentido a (?:nada|la vida|mi vida|vivir)\\b|\\b(?:me voy a ir|irme|desaparecer|dormir) para siempre\\b',
        '\\b(?:me|se|te) (?:voy a|va a|vas a|quiero|quiere|iba a|pienso) quitar la vida\\b|\\bcans(?:e|ad[oa]s?|a) de (?:vivir|la vida|existir|luchar)\\b',
        '\\b(?:seria|serian|estaria|estarian|vivirian) (?:mas felices|mejor|mas tranquil\\w*) (?:si|cuando) (?:me fuera|me muero|me muera|me muriera|no estuviera|desapareciera|ya no estoy)\\b',
        '\\b(?:nunca|no) (?:hubiera|hubiese) nacido\\b|\\b(?:tirar(?:me|se)|lanzar(?:me|se)) (?:de|desde|por) (?:un |una |el |la )?(?:puente|edificio|techo|azotea|balcon|ventana)\\b',
        '\\bojala (?:nunca )?(?:no )?(?:hubiera|hubiese) nacido\\b|\\bojala no existiera\\b|\\bojala (?:me muera|me muriera|pudiera desaparecer|no despertar\\w*)\\b',
        '\\b(?:nadie|ninguno) (?:me )?(?:extranaria|extranara|va a extranar|notaria|notara|se daria cuenta)\\b',
        '\\bme despedi de (?:todos|todo el mundo|mi familia|mis amigos)\\b|\\bno quiero estar (?:mas|aqui mas)(?= *$| (?:y|aqui)\\b)|\\bnadie me (?:echaria|va a echar|echara) (?:de menos|en falta)\\b',
        '\\bmejor (?:me muero|morirme|me mato|matarme)\\b|\\b(?:las cosas|nada|esto|mi vida) (?:no )?(?:va|van) a mejorar nunca\\b|\\bnunca (?:va|van) a mejorar\\b',
        '\\bpronto dejare de sufrir\\b|\\bcansad[oa]s? de (?:luchar|vivir|la vida|existir)\\b',
      ].join('|'),
    ),
  },
  {
    id: 'suicide-indirect',
    pattern: new RegExp(
      [
        '\\b(?:soy|me siento|siento que soy|me siento como) (?:una |un )?(?:carga|estorbo)\\b(?! para (?:el|la) (?:help desk|mesa de ayuda|portal|sistema|oficina|personal)\\b)',
        '\\b(?:me siento|estoy|siento|sentirse|sentirme) (?:muy |tan |completamente )?(?:vaci[oa]|atrapad[oa]|sin esperanza|desesperanzad[oa]|sin salida)\\b',
        '\\bno hay (?:salida|manera de salir|forma de salir|otra salida)\\b(?! de (?:este|esta|la|el|mi) (?:\\w+ ){0,2}(?:bucle|pagina|formulario|portal|sitio|sesion|pantalla|ciclo|cuenta)\\b)',
        '\\b(?:ya )?no (?:lo |la )?(?:soporto|aguanto)(?: mas)?(?= *$| (?:quiero|me|ya|y|pero|estoy|todo|no)\\b)|\\b(?:ya )?no puedo mas(?= *$| (?:quiero|me|ya|y|pero|estoy|todo|no)\\b)',
        '\\bno puedo (?:soportarlo|aguantarlo|seguir asi|seguir viviendo|mas con (?:la|mi) vida)\\b',
        '\\bya no quiero estar(?: aqui)?(?= *$| (?:mas|en este mundo|con vida|viv[oa])\\b)|\\b(?:ya )?no quiero seguir(?= *$| (?:asi|viviendo|aqui|adelante|mas|y)\\b)',
        '\\bno tengo (?:salida|otra salida|escapatoria)\\b(?! de (?:este|esta|la|el)\\b)|\\b(?:ya )?no doy (?:para )?mas\\b(?! (?:con|de)\\b)',
        '\\b(?:quiero|quisiera|deseo|ojala pudiera|quiere) desaparecer\\b(?! de (?:la|las|los|el|esta|este)\\b)',
        '\\b(?:dormir|dormirme) y no (?:despertar|volver a despertar)\\b|\\bno (?:volver a )?despertar (?:nunca|jamas|mas)\\b',
        '\\b(?:el dolor|este dolor|mi dolor) es (?:insoportable|demasiado)\\b|\\bdolor insoportable\\b',
      ].join('|'),
    ),
  },
  {
    id: 'suicide-plan',
    pattern: new RegExp(
      [
        '\\b(?:juntando|acumulando|guardando|junte|guarde) (?:las |mis |muchas )?(?:pastillas|pildoras|medicamentos|medicinas)\\b',
        '\\b(?:tome|tomo|tomar(?:me|se|melas)?|tomarmelas) (?:todas )?(?:las |mis |sus |tus |muchas |demasiadas )?(?:pastillas|pildoras)\\b',
        '\\b(?:compre|tengo|consegui|comprar|conseguir) (?:un |una )?(?:arma|pistola)\\b',
        '\\bdespedir(?:me|se) de (?:todos|todo el mundo|mi familia|mis amigos)\\b|\\besta es mi despedida\\b|\\bregal(?:ando|ar|e|o) (?:todas )?mis (?:cosas|pertenencias)\\b',
      ].join('|'),
    ),
  },
  {
    id: 'self-harm',
    pattern: new RegExp(
      [
        '\\b(?:hacer(?:me|se|te)|hacerle|hago|hice) (?:\\w+ )?dano\\b(?! a (?:la|el|mi) (?:computadora|pagina|portal|archivo)\\b)',
        '\\b(?:lastimar(?:me|se)|herir(?:me|se)|autolesion\\w*)\\b|\\bcortar(?:me|se)\\b(?! (?:el|la|las|los|un|una|mi)\\b)',
        '\\bme (?:corto|corte|lastimo|lastime)\\b(?! (?:el|la|las|los|un|una)\\b)|\\b(?:cortar(?:me|se)|me corto|me corte|se corta|se corto) las venas\\b',
        '\\b(?:me|se) (?:voy a|va a|quiero|quiere|iba a) (?:tirar|aventar|lanzar) (?:de|desde|por)\\b|\\bdormir para siempre\\b',
      ].join('|'),
    ),
  },
  {
    id: 'medical',
    pattern: new RegExp(
      [
        '\\bno (?:puedo|puede|podemos|pueden) respirar\\b|\\bno respira\\b|\\b(?:dificultad|problemas?|le cuesta|me cuesta) (?:para )?respirar\\b|\\bme falta el aire\\b|\\bfalta de aire\\b|\\bse (?:esta )?ahog(?:a|ando)\\b(?! en (?:tareas|trabajo|papeles|deudas|problemas|un vaso de agua)\\b)',
        '\\bdolor (?:en el|de|del) pecho\\b|\\bme duele (?:mucho )?el pecho\\b|\\bataque (?:al corazon|cardiaco)\\b|\\binfarto\\b|\\bparo cardiaco\\b',
        '\\b(?:se desmayo|me desmaye|desmayad[oa]|inconsciente|perdio el conocimiento|perdi el conocimiento|perdida del conocimiento|no despierta)\\b',
        '\\blabios (?:azules|morados)\\b|\\b(?:piel|cara) (?:azulada|azul|morada|grisacea)\\b|\\bno responde(?= *$| (?:y|cuando|a (?:su|mi) nombre)\\b)|\\brespira (?:muy )?(?:lento|poco|mal)\\b',
        '\\bsangr(?:ando|a|e) (?:mucho|demasiado|sin parar)\\b|\\bno (?:para|deja) de sangrar\\b|\\bhemorragia\\b|\\bsangrado (?:que no para|intenso|abundante|incontrolable)\\b|\\b(?:vomitando|tosiendo|vomito|toso) sangre\\b',
        '\\bsobredosis\\b|\\benvenen\\w*\\b|\\bconvulsi\\w*\\b|\\b(?:derrame|ataque) cerebral\\b|\\bataque de panico\\b',
        '\\b(?:reaccion alergica|anafila\\w*)\\b(?! (?:leve|pasada)\\b)|\\bse me (?:cierra|esta cerrando|hincha) la garganta\\b|\\bgarganta (?:cerrada|hinchada|se cierra)\\b',
        '\\b(?:me )?(?:violaron|violacion|abusaron de mi|agredieron sexualmente|agresion sexual|abuso sexual)\\b',
        '\\b(?:llamar|llame|llama|llamen|marcar|marca) (?:al )?911\\b|\\bambulancia\\b',
      ].join('|'),
    ),
  },
  {
    id: 'medical',
    pattern: /\bno (lo|la|le) (puedo|podemos) despertar\b/,
    notAfter: /\b(computadora|compu|pantalla|telefono|celular|laptop|tablet|pc|portal|pagina|sistema)( \w+){0,4} $/,
  },
  {
    id: 'emergency',
    pattern: /\bemergencia\b/,
    notAfter: /\b(contacto|contactos|numero|telefono|no es de|no es una|no una|que no es de|sin|anticoncepcion|pildora|pastilla) (de )?$/,
  },
];

/** A rule ready to run: its pattern with the `m` flag, and a global copy when it has a guard. */
interface CompiledRule {
  readonly id: string;
  readonly pattern: RegExp;
  readonly all?: RegExp;
  readonly notAfter?: RegExp;
  readonly notBefore?: RegExp;
}

/** Every rule, crisis language first. */
const RULES: readonly CompiledRule[] = [...CRISIS_EN, ...MEDICAL_EN, ...SPANISH].map((r) => ({
  id: r.id,
  pattern: new RegExp(r.pattern.source, 'm'),
  all: r.notAfter === undefined && r.notBefore === undefined ? undefined : new RegExp(r.pattern.source, 'gm'),
  notAfter: r.notAfter,
  notBefore: r.notBefore,
}));

/** Whether `rule` matches `normal` somewhere its guard does not exclude. */
function fires(rule: CompiledRule, normal: string): boolean {
  if (!rule.pattern.test(normal)) return false;
  const all = rule.all;
  if (all === undefined) return true;
  all.lastIndex = 0;
  for (let m = all.exec(normal); m !== null; m = all.exec(normal)) {
    const end = m.index + m[0].length;
    const excluded =
      rule.notAfter?.test(normal.slice(Math.max(0, m.index - 80), m.index)) === true ||
      rule.notBefore?.test(normal.slice(end, end + 80)) === true;
    if (!excluded) return true;
    all.lastIndex = m.index + 1;
  }
  return false;
}

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
  'himself',
  'herself',
  'themselves',
  'chest',
  'attack',
  'fainted',
  'collapsed',
  'convulsing',
  'throat',
  'swelling',
  'assaulted',
  'disappear',
  'hopeless',
  'worthless',
  'burden',
  'anymore',
  // Spanish words that must stay themselves (not be "repaired" into an English rule word).
  'emergencia',
  'reaccion',
  'respirar',
  'suicidarme',
  'suicidarse',
  'desaparecer',
];

const RULE_WORD_SET: ReadonlySet<string> = new Set(RULE_WORDS);

/** Words that look like a misspelt rule word but are common words of their own. */
const NOT_TYPOS: ReadonlySet<string> = new Set(['attach', 'breaths', 'chests', 'threat', 'reactions', 'beeding', 'burdens', 'disappears', 'disappeared', 'emergencies']);

/** Rule words by first letter: a misspelling keeps its first letter. */
const RULE_WORDS_BY_FIRST: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const w of RULE_WORDS) map.set(w[0], [...(map.get(w[0]) ?? []), w]);
  return map;
})();

/** Repairs already worked out (most words recur); emptied when it grows past {@link REPAIR_CACHE_LIMIT}. */
const repairCache = new Map<string, string>();
const REPAIR_CACHE_LIMIT = 20_000;

function repair(word: string): string {
  if (word.length < 5 || RULE_WORD_SET.has(word) || NOT_TYPOS.has(word)) return word;
  const known = repairCache.get(word);
  if (known !== undefined) return known;
  const candidates = RULE_WORDS_BY_FIRST.get(word[0]) ?? [];
  const limit = word.length >= 9 ? 2 : 1;
  let repaired = word;
  for (const candidate of candidates) {
    if (editDistance(word, candidate, limit) <= limit) {
      repaired = candidate;
      break;
    }
  }
  if (repairCache.size >= REPAIR_CACHE_LIMIT) repairCache.clear();
  repairCache.set(word, repaired);
  return repaired;
}

/** Punctuation that ends a sentence or a clause. */
const SENTENCE_BREAK = /[.!?;:,\n\u00a1\u00bf]+/;
const SENTENCE_BREAKS = new RegExp(SENTENCE_BREAK.source, 'g');
/** A word no message contains, standing for a sentence break while the text is normalised. */
const BREAK_MARK = 'zqxsentencebreakzqx';
const BREAK_MARK_EDGE = new RegExp(`^${BREAK_MARK}(?: |$)|(?:^| )${BREAK_MARK}$`, 'g');

/**
 * The text the rules see: normalised words, misspelt rule words repaired, single spaces, and a
 * line break between sentences (normalising drops punctuation, so without it "I might as well
 * end it. How do I reset my password" would read as one clause). `preSplit`, the message's
 * {@link words}, is used when the message is one sentence.
 */
export function emergencyText(text: string, preSplit?: readonly string[]): string {
  if (!SENTENCE_BREAK.test(text)) return (preSplit ?? words(text)).map(repair).join(' ');
  // One pass of `words` over the whole message, with a marker word where each sentence ends.
  return words(text.replace(SENTENCE_BREAKS, ` ${BREAK_MARK} `))
    .map(repair)
    .join(' ')
    .split(` ${BREAK_MARK} `)
    .map((s) => s.replace(BREAK_MARK_EDGE, ''))
    .filter((s) => s !== '' && s !== BREAK_MARK)
    .join('\n');
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
    for (const rule of RULES) if (fires(rule, normal)) return { rule: rule.id };
    const padded = ` ${normal.replace(/\n/g, ' ')} `;
    for (const phrase of extras) if (padded.includes(` ${phrase} `)) return { rule: 'keyword' };
    return null;
  };
}

/** The built-in rules alone (without an entry's extra keywords). */
export const detectEmergency: EmergencyDetector = createEmergencyDetector();
