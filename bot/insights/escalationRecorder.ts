import type { CaseNotifier, CaseRecord, InsightsRecorder } from '../../dialogs/ports';

/**
 * The case notifier the dialogs use, recording each new case as an escalation for the insights
 * before passing it on. The handoff dialog announces every case exactly there, also one numbered
 * locally while the case store was down, so every escalation the patient was told about counts;
 * a case announced twice counts once (the recorder keeps one escalation per case id).
 */
export function recordingEscalations(notifier: CaseNotifier, insights: InsightsRecorder): CaseNotifier {
  return {
    caseCreated: async (record: CaseRecord) => {
      const trigger = record.diagnostics.trigger;
      insights.record({
        kind: 'escalation',
        conversationId: record.conversationReference.conversation?.id ?? '',
        intent: record.intent,
        trigger: typeof trigger === 'string' ? trigger : 'unknown',
        caseId: record.id,
      });
      return notifier.caseCreated(record);
    },
    caseUpdated: (record) => notifier.caseUpdated(record),
    patientMessage: (record, text) => notifier.patientMessage(record, text),
  };
}
