// Where the helper goes in a real project, and what stands in its way: a tsconfig whose rootDir or
// include keeps the sources in one folder gets the helper inside it (tsc checks and emits the result);
// a JavaScript file gets a JavaScript helper in a TypeScript project (Node runs the result); a file an
// import of the helper could load instead is never shadowed by a second helper.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { applyEdits, planFix } from '../../../src/core/rewrite';
import { helperModuleFor } from '../../../src/core/rewrite/helper';
import { matches } from '../../../src/core/rewrite/placement';
import { WorkspaceSession } from '../../../src/workspace/session';
import { REPO_ROOT } from '../helpers';
import { FakeOpenAI, startFakeOpenAI } from '../../fake-provider/openai';
import { run } from './differential/check';

const WORK = join(REPO_ROOT, 'test-output', 'placement');

const LOOP = `import OpenAI from 'openai';
const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: 'test-key' });
async function main() {
  for (const item of ['a b', 'c d']) {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: item }] });
    console.log(r.choices[0].message.content);
  }
}
main();
`;
const JS_LOOP = LOOP.replace("import OpenAI from 'openai';", "const OpenAI = require('openai');");

function plan(file: string, text: string, project: Record<string, string>, helperPath = 'batchwise/openaiBatch.ts', explicit = false) {
  const finding = new Analyzer({ files: [file], read: (p) => (p === file ? text : undefined) }, DEFAULT_OPTIONS).run().findings[0];
  assert.ok(finding, 'the call is found');
  return planFix({ file, text, site: finding.site, helperPath, helperPathExplicit: explicit, readExisting: (p) => project[p] });
}

/** Writes a project, the fix applied, and runs tsc over it as its tsconfig says (emitting): the diagnostics, and the files emitted. */
function compile(name: string, project: Record<string, string>, file: string, text: string, placed: ReturnType<typeof plan>) {
  assert.ok(placed.ok, !placed.ok ? placed.reason : '');
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  const files: Record<string, string> = { ...project, [file]: applyEdits(text, placed.fix.edits) };
  for (const f of placed.fix.createFiles) files[f.path] = f.content;
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const parsed = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), { skipLibCheck: true, types: ['node'] }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  });
  assert.ok(parsed);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const emitted: string[] = [];
  const result = program.emit(undefined, (path) => emitted.push(path.slice(dir.length + 1)));
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].map((d) => `${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  return { diagnostics, emitted: emitted.sort() };
}

const TSCONFIG = (extra: Record<string, unknown>) =>
  JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: true, outDir: 'dist', ...extra }, include: ['src'] });

test('include patterns read as tsc reads them', () => {
  assert.ok(matches('src', 'src/a/b.ts'));
  assert.ok(matches('src/**/*.ts', 'src/index.ts'));
  assert.ok(matches('src/**/*.ts', 'src/a/b/c.ts'));
  assert.ok(!matches('src/*.ts', 'src/a/b.ts'));
  assert.ok(matches('./lib/', 'lib/x.ts'));
  assert.ok(!matches('src', 'scripts/x.ts'));
  assert.ok(matches('**/*', 'batchwise/openaiBatch.ts'));
});

test('rootDir "src": the helper goes to src/batchwise, so tsc compiles the result without TS6059 and keeps the output layout', () => {
  const project = { 'tsconfig.json': TSCONFIG({ rootDir: 'src' }), 'package.json': '{}' };
  const placed = plan('src/index.ts', LOOP, project);
  assert.ok(placed.ok, !placed.ok ? placed.reason : '');
  assert.deepEqual(placed.fix.createFiles.map((f) => f.path), ['src/batchwise/openaiBatch.ts']);
  assert.match(applyEdits(LOOP, placed.fix.edits), /^import \{ runChatCompletionsBatch \} from '\.\/batchwise\/openaiBatch';$/m);
  const out = compile('rootdir', project, 'src/index.ts', LOOP, placed);
  assert.deepEqual(out.diagnostics, []);
  assert.deepEqual(out.emitted, ['dist/batchwise/openaiBatch.js', 'dist/index.js']);
  // Where the helper used to go, tsc fails: the test above is not vacuous.
  const unplaced = planFix({ ...placedRequest('src/index.ts', LOOP), helperPath: 'batchwise/openaiBatch.ts' });
  const failed = compile('rootdir-unplaced', project, 'src/index.ts', LOOP, unplaced);
  assert.ok(failed.diagnostics.some((d) => d.startsWith('6059 ')), failed.diagnostics.join('\n'));
});

function placedRequest(file: string, text: string) {
  const finding = new Analyzer({ files: [file], read: (p) => (p === file ? text : undefined) }, DEFAULT_OPTIONS).run().findings[0];
  return { file, text, site: finding.site, helperPath: 'batchwise/openaiBatch.ts' };
}

test('include ["src"] with an outDir: the helper goes to src/batchwise, so dist/index.js stays where it was', () => {
  const project = { 'tsconfig.json': TSCONFIG({}) };
  const placed = plan('src/index.ts', LOOP, project);
  const out = compile('include', project, 'src/index.ts', LOOP, placed);
  assert.deepEqual(out.diagnostics, []);
  assert.deepEqual(out.emitted, ['dist/batchwise/openaiBatch.js', 'dist/index.js']);
});

test('a project whose sources share the workspace root, or that emits nothing, keeps the default path', () => {
  const wide = plan('scripts/run.ts', LOOP, { 'tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'dist' }, include: ['src', 'scripts'] }) });
  assert.deepEqual(wide.ok && wide.fix.createFiles.map((f) => f.path), ['batchwise/openaiBatch.ts']);
  const noEmit = plan('src/index.ts', LOOP, { 'tsconfig.json': JSON.stringify({ compilerOptions: { noEmit: true }, include: ['src'] }) });
  assert.deepEqual(noEmit.ok && noEmit.fix.createFiles.map((f) => f.path), ['batchwise/openaiBatch.ts']);
  // Inherited through extends, comments and all.
  const extended = plan('packages/app/src/index.ts', LOOP, {
    'packages/app/tsconfig.json': '{ "extends": "../../tsconfig.base.json", "include": ["src"] }',
    'tsconfig.base.json': '{\n  // shared\n  "compilerOptions": { "rootDir": "packages/app/src", },\n}\n',
  });
  assert.deepEqual(extended.ok && extended.fix.createFiles.map((f) => f.path), ['packages/app/src/batchwise/openaiBatch.ts']);
});

test('a helperPath the user chose outside rootDir is kept out: the fix is refused with the reason', () => {
  const placed = plan('src/index.ts', LOOP, { 'tsconfig.json': TSCONFIG({ rootDir: 'src' }) }, 'tools/llm/openaiBatch.ts', true);
  assert.equal(
    !placed.ok && placed.reason,
    'batchwise.helperPath puts the helper at tools/llm/openaiBatch.ts, outside src, its rootDir in tsconfig.json; tsc would fail on it (TS6059: not under rootDir), so set batchwise.helperPath inside src (e.g. src/batchwise/openaiBatch) to get a fix',
  );
  const inside = plan('src/index.ts', LOOP, { 'tsconfig.json': TSCONFIG({ rootDir: 'src' }) }, 'src/llm/openaiBatch.ts', true);
  assert.deepEqual(inside.ok && inside.fix.createFiles.map((f) => f.path), ['src/llm/openaiBatch.ts']);
});

test('a file that an import of the helper could load instead is never shadowed by a second helper', () => {
  const tsHelper = helperModuleFor('batchwise/openaiBatch.ts', 'cjs', 'openai');
  const js = helperModuleFor('batchwise/openaiBatch.js', 'cjs', 'openai');
  // A JavaScript helper made for a script, where a TypeScript file now wants the TypeScript one.
  const tsFile = plan('src/index.ts', LOOP, { 'batchwise/openaiBatch.js': js });
  assert.equal(
    !tsFile.ok && tsFile.reason,
    "batchwise/openaiBatch.js already exists where the import this fix adds (for batchwise/openaiBatch.ts) could load it instead, and it is the JavaScript helper, which leaves src/index.ts without the helper's types; Batchwise will not put a second helper beside it: set batchwise.helperPath to a folder of its own (e.g. src/batchwise/openaiBatch) to get a fix",
  );
  // The TypeScript helper, where a script run by Node wants the JavaScript one.
  const script = plan('scripts/backfill.js', JS_LOOP, { 'batchwise/openaiBatch.ts': tsHelper, 'tsconfig.json': TSCONFIG({}) }, 'batchwise/openaiBatch.js');
  assert.match(!script.ok ? script.reason : '', /^batchwise\/openaiBatch\.ts already exists where the import this fix adds \(for batchwise\/openaiBatch\.js\) could load it instead, and it is the TypeScript helper, which scripts\/backfill\.js \(JavaScript that tsc does not compile\) cannot load;/);
  // A script tsc compiles (allowJs) imports the TypeScript helper as it is.
  const compiled = plan('src/backfill.js', JS_LOOP, { 'batchwise/openaiBatch.ts': tsHelper, 'tsconfig.json': JSON.stringify({ compilerOptions: { allowJs: true, noEmit: true } }) }, 'batchwise/openaiBatch.js');
  assert.ok(compiled.ok && compiled.fix.createFiles.length === 0, !compiled.ok ? compiled.reason : '');
  // A module of the user's own: an index file in a folder of that name.
  const index = plan('src/index.ts', LOOP, { 'batchwise/openaiBatch/index.ts': 'export const mine = 1;\n' });
  assert.match(!index.ok ? index.reason : '', /^batchwise\/openaiBatch\/index\.ts already exists where the import this fix adds .* and it is another module;/);
  // The same helper at the same path is reused, whatever lies beside it (tsc's output of it, say).
  const reused = plan('src/index.ts', LOOP, { 'batchwise/openaiBatch.ts': tsHelper, 'batchwise/openaiBatch.js': '"use strict";\n' });
  assert.ok(reused.ok && reused.fix.createFiles.length === 0);
});

// ---- a JavaScript script in a TypeScript project, through the workspace session as the CLI and the editor use it

let fake: FakeOpenAI;
before(async () => {
  fake = await startFakeOpenAI();
});
after(async () => {
  await fake.close();
});

test('a JavaScript file in a project with a tsconfig.json gets a JavaScript helper that Node loads', async () => {
  const dir = join(WORK, 'jsints');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true }');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, outDir: 'dist' }, include: ['src'] }));
  writeFileSync(join(dir, 'scripts', 'backfill.js'), JS_LOOP);
  const runIt = () => run(join(dir, 'scripts', 'backfill.js'), fake.url, undefined, { cwd: dir });
  const original = await runIt();
  assert.equal(original.code, 0, original.stderr);
  const session = new WorkspaceSession(dir, DEFAULT_OPTIONS);
  const finding = session.analyzeFiles(['scripts/backfill.js']).findings[0];
  const fix = session.fixFor(finding);
  assert.ok(fix.ok, !fix.ok ? fix.reason : '');
  assert.deepEqual(fix.fix.createFiles.map((f) => f.path), ['batchwise/openaiBatch.js']);
  writeFileSync(join(dir, 'scripts', 'backfill.js'), applyEdits(JS_LOOP, fix.fix.edits));
  for (const f of fix.fix.createFiles) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  const rewritten = await runIt();
  assert.equal(rewritten.code, 0, rewritten.stderr);
  assert.equal(rewritten.stdout, original.stdout);
  assert.ok(existsSync(join(dir, 'batchwise', 'openaiBatch.js')) && !existsSync(join(dir, 'batchwise', 'openaiBatch.ts')));
  assert.match(readFileSync(join(dir, 'scripts', 'backfill.js'), 'utf8'), /require\('\.\.\/batchwise\/openaiBatch'\)/);
});
