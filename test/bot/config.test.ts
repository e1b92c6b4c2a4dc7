import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../bot/config';

describe('Configuration', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).to.equal(3978);
    expect(config.REDIS_URL).to.equal(undefined);
    expect(config.HELPDESK_EMAIL).to.equal('uhsportalhelp@umass.edu');
    expect(config.STATE_TTL_SECONDS).to.equal(30 * 24 * 3600);
    expect(config.MAIL_OUTBOX).to.equal('./outbox');
    expect(config.LOCAL_DIRECTLINE).to.equal(true);
    expect(config.INBOUND_SMTP_PORT).to.equal(undefined);
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ REDIS_URL: '', MicrosoftAppId: '  ', SMTP_URL: '', PORT: '', INBOUND_SMTP_PORT: ' ', INBOUND_ALLOWED_DOMAINS: '' });
    expect(config.PORT).to.equal(3978);
    expect(config.INBOUND_SMTP_PORT).to.equal(undefined);
    expect(config.INBOUND_ALLOWED_DOMAINS).to.deep.equal(['umass.edu', 'uhs.umass.edu']);
    expect(config.REDIS_URL).to.equal(undefined);
    expect(config.MicrosoftAppId).to.equal(undefined);
    expect(config.SMTP_URL).to.equal(undefined);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['PORT', 'eighty', /PORT/],
    ['PORT', '70000', /PORT/],
    ['REDIS_URL', 'http://localhost:6379', /REDIS_URL: must be a URL starting with redis:\/\//],
    ['SMTP_URL', 'mail.example.org', /SMTP_URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['HELPDESK_EMAIL', 'not-an-address', /HELPDESK_EMAIL: must be an email address/],
    ['BUSINESS_HOURS', '9 to 5', /BUSINESS_HOURS: must look like/],
    ['BUSINESS_TIMEZONE', 'Mars/Olympus', /BUSINESS_TIMEZONE/],
    ['MicrosoftAppType', 'Personal', /MicrosoftAppType/],
    ['LOCAL_DIRECTLINE', 'maybe', /LOCAL_DIRECTLINE/],
    ['INBOUND_ADDRESS', 'replies@example.org', /INBOUND_ADDRESS: must look like case\+\{id\}@/],
    ['STATE_TTL_SECONDS', '-5', /STATE_TTL_SECONDS/],
  ];
  for (const [name, value, message] of bad) {
    it(`refuses ${name}=${value} with the variable's name`, () => {
      let error: unknown;
      try {
        loadConfig({ [name]: value });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.match(message);
    });
  }

  it('lists every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'y' });
      expect.fail('loadConfig accepted bad values');
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.split(':')[0]).sort()).to.deep.equal(['LOG_LEVEL', 'PORT']);
    }
  });

  it('production defaults are safe: the local Direct Line only when asked for; metrics off', () => {
    const production = { NODE_ENV: 'production', MicrosoftAppId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b' };
    expect(loadConfig(production).LOCAL_DIRECTLINE).to.equal(false);
    expect(loadConfig({ ...production, LOCAL_DIRECTLINE: 'true' }).LOCAL_DIRECTLINE).to.equal(true);
    expect(loadConfig({ NODE_ENV: 'development' }).LOCAL_DIRECTLINE).to.equal(true);
    const config = loadConfig(production);
    expect(config.METRICS_ENABLED).to.equal(false);
    expect(config.METRICS_PORT).to.equal(undefined);
    expect(config.APPLICATIONINSIGHTS_CONNECTION_STRING).to.equal(undefined);
    expect(() => loadConfig({ METRICS_PORT: 'ninety' })).to.throw(ConfigError, /METRICS_PORT/);
    expect(() => loadConfig({ METRICS_ENABLED: 'sometimes' })).to.throw(ConfigError, /METRICS_ENABLED/);
  });
});

describe('Configuration: unsafe combinations', () => {
  const problem = (env: NodeJS.ProcessEnv): string => {
    try {
      loadConfig(env);
      return '';
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      return (err as Error).message;
    }
  };

  it('refuses NODE_ENV=production without MicrosoftAppId unless ALLOW_UNAUTHENTICATED=true', () => {
    expect(problem({ NODE_ENV: 'production' })).to.match(/MicrosoftAppId: required when NODE_ENV=production.*ALLOW_UNAUTHENTICATED/);
    expect(problem({ NODE_ENV: 'production', ALLOW_UNAUTHENTICATED: 'true' })).to.equal('');
    expect(problem({ NODE_ENV: 'production', MicrosoftAppId: '00000000-0000-0000-0000-000000000001' })).to.equal('');
    expect(problem({ NODE_ENV: 'development' })).to.equal('');
  });

  it('refuses MicrosoftAppTenantId without MicrosoftAppId (anyone could claim the staff tenant)', () => {
    expect(problem({ MicrosoftAppTenantId: '0d0e0f10-1112-1314-1516-171819202122' })).to.match(/MicrosoftAppTenantId: needs MicrosoftAppId/);
    expect(problem({ MicrosoftAppTenantId: '0d0e0f10-1112-1314-1516-171819202122', MicrosoftAppId: '00000000-0000-0000-0000-000000000001' })).to.equal('');
  });

  it('reads ALLOWED_SERVICE_URLS as a list of http(s) URLs and names it when one is not', () => {
    expect(loadConfig({ ALLOWED_SERVICE_URLS: 'http://localhost:56000, https://x.example' }).ALLOWED_SERVICE_URLS).to.deep.equal(['http://localhost:56000', 'https://x.example']);
    expect(problem({ ALLOWED_SERVICE_URLS: 'ftp://x' })).to.match(/ALLOWED_SERVICE_URLS/);
  });
});
