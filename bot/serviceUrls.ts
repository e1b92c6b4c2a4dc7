/**
 * Which `serviceUrl`s the bot may call. An activity names the URL its replies go to, and a
 * case keeps it for proactive messages, so without this check anyone who can post an activity
 * could make the bot POST to an address of their choosing (blind SSRF). The policy holds with
 * authentication on and off; with it on, Azure's token also binds the URL to the channel.
 */

/**
 * Hosts of the Bot Framework channel services (Teams in each cloud, Direct Line, Web Chat, the
 * other Azure channels). Allowed only when the bot has an app id, because only then do its
 * requests come from those services.
 */
export const CHANNEL_HOST_SUFFIXES: readonly string[] = [
  'botframework.com',
  'botframework.azure.us',
  'smba.trafficmanager.net',
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
];

/** Options of {@link ServiceUrlPolicy}. */
export interface ServiceUrlPolicyOptions {
  /** ALLOWED_SERVICE_URLS: each one allows its origin (scheme, host and port). */
  allowed: readonly string[];
  /** Whether the Bot Framework channel hosts are allowed (an app id is set). */
  channelHosts: boolean;
  /**
   * The local Direct Line's Connector URL, known once the server listens (`undefined` before,
   * or when the local Direct Line is off). Allowed as a prefix, not as an origin: the origin
   * is the bot's own server, whose other routes are no reply target.
   */
  localConnector?: () => string | undefined;
}

/** Parses `url`; `undefined` when it is not an absolute http(s) URL. */
function httpUrl(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `url`'s host is one of {@link CHANNEL_HOST_SUFFIXES} or below one, over https. */
export function isChannelServiceUrl(url: string): boolean {
  const parsed = httpUrl(url);
  if (!parsed || parsed.protocol !== 'https:' || parsed.port !== '') return false;
  const host = parsed.hostname.toLowerCase();
  return CHANNEL_HOST_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}

/** The allow-list of reply and proactive targets. */
export class ServiceUrlPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(private readonly options: ServiceUrlPolicyOptions) {
    this.origins = new Set(options.allowed.map((u) => httpUrl(u)?.origin).filter((o): o is string => o !== undefined));
  }

  /** Whether the bot may send to `serviceUrl`. */
  allows(serviceUrl: string | undefined): boolean {
    if (typeof serviceUrl !== 'string') return false;
    const parsed = httpUrl(serviceUrl);
    if (!parsed || parsed.username || parsed.password) return false;
    const local = this.options.localConnector?.();
    if (local) {
      const prefix = local.replace(/\/+$/, '');
      const href = parsed.href.replace(/\/+$/, '');
      if (href === prefix || href.startsWith(`${prefix}/`)) return true;
    }
    if (this.origins.has(parsed.origin)) return true;
    return this.options.channelHosts && isChannelServiceUrl(serviceUrl);
  }
}
