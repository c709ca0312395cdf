// Every figure says where its volume came from, in every format: a comment, a cron schedule, the usage
// report (with its dates), or the assumed default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { toJsonReport } from '../../../src/core/report/json';
import { toCsv } from '../../../src/core/report/csv';
import { toSarif } from '../../../src/core/report/sarif';
import { toMarkdown } from '../../../src/core/report/markdown';
import { toTable } from '../../../src/core/report/table';
import { findingMessage } from '../../../src/core/report/message';
import { volumeText } from '../../../src/core/report/volume';
import { callsPerDayText } from '../../../src/core/estimate';
import { REPO_ROOT } from '../helpers';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'usage');
const PAGES = ['openai-completions-1.json', 'openai-completions-2.json', 'anthropic-messages-1.json', 'anthropic-messages-2.json'].map((f) => join(FIXTURE, 'reports', f));
const result = new WorkspaceSession(join(FIXTURE, 'project'), DEFAULT_OPTIONS, { usage: PAGES }).analyzeAll();
const plain = new WorkspaceSession(join(FIXTURE, 'project'), DEFAULT_OPTIONS).analyzeAll();
const byFile = (r: typeof result, file: string) => r.findings.find((f) => f.site.file === file)!;

test('the estimate carries its volume source as a typed field', () => {
  assert.deepEqual(byFile(plain, 'scripts/nightly.ts').estimate!.volume, { kind: 'annotation', comment: 'batchwise: batch 3000/day' });
  assert.deepEqual(byFile(plain, 'scripts/classify.ts').estimate!.volume, { kind: 'default' });
  // A backfill is a one-off script: per run, at the assumed count (its rows come from a file); a usage report still wins.
  const backfill = byFile(plain, 'scripts/backfill.ts').estimate!.volume;
  assert.deepEqual(backfill.kind === 'code' ? [backfill.perRun, backfill.oneOff, backfill.assumed] : backfill, [1000, true, true]);
  assert.equal(byFile(result, 'scripts/backfill.ts').estimate!.volume.kind, 'usage-report');
  assert.equal(volumeText(byFile(plain, 'scripts/classify.ts').estimate!), '1,000/day, assumed');
  assert.equal(volumeText(byFile(plain, 'scripts/backfill.ts').estimate!), '1,000/run, one-off script, calls per run assumed');
  assert.equal(volumeText(byFile(plain, 'scripts/nightly.ts').estimate!), '3,000/day, from a comment');
  assert.equal(volumeText(byFile(result, 'scripts/nightly.ts').estimate!), '1,500/day, from usage report, 2026-11-01 – 2026-11-30');
});

test('the diagnostic message gives the saving with its volume and source', () => {
  assert.match(findingMessage(byFile(plain, 'scripts/classify.ts')), /saves ≈ \$[\d.,]+\/mo at 1,000\/day, assumed[;.]/);
  assert.match(findingMessage(byFile(plain, 'scripts/backfill.ts')), /saves ≈ \$[\d.,]+ per run at 1,000\/run, one-off script, calls per run assumed[;.]/);
  assert.match(findingMessage(byFile(result, 'scripts/backfill.ts')), /saves ≈ \$0\.28\/mo at 500\/day, from usage report, 2026-11-01 – 2026-11-30[;.]/);
});

test('JSON, CSV, SARIF, Markdown and the table all show it', () => {
  const json = toJsonReport('/x', result);
  const nightly = json.findings.find((f) => f.file === 'scripts/nightly.ts')!;
  assert.deepEqual(nightly.estimate!.volume, { kind: 'usage-report', from: '2026-11-01', to: '2026-11-30', files: PAGES });
  assert.equal(json.findings.find((f) => f.file === 'scripts/classify.ts')!.estimate!.volume.kind, 'default');
  assert.equal(json.usage!.monthlySpend, 36.04);

  const rows: Record<string, string>[] = parse(toCsv(result), { columns: true });
  const csv = (file: string) => rows.find((r) => r.file === file)!;
  assert.equal(csv('scripts/classify.ts').volume_source, 'default');
  assert.equal(csv('scripts/nightly.ts').volume_source, 'usage-report');
  assert.match(csv('scripts/nightly.ts').volume_detail, /^2026-11-01 – 2026-11-30 \(/);

  const sarif = toSarif('file:///x/', result, '0.0.0');
  const props = sarif.runs[0].results!.map((r) => r.properties!);
  assert.ok(props.some((p) => p.volume === '1,500/day, from usage report, 2026-11-01 – 2026-11-30' && p.volumeSource === 'usage-report'));
  assert.ok(props.some((p) => p.volume === '1,000/day, assumed' && p.volumeSource === 'default'));
  assert.equal((sarif.runs[0].properties as { usage: { monthlySpend: number } }).usage.monthlySpend, 36.04);

  const md = toMarkdown(result);
  assert.match(md, /\| Volume \|/);
  assert.match(md, /\| 1,000\/day, assumed \|/);
  assert.match(md, /\| 1,500\/day, from usage report, 2026-11-01 – 2026-11-30 \|/);
  assert.match(md, /## Usage report, 2026-11-01 – 2026-11-30 \(30 days;/);
  assert.match(md, /\| spend we could not place \| \$5\.75\/mo \(no call site found for claude-haiku-4-5, gpt-4\.1\) \|/);

  const table = toTable(result, { color: false });
  assert.match(table, /VOLUME/);
  assert.match(table, /scripts\/classify\.ts:7 .* 1,000\/day assumed /);
  assert.match(table, /scripts\/nightly\.ts:8 .* 1,500\/day usage report /);
  assert.match(table, /Measured spend: +\$36\.04\/mo/);
  assert.match(table, /on call sites Batchwise calls batchable: +\$14\.40\/mo; moving them saves \$7\.20\/mo/);
});

test('"1 call/day", not "1 calls/day"', () => {
  assert.equal(callsPerDayText(1), '1 call/day');
  assert.equal(callsPerDayText(2), '2 calls/day');
  assert.equal(callsPerDayText(1000), '1,000 calls/day');
  assert.equal(callsPerDayText(0.5), '0.5 calls/day');
});
