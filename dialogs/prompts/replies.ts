import { ActionTypes, MessageFactory, type Activity, type CardAction } from 'botbuilder-core';
import type { KnowledgeEntry } from '../../knowledge/types';
import { FLOW_FACTS } from '../../knowledge/flowFacts';

/** The feedback buttons shown after an answer. The recogniser (`recognizer.ts`) reads them and the loose forms of yes and no. */
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

/** What the bot can help with: the welcome and the answer to "help". */
export function capabilitiesText(helpdeskEmail: string): string {
  return [
    `Hi! I'm the UHS Patient Portal help bot. I can help you with the UMass Patient Portal (${FLOW_FACTS.portalUrl}):`,
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
