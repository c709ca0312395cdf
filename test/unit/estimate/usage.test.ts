// Usage reports: reading both providers' saved pages and console exports, sharing each model's measured
// volume over its call sites, and the reconciliation of the measured spend, to the cent. Every expected
// figure below is worked out by hand from the numbers in test/fixtures/usage/reports (see the comments),
// with the fixture project's price overrides (batchwise.config.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import type { AnalysisResult, Finding } from '../../../src/core/model';
import { parseUsageFile } from '../../../src/core/estimate/usage';
import { REPO_ROOT } from '../helpers';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'usage');
const PROJECT = join(FIXTURE, 'project');
const report = (name: string) => join(FIXTURE, 'reports', name);
const JSON_PAGES = ['openai-completions-1.json', 'openai-completions-2.json', 'anthropic-messages-1.json', 'anthropic-messages-2.json'].map(report);

function audit(usage: string[]): AnalysisResult {
  return new WorkspaceSession(PROJECT, DEFAULT_OPTIONS, { usage }).analyzeAll();
}

function site(result: AnalysisResult, file: string): Finding {
  const f = result.findings.find((x) => x.site.file === file);
  assert.ok(f, `no finding in ${file}`);
  return f!;
}

/** "To the cent": within half a cent. */
function cent(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 0.005, `${what}: ${actual} is not ${expected} to the cent`);
}

// The fixture's usage for November 2026 (30 daily buckets), and its prices per 1M tokens:
//   gpt-4o-mini   standard: 9,000,000 in of which 2,400,000 cached, 1,800,000 out, 60,000 requests
//                 batch:    1,200,000 in, 300,000 out, 6,000 requests
//                 prices $0.15 in, $0.075 cached, $0.60 out; batch $0.075 / $0.0375 / $0.30
//   gpt-4.1       standard: 500,000 in of which 100,000 cached, 50,000 out, 1,500 requests
//                 batch:    400,000 in, 40,000 out, 1,000 requests; prices $2 / $0.50 / $8, batch $1 / – / $4
//   claude-sonnet-4-5 standard: 3,000,000 uncached, 4,000,000 cache reads, 400,000 5-minute and
//                 100,000 1-hour cache writes, 800,000 out; batch: 1,000,000 uncached, 200,000 out
//                 prices $3 in, $0.30 cache read, $3.75 5m write (1.25×), $6 1h write (2×), $15 out; batch half
//   claude-haiku-4-5 standard: 3,000,000 uncached, 300,000 out; prices $1 / $5
const BY_HAND = {
  miniStandard: 6.6 * 0.15 + 2.4 * 0.075 + 1.8 * 0.6, // 0.99 + 0.18 + 1.08 = 2.25
  miniStandardAtBatch: 6.6 * 0.075 + 2.4 * 0.0375 + 1.8 * 0.3, // 0.495 + 0.09 + 0.54 = 1.125
  miniBatch: 1.2 * 0.075 + 0.3 * 0.3, // 0.18
  gpt41Standard: 0.4 * 2 + 0.1 * 0.5 + 0.05 * 8, // 1.25
  gpt41Batch: 0.4 * 1 + 0.04 * 4, // 0.56
  sonnetStandard: 3 * 3 + 4 * 0.3 + 0.4 * 3.75 + 0.1 * 6 + 0.8 * 15, // 9 + 1.2 + 1.5 + 0.6 + 12 = 24.30
  sonnetStandardAtBatch: 3 * 1.5 + 4 * 0.15 + 0.4 * 1.875 + 0.1 * 3 + 0.8 * 7.5, // 12.15
  sonnetBatch: 1 * 1.5 + 0.2 * 7.5, // 3.00
  haikuStandard: 3 * 1 + 0.3 * 5, // 4.50
};

test('usage pages of both providers: the measured spend reconciles to the cent', () => {
  const result = audit(JSON_PAGES);
  assert.deepEqual(result.errors, []);
  const u = result.usage!;
  assert.ok(u, 'no reconciliation');
  assert.deepEqual([u.from, u.to, u.days], ['2026-11-01', '2026-11-30', 30]);
  // The period is 30 days, so a month (30 days) of spend is the period's.
  const spend = BY_HAND.miniStandard + BY_HAND.miniBatch + BY_HAND.gpt41Standard + BY_HAND.gpt41Batch + BY_HAND.sonnetStandard + BY_HAND.sonnetBatch + BY_HAND.haikuStandard;
  cent(spend, 36.04, 'the hand sum itself');
  cent(u.monthlySpend, 36.04, 'measured spend');
  cent(u.monthlyOnBatch, 0.18 + 0.56 + 3.0, 'already on batch');
  // Batchable: both gpt-4o-mini scripts (all of its non-batch usage) and the Sonnet script (half:
  // the route has the same static estimate); the Next.js route is user-waiting.
  cent(u.monthlyOnBatchable, 2.25 + 24.3 / 2, 'on batchable sites');
  cent(u.monthlySavings, 2.25 - 1.125 + (24.3 - 12.15) / 2, 'savings');
  cent(u.monthlyOnOtherSites, 24.3 / 2, 'on other sites');
  cent(u.monthlyUnplaced, 1.25 + 4.5, 'could not place');
  cent(u.monthlyOnBatch + u.monthlyOnBatchable + u.monthlyOnOtherSites + u.monthlyUnplaced, u.monthlySpend, 'the parts add up');

  const model = (id: string) => u.models.find((m) => m.model === id)!;
  assert.deepEqual(model('gpt-4o-mini').reportedIds, ['gpt-4o-mini-2024-07-18']);
  assert.equal(model('gpt-4o-mini').requestsPerDay, (60_000 + 6_000) / 30);
  assert.equal(model('gpt-4o-mini').tokensPerDay, (9_000_000 + 1_800_000 + 1_200_000 + 300_000) / 30);
  assert.equal(model('gpt-4o-mini').batchShare, 1_500_000 / 12_300_000);
  cent(model('gpt-4o-mini').monthlySpend!, 2.43, 'gpt-4o-mini spend');
  assert.deepEqual(model('gpt-4o-mini').sites.sort(), ['scripts/backfill.ts:7', 'scripts/nightly.ts:8']);
  assert.equal(model('claude-sonnet-4-5').requestsPerDay, null, "Anthropic's report has no request counts");
  assert.deepEqual(model('gpt-4.1').sites, [], 'a model with no call site');
  assert.deepEqual(model('claude-haiku-4-5').sites, []);
  assert.deepEqual(u.unpriced, []);
  assert.deepEqual(u.sitesWithoutUsage, ['scripts/classify.ts:7 (gpt-4o)'], 'a call site with no usage');
});

test("each site gets its share of its model's usage, in proportion to its static estimate, and says so", () => {
  const result = audit(JSON_PAGES);
  // Static: nightly 3,000/day (comment), backfill 1,000/day (assumed), both 200 in + 100 out per call.
  const nightly = site(result, 'scripts/nightly.ts');
  const backfill = site(result, 'scripts/backfill.ts');
  assert.equal(nightly.estimate!.callsPerDay, (60_000 / 30) * 0.75);
  assert.equal(backfill.estimate!.callsPerDay, (60_000 / 30) * 0.25);
  assert.deepEqual(nightly.estimate!.volume, { kind: 'usage-report', from: '2026-11-01', to: '2026-11-30', files: JSON_PAGES });
  cent(nightly.estimate!.monthlyStandard, 2.25 * 0.75, 'nightly now');
  cent(nightly.estimate!.monthlySavings, 1.125 * 0.75, 'nightly saving');
  // Per call: (9M in / 30 × 0.75) / 1,500 calls = 150 in; (1.8M / 30 × 0.75) / 1,500 = 30 out.
  assert.ok(Math.abs(nightly.estimate!.inputTokens - 150) < 1e-9);
  assert.ok(Math.abs(nightly.estimate!.outputTokens - 30) < 1e-9);
  const text = nightly.estimate!.assumptions.join('\n');
  assert.match(text, /from the usage report \(2026-11-01 – 2026-11-30\)/);
  assert.match(text, /in proportion to their static estimates \(this site 75%\)/);
  assert.match(text, /Static estimate behind the share: 3,000 calls\/day/);
  assert.doesNotMatch(text, /assumed \(setting batchwise\.defaultCallsPerDay/, 'the assumed volume is replaced, not kept beside it');

  // Anthropic: no request counts. Sonnet's 8,300,000 non-batch tokens / 30 days, half to each site,
  // divided by the static 200 in + 200 out per call.
  const summarize = site(result, 'scripts/summarize.ts');
  assert.ok(Math.abs(summarize.estimate!.callsPerDay - 8_300_000 / 30 / 2 / 400) < 1e-9);
  assert.match(summarize.estimate!.assumptions.join('\n'), /no request counts: requests derived from this site's share of the tokens divided by its static per-call estimate \(200 in \+ 200 out\)/);
  cent(summarize.estimate!.monthlyStandard, 24.3 / 2, 'summarize now');

  // Not in the report: as before, and says where its volume came from.
  const classify = site(result, 'scripts/classify.ts');
  assert.deepEqual(classify.estimate!.volume, { kind: 'default' });
  assert.equal(classify.estimate!.callsPerDay, 1000);
});

test("the consoles' CSV exports give the same figures as the API pages", () => {
  const result = audit([report('openai-dashboard.csv'), report('anthropic-console.csv')]);
  assert.deepEqual(result.errors, []);
  const u = result.usage!;
  cent(u.monthlySpend, 36.04, 'measured spend');
  cent(u.monthlyOnBatch, 3.74, 'on batch');
  cent(u.monthlyOnBatchable, 14.4, 'on batchable');
  cent(u.monthlySavings, 7.2, 'savings');
  cent(u.monthlyUnplaced, 5.75, 'unplaced');
  assert.ok(u.notes.some((n) => /anthropic-console\.csv lists only days with usage/.test(n)));
});

test('a page given twice is counted once; a missing next page is said', () => {
  const twice = audit([...JSON_PAGES, report('openai-completions-1.json')]).usage!;
  cent(twice.monthlySpend, 36.04, 'same path twice is read once');
  const dir = mkdtempSync(join(tmpdir(), 'bw-usage-'));
  try {
    const copy = join(dir, 'page1-again.json');
    writeFileSync(copy, readFileSync(report('openai-completions-1.json')));
    const dup = audit([...JSON_PAGES, copy]).usage!;
    cent(dup.monthlySpend, 36.04, 'a copy of a page adds nothing');
    assert.ok(dup.notes.some((n) => /appeared in more than one file .* counted once/.test(n)), dup.notes.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const firstOnly = audit([report('openai-completions-1.json')]).usage!;
  assert.deepEqual([firstOnly.from, firstOnly.to], ['2026-11-01', '2026-11-15']);
  assert.ok(firstOnly.notes.some((n) => /openai-completions-1\.json says more pages follow \(has_more\), but no later page was given: usage after 2026-11-15 is missing/.test(n)));
});

test('the project file\'s "usage" key reads the reports too (globs relative to the project)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-usage-'));
  try {
    cpSync(PROJECT, dir, { recursive: true });
    cpSync(join(FIXTURE, 'reports'), join(dir, 'usage'), { recursive: true });
    const config = JSON.parse(readFileSync(join(dir, 'batchwise.config.json'), 'utf8'));
    writeFileSync(join(dir, 'batchwise.config.json'), JSON.stringify({ ...config, usage: ['usage/*-completions-*.json', 'usage/anthropic-messages-?.json'] }));
    const session = new WorkspaceSession(dir, DEFAULT_OPTIONS);
    const result = session.analyzeAll();
    assert.deepEqual(result.errors, []);
    cent(result.usage!.monthlySpend, 36.04, 'measured spend');
    assert.deepEqual(result.usage!.files, ['usage/openai-completions-1.json', 'usage/openai-completions-2.json', 'usage/anthropic-messages-1.json', 'usage/anthropic-messages-2.json']);
    // An editor re-analysing one file after a full scan gets the same calibrated figures.
    const one = session.analyzeFiles(['scripts/nightly.ts']).findings[0];
    assert.equal(one.estimate!.volume.kind, 'usage-report');
    assert.equal(one.estimate!.callsPerDay, 1500);
    // An absolute path or a path out of the project is refused by the schema, by name.
    writeFileSync(join(dir, 'batchwise.config.json'), JSON.stringify({ ...config, usage: ['../secret.json'] }));
    session.invalidate('batchwise.config.json');
    const refused = session.analyzeAll();
    assert.ok(refused.errors.some((e) => /usage/.test(e.message)), JSON.stringify(refused.errors));
    assert.equal(refused.usage, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that is no usage report is an error entry naming it; the audit goes on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-usage-'));
  try {
    const bad = join(dir, 'notes.txt');
    writeFileSync(bad, 'just some notes\nnothing else\n');
    const result = audit([bad, join(dir, 'missing.json'), join(dir, '.env'), ...JSON_PAGES]);
    const messages = Object.fromEntries(result.errors.map((e) => [e.file.replace(/^.*[\\/]/, ''), e.message]));
    assert.match(messages['notes.txt'], /^usage report: a CSV whose columns Batchwise does not know/);
    assert.match(messages['missing.json'], /^usage report: no such file/);
    assert.match(messages['.env'], /never reads \.env or key files/);
    cent(result.usage!.monthlySpend, 36.04, 'the good files still count');
    assert.equal(result.findings.length, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseUsageFile: shapes it refuses, each with its reason', () => {
  const msg = (text: string) => {
    const r = parseUsageFile('f', text);
    assert.equal(r.ok, false, `accepted: ${text.slice(0, 60)}`);
    return (r as { message: string }).message;
  };
  assert.match(msg(''), /empty/);
  assert.match(msg('{ "object": "page", '), /not valid JSON/);
  assert.match(msg('{"hello": "world"}'), /not a usage report Batchwise reads/);
  assert.match(msg('[1, 2]'), /not a usage report/);
  assert.match(msg(JSON.stringify({ object: 'page', data: [{ object: 'bucket', start_time: 1, end_time: 2, results: [{ object: 'organization.costs.result', amount: { value: 1, currency: 'usd' } }] }] })), /cost report/);
  assert.match(msg(JSON.stringify({ object: 'page', data: [{ object: 'bucket', start_time: 1, end_time: 2, results: [{ object: 'organization.usage.images.result', images: 3 }] }] })), /another kind \(organization\.usage\.images\.result\)/);
  assert.match(msg(JSON.stringify({ data: [{ starting_at: '2026-11-01T00:00:00Z', ending_at: '2026-11-02T00:00:00Z', results: [{ amount: '1.5', currency: 'USD', cost_type: 'tokens' }] }] })), /cost report/);
  // Not grouped by model: the usage can be neither matched nor priced.
  assert.match(msg(JSON.stringify({ object: 'page', data: [{ object: 'bucket', start_time: 1, end_time: 86401, results: [{ object: 'organization.usage.completions.result', input_tokens: 5, output_tokens: 1, num_model_requests: 1, model: null }] }] })), /data\[0\]\.results\[0\] is not grouped by model .* group_by=model/);
  assert.match(msg(JSON.stringify({ data: [{ starting_at: '2026-11-01T00:00:00Z', ending_at: '2026-11-02T00:00:00Z', results: [{ uncached_input_tokens: -4, output_tokens: 1, model: 'claude-haiku-4-5' }] }] })), /data\[0\]\.results\[0\]\.uncached_input_tokens is not a non-negative whole number/);
  assert.match(msg(JSON.stringify({ data: [{ starting_at: 'yesterday', ending_at: '2026-11-02T00:00:00Z', results: [] }] })), /data\[0\] start is not a time/);
  assert.match(msg(JSON.stringify({ object: 'page', data: [{ object: 'bucket', start_time: 10, end_time: 5, results: [] }] })), /ends before it starts/);
  assert.match(msg('usage_date_utc,model_version,usage_input_tokens_no_cache,usage_output_tokens\n2026-11-01,claude-haiku-4-5,12abc,1\n'), /row 2 usage_input_tokens_no_cache is not a non-negative whole number/);
  assert.match(msg('a,b\n"unterminated,1\n'), /not a readable CSV/);
  assert.match(msg(JSON.stringify({ data: [], has_more: false, next_page: null })), /no buckets/);
});

test('parseUsageFile: the shapes it reads', () => {
  // Anthropic pages saved with the cache writes flattened; OpenAI's OpenAPI spelling "result"; pages in one array.
  const flat = parseUsageFile('a.json', JSON.stringify({ data: [{ starting_at: '2026-11-01T00:00:00Z', ending_at: '2026-11-02T00:00:00Z', results: [{ uncached_input_tokens: 10, cache_read_input_tokens: 20, cache_creation_5m_input_tokens: 3, cache_creation_1h_input_tokens: 4, output_tokens: 5, model: 'claude-haiku-4-5', service_tier: 'batch' }] }], has_more: false }));
  assert.ok(flat.ok);
  assert.deepEqual(flat.value.rows[0].totals, { requests: null, inputUncached: 10, inputCached: 20, cacheWrite5m: 3, cacheWrite1h: 4, output: 5 });
  assert.equal(flat.value.rows[0].batch, true);
  const pages = parseUsageFile('o.json', JSON.stringify([
    { object: 'page', data: [{ object: 'bucket', start_time: 0, end_time: 86400, result: [{ object: 'organization.usage.embeddings.result', input_tokens: 7, num_model_requests: 2, model: 'text-embedding-3-small' }] }], has_more: true },
    { object: 'page', data: [{ object: 'bucket', start_time: 86400, end_time: 172800, results: [] }], has_more: false },
  ]));
  assert.ok(pages.ok);
  assert.equal(pages.value.provider, 'openai');
  assert.equal(pages.value.rows[0].endpoint, 'embeddings');
  assert.equal(pages.value.rows[0].totals.inputUncached, 7);
  assert.equal(pages.value.buckets.length, 2);
  // A model id carrying terminal escapes is kept, escaped, so no report prints them.
  const esc = parseUsageFile('e.json', JSON.stringify({ object: 'page', data: [{ object: 'bucket', start_time: 0, end_time: 86400, results: [{ object: 'organization.usage.completions.result', input_tokens: 1, output_tokens: 1, num_model_requests: 1, model: 'gpt\u001b[31m', batch: false }] }] }));
  assert.ok(esc.ok);
  assert.equal(esc.value.rows[0].model, 'gpt\\u001b[31m');
});
