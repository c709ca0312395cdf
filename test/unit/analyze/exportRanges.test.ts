// The parser's export handling runs through patches/@typescript-eslint+typescript-estree+*.patch: its
// search for the token after `export` (and `default`) skips the statements before the export by binary
// search instead of trying each one, which made a file of N exports parse in O(N^2). The declaration an
// export wraps must still start exactly at that token, for every kind of export and whatever stands
// between the keywords.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { AST_NODE_TYPES as T, parseSource, TSESTree } from '../../../src/core/parse/parse';
import { visit } from '../../../src/core/parse/walk';

const FORMS = [
  'export function f{i}() { return {i}; }',
  'export async function g{i}(x: string) { return x; }',
  'export /* a comment */ async /* another */ function h{i}() {}',
  'export\n\n  const c{i} = {i}, d{i} = "{i}";',
  'export let l{i}: number;',
  'export class C{i} { m() { return 1; } }',
  'export abstract class A{i} {}',
  '@decorate\nexport class D{i} {}',
  'export interface I{i} { a: number }',
  'export type Y{i} = string;',
  'export enum E{i} { A, B }',
  'export const enum K{i} { A }',
  'export declare const x{i}: number;',
  'export namespace N{i} { export const inner{i} = 1; }',
  'export module M{i} { }',
  '/** docs */\nexport function j{i}() {}',
];

/** Where the token after `export` (after `default` too, for a default export) starts, by TypeScript's scanner. */
function tokenAfter(text: string, from: number, keyword: ts.SyntaxKind): number {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  scanner.resetTokenState(from);
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === keyword) {
      scanner.scan();
      return scanner.getTokenStart();
    }
  }
  return -1;
}

function checkExports(text: string): number {
  const parsed = parseSource('exports.ts', text);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
  let checked = 0;
  visit(parsed.ast, (node) => {
    if (node.type === T.ExportNamedDeclaration && node.declaration) {
      const at = tokenAfter(text, node.range[0], ts.SyntaxKind.ExportKeyword);
      assert.equal(node.declaration.range[0], at, `the declaration of the export at ${node.range[0]} starts at the token after \`export\`: ${JSON.stringify(text.slice(node.range[0], node.range[0] + 40))}`);
      checked++;
    } else if (node.type === T.ExportDefaultDeclaration) {
      const at = tokenAfter(text, node.range[0], ts.SyntaxKind.DefaultKeyword);
      assert.equal((node.declaration as TSESTree.Node).range[0], at, `the default export at ${node.range[0]}`);
      checked++;
    }
  });
  return checked;
}

test('every kind of export declaration starts at the token after `export`, early and late in a file of many statements', () => {
  const lines: string[] = ['declare function decorate(c: unknown): void;'];
  for (let i = 0; i < 400; i++) {
    lines.push(FORMS[i % FORMS.length].replaceAll('{i}', String(i)));
    if (i % 7 === 0) lines.push(`const plain${i} = ${i};`); // statements that are no exports between them
  }
  lines.push('export default async function main() {}');
  const exportsInNamespaces = 400 / FORMS.length; // `export const inner` inside each namespace
  assert.equal(checkExports(lines.join('\n')), 401 + Math.floor(exportsInNamespaces));
});

test('default exports of every kind, alone and after other exports', () => {
  for (const body of ['function () {}', 'async function named() {}', 'class {}', 'abstract class Q {}', '/* c */ function d() {}']) {
    assert.equal(checkExports(`export const a = 1;\nexport function b() {}\nexport default ${body}\n`), 3);
  }
});

test("the parser's patch is installed (npm ci runs patch-package)", () => {
  const require = createRequire(__filename);
  const utils = join(dirname(require.resolve('@typescript-eslint/typescript-estree')), 'node-utils.js');
  assert.match(readFileSync(utils, 'utf8'), /Batchwise patch/, `${utils} is not patched: run \`npx patch-package\``);
});
