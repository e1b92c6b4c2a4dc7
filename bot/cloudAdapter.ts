import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ChannelFormattingAdapter } from './channelText';
import { ReusingAuthentication } from './reusingAuthentication';
import type { Logger } from 'pino';
import type { Config } from './config';

/**
 * The Bot Framework adapter (formatting replies for their channel) and its authentication, authenticating with the app registration when `MicrosoftAppId` is
 * set. Without one in production (allowed only by ALLOW_UNAUTHENTICATED=true, `bot/config.ts`)
 * every start says so at error level, because /api/messages then accepts activities from anyone.
 */
export function createCloudAdapter(config: Config, log: Logger): { adapter: ChannelFormattingAdapter; authentication: ReusingAuthentication } {
  const configured = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
  });
  // The Connector and token clients are built once, not on every turn.
  const authentication = new ReusingAuthentication(configured);
  if (!config.MicrosoftAppId && config.NODE_ENV === 'production') {
    log.error({ code: 'W_AUTH_OFF' }, 'AUTHENTICATION IS OFF in production (ALLOW_UNAUTHENTICATED=true): /api/messages accepts activities from anyone');
  }
  // Formats what leaves the bot for its channel (Teams gets the HTML it renders).
  return { adapter: new ChannelFormattingAdapter(authentication), authentication };
}
