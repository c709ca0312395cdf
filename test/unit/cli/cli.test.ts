// The CLI as a user runs it: the built dist/cli.js (scripts/test.sh builds before testing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';
import { wantsColour } from '../../../src/cli/audit';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

test('estimate reproduces the published worked examples exactly', () => {
  const sonnet = run('estimate', '--model', 'claude-sonnet-4', '--input-tokens', '8000000', '--output-tokens', '2000000', '--format', 'json');
  assert.equal(sonnet.status, 0, sonnet.stderr);
  const s = JSON.parse(sonnet.stdout);
  assert.deepEqual([s.model, s.standard, s.batch, s.savings], ['claude-sonnet-4', 54, 27, 27]);
  const gpt = JSON.parse(run('estimate', '--model', 'gpt-4o', '--input-tokens', '5000000', '--output-tokens', '1000000', '--format', 'json').stdout);
  assert.deepEqual([gpt.standard, gpt.batch, gpt.savings], [22.5, 11.25, 11.25]);
  const perDay = JSON.parse(run('estimate', '--model', 'gpt-4o', '--input-tokens', '5000', '--output-tokens', '1000', '--calls-per-day', '1000', '--format', 'json').stdout);
  assert.equal(perDay.standard, 22.5);
  const human = run('estimate', '--model', 'gpt-4o', '--input-tokens', '5000000', '--output-tokens', '1000000');
  assert.match(human.stdout, /standard\s+\$22\.50\/day/);
  assert.match(human.stdout, /batch\s+\$11\.25\/day/);
});

test('estimate: an unknown model or a bad number is exit 2 with a clear message', () => {
  const unknown = run('estimate', '--model', 'gpt4o', '--input-tokens', '10');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no price on file for 'gpt4o'\. Did you mean: gpt-4o/);
  const bad = run('estimate', '--model', 'gpt-4o', '--input-tokens', 'lots');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /'lots' is not a non-negative number/);
});

test('audit --format json: the stable document for the example workspace', () => {
  const res = run('audit', 'examples', '--format', 'json');
  assert.equal(res.status, 0, res.stderr);
  const doc = JSON.parse(res.stdout);
  assert.equal(doc.version, 1);
  assert.equal(doc.root, join(REPO_ROOT, 'examples'));
  assert.deepEqual(doc.errors, []);
  const verdicts = Object.fromEntries(doc.findings.map((f: { file: string; verdict: string }) => [f.file, f.verdict]));
  assert.deepEqual(verdicts, {
    'evals/run-evals.ts': 'batchable',
    'scripts/backfill-embeddings.ts': 'batchable',
    'scripts/summarize-nightly.ts': 'batchable',
    'scripts/tag-notes.ts': 'batchable',
    'src/app/api/chat/route.ts': 'user-waiting',
    'src/jobs/digest-cron.ts': 'batchable',
    'src/jobs/summarize-worker.ts': 'batchable',
    'src/lib/classify-ticket.ts': 'user-waiting',
    'src/server/express-app.ts': 'user-waiting',
  });
  const required = ['file', 'line', 'column', 'provider', 'api', 'model', 'verdict', 'confidence', 'evidence', 'estimate', 'fix'];
  for (const f of doc.findings) {
    for (const key of required) assert.ok(key in f, `finding lacks ${key}`);
    assert.ok(f.evidence.length > 0);
    for (const key of ['callsPerDay', 'inputTokens', 'outputTokens', 'monthlyStandard', 'monthlyBatch', 'monthlySavings', 'assumptions']) {
      assert.ok(key in f.estimate, `estimate lacks ${key}`);
    }
  }
  const nightly = doc.findings.find((f: { file: string }) => f.file === 'scripts/summarize-nightly.ts');
  const lines = readFileSync(join(REPO_ROOT, 'examples', 'scripts', 'summarize-nightly.ts'), 'utf8').split('\n');
  assert.equal(nightly.line, lines.findIndex((l) => l.includes('openai.chat.completions.create(')) + 1);
  assert.equal(nightly.column, lines[nightly.line - 1].indexOf('openai.chat') + 1);
  assert.equal(nightly.estimate.callsPerDay, 5000, 'the // batchwise: batch 5000/day comment sets the volume');
  const cron = doc.findings.find((f: { file: string }) => f.file === 'src/jobs/digest-cron.ts');
  assert.equal(cron.estimate.callsPerDay, 1, "'0 6 * * *' runs once a day");
  assert.equal(cron.lowVolume, true);
  // Once per run of the schedule, its one request goes as a batch of one; the worker with 50 jobs at once gets the queue.
  assert.equal(cron.fix.strategy, 'single-batch');
  assert.equal(cron.fix.safe, false);
  assert.match(cron.fix.changes, /^the call is made once per run of the cron schedule '0 6 \* \* \*'/);
  const worker = doc.findings.find((f: { file: string }) => f.file === 'src/jobs/summarize-worker.ts');
  assert.deepEqual(worker.fix, { strategy: 'batch-queue', safe: false });
  // Totals agree with the rows: savings from batchable, non-low-volume rows.
  const expected = doc.findings
    .filter((f: { verdict: string; lowVolume: boolean }) => f.verdict === 'batchable' && !f.lowVolume)
    .reduce((a: number, f: { estimate: { monthlySavings: number } }) => a + f.estimate.monthlySavings, 0);
  assert.ok(Math.abs(doc.totals.monthlySavings - expected) < 0.02);
  assert.equal(doc.totals.callSites, 9);
  assert.equal(doc.totals.batchable, 6);
});

test('audit table: aligned, uncoloured when piped, totals at the end; --output writes a file', () => {
  const res = run('audit', 'examples');
  assert.equal(res.status, 0);
  assert.ok(!res.stdout.includes('\u001b['), 'no ANSI colour when stdout is not a terminal');
  const lines = res.stdout.split('\n');
  assert.match(lines[0], /^LOCATION\s+PROVIDER\s+MODEL\s+VERDICT\s+VOLUME\s+NOW\/MO\s+WITH BATCH\s+SAVES\/MO$/);
  const rowEnds = lines.slice(1, 10).map((l) => l.length);
  assert.equal(new Set(rowEnds).size, 1, 'money columns are right-aligned to one edge');
  // The money columns add up to the totals printed under them.
  // A per-run cell ('$0.09/run') is not in the monthly totals.
  const money = (s: string) => (s === '-' || s.endsWith('/run') ? 0 : Number(s.replace(/[$,<]/g, '')));
  const cells = lines.slice(1, 10).map((l) => l.trim().split(/\s{2,}/));
  const total = (label: string) => money(new RegExp(`${label}:\\s+(\\S+)`).exec(res.stdout)![1]);
  for (const [col, label] of [[5, 'Monthly cost now'], [6, 'Monthly cost with batch'], [7, 'Monthly savings']] as const) {
    const sum = cells.reduce((a, c) => a + money(c[col]), 0);
    assert.ok(Math.abs(sum - total(label)) <= 0.01 * cells.length, `${label}: rows add to ${sum}, total says ${total(label)}`);
  }
  // The 2-case eval makes 2 calls a run (low volume, per run); the backfill is a one-off, per run.
  assert.match(res.stdout, /9 call sites: 6 batchable \(2 low volume\), 3 user-waiting, 0 unknown/);
  assert.match(res.stdout, /evals\/run-evals\.ts:14 .* 2\/run code .*\/run$/m);
  assert.match(res.stdout, /scripts\/backfill-embeddings\.ts:14 .* 1,000\/run one-off .*\/run$/m);
  assert.match(res.stdout, /^Per run, not in the monthly figures: 2 call sites/m);
  assert.match(res.stdout, /Monthly savings:\s+\$\d/);
  const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
  try {
    const out = join(dir, 'report.json');
    const written = run('audit', 'examples', '--format', 'json', '--output', out);
    assert.equal(written.stdout, '');
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).version, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('audit: a missing folder is exit 2 with a message', () => {
  const res = run('audit', 'no-such-folder');
  assert.equal(res.status, 2);
  assert.match(res.stderr, /'no-such-folder' does not exist/);
});

test('audit of one file: its project gives the context (the worker is judged by the route that enqueues it), only its calls are reported', () => {
  const res = run('audit', 'examples/src/jobs/summarize-worker.ts', '--format', 'json', '--no-cache');
  assert.equal(res.status, 0, res.stderr);
  const doc = JSON.parse(res.stdout);
  assert.equal(doc.root, join(REPO_ROOT, 'examples'));
  assert.deepEqual([...new Set(doc.findings.map((f: { file: string }) => f.file))], ['src/jobs/summarize-worker.ts']);
  const whole = JSON.parse(run('audit', 'examples', '--format', 'json', '--no-cache').stdout);
  const same = whole.findings.filter((f: { file: string }) => f.file === 'src/jobs/summarize-worker.ts');
  assert.ok(same.length > 0);
  assert.deepEqual(doc.findings, same, 'the same findings as in the whole audit');
});

test('audit of a file Batchwise does not read: exit 2, saying why', () => {
  for (const file of ['README.md', 'examples/package.json']) {
    const res = run('audit', file);
    assert.equal(res.status, 2, file);
    assert.match(res.stderr, /is not a file Batchwise audits: not JavaScript or TypeScript, or left out by/);
    assert.equal(res.stdout, '');
  }
});

test('colour: on a terminal only, NO_COLOR and TERM=dumb turn it off, FORCE_COLOR turns it on', () => {
  assert.equal(wantsColour(true, {}), true);
  assert.equal(wantsColour(false, {}), false);
  assert.equal(wantsColour(undefined, {}), false);
  assert.equal(wantsColour(true, { NO_COLOR: '1' }), false);
  assert.equal(wantsColour(true, { TERM: 'dumb' }), false);
  assert.equal(wantsColour(false, { FORCE_COLOR: '1' }), true);
  assert.equal(wantsColour(true, { FORCE_COLOR: '0' }), false);
  assert.equal(wantsColour(false, { FORCE_COLOR: '1', NO_COLOR: '1' }), false, 'NO_COLOR wins');
  const forced = spawnSync(process.execPath, [CLI, 'audit', 'examples'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '' } });
  assert.ok(forced.stdout.includes('\u001b[32mbatchable'), 'FORCE_COLOR colours a piped table');
});
