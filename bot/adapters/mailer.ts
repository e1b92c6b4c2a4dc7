import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import type { Mailer, MailReceipt, OutgoingMail } from '../../dialogs/ports';

/**
 * Validates what callers hand the mailer before anything reaches the transport (also used by
 * the BullMQ outbox on job data read back from Redis).
 */
export const outgoingMailSchema = z.object({
  to: z.string().email(),
  subject: z.string().min(1).max(300),
  text: z.string(),
  html: z.string().optional(),
  replyTo: z.union([z.string().email(), z.array(z.string().email()).min(1)]).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

/**
 * Sends mail through SMTP with nodemailer (`SMTP_URL`, for example
 * `smtp://user:pass@host:587`). Throws when the server refuses or is unreachable, so that
 * the escalation outbox can retry.
 */
export class SmtpMailer implements Mailer {
  readonly transport = 'smtp' as const;
  private readonly transporter: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    // Short timeouts: a dead SMTP server must fail fast so the outbox retries later,
    // rather than holding a user's turn.
    const url = new URL(smtpUrl);
    this.transporter = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      // A plain local relay may not offer TLS; don't fail on that, but use it when offered.
      ignoreTLS: false,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 10000,
    });
  }

  async send(mail: OutgoingMail): Promise<MailReceipt> {
    const valid = outgoingMailSchema.parse(mail);
    const info = await this.transporter.sendMail({ from: this.from, ...valid });
    return { messageId: String(info.messageId) };
  }

  /** Connects, greets and logs in without sending anything (the readiness check of mail). */
  async verify(): Promise<void> {
    await this.transporter.verify();
  }

  /** Closes pooled connections. */
  close(): void {
    this.transporter.close();
  }
}

/**
 * Writes each mail as an `.eml` file into a local folder (`MAIL_OUTBOX`, default
 * `./outbox`) that a person can open with any mail program. The default when no SMTP server
 * is configured, so a newcomer can run the bot and still see every email it would send.
 */
export class OutboxFolderMailer implements Mailer {
  readonly transport = 'outbox' as const;
  private readonly transporter: Transporter;

  constructor(
    private readonly folder: string,
    private readonly from: string,
  ) {
    this.transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: OutgoingMail): Promise<MailReceipt> {
    const valid = outgoingMailSchema.parse(mail);
    const info = await this.transporter.sendMail({ from: this.from, ...valid });
    const message = (info as unknown as { message: Buffer }).message;
    await fs.mkdir(this.folder, { recursive: true });
    // Time first so the files sort in sending order; a random suffix keeps names unique.
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(4).toString('hex')}.eml`;
    await fs.writeFile(path.join(this.folder, name), message, { mode: 0o600 });
    return { messageId: String(info.messageId) };
  }
}

/** Picks the mailer from configuration: SMTP when `smtpUrl` is set, the outbox folder otherwise. */
export function createMailer(options: { smtpUrl?: string; outboxFolder: string; from: string }): Mailer {
  return options.smtpUrl ? new SmtpMailer(options.smtpUrl, options.from) : new OutboxFolderMailer(path.resolve(options.outboxFolder), options.from);
}
