import type { CaseRecord } from './caseStore';

/**
 * Tells staff about cases outside email, such as the Teams escalation channel. The default
 * adapter does nothing. Implementations must not throw for delivery failures: they log and
 * return, because the email is the channel of record.
 */
export interface CaseNotifier {
  /**
   * A new case was created. Returns the id of what it posted for staff (the Teams card's
   * activity id), which the case service records on the case as `cardActivityId` so later
   * updates can find it; `null` when nothing was posted. A notifier never writes the case itself.
   */
  caseCreated(record: CaseRecord): Promise<string | null>;
  /** The case changed (claimed, replied, resolved): update what staff see. */
  caseUpdated(record: CaseRecord): Promise<void>;
  /** The patient wrote in the chat while the case is claimed: relay it to staff. */
  patientMessage(record: CaseRecord, redactedText: string): Promise<void>;
}
