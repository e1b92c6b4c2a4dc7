import type { Mailer, MailReceipt, OutgoingMail } from '../../dialogs/ports';

/** A mailer that keeps what it was asked to send; `failing = true` makes `send` throw. */
export class RecordingMailer implements Mailer {
  readonly transport = 'outbox' as const;
  readonly sent: OutgoingMail[] = [];
  failing = false;

  async send(mail: OutgoingMail): Promise<MailReceipt> {
    if (this.failing) throw new Error('mail transport down');
    this.sent.push(mail);
    return { messageId: `<fake-${this.sent.length}@test>` };
  }
}
