import { z } from 'zod';
import type { CaseRecord } from '../../dialogs/ports';

/**
 * The zod schema of a stored {@link CaseRecord}. Adapters validate what they read back from
 * storage with it, so a corrupt or foreign value surfaces as "no such case" (and a log line)
 * instead of crashing a turn or leaking into an email.
 */

const isoDate = z.iso.datetime();

const transcriptLineSchema = z.object({
  from: z.enum(['user', 'bot', 'staff']),
  text: z.string(),
  at: isoDate,
});

const caseEventSchema = z.object({
  type: z.enum(['created', 'escalated', 'claimed', 'reply', 'patient-message', 'resolved', 'feedback', 'mail-failed', 'access']),
  by: z.string(),
  detail: z.string().optional(),
  at: isoDate,
});

/** A conversation reference is botbuilder's to define: check the parts replies rely on, keep the rest. */
const conversationReferenceSchema = z.looseObject({
  conversation: z.looseObject({ id: z.string() }).optional(),
  serviceUrl: z.string().optional(),
  channelId: z.string().optional(),
});

/** The schema of a {@link CaseRecord} read back from storage. */
export const caseRecordSchema = z.object({
  id: z.string().min(1),
  status: z.enum(['open', 'claimed', 'resolved']),
  topic: z.string(),
  intent: z.string().nullable(),
  summary: z.string(),
  replyEmail: z.string().nullable(),
  transcriptConsent: z.boolean(),
  diagnostics: z.record(z.string(), z.unknown()),
  transcript: z.array(transcriptLineSchema),
  conversationReference: conversationReferenceSchema,
  claimedBy: z.string().nullable(),
  cardActivityId: z.string().nullable(),
  events: z.array(caseEventSchema),
  createdAt: isoDate,
  updatedAt: isoDate,
});

/** Parses stored JSON into a {@link CaseRecord}, or `null` when it is not valid JSON or not a case. */
export function parseCaseRecord(raw: string): CaseRecord | null {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const result = caseRecordSchema.safeParse(json);
  return result.success ? (result.data as CaseRecord) : null;
}
