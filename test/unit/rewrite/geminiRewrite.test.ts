// The loop hoist for Gemini calls (`ai.models.generateContent` of @google/genai): each fixture's
// rewrite matches its hand-written expected file, re-parses, leaves no finding, type-checks with
// --strict against the installed @google/genai with the helper it adds, and prints what the original
// prints against the fake Gemini API — every request answered, and with one rejected. Refusals:
// the legacy SDK, Vertex AI clients, embeddings, SDK releases without batch mode.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer, runsOnce } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS, Finding } from '../../../src/core/model';
import { parseSource } from '../../../src/core/parse/parse';
import { applyEdits, planFix } from '../../../src/core/rewrite';
import { rewrittenTypeErrors, runRewritten } from '../../support/runProgram';
import { FIXTURES, REPO_ROOT } from '../helpers';
import { FakeGemini, startFakeGemini } from '../../fake-provider/gemini';

const root = join(FIXTURES, 'rewrite-gemini');
const WORK = join(REPO_ROOT, 'test-output', 'rewrite-gemini');
const cases = readdirSync(root).sort();

function findings(file: string, text: string): Finding[] {
  return new Analyzer({ files: [file], read: (p: string) => (p === file ? text : undefined) }, DEFAULT_OPTIONS).run().findings;
}

function mainFile(name: string): string {
  return readdirSync(join(root, name)).find((f) => /^main\.[cm]?[jt]s$/.test(f))!;
}

interface Rewritten {
  name: string;
  main: string;
  before: string;
  after: string;
  /** The files the fix creates: the Gemini helper, and the queue module for the batch queue. */
  helpers: { path: string; content: string }[];
}
const rewritten: Rewritten[] = [];

for (const name of cases) {
  // A `queue-` fixture is a call made once per run of a handler: the batch queue, never marked safe; a
  // `single-` one a call made once per run of a program: a batch of one, never marked safe either.
  const queue = name.startsWith('queue-');
  const single = name.startsWith('single-');
  const strategy = queue ? 'batch-queue' : single ? 'single-batch' : 'loop-hoist';
  test(`${name}: the ${strategy} to Gemini batch mode gives the expected file and the Gemini helper`, () => {
    const main = mainFile(name);
    const before = readFileSync(join(root, name, main), 'utf8');
    const [finding] = findings(main, before);
    assert.ok(finding, 'the fixture has a Gemini call');
    assert.equal(finding.site.provider, 'google');
    const helperPath = main.endsWith('.ts') ? 'batchwise/openaiBatch.ts' : 'batchwise/openaiBatch.js';
    const plan = planFix({ file: main, text: before, site: finding.site, helperPath, runsOnce: runsOnce(finding.classification) });
    assert.ok(plan.ok, plan.ok ? '' : plan.reason);
    assert.equal(plan.fix.strategy, strategy);
    assert.equal(plan.fix.safe, strategy === 'loop-hoist');
    assert.equal(plan.fix.title, queue ? 'Gather calls into Gemini batch mode (batch queue)' : single ? 'Send this call through Gemini batch mode (batch of one)' : 'Move to Gemini batch mode (loop hoist)');
    const created = [helperPath.replace('openaiBatch', 'geminiBatch'), ...(queue ? [helperPath.replace('openaiBatch', 'batchQueue')] : [])];
    assert.deepEqual(plan.fix.createFiles.map((f) => f.path), created);
    const afterText = applyEdits(before, plan.fix.edits);
    assert.equal(afterText, readFileSync(join(root, name, main.replace('main', 'expected')), 'utf8'));
    assert.ok(parseSource(main, afterText).ok, 'the rewrite re-parses');
    assert.deepEqual(findings(main, afterText).map((f) => f.site.api), [], 'no call is left to batch');
    rewritten.push({ name, main, before, after: afterText, helpers: plan.fix.createFiles });
  });
}

/** Writes a program (its main and the helper) into a folder of the repository, where @google/genai resolves. */
function stage(c: Rewritten, variant: 'before' | 'after'): string {
  const dir = join(WORK, c.name, variant);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'batchwise'), { recursive: true });
  writeFileSync(join(dir, c.main), variant === 'before' ? c.before : c.after);
  for (const helper of c.helpers) writeFileSync(join(dir, helper.path), helper.content);
  return dir;
}

test('every rewritten program type-checks with --strict against @google/genai, with the helper it adds', () => {
  assert.equal(rewritten.length, cases.length);
  const mains = rewritten.filter((c) => c.main.endsWith('.ts')).map((c) => join(stage(c, 'after'), c.main));
  assert.deepEqual(rewrittenTypeErrors(mains), []);
});

// ---- equivalence against the fake Gemini API

const runProgram = (dir: string, url: string) => runRewritten(dir, { GEMINI_BASE_URL: url, GEMINI_API_KEY: 'test-key' });

let fake: FakeGemini;
let rejecting: FakeGemini;
before(async () => {
  fake = await startFakeGemini();
  rejecting = await startFakeGemini({ rejectText: 'risks' });
});
after(async () => {
  await fake.close();
  await rejecting.close();
});

test('each rewritten program prints what the original prints: against the sync endpoint vs one batch, every request answered', async () => {
  for (const c of rewritten) {
    const original = await runProgram(stage(c, 'before'), fake.url);
    const batched = await runProgram(stage(c, 'after'), fake.url);
    assert.equal(original.code, 0, original.stderr);
    assert.equal(batched.code, 0, batched.stderr);
    assert.match(original.stdout, /\[gemini-2\.5-flash\]/);
    assert.equal(batched.stdout, original.stdout, c.name);
  }
  assert.ok(fake.stats.generateContent >= 6 && fake.stats.batchesCreated === rewritten.length, JSON.stringify(fake.stats));
});

test('with one request rejected (400 INVALID_ARGUMENT), the rewritten program still prints what the original prints', async () => {
  for (const c of rewritten) {
    const original = await runProgram(stage(c, 'before'), rejecting.url);
    const batched = await runProgram(stage(c, 'after'), rejecting.url);
    assert.match(original.stdout, /failed:.*risks/, `${c.name}: the fixture shows the failure`);
    assert.equal(batched.code, original.code, batched.stderr);
    assert.equal(batched.stdout, original.stdout, c.name);
  }
});

// ---- refusals, each with its reason

function refusal(text: string, read?: (path: string) => string | undefined): string {
  const [finding] = findings('main.ts', text);
  assert.ok(finding, 'the case has a Gemini call');
  const plan = planFix({ file: 'main.ts', text, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', ...(read ? { readExisting: read } : {}) });
  assert.ok(!plan.ok, 'refused');
  return plan.reason;
}

const loop = (client: string, call = 'ai.models.generateContent({ model: "gemini-2.5-flash", contents: doc })') =>
  `import { GoogleGenAI } from '@google/genai';\nconst ai = ${client};\nexport async function run(docs: string[]) {\n  for (const doc of docs) {\n    const r = await ${call};\n    console.log(r.text);\n  }\n}\n`;

test('a Vertex AI client is refused: its batches read requests from Cloud Storage or BigQuery, not inline', () => {
  assert.match(refusal(loop("new GoogleGenAI({ vertexai: true, project: 'p', location: 'us-central1' })")), /`vertexai: true`.*Cloud Storage or BigQuery/);
});

test('a call of the legacy @google/generative-ai SDK is refused, naming @google/genai', () => {
  const text = `import { GoogleGenerativeAI } from '@google/generative-ai';\nconst model = new GoogleGenerativeAI('k').getGenerativeModel({ model: 'gemini-2.5-flash' });\nexport async function run(docs: string[]) {\n  for (const doc of docs) {\n    const r = await model.generateContent(doc);\n    console.log(r.response.text());\n  }\n}\n`;
  assert.match(refusal(text), /legacy `@google\/generative-ai` SDK, which has no batch API; batch mode is in its successor `@google\/genai`/);
});

test('batch queue: a Gemini answer a handler uses whole (returned, logged as JSON) is refused; one read field by field is gathered', () => {
  // Found by the differential generator (seed 20251, 56): `return await ai.models.generateContent(…)`
  // printed as JSON lost the sdkHttpResponse the synchronous answer carries.
  const handler = (body: string) =>
    `import { EventEmitter } from 'node:events';\nimport { GoogleGenAI } from '@google/genai';\nconst ai = new GoogleGenAI({ apiKey: 'k' });\nconst events = new EventEmitter();\nevents.on('doc', async (doc: string) => {\n${body}\n});\n`;
  const call = `await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: doc })`;
  assert.match(refusal(handler(`  console.log(JSON.stringify(${call}));`)), /the answer is used whole .*lacks the `sdkHttpResponse`/);
  assert.match(refusal(handler(`  const r = ${call};\n  console.log(JSON.stringify(r));`)), /the answer is used whole \(`JSON\.stringify\(r\)`, line 7\)/);
  const [finding] = findings('main.ts', handler(`  const r = ${call};\n  console.log(r.text);`));
  const plan = planFix({ file: 'main.ts', text: handler(`  const r = ${call};\n  console.log(r.text);`), site: finding!.site, helperPath: 'batchwise/openaiBatch.ts' });
  assert.ok(plan.ok && plan.fix.strategy === 'batch-queue', plan.ok ? plan.fix.strategy : plan.reason);
});

test('loop hoist: a Gemini answer a callback returns whole, or that the loop body uses whole, is refused; one read field by field is batched', () => {
  // Found by the differential sweep (seed 4242, 101): Promise.all(docs.map(async (d) => ai.models.generateContent(…)))
  // printed as JSON lost the sdkHttpResponse the synchronous answers carry.
  const fanOut = (body: string) =>
    `import { GoogleGenAI } from '@google/genai';\nconst ai = new GoogleGenAI({ apiKey: 'k' });\nexport async function run(docs: string[]) {\n  const outs = await Promise.all(docs.map(async (doc) => {\n${body}\n  }));\n  console.log(JSON.stringify(outs));\n}\n`;
  const call = `await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: doc })`;
  assert.match(refusal(fanOut(`    return ${call};`)), /the answer is used whole \(`return await ai\.models\.generateContent.*line 5\).*lacks the `sdkHttpResponse`/);
  assert.match(refusal(loop("new GoogleGenAI({ apiKey: 'k' })").replace('console.log(r.text);', 'console.log(JSON.stringify(r));')), /the answer is used whole \(`JSON\.stringify\(r\)`, line 6\)/);
  const text = fanOut(`    const r = ${call};\n    return r.text;`);
  const [finding] = findings('main.ts', text);
  const plan = planFix({ file: 'main.ts', text, site: finding!.site, helperPath: 'batchwise/openaiBatch.ts' });
  assert.ok(plan.ok && plan.fix.strategy === 'loop-hoist', plan.ok ? plan.fix.strategy : plan.reason);
});

test('code that reads the HTTP response the SDK adds to a synchronous answer is refused: a batch answer has none', () => {
  const text = loop("new GoogleGenAI({ apiKey: 'k' })").replace('console.log(r.text);', 'console.log(r.text, r.sdkHttpResponse?.headers);');
  assert.match(refusal(text), /reads `r\.sdkHttpResponse`.*an answer from a batch has none/);
});

test('embedContent is refused: batch embeddings are experimental in @google/genai', () => {
  assert.match(refusal(loop("new GoogleGenAI({ apiKey: 'k' })", 'ai.models.embedContent({ model: "gemini-embedding-001", contents: doc })')), /createEmbeddings\) are experimental/);
});

test('a project on an @google/genai release without batch mode, or without inline request metadata, is told which release it needs', () => {
  const text = loop("new GoogleGenAI({ apiKey: 'k' })");
  const project = (version: string) => (path: string) => (path === 'node_modules/@google/genai/package.json' ? JSON.stringify({ name: '@google/genai', version }) : undefined);
  assert.match(refusal(text, project('1.5.0')), /@google\/genai 1\.5\.0 .*no batch support: batch mode \(ai\.batches\) came in 1\.7\.0.*upgrade @google\/genai to 1\.39\.0 or later/);
  assert.match(refusal(text, project('1.20.0')), /@google\/genai 1\.20\.0 .*metadata.*1\.39\.0; upgrade @google\/genai to 1\.39\.0 or later/);
});

test('a Gemini answer read in a .then callback: read field by field, it goes as a batch of one; used whole, it is refused', () => {
  const program = (use: string) => `import { GoogleGenAI } from '@google/genai';\nconst ai = new GoogleGenAI({ apiKey: 'k' });\nai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Draft the note' }).then((r) => console.log(${use}));\n`;
  const fields = program('r.text');
  const [finding] = findings('main.ts', fields);
  const plan = planFix({ file: 'main.ts', text: fields, site: finding!.site, helperPath: 'batchwise/openaiBatch.ts' });
  assert.ok(plan.ok && plan.fix.strategy === 'single-batch', plan.ok ? plan.fix.strategy : plan.reason);
  assert.match(applyEdits(fields, plan.fix.edits), /^runGenerateContentBatch\(ai, \[\{ model: 'gemini-2\.5-flash', contents: 'Draft the note' \}\]\)\.then\(\(results\) => results\.get\(0\)\)\.then\(\(r\) => console\.log\(r\.text\)\);$/m);
  assert.match(refusal(program('JSON.stringify(r)')), /the answer is used whole \(`JSON\.stringify\(r\)`, line 3\)/);
});
