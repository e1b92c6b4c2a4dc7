import {
  type Dialog,
  type DialogContext,
  type DialogTurnResult,
  WaterfallDialog,
  type WaterfallStepContext,
  DialogSet,
  DialogTurnStatus,
  type DialogStateManagerConfiguration,
  type DialogState,
} from 'botbuilder-dialogs';
import type { StatePropertyAccessor, TurnContext, Attachment, Activity } from 'botbuilder-core';
import type { MatchResult } from '../knowledge/types';
import type { DialogServices } from './services';
import { type ConversationMemory, emptyMemory, transcriptLines } from './memory/conversationMemory';
import { isDialogOutcome, type DialogOutcome } from './outcome';
import {
  answerActivity,
  capabilitiesText,
  HELPED_NO,
  HELPED_YES,
  helpedQuestion,
  markdown,
  MISS_REPLY,
  SOMETHING_ELSE,
  TALK_TO_HELPDESK,
  TOPIC_BUTTONS,
} from './prompts/replies';
import { ChoicePrompt } from 'botbuilder-dialogs';
import { afterObjection, hear, isContactQuestion, isRebuttal, isFrustration, isPersonRequest, readDetail, reportsFailure, isReplyTimeQuestion, isDoesntWork, isObjection, correctedQuestion, isThanks, readCommand, readFacts, readFollowUp, readYesNo, type Detail, type FollowUp, type Heard, type PromptInfo, type PromptKind } from './prompts/recognizer';
import { answerSteps, passageFor } from './prompts/continuation';
import { PORTAL_URL } from './flows/accountMail';
import { FLOW_FACTS, withHelpdeskEmail } from '../knowledge/flowFacts';
import { factsForCase, latestEmail, remember, useFacts, wasShown, type KnownFacts } from './memory/conversationFacts';
import { YesNoPrompt } from './prompts/yesNoPrompt';
import { IT_WORKED } from './flows/flowHelpers';
import { ACCOUNT_CHECK_CONFIRM_PROMPT, ACCOUNT_DOB_PROMPT, ACCOUNT_EMAIL_PROMPT } from './flows/accountStatusDialog';
import { RESET_CONFIRM_PROMPT, RESET_EMAIL_PROMPT } from './flows/passwordResetDialog';
import { giveDetails } from './flows/accountMailLimits';
import { conversionFor, kindLabel, PORTAL_ALLOWED_TYPES_MESSAGE } from './flows/uploadRules';
import { UPLOAD_FILE_PROMPT } from './flows/uploadDiagnosisDialog';
import { HANDOFF_CONSENT_PROMPT, HANDOFF_DESCRIPTION_PROMPT, HANDOFF_EMAIL_PROMPT } from './cases/handoffDialog';
import { OFFER_HELPDESK_PROMPT } from './cases/offerHelpDeskDialog';
import { AccountStatusDialog, ACCOUNT_STATUS_DIALOG } from './flows/accountStatusDialog';
import { PasswordResetDialog, PASSWORD_RESET_DIALOG } from './flows/passwordResetDialog';
import { uploadDiagnosisDialog, UPLOAD_DIAGNOSIS_DIALOG } from './flows/uploadDiagnosisDialog';
import { StiTestingDialog, STI_TESTING_DIALOG } from './flows/stiTestingDialog';
import { AllergyAppointmentDialog, ALLERGY_APPOINTMENT_DIALOG } from './flows/allergyAppointmentDialog';
import { PersonalInfoDialog, PERSONAL_INFO_DIALOG } from './flows/personalInfoDialog';
import { immunizationEntryDialog, IMMUNIZATION_ENTRY_DIALOG } from './flows/immunizationEntryDialog';
import { CovidVaccineDialog, COVID_VACCINE_DIALOG } from './flows/covidVaccineDialog';
import { HandoffDialog, HANDOFF_DIALOG, type HandoffOptions } from './cases/handoffDialog';
import { CASE_RATING_QUESTION, caseRatingActions, parseCaseFeedback, parseCaseRating } from './cases/caseFeedback';
import { dialogsWithDependencies } from './flows/flowHelpers';
import { markTurnOutcome } from './turnOutcome';

/** The id of the root dialog. */
export const MAIN_DIALOG = 'mainDialog';

/**
 * The turn-state key under which botbuilder-dialogs looks for a ready `DialogStateManager`
 * configuration before building one (botbuilder-dialogs `memory/dialogStateManager.js`; the
 * constant is not exported). Building it assembles a service collection and nine memory scopes,
 * on every turn; `DialogManager` reuses one across turns (`stateConfiguration`), and so do we.
 */
export const STATE_MANAGER_CONFIGURATION = 'DialogStateManagerConfiguration';
const ROUTER = 'mainDialog.router';

/**
 * The layout of the saved dialog stack. 2: the flows sit in the root dialog set (`FlowDialog`);
 * layout 1 nested each in a ComponentDialog, whose saved state the flat flows cannot continue.
 * A stack saved in another layout (a conversation mid-flow when a new version is deployed) is
 * dropped, so that message is answered afresh instead of being lost in a stale stack.
 */
export const DIALOG_STACK_LAYOUT = 2;

/** The dialog state as saved: botbuilder's stack, and the layout it was saved in. */
interface SavedDialogState extends DialogState {
  layout?: number;
}

/** Intents that a troubleshooting dialog handles rather than a plain answer. */
export const DIALOG_FOR_INTENT: Readonly<Record<string, string>> = {
  'register-not-active': ACCOUNT_STATUS_DIALOG,
  'username-taken': ACCOUNT_STATUS_DIALOG,
  'no-password-email': PASSWORD_RESET_DIALOG,
  'password-reset-problem': PASSWORD_RESET_DIALOG,
  'login-spinning': PASSWORD_RESET_DIALOG,
  'upload-problem': UPLOAD_DIAGNOSIS_DIALOG,
  'sti-testing': STI_TESTING_DIALOG,
  'allergy-appointment': ALLERGY_APPOINTMENT_DIALOG,
  'personal-info-update': PERSONAL_INFO_DIALOG,
  'immunization-entry': IMMUNIZATION_ENTRY_DIALOG,
  'covid-vaccine-record': COVID_VACCINE_DIALOG,
};

/** Options a troubleshooting dialog is started with. */
export interface TroubleshootingOptions {
  intent: string | null;
  text: string;
  attachments?: Attachment[];
}

/** The kinds of the free-text prompts, by prompt id (button prompts are known by their class). */
const TEXT_PROMPT_KINDS: Readonly<Record<string, PromptKind>> = {
  [ACCOUNT_EMAIL_PROMPT]: 'email',
  [RESET_EMAIL_PROMPT]: 'email',
  [ACCOUNT_DOB_PROMPT]: 'dob',
  [UPLOAD_FILE_PROMPT]: 'file',
  [HANDOFF_DESCRIPTION_PROMPT]: 'description',
  [HANDOFF_EMAIL_PROMPT]: 'reply-email',
};

/** Which email the handoff means: the one its answer goes to (they reply by email), asked now or after the description. */
const REPLY_EMAIL_EXPLAINED = {
  now: 'The one where you want their answer: the help desk replies by email, so use an address you check (your UMass email is fine).',
  later: "I'll ask for an email address after this: the help desk replies by email, so it's where they will answer you. Use an address you check (your UMass email is fine).",
} as const;

/** Buttons after an emergency reply that interrupted a flow. */
export const CARRY_ON = 'Carry on';
/** See {@link CARRY_ON}. */
export const STOP_HERE = 'Stop here';
/** The button that shows an answer again in full. */
export const SHOW_AGAIN = 'Show it again';
/** The short goodbye to "thanks", "thx", "ok got it": no menu, no new flow. */
export const GOODBYE = "You're welcome! Good luck with the portal, and come back any time.";
/** What follows the 911/988 reply: the person first, then the offer to go on. */
export const EMERGENCY_ACK =
  "I'm really sorry you're going through this. You don't have to handle it alone: please reach out to 988 or 911 now.";
/** After the 911/988 reply, a message that decides nothing ("idk", "whatever"): no flow resumes. */
export const STILL_HERE =
  "That's OK, there's no rush, and you don't have to decide anything right now. If you're struggling, please call or text 988 (press 2 for Spanish), or call 911 if you're in danger. Whenever you're ready, we can carry on where we left off, or stop here.";

/**
 * A message that decides nothing: "idk", "i dont know", "whatever", "meh", "...", "i guess".
 * After an emergency reply it must not be taken as the interrupted question's answer.
 */
function isNoDecision(text: string): boolean {
  const t = text.toLowerCase().replace(/[’]/g, "'").replace(/[^a-z' ]/g, ' ').replace(/\s+/g, ' ').trim();
  return t === '' || readYesNo(t) === 'unsure' || /^(whatever|meh|i guess|idc|i don'?t care|dont care|doesn'?t matter|it doesn'?t matter|nothing|hm+|um+|uh+|ok i guess|i dunno|dunno|no clue|not sure|i'?m not sure|who cares|sure whatever|fine whatever|why|so)$/.test(t);
}

/** How close a how-to's if-not-working entry must score to be taken for a message reporting a failure. */
const FAILURE_RUNNER_UP_RATIO = 0.8;

/** Where a detail of an answer is said: the sentences of the answer that say how long, or what it costs. */
const DETAIL_SENTENCE: Readonly<Record<Detail, RegExp>> = {
  time: /\b\d+\s+(business\s+)?(days?|hours?|minutes?|weeks?)\b|\*\*\d+\s+(business\s+)?(days?|hours?|minutes?|weeks?)\*\*/i,
  cost: /\b(cost|costs|fee|fees|free|charged?)\b/i,
};

/** A sentence of an answer that gives a reason: what must be, what is due to something, or why. */
const REASON_SENTENCE = /\b(must|due to|because|in order to|so that|for (your )?(privacy|security))\b/i;

/** A how-to about the thing at hand by pronoun ("how do i change it", "how can i convert that"). */
const REFERS_TO_FILE = /\b(change|convert|fix|make|save|turn|export|switch)\s+(it|that|this|the (photo|picture|pic|file|image|format))\b/;

/** The lowest matcher score of an entry offered for a bare topic word. */
const BARE_TOPIC_MIN_SCORE = 0.45;
/** Entries never offered as a topic's choice. */
const NOT_OFFERED = new Set(['smalltalk', 'emergency', 'human-handoff']);

/** A word or two naming a topic ("password", "my upload"), not a question or a statement. */
function isBareTopic(text: string): boolean {
  const words = text.toLowerCase().replace(/[^a-z' ]/g, ' ').trim().split(/\s+/).filter((w) => w && !['my', 'the', 'a', 'an', 'portal'].includes(w));
  return !/[?]/.test(text) && words.length === 1 && words[0].length > 2 && readYesNo(text) === undefined && !isThanks(text) && readCommand(text) === null;
}

/** Frustration acknowledged, and the help desk offered (never "not understood"). */
export function frustrationReply(helpdeskEmail: string): string {
  return `I'm sorry this has been frustrating. I can pass your question to the UHS help desk, where a person will read it, or you can email ${helpdeskEmail} yourself.`;
}

/** Two misses in a row: the help desk is offered, not started. */
export const SECOND_MISS_REPLY =
  "Sorry, I still don't understand. I can pass your question to the UHS help desk, where a person can read it, or you can choose a topic.";

/** What the router waterfall keeps between its steps. */
interface RouterValues {
  intent?: string;
  handoff?: boolean;
}

function values(step: WaterfallStepContext): RouterValues {
  return step.values;
}

/**
 * What routing a message decided, once its replies (if any) are sent: nothing more to do, or a
 * dialog to start. A value, so a turn that needs no dialog runs no dialog machinery at all.
 */
type Route =
  | { kind: 'done' }
  | { kind: 'troubleshoot'; dialogId: string; intent: string; options: TroubleshootingOptions }
  | { kind: 'handoff'; options: HandoffOptions };

const DONE: Route = { kind: 'done' };

/** Records what a route starts on the turn's outcome (a `done` route marked its own). */
function markRoute(context: TurnContext, route: Route): void {
  if (route.kind === 'troubleshoot') markTurnOutcome(context, 'dialog');
  else if (route.kind === 'handoff') markTurnOutcome(context, 'handoff');
}

/** Options of the router waterfall: the route already decided before it started. */
interface RouterOptions {
  route?: Route;
}

/** Attachments a user sent as files (not cards the channel added). */
export function userFiles(attachments: Attachment[] | undefined): Attachment[] {
  return (attachments ?? []).filter((a) => !!a.contentUrl && !a.contentType?.startsWith('application/vnd.microsoft.card.'));
}

/**
 * The root dialog. Each user message starts it afresh (unless a troubleshooting dialog is
 * waiting for an answer): it matches the message against the knowledge base and answers,
 * asks "Did you mean …?", starts a troubleshooting dialog, or hands off to the help desk.
 * "cancel", "start over" and "help" interrupt whatever is running.
 */
export class MainDialog {
  /** The id of the root dialog stack's first dialog. */
  readonly id = MAIN_DIALOG;
  /** The handoff dialog, whose pending-escalation queue the composition root closes on shutdown. */
  readonly handoff: HandoffDialog;
  private readonly mailSenders: Array<{ whenIdle(): Promise<void> }>;
  private readonly dialogs: Dialog[];
  /** One dialog set per state accessor, built once (not per turn). */
  private readonly sets = new WeakMap<StatePropertyAccessor, DialogSet>();
  /** The memory-scope configuration of the first turn, reused by every later one. */
  private stateConfiguration: DialogStateManagerConfiguration | null = null;

  constructor(
    private readonly services: DialogServices,
    private readonly memoryAccessor: StatePropertyAccessor<ConversationMemory>,
  ) {
    const accountStatus = new AccountStatusDialog(services);
    const passwordReset = new PasswordResetDialog(services);
    this.mailSenders = [accountStatus, passwordReset];
    this.handoff = new HandoffDialog(services);
    // The router and the topic flows (with their prompts and sub-dialogs, see FlowDialog) sit
    // directly in the root dialog set rather than inside ComponentDialogs: each nesting level
    // costs every turn inside it DialogContexts of its own, which the load bench showed as
    // botbuilder's largest cost.
    const dialogs: Dialog[] = [
      new WaterfallDialog(ROUTER, [this.routeStep.bind(this), this.afterChildStep.bind(this), this.afterHandoffStep.bind(this)]),
      accountStatus,
      passwordReset,
      uploadDiagnosisDialog(services),
      new StiTestingDialog(services),
      new AllergyAppointmentDialog(services),
      new PersonalInfoDialog(services),
      immunizationEntryDialog(services),
      new CovidVaccineDialog(services),
      this.handoff,
    ];
    // Fails at start-up, naming the id, if two different dialogs share one (a DialogSet would
    // rename one of them and outcomes would carry the wrong id).
    this.dialogs = [...dialogsWithDependencies(dialogs).values()];
  }

  /** Resolves when the account emails sent in the background have gone out (for shutdown and tests). */
  async whenIdle(): Promise<void> {
    await Promise.all(this.mailSenders.map((sender) => sender.whenIdle()));
  }

  /** Shutdown: stops retrying the escalations parked while Redis was down (what is left is logged). */
  close(): void {
    this.handoff.pending.close();
  }

  private dialogSet(dialogState: StatePropertyAccessor): DialogSet {
    let set = this.sets.get(dialogState);
    if (!set) {
      set = new DialogSet(dialogState);
      for (const dialog of this.dialogs) set.add(dialog);
      this.sets.set(dialogState, set);
    }
    return set;
  }

  /**
   * Runs one turn: "cancel", "start over" and "help" first when a dialog is waiting, then
   * continues the active dialog or starts the router. The caller saves conversation state.
   */
  async run(context: TurnContext, dialogState: StatePropertyAccessor): Promise<void> {
    const saved = (await dialogState.get(context, { dialogStack: [] })) as SavedDialogState;
    if (saved.layout !== DIALOG_STACK_LAYOUT) {
      if (saved.dialogStack?.length) this.services.log.info({ event: 'dialog-stack-dropped', layout: saved.layout ?? 1 });
      saved.dialogStack = [];
      saved.layout = DIALOG_STACK_LAYOUT;
    }
    const memory = await this.memory(context);
    const facts = (memory.facts ??= {});
    useFacts(context, facts);
    const text = context.activity.text ?? '';
    // Facts said in passing ("I'm a grad student") are kept so that no flow asks them again.
    if (text.length >= 6) Object.assign(facts, readFacts(text, memory.lastIntent === 'allergy-appointment'));
    let route: Route | undefined;
    if (saved.dialogStack.length) markTurnOutcome(context, 'dialog');
    else {
      // No dialog waits for an answer (most turns: a question answered from the FAQ): route
      // first, and build the dialog context only if the route starts a dialog. Each dialog
      // context builds a DialogStateManager, and the router's waterfall two more contexts.
      route = await this.route(context);
      markRoute(context, route);
      if (route.kind === 'done') return;
    }
    if (this.stateConfiguration) context.turnState.set(STATE_MANAGER_CONFIGURATION, this.stateConfiguration);
    const dc = await this.dialogSet(dialogState).createContext(context);
    this.stateConfiguration ??= dc.state.configuration;
    if (route) {
      await dc.beginDialog(ROUTER, { route } satisfies RouterOptions);
      return;
    }
    if (dc.activeDialog && (await this.listen(dc, memory))) return;
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(ROUTER);
  }

  /**
   * Listens to a message typed while a dialog waits for an answer, through the one recogniser
   * (`recognizer.ts`), in its order: a request for a person, cancel / start over / help, an
   * objection to the step, thanks, another confident question; otherwise the prompt gets it,
   * rewritten to the button it stands for when it is a loose form ("yep" → "Yes").
   * Emergencies are answered before this (see {@link answerEmergency}). `true` when the turn is done.
   */
  private async listen(dc: DialogContext, memory: ConversationMemory): Promise<boolean> {
    const context = dc.context;
    const text = (context.activity.text ?? '').trim();
    const prompt = this.promptInfo(dc);
    if (memory.paused) {
      memory.paused = false;
      if (await this.afterPause(dc, text)) return true;
      if (isNoDecision(text)) {
        // "idk", "whatever" after the 911/988 reply is no answer to the flow's question: the
        // person is acknowledged again and decides; the flow is never resumed silently.
        memory.paused = true;
        await context.sendActivity(markdown(STILL_HERE, [CARRY_ON, STOP_HERE]));
        return true;
      }
    }
    if (!prompt) return false;
    if (prompt.kind !== 'file' && userFiles(context.activity.attachments).length) {
      // A file sent at any question: check it (every prompt accepts an attached file).
      await dc.cancelAllDialogs();
      await dc.beginDialog(ROUTER, { route: this.troubleshootRoute(memory, 'upload-problem', text, userFiles(context.activity.attachments)) } satisfies RouterOptions);
      return true;
    }
    const pending = memory.resume ? this.services.knowledge.get(memory.resume) : undefined;
    if (pending && !prompt.inHandoff) prompt.pending = { intent: pending.id, label: pending.label };
    let heard = hear(text, prompt, this.listening);
    // "how do i change it on my phone" after a file was found in a type the portal refuses: "it"
    // is that file, so the conversion is the answer, not another topic that shares a word.
    const file = memory.facts?.file;
    const ext = file && !file.ok ? /\.([a-z0-9]+)$/i.exec(file.name)?.[1] : undefined;
    if (ext && heard.kind === 'question' && prompt.ownIntents?.has('upload-problem') && REFERS_TO_FILE.test(text.toLowerCase())) heard = { kind: 'aside', fileKind: ext };
    switch (heard.kind) {
      case 'emergency':
        await this.answerEmergencyInFlow(context, memory);
        return true;
      case 'person': {
        const intent = this.topicOf(dc, memory);
        // The flow that was running and the question it asked go to the help desk too.
        const flow = dc.stack.map((entry) => entry.id).find((id) => Object.values(DIALOG_FOR_INTENT).includes(id));
        const diagnostics = { askedAt: dc.activeDialog?.id };
        await dc.cancelAllDialogs();
        await dc.beginDialog(ROUTER, { route: this.handoffRoute(memory, { trigger: 'user-asked', intent, diagnostics, ...(flow ? { failedDialog: flow } : {}) }) } satisfies RouterOptions);
        return true;
      }
      case 'command':
        return this.command(dc, memory, heard.command);
      case 'objection':
        return this.objection(dc, memory, text, !!prompt.inHandoff);
      case 'thanks':
        memory.awaitingFeedback = null;
        await dc.cancelAllDialogs();
        await this.goodbye(context, memory);
        return true;
      case 'question':
        if (heard.intent === memory.resume) memory.resume = null;
        return this.question(dc, memory, heard.intent, text, prompt);
      case 'aside':
        return this.aside(dc, memory, heard, text, prompt);
      case 'answer':
        if (heard.value) context.activity.text = heard.value;
        if (heard.details) giveDetails(context, heard.details);
        return false;
    }
  }

  /** The recogniser's view of the knowledge base: the bot has checked emergencies already this turn. */
  private readonly listening = {
    isEmergency: (): boolean => false,
    match: (text: string) => this.services.knowledge.match(text),
  };

  /** What the waiting prompt is, or `null` when the active dialog is not a prompt. */
  private promptInfo(dc: DialogContext): PromptInfo | null {
    const active = dc.activeDialog;
    if (!active) return null;
    const dialog = dc.findDialog(active.id);
    const ids = new Set(dc.stack.map((entry) => entry.id));
    const ownIntents = new Set<string>();
    for (const [intent, dialogId] of Object.entries(DIALOG_FOR_INTENT)) if (ids.has(dialogId)) ownIntents.add(intent);
    const inHandoff = ids.has(HANDOFF_DIALOG);
    if (inHandoff) ownIntents.add('human-handoff');
    const question = (active.state as { options?: { prompt?: Partial<Activity> } }).options?.prompt?.text;
    if (dialog instanceof YesNoPrompt) {
      const takesDetails = active.id === ACCOUNT_CHECK_CONFIRM_PROMPT || active.id === RESET_CONFIRM_PROMPT;
      return { kind: 'yes-no', choices: ['Yes', 'No'], ownIntents, inHandoff, offersHelpDesk: active.id === OFFER_HELPDESK_PROMPT || active.id === HANDOFF_CONSENT_PROMPT, question, takesDetails };
    }
    if (dialog instanceof ChoicePrompt) {
      const options = (active.state as { options?: { choices?: Array<string | { value: string }> } }).options;
      const choices = (options?.choices ?? []).map((c) => (typeof c === 'string' ? c : c.value));
      return { kind: choices.includes(IT_WORKED) ? 'worked' : 'choice', choices, ownIntents, inHandoff, question };
    }
    const kind = TEXT_PROMPT_KINDS[active.id];
    if (!kind) return null;
    // A free-text question's buttons ("I don't know the name", a known address) are its answers too.
    const prompt = (active.state as { options?: { prompt?: Partial<Activity> } }).options?.prompt;
    const choices = (prompt?.suggestedActions?.actions ?? []).map((a) => String(a.title)).filter((t) => t !== TALK_TO_HELPDESK && t !== 'Cancel');
    return { kind, choices, ownIntents, inHandoff };
  }

  /** The topic of the running flow (its intent), for a handoff started from inside it. */
  private topicOf(dc: DialogContext, memory: ConversationMemory): string | null {
    for (const entry of dc.stack) {
      const intent = Object.keys(DIALOG_FOR_INTENT).find((i) => DIALOG_FOR_INTENT[i] === entry.id && i === memory.lastIntent);
      if (intent) return intent;
    }
    return memory.lastIntent && memory.lastIntent !== 'human-handoff' ? memory.lastIntent : null;
  }

  /** "cancel", "start over", "help" while a dialog waits. */
  private async command(dc: DialogContext, memory: ConversationMemory, kind: 'cancel' | 'restart' | 'help'): Promise<boolean> {
    if (kind === 'help') {
      await dc.context.sendActivity(markdown(capabilitiesText(this.services.settings.helpdeskEmail)));
      await dc.repromptDialog();
      return true;
    }
    memory.awaitingFeedback = null;
    memory.pendingChoices = {};
    memory.resume = null;
    if (kind === 'restart') {
      memory.misses = 0;
      memory.lastIntent = null;
      await dc.context.sendActivity(markdown("Let's start over. What can I help you with?", TOPIC_BUTTONS));
    } else {
      await dc.context.sendActivity(markdown("OK, I've stopped that. What else can I help you with?", TOPIC_BUTTONS));
    }
    await dc.cancelAllDialogs();
    return true;
  }

  /**
   * "I don't need the help desk", "that's not what I asked": the step ends (a handoff never
   * becomes a case), and what else the message asks for is dealt with.
   */
  private async objection(dc: DialogContext, memory: ConversationMemory, text: string, inHandoff: boolean): Promise<boolean> {
    await dc.cancelAllDialogs();
    memory.awaitingFeedback = null;
    memory.pendingChoices = {};
    const reply = inHandoff ? "OK, I won't pass anything to the help desk." : "OK, let's leave that.";
    const rest = afterObjection(text);
    const match = this.services.knowledge.match(rest || text);
    if (match.kind === 'match' && match.intent !== 'human-handoff' && match.intent !== 'smalltalk' && match.intent !== 'emergency') {
      await dc.context.sendActivity(markdown(reply));
      const route = await this.routeIntent(dc.context, memory, match.intent, text);
      if (route.kind !== 'done') await dc.beginDialog(ROUTER, { route } satisfies RouterOptions);
      return true;
    }
    await dc.context.sendActivity(markdown(`${reply} What can I help you with?`, TOPIC_BUTTONS));
    return true;
  }

  /**
   * Another question typed at a prompt: a troubleshooting topic replaces the flow (and is
   * offered back when the new one ends); an FAQ question is answered, then the prompt is asked again.
   */
  private async question(dc: DialogContext, memory: ConversationMemory, intent: string, text: string, prompt: PromptInfo): Promise<boolean> {
    const context = dc.context;
    if (intent === 'human-handoff') {
      // "is there a phone number?", "how do I reach the help desk?": the contacts, and carry on.
      await this.sendAnswer(context, intent);
      await context.sendActivity(markdown(prompt.inHandoff ? "If you'd like me to pass it on, here is my question again:" : 'Or choose **Talk to the help desk** and I will pass it on. Back to my question:'));
      await dc.repromptDialog();
      return true;
    }
    if (DIALOG_FOR_INTENT[intent]) {
      const previous = prompt.inHandoff ? null : memory.lastIntent;
      await dc.cancelAllDialogs();
      memory.awaitingFeedback = null;
      memory.resume = previous && previous !== intent ? previous : null;
      const label = this.services.knowledge.get(intent)?.label;
      await context.sendActivity(markdown(label ? `OK, let's look at that: **${label}**.` : "OK, let's look at that."));
      await dc.beginDialog(ROUTER, { route: this.troubleshootRoute(memory, intent, text, []) } satisfies RouterOptions);
      return true;
    }
    await this.answerOnce(context, memory, intent, false);
    await context.sendActivity(markdown('Now, back to where we were:'));
    await dc.repromptDialog();
    return true;
  }

  /**
   * A question about the step at hand, typed at its prompt ("where is the forgot password link",
   * "can i just fax it somewhere", "what file types does it take"): the passage of the FAQ
   * answer it is about, then the same question again. It is not a failed answer, so it never
   * uses up the prompt's re-asks. A question on another troubleshooting topic changes topic.
   */
  private async aside(dc: DialogContext, memory: ConversationMemory, heard: Extract<Heard, { kind: 'aside' }>, text: string, prompt: PromptInfo): Promise<boolean> {
    const context = dc.context;
    const { knowledge } = this.services;
    if (heard.intent && DIALOG_FOR_INTENT[heard.intent] && !prompt.ownIntents?.has(heard.intent)) return this.question(dc, memory, heard.intent, text, prompt);
    let reply: string | null = null;
    if (heard.about === 'which-email') {
      const entry = knowledge.get('username-taken');
      reply = entry ? passageFor(entry.answer, 'email address match database UMass student employee') : null;
    } else if (heard.about === 'next-step') {
      reply = `The next step is the one I'm offering below. ${withHelpdeskEmail(FLOW_FACTS.continueIssues, this.services.settings.helpdeskEmail)}.`;
    } else if (heard.about === 'reply-email') {
      reply = REPLY_EMAIL_EXPLAINED[prompt.kind === 'reply-email' ? 'now' : 'later'];
    } else if (heard.fileKind) {
      const conversion = conversionFor(heard.fileKind);
      reply = conversion
        ? `The portal can't take ${kindLabel(heard.fileKind)}: ${PORTAL_ALLOWED_TYPES_MESSAGE} ${conversion.how}`
        : `The portal takes ${kindLabel(heard.fileKind)}: ${PORTAL_ALLOWED_TYPES_MESSAGE}`;
    } else {
      // The entry the question matched, else the running flows' topics and the topic at hand.
      const intents = [heard.intent, memory.lastIntent, ...(prompt.ownIntents ?? [])].filter((i): i is string => !!i && i !== 'smalltalk' && i !== 'emergency');
      // "how long till it updates": the sentence that says how long, not the paragraph around it.
      const detail = readDetail(text);
      for (const intent of detail ? new Set(intents) : []) {
        const entry = knowledge.get(intent);
        const said = entry && detail ? this.detailSentences(intent, detail) : null;
        if (entry && said) {
          reply = `From **${entry.question}**\n\n${said}`;
          break;
        }
      }
      // "then what" after a list of steps: what the answer says after them, or that the last step was the last.
      const flowEntry = !reply && readFollowUp(text) === 'next' ? knowledge.get([...(prompt.ownIntents ?? [])][0] ?? '') : undefined;
      const parts = flowEntry ? answerSteps(flowEntry.answer) : null;
      if (flowEntry && parts?.steps.length) {
        reply = parts.after
          ? `After those steps:\n\n${parts.after}`
          : `That was the last step of **${flowEntry.label}**:\n\n${parts.steps.length}. ${parts.steps[parts.steps.length - 1]}`;
      }
      for (const intent of reply ? [] : new Set(intents)) {
        const entry = knowledge.get(intent);
        const passage = entry ? passageFor(entry.answer, heard.about === 'number' ? 'call phone number to schedule' : text) : null;
        if (entry && passage) {
          reply = `From **${entry.question}**\n\n${passage}`;
          break;
        }
      }
    }
    await context.sendActivity(markdown(reply ? `${reply}\n\nBack to my question:` : 'Here is my question again:'));
    await dc.repromptDialog();
    return true;
  }

  /** The message after an emergency reply mid-flow: carry on (the question is asked again), stop, or something else. */
  private async afterPause(dc: DialogContext, text: string): Promise<boolean> {
    const reading = readYesNo(text);
    const lower = text.toLowerCase().replace(/[.!]+$/, '');
    if (lower === CARRY_ON.toLowerCase() || (reading === 'yes' && text.split(/\s+/).length <= 3) || /^(continue|carry on|go on|keep going|resume|let'?s continue)\b/.test(lower)) {
      await dc.context.sendActivity(markdown("OK, let's carry on. Here is where we were:"));
      await dc.repromptDialog();
      return true;
    }
    if (lower === STOP_HERE.toLowerCase() || reading === 'no' || readCommand(text) === 'cancel' || /^(stop|let'?s stop|end|quit|done|no more)\b/.test(lower)) {
      await dc.cancelAllDialogs();
      await dc.context.sendActivity(markdown("OK, I've stopped there. Please take care of yourself: 988 is there to call or text any time, day or night. If you need the portal later, just ask."));
      return true;
    }
    return false;
  }

  /**
   * The reply to an emergency, whatever is running: 911 and 988 first, then the person
   * acknowledged, then (if a flow was interrupted) the offer to carry on or stop. A flow is
   * never resumed silently: the next message decides. The bot calls this before anything else.
   */
  async answerEmergency(context: TurnContext, dialogState: StatePropertyAccessor): Promise<void> {
    const saved = (await dialogState.get(context, { dialogStack: [] })) as SavedDialogState;
    const memory = await this.memory(context);
    if (saved.layout === DIALOG_STACK_LAYOUT && saved.dialogStack?.length) {
      await this.answerEmergencyInFlow(context, memory);
      return;
    }
    await this.sendAnswer(context, 'emergency', false);
    await context.sendActivity(markdown(`${EMERGENCY_ACK} When you're ready, I'm still here if you need help with the portal.`));
  }

  private async answerEmergencyInFlow(context: TurnContext, memory: ConversationMemory): Promise<void> {
    await this.sendAnswer(context, 'emergency', false);
    memory.paused = true;
    await context.sendActivity(markdown(`${EMERGENCY_ACK} When you're ready, we can carry on where we left off, or stop here.`, [CARRY_ON, STOP_HERE]));
  }

  private memory(context: TurnContext): Promise<ConversationMemory> {
    return this.memoryAccessor.get(context, emptyMemory());
  }

  /** First step: start the dialog the route chose (deciding the route first if `run` did not). */
  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as RouterOptions | undefined;
    const route = options?.route ?? (await this.route(step.context));
    markRoute(step.context, route);
    // Used once: not kept in the saved stack for the rest of the topic (the started dialog has
    // its own copy of what it needs, a handoff's transcript included).
    if (options) delete options.route;
    switch (route.kind) {
      case 'done':
        return step.endDialog();
      case 'troubleshoot':
        values(step).intent = route.intent;
        return step.beginDialog(route.dialogId, route.options);
      case 'handoff':
        values(step).handoff = true;
        return step.beginDialog(HANDOFF_DIALOG, route.options);
    }
  }

  /** Decides what this message is and answers it; the {@link Route} says whether a dialog follows. */
  private async route(context: TurnContext): Promise<Route> {
    const memory = await this.memory(context);
    const text = (context.activity.text ?? '').trim();
    const files = userFiles(context.activity.attachments);

    const interruption = readCommand(text);
    if (interruption === 'help') {
      await context.sendActivity(markdown(capabilitiesText(this.services.settings.helpdeskEmail), TOPIC_BUTTONS));
      return DONE;
    }
    if (interruption) {
      memory.awaitingFeedback = null;
      memory.resume = null;
      await context.sendActivity(markdown('Nothing is in progress. What can I help you with?', TOPIC_BUTTONS));
      return DONE;
    }
    if (memory.paused) memory.paused = false;

    const rating = parseCaseRating(context.activity);
    if (rating) {
      const caseId = rating.caseId ?? memory.openCaseId;
      const conversationId = context.activity.conversation?.id ?? '';
      const recorded = await this.services.caseService.rating({ ...rating, caseId: caseId ?? null }, conversationId);
      if (recorded) this.services.insights.record({ kind: 'rating', conversationId, caseId: recorded.id, rating: rating.rating });
      await context.sendActivity(markdown('Thank you for your rating. Is there anything else I can help you with?', TOPIC_BUTTONS));
      return DONE;
    }

    const caseFeedback = parseCaseFeedback(context.activity);
    if (caseFeedback) {
      const caseId = caseFeedback.caseId ?? memory.openCaseId;
      const conversationId = context.activity.conversation?.id ?? '';
      const recorded = await this.services.caseService.feedback({ ...caseFeedback, caseId: caseId ?? null }, conversationId);
      if (recorded && caseFeedback.solved) memory.openCaseId = null;
      const reply = caseFeedback.solved
        ? "Thank you for letting us know. I'm glad it's solved! Is there anything else I can help you with?"
        : `Thank you for telling us. I've let the help desk know it isn't solved yet${recorded ? ` (case ${recorded.id})` : ''}. You can add details here, or email ${this.services.settings.helpdeskEmail}.`;
      await context.sendActivity(markdown(reply, caseFeedback.solved ? TOPIC_BUTTONS : [TALK_TO_HELPDESK, SOMETHING_ELSE]));
      // Once the case is settled, one more click: how the help desk did (the insights' CSAT).
      if (recorded && caseFeedback.solved) await context.sendActivity({ ...markdown(CASE_RATING_QUESTION), suggestedActions: { to: [], actions: caseRatingActions(recorded.id) } });
      return DONE;
    }

    if (files.length) {
      memory.misses = 0;
      memory.awaitingFeedback = null;
      this.recordAnswer(context, 'upload-problem', 1);
      return this.troubleshootRoute(memory, 'upload-problem', text, files);
    }
    if (!text) {
      await context.sendActivity(markdown('Please type your question, or choose a topic.', TOPIC_BUTTONS));
      return DONE;
    }

    const chosen = memory.pendingChoices[text];
    memory.pendingChoices = {};
    if (chosen) {
      memory.awaitingFeedback = null;
      if (chosen === memory.resume) memory.resume = null;
      return this.routeIntent(context, memory, chosen, text, text === SHOW_AGAIN);
    }
    if (isThanks(text)) {
      // "thanks", "thx", "ok got it": a short goodbye, not the menu and not a new flow.
      memory.awaitingFeedback = null;
      await this.goodbye(context, memory);
      return DONE;
    }
    if (text === SOMETHING_ELSE) {
      await context.sendActivity(markdown('No problem. Please tell me a little more about what you need, in your own words.', TOPIC_BUTTONS));
      return DONE;
    }

    if (isPersonRequest(text)) {
      // "i want to open a case with the help desk", "i want a real human": the handoff, read by
      // the one recogniser as at every prompt, whether or not the matcher knows the words.
      return this.routeIntent(context, memory, 'human-handoff', text);
    }
    if (isFrustration(text)) {
      // "this is useless", "ok whatever": acknowledged, with the help desk offered, unless the
      // message also names a topic ("ugh my upload still fails" is answered as a question).
      const topic = this.services.knowledge.match(text);
      if (topic.kind !== 'match' || NOT_OFFERED.has(topic.intent)) {
        const pending = memory.awaitingFeedback;
        if (pending) this.services.insights.record({ kind: 'helped', conversationId: context.activity.conversation?.id ?? '', intent: pending.intent, dialog: pending.dialog, helped: false });
        memory.awaitingFeedback = null;
        memory.misses = 0;
        await context.sendActivity(markdown(frustrationReply(this.services.settings.helpdeskEmail), [TALK_TO_HELPDESK, SOMETHING_ELSE]));
        return DONE;
      }
    }

    if (memory.awaitingFeedback) {
      const pending = memory.awaitingFeedback;
      const feedback = this.feedback(text);
      memory.awaitingFeedback = null;
      if (feedback === 'yes' || feedback === 'no') {
        this.services.insights.record({ kind: 'helped', conversationId: context.activity.conversation?.id ?? '', intent: pending.intent, dialog: pending.dialog, helped: feedback === 'yes' });
      }
      if (feedback === 'objection') {
        await context.sendActivity(markdown("OK, no problem. If you need anything else, just ask."));
        return DONE;
      }
      if (feedback === 'yes') {
        await context.sendActivity(markdown("I'm glad that helped! Is there anything else I can help you with?", TOPIC_BUTTONS));
        return DONE;
      }
      if (feedback === 'no') {
        if (pending.dialog) {
          return this.handoffRoute(memory, { trigger: 'didnt-help', intent: pending.intent, failedDialog: pending.dialog });
        }
        // "that didnt work": the entry's own next thing to try, where the FAQ has one; a click
        // on "That didn't help" may mean the answer missed the question, so it is offered instead.
        const instead = pending.intent ? this.services.knowledge.get(this.services.knowledge.get(pending.intent)?.ifNotWorking ?? '') : undefined;
        if (instead && pending.intent && readFollowUp(text) === 'failed') return this.continueTopic(context, memory, pending.intent, 'failed', text);
        if (instead) memory.pendingChoices = { [instead.label]: instead.id };
        await context.sendActivity(
          markdown(
            `I'm sorry that didn't help. The UHS portal help desk can look into it: I can pass your question on with a case number, or you can email ${this.services.settings.helpdeskEmail} yourself.`,
            [TALK_TO_HELPDESK, ...(instead ? [instead.label] : []), SOMETHING_ELSE],
          ),
        );
        return DONE;
      }
    }

    if (isReplyTimeQuestion(text)) {
      // "when will they answer?": what is known about the case, never a new case and never a
      // promised time (the knowledge base states none).
      await this.answerReplyTime(context, memory);
      return DONE;
    }
    if (isContactQuestion(text)) {
      // "is there a number I can call?": the contacts, not a handoff nobody asked for. Asked
      // again ("so nobody i can actually call?"), the plain answer first, not the same block.
      const facts: KnownFacts = (memory.facts ??= {});
      if (wasShown(facts, 'human-handoff')) {
        const helpdesk = this.services.settings.helpdeskEmail;
        // The contacts' own lines that give a phone number, quoted from the entry.
        const phones = (this.services.knowledge.get('human-handoff')?.answer ?? '').split('\n').filter((line) => /^\s*-.*\d{3}\)?[ -]\d{3}-\d{4}/.test(line));
        const others = phones.length ? `\n\nThe phone numbers the portal FAQ gives are for other offices:\n\n${phones.map((l) => l.trim()).join('\n')}` : '';
        await context.sendActivity(
          markdown(
            `The portal help desk is reached by email, at ${helpdesk}: the portal FAQ gives no phone number for it.${others}\n\nIf you'd rather not write the email yourself, I can pass your question to the help desk for you.`,
            [TALK_TO_HELPDESK, SOMETHING_ELSE],
          ),
        );
        return DONE;
      }
      await this.sendAnswer(context, 'human-handoff');
      remember(facts, 'shown', 'human-handoff');
      await context.sendActivity(markdown('I can also pass your question to the help desk for you.', [TALK_TO_HELPDESK, SOMETHING_ELSE]));
      return DONE;
    }
    let match = this.services.knowledge.match(text);
    // "nvm i meant my medical records not immunization": the corrected question, on its own.
    const corrected = match.kind === 'match' ? null : correctedQuestion(text);
    if (corrected) {
      const again = this.services.knowledge.match(corrected);
      if (again.kind === 'match') match = again;
    }
    // "so where do i find them then" after an out-of-scope answer: where that answer sends them.
    const outOfScope = memory.lastOutOfScope ? this.services.knowledge.outOfScope.get(memory.lastOutOfScope) : undefined;
    // "but i uploaded everything already" after the immunization-hold answer: still that topic
    // (the person says they did their part), so where to go again, not another topic's flow.
    if (outOfScope && (match.kind !== 'match' ? !!readFollowUp(text) : isRebuttal(text))) {
      await context.sendActivity(markdown(`Still on **${outOfScope.label}**:`));
      await context.sendActivity({ ...answerActivity(outOfScope), suggestedActions: markdown('', TOPIC_BUTTONS).suggestedActions });
      return DONE;
    }
    // "how long does that take", "does it cost anything": the last answer's own words on it,
    // which win over another topic's reading of a short question that refers back to it.
    const detail = memory.lastIntent && memory.lastIntent !== 'human-handoff' ? readDetail(text) : null;
    if (detail && memory.lastIntent && (match.kind !== 'match' || match.intent === memory.lastIntent)) {
      const said = this.detailOf(memory.lastIntent, detail);
      if (said) {
        await context.sendActivity(said);
        return DONE;
      }
    }
    // "it keeps giving an error" on a how-to: the how-to's own if-not-working entry, when the
    // matcher found it close behind ("uploading my vaccine card… error" is an upload problem).
    if (match.kind !== 'none' && reportsFailure(text)) {
      const instead = this.services.knowledge.get(match.intent)?.ifNotWorking;
      const runnerUp = instead ? match.ranked.find((r) => r.id === instead) : undefined;
      if (instead && runnerUp && runnerUp.score >= match.score * FAILURE_RUNNER_UP_RATIO) return this.routeIntent(context, memory, instead, text, false, runnerUp.score);
    }
    const followUp = memory.lastIntent && memory.lastIntent !== 'human-handoff' ? readFollowUp(text) : null;
    // "then what", "where is that", "what if that doesn't work?": the topic just discussed,
    // continued, unless the message plainly asks about another topic.
    // A flow's own topic asked again ("and after that can i book online?") goes back to the
    // flow, which reads what the message says.
    const sameFlow = match.kind === 'match' && match.intent === memory.lastIntent && !!DIALOG_FOR_INTENT[match.intent];
    // A longer follow-up continues the topic when its words come from the last answer ("what do
    // i do after i submit the form" after the medical records steps).
    const short = text.split(/\s+/).length <= 6 || (!!followUp && !!memory.lastIntent && this.aboutAnswer(memory.lastIntent, text));
    if (followUp && memory.lastIntent && !sameFlow && (followUp === 'failed' || match.kind !== 'match' || match.intent === memory.lastIntent || short)) {
      return this.continueTopic(context, memory, memory.lastIntent, followUp, text);
    }
    if (match.kind === 'match' && isBareTopic(text)) {
      // "password", "upload", "immunizations": a topic word, not a question. Several entries
      // share it, so the closest few are offered rather than one guessed.
      const labels: Record<string, string> = {};
      for (const r of match.ranked) {
        const entry = r.score >= BARE_TOPIC_MIN_SCORE && !NOT_OFFERED.has(r.id) ? this.services.knowledge.get(r.id) : undefined;
        if (entry && Object.keys(labels).length < 4) labels[entry.label] = entry.id;
      }
      if (Object.keys(labels).length >= 2) {
        memory.pendingChoices = labels;
        await context.sendActivity(markdown('Which of these is it about?', [...Object.keys(labels), SOMETHING_ELSE]));
        return DONE;
      }
    }
    return this.routeMatch(context, memory, match, text);
  }

  /**
   * The short goodbye to "thanks", unless a second question of an earlier message is still
   * unanswered: that one is offered, so that saying thanks during the first never loses it.
   */
  private async goodbye(context: TurnContext, memory: ConversationMemory): Promise<void> {
    const left = memory.resume ? this.services.knowledge.get(memory.resume) : undefined;
    memory.resume = null;
    if (!left) {
      await context.sendActivity(markdown(GOODBYE));
      return;
    }
    const now = `Now: ${left.label}`;
    memory.pendingChoices = { [now]: left.id };
    await context.sendActivity(markdown(`You're welcome! You also asked about **${left.label}**: shall I answer that now?`, [now, SOMETHING_ELSE]));
  }

  /**
   * The sentences of an entry's answer that give its reason ("must", "due to", "because"), from
   * the first to the last of them; `null` when the answer gives none.
   */
  private reasonOf(intent: string): string | null {
    const entry = this.services.knowledge.get(intent);
    if (!entry) return null;
    const sentences = entry.answer.replace(/\s+/g, ' ').trim().split(/(?<=[.!?])\s+/);
    const reasons = sentences.map((x, i) => (REASON_SENTENCE.test(x) ? i : -1)).filter((i) => i >= 0);
    if (!reasons.length) return null;
    return sentences.slice(reasons[0], reasons[reasons.length - 1] + 1).join(' ');
  }

  /**
   * A follow-up on the topic just discussed, answered from its entry: `next` gives what the
   * answer says after its numbered steps, then the entry's `next`, then the help-desk offer;
   * `where` gives the answer's first step; `failed` the entry's `ifNotWorking`, or the
   * help-desk offer; `again` the answer once more. Only the entries' own words are quoted.
   */
  private async continueTopic(context: TurnContext, memory: ConversationMemory, intent: string, kind: FollowUp, text: string): Promise<Route> {
    const knowledge = this.services.knowledge;
    const entry = knowledge.get(intent);
    const parts = entry ? answerSteps(entry.answer) : { steps: [], after: '' };
    const reason = entry && kind === 'why' ? this.reasonOf(intent) : null;
    if (entry && reason) {
      // "why not? he is my child": the reason the FAQ gives, in its own words, said kindly,
      // not the whole answer again and not a pointer to it.
      await context.sendActivity(
        markdown(
          `I understand, and I'm sorry it isn't the answer you hoped for. The reason the portal FAQ gives:\n\n${reason}\n\nIf you'd like a person to look at your situation, the help desk can: I can pass your question on, or you can email ${this.services.settings.helpdeskEmail} yourself.`,
          [TALK_TO_HELPDESK, SOMETHING_ELSE],
        ),
      );
      return DONE;
    }
    if (entry && kind === 'why') {
      // "why not": the FAQ gives its reasons in the answer itself.
      await context.sendActivity(markdown(`Here is what the portal FAQ says about **${entry.question}**:`));
      return this.routeIntent(context, memory, intent, text, true);
    }
    if (!entry || kind === 'again' || kind === 'why' || (kind === 'where' && !parts.steps.length)) {
      // "how do i do that?": the same topic, said so, not a miss.
      if (entry) await context.sendActivity(markdown(`Still on **${entry.label}**, here it is again, step by step:`));
      return this.routeIntent(context, memory, intent, text, true);
    }
    const helpdesk = this.services.settings.helpdeskEmail;
    if (kind === 'where') {
      // The first step says where to go; the portal's address unless the step names its own site.
      const site = /\b[a-z0-9-]+\.(com|edu|org)\b/i.test(parts.steps[0]) ? '' : `It's in the UMass Patient Portal, ${PORTAL_URL}. `;
      await context.sendActivity(markdown(`${site}The first step of **${entry.label}**:\n\n1. ${parts.steps[0]}`));
      return DONE;
    }
    if (kind === 'failed') {
      const instead = entry.ifNotWorking ? knowledge.get(entry.ifNotWorking) : undefined;
      if (instead) {
        await context.sendActivity(markdown(`If that didn't work, let's look at this: **${instead.label}**.`));
        return this.routeIntent(context, memory, instead.id, text);
      }
      await context.sendActivity(
        markdown(
          `If that doesn't work, the UHS portal help desk can look into it (${entry.label}): I can pass it on with a case number, or you can email ${helpdesk} yourself.`,
          [TALK_TO_HELPDESK, SOMETHING_ELSE],
        ),
      );
      return DONE;
    }
    // "then what": each one goes a step further, never back to the answer itself.
    const stage = memory.continued?.intent === intent ? memory.continued.stage : 0;
    memory.continued = { intent, stage: stage + 1 };
    if (stage === 0 && parts.after) {
      await context.sendActivity(markdown(`After those steps:\n\n${parts.after}`));
      return DONE;
    }
    const next = entry.next ? knowledge.get(entry.next) : undefined;
    if (next) {
      await context.sendActivity(markdown(`The next step: **${next.label}**.`));
      return this.routeIntent(context, memory, next.id, text);
    }
    const last = parts.steps.length && !parts.after ? `That was the last step of **${entry.label}**:\n\n${parts.steps.length}. ${parts.steps[parts.steps.length - 1]}\n\n` : '';
    await context.sendActivity(
      markdown(
        `${last || `That's all the portal FAQ says about **${entry.label}**. `}If you need more, the UHS portal help desk can look into it: I can pass your question on with a case number, or you can email ${helpdesk} yourself.`,
        [TALK_TO_HELPDESK, SOMETHING_ELSE],
      ),
    );
    return DONE;
  }

  /** "When will they answer?": the open case, where the reply goes, and how to follow up; no invented times. */
  private async answerReplyTime(context: TurnContext, memory: ConversationMemory): Promise<void> {
    const helpdesk = this.services.settings.helpdeskEmail;
    const record = memory.openCaseId ? await this.services.caseService.find(memory.openCaseId).catch(() => null) : null;
    if (!record && !memory.openCaseId) {
      await context.sendActivity(
        markdown(`You haven't sent anything to the help desk from this chat yet. I can pass your question on with a case number, or you can email ${helpdesk} yourself.`, [TALK_TO_HELPDESK, SOMETHING_ELSE]),
      );
      return;
    }
    const id = record?.id ?? memory.openCaseId ?? '';
    const where = record?.replyEmail
      ? `A person at the help desk will reply by email to ${record.replyEmail}.`
      : `You didn't leave an email address, so a reply can only reach you here while this chat is open.`;
    await context.sendActivity(
      markdown(
        [
          `Your request is with the help desk as case **${id}**, so there's no need to send it again. ${where}`,
          `I can't tell you exactly when they will answer. If you haven't heard back, or it's urgent, email ${helpdesk} and quote your case number.`,
        ].join('\n\n'),
      ),
    );
  }

  /** A reply to "Did that answer your question?": the buttons, a short yes or no, or "it still doesn't work". */
  private feedback(text: string): 'yes' | 'no' | 'objection' | 'other' {
    if (text === HELPED_YES) return 'yes';
    if (text === HELPED_NO) return 'no';
    if (isObjection(text)) return 'objection';
    const words = text.split(/\s+/).length;
    // "k what next", "ok and then?": a follow-up, not a yes.
    const followUp = readFollowUp(text);
    if (followUp && followUp !== 'failed') return 'other';
    const reading = words <= 4 ? readYesNo(text) : undefined;
    if (reading === 'yes') return 'yes';
    // A longer message ("i still cant log in, forgot my password") is answered as a question.
    // "that didnt work" says how it went; "what if that doesn't work?" asks ahead (a follow-up).
    if (reading === 'no' || reading === 'tried' || (words <= 6 && isDoesntWork(text) && !/\bif\b/i.test(text))) return 'no';
    return 'other';
  }

  private async routeMatch(context: TurnContext, memory: ConversationMemory, match: MatchResult, text: string): Promise<Route> {
    switch (match.kind) {
      case 'emergency':
        // The bot answers emergencies before any dialog runs; this is the net under it.
        await this.sendAnswer(context, 'emergency');
        return DONE;
      case 'none': {
        // Out of scope (billing, appointments, …): where to go, never a miss and never a case.
        const topic = match.topic === undefined ? undefined : this.services.knowledge.outOfScope.get(match.topic);
        if (topic) {
          memory.lastOutOfScope = topic.id;
          await context.sendActivity({ ...answerActivity(topic), suggestedActions: markdown('', TOPIC_BUTTONS).suggestedActions });
          return DONE;
        }
        markTurnOutcome(context, 'miss');
        memory.misses += 1;
        this.services.insights.record({
          kind: 'miss',
          conversationId: context.activity.conversation?.id ?? '',
          text,
          score: match.score,
          suggestions: match.ranked.slice(0, 3).map((r) => ({ intent: r.id, score: r.score })),
        });
        if (memory.misses >= 2) {
          // Offered, not started: the person decides (an out-of-scope question never opens a case).
          memory.misses = 0;
          await context.sendActivity(markdown(SECOND_MISS_REPLY, [TALK_TO_HELPDESK, ...TOPIC_BUTTONS]));
          return DONE;
        }
        await context.sendActivity(markdown(MISS_REPLY, TOPIC_BUTTONS));
        return DONE;
      }
      case 'ambiguous': {
        // Close candidates that start the same troubleshooting dialog need no "Did you mean".
        const dialogs = new Set(match.candidates.map((c) => DIALOG_FOR_INTENT[c.id] ?? `answer:${c.id}`));
        if (dialogs.size === 1 && DIALOG_FOR_INTENT[match.intent] !== undefined) return this.routeIntent(context, memory, match.intent, text);
        const labels: Record<string, string> = {};
        for (const candidate of match.candidates) {
          const entry = this.services.knowledge.get(candidate.id);
          if (entry) labels[entry.label] = entry.id;
        }
        memory.pendingChoices = labels;
        await context.sendActivity(markdown('Did you mean …?', [...Object.keys(labels), SOMETHING_ELSE]));
        return DONE;
      }
      case 'match': {
        memory.misses = 0;
        // Two questions in one message: the second is said to come next, and comes (answered
        // at once when both are plain answers; otherwise offered back when the first ends).
        const second = match.also;
        const also = second && second !== match.intent && !NOT_OFFERED.has(second) ? this.services.knowledge.get(second) : undefined;
        if (also && (DIALOG_FOR_INTENT[match.intent] || DIALOG_FOR_INTENT[also.id])) {
          await context.sendActivity(markdown(`You also asked about **${also.label}**: I'll come to that next.`));
          const route = await this.routeIntent(context, memory, match.intent, text, false, match.score);
          if (route.kind === 'done') {
            memory.pendingChoices = { ...memory.pendingChoices, [`Now: ${also.label}`]: also.id };
            await context.sendActivity(markdown('When you are ready:', [`Now: ${also.label}`]));
          } else memory.resume = also.id;
          return route;
        }
        const route = await this.routeIntent(context, memory, match.intent, text, false, match.score);
        if (also && route.kind === 'done') {
          await context.sendActivity(markdown(`And your other question, **${also.label}**:`));
          await this.routeIntent(context, memory, also.id, text, false, match.score);
        }
        return route;
      }
    }
  }

  /** The sentences of an entry's answer that say a detail (how long, what it costs), quoted; `null` when it says none. */
  private detailOf(intent: string, detail: Detail): Partial<Activity> | null {
    const entry = this.services.knowledge.get(intent);
    const said = entry ? this.detailSentences(intent, detail) : null;
    if (!entry || !said) return null;
    return markdown(`From **${entry.question}**:\n\n${said}`, [TALK_TO_HELPDESK, SOMETHING_ELSE]);
  }

  /** The sentences of an entry's answer that say a detail, joined; `null` when it says none. */
  private detailSentences(intent: string, detail: Detail): string | null {
    const entry = this.services.knowledge.get(intent);
    if (!entry) return null;
    // A list item is a sentence of its own even without a full stop ("3. Any updates … up to 24 hours").
    const sentences = entry.answer
      .split(/\n\s*\n|\n\s*(?:\d+\.|[-*])\s+/)
      .flatMap((part) => part.replace(/\s+/g, ' ').trim().split(/(?<=[.!?])\s+/))
      .filter((sentence) => DETAIL_SENTENCE[detail].test(sentence.replace(/\*\*/g, '')));
    return sentences.length ? sentences.join(' ') : null;
  }

  /** Whether every word of `text` that says something (four letters or more) is in the entry's answer. */
  private aboutAnswer(intent: string, text: string): boolean {
    const answer = (this.services.knowledge.get(intent)?.answer ?? '').toLowerCase();
    const words = text.toLowerCase().split(/[^a-z']+/).filter((w) => w.length >= 4 && !['what', 'after', 'then', 'that', 'this', 'where', 'when', 'next', 'should', 'with', 'have', 'done', 'okay'].includes(w));
    return words.length > 0 && words.every((w) => answer.includes(w));
  }


  private async routeIntent(context: TurnContext, memory: ConversationMemory, intent: string, text: string, again = false, score = 1): Promise<Route> {
    memory.misses = 0;
    memory.lastOutOfScope = null;
    if (intent === 'human-handoff') {
      const topic = memory.lastIntent && memory.lastIntent !== 'human-handoff' ? memory.lastIntent : null;
      return this.handoffRoute(memory, { trigger: 'user-asked', intent: topic });
    }
    memory.lastIntent = intent;
    if (intent === 'emergency') {
      await this.sendAnswer(context, 'emergency');
      return DONE;
    }
    if (DIALOG_FOR_INTENT[intent]) {
      this.recordAnswer(context, intent, score, DIALOG_FOR_INTENT[intent]);
      return this.troubleshootRoute(memory, intent, text, []);
    }
    const entry = this.services.knowledge.get(intent);
    if (!entry) {
      await context.sendActivity(markdown("Sorry, I don't have an answer for that yet.", TOPIC_BUTTONS));
      return DONE;
    }
    if (!(await this.answerOnce(context, memory, intent, again))) return DONE;
    if (intent !== 'smalltalk') {
      this.recordAnswer(context, intent, score);
      memory.awaitingFeedback = { intent, dialog: null };
      await context.sendActivity(helpedQuestion(entry.followUps));
    }
    return DONE;
  }

  /**
   * Sends an FAQ answer, or, when it was already shown in full in this conversation, refers to
   * it ("the answer above") with a button to show it again. `true` when the answer was sent.
   */
  private async answerOnce(context: TurnContext, memory: ConversationMemory, intent: string, again: boolean): Promise<boolean> {
    const facts: KnownFacts = (memory.facts ??= {});
    const entry = this.services.knowledge.get(intent);
    if (!entry) return false;
    if (intent !== 'smalltalk' && !again && wasShown(facts, intent)) {
      memory.pendingChoices = { [SHOW_AGAIN]: intent };
      memory.awaitingFeedback = { intent, dialog: null };
      await context.sendActivity(
        markdown(`I answered that above: see **${entry.question}** a little higher up. Did it not work for you?`, [SHOW_AGAIN, HELPED_NO, SOMETHING_ELSE]),
      );
      return false;
    }
    await this.sendAnswer(context, intent);
    this.rememberAnswer(memory, intent);
    if (intent !== 'smalltalk') remember(facts, 'shown', intent);
    return true;
  }

  /** Records an answer (an FAQ answer, or the troubleshooting dialog started) for the insights. */
  private recordAnswer(context: TurnContext, intent: string, score: number, dialog: string | null = null): void {
    this.services.insights.record({ kind: 'answer', conversationId: context.activity.conversation?.id ?? '', intent, score, dialog });
  }

  private rememberAnswer(memory: ConversationMemory, intent: string): void {
    memory.continued = null;
    memory.lastAnswers = [...memory.lastAnswers.filter((i) => i !== intent), intent].slice(-5);
  }

  private async sendAnswer(context: TurnContext, intent: string, withTopics = true): Promise<void> {
    const entry = this.services.knowledge.get(intent);
    if (!entry) return;
    if (intent === 'emergency') markTurnOutcome(context, 'emergency');
    const activity = answerActivity(entry);
    if (withTopics && (intent === 'smalltalk' || intent === 'emergency')) {
      activity.suggestedActions = markdown('', TOPIC_BUTTONS).suggestedActions;
    }
    await context.sendActivity(activity);
  }

  private troubleshootRoute(memory: ConversationMemory, intent: string, text: string, files: Attachment[]): Route {
    memory.lastIntent = intent;
    this.rememberAnswer(memory, intent);
    return { kind: 'troubleshoot', dialogId: DIALOG_FOR_INTENT[intent], intent, options: { intent, text, attachments: files } };
  }

  /**
   * The handoff, carrying what the dialogs know (steps tried, addresses tried, the latest file
   * check) whether or not the person later agrees to share the transcript.
   */
  private handoffRoute(memory: ConversationMemory, options: Omit<HandoffOptions, 'transcript' | 'lastAnswers'>): Route {
    const diagnostics = { ...factsForCase(memory.facts ?? {}), ...(options.diagnostics ?? {}) };
    return {
      kind: 'handoff',
      options: { ...options, diagnostics, knownEmail: latestEmail(memory.facts), lastAnswers: [...memory.lastAnswers], transcript: transcriptLines(memory) },
    };
  }

  /** Second step: a troubleshooting dialog ended; ask whether it helped or hand off. */
  private async afterChildStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (values(step).handoff) return step.next(step.result);
    const memory = await this.memory(step.context);
    const result = step.result as unknown;
    if (!isDialogOutcome(result)) return step.endDialog();
    const outcome: DialogOutcome = result;
    if (outcome.outcome === 'handoff') {
      markTurnOutcome(step.context, 'handoff');
      values(step).handoff = true;
      const options: HandoffOptions = {
        trigger: outcome.reason,
        intent: values(step).intent ?? memory.lastIntent,
        diagnostics: { ...factsForCase(memory.facts ?? {}), ...(outcome.diagnostics ?? {}) },
        knownEmail: latestEmail(memory.facts),
        failedDialog: outcome.dialog,
        lastAnswers: [...memory.lastAnswers],
        transcript: transcriptLines(memory),
      };
      return step.beginDialog(HANDOFF_DIALOG, options);
    }
    if (outcome.outcome === 'done') {
      memory.awaitingFeedback = { intent: values(step).intent ?? null, dialog: outcome.dialog };
      // A topic left for this one is offered back ("offer to come back where it makes sense").
      const resume = memory.resume ? this.services.knowledge.get(memory.resume) : undefined;
      const back = resume ? `Back to: ${resume.label}` : null;
      if (resume && back) memory.pendingChoices = { [back]: resume.id };
      await step.context.sendActivity(helpedQuestion(back ? [back] : []));
    }
    return step.endDialog();
  }

  /** Third step: the handoff ended; remember the case so patient messages can reach staff. */
  private async afterHandoffStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as { caseId?: unknown } | undefined;
    if (result && typeof result.caseId === 'string') {
      const memory = await this.memory(step.context);
      memory.openCaseId = result.caseId;
    }
    return step.endDialog();
  }
}
