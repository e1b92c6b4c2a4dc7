import { expect } from 'chai';
import { startTestApp, messageActivity, type TestApp } from '../../support/app';
import { RecordingConnector } from '../../support/recordingConnector';

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

  it('answers an expectReplies activity in the response body whatever its serviceUrl names, and calls nothing', async () => {
    const { serviceUrl: _none, ...withoutUrl } = messageActivity('conv-replies-none', 'i forgot my password');
    const plain = await t.post(withoutUrl);
    expect(plain.status).to.equal(200);
    expect((JSON.parse(plain.body) as { activities: unknown[] }).activities).to.not.be.empty;
    const foreign = await t.post(messageActivity('conv-replies-foreign', 'i forgot my password', { serviceUrl: `${target.serviceUrl}internal/admin` }));
    expect(foreign.status).to.equal(200);
    expect((JSON.parse(foreign.body) as { activities: unknown[] }).activities).to.not.be.empty;
    expect(target.calls).to.have.length(0);
  });

});
