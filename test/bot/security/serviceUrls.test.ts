import { expect } from 'chai';
import { startTestApp, messageActivity, type TestApp } from '../../support/app';
import { RecordingConnector } from '../../support/recordingConnector';
import { ServiceUrlPolicy, isChannelServiceUrl } from '../../../bot/serviceUrls';
import { CloudMessenger, ServiceUrlNotAllowedError } from '../../../bot/teams/cloudMessenger';

/**
 * Replies and proactive messages go only to allowed service URLs: an activity naming any other
 * `serviceUrl` gets a 4xx and nothing is called, neither the URL nor the bot.
 */
describe('Security: service URLs the bot may call', () => {
  let allowed: RecordingConnector;
  let target: RecordingConnector;
  let t: TestApp;

  before(async () => {
    allowed = await RecordingConnector.start();
    target = await RecordingConnector.start();
    t = await startTestApp({ ALLOWED_SERVICE_URLS: allowed.serviceUrl });
  });
  after(async () => {
    await t.stop();
    await allowed.close();
    await target.close();
  });

  const activity = (serviceUrl: string, conversation: string) => {
    const { deliveryMode: _replies, ...normal } = messageActivity(conversation, 'hello', { serviceUrl });
    return normal;
  };

  it('refuses (403) an activity whose serviceUrl is another local port, and calls nothing', async () => {
    const response = await t.post(activity(`${target.serviceUrl}internal/admin`, 'conv-ssrf'));
    expect(response.status).to.equal(403);
    expect(response.body).to.include('serviceUrl');
    // The same request to an allowed connector is answered there: the bot did run for it.
    const ok = await t.post(activity(allowed.serviceUrl, 'conv-allowed'));
    expect(ok.status).to.equal(200);
    await allowed.waitFor((call) => call.conversationId === 'conv-allowed');
    expect(target.calls).to.have.length(0);
  });

  it("refuses the bot's own routes and its own /v3 paths as serviceUrl (no loop into the Connector routes)", async () => {
    for (const serviceUrl of [t.url, `${t.url}/`, `${t.url}/directline`, 'http://localhost:1', 'http://[::1]:1/']) {
      const response = await t.post(activity(serviceUrl, 'conv-loop'));
      expect(response.status, serviceUrl).to.equal(403);
    }
  });

  it('allows the local Direct Line only with its secret path, and a listed origin on any path', () => {
    const policy = new ServiceUrlPolicy({ allowed: ['http://localhost:56000/whatever'], channelHosts: false, localConnector: () => 'http://127.0.0.1:3978/_connector/k3y' });
    expect(policy.allows('http://127.0.0.1:3978/_connector/k3y')).to.equal(true);
    expect(policy.allows('http://127.0.0.1:3978/_connector/k3y/')).to.equal(true);
    expect(policy.allows('http://127.0.0.1:3978/_connector/k3yX')).to.equal(false);
    expect(policy.allows('http://127.0.0.1:3978/_connector/k3y/../../internal/admin')).to.equal(false);
    expect(policy.allows('http://127.0.0.1:3978/')).to.equal(false);
    expect(policy.allows('http://localhost:56000/')).to.equal(true);
    expect(policy.allows('http://user:pw@localhost:56000/')).to.equal(false);
    expect(policy.allows('http://localhost:56001/')).to.equal(false);
    expect(policy.allows(undefined)).to.equal(false);
    expect(policy.allows('https://smba.trafficmanager.net/amer/')).to.equal(false);
  });

  it('allows the Bot Framework channel hosts with an app id, over https only', () => {
    expect(isChannelServiceUrl('https://smba.trafficmanager.net/amer/')).to.equal(true);
    expect(isChannelServiceUrl('https://directline.botframework.com/')).to.equal(true);
    expect(isChannelServiceUrl('https://europe.webchat.botframework.com/')).to.equal(true);
    expect(isChannelServiceUrl('http://smba.trafficmanager.net/amer/')).to.equal(false);
    expect(isChannelServiceUrl('https://evilbotframework.com/')).to.equal(false);
    expect(isChannelServiceUrl('https://botframework.com.evil.example/')).to.equal(false);
    expect(isChannelServiceUrl('https://smba.trafficmanager.net:8443/')).to.equal(false);
  });

  it('sends no proactive message to a stored reference whose serviceUrl is not allowed', async () => {
    let called = 0;
    const adapter = { continueConversationAsync: async () => void (called += 1) };
    const messenger = new CloudMessenger(adapter as never, '', (url: string | undefined) => url === allowed.serviceUrl);
    let error: unknown;
    try {
      await messenger.send({ serviceUrl: `${target.serviceUrl}internal/admin`, conversation: { id: 'c' } as never }, { type: 'message', text: 'x' });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ServiceUrlNotAllowedError);
    await messenger.send({ serviceUrl: allowed.serviceUrl, conversation: { id: 'c' } as never }, { type: 'message', text: 'x' });
    expect(called).to.equal(1);
  });
});
