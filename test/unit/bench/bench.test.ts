import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeSynthetic, judgeTree } from '../../../bench/goals';
import { selectTrees, type BenchTree } from '../../../bench/trees';
import { FAMILIES, BASELINE_SOURCE, growthExponent } from '../../../bench/synthetic';
import { categoryOf, summariseCpu } from '../../../bench/profile';
import { parseSource, unparseableReason } from '../../../src/core/parse/parse';

const figures = { files: 12_000, auditColdSec: 10, auditWarmSec: 10, parseAllSec: 6, floorSec: 0.1, auditPeakMb: 888 };

test('a tree where the audit is slower than parsing everything meets none of the goals', () => {
  const j = judgeTree(figures);
  assert.equal(j.auditOverParseAll!.toFixed(3), '1.667');
  assert.equal(j.auditOverFloor, 100);
  assert.deepEqual([j.coldVsParseAll, j.coldVsFloor, j.warmVsParseAll, j.peak], ['not met', 'not met', 'not met', 'not met']);
});

test('each goal is met at its bound and not just past it', () => {
  const met = judgeTree({ ...figures, auditColdSec: 0.3, auditWarmSec: 0.06, parseAllSec: 6, floorSec: 0.03, auditPeakMb: 300 });
  assert.deepEqual([met.coldVsParseAll, met.coldVsFloor, met.warmVsParseAll, met.peak], ['met', 'met', 'met', 'met']);
  const past = judgeTree({ ...figures, auditColdSec: 0.31, auditWarmSec: 0.061, parseAllSec: 6, floorSec: 0.03, auditPeakMb: 301 });
  assert.deepEqual([past.coldVsParseAll, past.coldVsFloor, past.warmVsParseAll, past.peak], ['not met', 'not met', 'not met', 'not met']);
});

test('a figure that could not be measured gives no verdict rather than a wrong one', () => {
  const j = judgeTree({ ...figures, parseAllSec: null, floorSec: 0, auditPeakMb: null });
  assert.deepEqual([j.coldVsParseAll, j.coldVsFloor, j.warmVsParseAll, j.peak], ['n/a', 'n/a', 'n/a', 'n/a']);
});

test('a single-file input meets its goal only when analysed within the bound beyond start-up', () => {
  const r = { seconds: 3.9, baselineSeconds: 2, timedOut: false, analysed: true };
  assert.equal(judgeSynthetic(r), 'met');
  assert.equal(judgeSynthetic({ ...r, seconds: 4 }), 'not met');
  assert.equal(judgeSynthetic({ ...r, seconds: null, timedOut: true }), 'not met');
  assert.equal(judgeSynthetic({ ...r, seconds: 2.1, analysed: false }), 'not met');
});

const t = (repo: string, jsTsFiles: number, source: BenchTree['source'] = 'corpus'): BenchTree => ({ repo, commit: 'c', jsTsFiles, source });

test('trees are taken largest first, only where a snapshot is, each once', () => {
  const all = [t('a/small', 10), t('b/big', 900), t('c/mid', 50), t('B/Big', 900, 'monorepo'), t('d/gone', 5000)];
  const picked = selectTrees(all, (x) => x.repo !== 'd/gone', {});
  assert.deepEqual(picked.map((x) => x.repo), ['b/big', 'c/mid', 'a/small']);
});

test('--largest keeps the N largest corpus trees and every manifest monorepo', () => {
  const all = [t('a/small', 10), t('b/big', 900), t('c/mid', 50), t('m/mono', 20_000, 'monorepo')];
  assert.deepEqual(selectTrees(all, () => true, { largest: 1 }).map((x) => x.repo), ['m/mono', 'b/big']);
  assert.deepEqual(selectTrees(all, () => true, { only: ['C/Mid'] }).map((x) => x.repo), ['c/mid']);
});

test('every single-file input parses, and holds the calls or aliases its size says', () => {
  assert.ok(parseSource('input.ts', BASELINE_SOURCE).ok);
  for (const family of FAMILIES) {
    const text = family.source(family.sizes[0] > 10_000 ? 20_000 : 40);
    const parsed = parseSource('input.ts', text);
    assert.ok(parsed.ok, `${family.name}: ${parsed.ok ? '' : parsed.message}`);
  }
  const calls = FAMILIES.find((f) => f.unit === 'calls')!.source(40);
  assert.equal(calls.match(/\.chat\.completions\.create\(/g)!.length, 40);
  const aliases = FAMILIES.find((f) => f.unit === 'aliases')!.source(40);
  assert.equal(aliases.match(/const alias\d+ = /g)!.length, 40);
  assert.match(aliases, /await alias39\.chat\.completions\.create\(/);
  const exported = FAMILIES.find((f) => f.unit === 'functions')!.source(40);
  assert.equal(exported.match(/^export async function job\d+\(item: string\) \{ return client\.chat\.completions\.create\(/gm)!.length, 40);
  for (const name of ['whitespace', 'CJK']) {
    const long = FAMILIES.find((f) => f.name.startsWith(name))!.source(100_000);
    assert.equal(unparseableReason(long), null, `${name}: the audit would skip it`);
  }
  assert.match(FAMILIES.find((f) => f.name.startsWith('whitespace'))!.source(5000), / {5000}/);
});

test('the growth exponent reads 1 for linear and 2 for quadratic cost above the start-up baseline', () => {
  assert.equal(growthExponent(100, 1 + 0.5, 400, 1 + 2, 1)!.toFixed(2), '1.00');
  assert.equal(growthExponent(100, 1 + 0.5, 400, 1 + 8, 1)!.toFixed(2), '2.00');
  assert.equal(growthExponent(100, 1.01, 400, 1.02, 1), null);
});

test('profile frames are filed under their package or engine folder', () => {
  assert.equal(categoryOf({ functionName: 'f', url: 'file:///w/node_modules/@typescript-eslint/typescript-estree/dist/convert.js', lineNumber: 0 }), '@typescript-eslint/typescript-estree');
  assert.equal(categoryOf({ functionName: 'f', url: 'file:///w/out/src/core/classify/graph.js', lineNumber: 0 }), 'engine: core/classify');
  assert.equal(categoryOf({ functionName: 'f', url: 'file:///w/out/src/core/project.js', lineNumber: 0 }), 'engine: core/project.ts');
  assert.equal(categoryOf({ functionName: 'f', url: 'node:internal/modules/cjs/loader', lineNumber: 0 }), 'node internals');
  assert.equal(categoryOf({ functionName: '(garbage collector)', url: '', lineNumber: 0 }), '(garbage collector)');
});

test('inclusive time counts a recursive function once per sample; self time goes to the leaf', () => {
  const frame = (functionName: string) => ({ functionName, url: 'file:///w/out/src/core/x.js', lineNumber: 0 });
  // root → walk → walk → leaf, and root → walk
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('root'), children: [2] },
      { id: 2, callFrame: frame('walk'), children: [3] },
      { id: 3, callFrame: frame('walk'), children: [4] },
      { id: 4, callFrame: frame('leaf') },
    ],
    samples: [4, 2, 4],
    timeDeltas: [1000, 2000, 3000],
  };
  const s = summariseCpu(profile, 10, () => true);
  assert.equal(s.totalMs, 6);
  const inclusive = new Map(s.inclusiveTop);
  assert.equal(inclusive.get('walk src/core/x.js:1'), 6);
  assert.equal(inclusive.get('leaf src/core/x.js:1'), 4);
  assert.equal(new Map(s.selfTop).get('leaf src/core/x.js:1'), 4);
  assert.equal(new Map(s.selfTop).get('walk src/core/x.js:1'), 2);
});
