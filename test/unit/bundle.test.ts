// The extension's activation bundle holds only what activate() needs: the language client (and what talks
// to it) is a bundle of its own loaded after activation, and the engine, the TypeScript compiler and the
// tokenizer live in the language server's bundle. Read from the metafiles esbuild wrote for the built
// bundles (scripts/build.mjs), and from the bundles themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers';

const DIST = join(REPO_ROOT, 'dist');

function inputsOf(bundle: string): string[] {
  const meta = JSON.parse(readFileSync(join(DIST, `${bundle}.meta.json`), 'utf8')) as { inputs: Record<string, unknown> };
  return Object.keys(meta.inputs);
}

const ENGINE = (i: string) =>
  /(^|\/)node_modules\/(typescript|@typescript-eslint|js-tiktoken|vscode-languageserver\/|ajv|yaml)\b/.test(i) || /^src\/(core|workspace|cli)\//.test(i) || /^src\/server\/(?!protocol\.ts$)/.test(i);

test('the activation bundle holds no client library and no engine; the client bundle holds the client and no engine', () => {
  assert.ok(existsSync(join(DIST, 'extension.meta.json')) && existsSync(join(DIST, 'client.meta.json')), 'build first (npm run build)');
  const activation = inputsOf('extension');
  assert.deepEqual(activation.filter(ENGINE), []);
  assert.deepEqual(activation.filter((i) => i.includes('node_modules/')), [], 'activation loads no package besides vscode');
  assert.ok(activation.includes('src/vscode/extension.ts'));
  const client = inputsOf('client');
  assert.deepEqual(client.filter(ENGINE), []);
  // What it does hold: the client library and our own client code.
  assert.ok(client.some((i) => i.includes('node_modules/vscode-languageclient/')));
  assert.ok(client.includes('src/vscode/client.ts'));
  // The activation bundle loads it by the name the build gives it.
  assert.match(readFileSync(join(DIST, 'extension.js'), 'utf8'), /require\("\.\/client\.js"\)/);
});

test('the activation bundle is tiny, the client bundle small, and the server bundle is where the engine went', () => {
  const activation = statSync(join(DIST, 'extension.js')).size;
  const client = statSync(join(DIST, 'client.js')).size;
  const server = statSync(join(DIST, 'languageServer.js')).size;
  // 0.45 MB for the two together when the client was split off (the whole engine was 15.5 MB once):
  // bounds that catch the client library or the engine coming back into activation's path.
  assert.ok(activation < 50_000, `dist/extension.js is ${activation} bytes`);
  assert.ok(client < 1_000_000, `dist/client.js is ${client} bytes`);
  assert.ok(server > 4 * client, `dist/languageServer.js is ${server} bytes`);
  // Names only the TypeScript compiler and js-tiktoken carry.
  for (const bundle of ['extension.js', 'client.js']) {
    const text = readFileSync(join(DIST, bundle), 'utf8');
    for (const marker of ['createSourceFile', 'o200k_base', 'typescript-estree']) assert.ok(!text.includes(marker), `dist/${bundle} contains ${marker}`);
  }
  const serverText = readFileSync(join(DIST, 'languageServer.js'), 'utf8');
  assert.ok(serverText.includes('function detectInFile'), 'dist/languageServer.js holds the engine');
});

test('the engine bundles load TypeScript, the parser and the token ranks from dist/vendor/ on first use, never at start', () => {
  const vendored = { 'typescript.js': 'function createScanner(languageVersion', 'typescript-estree.js': 'convertProgram()', 'o200k_base.js': 'pat_str', 'cl100k_base.js': 'pat_str' };
  for (const [file, marker] of Object.entries(vendored)) {
    assert.ok(readFileSync(join(DIST, 'vendor', file), 'utf8').includes(marker), `dist/vendor/${file} lacks ${marker}`);
  }
  // The parser's bundle requires the compiler's file, not a copy of its own.
  const estree = readFileSync(join(DIST, 'vendor', 'typescript-estree.js'), 'utf8');
  assert.match(estree, /require\("\.\/typescript\.js"\)/);
  assert.ok(!estree.includes('function createScanner(languageVersion'), 'dist/vendor/typescript-estree.js holds a copy of TypeScript');
  for (const bundle of ['cli.js', 'languageServer.js', 'tokenWorker.js']) {
    const text = readFileSync(join(DIST, bundle), 'utf8');
    // TypeScript's own scanner, by its signature (jsonc-parser, bundled for the fix's package.json edit, has a createScanner of its own).
    assert.ok(!text.includes('function createScanner(languageVersion'), `dist/${bundle} holds TypeScript itself`);
    // Every require of a vendored file sits inside a function (src/core/heavy.ts), never at a module's top level.
    const topLevel = text.split('\n').filter((line) => /^(var|const|let) [\w$]+ = .*require\("\.\/vendor\//.test(line));
    assert.deepEqual(topLevel, [], `dist/${bundle} requires a vendored library at start`);
  }
  const cli = readFileSync(join(DIST, 'cli.js'), 'utf8');
  for (const file of Object.keys(vendored)) assert.ok(cli.includes(`require("./vendor/${file}")`), `dist/cli.js never requires ./vendor/${file}`);
  // The cache's engine identity covers the vendored files.
  const manifest = JSON.parse(readFileSync(join(DIST, 'vendor', 'manifest.json'), 'utf8')) as Record<string, string>;
  assert.deepEqual(Object.keys(manifest).sort(), Object.keys(vendored).sort());
});

test('the activation bundle stamps when its evaluation starts and ends, so the activation figure leaves out the host\'s own work', () => {
  const text = readFileSync(join(DIST, 'extension.js'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('//# sourceMappingURL'));
  assert.match(lines[0], /^"use strict"; var __batchwiseLoadStart = performance\.now\(\);/);
  assert.equal(lines[lines.length - 1], 'var __batchwiseLoadEnd = performance.now();');
  // Both read by activate() (minification keeps the free names).
  assert.match(text, /typeof __batchwiseLoadEnd/);
  assert.match(text, /typeof __batchwiseLoadStart/);
});
