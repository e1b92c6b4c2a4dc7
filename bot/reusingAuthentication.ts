import type { Activity } from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';

/** How many Connector clients are kept at most (service URL × audience × app id). */
export const MAX_REUSED_CONNECTORS = 64;

/** The app id a request's claims name, as botbuilder reads it (audience claim, else app id claim). */
function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claims.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** One app id's Connector factory, whose clients are kept in the shared bounded cache. */
class ReusingConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly connectors: Map<string, Promise<ConnectorClient>>,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = `${this.appId}\n${audience ?? ''}\n${serviceUrl}`;
    let client = this.connectors.get(key);
    if (!client) {
      client = this.inner.create(serviceUrl, audience);
      // A failed build (bad credentials) is not kept: the next turn tries again.
      client.catch(() => this.connectors.delete(key));
      if (this.connectors.size >= MAX_REUSED_CONNECTORS) this.connectors.delete(this.connectors.keys().next().value as string);
      this.connectors.set(key, client);
    }
    return client;
  }
}

/**
 * botbuilder's authentication with the clients it builds reused across turns.
 *
 * `CloudAdapter` asks for a new `ConnectorClient` and `UserTokenClient` on every request. Each
 * is a full Azure HTTP pipeline (policies, credentials), built and dropped per turn even when the
 * replies travel in the HTTP response and neither is ever called. The clients keep no per-turn
 * state (the credentials cache their own tokens), so one per service URL, audience and app id
 * serves every turn, as botbuilder's older `BotFrameworkAdapter` did with its connector cache.
 *
 * The cache is bounded: service URLs of `expectReplies` requests are not checked against the
 * allowed list (nothing is called), so a caller could name many; past
 * {@link MAX_REUSED_CONNECTORS} the oldest client is dropped. Building a client calls nothing.
 */
export class ReusingAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly tokenClients = new Map<string, Promise<UserTokenClient>>();
  private readonly factories = new Map<string, ConnectorFactory>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return { ...result, connectorFactory: this.createConnectorFactory(result.claimsIdentity) };
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
    return { ...result, connectorFactory: this.createConnectorFactory(result.claimsIdentity) };
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const appId = appIdOf(claimsIdentity);
    let factory = this.factories.get(appId);
    if (!factory) {
      factory = new ReusingConnectorFactory(this.inner.createConnectorFactory(claimsIdentity), appId, this.connectors);
      // Claims only ever name this bot's app id (or none); the bound only guards against a bug.
      if (this.factories.size >= MAX_REUSED_CONNECTORS) this.factories.clear();
      this.factories.set(appId, factory);
    }
    return factory;
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const appId = appIdOf(claimsIdentity);
    let client = this.tokenClients.get(appId);
    if (!client) {
      client = this.inner.createUserTokenClient(claimsIdentity);
      client.catch(() => this.tokenClients.delete(appId));
      // Claims only ever name this bot's app id (or none); the bound only guards against a bug.
      if (this.tokenClients.size >= MAX_REUSED_CONNECTORS) this.tokenClients.clear();
      this.tokenClients.set(appId, client);
    }
    return client;
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  /** How many Connector clients are kept now (for tests and the health of the bound). */
  get reusedConnectorCount(): number {
    return this.connectors.size;
  }
}
