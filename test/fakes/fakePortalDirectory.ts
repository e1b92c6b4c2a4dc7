import type { DirectoryLookup, DirectoryRecord, PortalDirectory, PortalResetResult } from '../../dialogs/ports';

/**
 * An in-memory portal directory for dialog tests. `available = false` simulates an outage;
 * `resetResult` sets what a portal-side reset answers (`unsupported` like the CSV adapter).
 */
export class FakePortalDirectory implements PortalDirectory {
  readonly kind = 'fake';
  available = true;
  resetResult: PortalResetResult = 'unsupported';
  readonly resetRequests: string[] = [];

  constructor(public records: DirectoryRecord[] = []) {}

  async lookup(email: string, dob: string): Promise<DirectoryLookup> {
    if (!this.available) return { status: 'unavailable' };
    const record = this.records.find((r) => r.email.trim().toLowerCase() === email.trim().toLowerCase() && r.dob === dob);
    return record ? { status: 'found', record } : { status: 'not-found' };
  }

  async findByEmail(email: string): Promise<DirectoryLookup> {
    if (!this.available) return { status: 'unavailable' };
    const record = this.records.find((r) => r.email.trim().toLowerCase() === email.trim().toLowerCase());
    return record ? { status: 'found', record } : { status: 'not-found' };
  }

  async requestPasswordReset(email: string): Promise<PortalResetResult> {
    if (!this.available) return 'unavailable';
    this.resetRequests.push(email);
    return this.resetResult;
  }
}
