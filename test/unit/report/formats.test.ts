// The CI formats: SARIF validated against the official 2.1.0 schema, CSV read back by a real parser,
// Markdown structure, and the --fail-on-savings gate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { WorkspaceSession } from '../../../src/workspace/session';
import { toSarif } from '../../../src/core/report/sarif';
import { toCsv, CSV_COLUMNS } from '../../../src/core/report/csv';
import { toMarkdown } from '../../../src/core/report/markdown';
import { computeTotals } from '../../../src/core/report/totals';
import { FIXTURES, REPO_ROOT } from '../helpers';

const examples = join(REPO_ROOT, 'examples');
const result = new WorkspaceSession(examples, DEFAULT_OPTIONS).analyzeAll();
const CLI = join(REPO_ROOT, 'dist', 'cli.js');

test('SARIF validates against the official SARIF 2.1.0 JSON schema', () => {
  const schema = JSON.parse(readFileSync(join(FIXTURES, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
  // The schema's patterns predate ES unicode regexps (one has a lone ']').
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv); // uri, uri-reference, date-time: without it Ajv skips those checks
  const validate = ajv.compile(schema);
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
  for (const r of rows) assert.equal(r.split(/(?<!\\)\|/).length, 11, r);
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

// A workspace whose file names are hostile to every format: URI delimiters, HTML, spreadsheet formulas.
function oddWorkspace(config?: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-odd-'));
  const call = `await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: x }] });`;
  const body = (twice: boolean) => `import OpenAI from 'openai';\nconst openai = new OpenAI();\nexport async function main(xs: string[]) {\n  for (const x of xs) {\n    ${call}\n${twice ? `    ${call}\n` : ''}  }\n}\nmain(['a']);\n`;
  const files: Record<string, string> = {
    'dir|x/a#b?c%20.ts': body(false),
    'scripts/<!-- x.ts': body(false),
    'scripts/=HYPERLINK(1).ts': body(false),
    'scripts/two.ts': body(true),
  };
  const scripts = Object.fromEntries(Object.keys(files).map((f, i) => [`s${i}`, `tsx '${f}'`]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'odd', scripts }));
  if (config) writeFileSync(join(dir, 'batchwise.config.json'), JSON.stringify(config));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

test('SARIF: URIs keep #, ? and % inside the file name, fingerprints tell alike calls apart, the project severity sets the level', () => {
  const dir = oddWorkspace({ severity: 'error' });
  try {
    const res = spawnSync(process.execPath, [CLI, 'audit', dir, '--format', 'sarif'], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    const log = JSON.parse(res.stdout);
    const results = log.runs[0].results as { level: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; partialFingerprints: Record<string, string> }[];
    const uris = results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri);
    // Resolved against the root, every URI names the file itself (no fragment, no query).
    const base = new URL(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri);
    const files = uris.map((u) => decodeURIComponent(new URL(u, base).pathname.slice(base.pathname.length)));
    assert.ok(files.includes('dir|x/a#b?c%20.ts'), files.join(', '));
    for (const u of uris) assert.ok(!/[#?]/.test(u), u);
    const prints = results.map((r) => r.partialFingerprints['batchwiseCallSite/v1']);
    assert.equal(new Set(prints).size, results.length, 'two identical calls in one function get different fingerprints');
    assert.equal(results.length, 5);
    assert.ok(results.every((r) => r.level === 'error'), 'severity "error" from batchwise.config.json');
    assert.equal(log.runs[0].tool.driver.rules[0].defaultConfiguration.level, 'error');
    // The schema check, with formats on: a URI reference must be one.
    const schema = JSON.parse(readFileSync(join(FIXTURES, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Markdown and CSV: names that are markup or formulas stay text', () => {
  const dir = oddWorkspace();
  try {
    const odd = new WorkspaceSession(dir, DEFAULT_OPTIONS).analyzeAll();
    const md = toMarkdown(odd);
    assert.ok(!md.includes('<!--'), 'an HTML comment in a file name would hide the rest of the table');
    assert.ok(md.includes('scripts/&lt;!-- x.ts'));
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && /\.ts \|/.test(l));
    assert.equal(rows.length, odd.findings.length);
    for (const r of rows) assert.equal(r.split(/(?<!\\)\|/).length, 11, r);
    const csv = parse(toCsv(odd), { columns: true }) as Record<string, string>[];
    const formula = csv.find((r) => r.file.includes('HYPERLINK'))!;
    assert.equal(formula.file, 'scripts/=HYPERLINK(1).ts', 'no leading = (the path does not start with one)');
    for (const r of csv) assert.ok(!/^[=+\-@]/.test(r.file) && !/^[=+\-@]/.test(r.evidence), r.file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CSV: a cell that starts like a formula gets an apostrophe', () => {
  const f = result.findings[0];
  const odd = { findings: [{ ...f, site: { ...f.site, file: '=cmd|calc.ts', model: '@sum' } }], errors: [] };
  const [row] = parse(toCsv(odd), { columns: true }) as Record<string, string>[];
  assert.equal(row.file, "'=cmd|calc.ts");
  assert.equal(row.model, "'@sum");
  assert.equal(row.line, String(f.site.loc.start.line), 'numbers are left alone');
});

test('CSV: with-batch and savings columns add up to the totals', () => {
  const rows = parse(toCsv(result), { columns: true }) as Record<string, string>[];
  const t = computeTotals(result.findings);
  const sum = (k: string) => rows.reduce((a, r) => a + Number(r[k] || 0), 0);
  assert.ok(Math.abs(sum('monthly_with_batch_usd') - t.monthlyWithBatch) < 0.01 * rows.length);
  assert.ok(Math.abs(sum('monthly_savings_usd') - t.monthlySavings) < 0.01 * rows.length);
  const route = rows.find((r) => r.verdict === 'user-waiting')!;
  assert.equal(route.monthly_with_batch_usd, route.monthly_standard_usd, 'a call a person waits for stays as it is');
});
