import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyProjectConfig, loadProjectConfig } from '../../../src/workspace/config';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

function withDir(files: Record<string, string>, fn: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'bw-config-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
    fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('no configuration file is not a problem', () => {
  withDir({ 'package.json': '{"name":"x"}' }, (root) => {
    assert.deepEqual(loadProjectConfig(root), { source: null, config: {}, problems: [] });
  });
});

test('batchwise.config.json wins over the package.json key', () => {
  withDir(
    { 'batchwise.config.json': '{"defaultCallsPerDay": 42}', 'package.json': '{"batchwise": {"defaultCallsPerDay": 7}}' },
    (root) => assert.deepEqual(loadProjectConfig(root), { source: 'batchwise.config.json', config: { defaultCallsPerDay: 42 }, problems: [] }),
  );
  withDir({ 'package.json': '{"batchwise": {"defaultCallsPerDay": 7, "ignore": ["legacy/"]}}' }, (root) => {
    const loaded = loadProjectConfig(root);
    assert.equal(loaded.source, 'package.json#batchwise');
    assert.deepEqual(loaded.config, { defaultCallsPerDay: 7, ignore: ['legacy/'] });
  });
});

test('invalid settings are reported by name and the valid ones are kept', () => {
  withDir({ 'batchwise.config.json': '{"defaultCallsPerDay": -5, "severity": "loud", "outputTokens": 3, "interpolatedTokens": 50}' }, (root) => {
    const loaded = loadProjectConfig(root);
    assert.deepEqual(loaded.config, { interpolatedTokens: 50 });
    assert.equal(loaded.problems.length, 3, loaded.problems.join('\n'));
    assert.ok(loaded.problems.some((p) => p.includes("unknown setting 'outputTokens'")));
    assert.ok(loaded.problems.some((p) => p.includes('defaultCallsPerDay') && p.includes('>= 0')));
    assert.ok(loaded.problems.some((p) => p.includes('severity')));
  });
});

test('unparseable JSON is a problem, not a crash', () => {
  withDir({ 'batchwise.config.json': '{ "defaultCallsPerDay": 3, }' }, (root) => {
    const loaded = loadProjectConfig(root);
    assert.deepEqual(loaded.config, {});
    assert.match(loaded.problems[0], /batchwise\.config\.json: not valid JSON/);
  });
});

test('the project file overrides base settings; price overrides from the file come first', () => {
  const row = { provider: 'openai' as const, model: 'gpt-4o', aliases: [], input: 1, output: 2, batchInput: 0.5, batchOutput: 1, source: 'x', checked: '2026-01-01' };
  const base = { ...DEFAULT_OPTIONS, priceOverrides: [{ ...row, input: 9 }] };
  const merged = applyProjectConfig(base, { defaultCallsPerDay: 5, priceOverrides: [row] });
  assert.equal(merged.defaultCallsPerDay, 5);
  assert.equal(merged.interpolatedTokens, DEFAULT_OPTIONS.interpolatedTokens);
  assert.deepEqual(merged.priceOverrides.map((r) => r.input), [1, 9]);
});

test('a session honours the file: ignore globs, volumes, and problems in the errors', () => {
  const call = "import OpenAI from 'openai';\nconst c = new OpenAI();\nexport const f = () => c.chat.completions.create({ model: 'gpt-4o', messages: [] });\n";
  withDir({ 'a.ts': call, 'b.ts': call, 'batchwise.config.json': '{"ignore": ["b.ts"], "defaultCallsPerDay": 12, "bogus": 1}' }, (root) => {
    const session = new WorkspaceSession(root, DEFAULT_OPTIONS, { overrides: { interpolatedTokens: 3 } });
    const result = session.analyzeAll();
    assert.deepEqual(result.findings.map((f) => f.site.file), ['a.ts']);
    assert.equal(session.effectiveOptions().defaultCallsPerDay, 12);
    assert.equal(session.effectiveOptions().interpolatedTokens, 3, 'command-line overrides come last');
    assert.deepEqual(result.errors.map((e) => e.file), ['batchwise.config.json']);
  });
});
