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
import type { StatePropertyAccessor, TurnContext, Attachment } from 'botbuilder-core';
import type { MatchResult } from '../knowledge/types';
import type { DialogServices } from './services';
import { type ConversationMemory, emptyMemory, transcriptLines } from './conversationMemory';
import { isDialogOutcome, type DialogOutcome } from './outcome';
import {
  answerActivity,
  capabilitiesText,
  classifyFeedback,
  classifyInterruption,
  helpedQuestion,
  markdown,
  MISS_REPLY,
  SOMETHING_ELSE,
  TALK_TO_HELPDESK,
  TOPIC_BUTTONS,
} from './replies';
import { AccountStatusDialog, ACCOUNT_STATUS_DIALOG } from './accountStatusDialog';
import { PasswordResetDialog, PASSWORD_RESET_DIALOG } from './passwordResetDialog';
import { uploadDiagnosisDialog, UPLOAD_DIAGNOSIS_DIALOG } from './uploadDiagnosisDialog';
import { StiTestingDialog, STI_TESTING_DIALOG } from './stiTestingDialog';
import { AllergyAppointmentDialog, ALLERGY_APPOINTMENT_DIALOG } from './allergyAppointmentDialog';
import { PersonalInfoDialog, PERSONAL_INFO_DIALOG } from './personalInfoDialog';
import { immunizationEntryDialog, IMMUNIZATION_ENTRY_DIALOG } from './immunizationEntryDialog';
import { CovidVaccineDialog, COVID_VACCINE_DIALOG } from './covidVaccineDialog';
import { HandoffDialog, HANDOFF_DIALOG, type HandoffOptions } from './handoffDialog';
import { parseCaseFeedback, recordCaseFeedback } from './caseFeedback';
import { dialogsWithDependencies } from './flowHelpers';

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

/** What the router waterfall keeps between its steps. */
interface RouterValues {
  intent?: string;
  handoff?: boolean;
}

function values(step: WaterfallStepContext): RouterValues {
  return step.values as RouterValues;
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
    let route: Route | undefined;
    if (!saved.dialogStack.length) {
      // No dialog waits for an answer (most turns: a question answered from the FAQ): route
      // first, and build the dialog context only if the route starts a dialog. Each dialog
      // context builds a DialogStateManager, and the router's waterfall two more contexts.
      route = await this.route(context);
      if (route.kind === 'done') return;
    }
    if (this.stateConfiguration) context.turnState.set(STATE_MANAGER_CONFIGURATION, this.stateConfiguration);
    const dc = await this.dialogSet(dialogState).createContext(context);
    this.stateConfiguration ??= dc.state.configuration;
    if (route) {
      await dc.beginDialog(ROUTER, { route } satisfies RouterOptions);
      return;
    }
    if (dc.activeDialog && (await this.interrupt(dc))) return;
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(ROUTER);
  }

  /** Handles an interruption typed while a dialog waits; `true` when the turn is done. */
  private async interrupt(dc: DialogContext): Promise<boolean> {
    const text = dc.context.activity.text ?? '';
    const kind = classifyInterruption(text);
    if (!kind) return false;
    const memory = await this.memory(dc.context);
    if (kind === 'help') {
      await dc.context.sendActivity(markdown(capabilitiesText(this.services.settings.helpdeskEmail)));
      await dc.repromptDialog();
      return true;
    }
    memory.awaitingFeedback = null;
    memory.pendingChoices = {};
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

  private memory(context: TurnContext): Promise<ConversationMemory> {
    return this.memoryAccessor.get(context, emptyMemory()) as Promise<ConversationMemory>;
  }

  /** First step: start the dialog the route chose (deciding the route first if `run` did not). */
  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as RouterOptions | undefined;
    const route = options?.route ?? (await this.route(step.context));
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

    const interruption = classifyInterruption(text);
    if (interruption === 'help') {
      await context.sendActivity(markdown(capabilitiesText(this.services.settings.helpdeskEmail), TOPIC_BUTTONS));
      return DONE;
    }
    if (interruption) {
      memory.awaitingFeedback = null;
      await context.sendActivity(markdown('Nothing is in progress. What can I help you with?', TOPIC_BUTTONS));
      return DONE;
    }

    const caseFeedback = parseCaseFeedback(context.activity);
    if (caseFeedback) {
      const caseId = caseFeedback.caseId ?? memory.openCaseId;
      const conversationId = context.activity.conversation?.id ?? '';
      const recorded = caseId
        ? await recordCaseFeedback(this.services.cases, this.services.notifier, { ...caseFeedback, caseId }, conversationId, this.services.now())
        : null;
      if (recorded && caseFeedback.solved) memory.openCaseId = null;
      const reply = caseFeedback.solved
        ? "Thank you for letting us know. I'm glad it's solved! Is there anything else I can help you with?"
        : `Thank you for telling us. I've let the help desk know it isn't solved yet${recorded ? ` (case ${recorded.id})` : ''}. You can add details here, or email ${this.services.settings.helpdeskEmail}.`;
      await context.sendActivity(markdown(reply, caseFeedback.solved ? TOPIC_BUTTONS : [TALK_TO_HELPDESK, SOMETHING_ELSE]));
      return DONE;
    }

    if (files.length) {
      memory.misses = 0;
      memory.awaitingFeedback = null;
      return this.troubleshootRoute(memory, 'upload-problem', text, files);
    }
    if (!text) {
      await context.sendActivity(markdown('Please type your question, or choose a topic.', TOPIC_BUTTONS));
      return DONE;
    }

    const chosen = memory.pendingChoices[text];
    memory.pendingChoices = {};
    if (chosen) return this.routeIntent(context, memory, chosen, text);
    if (text === SOMETHING_ELSE) {
      await context.sendActivity(markdown('No problem. Please tell me a little more about what you need, in your own words.', TOPIC_BUTTONS));
      return DONE;
    }

    if (memory.awaitingFeedback) {
      const pending = memory.awaitingFeedback;
      const feedback = classifyFeedback(text);
      memory.awaitingFeedback = null;
      if (feedback === 'yes') {
        await context.sendActivity(markdown("I'm glad that helped! Is there anything else I can help you with?", TOPIC_BUTTONS));
        return DONE;
      }
      if (feedback === 'no') {
        if (pending.dialog) {
          return this.handoffRoute(memory, { trigger: 'didnt-help', intent: pending.intent, failedDialog: pending.dialog });
        }
        await context.sendActivity(
          markdown(
            `I'm sorry that didn't help. The UHS portal help desk can look into it: I can pass your question on with a case number, or you can email ${this.services.settings.helpdeskEmail} yourself.`,
            [TALK_TO_HELPDESK, SOMETHING_ELSE],
          ),
        );
        return DONE;
      }
    }

    const match = this.services.knowledge.match(text);
    return this.routeMatch(context, memory, match, text);
  }

  private async routeMatch(context: TurnContext, memory: ConversationMemory, match: MatchResult, text: string): Promise<Route> {
    switch (match.kind) {
      case 'emergency':
        // The bot answers emergencies before any dialog runs; this is the net under it.
        await this.sendAnswer(context, 'emergency');
        return DONE;
      case 'none': {
        memory.misses += 1;
        if (memory.misses >= 2) {
          memory.misses = 0;
          return this.handoffRoute(memory, { trigger: 'two-misses', intent: null });
        }
        await context.sendActivity(markdown(MISS_REPLY, TOPIC_BUTTONS));
        return DONE;
      }
      case 'ambiguous': {
        const labels: Record<string, string> = {};
        for (const candidate of match.candidates) {
          const entry = this.services.knowledge.get(candidate.id);
          if (entry) labels[entry.label] = entry.id;
        }
        memory.pendingChoices = labels;
        await context.sendActivity(markdown('Did you mean …?', [...Object.keys(labels), SOMETHING_ELSE]));
        return DONE;
      }
      case 'match':
        memory.misses = 0;
        return this.routeIntent(context, memory, match.intent, text);
    }
  }

  private async routeIntent(context: TurnContext, memory: ConversationMemory, intent: string, text: string): Promise<Route> {
    memory.lastIntent = intent;
    memory.misses = 0;
    if (intent === 'human-handoff') return this.handoffRoute(memory, { trigger: 'user-asked', intent: null });
    if (intent === 'emergency') {
      await this.sendAnswer(context, 'emergency');
      return DONE;
    }
    if (DIALOG_FOR_INTENT[intent]) return this.troubleshootRoute(memory, intent, text, []);
    const entry = this.services.knowledge.get(intent);
    if (!entry) {
      await context.sendActivity(markdown("Sorry, I don't have an answer for that yet.", TOPIC_BUTTONS));
      return DONE;
    }
    await this.sendAnswer(context, intent);
    this.rememberAnswer(memory, intent);
    if (intent !== 'smalltalk') {
      memory.awaitingFeedback = { intent, dialog: null };
      await context.sendActivity(helpedQuestion(entry.followUps));
    }
    return DONE;
  }

  private rememberAnswer(memory: ConversationMemory, intent: string): void {
    memory.lastAnswers = [...memory.lastAnswers.filter((i) => i !== intent), intent].slice(-5);
  }

  private async sendAnswer(context: TurnContext, intent: string): Promise<void> {
    const entry = this.services.knowledge.get(intent);
    if (!entry) return;
    const activity = answerActivity(entry);
    if (intent === 'smalltalk' || intent === 'emergency') {
      activity.suggestedActions = markdown('', TOPIC_BUTTONS).suggestedActions;
    }
    await context.sendActivity(activity);
  }

  private troubleshootRoute(memory: ConversationMemory, intent: string, text: string, files: Attachment[]): Route {
    memory.lastIntent = intent;
    this.rememberAnswer(memory, intent);
    return { kind: 'troubleshoot', dialogId: DIALOG_FOR_INTENT[intent], intent, options: { intent, text, attachments: files } };
  }

  private handoffRoute(memory: ConversationMemory, options: Omit<HandoffOptions, 'transcript' | 'lastAnswers'>): Route {
    return { kind: 'handoff', options: { ...options, lastAnswers: [...memory.lastAnswers], transcript: transcriptLines(memory) } };
  }

  /** Second step: a troubleshooting dialog ended; ask whether it helped or hand off. */
  private async afterChildStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (values(step).handoff) return step.next(step.result);
    const memory = await this.memory(step.context);
    const result = step.result as unknown;
    if (!isDialogOutcome(result)) return step.endDialog();
    const outcome: DialogOutcome = result;
    if (outcome.outcome === 'handoff') {
      values(step).handoff = true;
      const options: HandoffOptions = {
        trigger: outcome.reason,
        intent: values(step).intent ?? memory.lastIntent,
        diagnostics: outcome.diagnostics,
        failedDialog: outcome.dialog,
        lastAnswers: [...memory.lastAnswers],
        transcript: transcriptLines(memory),
      };
      return step.beginDialog(HANDOFF_DIALOG, options);
    }
    if (outcome.outcome === 'done') {
      memory.awaitingFeedback = { intent: values(step).intent ?? null, dialog: outcome.dialog };
      await step.context.sendActivity(helpedQuestion());
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
