import type { CaseNotifier, CaseRecord, CaseStore, Log } from '../../dialogs/ports';
import { caseCard } from './caseCard';
import type { ConversationMessenger } from './conversationMessenger';
import { loadEscalationChannel, threadReference } from './escalationChannel';

/** What a {@link TeamsNotifier} needs. */
export interface TeamsNotifierOptions {
  /** Where the escalation channel and each case's card id are read from. */
  cases: Pick<CaseStore, 'get' | 'getSetting'>;
  /** Proactive sends into the channel (`CloudMessenger` in production). */
  messenger: ConversationMessenger;
  log: Log;
}

/**
 * The {@link CaseNotifier} for Microsoft Teams: posts each new case as a card in the saved
 * escalation channel, keeps the card up to date in place, and relays the patient's messages
 * into the card's thread while a staff member has the case. Like every notifier it never
 * throws: the escalation email is the channel of record, so a Teams outage only costs the card.
 */
export class TeamsNotifier implements CaseNotifier {
  constructor(private readonly options: TeamsNotifierOptions) {}

  /**
   * Posts the card and returns its activity id, which the case service records on the case
   * (this notifier only reads cases: every change to one goes through the case service).
   */
  async caseCreated(record: CaseRecord): Promise<string | null> {
    let cardActivityId: string | null = null;
    await this.guard('caseCreated', record.id, async () => {
      const channel = await loadEscalationChannel(this.options.cases);
      if (!channel) {
        this.options.log.debug({ caseId: record.id }, 'no Teams escalation channel chosen; card not posted');
        return;
      }
      const sent = await this.options.messenger.startThread(channel.reference, { type: 'message', attachments: [caseCard(record)] });
      cardActivityId = sent.id ?? null;
    });
    return cardActivityId;
  }

  /** Replaces the card with the case as it is now. */
  async caseUpdated(record: CaseRecord): Promise<void> {
    await this.guard('caseUpdated', record.id, async () => {
      const target = await this.cardOf(record);
      if (!target) return;
      await this.options.messenger.update(target.thread, { type: 'message', id: target.cardActivityId, attachments: [caseCard(target.current)] });
    });
  }

  /** Posts the patient's (already redacted) words in the card's thread, only while the case is claimed. */
  async patientMessage(record: CaseRecord, redactedText: string): Promise<void> {
    await this.guard('patientMessage', record.id, async () => {
      const target = await this.cardOf(record);
      if (!target || target.current.status !== 'claimed') return;
      await this.options.messenger.send(target.thread, {
        type: 'message',
        // Plain text: patients' words must not render as Markdown links in the staff channel.
        textFormat: 'plain',
        text: `Patient (case ${target.current.id}): ${redactedText}`,
      });
    });
  }

  /**
   * The stored case (the caller's copy may predate the card id) and the thread its card
   * heads, or `null` when the case has no card or no channel is chosen.
   */
  private async cardOf(record: CaseRecord) {
    const current = (await this.options.cases.get(record.id)) ?? record;
    const channel = await loadEscalationChannel(this.options.cases);
    if (!current.cardActivityId || !channel) return null;
    return { current, cardActivityId: current.cardActivityId, thread: threadReference(channel.reference, current.cardActivityId) };
  }

  private async guard(operation: string, caseId: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      // Codes only: a connector error's message can quote the request.
      const e = err as { name?: string; statusCode?: number; code?: string };
      this.options.log.warn({ caseId, operation, error: e?.name, statusCode: e?.statusCode, code: e?.code }, 'Teams notification failed');
    }
  }
}
