/** One email to send. Bodies are plain text plus optional HTML. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** One address, or several (the patient and the case's inbound address, so "Reply" reaches both). */
  replyTo?: string | string[];
  /** Extra headers, for example `X-UHS-Case`. */
  headers?: Record<string, string>;
}

/** The result of a delivery: the Message-ID the transport assigned. */
export interface MailReceipt {
  messageId: string;
}

/**
 * Sends mail. The SMTP adapter and the `.eml` outbox-folder adapter live in `bot/adapters`.
 * `send` throws when the transport fails; callers that must not lose mail go through an
 * {@link EscalationOutbox} instead.
 */
export interface Mailer {
  send(mail: OutgoingMail): Promise<MailReceipt>;
  /** `smtp` or `outbox`, for /healthz. */
  readonly transport: 'smtp' | 'outbox';
}
