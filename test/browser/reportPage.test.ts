// The savings report page as a person uses it: the same HTML, script and styles the extension ships,
// in a real headless Chromium, fed the report message the extension would send for the example workspace.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { DEFAULT_OPTIONS, Finding } from '../../src/core/model';
import { WorkspaceSession } from '../../src/workspace/session';
import { renderReportHtml } from '../../src/vscode/report/html';
import { reportMessage } from '../../src/server/reportRows';
import { formatUsd } from '../../src/core/report/format';
import { savingsLenses } from '../../src/server/codeLens';
import { CHROMIUM, CHROMIUM_ARGS, ensureDebianPackages } from '../support/system';

const ROOT = join(__dirname, '..', '..', '..');
const ORIGIN = 'https://webview.test';
const OUT = join(ROOT, 'test-output');

const analysis = new WorkspaceSession(join(ROOT, 'examples'), DEFAULT_OPTIONS).analyzeAll();
// One hostile row: workspace text must come out as text, never as markup.
const hostile: Finding = JSON.parse(JSON.stringify(analysis.findings[0]));
hostile.site.file = 'src/<img src=x onerror="window.__pwned=1">.ts';
const message = reportMessage([{ name: 'examples', findings: [...analysis.findings, hostile], errors: [{ file: 'broken.ts', message: 'syntax error: <b>x</b>' }] }], '2026-11-25T00:00:00Z');

let browser: Browser;
let page: Page;

before(async () => {
  ensureDebianPackages();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const html = renderReportHtml({ cspSource: ORIGIN, nonce: 'test-nonce-123', scriptUri: `${ORIGIN}/media/report.js`, styleUri: `${ORIGIN}/media/report.css` });
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/') return route.fulfill({ contentType: 'text/html', body: html });
    if (path.startsWith('/media/')) {
      const type = path.endsWith('.js') ? 'text/javascript' : 'text/css';
      return route.fulfill({ contentType: type, body: readFileSync(join(ROOT, path)) });
    }
    return route.abort();
  });
  // The webview host's API, as VS Code provides it: messages to the extension are recorded.
  await page.addInitScript(() => {
    const w = globalThis as unknown as { __sent: unknown[]; __state: unknown; acquireVsCodeApi: () => unknown };
    w.__sent = [];
    w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.__sent.push(m), getState: () => w.__state, setState: (s: unknown) => (w.__state = s) });
  });
  const cspViolations: string[] = [];
  page.on('console', (m) => m.type() === 'error' && cspViolations.push(m.text()));
  await page.goto(`${ORIGIN}/`);
  await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), message);
  await page.locator('#rows tbody tr.row').first().waitFor();
  assert.deepEqual(cspViolations, [], 'the page runs under its own CSP without violations');
});

after(async () => {
  await browser?.close();
});

const rowCount = () => page.locator('#rows tbody tr.row').count();
/** The table's columns (1-based, as nth-child counts them). */
const COLUMN = { file: 1, line: 2, provider: 3, model: 4, verdict: 5, volume: 6, now: 7, withBatch: 8, savings: 9, fix: 10 };
/** A money cell's monthly amount: '–' is none, '(…)' a saving not counted, '…/run' a per-run figure, in no monthly total. */
const money = (t: string) => (t === '–' || t.endsWith('/run') || t.endsWith('/run)') ? 0 : Number(t.replace(/[$,<()]/g, '')));
const sent = () => page.evaluate(() => (globalThis as unknown as { __sent: { type: string }[] }).__sent);

test('cards and rows show what the engine computed; the page asked for data when ready', async () => {
  assert.equal(await rowCount(), message.rows.length);
  assert.equal(await page.locator('.card.savings .value').textContent(), formatUsd(message.totals.monthlySavings));
  // The columns add up to the cards: a call that stays as it is costs the same with batch.
  const column = async (n: number) =>
    (await page.locator(`#rows tbody tr.row td:nth-child(${n})`).allTextContents()).reduce((sum, t) => sum + money(t), 0);
  const sumOf = (xs: (number | null)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);
  assert.ok(Math.abs(sumOf(message.rows.map((r) => r.monthlyBatch)) - message.totals.monthlyWithBatch) < 1e-6);
  assert.ok(Math.abs(sumOf(message.rows.map((r) => r.monthlySavings)) - message.totals.monthlySavings) < 1e-6);
  assert.ok(Math.abs((await column(COLUMN.withBatch)) - message.totals.monthlyWithBatch) < 0.01 * message.rows.length);
  assert.equal((await sent())[0].type, 'ready');
});

test('workspace text is rendered as text, never as markup', async () => {
  assert.equal(await page.locator('#rows img').count(), 0);
  assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
  assert.ok((await page.locator('#rows tbody').textContent())!.includes('<img src=x'));
  assert.equal(await page.locator('#errors b').count(), 0);
  assert.match((await page.locator('#errors').textContent())!, /syntax error: <b>x<\/b>/);
});

test('sorting by savings: one click ascending, the next descending, and the header says so', async () => {
  const savings = async () => (await page.locator(`#rows tbody tr.row td:nth-child(${COLUMN.savings})`).allTextContents()).map(money);
  const header = page.locator('th[data-key="monthlySavings"]');
  await header.click();
  const up = await savings();
  assert.deepEqual(up, [...up].sort((a, b) => a - b));
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  await header.click();
  const down = await savings();
  assert.deepEqual(down, [...down].sort((a, b) => b - a));
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  assert.ok(down[0] > 0 && down[0] > up[0], 'the largest saving comes first when descending');
});

test('filtering by verdict, provider and text', async () => {
  await page.selectOption('#verdict', 'user-waiting');
  assert.equal(await rowCount(), message.rows.filter((r) => r.verdict === 'user-waiting').length);
  await page.selectOption('#verdict', '');
  await page.selectOption('#provider', 'anthropic');
  assert.equal(await rowCount(), message.rows.filter((r) => r.provider === 'anthropic').length);
  await page.selectOption('#provider', '');
  await page.fill('#filter', 'nightly');
  assert.equal(await rowCount(), 1);
  await page.fill('#filter', '');
  assert.equal(await rowCount(), message.rows.length);
});

test('filtering by model and by top-level folder', async () => {
  const model = message.rows.find((r) => r.file === 'scripts/summarize-nightly.ts')!.model!;
  await page.selectOption('#model', model);
  assert.equal(await rowCount(), message.rows.filter((r) => r.model === model).length);
  await page.selectOption('#model', '');
  const folders = await page.locator('#folder option').allTextContents();
  assert.deepEqual(folders.slice(1), [...new Set(message.rows.map((r) => r.file.split('/')[0]))].sort());
  await page.selectOption('#folder', 'scripts');
  const files = await page.locator('#rows tbody tr.row a.reveal').allTextContents();
  assert.ok(files.length > 0 && files.every((f) => f.startsWith('scripts/')), files.join(', '));
  assert.equal(files.length, message.rows.filter((r) => r.file.startsWith('scripts/')).length);
  await page.selectOption('#folder', '');
  assert.equal(await rowCount(), message.rows.length);
});

test('expanding a row shows its evidence and assumptions; the file link asks to reveal the call', async () => {
  const row = page.locator('#rows tbody tr.row', { hasText: 'summarize-nightly' });
  await row.click();
  const detail = page.locator('#rows tbody tr.detail');
  await detail.waitFor();
  assert.match((await detail.textContent())!, /Evidence.*npm-script.*Assumptions.*5,000 calls\/day/s);
  await row.locator('a.reveal').click();
  const reveal = (await sent()).find((m) => m.type === 'reveal') as { file: string; line: number } | undefined;
  assert.equal(reveal?.file, 'scripts/summarize-nightly.ts');
  assert.equal(reveal?.line, message.rows.find((r) => r.file === 'scripts/summarize-nightly.ts')!.line);
});

test('export buttons and apply-fix post typed messages', async () => {
  for (const format of ['markdown', 'csv', 'json']) await page.click(`#export-${format}`);
  assert.deepEqual((await sent()).filter((m) => m.type === 'export'), [{ type: 'export', format: 'markdown' }, { type: 'export', format: 'csv' }, { type: 'export', format: 'json' }]);
  const fixable = message.rows.filter((r) => r.fix?.safe).length;
  assert.equal(await page.locator('button.apply-fix').count(), fixable);
  await page.locator('button.apply-fix').first().click();
  assert.ok((await sent()).some((m) => m.type === 'applyFix'));
});

test('each row gives its volume and where it came from, and sorts by it', async () => {
  const row = (file: string) => page.locator('#rows tbody tr.row', { hasText: file }).locator(`td:nth-child(${COLUMN.volume})`);
  assert.equal(await row('summarize-nightly').textContent(), '5,000/daycomment');
  assert.equal(await row('tag-notes').textContent(), '1,000/dayassumed');
  assert.equal(await row('digest-cron').textContent(), '1/dayschedule');
  assert.match((await row('tag-notes').getAttribute('title'))!, /^1,000\/day, assumed: setting defaultCallsPerDay$/);
  // The 2-case eval: a per-run figure, read from its literal list.
  assert.equal(await row('run-evals').textContent(), '2/runcode');
  assert.match((await row('run-evals').getAttribute('title'))!, /^2\/run, from code \(runs per day unknown\): 2 per run \(the literal list of 2 at evals\/run-evals\.ts:13\)$/);
  await page.click('th[data-key="volume"]');
  // Per-run rows have no calls a day: they sort after the others.
  const perDay = (await page.locator(`#rows tbody tr.row td:nth-child(${COLUMN.volume}) .per-day`).allTextContents()).filter((t) => t.endsWith('/day')).map((t) => Number(t.replace(/[,/day]/g, '')));
  assert.deepEqual(perDay, [...perDay].sort((a, b) => b - a));
  assert.equal(perDay[0], 5000);
});

test('a low-volume call shows what it would save, the CodeLens figure, marked as not counted', async () => {
  const cron = message.rows.find((r) => r.file === 'src/jobs/digest-cron.ts')!;
  assert.equal(cron.lowVolume, true);
  assert.equal(cron.monthlySavings, 0, 'not counted in the totals');
  const cell = page.locator('#rows tbody tr.row', { hasText: 'digest-cron' }).locator(`td:nth-child(${COLUMN.savings})`);
  const lens = savingsLenses(analysis.findings.filter((f) => f.site.file === 'src/jobs/digest-cron.ts'), 1)[0].command!.title;
  const amount = /≈ (\$[\d.,]+)\/mo/.exec(lens)![1];
  assert.equal(await cell.textContent(), `(${amount})`);
  assert.match((await cell.getAttribute('title'))!, /not counted in the totals/);
});

test('filters narrow the cards and the charts too, not only the rows', async () => {
  const card = (cls: string) => page.locator(`#cards .card.${cls} .value`).textContent();
  // OpenAI: its calls save money each month (the Anthropic ones here are low volume or per run).
  await page.selectOption('#provider', 'openai');
  try {
    const shown = message.rows.filter((r) => r.provider === 'openai');
    const sum = (xs: (number | null)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);
    assert.equal(await card('savings'), formatUsd(sum(shown.map((r) => r.monthlySavings))));
    assert.equal(await card('now'), formatUsd(sum(shown.map((r) => r.monthlyStandard))));
    assert.equal(await card('sites'), `${shown.length} of ${message.rows.length}`);
    assert.ok(!(await page.locator('#filter-note').isHidden()));
    // Long names are cut at the front ('…name.ts').
    const charted = await page.locator('#chart-file .chart-label').allTextContents();
    const openaiFiles = [...new Set(shown.filter((r) => (r.monthlySavings ?? 0) > 0).map((r) => r.file))];
    assert.equal(charted.length, openaiFiles.length, charted.join(', '));
    for (const label of charted) assert.ok(openaiFiles.some((f) => f.endsWith(label.replace(/^…/, ''))), label);
    assert.deepEqual(await page.locator('#chart-provider .chart-label').allTextContents(), ['openai']);
  } finally {
    await page.selectOption('#provider', '');
  }
  assert.equal(await card('savings'), formatUsd(message.totals.monthlySavings));
  assert.ok(await page.locator('#filter-note').isHidden());
});

test('evidence names each place once', async () => {
  const row = page.locator('#rows tbody tr.row', { hasText: 'summarize-nightly' });
  if ((await page.locator('#rows tbody tr.detail').count()) === 0) await row.click();
  const items = await page.locator('#rows tbody tr.detail li').allTextContents();
  assert.ok(items.some((t) => t === 'loop-over-collection: called once per iteration of the loop at scripts/summarize-nightly.ts:9'), items.join('\n'));
  for (const t of items) assert.doesNotMatch(t, /\(([^()]+:\d+)\) \(\1\)|(\S+:\d+) \(\2\)$/, t);
});

test('model ids do not wrap inside the id, even in a narrow panel', async () => {
  await page.setViewportSize({ width: 640, height: 1000 });
  try {
    const lines = await page.evaluate(`[...document.querySelectorAll('#rows td.model')].map((td) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      return [td.textContent, new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size];
    })`) as [string, number][];
    assert.ok(lines.some(([id]) => id.length > 15), 'a long id is among them');
    for (const [id, n] of lines) assert.equal(n, 1, `${id} takes ${n} lines`);
  } finally {
    await page.setViewportSize({ width: 1280, height: 1000 });
  }
});

test('a stale row\'s Apply fix is disabled and says why; clicking it sends nothing', async () => {
  const stale = { ...message, rows: message.rows.map((r) => (r.fix?.safe && r.file === 'scripts/summarize-nightly.ts' ? { ...r, stale: 'the file changed since this row was computed' } : r)) };
  await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), stale);
  const button = page.locator('#rows tbody tr.row', { hasText: 'summarize-nightly' }).locator('button.apply-fix');
  await page.locator('#rows tbody tr.row .stale-note').first().waitFor();
  assert.equal(await button.isDisabled(), true);
  assert.equal(await button.getAttribute('title'), 'Not available: the file changed since this row was computed');
  const before = (await sent()).length;
  await button.click({ force: true });
  assert.equal((await sent()).length, before);
  const other = page.locator('#rows tbody tr.row', { hasText: 'run-evals' }).locator('button.apply-fix');
  assert.equal(await other.isDisabled(), false, 'other rows keep their button');
  await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), message);
  await page.locator('#rows tbody tr.row .stale-note').waitFor({ state: 'detached' });
});

test('with usage reports the page shows the reconciliation and the volumes from the report', async () => {
  const reports = join(ROOT, 'test', 'fixtures', 'usage', 'reports');
  const files = ['openai-completions-1.json', 'openai-completions-2.json', 'anthropic-messages-1.json', 'anthropic-messages-2.json'].map((f) => join(reports, f));
  const calibrated = new WorkspaceSession(join(ROOT, 'examples'), DEFAULT_OPTIONS, { usage: files.map((path) => ({ path, name: path.split('/').pop()! })) }).analyzeAll();
  const withUsage = reportMessage([{ name: 'examples', findings: calibrated.findings, errors: calibrated.errors, usage: calibrated.usage }], '2026-12-01T00:00:00Z');
  await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), withUsage);
  await page.locator('#usage h2').waitFor();
  const u = calibrated.usage!;
  assert.equal(await page.locator('#usage h2').textContent(), `Usage report, 2026-11-01 – 2026-11-30 (30 days; ${files.map((f) => f.split('/').pop()).join(', ')})`);
  const line = (cls: string) => page.locator(`#usage tr.${cls} td`).textContent();
  assert.equal(await line('measured'), `${formatUsd(u.monthlySpend)}/mo`);
  assert.equal(await line('on-batchable'), `${formatUsd(u.monthlyOnBatchable)}/mo`);
  assert.equal(await line('usage-savings'), `${formatUsd(u.monthlySavings)}/mo`);
  assert.equal(await line('unplaced'), `${formatUsd(u.monthlyUnplaced)}/mo (no call site found for gpt-4.1)`);
  assert.equal(await line('measured'), '$36.04/mo', 'the figure the CLI prints for the same files');
  const volume = page.locator('#rows tbody tr.row', { hasText: 'summarize-nightly' }).locator(`td:nth-child(${COLUMN.volume})`);
  assert.equal(await volume.textContent(), '2,000/dayusage report');
  await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), message);
  await page.locator('#usage').waitFor({ state: 'hidden' });
});

test('the charts draw a bar per file and provider with savings, and the page is not blank', async () => {
  const withSavings = new Set(message.rows.filter((r) => (r.monthlySavings ?? 0) > 0).map((r) => r.file));
  assert.equal(await page.locator('#chart-file rect').count(), Math.min(8, withSavings.size));
  assert.ok((await page.locator('#chart-provider rect').count()) >= 1);
  mkdirSync(OUT, { recursive: true });
  const shot = await page.screenshot({ fullPage: true });
  writeFileSync(join(OUT, 'report-page.png'), shot);
  // Decode the picture in a blank page (no CSP there) and look at its pixels: a blank or one-colour
  // page has a handful of colours; cards, bars and text have many, and the bars' colour among them.
  const blank = await browser.newPage();
  // (A string, since the tests compile without the DOM's types.)
  const pixels = (await blank.evaluate(`(async () => {
    const img = new Image();
    img.src = 'data:image/png;base64,${shot.toString('base64')}';
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    const colours = new Set();
    let background = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      if (data[i] === data[0] && data[i + 1] === data[1] && data[i + 2] === data[2]) background++;
    }
    return { colours: colours.size, inked: 1 - background / (data.length / 4) };
  })()`)) as { colours: number; inked: number };
  await blank.close();
  assert.ok(pixels.colours > 50, `only ${pixels.colours} colours in the screenshot`);
  assert.ok(pixels.inked > 0.05, `only ${(pixels.inked * 100).toFixed(1)} % of the screenshot differs from the background`);
});

test('a per-run figure (the 2-case eval, the one-off backfill) shows per run in its row and in its own card, never in the monthly ones', async () => {
  const evals = message.rows.find((r) => r.file === 'evals/run-evals.ts')!;
  assert.equal(evals.perRun?.calls, 2);
  assert.equal(evals.monthlyStandard, 0, 'no monthly money');
  const now = page.locator('#rows tbody tr.row', { hasText: 'run-evals' }).locator(`td:nth-child(${COLUMN.now})`);
  assert.equal(await now.textContent(), `${formatUsd(evals.perRun!.standard)}/run`);
  assert.equal(message.totals.perRunSites, message.rows.filter((r) => r.perRun).length);
  assert.equal(await page.locator('#cards .card.per-run .value').textContent(), `${formatUsd(message.totals.perRunSavings)} saved of ${formatUsd(message.totals.perRunStandard)}`);
  assert.equal(await page.locator('#cards .card.per-run .label').textContent(), `Per run, ${message.totals.perRunSites} sites (not monthly)`);
});
