import type { CaseNotifier, CaseRecord } from '../../dialogs/ports';

/** A notifier that records the calls it receives. */
export class RecordingNotifier implements CaseNotifier {
  readonly calls: Array<{ kind: 'created' | 'updated' | 'patient'; caseId: string; text?: string }> = [];

  /** Posts nothing, so returns no card id. */
  async caseCreated(record: CaseRecord): Promise<string | null> {
    this.calls.push({ kind: 'created', caseId: record.id });
    return null;
  }

  async caseUpdated(record: CaseRecord): Promise<void> {
    this.calls.push({ kind: 'updated', caseId: record.id });
  }

  async patientMessage(record: CaseRecord, redactedText: string): Promise<void> {
    this.calls.push({ kind: 'patient', caseId: record.id, text: redactedText });
  }
}
