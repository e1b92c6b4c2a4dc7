import { ActionTypes, MessageFactory, type Activity, type CardAction } from 'botbuilder-core';
import type { KnowledgeEntry } from '../knowledge/types';

/** The feedback buttons shown after an answer. Their texts are recognised by {@link classifyFeedback}. */
export const HELPED_YES = 'Yes, that helped';
/** See {@link HELPED_YES}. */
export const HELPED_NO = "That didn't help";
/** The button that asks for a person. The knowledge base maps it to `human-handoff`. */
export const TALK_TO_HELPDESK = 'Talk to the help desk';
/** The button that leaves a choice without picking. */
export const SOMETHING_ELSE = 'Something else';

/** What the bot says when it does not understand a message (the first miss). */
export const MISS_REPLY = "Sorry, I didn't understand that. I can help with the UMass Patient Portal: try asking in other words, or choose a topic.";

/** The topics offered when the bot is not sure what the user wants. */
export const TOPIC_BUTTONS = ['Reset my password', 'Check my account', 'Upload a document', 'Immunization records', TALK_TO_HELPDESK];

/** Suggested-action buttons that send their own text back (imBack works on every channel). */
export function buttons(labels: string[]): CardAction[] {
  return [...new Set(labels)].slice(0, 8).map((title) => ({ type: ActionTypes.ImBack, title, value: title }));
}

/** A Markdown message with optional suggested actions. */
export function markdown(text: string, suggestions: string[] = []): Partial<Activity> {
  const activity = MessageFactory.text(text, text.replace(/[*_#>`[\]]/g, ''));
  activity.textFormat = 'markdown';
  if (suggestions.length) activity.suggestedActions = { actions: buttons(suggestions), to: [] };
  return activity;
}

/** The answer to an FAQ: its Markdown with links and, as buttons, its follow-ups. */
export function answerActivity(entry: KnowledgeEntry): Partial<Activity> {
  const links = entry.links.length ? `\n\n${entry.links.map((l) => `- [${l.title}](${l.url})`).join('\n')}` : '';
  return markdown(`**${entry.question}**\n\n${entry.answer.trim()}${links}`);
}

/** "Did that help?" with the feedback buttons and the entry's follow-ups. */
export function helpedQuestion(followUps: string[] = []): Partial<Activity> {
  return markdown('Did that answer your question?', [HELPED_YES, HELPED_NO, ...followUps]);
}

/** What a reply to "Did that help?" means; `other` is a new question. */
export type Feedback = 'yes' | 'no' | 'other';

/** Classifies a reply to "Did that help?". */
export function classifyFeedback(text: string): Feedback {
  const t = text.trim().toLowerCase().replace(/[.!?]+$/g, '');
  if (t === HELPED_YES.toLowerCase() || /^(y|yes|yeah|yep|yup|sure|it did|that helped|it helped|perfect|great|thanks?|thank you|ty|solved|got it|ok thanks)( thanks?| thank you| it did)?$/.test(t)) return 'yes';
  if (t === HELPED_NO.toLowerCase() || /^(n|no|nope|nah|not really|it didn'?t|that didn'?t help|didn'?t help|doesn'?t help|that doesn'?t help|still (not working|broken|stuck)|it didn'?t work|not helpful|no it didn'?t)( help)?$/.test(t)) return 'no';
  return 'other';
}

/** An interruption the user can type anywhere. */
export type Interruption = 'cancel' | 'restart' | 'help' | null;

/** Recognises "cancel", "start over" and "help" (short commands only, so "help with my password" is a question). */
export function classifyInterruption(text: string): Interruption {
  const t = text.trim().toLowerCase().replace(/[.!?]+$/g, '');
  if (/^(cancel|stop|quit|exit|never ?mind|nevermind|forget it)$/.test(t)) return 'cancel';
  if (/^(start over|restart|reset|start again|main menu)$/.test(t)) return 'restart';
  if (/^(help|menu|options|\?)$/.test(t)) return 'help';
  return null;
}

/** What the bot can help with: the welcome and the answer to "help". */
export function capabilitiesText(helpdeskEmail: string): string {
  return [
    "Hi! I'm the UHS Patient Portal help bot. I can help you with the UMass Patient Portal (https://umass.medicatconnect.com):",
    '',
    '- registering, "not active" errors and checking whether you already have an account',
    '- passwords, password emails and a login page that just spins',
    '- uploading documents (tell me the file name or attach the file and I will check it)',
    '- entering immunizations, COVID-19 vaccination records and getting copies of your records',
    '- scheduling Allergy Services and STI testing, and fixing your address, phone or name',
    '',
    `If I can't solve it, I'll pass it to the help desk (${helpdeskEmail}) with a case number. Type **cancel** to stop a step, **start over** to begin again, or **help** at any time.`,
    '',
    '**In an emergency, call 911. For a mental-health crisis, call or text 988.**',
  ].join('\n');
}
