import type { Activity, CardAction } from 'botbuilder-core';
import { ComponentDialog, Dialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { readCommand } from '../../dialogs/prompts/recognizer';

/**
 * A conversation with one dialog through botbuilder-testing's {@link DialogTestClient}, that
 * collects every reply of each turn (not only the first) and can use its own conversation id,
 * so that tests can run several "conversations" against shared services (rate limits).
 */
export class DialogChat {
  readonly client: DialogTestClient;
  /** Every bot reply so far, in order. */
  readonly transcript: Array<Partial<Activity>> = [];

  constructor(
    dialog: Dialog,
    private readonly conversationId = 'conversation-1',
    options?: unknown,
  ) {
    this.client = new DialogTestClient('test', dialog, options);
  }

  /** Sends `text` as the user and returns all the replies of that turn. */
  async say(text: string): Promise<Array<Partial<Activity>>> {
    const activity = { type: 'message', text, conversation: { id: this.conversationId } } as Partial<Activity>;
    const replies: Array<Partial<Activity>> = [];
    let reply = await this.client.sendActivity(activity);
    while (reply) {
      replies.push(reply as Partial<Activity>);
      reply = this.client.getNextReply();
    }
    this.transcript.push(...replies);
    return replies;
  }

  /** Sends each text in turn; returns the replies of the last turn. */
  async sayAll(...texts: string[]): Promise<Array<Partial<Activity>>> {
    let last: Array<Partial<Activity>> = [];
    for (const text of texts) last = await this.say(text);
    return last;
  }

  /** Whether the dialog has ended (its last turn completed it). */
  get ended(): boolean {
    return this.client.dialogTurnResult?.status === DialogTurnStatus.complete;
  }

  /** The value the dialog ended with (`undefined` while it runs). */
  get result(): unknown {
    return this.ended ? this.client.dialogTurnResult.result : undefined;
  }

  /** The texts of all bot replies so far. */
  get texts(): string[] {
    return this.transcript.map((a) => a.text ?? '');
  }
}

/** The titles of an activity's suggested-action buttons. */
export function buttonTitles(activity: Partial<Activity> | undefined): string[] {
  return (activity?.suggestedActions?.actions ?? []).map((a: CardAction) => String(a.title));
}

/** The text of the last reply of a turn. */
export function lastText(replies: Array<Partial<Activity>>): string {
  return replies[replies.length - 1]?.text ?? '';
}

/** Id of {@link InterruptingHost}. */
export const INTERRUPTING_HOST = 'interruptingHost';

/**
 * A minimal parent that handles "cancel" and "help" the way the main dialog does (same
 * recogniser): "cancel" cancels the child, "help" re-asks the child's current question. It lets
 * a troubleshooting dialog's tests show that it can be interrupted at any prompt.
 */
export class InterruptingHost extends ComponentDialog {
  constructor(child: Dialog) {
    super(INTERRUPTING_HOST);
    this.addDialog(child);
    this.initialDialogId = child.id;
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const kind = readCommand(innerDc.context.activity.text ?? '');
    if (kind === 'cancel') {
      await innerDc.context.sendActivity('(cancelled)');
      await innerDc.cancelAllDialogs();
      return innerDc.endDialog({ cancelled: true });
    }
    if (kind === 'help') {
      await innerDc.context.sendActivity('(help)');
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    return super.onContinueDialog(innerDc);
  }
}
