import type { Activity } from 'botbuilder';
import { CASE_FEEDBACK_QUESTION, caseFeedbackActions } from '../../dialogs/caseFeedback';
import type { CaseEvent, CaseNotifier, CaseRecord, CaseStore, Log } from '../../dialogs/ports';
import { redact } from '../../dialogs/redact';
import type { ConversationMessenger } from './conversationMessenger';
import { firstNameOf, type StaffMember } from './staffPolicy';
import { staffTextForChat } from '../staffText';

/** What {@link CaseActions} needs. */
export interface CaseActionsOptions {
  cases: CaseStore;
  /** Updates the card after each change (the Teams notifier in production). */
  notifier: CaseNotifier;
  /** Reaches the patient's chat proactively. */
  messenger: ConversationMessenger;
  log: Log;
  now: () => Date;
}

/**
 * The outcome of a staff action, as a value: `message` is what the staff member is told;
 * `record` is the case afterwards (when there is one).
 */
export type CaseActionResult = { ok: true; record: CaseRecord; message: string } | { ok: false; record: CaseRecord | null; message: string };

/**
 * Claim, reply and resolve: what staff do to a case, whether from a card button or a typed
 * command. Each change is one atomic store update with its event, followed by a card update.
 */
export class CaseActions {
  constructor(private readonly options: CaseActionsOptions) {}

  /** Marks the case as the staff member's. Someone else's claim is kept, not taken over. */
  async claim(caseId: string, staff: StaffMember): Promise<CaseActionResult> {
    const current = await this.find(caseId);
    if (!current) return this.notFound(caseId);
    // Decided inside the atomic update (a store may run `change` again on a conflict).
    const decision: { refusal: string | null } = { refusal: null };
    const record = await this.options.cases.update(current.id, (c) => {
      decision.refusal = c.status === 'resolved' ? `${c.id} is already resolved.` : c.claimedBy && c.claimedBy !== staff.name ? `${c.id} is already claimed by ${c.claimedBy}.` : null;
      return decision.refusal || c.claimedBy === staff.name ? c : this.claimed(c, staff);
    });
    if (!record) return this.notFound(caseId);
    if (decision.refusal) return { ok: false, record, message: decision.refusal };
    await this.options.notifier.caseUpdated(record);
    this.options.log.info({ caseId: record.id, action: 'claim', staff: staff.aadObjectId }, 'case claimed');
    return { ok: true, record, message: `You have case ${record.id}. The patient's messages will appear in the card's thread.` };
  }

  /**
   * Relays `text` to the patient's chat, signed with the staff member's first name, and logs
   * it (redacted) on the case. Replying to an open case also claims it, so that the patient's
   * answer is relayed back to the card's thread.
   */
  async reply(caseId: string, staff: StaffMember, text: string): Promise<CaseActionResult> {
    const body = text.trim();
    const current = await this.find(caseId);
    if (!current) return this.notFound(caseId);
    if (body === '') return { ok: false, record: current, message: 'Type a reply first.' };
    if (current.status === 'resolved') return { ok: false, record: current, message: `${current.id} is resolved; the patient was not messaged.` };
    // Plain text: the chat would otherwise render Markdown (and images) from the reply.
    const signed = `Message from the UHS help desk about your case ${current.id}:\n\n${staffTextForChat(body)}\n\n— ${firstNameOf(staff.name)}, UHS Portal Help Desk`;
    if (!(await this.tellPatient(current, { type: 'message', text: signed, textFormat: 'plain' }))) {
      return { ok: false, record: current, message: `The patient's chat for ${current.id} could not be reached, so nothing was sent. Reply from the escalation email instead.` };
    }
    const record = await this.options.cases.update(current.id, (c) => {
      const base = c.status === 'open' ? this.claimed(c, staff) : c;
      return { ...base, events: [...base.events, this.event('reply', staff, redact(body))] };
    });
    if (!record) return this.notFound(caseId);
    await this.options.notifier.caseUpdated(record);
    this.options.log.info({ caseId: record.id, action: 'reply', staff: staff.aadObjectId, chars: body.length }, 'staff reply relayed');
    return { ok: true, record, message: `Your reply reached the patient's chat (${record.id}).` };
  }

  /** Closes the case and asks the patient, with one click, whether it solved the problem. */
  async resolve(caseId: string, staff: StaffMember): Promise<CaseActionResult> {
    const current = await this.find(caseId);
    if (!current) return this.notFound(caseId);
    const decision = { alreadyResolved: false };
    const record = await this.options.cases.update(current.id, (c) => {
      decision.alreadyResolved = c.status === 'resolved';
      return decision.alreadyResolved ? c : { ...c, status: 'resolved', events: [...c.events, this.event('resolved', staff)] };
    });
    if (!record) return this.notFound(caseId);
    if (decision.alreadyResolved) return { ok: false, record, message: `${record.id} is already resolved.` };
    await this.options.notifier.caseUpdated(record);
    const asked = await this.tellPatient(record, {
      type: 'message',
      text: `The UHS help desk has resolved your case ${record.id}. ${CASE_FEEDBACK_QUESTION}`,
      suggestedActions: { to: [], actions: caseFeedbackActions(record.id) },
    });
    this.options.log.info({ caseId: record.id, action: 'resolve', staff: staff.aadObjectId, patientAsked: asked }, 'case resolved');
    return { ok: true, record, message: asked ? `${record.id} is resolved; the patient was asked whether it solved the problem.` : `${record.id} is resolved, but the patient's chat could not be reached.` };
  }

  /** A case by id as typed: ids are upper case, staff may type them in any case. */
  private async find(caseId: string): Promise<CaseRecord | null> {
    return (await this.options.cases.get(caseId)) ?? (await this.options.cases.get(caseId.toUpperCase()));
  }

  private claimed(c: CaseRecord, staff: StaffMember): CaseRecord {
    return { ...c, status: 'claimed', claimedBy: staff.name, events: [...c.events, this.event('claimed', staff)] };
  }

  private event(type: CaseEvent['type'], staff: StaffMember, detail?: string): CaseEvent {
    return { type, by: staff.name, ...(detail === undefined ? {} : { detail }), at: this.options.now().toISOString() };
  }

  private notFound(caseId: string): CaseActionResult {
    return { ok: false, record: null, message: `There is no case ${caseId}.` };
  }

  /** Sends to the patient's conversation; a failure is an expected outcome (the chat may be gone). */
  private async tellPatient(record: CaseRecord, activity: Partial<Activity>): Promise<boolean> {
    try {
      await this.options.messenger.send(record.conversationReference, activity);
      return true;
    } catch (err) {
      this.options.log.warn({ caseId: record.id, error: (err as Error)?.name, statusCode: (err as { statusCode?: number })?.statusCode }, 'patient chat unreachable');
      return false;
    }
  }
}
