import { expect } from 'chai';
import { mkdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { projectRoot } from '../../../knowledge/projectRoot';
import { launchBrowser } from '../../support/browser';
import { startAppChatServer, type ChatServer } from '../../support/chatServer';
import { DOCX_TYPE, makeDocx } from '../../support/docx';
import { PORTAL_ALLOWED_TYPES_MESSAGE } from '../../../dialogs/uploadRules';

/**
 * The chat page in a real browser (Debian's Chromium, headless, driven by playwright-core)
 * against the real server on an ephemeral port: Web Chat → local Direct Line → /api/messages →
 * bot → Connector routes → Web Chat. No sleeps: every step waits for what it expects on screen,
 * with a generous upper bound.
 *
 * The bot is the real application (createApp: knowledge, dialogs, memory state, mail to a
 * temporary folder).
 */
const startServer = (): Promise<ChatServer> => startAppChatServer();

const EXPECT = {
  welcome: 'the UHS Patient Portal help bot',
  fileTypesQuestion: 'what file types can I upload',
  fileTypesAnswer: PORTAL_ALLOWED_TYPES_MESSAGE,
  /** The upload diagnosis of a .docx names the type and the conversion to PDF. */
  docxDiagnosis: [/docx/i, /pdf/i],
};

const WAIT = { timeout: 20_000 };
const BOT_BUBBLE = '.webchat__bubble:not(.webchat__bubble--from-user)';
const USER_BUBBLE = '.webchat__bubble--from-user';
const SEND_BOX = '[data-id="webchat-sendbox-input"]';
const SUGGESTED_ACTION = 'button.webchat__suggested-action';
const artifacts = join(projectRoot(), 'test', 'artifacts');

/** Anything a page or an iframe's locator can search in. */
type Scope = Page | FrameLocator;

describe('Web Chat page in a real browser (Chromium)', function () {
  this.timeout(60_000);
  let server: ChatServer;
  let browser: Browser;
  let context: BrowserContext;
  let problems: string[];

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    problems = [];
  });
  afterEach(async () => {
    await context.close();
    // Script errors and CSP violations fail the test that caused them.
    expect(problems).to.deep.equal([]);
  });

  /** A new page with problem tracking, opened at `path`. */
  async function open(path = '/', viewport?: { width: number; height: number }): Promise<Page> {
    const page = await context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    await page.goto(`${server.baseUrl}${path}`);
    return page;
  }

  const botSays = (scope: Scope, text: string | RegExp): Locator => scope.locator(BOT_BUBBLE).filter({ hasText: text }).first();

  async function waitForWelcome(scope: Scope): Promise<void> {
    await botSays(scope, EXPECT.welcome).waitFor(WAIT);
  }

  /** Waits until the user's message shows as sent (echoed back), not "Sending" or "Send failed". */
  async function waitUntilSent(page: Page, text: string | RegExp): Promise<void> {
    await page
      .locator('.webchat__basic-transcript__activity', { has: page.locator(USER_BUBBLE, { hasText: text }) })
      .locator('.webchat__activity-status--self')
      .filter({ hasText: /^Sent at/ })
      .first()
      .waitFor(WAIT);
  }

  async function ask(page: Page, text: string): Promise<void> {
    await page.locator(SEND_BOX).fill(text);
    await page.locator(SEND_BOX).press('Enter');
  }

  it('shows the welcome; its suggested action, clicked, is sent and answered', async () => {
    const page = await open();
    await waitForWelcome(page);
    expect(await page.locator('#chat-status').isHidden()).to.equal(true);
    const action = page.locator(SUGGESTED_ACTION).first();
    const label = (await action.innerText()).trim();
    expect(label).to.not.equal('');
    await action.click();
    await waitUntilSent(page, label);
    await page.locator(BOT_BUBBLE).nth(1).waitFor(WAIT);
  });

  it('answers "what file types can I upload" with the allowed types, and the message shows as sent', async () => {
    const page = await open();
    await waitForWelcome(page);
    await ask(page, EXPECT.fileTypesQuestion);
    await botSays(page, EXPECT.fileTypesAnswer).waitFor(WAIT);
    await waitUntilSent(page, EXPECT.fileTypesQuestion);
    expect(await page.getByText('Send failed').count()).to.equal(0);
  });

  it('diagnoses an attached .docx, and writes the screenshot', async () => {
    const page = await open();
    await waitForWelcome(page);
    await ask(page, EXPECT.fileTypesQuestion);
    await botSays(page, EXPECT.fileTypesAnswer).waitFor(WAIT);

    await page.locator('input[type=file]').setInputFiles({ name: 'immunization-record.docx', mimeType: DOCX_TYPE, buffer: await makeDocx() });
    await page.locator('button[title="Send"]').click();
    let diagnosis = page.locator(BOT_BUBBLE);
    for (const pattern of EXPECT.docxDiagnosis) diagnosis = diagnosis.filter({ hasText: pattern });
    await diagnosis.first().waitFor(WAIT);
    await waitUntilSent(page, 'immunization-record.docx');

    const file = join(artifacts, 'webchat.png');
    await page.screenshot({ path: file });
    const png = PNG.sync.read(readFileSync(file));
    expect([png.width, png.height]).to.deep.equal([1000, 800]);
  });

  it('fits a 360 px phone screen: no sideways scrolling, send box and actions on screen', async () => {
    const page = await open('/', { width: 360, height: 740 });
    await waitForWelcome(page);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).to.be.at.most(360);
    for (const selector of [SEND_BOX, SUGGESTED_ACTION]) {
      const box = (await page.locator(selector).first().boundingBox()) ?? expect.fail(`${selector} not laid out`);
      expect(box.x, selector).to.be.at.least(0);
      expect(box.x + box.width, selector).to.be.at.most(360);
      expect(box.y + box.height, selector).to.be.at.most(740);
    }
    await page.screenshot({ path: join(artifacts, 'webchat-phone.png') });
  });

  it('works from the keyboard: skip link, labelled chat region, send box reachable with Tab', async () => {
    const page = await open();
    await waitForWelcome(page);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).to.equal('skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).to.equal(
      'Chat with the UHS Patient Portal Help assistant',
    );
    let reached = false;
    for (let i = 0; i < 30 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, SEND_BOX);
    }
    expect(reached, 'send box reached with Tab').to.equal(true);
    await page.keyboard.type(EXPECT.fileTypesQuestion);
    await page.keyboard.press('Enter');
    await botSays(page, EXPECT.fileTypesAnswer).waitFor(WAIT);
  });

  it('opens as a floating widget from the pasted snippet, and closes back to the launcher', async () => {
    const page = await open('/widget-demo');
    const launcher = page.locator('button.uhs-chat-launcher');
    await launcher.waitFor(WAIT);
    expect(await launcher.getAttribute('aria-expanded')).to.equal('false');
    expect(await page.locator('iframe.uhs-chat-frame').count(), 'nothing loaded before the first open').to.equal(0);

    await launcher.click();
    expect(await launcher.getAttribute('aria-expanded')).to.equal('true');
    const chat = page.frameLocator('iframe.uhs-chat-frame');
    await waitForWelcome(chat);
    await chat.locator(SEND_BOX).fill(EXPECT.fileTypesQuestion);
    await chat.locator(SEND_BOX).press('Enter');
    await botSays(chat, EXPECT.fileTypesAnswer).waitFor(WAIT);
    await page.screenshot({ path: join(artifacts, 'webchat-widget.png') });

    await page.locator('button.uhs-chat-close').click();
    await page.locator('#uhs-chat-panel').waitFor({ state: 'hidden', ...WAIT });
    expect(await launcher.getAttribute('aria-expanded')).to.equal('false');
    expect(await page.evaluate(() => document.activeElement?.className)).to.equal('uhs-chat-launcher');

    // Escape inside the chat asks the host page to close the panel.
    await launcher.click();
    await chat.locator(SEND_BOX).press('Escape');
    await page.locator('#uhs-chat-panel').waitFor({ state: 'hidden', ...WAIT });
  });
});
