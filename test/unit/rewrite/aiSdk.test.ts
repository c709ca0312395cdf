// AI SDK rewrite fixtures: before → after (checked by hand), or the reason shown to the user. Every after
// re-parses and leaves no finding; it type-checks against the AI SDK release it is written for (v5, and
// v4 for the `v4-` fixtures: installed from npm into the SDK cache, as the SDK matrix is); and against the
// fake providers it prints exactly what the original prints, every request answered and with one rejected.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { parseSource } from '../../../src/core/parse/parse';
import { applyEdits, fixableStrategy, planFix } from '../../../src/core/rewrite';
import { helperModuleFor } from '../../../src/core/rewrite/helper';
import { STRICTEST } from '../../support/typecheck';
import { FIXTURES, REPO_ROOT } from '../helpers';
import { findingsOf, fixAll as bridgeFixAll, samePrinted, stageProgram } from './bridgeKit';
import { FakeOpenAI, startFakeOpenAI } from '../../fake-provider/openai';
import { FakeAnthropic, startFakeAnthropic } from '../../fake-provider/anthropic';
import { run as runProgram, RunResult } from './differential/check';
import { aiSdkModules, AiSdkRelease } from '../../support/aiSdkReleases';

const root = join(FIXTURES, 'rewrite-ai-sdk');
const cases = readdirSync(root).sort();
const WORK = join(REPO_ROOT, 'test-output', 'rewrite-ai-sdk');

type Release = AiSdkRelease;
const releaseOf = (name: string): Release => (name.startsWith('v4-') ? 'v4' : 'v5');
/**
 * The releases a fixture runs against: a v5 fixture against AI SDK 6 too, whose provider packages (3.x)
 * the fix adds for its gateway ids; not one whose original is written in a v5-only API (AI SDK 6 types a
 * `wrapLanguageModel` middleware with its `specificationVersion`).
 */
const V5_ONLY = new Set(['unsafe-wrapped-model']);
const releasesOf = (name: string): Release[] => (releaseOf(name) === 'v5' && !V5_ONLY.has(name) ? ['v5', 'v6'] : [releaseOf(name)]);

/** What a project with the AI SDK and the official clients lists (a fixture's own package.json wins). */
const DEFAULT_PACKAGE_JSON = '{ "private": true, "dependencies": { "ai": "5.0.277", "@ai-sdk/openai": "2.0.130", "@ai-sdk/anthropic": "2.0.112", "openai": "7.57.0", "@anthropic-ai/sdk": "1.13.0" } }\n';

const callsOf = (file: string, text: string) => findingsOf(file, text, 'ai-sdk.');
/** Every AI SDK fix of a fixture applied; its own package.json when it has one. */
function fixAll(name: string, text: string) {
  const dir = join(root, name);
  const pkg = existsSync(join(dir, 'package.json')) ? readFileSync(join(dir, 'package.json'), 'utf8') : DEFAULT_PACKAGE_JSON;
  return bridgeFixAll(text, { 'package.json': pkg }, 'ai-sdk.', name.startsWith('queue-') ? 'queue' : name.startsWith('single-') ? 'single' : name.startsWith('unsafe-') ? 'unsafe' : 'safe');
}

const accepted: { name: string; after: string; files: Record<string, string> }[] = [];

test('AI SDK fixture set: accepted shapes of both providers and both majors, and the refusals the issue lists', () => {
  assert.ok(cases.filter((c) => !c.startsWith('refuse-')).length >= 6);
  assert.ok(cases.filter((c) => c.startsWith('v4-')).length >= 1);
  assert.ok(cases.filter((c) => c.startsWith('refuse-')).length >= 10);
});

for (const name of cases) {
  const text = readFileSync(join(root, name, 'main.ts'), 'utf8');
  if (name.startsWith('refuse-')) {
    test(`AI SDK refuses: ${name}`, () => {
      const findings = callsOf('main.ts', text);
      assert.equal(findings.length, 1);
      const plan = planFix({ file: 'main.ts', text, site: findings[0].site, helperPath: 'batchwise/openaiBatch.ts' });
      assert.equal(!plan.ok && plan.reason, readFileSync(join(root, name, 'reason.txt'), 'utf8').trim());
    });
    continue;
  }
  test(`AI SDK rewrites: ${name}`, () => {
    const fixed = fixAll(name, text);
    assert.ok(fixed.fixes >= 1, fixed.refusals.join('\n'));
    assert.equal(fixed.after, readFileSync(join(root, name, 'expected.ts'), 'utf8'));
    assert.ok(parseSource('main.ts', fixed.after).ok);
    // Every AI SDK call of the file got its fix: none is left to report.
    assert.deepEqual(callsOf('main.ts', fixed.after), []);
    const provider = /@ai-sdk\/anthropic/.test(text) ? 'anthropic' : 'openai';
    const bridges = Object.keys(fixed.files).filter((p) => p.includes('aiSdk')).sort();
    assert.deepEqual(bridges, provider === 'anthropic' ? ['batchwise/aiSdkAnthropic.ts'] : ['batchwise/aiSdkOpenAI.ts']);
    assert.ok(`batchwise/${provider}Batch.ts` in fixed.files);
    // The generated modules hold no call Batchwise would report.
    for (const [path, content] of Object.entries(fixed.files)) assert.deepEqual(new Analyzer({ files: [path], read: () => content }, DEFAULT_OPTIONS).run().findings, []);
    accepted.push({ name, after: fixed.after, files: fixed.files });
  });
}

test('an AI SDK fix needs the official client the batch goes through: without it in the project, the fix adds it to the package.json beside ai (unsafe until installed); with no package.json to add it to, the reason says to add it', () => {
  const text = readFileSync(join(root, 'ts-anthropic-for-of', 'main.ts'), 'utf8');
  const site = callsOf('main.ts', text)[0].site;
  const pkg = '{\n  "name": "app",\n  "dependencies": {\n    "@ai-sdk/anthropic": "^2.0.0",\n    "ai": "^5.0.0",\n    "zod": "^3.25.0"\n  }\n}\n';
  const plan = planFix({ file: 'main.ts', text, site, helperPath: 'batchwise/openaiBatch.ts', readExisting: (p) => (p === 'package.json' ? pkg : undefined) });
  assert.ok(plan.ok, !plan.ok ? plan.reason : '');
  assert.equal(plan.fix.safe, false);
  assert.equal(plan.fix.editFiles.length, 1);
  const [edit] = plan.fix.editFiles;
  assert.equal(edit.path, 'package.json');
  assert.equal(edit.before, pkg);
  // In name order among the dependencies, in the file's indentation; nothing else of the file moves.
  assert.equal(applyEdits(pkg, edit.edits), pkg.replace('    "ai"', '    "@anthropic-ai/sdk": "^1.13.0",\n    "ai"'));
  assert.match(plan.fix.changes ?? '', /the project does not list @anthropic-ai\/sdk, which the batch goes through: the fix adds "@anthropic-ai\/sdk": "\^1\.13\.0" to the dependencies of package\.json, beside ai; install it/);
  // The helper is the one for the release added.
  assert.match(plan.fix.createFiles.find((f) => f.path === 'batchwise/anthropicBatch.ts')?.content ?? '', /Written for @anthropic-ai\/sdk 0\.124\.0 and later/);
  // The audit's cheap check says the same, given the workspace's reader.
  const read = (p: string) => (p === 'package.json' ? pkg : undefined);
  assert.deepEqual(fixableStrategy({ file: 'main.ts', text, site, sdkFor: () => undefined, read }), { strategy: 'loop-hoist', safe: false, changes: plan.fix.changes });
  assert.deepEqual(fixableStrategy({ file: 'main.ts', text, site, sdkFor: () => ({ version: '1.13.0', source: 'package.json' }), read }), { strategy: 'loop-hoist', safe: true });
  // No package.json to add it to: refused, saying what to add; the cheap check without a reader says it too.
  const bare = planFix({ file: 'src/main.ts', text, site: { ...site, file: 'src/main.ts' }, helperPath: 'batchwise/openaiBatch.ts', readExisting: () => undefined });
  assert.equal(!bare.ok && bare.reason, 'the batch goes through @anthropic-ai/sdk, which the project does not list, and no package.json above src/main.ts could take it: add it (npm install @anthropic-ai/sdk) to get a fix');
  const summary = fixableStrategy({ file: 'main.ts', text, site, sdkFor: () => undefined });
  assert.equal(
    'refused' in summary && summary.refused,
    'the batch goes through the official `@anthropic-ai/sdk` package, which the project does not list (no package.json, lockfile or node_modules names it): add it (npm install @anthropic-ai/sdk) to get a fix',
  );
});

test('the bridges type-check under the strictest settings projects use, beside the provider helpers (ES module and CommonJS)', () => {
  const strictest: ts.CompilerOptions = {
    noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: ['node'], esModuleInterop: true,
    ...STRICTEST, isolatedModules: true,
  };
  for (const [variant, extra, pkg, ext] of [
    ['esm', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, verbatimModuleSyntax: true }, '{ "type": "module" }', '.js'],
    ['cjs', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }, '{}', ''],
  ] as const) {
    const dir = join(WORK, 'strictest', variant);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), pkg);
    const files: Record<string, string> = {
      'openaiBatch.ts': helperModuleFor('openaiBatch.ts', 'esm', 'openai'),
      'anthropicBatch.ts': helperModuleFor('anthropicBatch.ts', 'esm', 'anthropic'),
      'aiSdkOpenAI.ts': helperModuleFor('aiSdkOpenAI.ts', 'esm', 'ai-sdk-openai', undefined, ext),
      'aiSdkAnthropic.ts': helperModuleFor('aiSdkAnthropic.ts', 'esm', 'ai-sdk-anthropic', undefined, ext),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const program = ts.createProgram(['aiSdkOpenAI.ts', 'aiSdkAnthropic.ts'].map((n) => join(dir, n)), { ...strictest, ...extra });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.split('/').pop()} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    assert.deepEqual(errors, [], variant);
  }
});

test('the bridge imports the provider helper beside it with the extension the project\'s imports need', () => {
  const esm = helperModuleFor('batchwise/aiSdkOpenAI.ts', 'esm', 'ai-sdk-openai', undefined, '.js');
  assert.match(esm, /^import \{ type BatchRunOptions as OpenAIBatchRunOptions, runChatCompletionsBatch, runEmbeddingsBatch, runResponsesBatch \} from '\.\/openaiBatch\.js';$/m);
  assert.doesNotMatch(esm, /anthropic|@sdk/i);
  const js = helperModuleFor('batchwise/aiSdkAnthropic.js', 'cjs', 'ai-sdk-anthropic');
  assert.match(js, /require\("\.\/anthropicBatch"\)/);
  assert.doesNotMatch(js, /openaiBatch|from 'openai'|@sdk/);
});

// ---- against the AI SDK releases and the fakes


function typeErrors(release: Release, variant: 'before' | 'after'): string[] {
  const files: string[] = [];
  for (const c of accepted.filter((a) => releasesOf(a.name).includes(release))) {
    const dir = join(WORK, release, 'typecheck', variant, c.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'batchwise'), { recursive: true });
    writeFileSync(join(dir, 'main.ts'), variant === 'after' ? c.after : readFileSync(join(root, c.name, 'main.ts'), 'utf8'));
    if (variant === 'after') for (const [path, content] of Object.entries(c.files)) writeFileSync(join(dir, path), content);
    files.push(join(dir, 'main.ts'));
  }
  const program = ts.createProgram(files, {
    noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true, skipLibCheck: true, types: ['node'],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.split('/').slice(-3).join('/')} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

test('every rewritten program type-checks (strict) against the AI SDK release it is for, with the bridge and helpers beside it', async () => {
  for (const release of ['v5', 'v4', 'v6'] as const) {
    assert.ok(accepted.some((a) => releasesOf(a.name).includes(release)));
    assert.deepEqual(typeErrors(release, 'before'), [], `${release}: the originals type-check`);
    assert.deepEqual(typeErrors(release, 'after'), [], `${release}: the rewrites type-check`);
  }
});

let fakes: { ok: { openai: FakeOpenAI; anthropic: FakeAnthropic }; reject: { openai: FakeOpenAI; anthropic: FakeAnthropic } };
before(async () => {
  for (const release of ['v5', 'v4', 'v6'] as const) await aiSdkModules(release, join(WORK, release));
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

const stage = (release: Release, name: string, variant: string, text: string, files: Record<string, string>) =>
  stageProgram(join(WORK, release, 'run', name, variant), text, files);

/**
 * @ai-sdk/openai 1.x (AI SDK 4) reads no OPENAI_BASE_URL, and an instance may name the provider's URL
 * itself (createAnthropic({ baseURL: 'https://api.anthropic.com/v1' })): a preload sends the provider's
 * hosts to the fakes, for the original and the rewrite alike.
 */
const TO_FAKES = `const send = globalThis.fetch;
const hosts = { 'https://api.openai.com/v1': process.env.OPENAI_BASE_URL, 'https://api.anthropic.com/v1': process.env.ANTHROPIC_BASE_URL };
globalThis.fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  for (const [from, to] of Object.entries(hosts)) if (to && url.startsWith(from)) return send(to + url.slice(from.length), input instanceof Request ? new Request(to + url.slice(from.length), input) : init);
  return send(input, init);
};
`;

/** The AI SDK's Anthropic provider takes a base URL with /v1 (the official client adds it itself): both read ANTHROPIC_BASE_URL. */
function runAgainst(entry: string, _release: Release, f: { openai: FakeOpenAI; anthropic: FakeAnthropic }): Promise<RunResult> {
  const preload = join(WORK, 'to-fakes.cjs');
  if (!existsSync(preload)) writeFileSync(preload, TO_FAKES);
  return runProgram(entry, f.openai.url, `${f.anthropic.url}/v1`, { env: { NODE_OPTIONS: `--require ${preload}` } });
}

test('each rewritten AI SDK program prints what the original prints against the fakes (sync endpoint vs batch), and fails where it failed', async () => {
  assert.ok(accepted.length >= 6);
  let rejectionsShown = 0;
  for (const c of accepted) {
    for (const release of releasesOf(c.name)) {
      const source = readFileSync(join(root, c.name, 'main.ts'), 'utf8');
      const name = `${c.name} [${release}]`;
      for (const mode of ['ok', 'reject'] as const) {
        const f = fakes[mode];
        const original = await runAgainst(stage(release, c.name, `before-${mode}`, source, {}), release, f);
        const rewritten = await runAgainst(stage(release, c.name, `after-${mode}`, c.after, c.files), release, f);
        if (mode === 'ok') {
          assert.equal(original.code, 0, `${name} original: ${original.stderr}`);
          assert.ok(original.stdout.length > 0, `${name} printed nothing`);
        } else if (original.code !== 0) rejectionsShown++;
        assert.equal(rewritten.code, original.code, `${name} (${mode}) exit code; rewritten stderr: ${rewritten.stderr}`);
        samePrinted(`${name} (${mode})`, source, rewritten.stdout, original.stdout);
        // The helper's own warning (results kept for a rerun) is the one line the original lacks.
        assert.equal(rewritten.stderr.split('\n').filter((l) => !l.startsWith('batchwise: ')).join('\n'), original.stderr, `${name} (${mode}) stderr`);
      }
    }
  }
  assert.ok(rejectionsShown >= 3, `the rejecting fakes made ${rejectionsShown} originals fail`);
  // The rewrites went through the batch endpoints, both providers'.
  const batches = (f: { openai: FakeOpenAI; anthropic: FakeAnthropic }) => [f.openai.stats.batchesCreated, f.anthropic.stats.batchesCreated];
  assert.ok(batches(fakes.ok).every((n) => n >= 2), JSON.stringify(batches(fakes.ok)));
});

test('the bridge holds back only a batched call\'s POST to the endpoint: other requests go out, a retry gets the same answer, a call that fails before sending fails alone', async () => {
  // Calls written as the AI SDK makes them (fetch with a JSON body), without the AI SDK: what the bridge itself promises.
  const program = `import { runAiSdkBatch } from './batchwise/aiSdkOpenAI';
const base = process.env.OPENAI_BASE_URL!;
const post = (body: object) => fetch(base + '/chat/completions', { method: 'POST', headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' }, body: JSON.stringify(body) });
const ask = (text: string) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
async function call(text: string) {
  if (text === 'broken') throw new Error('bad prompt');
  // A GET on the way (say, an image download) goes out as it is.
  const models = await fetch(base + '/models');
  const first = await post(ask(text));
  // The AI SDK retrying the same request: the same answer, no second request.
  const again = await post(ask(text));
  const answer = (await first.json()) as { choices: { message: { content: string } }[] };
  const repeat = (await again.json()) as { choices: { message: { content: string } }[] };
  return [models.status, first.status, answer.choices[0]!.message.content, repeat.choices[0]!.message.content === answer.choices[0]!.message.content].join(' ');
}
async function main() {
  const results = await runAiSdkBatch(['cannot log in', 'broken', 'dark mode when'].map((text) => () => call(text)));
  for (let i = 0; i < results.length; i++) {
    try {
      console.log(results.get(i));
    } catch (err) {
      console.log('failed:', (err as Error).message);
    }
  }
  // Outside a batched call, fetch is the program's own.
  console.log((await post(ask('after the batch'))).status);
}
main();
`;
  const release: Release = 'v5';
  const files = { 'batchwise/openaiBatch.ts': helperModuleFor('batchwise/openaiBatch.ts', 'cjs', 'openai'), 'batchwise/aiSdkOpenAI.ts': helperModuleFor('batchwise/aiSdkOpenAI.ts', 'cjs', 'ai-sdk-openai') };
  const fake = await startFakeOpenAI();
  try {
    const result = await runAgainst(stage(release, 'bridge-runtime', 'run', program, files), release, { openai: fake, anthropic: fakes.ok.anthropic });
    assert.equal(result.stderr, '');
    const [one, failed, three, after] = result.stdout.trimEnd().split('\n');
    assert.match(one, /^\d+ 200 \[gpt-4o-mini\] 3 words: CANNOT LOG IN true$/);
    assert.equal(failed, 'failed: bad prompt');
    assert.match(three, /^\d+ 200 \[gpt-4o-mini\] 3 words: DARK MODE WHEN true$/);
    assert.equal(after, '200');
    // Two requests in one batch (the retries answered from it); only the request after it went to the sync endpoint.
    assert.deepEqual(fake.stats.batchCustomIds, [['req-0', 'req-1']]);
    assert.equal(fake.stats.chatCompletions, 1);
  } finally {
    await fake.close();
  }
});

test('the AI SDK queue sends a batch when maxRequests wait, and flush() waits for calls still building their request', async () => {
  // Calls written as the AI SDK makes them (an async step, then fetch with a JSON body), without the AI SDK.
  const program = `import { AiSdkBatchQueue } from './batchwise/aiSdkOpenAI';
const base = process.env.OPENAI_BASE_URL!;
const queue = new AiSdkBatchQueue({ maxRequests: 2, maxWaitMs: 3_600_000 });
async function call(text: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const response = await fetch(base + '/chat/completions', { method: 'POST', headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] }) });
  const answer = (await response.json()) as { choices: { message: { content: string } }[] };
  return answer.choices[0]!.message.content;
}
async function main() {
  const first = queue.add(() => call('one'));
  const second = queue.add(() => call('two'));
  // Sent by count, before anything flushes.
  console.log(await first, '|', await second);
  const third = queue.add(() => call('three'));
  // Still waiting 20 ms before its request: flush() sends it all the same, and the hour-long timer goes.
  await queue.flush();
  console.log(await third);
}
main();
`;
  const files = { 'batchwise/openaiBatch.ts': helperModuleFor('batchwise/openaiBatch.ts', 'cjs', 'openai'), 'batchwise/aiSdkOpenAI.ts': helperModuleFor('batchwise/aiSdkOpenAI.ts', 'cjs', 'ai-sdk-openai') };
  const fake = await startFakeOpenAI();
  try {
    const result = await runAgainst(stage('v5', 'queue-runtime', 'run', program, files), 'v5', { openai: fake, anthropic: fakes.ok.anthropic });
    assert.equal(result.code, 0, result.stderr);
    const [pair, third] = result.stdout.trimEnd().split('\n');
    assert.match(pair, /^\[gpt-4o-mini\] 1 words?: ONE \| \[gpt-4o-mini\] 1 words?: TWO$/);
    assert.match(third, /^\[gpt-4o-mini\] 1 words?: THREE$/);
    assert.deepEqual(fake.stats.batchCustomIds.map((ids) => ids.length), [2, 1]);
    assert.equal(fake.stats.chatCompletions, 0);
  } finally {
    await fake.close();
  }
});

test('a CommonJS file that requires the AI SDK gets the fix, with the bridge required and written as JavaScript', () => {
  const text = `const { generateText } = require('ai');\nconst { openai } = require('@ai-sdk/openai');\n\nasync function main(tickets) {\n  for (const ticket of tickets) {\n    const { text } = await generateText({ model: openai('gpt-4o-mini'), prompt: ticket });\n    console.log(text);\n  }\n}\nmain(['a', 'b']);\n`;
  const [finding] = callsOf('main.js', text);
  const plan = planFix({ file: 'main.js', text, site: finding.site, helperPath: 'batchwise/openaiBatch.js' });
  assert.ok(plan.ok, !plan.ok ? plan.reason : '');
  const after = applyEdits(text, plan.fix.edits);
  assert.match(after, /^const \{ runAiSdkBatch \} = require\('\.\/batchwise\/aiSdkOpenAI'\);$/m);
  assert.match(after, /await runAiSdkBatch\(batchwiseItems\.map\(\(ticket\) => \(\) => generateText\(\{ model: openai\('gpt-4o-mini'\), prompt: ticket \}\)\)\);/);
  assert.deepEqual(plan.fix.createFiles.map((f) => f.path), ['batchwise/openaiBatch.js', 'batchwise/aiSdkOpenAI.js']);
  assert.match(plan.fix.createFiles[1].content, /require\("\.\/openaiBatch"\)/);
});

test('a provider instance keeps its own headers, and its own fetch still runs for each call: the fix says when it runs now (unsafe), and prints the same lines against a server that requires the header', async () => {
  const source = readFileSync(join(root, 'ts-create-openai-instance', 'main.ts'), 'utf8').replace(
    "headers: { 'x-team': 'support' } });",
    "headers: { 'x-team': 'support' },\n  fetch: async (url, init) => {\n    console.log('fetch', new URL(String(url)).pathname);\n    return fetch(url, init);\n  },\n});",
  );
  const [finding] = callsOf('main.ts', source);
  const plan = planFix({ file: 'main.ts', text: source, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', readExisting: (p) => (p === 'package.json' ? DEFAULT_PACKAGE_JSON : undefined) });
  assert.ok(plan.ok, !plan.ok ? plan.reason : '');
  assert.equal(plan.fix.safe, false);
  assert.equal(plan.fix.changes, "the provider instance's own `fetch` (line 6) still runs for every call, but for all of them before the loop body runs, no longer between its steps, and the answers it sees come from the batch");
  const after = applyEdits(source, plan.fix.edits);
  const files = Object.fromEntries(plan.fix.createFiles.map((f) => [f.path, f.content]));
  const fake = await startFakeOpenAI({ requireHeader: { name: 'x-team', value: 'support' } });
  try {
    const f = { openai: fake, anthropic: fakes.ok.anthropic };
    const original = await runAgainst(stage('v5', 'instance-fetch', 'before', source, {}), 'v5', f);
    const rewritten = await runAgainst(stage('v5', 'instance-fetch', 'after', after, files), 'v5', f);
    assert.equal(original.code, 0, original.stderr);
    assert.equal(rewritten.code, 0, rewritten.stderr);
    const lines = (s: string) => s.trimEnd().split('\n');
    // The same lines; the instance's fetch ran once per call in both, before the loop body in the rewrite.
    assert.deepEqual([...lines(rewritten.stdout)].sort(), [...lines(original.stdout)].sort());
    assert.equal(lines(original.stdout).filter((l) => l === 'fetch /v1/chat/completions').length, 3);
    assert.deepEqual(lines(rewritten.stdout).slice(0, 3), ['fetch /v1/chat/completions', 'fetch /v1/chat/completions', 'fetch /v1/chat/completions']);
    // The three requests went in one batch: its upload, creation and polls carried the instance's header (the fake refuses any request without it).
    assert.deepEqual(fake.stats.batchCustomIds, [['req-0', 'req-1', 'req-2']]);
    assert.equal(fake.stats.chatCompletions, 3, 'only the original called the sync endpoint');
  } finally {
    await fake.close();
  }
});

test('an instance made in a module of the project (imported) is followed there: accepted at the provider\'s own URL, refused with the host named elsewhere', () => {
  const main = `import { generateText } from 'ai';\nimport { llm } from './llm';\n\nexport async function run(items: string[]) {\n  for (const item of items) {\n    const { text } = await generateText({ model: llm('gpt-4o-mini'), prompt: item });\n    console.log(text);\n  }\n}\n`;
  const plan = (llmSource: string) => {
    const sources: Record<string, string> = { 'main.ts': main, 'llm.ts': llmSource };
    const analyzer = new Analyzer({ files: Object.keys(sources), read: (p) => sources[p] }, DEFAULT_OPTIONS);
    const [finding] = analyzer.run().findings.filter((f) => f.site.file === 'main.ts' && f.site.api.startsWith('ai-sdk.'));
    assert.ok(finding, 'the call is found');
    return planFix({ file: 'main.ts', text: main, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', modules: analyzer.modules, readExisting: (p) => (p === 'package.json' ? DEFAULT_PACKAGE_JSON : undefined) });
  };
  const ok = plan(`import { createOpenAI } from '@ai-sdk/openai';\nexport const llm = createOpenAI({ apiKey: process.env.OPENAI_API_KEY });\n`);
  assert.ok(ok.ok, !ok.ok ? ok.reason : '');
  assert.match(applyEdits(main, ok.fix.edits), /await runAiSdkBatch\(batchwiseItems\.map\(\(item\) => \(\) => generateText\(\{ model: llm\('gpt-4o-mini'\), prompt: item \}\)\)\);/);
  const refused = plan(`import { createOpenAI } from '@ai-sdk/openai';\nexport const llm = createOpenAI({ baseURL: 'https://openrouter.ai/api/v1' });\n`);
  assert.equal(
    !refused.ok && refused.reason,
    "the provider instance `createOpenAI({ baseURL: 'https://openrouter.ai/…` (llm.ts) sends its requests to openrouter.ai, OpenRouter, which sells no batch tier: keep this call as it is",
  );
});

test('generateText re-exported by a module of the project (`export * from \'ai\'` beside the provider packages) or read off a namespace import is the AI SDK\'s own: accepted; a module Batchwise cannot follow is named in the reason', () => {
  const loop = (fn: string) => `  for (const item of items) {\n    const { text } = await ${fn}({ model: openai('gpt-4o-mini'), prompt: item });\n    console.log(text);\n  }\n`;
  const plan = (main: string, sdkSource: string) => {
    const sources: Record<string, string> = { 'main.ts': main, 'aiSdk.ts': sdkSource };
    const analyzer = new Analyzer({ files: Object.keys(sources), read: (p) => sources[p] }, DEFAULT_OPTIONS);
    const [finding] = analyzer.run().findings.filter((f) => f.site.file === 'main.ts' && f.site.api.startsWith('ai-sdk.'));
    assert.ok(finding, 'the call is found');
    return planFix({ file: 'main.ts', text: main, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', modules: analyzer.modules, readExisting: (p) => (p === 'package.json' ? DEFAULT_PACKAGE_JSON : undefined) });
  };
  const barrel = `export * from 'ai';\nexport * from '@ai-sdk/azure';\nexport * from '@ai-sdk/openai';\n`;
  const viaBarrel = `import { generateText, openai } from './aiSdk';\n\nexport async function run(items: string[]) {\n${loop('generateText')}}\n`;
  const ok = plan(viaBarrel, barrel);
  assert.ok(ok.ok, !ok.ok ? ok.reason : '');
  assert.match(applyEdits(viaBarrel, ok.fix.edits), /await runAiSdkBatch\(batchwiseItems\.map\(\(item\) => \(\) => generateText\(\{ model: openai\('gpt-4o-mini'\), prompt: item \}\)\)\);/);
  const named = plan(viaBarrel, `export { generateText } from 'ai';\nexport { openai } from '@ai-sdk/openai';\n`);
  assert.ok(named.ok, !named.ok ? named.reason : '');
  // Without the project's modules (a file planned alone), the barrel cannot be followed: the reason says where the name comes from.
  const sources: Record<string, string> = { 'main.ts': viaBarrel, 'aiSdk.ts': barrel };
  const [found] = new Analyzer({ files: Object.keys(sources), read: (p) => sources[p] }, DEFAULT_OPTIONS).run().findings;
  const alone = planFix({ file: 'main.ts', text: viaBarrel, site: found!.site, helperPath: 'batchwise/openaiBatch.ts' });
  assert.equal(
    !alone.ok && alone.reason,
    "`generateText` is imported from './aiSdk', which Batchwise cannot follow to 'ai' (it follows modules of the project that re-export it); import `generateText` from 'ai' to get a fix",
  );
  const namespace = `import * as ai from 'ai';\nimport { openai } from '@ai-sdk/openai';\n\nexport async function run(items: string[]) {\n${loop('ai.generateText')}}\n`;
  const ns = plan(namespace, barrel);
  assert.ok(ns.ok, !ns.ok ? ns.reason : '');
  assert.match(applyEdits(namespace, ns.fix.edits), /\(\) => ai\.generateText\(\{ model: openai\('gpt-4o-mini'\), prompt: item \}\)/);
});

test('a gateway model id ("openai/gpt-5", "anthropic/claude-sonnet-4.5") in a project on AI SDK 5+: the loop hoist makes the provider\'s model in its place, unsafe, saying what differs; refused before AI SDK 5, without the provider package, and for other ids', () => {
  const program = (model: string, fn = 'generateObject', read = 'object') =>
    `import { ${fn} } from 'ai';\nimport { z } from 'zod';\n\nconst QUESTION = z.object({ q: z.string() });\n\nexport async function questions() {\n  const data = [];\n  for (let i = 0; i < 3; i++) {\n    const { ${read} } = await ${fn}({ model: ${model}, prompt: 'Ask a question', schema: QUESTION });\n    data.push(${read});\n  }\n  return data;\n}\n`;
  const project = (ai: string, extra = '"@ai-sdk/openai": "2.0.130", "@ai-sdk/anthropic": "2.0.112"') => ({ 'package.json': `{ "dependencies": { "ai": "${ai}", ${extra}, "openai": "7.57.0", "@anthropic-ai/sdk": "1.13.0" } }` });
  const plan = (text: string, files: Record<string, string>) => {
    const [finding] = findingsOf('main.ts', text, 'ai-sdk.');
    assert.ok(finding, 'the call is found');
    return planFix({ file: 'main.ts', text, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', readExisting: (p) => files[p] });
  };
  const openai = plan(program("'openai/gpt-5'"), project('^5.0.0'));
  assert.ok(openai.ok, !openai.ok ? openai.reason : '');
  assert.equal(openai.fix.safe, false);
  assert.match(openai.fix.changes ?? '', /Vercel AI Gateway .* openai\('gpt-5'\) of @ai-sdk\/openai \(the id after its "openai\/" prefix\) .* OPENAI_API_KEY/);
  const after = applyEdits(program("'openai/gpt-5'"), openai.fix.edits);
  assert.match(after, /^import \{ openai \} from '@ai-sdk\/openai';$/m);
  assert.match(after, /\(\) => generateObject\(\{ model: openai\('gpt-5'\), prompt: 'Ask a question', schema: QUESTION \}\)/);
  assert.ok(parseSource('main.ts', after).ok);
  assert.deepEqual(callsOf('main.ts', after), []);
  // Anthropic's ids write the version with dashes; the gateway's with dots.
  const anthropic = plan(program('"anthropic/claude-sonnet-4.5"'), project('6.0.1'));
  assert.ok(anthropic.ok, !anthropic.ok ? anthropic.reason : '');
  assert.match(applyEdits(program('"anthropic/claude-sonnet-4.5"'), anthropic.fix.edits), /model: anthropic\('claude-sonnet-4-5'\)/);
  assert.match(anthropic.fix.changes ?? '', /ANTHROPIC_API_KEY/);
  // Embeddings take the provider's embedding model.
  const embed = plan(program("'openai/text-embedding-3-small'", 'embed', 'embedding').replace(", schema: QUESTION", '').replace("prompt: 'Ask a question'", "value: 'a question'"), project('^5.0.0'));
  assert.ok(embed.ok, !embed.ok ? embed.reason : '');
  assert.match(applyEdits(program("'openai/text-embedding-3-small'", 'embed', 'embedding').replace(", schema: QUESTION", '').replace("prompt: 'Ask a question'", "value: 'a question'"), embed.fix.edits), /model: openai\.embedding\('text-embedding-3-small'\)/);
  const v4 = plan(program("'openai/gpt-5'"), project('4.3.6'));
  assert.equal(
    !v4.ok && v4.reason,
    'the model is a string, but the project has ai 4.3.6 (package.json ("ai": "4.3.6", its lowest version)): before AI SDK 5 there is no global default provider (the AI Gateway) for a string model to go through; make the model with @ai-sdk/openai to get a fix',
  );
  // Without the provider package, the fix adds the release that speaks the project's `ai` major's provider interface.
  const noProvider = plan(program("'openai/gpt-5'"), project('^5.0.0', '"zod": "3.25.0"'));
  assert.ok(noProvider.ok, !noProvider.ok ? noProvider.reason : '');
  const manifest = project('^5.0.0', '"zod": "3.25.0"')['package.json'];
  assert.deepEqual(JSON.parse(applyEdits(manifest, noProvider.fix.editFiles[0].edits)).dependencies, { ...JSON.parse(manifest).dependencies, '@ai-sdk/openai': '^2.0.0' });
  assert.match(noProvider.fix.changes ?? '', /Vercel AI Gateway .*; the project does not list @ai-sdk\/openai/);
  const six = plan(program("'openai/gpt-5'"), project('^6.0.0', '"zod": "3.25.0"'));
  assert.equal(six.ok && JSON.parse(applyEdits(project('^6.0.0', '"zod": "3.25.0"')['package.json'], six.fix.editFiles[0].edits)).dependencies['@ai-sdk/openai'], '^3.0.0');
  // An `ai` major Batchwise knows no provider release for keeps the reason.
  const later = plan(program("'openai/gpt-5'"), project('^9.0.0', '"zod": "3.25.0"'));
  assert.equal(
    !later.ok && later.reason,
    'the batch needs the model made by @ai-sdk/openai in place of the gateway id, and the project does not list @ai-sdk/openai (no package.json, lockfile or node_modules names it): add it (npm install @ai-sdk/openai) to get a fix; Batchwise does not know which @ai-sdk/openai release fits ai 9.0.0',
  );
  const held = plan(program('MODEL').replace('const QUESTION', "const MODEL = 'openai/gpt-5';\nconst QUESTION"), project('^5.0.0'));
  assert.equal(!held.ok && held.reason, "the model \"openai/gpt-5\" is a gateway id held in a name; the rewrite puts the provider's own model in its place, so write the id in the call (model: 'openai/gpt-5') to get a fix");
});

test('a zod schema built in the call (z.object({ … }), z.string().describe(…)) builds nothing the loop sees, so the request may hold it; parsing with one runs its refinements and is refused', () => {
  const program = (schema: string) =>
    `import { generateObject } from 'ai';\nimport { openai } from '@ai-sdk/openai';\nimport { z } from 'zod';\n\nexport async function questions(topics: string[]) {\n  for (const topic of topics) {\n    const { object } = await generateObject({ model: openai('gpt-4o-mini'), prompt: topic, schema: ${schema} });\n    console.log(object);\n  }\n}\n`;
  const fixed = fixAll('zod-inline', program("z.object({ question: z.string().describe('The question'), tags: z.array(z.string()).min(1) })"));
  assert.equal(fixed.fixes, 1, fixed.refusals.join('\n'));
  assert.match(fixed.after, /\(\) => generateObject\(\{ model: openai\('gpt-4o-mini'\), prompt: topic, schema: z\.object\(\{ question: z\.string\(\)\.describe\('The question'\), tags: z\.array\(z\.string\(\)\)\.min\(1\) \}\) \}\)/);
  const parsed = fixAll('zod-parse', program('z.object({ q: z.string() }).parse({ q: topic })'));
  assert.equal(parsed.fixes, 0);
  assert.match(parsed.refusals[0] ?? '', /^the request calls `z\.object\(\{ q: z\.string\(\) \}\)\.parse\(\{ q: topic \}\)`, which Batchwise cannot show is free of side effects/);
});
