// How deep a file may nest and still be parsed is decided by fixed limits, not by how much stack the
// parser has left: that depends on how warm the JIT is, and a file 400-550 objects deep used to fail in a
// fresh process (the CLI) and parse in a warm one (the editor, the fuzzer's workers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { asyncFunctionNesting, bracketDepth, MAX_ASYNC_FUNCTION_NESTING, MAX_BRACKET_DEPTH, MAX_TREE_DEPTH, parseSource, TOO_DEEP_TO_PARSE, TOO_MANY_ASYNC_FUNCTIONS, treeDepth } from '../../../src/core/parse/parse';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

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

test('nested `async function` bodies, whose parse time doubles per level, are counted by a text scan', () => {
  const nested = (n: number, closed: boolean) => 'exports.t = async function t(a) {\n'.repeat(n) + 'x;\n' + (closed ? '};\n'.repeat(n) : '');
  assert.equal(asyncFunctionNesting(nested(5, true)), 5);
  assert.equal(asyncFunctionNesting(nested(5, false)), 5);
  // Siblings do not nest; other functions and async arrows do not count; nor does a word that merely ends in async.
  assert.equal(asyncFunctionNesting('async function a() {}\nasync function b() { f(async function () { g(); }); }'), 2);
  assert.equal(asyncFunctionNesting('function a() { return async () => { function b() { notasync function } } }'), 0);
  // Parameters with defaults and destructuring before the body: the body is the `{` at the keyword's depth.
  assert.equal(asyncFunctionNesting('const f = async function ({ a = {} } = {}, [b] = []) { return async function () { x(); }; };'), 2);
});

test('an async function called straight after its body nests the call\'s arguments in it: the chain is counted and bounded', () => {
  // Fuzz seed 20261206, input 81432: LINE SEPARATORs re-encoded as latin1 became `(`, joining 300 async
  // function declarations into `async function f3() {…}(async function f4() {…}(…))`. TypeScript's parse
  // time doubles per level (depth 23: 1.6 s, 30: 86 s); the audit never ended.
  const chain = (n: number) => "const Anthropic = require('@anthropic-ai/sdk');\n" + 'async function f(item) { return g(item); }('.repeat(n) + '0' + ')'.repeat(n) + ';\n';
  assert.equal(asyncFunctionNesting(chain(5)), 5);
  assert.equal(asyncFunctionNesting('async function a() {}\n(async () => { await a(); })();\n'), 1);
  // Not a call of the function: something else comes between its body and the parenthesis.
  assert.equal(asyncFunctionNesting('async function a() {}; (b)(c)(d)'), 1);
  assert.equal(parseSource('lib/a.js', chain(MAX_ASYNC_FUNCTION_NESTING)).ok, true);
  const over = parseSource('lib/a.js', chain(40));
  assert.equal(!over.ok && over.message, TOO_MANY_ASYNC_FUNCTIONS);
});

test('past the async nesting limit a file is refused with its own reason, up to it the file parses; an audit reports it and goes on', () => {
  const nested = (n: number) => "const Anthropic = require('@anthropic-ai/sdk');\n" + 'exports.t = async function t(a) {\n'.repeat(n) + 'x;\n' + '};\n'.repeat(n);
  const at = parseSource('lib/a.js', nested(MAX_ASYNC_FUNCTION_NESTING));
  assert.equal(at.ok, true);
  const over = parseSource('lib/a.js', nested(MAX_ASYNC_FUNCTION_NESTING + 1));
  assert.equal(over.ok, false);
  assert.equal(!over.ok && over.message, TOO_MANY_ASYNC_FUNCTIONS);
  // The fuzz input that hung: an unfinished function pasted 43 times (seed 20261206, input 42).
  const pasted = "const Anthropic = require('@anthropic-ai/sdk');\nconst anthropic = new Anthropic();\n" + 'exports.translate = async function translate(text, lang) {\n'.repeat(43) + "  return anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: text }] });\n};\n";
  const files: Record<string, string> = {
    'lib/translate.js': pasted,
    'scripts/run.js': "const Anthropic = require('@anthropic-ai/sdk');\nconst a = new Anthropic();\nfor (const t of ['x', 'y']) a.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: t }] });\n",
  };
  const result = new Analyzer({ files: Object.keys(files), read: (p) => files[p] }, DEFAULT_OPTIONS).run();
  assert.deepEqual(result.errors.map((e) => [e.file, e.message]), [['lib/translate.js', TOO_MANY_ASYNC_FUNCTIONS]]);
  assert.deepEqual(result.findings.map((f) => f.site.file), ['scripts/run.js']);
});
