// The CI formats: SARIF validated against the official 2.1.0 schema, CSV read back by a real parser,
// Markdown structure, and the --fail-on-savings gate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { parse } from 'csv-parse/sync';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { WorkspaceSession } from '../../../src/workspace/session';
import { toSarif } from '../../../src/core/report/sarif';
import { toCsv, CSV_COLUMNS } from '../../../src/core/report/csv';
import { toMarkdown } from '../../../src/core/report/markdown';
import { FIXTURES, REPO_ROOT } from '../helpers';

const examples = join(REPO_ROOT, 'examples');
const result = new WorkspaceSession(examples, DEFAULT_OPTIONS).analyzeAll();
const CLI = join(REPO_ROOT, 'dist', 'cli.js');

test('SARIF validates against the official SARIF 2.1.0 JSON schema', () => {
  const schema = JSON.parse(readFileSync(join(FIXTURES, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
  // The schema's patterns predate ES unicode regexps (one has a lone ']').
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
  const log = toSarif('file:///work/examples/', result, '0.1.0');
  assert.ok(validate(JSON.parse(JSON.stringify(log))), JSON.stringify(validate.errors, null, 1));
  // The schema is not a rubber stamp: a broken log fails it.
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
});

test('SARIF: rule metadata with help and links, 1-based regions relative to %SRCROOT%, savings as properties', () => {
  const log = toSarif('file:///work/examples/', result, '0.1.0');
  const run = log.runs[0];
  assert.deepEqual(run.tool.driver.rules!.map((r) => r.id), ['BW001', 'BW002']);
  for (const r of run.tool.driver.rules!) {
    assert.match(r.helpUri!, /docs\/rules\/[a-z-]+\.md$/);
    assert.ok(r.help!.text.length > 50 && r.help!.markdown!.includes('](https://'));
  }
  const batchable = result.findings.filter((f) => f.classification.verdict === 'batchable');
  assert.equal(run.results!.length, batchable.length, 'user-waiting calls are not results');
  const nightly = run.results!.find((r) => r.locations![0].physicalLocation!.artifactLocation!.uri === 'scripts/summarize-nightly.ts')!;
  const site = batchable.find((f) => f.site.file === 'scripts/summarize-nightly.ts')!.site;
  assert.equal(nightly.ruleId, 'BW001');
  assert.equal(nightly.level, 'warning');
  assert.deepEqual(nightly.locations![0].physicalLocation!.region, {
    startLine: site.loc.start.line, startColumn: site.loc.start.column + 1, endLine: site.loc.end.line, endColumn: site.loc.end.column + 1,
  });
  assert.equal(nightly.locations![0].physicalLocation!.artifactLocation!.uriBaseId, '%SRCROOT%');
  assert.equal(typeof nightly.properties!.monthlySavingsUsd, 'number');
  assert.ok((nightly.properties!.monthlySavingsUsd as number) > 0);
  const cron = run.results!.find((r) => r.locations![0].physicalLocation!.artifactLocation!.uri === 'src/jobs/digest-cron.ts')!;
  assert.equal(cron.level, 'note', 'low-volume sites are notes');
  assert.equal(cron.properties!.monthlySavingsUsd, 0);
});

test('CSV has one row per call site and survives quoting (commas, quotes, newlines in evidence)', () => {
  const rows = parse(toCsv(result), { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(rows[0]), [...CSV_COLUMNS]);
  assert.equal(rows.length, result.findings.length);
  const nightly = rows.find((r) => r.file === 'scripts/summarize-nightly.ts')!;
  assert.equal(nightly.verdict, 'batchable');
  assert.equal(nightly.fix, 'loop-hoist');
  assert.equal(nightly.calls_per_day, '5000');
  assert.ok(nightly.evidence.includes('"batchwise: batch 5000/day"'), 'quotes inside a field come back intact');
});

test('Markdown: totals table, one row per call site, pipes in text escaped', () => {
  const md = toMarkdown(result);
  assert.match(md, /^# Batchwise savings report\n/);
  assert.match(md, /\| Monthly savings \| \$\d/);
  const rows = md.split('\n').filter((l) => /^\| [a-z].*\.(ts|js) \|/.test(l));
  assert.equal(rows.length, result.findings.length);
  for (const r of rows) assert.equal(r.split(/(?<!\\)\|/).length, 10, r);
});

test('--fail-on-savings: exit 1 above the limit, 0 at or below it; --format sarif to a file', () => {
  const over = spawnSync(process.execPath, [CLI, 'audit', examples, '--fail-on-savings', '1'], { encoding: 'utf8' });
  assert.equal(over.status, 1);
  assert.match(over.stderr, /over the --fail-on-savings limit of \$1\.00/);
  const under = spawnSync(process.execPath, [CLI, 'audit', examples, '--fail-on-savings', '100000'], { encoding: 'utf8' });
  assert.equal(under.status, 0);
  const sarif = spawnSync(process.execPath, [CLI, 'audit', examples, '--format', 'sarif'], { encoding: 'utf8' });
  assert.equal(JSON.parse(sarif.stdout).version, '2.1.0');
  const bad = spawnSync(process.execPath, [CLI, 'audit', examples, '--format', 'xml'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Allowed choices are table, json, markdown, csv, sarif/);
});
