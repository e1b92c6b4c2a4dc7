import type { Affiliation, CaseStore, Log, PortalDirectory } from '../../dialogs/ports';
import { parseDob, parseEmail } from '../../dialogs/prompts/validation';
import type { StaffMember } from './staffPolicy';

/** The case-store setting key of the access log (who looked up a portal account, and when). */
export const ACCESS_LOG_SETTING = 'teams.accessLog';

/** How many access-log entries are kept (the oldest are dropped). */
export const ACCESS_LOG_LIMIT = 1000;

/** One access: who and when, never whose record (no email, no date of birth, no outcome). */
export interface AccessLogEntry {
  type: 'access';
  what: 'portal-lookup';
  /** The staff member's display name. */
  by: string;
  /** The staff member's AAD object id. */
  aadObjectId: string | null;
  /** ISO 8601 timestamp. */
  at: string;
}

/** What staff read about each affiliation (how that person signs in to the portal). */
const AFFILIATION_NOTE: Record<Affiliation, string> = {
  umass: 'UMass (signs in with NetID single sign-on)',
  hampshire: 'Hampshire College (no NetID: signs in with a portal username and password)',
  other: 'other (no NetID: signs in with a portal username and password)',
};

const USAGE = 'Usage: lookup <email> <MM/DD/YYYY>';

/**
 * The staff-only portal account lookup, for a patient on the phone. The caller has already
 * checked that the sender may use it (Teams, staff tenant, allow-list). Every lookup is
 * recorded in the access log before the directory is asked.
 */
export class StaffLookup {
  constructor(
    private readonly directory: PortalDirectory,
    private readonly cases: CaseStore,
    private readonly log: Log,
    private readonly now: () => Date,
  ) {}

  /** Looks the account up and returns the answer for the staff member. */
  async lookup(emailText: string | null, dobText: string | null, staff: StaffMember): Promise<string> {
    if (emailText === null || dobText === null) return USAGE;
    const email = parseEmail(emailText);
    if (!email.ok) return `${email.problem} ${USAGE}`;
    const dob = parseDob(dobText, this.now());
    if (!dob.ok) return `${dob.problem} ${USAGE}`;

    await this.recordAccess(staff);
    const result = await this.directory.lookup(email.email, dob.dob);
    this.log.info({ event: 'staff-lookup', staff: staff.aadObjectId, directory: this.directory.kind }, 'staff portal lookup');
    switch (result.status) {
      case 'found': {
        const { portalUsername, affiliation } = result.record;
        return portalUsername
          ? `Portal account: yes. Username: ${portalUsername}. Affiliation: ${AFFILIATION_NOTE[affiliation]}.`
          : `A UHS record matches, but no portal account has been created yet. Affiliation: ${AFFILIATION_NOTE[affiliation]}.`;
      }
      case 'not-found':
        return 'No UHS record matches that email and date of birth. The email must be the one UHS has on file.';
      case 'unavailable':
        return 'The portal directory is unavailable right now. Try again in a few minutes.';
    }
  }

  /**
   * Appends to the access log. A read-modify-write of one setting: two lookups in the same
   * instant on two instances could drop one entry, an accepted limit of the settings port
   * (the structured log line above is the second record).
   */
  private async recordAccess(staff: StaffMember): Promise<void> {
    const entry: AccessLogEntry = { type: 'access', what: 'portal-lookup', by: staff.name, aadObjectId: staff.aadObjectId, at: this.now().toISOString() };
    const log = (await this.cases.getSetting<AccessLogEntry[]>(ACCESS_LOG_SETTING)) ?? [];
    await this.cases.setSetting(ACCESS_LOG_SETTING, [...log, entry].slice(-ACCESS_LOG_LIMIT));
  }
}
