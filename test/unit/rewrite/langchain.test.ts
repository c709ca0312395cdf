// LangChain rewrite fixtures: before → after (checked by hand), or the reason shown to the user. Every after
// re-parses and leaves no finding; it type-checks (strict) against the LangChain release installed from npm
// into the SDK cache (as the SDK matrix is); and against the fake providers it prints exactly what the
// original prints, every request answered and with one rejected.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { parseSource } from '../../../src/core/parse/parse';
import { applyEdits, planFix } from '../../../src/core/rewrite';
import { helperModuleFor } from '../../../src/core/rewrite/helper';
import { STRICTEST } from '../../support/typecheck';
import { FIXTURES, REPO_ROOT } from '../helpers';
import { findingsOf, fixAll as bridgeFixAll, samePrinted, stageProgram } from './bridgeKit';
import { FakeOpenAI, startFakeOpenAI } from '../../fake-provider/openai';
import { FakeAnthropic, startFakeAnthropic } from '../../fake-provider/anthropic';
import { run as runProgram } from './differential/check';
import { LANGCHAIN_PROJECT, langchainModules } from '../../support/aiSdkReleases';

const root = join(FIXTURES, 'rewrite-langchain');
const cases = readdirSync(root).sort();
const WORK = join(REPO_ROOT, 'test-output', 'rewrite-langchain');

/** The LangChain release the fixtures are written for, and what a project with it lists. */
const PACKAGE_JSON = LANGCHAIN_PROJECT;

const callsOf = (file: string, text: string) => findingsOf(file, text, 'langchain.');
const fixAll = (text: string, project: Record<string, string> = { 'package.json': PACKAGE_JSON }, expect: 'safe' | 'unsafe' = 'safe') => bridgeFixAll(text, project, 'langchain.', expect);

/** Fixtures whose fix is a suggestion: embedDocuments' own requests (a vector store's among them) fail with the OpenAI SDK's errors, not LangChain's. */
const UNSAFE = new Set(['ts-embed-documents-call', 'ts-vector-store-documents', 'ts-vector-store-texts']);

const accepted: { name: string; after: string; files: Record<string, string> }[] = [];

test('LangChain fixture set: accepted shapes of both providers (invoke in loops, model.batch, embeddings), and the refusals the brief lists', () => {
  assert.ok(cases.filter((c) => !c.startsWith('refuse-')).length >= 6);
  assert.ok(cases.filter((c) => c.endsWith('-batch')).length >= 2);
  assert.ok(cases.filter((c) => c.startsWith('refuse-')).length >= 10);
});

for (const name of cases) {
  const text = readFileSync(join(root, name, 'main.ts'), 'utf8');
  if (name.startsWith('refuse-')) {
    test(`LangChain refuses: ${name}`, () => {
      const findings = callsOf('main.ts', text);
      assert.equal(findings.length, 1);
      const plan = planFix({ file: 'main.ts', text, site: findings[0].site, helperPath: 'batchwise/openaiBatch.ts' });
      assert.equal(!plan.ok && plan.reason, readFileSync(join(root, name, 'reason.txt'), 'utf8').trim());
    });
    continue;
  }
  test(`LangChain rewrites: ${name}`, () => {
    const fixed = fixAll(text, undefined, UNSAFE.has(name) ? 'unsafe' : 'safe');
    assert.ok(fixed.fixes >= 1, fixed.refusals.join('\n'));
    assert.equal(fixed.after, readFileSync(join(root, name, 'expected.ts'), 'utf8'));
    assert.ok(parseSource('main.ts', fixed.after).ok);
    // Every LangChain call of the file got its fix: none is left to report.
    assert.deepEqual(callsOf('main.ts', fixed.after), []);
    const provider = /@langchain\/anthropic/.test(text) ? 'anthropic' : 'openai';
    const bridges = Object.keys(fixed.files).filter((p) => p.includes('langchain')).sort();
    assert.deepEqual(bridges, provider === 'anthropic' ? ['batchwise/langchainAnthropic.ts'] : ['batchwise/langchainOpenAI.ts']);
    assert.ok(`batchwise/${provider}Batch.ts` in fixed.files);
    // The generated modules hold no call Batchwise would report.
    for (const [path, content] of Object.entries(fixed.files)) assert.deepEqual(new Analyzer({ files: [path], read: () => content }, DEFAULT_OPTIONS).run().findings, []);
    accepted.push({ name, after: fixed.after, files: fixed.files });
  });
}

test('a project on a LangChain release whose client sends past the global fetch gets the reason, not a fix that would not batch', () => {
  const text = readFileSync(join(root, 'ts-openai-for-of', 'main.ts'), 'utf8');
  const old = PACKAGE_JSON.replace('"@langchain/openai": "1.5.8"', '"@langchain/openai": "^0.5.10"');
  const fixed = fixAll(text, { 'package.json': old });
  assert.equal(fixed.fixes, 0);
  assert.deepEqual(fixed.refusals, [
    'the project has @langchain/openai 0.5.10 (package.json ("@langchain/openai": "^0.5.10", its lowest version)), whose client sends through node-fetch, past the batch; @langchain/openai 0.5.14 is the first release on openai 5, which sends through the global fetch: upgrade it to get a fix',
  ]);
  // The first release on openai 5 gets the fix.
  assert.equal(fixAll(text, { 'package.json': PACKAGE_JSON.replace('"@langchain/openai": "1.5.8"', '"@langchain/openai": "0.5.14"') }).fixes, 1);
});

test('a LangChain fix needs the official client the batch goes through: without it in the project, the fix adds it beside @langchain/core, unsafe until installed', () => {
  const text = readFileSync(join(root, 'ts-anthropic-promise-all', 'main.ts'), 'utf8');
  const manifest = '{ "devDependencies": { "@langchain/core": "^1.1.0" }, "dependencies": { "@langchain/anthropic": "^1.5.0" } }';
  const fixed = fixAll(text, { 'package.json': manifest }, 'unsafe');
  assert.deepEqual(fixed.refusals, []);
  assert.equal(fixed.fixes, 1);
  const edited = fixed.edited['package.json'];
  assert.ok(edited, 'the package.json is edited');
  // In the field that lists @langchain/core, the package the call is written with.
  assert.equal(JSON.parse(edited).devDependencies['@anthropic-ai/sdk'], '^1.13.0');
  assert.equal(JSON.parse(edited).dependencies['@anthropic-ai/sdk'], undefined);
});

test('the LangChain bridge is the AI SDK bridge under LangChain\'s names, wrapping fetch as it loads', () => {
  const bridge = helperModuleFor('batchwise/langchainOpenAI.ts', 'esm', 'langchain-openai', undefined, '.js');
  assert.match(bridge, /^export async function runLangChainBatch<Result>/m);
  assert.match(bridge, /from '\.\/openaiBatch\.js';$/m);
  assert.match(bridge, /\nwrapFetch\(\);\n$/);
  assert.doesNotMatch(bridge, /AI SDK|AiSdk|generateText|generateObject|@sdk|anthropic/i);
  const js = helperModuleFor('batchwise/langchainAnthropic.js', 'cjs', 'langchain-anthropic');
  assert.match(js, /require\("\.\/anthropicBatch"\)/);
  assert.match(js, /^exports\.runLangChainBatch = runLangChainBatch;$/m);
  assert.doesNotMatch(js, /openaiBatch|AI SDK|@sdk/);
});

test('the LangChain bridges type-check under the strictest settings projects use, beside the provider helpers (ES module and CommonJS)', () => {
  const strictest: ts.CompilerOptions = {
    noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: ['node'], esModuleInterop: true,
    ...STRICTEST, isolatedModules: true,
  };
  for (const [variant, extra, pkg, ext] of [
    ['esm', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, verbatimModuleSyntax: true }, '{ "type": "module" }', '.js'],
    ['cjs', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }, '{}', ''],
  ] as const) {
    // Beside the LangChain release's node_modules, not under it: the helpers are checked against the project's own SDKs.
    const dir = join(REPO_ROOT, 'test-output', 'rewrite-langchain-strictest', variant);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), pkg);
    const files: Record<string, string> = {
      'openaiBatch.ts': helperModuleFor('openaiBatch.ts', 'esm', 'openai'),
      'anthropicBatch.ts': helperModuleFor('anthropicBatch.ts', 'esm', 'anthropic'),
      'langchainOpenAI.ts': helperModuleFor('langchainOpenAI.ts', 'esm', 'langchain-openai', undefined, ext),
      'langchainAnthropic.ts': helperModuleFor('langchainAnthropic.ts', 'esm', 'langchain-anthropic', undefined, ext),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const program = ts.createProgram(['langchainOpenAI.ts', 'langchainAnthropic.ts'].map((n) => join(dir, n)), { ...strictest, ...extra });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.split('/').pop()} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    assert.deepEqual(errors, [], variant);
  }
});

test('a CommonJS file that requires LangChain gets the fix, with the bridge required and written as JavaScript', () => {
  const text = `const { ChatOpenAI } = require('@langchain/openai');\n\nconst model = new ChatOpenAI({ model: 'gpt-4o-mini' });\n\nasync function main(tickets) {\n  for (const ticket of tickets) {\n    const reply = await model.invoke(ticket);\n    console.log(reply.content);\n  }\n}\nmain(['a', 'b']);\n`;
  const [finding] = new Analyzer({ files: ['main.js'], read: () => text }, DEFAULT_OPTIONS).run().findings;
  const plan = planFix({ file: 'main.js', text, site: finding.site, helperPath: 'batchwise/openaiBatch.js' });
  assert.ok(plan.ok, !plan.ok ? plan.reason : '');
  const out = applyEdits(text, plan.fix.edits);
  assert.match(out, /^const \{ runLangChainBatch \} = require\('\.\/batchwise\/langchainOpenAI'\);$/m);
  assert.match(out, /await runLangChainBatch\(batchwiseItems\.map\(\(ticket\) => \(\) => model\.invoke\(ticket\)\)\);/);
  assert.deepEqual(plan.fix.createFiles.map((f) => f.path), ['batchwise/openaiBatch.js', 'batchwise/langchainOpenAI.js']);
});

// ---- against the LangChain release and the fakes

function typeErrors(variant: 'before' | 'after'): string[] {
  const files: string[] = [];
  for (const c of accepted) {
    const dir = join(WORK, 'typecheck', variant, c.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'batchwise'), { recursive: true });
    writeFileSync(join(dir, 'main.ts'), variant === 'after' ? c.after : readFileSync(join(root, c.name, 'main.ts'), 'utf8'));
    if (variant === 'after') for (const [path, content] of Object.entries(c.files)) writeFileSync(join(dir, path), content);
    files.push(join(dir, 'main.ts'));
  }
  // LangChain's packages are ES modules with CommonJS builds behind `exports`: Node16 resolution reads those.
  const program = ts.createProgram(files, {
    noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
    esModuleInterop: true, skipLibCheck: true, types: ['node'],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.split('/').slice(-3).join('/')} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

test('every rewritten program type-checks (strict) against the LangChain release, with the bridge and helpers beside it', () => {
  assert.ok(accepted.length >= 4);
  assert.deepEqual(typeErrors('before'), [], 'the originals type-check');
  assert.deepEqual(typeErrors('after'), [], 'the rewrites type-check');
});

let fakes: { ok: { openai: FakeOpenAI; anthropic: FakeAnthropic }; reject: { openai: FakeOpenAI; anthropic: FakeAnthropic } };
before(async () => {
  // A node_modules with the LangChain release from the cache (and the clients it brings), Node's types from ours.
  await langchainModules(WORK);
  fakes = {
    ok: { openai: await startFakeOpenAI(), anthropic: await startFakeAnthropic() },
    // Each fixture sends one request mentioning one of these words.
    reject: { openai: await startFakeOpenAI({ rejectText: 'refund' }), anthropic: await startFakeAnthropic({ rejectText: 'backend' }) },
  };
});
after(async () => {
  for (const f of Object.values(fakes ?? {})) {
    await f.openai.close();
    await f.anthropic.close();
  }
});

/** The fake Anthropic makes up a request id per request, which its error bodies (and LangChain's messages) carry. */
const normalise = (text: string) => text.replace(/"request_id":"[^"]*"/g, '"request_id":"…"');

test('each rewritten LangChain program prints what the original prints against the fakes (sync endpoint vs batch), and fails where it failed', async () => {
  assert.ok(accepted.length >= 4);
  let rejectionsShown = 0;
  for (const c of accepted) {
    const source = readFileSync(join(root, c.name, 'main.ts'), 'utf8');
    for (const mode of ['ok', 'reject'] as const) {
      const f = fakes[mode];
      const original = await runProgram(stageProgram(join(WORK, 'run', c.name, `before-${mode}`), source, {}), f.openai.url, f.anthropic.url);
      const rewritten = await runProgram(stageProgram(join(WORK, 'run', c.name, `after-${mode}`), c.after, c.files), f.openai.url, f.anthropic.url);
      if (mode === 'ok') {
        assert.equal(original.code, 0, `${c.name} original: ${original.stderr}`);
        assert.ok(original.stdout.length > 0, `${c.name} printed nothing`);
      } else if (original.code !== 0 || /failed/.test(original.stdout)) rejectionsShown++;
      assert.equal(rewritten.code, original.code, `${c.name} (${mode}) exit code; rewritten stderr: ${rewritten.stderr}`);
      samePrinted(`${c.name} (${mode})`, source, normalise(rewritten.stdout), normalise(original.stdout));
      // The helper's own warning (results kept for a rerun) is the one line the original lacks.
      assert.equal(normalise(rewritten.stderr.split('\n').filter((l) => !l.startsWith('batchwise: ')).join('\n')), normalise(original.stderr), `${c.name} (${mode}) stderr`);
    }
  }
  assert.ok(rejectionsShown >= 3, `the rejecting fakes made ${rejectionsShown} originals fail`);
  // The rewrites went through the batch endpoints, both providers'.
  const batches = (f: { openai: FakeOpenAI; anthropic: FakeAnthropic }) => [f.openai.stats.batchesCreated, f.anthropic.stats.batchesCreated];
  assert.ok(batches(fakes.ok).every((n) => n >= 1), JSON.stringify(batches(fakes.ok)));
});

