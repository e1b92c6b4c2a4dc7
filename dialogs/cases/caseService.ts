import type { CaseEvent, CaseNotifier, CaseRecord, CaseStore, EscalationOutbox, Log, NewCase, OutgoingMail, PatientChat } from '../ports';
import { CASE_FEEDBACK_NOT_SOLVED, CASE_FEEDBACK_QUESTION, CASE_FEEDBACK_SOLVED, caseFeedbackActions, type CaseFeedbackAnswer, type CaseRatingAnswer } from './caseFeedback';
import { newCaseId } from './caseId';
import { newCaseRecord } from './caseRecords';
import { errorCode } from '../errorCode';
import { redact } from '../redact';

/** What a {@link CaseService} needs: the ports it changes and notifies. */
export interface CaseServiceOptions {
  cases: CaseStore;
  /** Keeps what staff see current (the Teams card). */
  notifier: CaseNotifier;
  /** The durable queue of escalation emails. */
  escalations: EscalationOutbox;
  /** Proactive messages into the patient's chat. */
  patientChat: PatientChat;
  log: Log;
  now: () => Date;
}

/**
 * What erasing a person's cases needs: the store and the log. The operator's `data:delete`
 * command has no Teams channel, patient chat or outbox worker, and erasing tells nobody.
 */
export type CaseErasureOptions = Pick<CaseServiceOptions, 'cases' | 'log'>;

/** The part of {@link CaseService} that finds and erases a person's cases on their request. */
export type CaseErasure = Pick<CaseService, 'find' | 'findByReplyEmail' | 'erase'>;

/**
 * Stands in for the ports erasure never uses, so a {@link CaseErasure} is a whole case service
 * underneath. Its type hides every method that would reach them; should one be reached all the
 * same, it fails loudly rather than pretend to have told someone.
 */
function notWired(port: string): never {
  throw new Error(`${port} is not wired where cases are only erased`);
}

/** Why a change was not made, as a value: the caller words it for its audience. */
export type CaseRefusal = 'not-found' | 'resolved' | 'claimed-by-other' | 'empty' | 'unreachable';

/** The outcome of a change: the case afterwards, or why nothing changed (with the case when there is one). */
export type CaseChange<T = object> = ({ ok: true; record: CaseRecord } & T) | { ok: false; reason: CaseRefusal; record: CaseRecord | null };

/** A case as {@link CaseService.open} left it. */
export interface OpenedCase {
  record: CaseRecord;
  /** The escalation email, composed for the record's id. */
  mail: OutgoingMail;
  /** `false`: the store failed and `record` carries a locally drawn id (park it until the store is back). */
  stored: boolean;
  /** `false`: the outbox failed and the mail still has to be queued. */
  queued: boolean;
}

/** The signature of a help-desk message: the first name of the person who wrote it. */
function firstNameOf(name: string): string {
  // Directory names may come as "Last, First".
  const [last, rest] = name.split(',', 2);
  const given = rest !== undefined && rest.trim() !== '' ? rest : last;
  return given.trim().split(/\s+/)[0] || name;
}

/**
 * What the patient sees when the help desk writes to them, from Teams or by email: one wording.
 * `text` is already plain and safe for the chat; `signedBy` is the writer's name (`null`: the desk).
 */
export function helpDeskMessageText(caseId: string, text: string, signedBy: string | null): string {
  const signature = signedBy ? `${firstNameOf(signedBy)}, UHS Portal Help Desk` : 'UHS Portal Help Desk';
  return `Message from the UHS help desk about your case ${caseId}:\n\n${text}\n\n— ${signature}`;
}

/** What the patient is told when staff resolve the case, before the one-click question. */
export function resolvedText(caseId: string): string {
  return `The UHS help desk has resolved your case ${caseId}. ${CASE_FEEDBACK_QUESTION}`;
}

/**
 * The one place that changes a case. Each change is one atomic store update with its event,
 * followed by the notifications that belong to it (the Teams card, the patient's chat, the
 * escalation outbox), so every path records and words the same thing. Expected outcomes are
 * values ({@link CaseChange}); a store failure is thrown where the caller must react to it.
 */
export class CaseService {
  constructor(private readonly options: CaseServiceOptions) {}

  /**
   * A case service that can only find and erase cases, for a process with no notifier, patient
   * chat or outbox (the operator's `data:delete` command).
   */
  static forErasure(options: CaseErasureOptions): CaseErasure {
    return new CaseService({
      ...options,
      notifier: { caseCreated: () => notWired('the case notifier'), caseUpdated: () => notWired('the case notifier'), patientMessage: () => notWired('the case notifier') },
      escalations: { kind: 'none', enqueue: () => notWired('the escalation outbox') },
      patientChat: { send: () => notWired('the patient chat') },
      now: () => new Date(),
    });
  }

  /** A case by id as typed: ids are upper case, staff may type them in any case. */
  async find(caseId: string): Promise<CaseRecord | null> {
    return (await this.options.cases.get(caseId)) ?? (await this.options.cases.get(caseId.toUpperCase()));
  }

  /**
   * Opens a case: stores it, queues its escalation email and tells staff. While the store
   * fails the case gets a locally drawn id (`stored: false`); while the outbox fails the mail
   * is not queued (`queued: false`); the caller parks what is missing.
   */
  async open(input: NewCase, composeMail: (record: CaseRecord) => OutgoingMail): Promise<OpenedCase> {
    const { record, stored } = await this.store(input);
    const mail = composeMail(record);
    const queued = await this.queueMail(record.id, mail);
    const cardActivityId = await this.announce(record);
    // While the store is down there is no case to record the card on yet.
    const announced = cardActivityId && stored ? await this.recordCardId(record.id, cardActivityId) : null;
    return { record: announced ?? record, mail, stored, queued };
  }

  /**
   * Stores a case the store could not take when it was opened (see `pendingEscalations.ts`),
   * under the id the patient was given and with its real opening time. Idempotent; a store
   * failure is thrown, so the caller retries.
   */
  async storeParked(id: string, input: NewCase, createdAt: Date): Promise<CaseRecord> {
    return this.options.cases.create(input, { id, createdAt });
  }

  /**
   * Queues a parked case's escalation email (idempotent by case id); an outbox failure is
   * thrown, so the caller retries.
   */
  async queueParkedMail(caseId: string, mail: OutgoingMail): Promise<void> {
    await this.options.escalations.enqueue(caseId, mail);
  }

  /** The conversation's newest case that is not resolved, or `null`. A store failure is thrown. */
  async findOpenByConversation(conversationId: string): Promise<CaseRecord | null> {
    return this.options.cases.findOpenByConversation(conversationId);
  }

  /**
   * The live cases whose reply address is `email` (trimmed, any case), newest first: whose
   * cases they are when a person asks for their data to be deleted. A store failure is thrown.
   */
  async findByReplyEmail(email: string): Promise<CaseRecord[]> {
    return this.options.cases.findByEmail(email);
  }

  /**
   * Erases the case with its index entries: the person's data removed on their request. Nobody
   * is told (the case no longer exists to be shown), and no event is kept of it, since an event
   * would be the case's own data. Returns whether there was such a case; a store failure is
   * thrown, so the caller can run it again.
   */
  async erase(caseId: string): Promise<boolean> {
    const erased = await this.options.cases.delete(caseId);
    if (erased) this.options.log.info({ event: 'case-erased', caseId }, 'case erased on request');
    return erased;
  }

  /** The patient asked again while a case is open: their words join it as a `patient-message` event. */
  async addPatientMessage(caseId: string, redactedText: string): Promise<CaseRecord | null> {
    let record: CaseRecord | null = null;
    try {
      record = await this.options.cases.update(caseId, (c) => this.withEvent(c, 'patient-message', 'patient', redactedText));
    } catch (err) {
      this.options.log.warn({ event: 'handoff-add-failed', caseId, code: errorCode(err) }, 'could not add to the open case');
    }
    if (record) await this.notify('caseUpdated', record);
    return record;
  }

  /**
   * While the case is claimed, relays what the patient wrote (already redacted) to the staff
   * member's thread. Returns whether the case is still open (`false`: resolved or gone).
   */
  async relayToStaff(caseId: string, redactedText: string): Promise<boolean> {
    const record = await this.options.cases.get(caseId);
    if (!record || record.status === 'resolved') return false;
    if (record.status === 'claimed') await this.options.notifier.patientMessage(record, redactedText);
    return true;
  }

  /** Marks the case as `staffName`'s. Someone else's claim is kept, not taken over. */
  async claim(caseId: string, staffName: string): Promise<CaseChange<{ already: boolean }>> {
    const current = await this.find(caseId);
    if (!current) return { ok: false, reason: 'not-found', record: null };
    // Decided inside the atomic update (a store may run `change` again on a conflict).
    const decision: { refusal: CaseRefusal | null; already: boolean } = { refusal: null, already: false };
    const record = await this.options.cases.update(current.id, (c) => {
      decision.refusal = c.status === 'resolved' ? 'resolved' : c.claimedBy && c.claimedBy !== staffName ? 'claimed-by-other' : null;
      decision.already = c.claimedBy === staffName;
      return decision.refusal || decision.already ? c : this.claimed(c, staffName);
    });
    if (!record) return { ok: false, reason: 'not-found', record: null };
    if (decision.refusal) return { ok: false, reason: decision.refusal, record };
    await this.notify('caseUpdated', record);
    return { ok: true, record, already: decision.already };
  }

  /**
   * A staff reply from Teams: sent to the patient's chat first (it is the only channel), and
   * recorded only once it arrived. Replying to an open case also claims it, so the patient's
   * answer comes back to the staff member's thread. `text` is already safe for the chat.
   */
  async reply(caseId: string, staffName: string, text: string): Promise<CaseChange> {
    const current = await this.find(caseId);
    if (!current) return { ok: false, reason: 'not-found', record: null };
    if (text === '') return { ok: false, reason: 'empty', record: current };
    if (current.status === 'resolved') return { ok: false, reason: 'resolved', record: current };
    if (!(await this.tellPatient(current, { type: 'message', textFormat: 'plain', text: helpDeskMessageText(current.id, text, staffName) }))) {
      return { ok: false, reason: 'unreachable', record: current };
    }
    const record = await this.options.cases.update(current.id, (c) => this.withEvent(c.status === 'open' ? this.claimed(c, staffName) : c, 'reply', staffName, redact(text)));
    if (!record) return { ok: false, reason: 'not-found', record: null };
    await this.notify('caseUpdated', record);
    return { ok: true, record };
  }

  /**
   * A help-desk reply by email (already authenticated and stripped to safe plain text):
   * recorded first, because it reached the patient's email too; then relayed to the chat,
   * where a failure is only logged. A store failure is thrown (the sender should retry).
   */
  async replyByEmail(caseId: string, senderName: string | null, text: string): Promise<CaseChange<{ relayed: boolean }>> {
    const record = await this.options.cases.update(caseId, (c) => this.withEvent(c, 'reply', senderName ?? 'Help desk', redact(text)));
    if (!record) return { ok: false, reason: 'not-found', record: null };
    await this.notify('caseUpdated', record);
    const relayed = await this.tellPatient(record, { type: 'message', textFormat: 'plain', text: helpDeskMessageText(record.id, text, senderName) });
    return { ok: true, record, relayed };
  }

  /** Closes the case and asks the patient, with one click, whether it solved the problem. */
  async resolve(caseId: string, staffName: string): Promise<CaseChange<{ patientAsked: boolean }>> {
    const current = await this.find(caseId);
    if (!current) return { ok: false, reason: 'not-found', record: null };
    const decision = { alreadyResolved: false };
    const record = await this.options.cases.update(current.id, (c) => {
      decision.alreadyResolved = c.status === 'resolved';
      return decision.alreadyResolved ? c : { ...this.withEvent(c, 'resolved', staffName), status: 'resolved' };
    });
    if (!record) return { ok: false, reason: 'not-found', record: null };
    if (decision.alreadyResolved) return { ok: false, reason: 'resolved', record };
    await this.notify('caseUpdated', record);
    const patientAsked = await this.tellPatient(record, {
      type: 'message',
      text: resolvedText(record.id),
      suggestedActions: { to: [], actions: caseFeedbackActions(record.id) },
    });
    return { ok: true, record, patientAsked };
  }

  /**
   * Stores the patient's answer to "Did this solve it?" as a `feedback` event. Only the case's
   * own conversation may answer (a crafted `value` cannot touch another patient's case);
   * otherwise, or without a case id, it returns `null` and changes nothing.
   */
  async feedback(answer: CaseFeedbackAnswer, conversationId: string): Promise<CaseRecord | null> {
    return this.patientFeedback(answer.caseId, conversationId, answer.solved ? CASE_FEEDBACK_SOLVED : CASE_FEEDBACK_NOT_SOLVED);
  }

  /** Stores a 1–5 rating of the help desk as a `feedback` event; like {@link feedback}, only from the case's conversation. */
  async rating(answer: CaseRatingAnswer, conversationId: string): Promise<CaseRecord | null> {
    return this.patientFeedback(answer.caseId, conversationId, `rating ${answer.rating} of 5`);
  }

  /**
   * Records what became of the escalation email (`escalated` or `mail-failed`), so staff
   * looking at a case see whether it went out. Never throws: the outbox must keep running
   * whatever the store does. The card shows no mail state, so it is not updated.
   */
  async mailOutcome(caseId: string, outcome: { delivered: true } | { delivered: false; attempts: number }): Promise<void> {
    const [type, detail]: [CaseEvent['type'], string] = outcome.delivered
      ? ['escalated', 'escalation email sent to the help desk']
      : ['mail-failed', `escalation email failed after ${outcome.attempts} attempts`];
    try {
      await this.options.cases.update(caseId, (c) => this.withEvent(c, type, 'bot', detail));
    } catch (err) {
      this.options.log.warn({ caseId, code: errorCode(err) }, 'could not record the mail outcome on the case');
    }
  }

  private async patientFeedback(caseId: string | null, conversationId: string, detail: string): Promise<CaseRecord | null> {
    if (!caseId) return null;
    const current = await this.options.cases.get(caseId);
    if (!current || current.conversationReference.conversation?.id !== conversationId) return null;
    const updated = await this.options.cases.update(caseId, (c) => this.withEvent(c, 'feedback', 'patient', detail));
    if (updated) await this.notify('caseUpdated', updated);
    return updated;
  }

  /** Stores the case; while the store fails, a local record under a locally drawn id. */
  private async store(input: NewCase): Promise<{ record: CaseRecord; stored: boolean }> {
    try {
      return { record: await this.options.cases.create(input), stored: true };
    } catch (err) {
      const id = newCaseId();
      this.options.log.error({ event: 'case-store-failed', caseId: id, code: errorCode(err) }, 'case store failed; using a local case number');
      return { record: newCaseRecord(input, id, this.options.now()), stored: false };
    }
  }

  /** Queues the escalation email; `false` when the outbox is unavailable. */
  private async queueMail(caseId: string, mail: OutgoingMail): Promise<boolean> {
    try {
      await this.options.escalations.enqueue(caseId, mail);
      return true;
    } catch (err) {
      this.options.log.error({ event: 'outbox-failed', caseId, code: errorCode(err) }, 'escalation outbox failed; parking the email');
      return false;
    }
  }

  /** Tells staff about a new case; returns the id of the card posted, if any. A failure never fails the case. */
  private async announce(record: CaseRecord): Promise<string | null> {
    try {
      return await this.options.notifier.caseCreated(record);
    } catch (err) {
      this.options.log.warn({ event: 'notifier-failed', caseId: record.id, code: errorCode(err) }, 'case notifier failed');
      return null;
    }
  }

  /**
   * Records the staff card's id on the case, so later updates replace that card in place.
   * Returns the case as stored, or `null` when it could not be recorded (the card then stays
   * as posted; the case itself is unaffected).
   */
  private async recordCardId(caseId: string, cardActivityId: string): Promise<CaseRecord | null> {
    try {
      return await this.options.cases.update(caseId, (c) => ({ ...c, cardActivityId }));
    } catch (err) {
      this.options.log.warn({ event: 'card-id-not-recorded', caseId, code: errorCode(err) }, 'could not record the card id on the case');
      return null;
    }
  }

  /** Tells staff; notifiers should not throw, and a failure here must never fail the change. */
  private async notify(what: 'caseUpdated', record: CaseRecord): Promise<void> {
    try {
      await this.options.notifier[what](record);
    } catch (err) {
      this.options.log.warn({ event: 'notifier-failed', caseId: record.id, code: errorCode(err) }, 'case notifier failed');
    }
  }

  /** Sends to the patient's conversation; a failure is an expected outcome (the chat may be gone). */
  private async tellPatient(record: CaseRecord, activity: Parameters<PatientChat['send']>[1]): Promise<boolean> {
    try {
      await this.options.patientChat.send(record.conversationReference, activity);
      return true;
    } catch (err) {
      this.options.log.warn({ caseId: record.id, error: (err as Error)?.name, statusCode: (err as { statusCode?: number })?.statusCode }, 'patient chat unreachable');
      return false;
    }
  }

  private claimed(c: CaseRecord, staffName: string): CaseRecord {
    return { ...this.withEvent(c, 'claimed', staffName), status: 'claimed', claimedBy: staffName };
  }

  private withEvent(c: CaseRecord, type: CaseEvent['type'], by: string, detail?: string): CaseRecord {
    const event: CaseEvent = { type, by, ...(detail === undefined ? {} : { detail }), at: this.options.now().toISOString() };
    return { ...c, events: [...c.events, event] };
  }
}
