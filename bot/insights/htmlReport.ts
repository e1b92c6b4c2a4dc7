import fs from 'node:fs';
import path from 'node:path';
import type { InsightsDetails } from './report';

/**
 * The self-contained HTML report of `npm run insights -- --html FILE`: one file, no network,
 * with Chart.js inlined (its UMD build from node_modules) and the numbers embedded as JSON.
 * Charts: questions per day, containment per day, helped versus not by intent, ratings; then the
 * unanswered questions as a table. Text from the database is HTML-escaped.
 */

let chartJs: string | null = null;

/** The Chart.js browser build, read once. */
function chartLibrary(): string {
  // chart.js's exports map hides dist/ files from require.resolve; its main file sits beside them.
  chartJs ??= fs.readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  return chartJs;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`);

/** Renders the report page for `details`. */
export function renderHtmlReport(details: InsightsDetails, generatedAt: Date): string {
  const s = details.summary;
  const day = (iso: string) => iso.slice(0, 10);
  const tiles: Array<[string, string, string]> = [
    ['Conversations', String(s.conversations), ''],
    ['Answers given', String(s.answered), ''],
    ['Helped', String(s.helpedYes), `${s.helpedNo} said it did not`],
    ['Unanswered', String(details.misses), 'questions the bot could not match'],
    ['Escalations', String(s.escalations), 'cases for the help desk'],
    ['Containment', pct(s.containmentRate), 'conversations without a case'],
    ['Satisfaction', s.csat.average === null ? '–' : `${s.csat.average.toFixed(1)} / 5`, `${s.csat.responses} rating(s)`],
    ['Emergencies shown', String(details.emergencies), '911 and 988 given'],
    ['Abandoned mid-flow', String(details.abandoned), 'no reply for 30 minutes'],
  ];
  const rows = s.unanswered
    .map((u) => `<tr><td>${escapeHtml(u.text)}</td><td class="n">${u.count}</td><td>${u.suggestedIntent ? escapeHtml(u.suggestedIntent) : '–'}</td></tr>`)
    .join('\n');
  const data = {
    perDay: details.perDay,
    helpedByIntent: details.helpedByIntent,
    ratings: details.ratings,
    average: s.csat.average,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>UHS Portal Help Bot: insights ${escapeHtml(day(s.since))} to ${escapeHtml(day(s.until))}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; background: #f6f6f6; }
  header { background: #881c1c; color: #fff; padding: 20px 32px; }
  header h1 { margin: 0 0 4px; font-size: 24px; }
  header p { margin: 0; opacity: .9; }
  main { padding: 24px 32px; max-width: 1200px; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin-bottom: 24px; }
  .tile { background: #fff; border-radius: 8px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  .tile .label { font-size: 13px; color: #555; }
  .tile .value { font-size: 28px; font-weight: 600; color: #881c1c; }
  .tile .note { font-size: 12px; color: #777; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; }
  figure { background: #fff; margin: 0; border-radius: 8px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  figcaption { font-weight: 600; margin-bottom: 8px; }
  .chart { position: relative; height: 260px; }
  table { width: 100%; border-collapse: collapse; background: #fff; border-radius: 8px; overflow: hidden; }
  th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid #eee; font-size: 14px; }
  th { background: #fafafa; }
  td.n { text-align: right; }
  h2 { margin: 28px 0 10px; font-size: 18px; }
  footer { color: #777; font-size: 12px; padding: 16px 32px 32px; }
</style>
</head>
<body>
<header>
  <h1>UHS Portal Help Bot: insights</h1>
  <p>${escapeHtml(day(s.since))} to ${escapeHtml(day(s.until))} (days in ${escapeHtml(details.timeZone)})</p>
</header>
<main>
  <section class="tiles" aria-label="Totals">
${tiles.map(([label, value, note]) => `    <div class="tile"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="note">${escapeHtml(note)}</div></div>`).join('\n')}
  </section>
  <section class="charts">
    <figure><figcaption>Questions per day</figcaption><div class="chart"><canvas id="perDay" role="img" aria-label="Questions per day: answered and unanswered"></canvas></div></figure>
    <figure><figcaption>Containment per day</figcaption><div class="chart"><canvas id="containment" role="img" aria-label="Share of conversations without a case, per day"></canvas></div></figure>
    <figure><figcaption>Helped or not, by topic</figcaption><div class="chart"><canvas id="helped" role="img" aria-label="Answers that helped and did not, per intent"></canvas></div></figure>
    <figure><figcaption>Satisfaction after a resolved case (1–5)</figcaption><div class="chart"><canvas id="csat" role="img" aria-label="Ratings from 1 to 5"></canvas></div></figure>
  </section>
  <h2>Unanswered questions (masked)</h2>
  <table id="unanswered">
    <thead><tr><th>Question</th><th>Times</th><th>Closest topic</th></tr></thead>
    <tbody>
${rows || '<tr><td colspan="3">None in this period.</td></tr>'}
    </tbody>
  </table>
</main>
<footer>Generated ${escapeHtml(generatedAt.toISOString())}. Dates of birth, emails, phone and ID numbers are masked; unanswered texts are kept 90 days.</footer>
<script>${chartLibrary().replace(/<\/script/gi, '<\\/script')}</script>
<script>
(function () {
  var data = ${scriptJson(data)};
  var maroon = '#881c1c', grey = '#9e9e9e', green = '#2e7d32', amber = '#f9a825';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  var days = data.perDay.map(function (d) { return d.day; });
  new Chart(document.getElementById('perDay'), {
    type: 'bar',
    data: { labels: days, datasets: [
      { label: 'Answered', data: data.perDay.map(function (d) { return d.answered; }), backgroundColor: maroon, stack: 'q' },
      { label: 'Unanswered', data: data.perDay.map(function (d) { return d.misses; }), backgroundColor: grey, stack: 'q' },
      { label: 'Escalations', data: data.perDay.map(function (d) { return d.escalations; }), backgroundColor: amber, stack: 'e' }
    ] },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
  });
  new Chart(document.getElementById('containment'), {
    type: 'line',
    data: { labels: days, datasets: [{ label: 'Contained (%)', borderColor: green, backgroundColor: green,
      data: data.perDay.map(function (d) { return d.conversations ? Math.round(100 * Math.max(0, d.conversations - d.escalations) / d.conversations) : null; }) }] },
    options: { scales: { y: { min: 0, max: 100 } } }
  });
  new Chart(document.getElementById('helped'), {
    type: 'bar',
    data: { labels: data.helpedByIntent.map(function (h) { return h.intent; }), datasets: [
      { label: 'Helped', data: data.helpedByIntent.map(function (h) { return h.yes; }), backgroundColor: green },
      { label: 'Did not help', data: data.helpedByIntent.map(function (h) { return h.no; }), backgroundColor: maroon }
    ] },
    options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } }
  });
  new Chart(document.getElementById('csat'), {
    type: 'bar',
    data: { labels: ['1', '2', '3', '4', '5'], datasets: [{ label: 'Ratings' + (data.average === null ? '' : ' (average ' + data.average.toFixed(1) + ')'), data: data.ratings, backgroundColor: maroon }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  document.body.setAttribute('data-charts', 'ready');
})();
</script>
</body>
</html>
`;
}
