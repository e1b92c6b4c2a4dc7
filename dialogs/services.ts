import type { KnowledgeBase } from '../knowledge/types';
import type { CaseService } from './cases/caseService';
import type {
  InsightsRecorder,
  Log,
  Mailer,
  PortalDirectory,
  RateLimiter,
} from './ports';

/** Plain settings the dialogs need, taken from the configuration by `bot/index.ts`. */
export interface DialogSettings {
  /** The help desk's address (HELPDESK_EMAIL); its default is in `knowledge/flowFacts.yaml`. */
  helpdeskEmail: string;
  /** `From` of the mail the bot sends (MAIL_FROM). */
  mailFrom: string;
  /** Business hours, for example "Mon-Fri 09:00-17:00" (BUSINESS_HOURS). */
  businessHours: string;
  /** IANA time zone of the business hours (BUSINESS_TIMEZONE). */
  businessTimezone: string;
  /** How soon the help desk usually replies, in business hours, when it has said so (HELPDESK_REPLY_WITHIN_HOURS). */
  replyWithinHours?: number | null;
  /** The per-case reply address template, `case+{id}@…` (INBOUND_ADDRESS), when inbound mail is on. */
  inboundAddress: string | null;
  /** The secret that signs reply addresses (INBOUND_REPLY_SECRET), so they cannot be guessed from a case id. */
  inboundKey?: string;
  /** Largest attachment the upload diagnosis downloads, in bytes (ATTACHMENT_MAX_BYTES). */
  attachmentMaxBytes: number;
}

/**
 * Everything the dialogs use from outside, built once by the composition root
 * (`bot/index.ts`) and passed in through constructors. Tests pass fakes from `test/fakes`.
 */
export interface DialogServices {
  knowledge: KnowledgeBase;
  directory: PortalDirectory;
  mailer: Mailer;
  rateLimiter: RateLimiter;
  /**
   * The dialogs' only way to cases: it reads them and is the one place that changes a case and
   * notifies staff, the patient and the escalation outbox (the store, notifier and outbox are
   * its own, wired in `bot/index.ts`).
   */
  caseService: CaseService;
  /** Where answers, misses and outcomes are recorded for the help desk's insights. */
  insights: InsightsRecorder;
  log: Log;
  settings: DialogSettings;
  /** Downloads an attachment's bytes with a size cap and timeout (transport-specific; in `bot/`). */
  fetchAttachment: AttachmentFetcher;
  /** The current time; tests pass a fixed clock. */
  now: () => Date;
}

/** Result of fetching an attachment: bytes, or an expected failure as a value. */
export type FetchedAttachment =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'too-large' | 'timeout' | 'refused' | 'failed' };

/**
 * Fetches the bytes of a chat attachment (`contentUrl`), in memory only, with a size cap and
 * a timeout. Refuses private and loopback addresses other than the bot's own Direct Line (SSRF).
 */
export type AttachmentFetcher = (contentUrl: string, maxBytes: number) => Promise<FetchedAttachment>;
