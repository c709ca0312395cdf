// The rewrites for Mistral calls (`client.chat.complete` and `client.embeddings.create` of
// @mistralai/mistralai): each fixture's rewrite matches its expected file, re-parses, leaves no
// finding, type-checks with --strict against the installed @mistralai/mistralai with the helper it
// adds, and prints what the original prints against the fake Mistral API — every request answered, and
// with one rejected. Refusals: the 0.x SDK, streaming, chat.parse, SDK releases without batch jobs.
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
import { FakeMistral, startFakeMistral } from '../../fake-provider/mistral';

const root = join(FIXTURES, 'rewrite-mistral');
const WORK = join(REPO_ROOT, 'test-output', 'rewrite-mistral');
const cases = readdirSync(root).sort();

function findings(file: string, text: string): Finding[] {
  return new Analyzer({ files: [file], read: (p: string) => (p === file ? text : undefined) }, DEFAULT_OPTIONS).run().findings;
}

interface Rewritten {
  name: string;
  before: string;
  after: string;
  /** The files the fix creates: the Mistral helper, and the queue module for the batch queue. */
  helpers: { path: string; content: string }[];
}
const rewritten: Rewritten[] = [];

for (const name of cases) {
  // A `queue-` fixture is a call made once per run of a handler: the batch queue, never marked safe; a
  // `single-` one a call made once per run of a program: a batch of one, never marked safe either.
  const queue = name.startsWith('queue-');
  const single = name.startsWith('single-');
  const strategy = queue ? 'batch-queue' : single ? 'single-batch' : 'loop-hoist';
  test(`${name}: the ${strategy} to the Mistral Batch API gives the expected file and the Mistral helper`, () => {
    const before = readFileSync(join(root, name, 'main.ts'), 'utf8');
    const [finding] = findings('main.ts', before);
    assert.ok(finding, 'the fixture has a Mistral call');
    assert.equal(finding.site.provider, 'mistral');
    const plan = planFix({ file: 'main.ts', text: before, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', runsOnce: runsOnce(finding.classification) });
    assert.ok(plan.ok, plan.ok ? '' : plan.reason);
    assert.equal(plan.fix.strategy, strategy);
    assert.equal(plan.fix.safe, strategy === 'loop-hoist');
    assert.equal(plan.fix.title, queue ? 'Gather calls into the Mistral Batch API (batch queue)' : single ? 'Send this call through the Mistral Batch API (batch of one)' : 'Move to the Mistral Batch API (loop hoist)');
    assert.deepEqual(plan.fix.createFiles.map((f) => f.path), ['batchwise/mistralBatch.ts', ...(queue ? ['batchwise/batchQueue.ts'] : [])]);
    const afterText = applyEdits(before, plan.fix.edits);
    assert.equal(afterText, readFileSync(join(root, name, 'expected.ts'), 'utf8'));
    assert.ok(parseSource('main.ts', afterText).ok, 'the rewrite re-parses');
    assert.deepEqual(findings('main.ts', afterText).map((f) => f.site.api), [], 'no call is left to batch');
    rewritten.push({ name, before, after: afterText, helpers: plan.fix.createFiles });
  });
}

/** Writes a program (its main and the helpers) into a folder of the repository, where @mistralai/mistralai resolves. */
function stage(c: Rewritten, variant: 'before' | 'after'): string {
  const dir = join(WORK, c.name, variant);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'batchwise'), { recursive: true });
  writeFileSync(join(dir, 'main.ts'), variant === 'before' ? c.before : c.after);
  for (const helper of c.helpers) writeFileSync(join(dir, helper.path), helper.content);
  return dir;
}

test('every rewritten program type-checks with --strict against @mistralai/mistralai, with the helpers it adds', () => {
  assert.equal(rewritten.length, cases.length);
  const mains = rewritten.map((c) => join(stage(c, 'after'), 'main.ts'));
  // As a CommonJS project with moduleResolution node compiles them (the SDK, an ES module, is loaded with require() from Node 20.19).
  assert.deepEqual(rewrittenTypeErrors(mains), []);
});

// ---- equivalence against the fake Mistral API

const runProgram = (dir: string, url: string) => runRewritten(dir, { MISTRAL_BASE_URL: url, MISTRAL_API_KEY: 'test-key' });

let fake: FakeMistral;
let rejecting: FakeMistral;
before(async () => {
  fake = await startFakeMistral();
  rejecting = await startFakeMistral({ rejectText: 'risks' });
});
after(async () => {
  await fake.close();
  await rejecting.close();
});

test('each rewritten program prints what the original prints: against the sync endpoints vs one batch job, every request answered', async () => {
  for (const c of rewritten) {
    const original = await runProgram(stage(c, 'before'), fake.url);
    const batched = await runProgram(stage(c, 'after'), fake.url);
    assert.equal(original.code, 0, original.stderr);
    assert.equal(batched.code, 0, batched.stderr);
    assert.match(original.stdout, /\[mistral-small-latest\]|tokens\)/);
    assert.equal(batched.stdout, original.stdout, c.name);
  }
  assert.ok(fake.stats.chatCompletions + fake.stats.embeddings >= 9 && fake.stats.jobsCreated === rewritten.length, JSON.stringify(fake.stats));
});

test('with one request rejected (400), the rewritten program still prints what the original prints', async () => {
  for (const c of rewritten) {
    const original = await runProgram(stage(c, 'before'), rejecting.url);
    const batched = await runProgram(stage(c, 'after'), rejecting.url);
    assert.match(original.stdout, /failed:.*risks/s, `${c.name}: the fixture shows the failure`);
    assert.equal(batched.code, original.code, batched.stderr);
    assert.equal(batched.stdout, original.stdout, c.name);
  }
});

// ---- refusals, each with its reason

function refusal(text: string, read?: (path: string) => string | undefined): string {
  const [finding] = findings('main.ts', text);
  assert.ok(finding, 'the case has a Mistral call');
  const plan = planFix({ file: 'main.ts', text, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', ...(read ? { readExisting: read } : {}) });
  assert.ok(!plan.ok, 'refused');
  return plan.reason;
}

const loop = (call: string, head = "import { Mistral } from '@mistralai/mistralai';\nconst client = new Mistral({ apiKey: 'k' });") =>
  `${head}\nexport async function run(docs: string[]) {\n  for (const doc of docs) {\n    const r = await ${call};\n    console.log(r);\n  }\n}\n`;
const complete = 'client.chat.complete({ model: "mistral-small-latest", messages: [{ role: "user", content: doc }] })';

test('a call of the 0.x SDK (MistralClient, client.chat) is refused, naming the release that brought batch jobs', () => {
  const text = loop('client.chat({ model: "mistral-small-latest", messages: [{ role: "user", content: doc }] })', "import MistralClient from '@mistralai/mistralai';\nconst client = new MistralClient('k');");
  assert.match(refusal(text), /0\.x `@mistralai\/mistralai` SDK .*no batch API; batch jobs came in 1\.3\.0/);
});

test('streaming (chat.stream, or stream: true) and chat.parse are refused with their reasons', () => {
  assert.match(refusal(loop(complete.replace('complete', 'stream'))), /stream/);
  assert.match(refusal(loop(complete.replace('messages', 'stream: true, messages'))), /stream/);
  assert.match(refusal(loop(complete.replace('complete', 'parse'))), /`chat\.parse` parses its answer.*call `chat\.complete`/);
});

test('a call with request options (a second argument) is refused: only the request goes into a batch', () => {
  assert.match(refusal(loop(complete.replace('] })', '] }, { timeoutMs: 300_000 })'))), /request options/);
});

test('a project on an @mistralai/mistralai release without batch jobs, or below the helper\'s floor, is told which release it needs', () => {
  const text = loop(complete);
  const project = (version: string) => (path: string) => (path === 'node_modules/@mistralai/mistralai/package.json' ? JSON.stringify({ name: '@mistralai/mistralai', version }) : undefined);
  assert.match(refusal(text, project('1.1.0')), /@mistralai\/mistralai 1\.1\.0 .*no batch support: the Batch API \(client\.batch\.jobs\) came in 1\.3\.0.*upgrade @mistralai\/mistralai to 1\.10\.0 or later/);
  assert.match(refusal(text, project('1.7.5')), /@mistralai\/mistralai 1\.7\.5 .*exports HTTPClient.*1\.10\.0; upgrade @mistralai\/mistralai to 1\.10\.0 or later/);
});
