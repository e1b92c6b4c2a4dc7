/** Who a directory record belongs to: UMass (has a NetID), Hampshire College, or anyone else. */
export type Affiliation = 'umass' | 'hampshire' | 'other';

/** One patient record as the portal directory knows it. */
export interface DirectoryRecord {
  /** The email address UHS has on file (as stored; compare case-insensitively). */
  email: string;
  /** Date of birth, `MM/DD/YYYY`. */
  dob: string;
  /** The portal username, or `null` while the person has no portal account. */
  portalUsername: string | null;
  affiliation: Affiliation;
}

/**
 * The result of a directory lookup. "Not found" and "unavailable" are expected outcomes,
 * returned rather than thrown, so that dialogs can answer the same way in every case.
 */
export type DirectoryLookup =
  | { status: 'found'; record: DirectoryRecord }
  | { status: 'not-found' }
  | { status: 'unavailable' };

/** What happened to a password-reset request handed to the portal itself. */
export type PortalResetResult = 'requested' | 'not-found' | 'unavailable' | 'unsupported';

/**
 * The portal's patient directory, owned by the dialogs. Adapters (CSV file, HTTP portal API)
 * live in `bot/adapters`.
 */
export interface PortalDirectory {
  /** Finds a record by email (trimmed, case-insensitive) and date of birth (`MM/DD/YYYY`). */
  lookup(email: string, dob: string): Promise<DirectoryLookup>;
  /** Finds a record by email alone (used by the password reset, whose mail only goes to that address). */
  findByEmail(email: string): Promise<DirectoryLookup>;
  /**
   * Asks the portal to send its own password-reset email. Adapters without a portal behind
   * them answer `unsupported`, and the dialog mails the username and Forgot Password link itself.
   */
  requestPasswordReset(email: string): Promise<PortalResetResult>;
  /** Which adapter is in use, for /healthz. */
  readonly kind: string;
}
