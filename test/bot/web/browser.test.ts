import AxeBuilder from '@axe-core/playwright';
import { expect } from 'chai';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, FileChooser, FrameLocator, Locator, Page } from 'playwright-core';
import { projectRoot } from '../../../knowledge/projectRoot';
import { launchBrowser } from '../../support/browser';
import { startAppChatServer, type ChatServer } from '../../support/chatServer';
import { DOCX_TYPE, makeDocx } from '../../support/docx';
import { makeHeic } from '../../support/sampleFiles';
import { PORTAL_ALLOWED_TYPES_MESSAGE } from '../../../dialogs/flows/uploadRules';

/**
 * The chat page in a real browser (Debian's Chromium, headless, driven by playwright-core)
 * against the real server on an ephemeral port: Web Chat → local Direct Line → /api/messages →
 * bot → Connector routes → Web Chat. No sleeps: every step waits for what it expects on screen,
 * with a generous upper bound.
 *
 * The bot is the real application (createApp: knowledge, dialogs, memory state, mail to a
 * temporary folder).
 */
/** ATTACHMENT_MAX_BYTES of the browser tests: small, so a real over-size photo is quick to make. */
const FILE_LIMIT = 2 * 1024 * 1024;
const startServer = (): Promise<ChatServer> => startAppChatServer({ ATTACHMENT_MAX_BYTES: String(FILE_LIMIT) });

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
  afterEach(async function () {
    // A failed test leaves what the browser showed, for whoever reads the failure.
    if (this.currentTest?.state === 'failed') {
      for (const [i, page] of context.pages().entries()) {
        await page.screenshot({ path: join(artifacts, `failed-${i}.png`) }).catch(() => undefined);
      }
    }
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
  async function waitUntilSent(page: Scope, text: string | RegExp): Promise<void> {
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

  // ---- Files from phones: real photos and documents through the paperclip ----

  /** A real picture: Chromium's screenshot of a small "vaccine card" page (JPEG or PNG encoder). */
  async function screenshotPhoto(type: 'jpeg' | 'png', size = { width: 120, height: 80 }): Promise<Buffer> {
    const page = await context.newPage();
    await page.setViewportSize(size);
    await page.setContent(
      '<body style="margin:0;height:100vh;background:linear-gradient(135deg,#881c1c,#f6e8e8)"><p style="margin:8px;font:bold 14px sans-serif;color:#fff">COVID-19 Vaccination Record Card</p></body>',
    );
    const bytes = await page.screenshot({ type, ...(type === 'jpeg' ? { quality: 80 } : {}) });
    await page.close();
    return bytes;
  }

  /** A real photo larger than {@link FILE_LIMIT}: a screenshot, at full JPEG quality, of random noise (it does not compress). */
  async function oversizePhoto(): Promise<Buffer> {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1600, height: 1200 });
    await page.setContent('<body style="margin:0"><canvas width="1600" height="1200"></canvas></body>');
    await page.evaluate(() => {
      const canvas = document.querySelector('canvas') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      const image = ctx.createImageData(canvas.width, canvas.height);
      let seed = 42;
      for (let i = 0; i < image.data.length; i += 1) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        image.data[i] = i % 4 === 3 ? 255 : seed >> 23;
      }
      ctx.putImageData(image, 0, 0);
    });
    const bytes = await page.screenshot({ type: 'jpeg', quality: 100 });
    await page.close();
    return bytes;
  }

  /** A real PDF scan: Chromium prints a page holding a photo of the record to PDF. */
  async function pdfScan(): Promise<Buffer> {
    const jpeg = await screenshotPhoto('jpeg', { width: 600, height: 400 });
    const page = await context.newPage();
    await page.setContent(`<body style="margin:0"><img alt="record" style="width:100%" src="data:image/jpeg;base64,${jpeg.toString('base64')}"></body>`);
    const bytes = await page.pdf({ format: 'Letter' });
    await page.close();
    return bytes;
  }

  interface FileCase {
    title: string;
    /**
     * A console error the case must cause: Chromium cannot decode HEIC, so Web Chat's
     * thumbnail worker logs that it could not read the picture (the file is sent without a preview).
     */
    expectedConsoleError?: RegExp;
    /** Where to write a screenshot of the answered file (test/artifacts). */
    screenshot?: string;
    file: () => Promise<{ name: string; mimeType: string; buffer: Buffer }>;
    /** Every pattern must show in one bot message. */
    expect: RegExp[];
  }

  const FILE_CASES: FileCase[] = [
    {
      title: 'a JPEG photo',
      file: async () => ({ name: 'vaccine-card.jpg', mimeType: 'image/jpeg', buffer: await screenshotPhoto('jpeg') }),
      expect: [/vaccine-card\.jpg/, /is a JPG photo/, /looks fine/],
      screenshot: 'webchat-desktop-diagnosed.png',
    },
    {
      title: 'a PNG screenshot',
      file: async () => ({ name: 'IMG_0042.PNG', mimeType: 'image/png', buffer: await screenshotPhoto('png') }),
      expect: [/IMG_0042\.PNG/, /is a PNG picture/, /looks fine/],
    },
    {
      title: 'a PDF scan',
      file: async () => ({ name: 'immunization-scan.pdf', mimeType: 'application/pdf', buffer: await pdfScan() }),
      expect: [/immunization-scan\.pdf/, /is a PDF document/, /looks fine/],
    },
    {
      title: 'an iPhone HEIC photo',
      file: () => Promise.resolve({ name: 'IMG_0043.HEIC', mimeType: 'image/heic', buffer: makeHeic() }),
      expect: [/IMG_0043\.HEIC/, /iPhone photo \(HEIC\)/, /Most Compatible/],
      expectedConsoleError: /^console error: InvalidStateError: The source image could not be decoded\.$/,
    },
    {
      title: 'a photo over the size limit',
      file: async () => {
        const buffer = await oversizePhoto();
        expect(buffer.length, 'the photo is over the limit').to.be.above(FILE_LIMIT);
        return { name: 'IMG_0044.jpg', mimeType: 'image/jpeg', buffer };
      },
      expect: [/couldn.t take IMG_0044\.jpg/, /at most 2 MB/, /Make it smaller/, /Only images/, /try a PC/],
    },
  ];

  /** Attaches `file` with the paperclip's file input, as a picker would. */
  async function attach(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await page.locator('input[type=file]').setInputFiles(file);
    await page.locator('#pending-file').filter({ hasText: file.name }).waitFor(WAIT);
  }

  async function expectDiagnosis(page: Page, patterns: RegExp[]): Promise<void> {
    let reply = page.locator(BOT_BUBBLE);
    for (const pattern of patterns) reply = reply.filter({ hasText: pattern });
    await reply.first().waitFor(WAIT);
  }

  for (const fileCase of FILE_CASES) {
    it(`attaches ${fileCase.title} with the paperclip: shown as pending, sent, and answered (never "Send failed")`, async () => {
      const file = await fileCase.file();
      const page = await open();
      await waitForWelcome(page);
      await attach(page, file);
      expect(await page.locator(SEND_BOX).getAttribute('placeholder')).to.match(/Press Send/);
      await page.locator('button[title="Send"]').click();
      await expectDiagnosis(page, fileCase.expect);
      await waitUntilSent(page, file.name);
      expect(await page.getByText('Send failed').count()).to.equal(0);
      expect(await page.locator('#pending-file').isHidden(), 'the pending bar goes once the file is sent').to.equal(true);
      expect(await page.locator(SEND_BOX).getAttribute('placeholder')).to.equal('Type your message');
      if (fileCase.screenshot) await page.screenshot({ path: join(artifacts, fileCase.screenshot) });
      if (fileCase.expectedConsoleError) {
        const expected = fileCase.expectedConsoleError;
        expect(problems.filter((p) => expected.test(p)), 'the expected console error').to.have.length.at.least(1);
        problems = problems.filter((p) => !expected.test(p));
      }
    });
  }

  it('the pending file can be removed before sending: nothing is sent, the placeholder is back', async () => {
    const page = await open();
    await waitForWelcome(page);
    await attach(page, { name: 'vaccine-card.jpg', mimeType: 'image/jpeg', buffer: await screenshotPhoto('jpeg') });
    const text = await page.locator('#pending-file').innerText();
    expect(text).to.match(/vaccine-card\.jpg \(\d+ KB\)/);
    expect(text).to.match(/Press Send/);
    await page.getByRole('button', { name: 'Remove vaccine-card.jpg' }).click();
    await page.locator('#pending-file').waitFor({ state: 'hidden', ...WAIT });
    expect(await page.locator(SEND_BOX).getAttribute('placeholder')).to.equal('Type your message');
    expect(await page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, SEND_BOX), 'focus back in the send box').to.equal(true);
    // Send with the box empty: nothing goes out, since the file is gone.
    await page.locator('button[title="Send"]').click();
    expect(await page.locator(USER_BUBBLE).count()).to.equal(0);
  });

  it('on a 390×844 phone: the pending file and its Remove button fit under the thumb, axe finds nothing, a photo is diagnosed; writes the screenshots', async () => {
    const page = await open('/', { width: 390, height: 844 });
    await waitForWelcome(page);
    await attach(page, { name: 'vaccine-card.jpg', mimeType: 'image/jpeg', buffer: await screenshotPhoto('jpeg') });
    const remove = (await page.locator('#pending-file-remove').boundingBox()) ?? expect.fail('Remove not laid out');
    expect(remove.width, 'Remove is at least 44 px wide').to.be.at.least(44);
    expect(remove.height, 'Remove is at least 44 px high').to.be.at.least(44);
    expect(remove.x + remove.width).to.be.at.most(390);
    expect(remove.y + remove.height).to.be.at.most(844);
    const bar = (await page.locator('#pending-file').boundingBox()) ?? expect.fail('bar not laid out');
    expect(bar.y + bar.height).to.be.at.most(844);
    const send = (await page.locator('button[title="Send"]').boundingBox()) ?? expect.fail('Send not laid out');
    expect(send.y + send.height).to.be.at.most(844);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    await page.screenshot({ path: join(artifacts, 'webchat-phone-attached.png') });
    expect(await axeViolations(page), 'axe on the phone, a pending file').to.deep.equal([]);

    await page.locator('button[title="Send"]').tap().catch(() => page.locator('button[title="Send"]').click());
    await expectDiagnosis(page, FILE_CASES[0].expect);
    await waitUntilSent(page, 'vaccine-card.jpg');
    expect(await page.getByText('Send failed').count()).to.equal(0);
    await page.screenshot({ path: join(artifacts, 'webchat-phone-diagnosed.png') });
  });

  // ---- Accessibility: axe-core, WCAG 2.1 A and AA ----

  const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

  /**
   * axe's violations on `page` (its frames included), as "rule: target" lines for a readable
   * failure. It also checks that axe really looked: rules passed, and inside the chat's iframe
   * when there is one (a node in a frame has a two-part target).
   */
  async function axeViolations(page: Page): Promise<string[]> {
    const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
    expect(results.passes.length, 'axe ran its rules').to.be.above(10);
    if (await page.locator('iframe.uhs-chat-frame').count()) {
      const inFrame = results.passes.some((rule) => rule.nodes.some((node) => node.target.length > 1));
      expect(inFrame, 'axe checked inside the chat iframe').to.equal(true);
    }
    if (process.env.AXE_REPORT) {
      process.stdout.write(`      axe: ${results.violations.length} violations, ${results.passes.length} rules passed, ${results.incomplete.length} to review (${results.incomplete.map((r) => `${r.id} on ${r.nodes.length} node(s)`).join(', ')})\n`);
    }
    return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} - ${n.failureSummary?.split('\n').join(' ')}`));
  }

  it('axe: the page has 0 WCAG 2.1 AA violations with a conversation and buttons, a pending file, and a diagnosed file', async () => {
    const page = await open();
    await waitForWelcome(page);
    await page.locator(SUGGESTED_ACTION).first().waitFor(WAIT);
    expect(await axeViolations(page), 'welcome with buttons').to.deep.equal([]);

    await attach(page, { name: 'vaccine-card.jpg', mimeType: 'image/jpeg', buffer: await screenshotPhoto('jpeg') });
    expect(await axeViolations(page), 'a pending file').to.deep.equal([]);

    await page.locator('button[title="Send"]').click();
    await expectDiagnosis(page, FILE_CASES[0].expect);
    await waitUntilSent(page, 'vaccine-card.jpg');
    await page.locator(SUGGESTED_ACTION).first().waitFor(WAIT);
    expect(await axeViolations(page), 'a diagnosed file with its buttons').to.deep.equal([]);
  });

  it('axe: the floating widget has 0 WCAG 2.1 AA violations, closed and open with a conversation, buttons and a file', async () => {
    const page = await open('/widget-demo');
    const launcher = page.locator('button.uhs-chat-launcher');
    await launcher.waitFor(WAIT);
    expect(await axeViolations(page), 'closed').to.deep.equal([]);
    await launcher.click();
    const chat = page.frameLocator('iframe.uhs-chat-frame');
    await waitForWelcome(chat);
    await chat.locator(SUGGESTED_ACTION).first().waitFor(WAIT);
    expect(await axeViolations(page), 'open, welcome with buttons').to.deep.equal([]);
    await chat.locator('input[type=file]').setInputFiles({ name: 'vaccine-card.jpg', mimeType: 'image/jpeg', buffer: await screenshotPhoto('jpeg') });
    await chat.locator('#pending-file').filter({ hasText: 'vaccine-card.jpg' }).waitFor(WAIT);
    expect(await axeViolations(page), 'open, a pending file').to.deep.equal([]);
    await chat.locator('button[title="Send"]').click();
    await botSays(chat, /is a JPG photo/).waitFor(WAIT);
    expect(await axeViolations(page), 'open, a diagnosed file').to.deep.equal([]);
  });

  // ---- Keyboard only ----

  /** Presses Tab (or Shift+Tab) until `matches` holds in the focused frame, at most `limit` times. */
  async function tabUntil(page: Page, matches: () => Promise<boolean>, what: string, limit = 40, key = 'Tab'): Promise<void> {
    for (let i = 0; i < limit; i += 1) {
      if (await matches()) return;
      await page.keyboard.press(key);
    }
    expect(await matches(), `${what} reached with ${key}`).to.equal(true);
  }

  it('keyboard only, in the floating widget: open, type, choose a button, attach, send, close', async () => {
    const page = await open('/widget-demo');
    const launcher = page.locator('button.uhs-chat-launcher');
    await launcher.waitFor(WAIT);
    const frame = () => page.frames().find((f) => f.url().includes('embed=1'));
    const focusedInChat = async (selector: string) =>
      (await frame()?.evaluate((s) => document.hasFocus() && (document.activeElement?.matches(s) ?? false), selector).catch(() => false)) ?? false;

    // Open: Tab to the launcher, Enter.
    await tabUntil(page, async () => page.evaluate(() => document.activeElement?.classList.contains('uhs-chat-launcher') ?? false), 'the launcher');
    await page.keyboard.press('Enter');
    const chat = page.frameLocator('iframe.uhs-chat-frame');
    await waitForWelcome(chat);

    // Type: Tab to the send box, type a question, Enter.
    await tabUntil(page, () => focusedInChat(SEND_BOX), 'the send box');
    await page.keyboard.type(EXPECT.fileTypesQuestion);
    await page.keyboard.press('Enter');
    await botSays(chat, EXPECT.fileTypesAnswer).waitFor(WAIT);

    // Choose a button: Shift+Tab back from the send box to a suggested action, Enter.
    await tabUntil(page, () => focusedInChat(SUGGESTED_ACTION), 'a suggested action', 40, 'Shift+Tab');
    const label = (await frame()?.evaluate(() => (document.activeElement as HTMLElement).innerText.trim())) ?? '';
    expect(label).to.not.equal('');
    await page.keyboard.press('Enter');
    await waitUntilSent(chat, label);
    // The bot's answer has come in (the last message is the bot's), so no new message moves
    // the focus while the next steps tab around.
    await chat.locator('.webchat__basic-transcript__activity').last().locator(BOT_BUBBLE).waitFor(WAIT);

    // Attach: Tab to the paperclip, Enter opens the file chooser.
    // A late bot message can take the focus between the Tab and the Enter; then the key goes
    // elsewhere and, as a person would, the test tabs back to the paperclip and presses again.
    let chooser: FileChooser | undefined;
    for (let attempt = 0; attempt < 3 && !chooser; attempt++) {
      await tabUntil(page, () => focusedInChat('button[title="Upload file"]'), 'the upload button');
      [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 7000 }).catch(() => undefined), page.keyboard.press('Enter')]);
    }
    if (!chooser) throw new Error('Enter on the focused upload button never opened the file chooser');
    await chooser.setFiles({ name: 'vaccine-card.jpg', mimeType: 'image/jpeg', buffer: await screenshotPhoto('jpeg') });
    await chat.locator('#pending-file').filter({ hasText: 'vaccine-card.jpg' }).waitFor(WAIT);

    // Send: focus is back in the send box (Web Chat moves it there); Enter sends the file.
    await tabUntil(page, () => focusedInChat(SEND_BOX), 'the send box');
    await page.keyboard.press('Enter');
    await botSays(chat, /is a JPG photo/).waitFor(WAIT);
    expect(await chat.getByText('Send failed').count()).to.equal(0);

    // Close: Escape closes the panel and gives the focus back to the launcher.
    await page.keyboard.press('Escape');
    await page.locator('#uhs-chat-panel').waitFor({ state: 'hidden', ...WAIT });
    expect(await page.evaluate(() => document.activeElement?.className)).to.equal('uhs-chat-launcher');
  });
});
