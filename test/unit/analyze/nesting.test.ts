// How deep a file may nest and still be parsed is decided by fixed limits, not by how much stack the
// parser has left: that depends on how warm the JIT is, and a file 400-550 objects deep used to fail in a
// fresh process (the CLI) and parse in a warm one (the editor, the fuzzer's workers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bracketDepth, MAX_BRACKET_DEPTH, MAX_TREE_DEPTH, parseSource, TOO_DEEP_TO_PARSE, treeDepth } from '../../../src/core/parse/parse';

const objects = (d: number) => `export const v = ${'{ a: '.repeat(d)}1${' }'.repeat(d)};\n`;
const parens = (d: number) => `export const v = ${'('.repeat(d)}1${')'.repeat(d)};\n`;
const chain = (n: number) => `export const v = ${Array(n).fill('x').join(' + ')};\n`;

const outcome = (text: string) => {
  const r = parseSource('a.ts', text);
  return r.ok ? 'parsed' : r.message;
};

test('a file deep enough to fail in a fresh process and parse in a warm one gets the same answer in both', () => {
  // Warm the parser in this process, as a long-lived editor or worker would be.
  for (let i = 0; i < 200; i++) parseSource('w.ts', objects(150) + 'function f(a: number) { return [a, { b: (a + 1) * 2 }]; }\n');
  const here = outcome(objects(450));
  const parse = join(__dirname, '..', '..', '..', 'src', 'core', 'parse', 'parse.js');
  const fresh = spawnSync(process.execPath, ['-e', `const { parseSource } = require(${JSON.stringify(parse)}); const r = parseSource('a.ts', ${JSON.stringify(objects(450))}); process.stdout.write(r.ok ? 'parsed' : r.message);`], { encoding: 'utf8' });
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.equal(here, TOO_DEEP_TO_PARSE);
  assert.equal(fresh.stdout, here);
});

test('the limits: brackets past MAX_BRACKET_DEPTH and trees past MAX_TREE_DEPTH are too deep, up to them a file parses', () => {
  assert.equal(outcome(parens(MAX_BRACKET_DEPTH)), 'parsed');
  assert.equal(outcome(parens(MAX_BRACKET_DEPTH + 1)), TOO_DEEP_TO_PARSE);
  // A chain of operators nests the tree without a bracket.
  const depthOf = (n: number) => {
    const r = parseSource('a.ts', chain(n));
    assert.ok(r.ok || r.message === TOO_DEEP_TO_PARSE);
    return r.ok ? treeDepth(r.ast) : Infinity;
  };
  let n = 10;
  while (depthOf(n + 1) <= MAX_TREE_DEPTH) n++;
  assert.equal(depthOf(n), MAX_TREE_DEPTH);
  assert.equal(outcome(chain(n + 1)), TOO_DEEP_TO_PARSE);
  // A sequence is one flat node but is parsed as a chain: 1,000 of them failed in a fresh process and
  // parsed in a warm one (fuzz seed 20261203, input 314).
  const sequence = (k: number) => `export const v = (${Array(k).fill('x').join(', ')});\n`;
  assert.equal(outcome(sequence(300)), 'parsed');
  assert.equal(outcome(sequence(1000)), TOO_DEEP_TO_PARSE);
});

test('bracket depth counts every bracket kind, never goes below zero, and counts brackets in strings', () => {
  assert.equal(bracketDepth('f([{ a: 1 }])'), 3);
  assert.equal(bracketDepth(')))((('), 3);
  assert.equal(bracketDepth(`const s = "((((";`), 4);
  assert.equal(bracketDepth(''), 0);
});
