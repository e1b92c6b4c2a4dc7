import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { insightsDetails } from '../../../bot/insights/report';
import { renderHtmlReport } from '../../../bot/insights/htmlReport';
import { digestCard } from '../../../bot/teams/insightsCards';
import { launchBrowser } from '../../support/browser';
import { openTestPostgres, type MigratedDatabase } from '../../support/postgres';
import { seedWeek } from './seed';

/**
 * The HTML report of `npm run insights -- --html FILE`, opened from disk in headless Chromium:
 * one self-contained file (no network) whose four charts are drawn by Chart.js and whose
 * unanswered list shows masked text.
 */
describe('insights HTML report in the browser', function () {
  this.timeout(90000);
  let opened: MigratedDatabase;
  let browser: Browser;
  let dir: string;
  const end = new Date('2026-11-30T12:00:00Z');

  before(async () => {
    opened = await openTestPostgres('html');
    browser = await launchBrowser();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-report-'));
  });
  after(async () => {
    await browser?.close();
    await opened?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('draws questions per day, containment, helped by intent and ratings, and lists the unanswered questions masked, offline', async () => {
    const seeded = await seedWeek(opened.db, end);
    const details = await insightsDetails(opened.db, { since: new Date(end.getTime() - 7 * 86400e3), until: end, timeZone: 'America/New_York', now: end });
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, renderHtmlReport(details, end));

    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-charts="ready"]', { timeout: 20000 });
    expect(errors).to.deep.equal([]);
    expect(requests, 'no network').to.deep.equal([]);

    // Each canvas has a Chart.js chart with the seeded data, and pixels drawn.
    const charts = await page.evaluate(() => {
      const w = window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: unknown[]; datasets: Array<{ data: Array<number | null> }> } } | undefined } };
      return ['perDay', 'containment', 'helped', 'csat'].map((id) => {
        const canvas = document.getElementById(id) as HTMLCanvasElement;
        const chart = w.Chart.getChart(canvas);
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
        return { id, labels: chart?.data.labels.length ?? 0, sums: chart?.data.datasets.map((d) => d.data.reduce<number>((a, b) => a + (b ?? 0), 0)) ?? [], painted };
      });
    });
    const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
    expect(byId.perDay.labels).to.be.within(7, 8);
    expect(byId.perDay.sums).to.deep.equal([seeded.answers, seeded.misses, seeded.escalations]);
    expect(byId.csat.sums).to.deep.equal([seeded.ratings.length]);
    expect(byId.helped.labels).to.equal(5);
    expect(byId.containment.labels).to.equal(byId.perDay.labels);
    for (const c of charts) expect(c.painted, `${c.id} is drawn`).to.be.greaterThan(1000);

    const table = await page.locator('#unanswered tbody').innerText();
    expect(table).to.include('can I get my parking permit here');
    expect(table).to.include('[date redacted]');
    expect(table).to.include('[phone redacted]');
    expect(table).not.to.match(/02\/03\/2004|555-0142/);
    expect(await page.locator('.tile').count()).to.equal(9);

    fs.mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/insights-report.png', fullPage: true });
    await page.close();
  });
});

/**
 * The weekly digest card as an Adaptive Card renderer draws it (the Adaptive Cards JS renderer
 * that Web Chat ships, in headless Chromium): the numbers and the unanswered questions are
 * readable. Its screenshot is the one in the README.
 */
describe('insights digest card in the browser', function () {
  this.timeout(90000);

  it('renders the week in numbers, the change from last week and the top unanswered questions', async () => {
    const opened = await openTestPostgres('digest');
    const browser = await launchBrowser();
    try {
      const end = new Date('2026-11-30T15:00:00Z');
      // Last week had one quiet day less.
      await seedWeek(opened.db, new Date(end.getTime() - 7 * 86400e3), 6);
      await seedWeek(opened.db, end, 7);
      const window = (until: Date) => ({ since: new Date(until.getTime() - 7 * 86400e3), until, timeZone: 'America/New_York', now: end, unanswered: 5 });
      const card = digestCard(await insightsDetails(opened.db, window(end)), await insightsDetails(opened.db, window(new Date(end.getTime() - 7 * 86400e3))));
      // The renderer Web Chat ships speaks Adaptive Cards 1.2: Teams' Action.Execute shows as a plain button there.
      const content = JSON.parse(JSON.stringify(card.content).replace(/"Action\.Execute"/g, '"Action.Submit"')) as Record<string, unknown>;
      content.version = '1.2';
      const library = fs.readFileSync(path.join(path.dirname(require.resolve('adaptivecards')), '..', 'dist', 'adaptivecards.min.js'), 'utf8');
      const page = await browser.newPage({ viewport: { width: 560, height: 900 }, deviceScaleFactor: 2 });
      await page.setContent(
        `<!doctype html><html><body style="margin:0;padding:16px;background:#f5f5f5;font-family:'Segoe UI',system-ui,sans-serif"><div id="card" style="background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.2);max-width:520px"></div><script>${library}</script></body></html>`,
      );
      await page.evaluate((json) => {
        const AC = (window as unknown as { AdaptiveCards: { AdaptiveCard: new () => { parse(j: unknown): void; render(): HTMLElement } } }).AdaptiveCards;
        const adaptive = new AC.AdaptiveCard();
        adaptive.parse(json);
        document.getElementById('card')!.appendChild(adaptive.render());
      }, content);
      const shown = await page.locator('#card').innerText();
      expect(shown).to.include('weekly insights');
      expect(shown).to.include('27 (+3 vs last week)');
      expect(shown).to.include('can I get my parking permit here');
      expect(shown).to.include('Review unanswered questions');
      fs.mkdirSync('test/artifacts', { recursive: true });
      await page.locator('#card').screenshot({ path: 'test/artifacts/insights-digest-card.png' });
      await page.close();
    } finally {
      await browser.close();
      await opened.close();
    }
  });
});
