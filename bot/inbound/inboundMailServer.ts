import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { authenticate, type DNSResolver } from 'mailauth';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { CaseRecord, Log } from '../../dialogs/ports';
import { silentLog } from '../../dialogs/ports';
import type { CaseService } from '../../dialogs/cases/caseService';
import { caseIdFromAddress } from '../../dialogs/cases/caseId';
import { errorCode } from '../../dialogs/errorCode';
import { htmlToPlainText, MAX_REPLY_LENGTH, stripQuotedReply } from './replyText';
import { staffTextForChat } from '../staffText';
import type { Config } from '../config';

/**
 * Help-desk replies by email, relayed into the patient's chat.
 *
 * The escalation email's `Reply-To` holds the case address (`case+<id>.<signature>@…`,
 * INBOUND_ADDRESS, signed with INBOUND_REPLY_SECRET so it cannot be derived from the short case
 * id). The organisation's MX (or a forwarding rule) delivers mail for that address to this SMTP
 * listener (INBOUND_SMTP_PORT, off by default; on 127.0.0.1 unless INBOUND_SMTP_HOST says
 * otherwise). A message is relayed only when
 * - the `From` domain is authenticated: DMARC passes (SPF or DKIM aligned with it), checked with
 *   mailauth; a claimed domain alone is forgeable;
 * - the envelope sender and the `From` header are in an allowed domain (INBOUND_ALLOWED_DOMAINS,
 *   subdomains included);
 * - the recipient is the signed address of an existing case.
 * Every RCPT gets the same answer, so the listener tells nobody which cases exist; mail for a
 * wrong address is accepted and dropped. Messages per client and replies per case are
 * rate-limited, and messages are capped in size. The relayed text is the new part of the
 * reply (quoted history and signature stripped), as plain text with links only to allowed
 * domains; the {@link CaseService} records it on the case (redacted), updates the Teams card
 * and relays it. A refused message changes nothing: no event, no relay.
 */

/** Options for {@link startInboundMailServer}. */
export interface InboundMailOptions {
  /** Port to listen on (INBOUND_SMTP_PORT); 0 picks a free one (tests). */
  port: number;
  /** Interface to listen on (INBOUND_SMTP_HOST); default 127.0.0.1. */
  host?: string;
  /** The case address template, `case+{id}@…` (INBOUND_ADDRESS). */
  addressTemplate: string;
  /** The secret the case addresses are signed with (INBOUND_REPLY_SECRET). */
  replyKey: string;
  /** DNS lookups of the SPF/DKIM/DMARC checks; default the system resolver (tests serve a zone of their own). */
  resolver?: DNSResolver;
  /** Messages accepted per client IP per minute (default 30). */
  messagesPerClientPerMinute?: number;
  /** Replies relayed per case per hour (default 10). */
  repliesPerCasePerHour?: number;
  /** Sender domains accepted (INBOUND_ALLOWED_DOMAINS); subdomains are accepted too. */
  allowedDomains: string[];
  /** Finds the case, records the reply, updates the card and relays it to the patient's chat. */
  cases: Pick<CaseService, 'find' | 'replyByEmail'>;
  log?: Log;
  /** Largest message accepted, in bytes (default 512 KiB: a reply, not attachments). */
  maxMessageBytes?: number;
  /** Longest text relayed, in characters (default {@link MAX_REPLY_LENGTH}). */
  maxReplyLength?: number;
}

/** A running inbound listener. */
export interface InboundMailServer {
  port: number;
  /** The interface it listens on. */
  address: string;
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
    if (typeof value === 'string') return value.toLowerCase();
    const inner = (value as { value?: unknown } | undefined)?.value;
    return typeof inner === 'string' ? inner.toLowerCase() : '';
  };
  const autoSubmitted = header('auto-submitted');
  return (
    (autoSubmitted !== '' && autoSubmitted !== 'no') ||
    parsed.headers.has('x-autoreply') ||
    parsed.headers.has('x-autorespond') ||
    ['bulk', 'junk', 'list', 'auto_reply'].includes(header('precedence'))
  );
}

/** Recipients per message at most (a reply goes to one case). */
const MAX_RECIPIENTS = 5;

/** Starts the inbound listener; resolves once it listens. */
export async function startInboundMailServer(options: InboundMailOptions): Promise<InboundMailServer> {
  const log = options.log ?? silentLog;
  const caseIdOf = (address: string) => caseIdFromAddress(address, options.addressTemplate, options.replyKey);
  const perClient = new RateLimiterMemory({ points: options.messagesPerClientPerMinute ?? 30, duration: 60 });
  const perCase = new RateLimiterMemory({ points: options.repliesPerCasePerHour ?? 10, duration: 3600 });
  const linkDomains = options.allowedDomains;

  const server = new SMTPServer({
    // A relay from the organisation's MX: no login; TLS is the MX's business.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.maxMessageBytes ?? 512 * 1024,
    maxClients: 20,
    logger: false,
    banner: 'UHS Portal Help bot: help-desk replies only',

    onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      perClient.consume(session.remoteAddress).then(
        () => {
          if (!isAllowedSender(address.address, options.allowedDomains)) {
            log.info({ event: 'inbound-refused', reason: 'sender-domain' }, 'inbound mail refused');
            return callback(smtpError(550, '5.7.1 Sender not allowed to reply to cases'));
          }
          callback();
        },
        () => {
          log.info({ event: 'inbound-refused', reason: 'client-rate' }, 'inbound mail refused');
          callback(smtpError(421, '4.7.0 Too many messages, try again later'));
        },
      );
    },

    onRcptTo(_address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      // The same answer for every address: which cases exist is nobody's business. Mail for a
      // wrong or unsigned address is dropped after DATA.
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(smtpError(452, '4.5.3 Too many recipients'));
      callback();
    },

    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, '5.3.4 Message too big for a reply'));
        handleMessage(Buffer.concat(chunks), session).then(() => callback(), (err: Error) => callback(err));
      });
    },
  });

  /** Whether DMARC passes for the message's `From` domain (SPF or DKIM aligned with it). */
  async function fromAuthenticated(raw: Buffer, session: SMTPServerSession): Promise<boolean> {
    try {
      const result = await authenticate(raw, {
        ip: session.remoteAddress,
        helo: session.hostNameAppearsAs,
        sender: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        resolver: options.resolver,
        disableArc: true,
        disableBimi: true,
      });
      return result.dmarc !== false && result.dmarc.status.result === 'pass';
    } catch (err) {
      log.warn({ event: 'inbound-auth-error', code: errorCode(err) }, 'could not check the sender');
      return false;
    }
  }

  /** Authenticates, parses, checks the From header, strips the quotes, records the event, relays. */
  async function handleMessage(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const parsed = await simpleParser(raw);
    const senders = parsed.from?.value ?? [];
    const from = senders[0];
    if (senders.length !== 1 || !from?.address || !isAllowedSender(from.address, options.allowedDomains)) {
      log.info({ event: 'inbound-refused', reason: 'from-header' }, 'inbound mail refused');
      throw smtpError(550, '5.7.1 From address not allowed to reply to cases');
    }
    if (!(await fromAuthenticated(raw, session))) {
      log.info({ event: 'inbound-refused', reason: 'dmarc' }, 'inbound mail refused');
      throw smtpError(550, '5.7.1 Sender not authenticated (DMARC)');
    }
    const caseIds = [...new Set(session.envelope.rcptTo.map((r) => caseIdOf(r.address)).filter((id): id is string => !!id))];
    if (caseIds.length < session.envelope.rcptTo.length) log.info({ event: 'inbound-ignored', reason: 'bad-address' }, 'mail for a wrong case address dropped');
    if (isAutomatic(parsed)) {
      log.info({ event: 'inbound-ignored', reason: 'automatic', cases: caseIds.length }, 'automatic reply ignored');
      return;
    }
    const body = parsed.text?.trim() ? parsed.text : typeof parsed.html === 'string' ? htmlToPlainText(parsed.html) : '';
    const text = staffTextForChat(stripQuotedReply(body, options.maxReplyLength ?? MAX_REPLY_LENGTH), linkDomains);
    if (!text) {
      log.info({ event: 'inbound-ignored', reason: 'empty', cases: caseIds.length }, 'reply without new text ignored');
      return;
    }
    const senderName = from.name?.trim().slice(0, 100) || null;
    for (const id of caseIds) {
      let existing: CaseRecord | null;
      try {
        existing = await options.cases.find(id);
      } catch {
        // The store is down: ask the sending server to try again later rather than lose the reply.
        throw smtpError(451, '4.3.0 Case store unavailable, try again later');
      }
      if (!existing) {
        log.info({ event: 'inbound-ignored', reason: 'unknown-case' }, 'mail for an unknown case dropped');
        continue;
      }
      try {
        await perCase.consume(id);
      } catch {
        log.info({ event: 'inbound-ignored', reason: 'case-rate', caseId: id }, 'too many replies to one case; dropped');
        continue;
      }
      let result: Awaited<ReturnType<CaseService['replyByEmail']>>;
      try {
        result = await options.cases.replyByEmail(id, senderName, text);
      } catch {
        throw smtpError(451, '4.3.0 Case store unavailable, try again later');
      }
      // Not relayed: the reply is on the case and went to the patient's email too (Reply-To),
      // so the sending server must not retry and record it twice.
      if (result.ok) log.info({ event: result.relayed ? 'inbound-reply' : 'inbound-relay-failed', caseId: id }, result.relayed ? 'help-desk reply relayed to the chat' : 'could not relay the reply to the chat');
    }
  }

  server.on('error', (err) => log.warn({ event: 'inbound-error', code: errorCode(err) }, 'inbound SMTP error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.server.address() as AddressInfo;
  return {
    port,
    address,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Starts the listener as the configuration says (INBOUND_SMTP_PORT, INBOUND_SMTP_HOST,
 * INBOUND_ADDRESS, INBOUND_REPLY_SECRET, INBOUND_ALLOWED_DOMAINS), or resolves with `null` when
 * inbound mail is off. The configuration guarantees the secret whenever the port is set.
 */
export async function startConfiguredInboundMail(
  config: Pick<Config, 'INBOUND_SMTP_PORT' | 'INBOUND_SMTP_HOST' | 'INBOUND_ADDRESS' | 'INBOUND_REPLY_SECRET' | 'INBOUND_ALLOWED_DOMAINS'>,
  cases: InboundMailOptions['cases'],
  options: { log: Log; resolver?: DNSResolver },
): Promise<InboundMailServer | null> {
  if (config.INBOUND_SMTP_PORT === undefined || !config.INBOUND_REPLY_SECRET) return null;
  return startInboundMailServer({
    port: config.INBOUND_SMTP_PORT,
    host: config.INBOUND_SMTP_HOST,
    cases,
    addressTemplate: config.INBOUND_ADDRESS,
    replyKey: config.INBOUND_REPLY_SECRET,
    resolver: options.resolver,
    allowedDomains: config.INBOUND_ALLOWED_DOMAINS,
    log: options.log,
  });
}
