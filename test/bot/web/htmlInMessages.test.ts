import { expect } from 'chai';
import { ActivityHandler } from 'botbuilder';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../support/browser';
import { startChatServer, type ChatServer } from '../../support/chatServer';

/** HTML a message might carry (staff text that slipped through, or a future bug): shown as text, never as elements. */
const HTML = 'Look: <b>bold</b> <img alt="pixel" src="data:image/gif;base64,R0lGODlhAQABAAAAACwAAAAAAQABAAA="> <a href="https://evil.example/">portal</a>';

/** A bot that answers every message with {@link HTML}, once as Markdown and once as plain text. */
class HtmlBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity({ type: 'message', text: `Markdown. ${HTML}`, textFormat: 'markdown' });
      await context.sendActivity({ type: 'message', text: `Plain. ${HTML}`, textFormat: 'plain' });
      await next();
    });
  }
}

describe('Security: HTML in a message never reaches the page as elements (real browser)', function () {
  this.timeout(60_000);
  let server: ChatServer;
  let browser: Browser;
  before(async () => {
    server = await startChatServer({ bot: new HtmlBot(), pollingIntervalMs: 200 });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('Web Chat shows the tags of a Markdown or plain-text message as text', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/`);
      const input = page.locator('[data-id="webchat-sendbox-input"]');
      await input.waitFor({ timeout: 20_000 });
      await input.fill('hello');
      await input.press('Enter');
      const bubbles = page.locator('.webchat__bubble:not(.webchat__bubble--from-user)');
      for (const kind of ['Markdown.', 'Plain.']) {
        const bubble = bubbles.filter({ hasText: kind }).first();
        await bubble.waitFor({ timeout: 20_000 });
        expect(await bubble.locator('b').count(), `${kind} <b>`).to.equal(0);
        expect(await bubble.locator('img[alt="pixel"]').count(), `${kind} <img>`).to.equal(0);
        // (Markdown turns the bare URL inside the shown tag into a link, as it does any URL; the
        // HTML link itself, with its disguising text, must not exist.)
        expect(await bubble.locator('a', { hasText: /^portal$/ }).count(), `${kind} <a>`).to.equal(0);
        const shown = await bubble.innerText();
        for (const tag of ['<b>bold</b>', '<img alt=', '<a href=']) expect(shown, kind).to.contain(tag);
      }
    } finally {
      await context.close();
    }
  });
});
