import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Logger } from 'pino';
import type { Config } from './config';

/**
 * The Bot Framework adapter, authenticating with the app registration when `MicrosoftAppId` is
 * set. Without one in production (allowed only by ALLOW_UNAUTHENTICATED=true, `bot/config.ts`)
 * every start says so at error level, because /api/messages then accepts activities from anyone.
 */
export function createCloudAdapter(config: Config, log: Logger): CloudAdapter {
  const authentication = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
  });
  if (!config.MicrosoftAppId && config.NODE_ENV === 'production') {
    log.error({ code: 'W_AUTH_OFF' }, 'AUTHENTICATION IS OFF in production (ALLOW_UNAUTHENTICATED=true): /api/messages accepts activities from anyone');
  }
  return new CloudAdapter(authentication);
}
