import { expect } from 'chai';
import { ServiceUrlPolicy, isChannelServiceUrl } from '../../../bot/serviceUrls';
import { CloudMessenger, ServiceUrlNotAllowedError } from '../../../bot/teams/cloudMessenger';

const ALLOWED = 'http://127.0.0.1:8/';

/** The allow-list itself, and the proactive path that checks it again. */
describe('Security: the service URL policy', () => {
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
    const messenger = new CloudMessenger(adapter, '', (url: string | undefined) => url === ALLOWED);
    let error: unknown;
    try {
      await messenger.send({ serviceUrl: 'http://127.0.0.1:9/internal/admin', conversation: { id: 'c' } as never }, { type: 'message', text: 'x' });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ServiceUrlNotAllowedError);
    await messenger.send({ serviceUrl: ALLOWED, conversation: { id: 'c' } as never }, { type: 'message', text: 'x' });
    expect(called).to.equal(1);
  });
});
