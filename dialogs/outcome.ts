/**
 * What a troubleshooting dialog returns to its parent when it ends. The main dialog starts
 * the handoff on `handoff` and carries `diagnostics` into the case.
 */
export type DialogOutcome =
  | { outcome: 'done'; dialog: string }
  | { outcome: 'cancelled'; dialog: string }
  | {
      outcome: 'handoff';
      dialog: string;
      /** Why: the user asked, the re-prompt limit, the portal unavailable, "still failing", a limit. */
      reason: 'user-asked' | 'reprompt-limit' | 'unavailable' | 'still-failing' | 'limit-reached';
      /** Diagnostics carried into the case (for example the upload diagnosis). No dates of birth. */
      diagnostics?: Record<string, unknown>;
    };

/** Type guard for a {@link DialogOutcome} coming back from `endDialog`. */
export function isDialogOutcome(value: unknown): value is DialogOutcome {
  return typeof value === 'object' && value !== null && 'outcome' in value && 'dialog' in value;
}

/** A handoff outcome of `dialogId`. */
export function handoff(dialogId: string, reason: Extract<DialogOutcome, { outcome: 'handoff' }>['reason'], diagnostics?: Record<string, unknown>): DialogOutcome {
  return { outcome: 'handoff', dialog: dialogId, reason, diagnostics };
}

/** The outcome of a dialog that did its job. */
export function done(dialogId: string): DialogOutcome {
  return { outcome: 'done', dialog: dialogId };
}
