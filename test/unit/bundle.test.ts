// The extension's bundle is the thin client only: the engine, the TypeScript compiler and the tokenizer
// live in the language server's bundle, so nothing heavy loads when the extension activates. Read from
// the metafile esbuild wrote for the built bundle (scripts/build.mjs), and from the bundle itself.
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

test('the extension bundle holds the client only: no engine, no TypeScript compiler, no tokenizer', () => {
  assert.ok(existsSync(join(DIST, 'extension.meta.json')), 'build first (npm run build)');
  const inputs = inputsOf('extension');
  const heavy = inputs.filter((i) =>
    /(^|\/)node_modules\/(typescript|@typescript-eslint|js-tiktoken|vscode-languageserver\/|ajv|yaml)\b/.test(i) || /^src\/(core|workspace|cli)\//.test(i) || /^src\/server\/(?!protocol\.ts$)/.test(i),
  );
  assert.deepEqual(heavy, []);
  // What it does hold: the client library and our own client code.
  assert.ok(inputs.some((i) => i.includes('node_modules/vscode-languageclient/')));
  assert.ok(inputs.includes('src/vscode/extension.ts'));
});

test('the extension bundle is small, and the server bundle is where the engine went', () => {
  const client = statSync(join(DIST, 'extension.js')).size;
  const server = statSync(join(DIST, 'languageServer.js')).size;
  // 0.45 MB when this test was written (the whole engine was 15.5 MB): a bound that catches the engine coming back.
  assert.ok(client < 1_000_000, `dist/extension.js is ${client} bytes`);
  assert.ok(server > 10 * client, `dist/languageServer.js is ${server} bytes`);
  const text = readFileSync(join(DIST, 'extension.js'), 'utf8');
  // Names only the TypeScript compiler and js-tiktoken carry.
  for (const marker of ['createSourceFile', 'o200k_base', 'typescript-estree']) assert.ok(!text.includes(marker), `dist/extension.js contains ${marker}`);
  const serverText = readFileSync(join(DIST, 'languageServer.js'), 'utf8');
  for (const marker of ['createSourceFile', 'typescript-estree']) assert.ok(serverText.includes(marker), `dist/languageServer.js lacks ${marker}`);
});
