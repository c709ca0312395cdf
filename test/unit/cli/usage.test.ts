// batchwise audit --usage, as a user runs it: the built dist/cli.js (scripts/test.sh builds before testing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'usage');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: FIXTURE, encoding: 'utf8' });
const PAGES = ['reports/openai-completions-1.json', 'reports/openai-completions-2.json', 'reports/anthropic-messages-1.json', 'reports/anthropic-messages-2.json'];

test('audit --usage (JSON): the reconciliation and the calibrated sites, file names as typed', () => {
  const res = run('audit', 'project', '--format', 'json', '--usage', ...PAGES);
  assert.equal(res.status, 0, res.stderr);
  const doc = JSON.parse(res.stdout);
  assert.deepEqual(doc.errors, []);
  // Worked out by hand in test/unit/estimate/usage.test.ts.
  assert.deepEqual(
    [doc.usage.from, doc.usage.to, doc.usage.monthlySpend, doc.usage.monthlyOnBatch, doc.usage.monthlyOnBatchable, doc.usage.monthlySavings, doc.usage.monthlyOnOtherSites, doc.usage.monthlyUnplaced],
    ['2026-11-01', '2026-11-30', 36.04, 3.74, 14.4, 7.2, 12.15, 5.75],
  );
  assert.deepEqual(doc.usage.files, PAGES);
  const nightly = doc.findings.find((f: { file: string }) => f.file === 'scripts/nightly.ts');
  assert.equal(nightly.estimate.callsPerDay, 1500);
  assert.deepEqual(nightly.estimate.volume, { kind: 'usage-report', from: '2026-11-01', to: '2026-11-30', files: PAGES });
});

test('audit --usage (table): the usage section; without --usage none, and the volume says "assumed"', () => {
  const res = run('audit', 'project', '--usage', ...PAGES);
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, /Usage report, 2026-11-01 – 2026-11-30 \(30 days; reports\/openai-completions-1\.json/);
  assert.match(res.stdout, /spend we could not place: +\$5\.75\/mo/);
  const without = run('audit', 'project');
  assert.equal(without.status, 0, without.stderr);
  assert.doesNotMatch(without.stdout, /Usage report/);
  assert.match(without.stdout, /scripts\/classify\.ts:7 .* 1,000\/day assumed/);
  // A backfill script is a one-off: per run, its loop's count not in the code, so its calls per run assumed.
  assert.match(without.stdout, /scripts\/backfill\.ts:7 .* 1,000\/run one-off/);
});

test('audit --usage with a file that is no usage report: an error entry, the audit still runs', () => {
  const res = run('audit', 'project', '--format', 'json', '--usage', 'project/package.json', 'reports/nope.json');
  assert.equal(res.status, 0, res.stderr);
  const doc = JSON.parse(res.stdout);
  assert.deepEqual(
    doc.errors.map((e: { file: string }) => e.file),
    ['project/package.json', 'reports/nope.json'],
  );
  assert.match(doc.errors[0].message, /^usage report: not a usage report Batchwise reads/);
  assert.match(doc.errors[1].message, /^usage report: no such file/);
  assert.equal(doc.usage, undefined);
  assert.equal(doc.findings.length, 5);
});
