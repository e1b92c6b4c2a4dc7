import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { CaseRecord, CaseStore, Log } from '../../dialogs/ports';
import { silentLog } from '../../dialogs/ports';
import { caseIdFromAddress } from '../../dialogs/caseId';
import { redact } from '../../dialogs/redact';
import { errorCode } from '../../dialogs/errorCode';
import { htmlToPlainText, MAX_REPLY_LENGTH, stripQuotedReply } from './replyText';

/**
 * Help-desk replies by email, relayed into the patient's chat.
 *
 * The escalation email's `Reply-To` holds the case address (`case+<id>@…`, INBOUND_ADDRESS).
 * The organisation's MX (or a forwarding rule) delivers mail for that address to this SMTP
 * listener (INBOUND_SMTP_PORT, off by default). It accepts a message only when
 * - every recipient is the address of an existing case (else `550 5.1.1`),
 * - the envelope sender and the `From` header are in an allowed domain (INBOUND_ALLOWED_DOMAINS,
 *   subdomains included; else `550 5.7.1`);
 * then strips the quoted history and signature, records a `reply` event on the case (redacted)
 * and hands the text to `relay`, which the composition root wires to
 * `CloudAdapter.continueConversationAsync` with the case's conversation reference.
 * A refused message changes nothing: no event, no relay.
 *
 * Limitation: both sender checks trust what the sending server claims, which can be forged.
 * Run it behind the organisation's MX, which checks SPF/DKIM/DMARC, and accept connections only
 * from that MX (firewall); do not expose the port to the internet directly.
 */

/** Sends a help-desk reply into the patient's chat; the composition root supplies it. */
export type ReplyRelay = (record: CaseRecord, text: string, senderName: string) => Promise<void>;

/** Options for {@link startInboundMailServer}. */
export interface InboundMailOptions {
  /** Port to listen on (INBOUND_SMTP_PORT); 0 picks a free one (tests). */
  port: number;
  /** Interface to listen on (default all interfaces, since the MX is another host). */
  host?: string;
  /** The case address template, `case+{id}@…` (INBOUND_ADDRESS). */
  addressTemplate: string;
  /** Sender domains accepted (INBOUND_ALLOWED_DOMAINS); subdomains are accepted too. */
  allowedDomains: string[];
  cases: CaseStore;
  relay: ReplyRelay;
  log?: Log;
  now?: () => Date;
  /** Largest message accepted, in bytes (default 1 MiB: a reply, not attachments). */
  maxMessageBytes?: number;
  /** Longest text relayed, in characters (default {@link MAX_REPLY_LENGTH}). */
  maxReplyLength?: number;
}

/** A running inbound listener. */
export interface InboundMailServer {
  port: number;
  close(): Promise<void>;
}

/** An SMTP error with the reply code smtp-server sends. */
function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** Whether `address`'s domain is one of `allowed` or a subdomain of one. */
export function isAllowedSender(address: string, allowed: string[]): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).trim().toLowerCase();
  if (!address.includes('@') || !domain) return false;
  return allowed.some((d) => {
    const a = d.trim().toLowerCase();
    return a !== '' && (domain === a || domain.endsWith(`.${a}`));
  });
}

/** Whether a message is an automatic answer (out of office, bounce, list): never relayed. */
function isAutomatic(parsed: ParsedMail): boolean {
  const header = (name: string) => {
    const value = parsed.headers.get(name);
    return typeof value === 'string' ? value.toLowerCase() : value ? String((value as { value?: unknown }).value ?? value).toLowerCase() : '';
  };
  const autoSubmitted = header('auto-submitted');
  return (
    (autoSubmitted !== '' && autoSubmitted !== 'no') ||
    parsed.headers.has('x-autoreply') ||
    parsed.headers.has('x-autorespond') ||
    ['bulk', 'junk', 'list', 'auto_reply'].includes(header('precedence'))
  );
}

/** Starts the inbound listener; resolves once it listens. */
export async function startInboundMailServer(options: InboundMailOptions): Promise<InboundMailServer> {
  const log = options.log ?? silentLog;
  const now = options.now ?? (() => new Date());
  const caseIdOf = (address: string) => caseIdFromAddress(address, options.addressTemplate);

  const server = new SMTPServer({
    // A relay from the organisation's MX: no login; TLS is the MX's business (see the module comment).
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.maxMessageBytes ?? 1024 * 1024,
    logger: false,
    banner: 'UHS Portal Help bot: help-desk replies only',

    onMailFrom(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      if (!isAllowedSender(address.address, options.allowedDomains)) {
        log.info({ event: 'inbound-refused', reason: 'sender-domain' }, 'inbound mail refused');
        return callback(smtpError(550, '5.7.1 Sender not allowed to reply to cases'));
      }
      callback();
    },

    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const id = caseIdOf(address.address);
      if (!id) return callback(smtpError(550, '5.1.1 No such case address'));
      options.cases.get(id).then(
        (record) => {
          if (record) return callback();
          log.info({ event: 'inbound-refused', reason: 'unknown-case', caseId: id }, 'inbound mail refused');
          callback(smtpError(550, '5.1.1 No such case'));
        },
        // The store is down: ask the sending server to try again later rather than lose the reply.
        () => callback(smtpError(451, '4.3.0 Case store unavailable, try again later')),
      );
    },

    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, '5.3.4 Message too big for a reply'));
        const caseIds = [...new Set(session.envelope.rcptTo.map((r) => caseIdOf(r.address)).filter((id): id is string => !!id))];
        handleMessage(Buffer.concat(chunks), caseIds).then(() => callback(), (err: Error) => callback(err));
      });
    },
  });

  /** Parses, checks the From header, strips the quotes, records the event, relays. */
  async function handleMessage(raw: Buffer, caseIds: string[]): Promise<void> {
    const parsed = await simpleParser(raw);
    const from = parsed.from?.value[0];
    if (!from?.address || !isAllowedSender(from.address, options.allowedDomains)) {
      log.info({ event: 'inbound-refused', reason: 'from-header' }, 'inbound mail refused');
      throw smtpError(550, '5.7.1 From address not allowed to reply to cases');
    }
    if (isAutomatic(parsed)) {
      log.info({ event: 'inbound-ignored', reason: 'automatic', cases: caseIds.length }, 'automatic reply ignored');
      return;
    }
    const body = parsed.text?.trim() ? parsed.text : typeof parsed.html === 'string' ? htmlToPlainText(parsed.html) : '';
    const text = stripQuotedReply(body, options.maxReplyLength ?? MAX_REPLY_LENGTH);
    if (!text) {
      log.info({ event: 'inbound-ignored', reason: 'empty', cases: caseIds.length }, 'reply without new text ignored');
      return;
    }
    const senderName = from.name?.trim() || 'Help desk';
    for (const id of caseIds) {
      let updated: CaseRecord | null;
      try {
        updated = await options.cases.update(id, (c) => ({
          ...c,
          events: [...c.events, { type: 'reply', by: senderName, detail: redact(text), at: now().toISOString() }],
        }));
      } catch {
        throw smtpError(451, '4.3.0 Case store unavailable, try again later');
      }
      if (!updated) continue;
      try {
        await options.relay(updated, text, senderName);
        log.info({ event: 'inbound-reply', caseId: id }, 'help-desk reply relayed to the chat');
      } catch (err) {
        // The reply is on the case and went to the patient's email too (Reply-To): do not
        // make the sending server retry and record it twice.
        log.warn({ event: 'inbound-relay-failed', caseId: id, code: errorCode(err) }, 'could not relay the reply to the chat');
      }
    }
  }

  server.on('error', (err) => log.warn({ event: 'inbound-error', code: errorCode(err) }, 'inbound SMTP error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
