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
const sent = () => page.evaluate(() => (globalThis as unknown as { __sent: { type: string }[] }).__sent);

test('cards and rows show what the engine computed; the page asked for data when ready', async () => {
  assert.equal(await rowCount(), message.rows.length);
  assert.equal(await page.locator('.card.savings .value').textContent(), formatUsd(message.totals.monthlySavings));
  // The columns add up to the cards: a call that stays as it is costs the same with batch.
  const column = async (n: number) =>
    (await page.locator(`#rows tbody tr.row td:nth-child(${n})`).allTextContents()).reduce((sum, t) => sum + (t === '–' ? 0 : Number(t.replace(/[$,<]/g, ''))), 0);
  const sumOf = (xs: (number | null)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);
  assert.ok(Math.abs(sumOf(message.rows.map((r) => r.monthlyBatch)) - message.totals.monthlyWithBatch) < 1e-6);
  assert.ok(Math.abs(sumOf(message.rows.map((r) => r.monthlySavings)) - message.totals.monthlySavings) < 1e-6);
  assert.ok(Math.abs((await column(7)) - message.totals.monthlyWithBatch) < 0.01 * message.rows.length);
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
  const savings = async () => (await page.locator('#rows tbody tr.row td:nth-child(8)').allTextContents()).map((t) => (t === '–' ? 0 : Number(t.replace(/[$,<]/g, ''))));
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
