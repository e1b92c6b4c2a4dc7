import type { EscalationOutbox, OutgoingMail } from '../../dialogs/ports';

/** An escalation outbox that keeps what was queued, once per job id. */
export class RecordingOutbox implements EscalationOutbox {
  readonly kind = 'fake';
  readonly queued = new Map<string, OutgoingMail>();

  async enqueue(jobId: string, mail: OutgoingMail): Promise<void> {
    if (!this.queued.has(jobId)) this.queued.set(jobId, mail);
  }
}
