import { Channels, type Activity } from 'botbuilder';

/** A staff member as a Teams activity names them. */
export interface StaffMember {
  /** Display name, shown on the case card and in the case events. */
  name: string;
  /** Azure AD object id, or `null` when the channel does not send one. */
  aadObjectId: string | null;
}

/** The Teams tenant an activity comes from (`channelData.tenant.id`), if any. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const id = channelData?.tenant?.id;
  return typeof id === 'string' ? id : undefined;
}

/** The sender of an activity as a {@link StaffMember}. */
export function staffMemberOf(activity: Partial<Activity>): StaffMember {
  return { name: activity.from?.name?.trim() || 'UHS help desk', aadObjectId: activity.from?.aadObjectId ?? null };
}

/**
 * The first name to sign a reply with. Directory names come as "First Last" or, in many
 * Azure AD tenants, "Last, First".
 */
export function firstNameOf(name: string): string {
  const [last, rest] = name.split(',', 2);
  const given = rest !== undefined && rest.trim() !== '' ? rest : last;
  return given.trim().split(/\s+/)[0] || name;
}

/**
 * Who counts as staff. Staff are the members of the university's own Teams tenant
 * (`MicrosoftAppTenantId`); without a configured tenant nobody is staff, because a
 * multi-tenant bot registration can be installed from any tenant. The portal lookup
 * additionally needs the sender's AAD object id on `STAFF_AAD_IDS`.
 *
 * The tenant and AAD ids are whatever the activity says, so they mean something only when
 * Azure's token vouches for the activity: without authentication (no `MicrosoftAppId`)
 * nobody is staff, whatever the tenant.
 */
export class StaffPolicy {
  private readonly lookupAllowList: ReadonlySet<string>;

  /**
   * @param tenantId `MicrosoftAppTenantId`, the staff tenant.
   * @param staffAadIds `STAFF_AAD_IDS`, who may use the portal account lookup.
   * @param authenticated Whether requests are authenticated (`MicrosoftAppId` is set).
   */
  constructor(
    private readonly tenantId: string | undefined,
    staffAadIds: readonly string[],
    private readonly authenticated: boolean,
  ) {
    this.lookupAllowList = new Set(staffAadIds.map((id) => id.toLowerCase()));
  }

  /** Whether staff features can work at all (a tenant is configured and requests are authenticated). */
  get configured(): boolean {
    return Boolean(this.tenantId) && this.authenticated;
  }

  /** Whether the activity comes from Microsoft Teams in the staff tenant. */
  isStaff(activity: Partial<Activity>): boolean {
    return activity.channelId === Channels.Msteams && this.configured && tenantOf(activity)?.toLowerCase() === this.tenantId!.toLowerCase();
  }

  /** Whether the sender may look up portal accounts: staff and on the allow-list. */
  mayLookUp(activity: Partial<Activity>): boolean {
    const aadObjectId = activity.from?.aadObjectId?.toLowerCase();
    return this.isStaff(activity) && aadObjectId !== undefined && this.lookupAllowList.has(aadObjectId);
  }
}
