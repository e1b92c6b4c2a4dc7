import type { Activity, ConversationState } from 'botbuilder-core';
import { DialogTurnStatus, type Dialog, type DialogTurnResult } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { isDialogOutcome, type DialogOutcome } from '../../dialogs/outcome';

/**
 * A thin wrapper over botbuilder-testing's DialogTestClient for the guided-flow and upload
 * tests: each `send` returns every reply of that turn, so a test reads a turn as a whole.
 */
export class FlowClient {
  private readonly client: DialogTestClient;

  /** `conversationState` lets a test inspect what the dialog stored between turns. */
  constructor(dialog: Dialog, options?: unknown, conversationState?: ConversationState) {
    this.client = new DialogTestClient('test', dialog, options, [], conversationState);
  }

  /** Sends a message (text or a partial activity, e.g. with attachments) and returns all replies. */
  async send(activity: string | Partial<Activity>): Promise<Partial<Activity>[]> {
    const replies: Partial<Activity>[] = [];
    let reply: Partial<Activity> | undefined = await this.client.sendActivity(activity);
    while (reply) {
      replies.push(reply);
      reply = this.client.getNextReply();
    }
    return replies;
  }

  /** The last turn's dialog result. */
  get turn(): DialogTurnResult {
    return this.client.dialogTurnResult;
  }

  /** The outcome the dialog ended with; fails the test when it has not ended with one. */
  outcome(): DialogOutcome {
    const { status, result } = this.client.dialogTurnResult;
    if (status !== DialogTurnStatus.complete || !isDialogOutcome(result)) {
      throw new Error(`dialog has not ended with an outcome (status ${status}, result ${JSON.stringify(result)})`);
    }
    return result;
  }

  /** Whether the dialog is still waiting for the user. */
  get waiting(): boolean {
    return this.client.dialogTurnResult.status === DialogTurnStatus.waiting;
  }
}

/** The texts of the message replies, in order. */
export function texts(replies: Partial<Activity>[]): string[] {
  return replies.filter((r) => r.type === 'message').map((r) => r.text ?? '');
}

/** All message texts of a turn, joined (for `include` assertions). */
export function allText(replies: Partial<Activity>[]): string {
  return texts(replies).join('\n---\n');
}

/** The suggested-action titles of the turn's last message (the question's buttons). */
export function buttonsOf(replies: Partial<Activity>[]): string[] {
  const messages = replies.filter((r) => r.type === 'message');
  const last = messages[messages.length - 1];
  return (last?.suggestedActions?.actions ?? []).map((a) => String(a.title));
}

/** Sends `answers` one per turn and returns the replies of the last turn. */
export async function sendAll(client: FlowClient, answers: Array<string | Partial<Activity>>): Promise<Partial<Activity>[]> {
  let replies: Partial<Activity>[] = [];
  for (const answer of answers) replies = await client.send(answer);
  return replies;
}

/**
 * Answers a button question with something that is not a button three times: the first two
 * turns re-ask (returned for assertions), the third ends the dialog (see `retryLimit.ts`).
 */
export async function answerBadlyThrice(client: FlowClient, bad = 'purple elephant'): Promise<Array<Partial<Activity>[]>> {
  const turns: Array<Partial<Activity>[]> = [];
  for (let i = 0; i < 3; i++) turns.push(await client.send(bad));
  return turns;
}
