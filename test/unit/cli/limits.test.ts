// Numbers that break gates: every numeric input has the same bounds in the JSON schema, in
// package.json's contributes.configuration, in the editor's settings reader and on the command line;
// numbers read from code are kept within them; and --fail-on-savings fails on a total that is not a
// finite number instead of letting NaN through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callSite, REPO_ROOT } from '../helpers';
import schema from '../../../schemas/batchwise.config.schema.json';
import pkg from '../../../package.json';
import { boundedOption, isBoundedPriceRow, MAX_PRICE_PER_MTOK, OPTION_LIMITS, PRICE_FIELDS } from '../../../src/core/estimate/limits';
import { loadProjectConfig } from '../../../src/workspace/config';
import { estimateSite } from '../../../src/core/estimate';
import { CallSite, DEFAULT_OPTIONS, Finding } from '../../../src/core/model';
import { savingsGate } from '../../../src/cli/audit';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

type NumberSchema = { minimum?: number; maximum?: number };

test('the schema and contributes.configuration state the same bounds as the engine, for every numeric setting and price', () => {
  const settings = pkg.contributes.configuration.properties as unknown as Record<string, NumberSchema & { items?: { properties: Record<string, NumberSchema> } }>;
  for (const [key, max] of Object.entries(OPTION_LIMITS)) {
    const inSchema = (schema.properties as Record<string, NumberSchema>)[key];
    assert.deepEqual([inSchema.minimum, inSchema.maximum], [0, max], `schema ${key}`);
    assert.deepEqual([settings[`batchwise.${key}`].minimum, settings[`batchwise.${key}`].maximum], [0, max], `package.json ${key}`);
  }
  const schemaPrice = schema.properties.priceOverrides.items.properties as Record<string, NumberSchema>;
  const settingsPrice = settings['batchwise.priceOverrides'].items!.properties;
  for (const field of PRICE_FIELDS) {
    assert.deepEqual([schemaPrice[field].minimum, schemaPrice[field].maximum], [0, MAX_PRICE_PER_MTOK], `schema ${field}`);
    if (field !== 'cachedInput') assert.deepEqual([settingsPrice[field].minimum, settingsPrice[field].maximum], [0, MAX_PRICE_PER_MTOK], `package.json ${field}`);
  }
});

test('batchwise.config.json: 1e308 calls a day (and 1e999, which JSON reads as Infinity) are reported and dropped', () => {
  const root = mkdtempSync(join(tmpdir(), 'bw-limits-'));
  try {
    writeFileSync(join(root, 'batchwise.config.json'), '{"defaultCallsPerDay": 1e308, "interpolatedTokens": 1e999, "priceOverrides": [{"provider": "openai", "model": "m", "input": 1e309, "output": 1, "batchInput": 1, "batchOutput": 1}], "defaultOutputTokens": 50}');
    const loaded = loadProjectConfig(root);
    assert.deepEqual(loaded.config, { defaultOutputTokens: 50 });
    assert.ok(loaded.problems.some((p) => /defaultCallsPerDay must be <= 1000000000/.test(p)), loaded.problems.join('\n'));
    assert.ok(loaded.problems.some((p) => /interpolatedTokens must be <= 1000000000/.test(p)));
    assert.ok(loaded.problems.some((p) => /priceOverrides\.0\.input must be <= 10000/.test(p)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the editor settings reader keeps a value only within its bounds; price rows likewise', () => {
  assert.equal(boundedOption('defaultCallsPerDay', 5000), 5000);
  for (const bad of [1e308, Infinity, NaN, -1, '100', null, undefined]) assert.equal(boundedOption('defaultCallsPerDay', bad), undefined, String(bad));
  const row = { provider: 'openai', model: 'm', input: 1, output: 2, batchInput: 0.5, batchOutput: 1 };
  assert.equal(isBoundedPriceRow(row), true);
  assert.equal(isBoundedPriceRow({ ...row, input: 1e308 }), false);
  assert.equal(isBoundedPriceRow({ ...row, output: -1 }), false);
  assert.equal(isBoundedPriceRow({ ...row, cachedInput: Infinity }), false);
  assert.equal(isBoundedPriceRow({ ...row, provider: 'other' }), false);
});

test('CLI flags: out-of-bounds numbers are usage errors (exit 2) that say the bound', () => {
  for (const [flag, value] of [['--calls-per-day', '1e308'], ['--interpolated-tokens', '1e10'], ['--output-tokens', 'Infinity'], ['--fail-on-savings', '1e300']]) {
    const res = run('audit', 'examples', flag, value);
    assert.equal(res.status, 2, `${flag} ${value}: ${res.stderr}`);
    assert.match(res.stderr, /is more than [\d,]+, the largest value this option takes|is not a non-negative number/, `${flag} ${value}`);
  }
  const est = run('estimate', '--model', 'gpt-4o', '--calls-per-day', '1e12');
  assert.equal(est.status, 2);
  assert.match(est.stderr, /'1e12' is more than 1,000,000,000/);
});

function site(over: Partial<CallSite['request']>, annotation: string | null = null): CallSite {
  return callSite({ request: { literalText: 'hello', dynamicParts: 0, maxOutputTokens: null, choices: null, ...over }, annotation });
}

test('numbers read from code are kept within bounds, and the estimate says so: costs stay finite', () => {
  const huge = estimateSite(site({ maxOutputTokens: 1e308, choices: 1e6 }, `batch ${'9'.repeat(300)}/day`), DEFAULT_OPTIONS);
  for (const v of [huge.monthlyStandard, huge.monthlyBatch, huge.monthlySavings]) assert.ok(Number.isFinite(v), String(v));
  const text = huge.assumptions.join('\n');
  assert.match(text, /token limit, .* is past any model's; taken as 1,000,000,000 tokens/);
  assert.match(text, /the API takes at most 128/);
  assert.match(text, /capped at 1,000,000,000, the most Batchwise counts/);
});

const finding = (savings: number): Finding =>
  ({
    site: { file: 'a.ts', loc: { start: { line: 3, column: 0 }, end: { line: 3, column: 1 } } },
    classification: { verdict: 'batchable', confidence: 1, evidence: [] },
    estimate: { callsPerDay: 1, inputTokens: 1, outputTokens: 1, monthlyStandard: savings * 2, monthlyBatch: savings, monthlySavings: savings, assumptions: [] },
    fix: null,
    fixRefusal: null,
  }) as unknown as Finding;

test('--fail-on-savings: a total that is not finite fails with a message naming the calls; a finite one is compared', () => {
  for (const bad of [Infinity, NaN]) {
    const why = savingsGate([finding(10), finding(bad)], 1);
    assert.match(String(why), /the monthly savings total is (Infinity|NaN), not a finite number, so --fail-on-savings cannot pass; the estimates of a\.ts:3 are not finite/);
  }
  assert.equal(savingsGate([finding(10)], 100), null);
  assert.match(String(savingsGate([finding(150)], 100)), /\$150\.00\/month of batchable savings is over the --fail-on-savings limit of \$100\.00/);
});
