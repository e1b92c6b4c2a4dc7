import type { CaseRefusal, CaseService } from '../../dialogs/cases/caseService';
import type { CaseRecord, Log } from '../../dialogs/ports';
import type { StaffMember } from './staffPolicy';
import { staffTextForChat } from '../staffText';

/**
 * The outcome of a staff action, as a value: `message` is what the staff member is told;
 * `record` is the case afterwards (when there is one).
 */
export type CaseActionResult = { ok: true; record: CaseRecord; message: string } | { ok: false; record: CaseRecord | null; message: string };

/**
 * Claim, reply and resolve: what staff do to a case, whether from a card button or a typed
 * command. The change itself is the {@link CaseService}'s; this class words the outcome for
 * the staff member and logs who did what (ids only).
 */
export class CaseActions {
  constructor(
    private readonly cases: CaseService,
    private readonly log: Log,
  ) {}

  /** Marks the case as the staff member's. Someone else's claim is kept, not taken over. */
  async claim(caseId: string, staff: StaffMember): Promise<CaseActionResult> {
    const result = await this.cases.claim(caseId, staff.name);
    if (!result.ok) return refused(caseId, result.reason, result.record);
    this.log.info({ caseId: result.record.id, action: 'claim', staff: staff.aadObjectId }, 'case claimed');
    return { ok: true, record: result.record, message: `You have case ${result.record.id}. The patient's messages will appear in the card's thread.` };
  }

  /**
   * Relays `text` to the patient's chat, signed with the staff member's first name, and logs
   * it (redacted) on the case. Replying to an open case also claims it.
   */
  async reply(caseId: string, staff: StaffMember, text: string): Promise<CaseActionResult> {
    // Plain text: the chat would otherwise render Markdown (and images) from the reply.
    const body = staffTextForChat(text.trim());
    const result = await this.cases.reply(caseId, staff.name, body);
    if (!result.ok && result.reason === 'resolved' && result.record) return { ok: false, record: result.record, message: `${result.record.id} is resolved; the patient was not messaged.` };
    if (!result.ok) return refused(caseId, result.reason, result.record);
    this.log.info({ caseId: result.record.id, action: 'reply', staff: staff.aadObjectId, chars: body.length }, 'staff reply relayed');
    return { ok: true, record: result.record, message: `Your reply reached the patient's chat (${result.record.id}).` };
  }

  /** Closes the case and asks the patient, with one click, whether it solved the problem. */
  async resolve(caseId: string, staff: StaffMember): Promise<CaseActionResult> {
    const result = await this.cases.resolve(caseId, staff.name);
    if (!result.ok) return refused(caseId, result.reason, result.record);
    const { record, patientAsked } = result;
    this.log.info({ caseId: record.id, action: 'resolve', staff: staff.aadObjectId, patientAsked }, 'case resolved');
    return { ok: true, record, message: patientAsked ? `${record.id} is resolved; the patient was asked whether it solved the problem.` : `${record.id} is resolved, but the patient's chat could not be reached.` };
  }
}

/** Why nothing changed, in the staff member's terms. */
function refused(caseId: string, reason: CaseRefusal, record: CaseRecord | null): CaseActionResult {
  if (!record || reason === 'not-found') return { ok: false, record: null, message: `There is no case ${caseId}.` };
  const messages: Record<Exclude<CaseRefusal, 'not-found'>, string> = {
    resolved: `${record.id} is already resolved.`,
    'claimed-by-other': `${record.id} is already claimed by ${record.claimedBy}.`,
    empty: 'Type a reply first.',
    unreachable: `The patient's chat for ${record.id} could not be reached, so nothing was sent. Reply from the escalation email instead.`,
  };
  return { ok: false, record, message: messages[reason] };
}
