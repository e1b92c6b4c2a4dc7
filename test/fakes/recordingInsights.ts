import type { InsightEvent, InsightsRecorder } from '../../dialogs/ports';

/** An insights recorder that keeps every event in order, for dialog tests to inspect. */
export class RecordingInsights implements InsightsRecorder {
  readonly events: InsightEvent[] = [];

  record(event: InsightEvent): void {
    this.events.push(event);
  }

  /** The events of one kind. */
  of<K extends InsightEvent['kind']>(kind: K): Array<Extract<InsightEvent, { kind: K }>> {
    return this.events.filter((e): e is Extract<InsightEvent, { kind: K }> => e.kind === kind);
  }
}
