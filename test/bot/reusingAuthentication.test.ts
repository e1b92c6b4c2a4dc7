import { expect } from 'chai';
import pino from 'pino';
import type { Activity, Request, Response, TurnContext } from 'botbuilder';
import type { ConnectorClient, UserTokenClient } from 'botframework-connector';
import { createCloudAdapter } from '../../bot/cloudAdapter';
import { loadConfig } from '../../bot/config';
import { MAX_REUSED_CONNECTORS } from '../../bot/reusingAuthentication';

/** An inbound message as Web Chat's Direct Line would deliver it, replies in the response body. */
function message(serviceUrl: string, text: string): Partial<Activity> {
  return {
    type: 'message',
    id: `m-${text}`,
    text,
    channelId: 'webchat',
    serviceUrl,
    deliveryMode: 'expectReplies',
    conversation: { id: 'reuse-test', isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'user', name: 'user' },
    recipient: { id: 'bot', name: 'bot' },
  };
}

/** The minimal HTTP request and response botbuilder's `process` reads and writes. */
function exchange(body: Partial<Activity>): { req: Request; res: Response; status: () => number | undefined } {
  let code: number | undefined;
  const res = {
    socket: {},
    status: (c: number) => { code = c; return res; },
    header: () => res,
    send: () => res,
    end: () => res,
  };
  return { req: { body, headers: {}, method: 'POST' }, res: res, status: () => code };
}

describe('CloudAdapter clients reused across turns', () => {
  const log = pino({ level: 'silent' });
  const config = loadConfig({ NODE_ENV: 'test' });

  async function clientsOfTurn(adapter: ReturnType<typeof createCloudAdapter>['adapter'], serviceUrl: string, text: string) {
    let connector: ConnectorClient | undefined;
    let tokens: UserTokenClient | undefined;
    const { req, res, status } = exchange(message(serviceUrl, text));
    await adapter.process(req, res, async (context: TurnContext) => {
      connector = context.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);
      tokens = context.turnState.get<UserTokenClient>(adapter.UserTokenClientKey);
      await context.sendActivity(`echo ${text}`);
    });
    expect(status()).to.equal(200);
    return { connector, tokens };
  }

  it('gives the second turn the same Connector and token clients as the first', async () => {
    const { adapter } = createCloudAdapter(config, log);
    const first = await clientsOfTurn(adapter, 'http://localhost:3978/', 'one');
    const second = await clientsOfTurn(adapter, 'http://localhost:3978/', 'two');
    expect(first.connector, 'a Connector client per turn').to.not.equal(undefined);
    expect(second.connector).to.equal(first.connector);
    expect(second.tokens).to.equal(first.tokens);
  });

  it('builds one client per service URL, and keeps at most a bounded number', async () => {
    const { adapter, authentication } = createCloudAdapter(config, log);
    const a = await clientsOfTurn(adapter, 'http://localhost:1/', 'a');
    const b = await clientsOfTurn(adapter, 'http://localhost:2/', 'b');
    expect(b.connector).to.not.equal(a.connector);
    for (let i = 0; i < MAX_REUSED_CONNECTORS + 10; i++) await clientsOfTurn(adapter, `http://localhost:${1000 + i}/`, `n${i}`);
    expect(authentication.reusedConnectorCount).to.equal(MAX_REUSED_CONNECTORS);
  });

  it('still refuses a forged token when authentication is on', async () => {
    const { authentication } = createCloudAdapter(loadConfig({ NODE_ENV: 'test', MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'x' }), log);
    let refused: unknown;
    try {
      await authentication.authenticateRequest(message('https://smba.trafficmanager.net/amer/', 'hi') as Activity, 'Bearer forged.token.value');
    } catch (err) {
      refused = err;
    }
    expect((refused as { statusCode?: number } | undefined)?.statusCode).to.equal(401);
  });
});
