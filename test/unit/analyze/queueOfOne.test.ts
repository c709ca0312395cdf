// A batch queue gathers the requests of callers that run at the same time. A call that every path
// reaches once per run of a program or a schedule has no such company: its one request goes as a batch
// of one where it stands (single-batch, never marked safe: the run waits for it), the same in the CLI,
// the editor and the report. Only there: a timer that repeats the call, a fan-out, a function called at
// two places of one run, or a worker keeps what it had.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { WorkspaceSession } from '../../../src/workspace/session';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const ASK = `import OpenAI from 'openai';
const openai = new OpenAI();
async function ask(t: string) {
  const r = await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: t }] });
  return r.choices[0].message.content;
}
`;

/** The one finding of `main.ts`, run by an npm script, with `body` as its main function's body. */
function finding(body: string, after = 'main();\n') {
  const dir = mkdtempSync(join(tmpdir(), 'bw-once-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'once', scripts: { run: 'tsx main.ts' }, dependencies: { openai: '^5.0.0' } }));
  writeFileSync(join(dir, 'main.ts'), `${ASK}async function main() {\n${body}\n}\n${after}`);
  const found = new WorkspaceSession(dir, DEFAULT_OPTIONS).analyzeAll().findings;
  assert.equal(found.length, 1);
  return found[0];
}

test('a script that makes its call once per run gets a batch of one, never marked safe, saying the run waits for it', () => {
  const f = finding("  console.log(await ask('Write the weekly note.'));");
  assert.equal(f.classification.verdict, 'batchable');
  assert.match(f.classification.oncePerRun!, /npm script `run`/);
  assert.equal(f.fixRefusal, null);
  assert.equal(f.fix?.strategy, 'single-batch');
  assert.equal(f.fix?.safe, false);
  assert.match(f.fix!.changes!, /^the call is made once per run \(run by the npm script `run` \(`tsx main\.ts`\)\): its one request now goes as a batch of one, at half the price, and the run waits for that batch/);
});

test('a function main calls at two places is made twice per run: the batch queue gathers both', () => {
  const concurrent = finding("  console.log(await Promise.all([ask('Write the weekly note.'), ask('Write the monthly note.')]));");
  assert.equal(concurrent.classification.oncePerRun, undefined);
  assert.equal(concurrent.fix?.strategy, 'batch-queue');
  // Through a second function: two ways from one entry.
  const twoWays = finding("  console.log(await Promise.all([ask('a'), again()]));", "async function again() { return ask('b'); }\nmain();\n");
  assert.equal(twoWays.classification.oncePerRun, undefined);
  assert.equal(twoWays.fix?.strategy, 'batch-queue');
});

test('a timer that repeats the call keeps the batch queue: setInterval is not once per run', () => {
  const f = finding("  setInterval(async () => { console.log(await ask('tick')); }, 60_000);");
  assert.equal(f.classification.verdict, 'batchable');
  assert.equal(f.classification.oncePerRun, undefined);
  assert.equal(f.fix?.strategy, 'batch-queue');
});

test('a fan-out over items is no call made once per run: it keeps its loop hoist', () => {
  const f = finding("  const topics = ['a', 'b', 'c'];\n  await Promise.all(topics.map((t) => ask(t)));");
  assert.equal(f.classification.oncePerRun, undefined);
  assert.equal(f.fix?.strategy, 'loop-hoist');
});

test('a task handed to code Batchwise does not know may run once per row: it keeps the batch queue', () => {
  // As an experiment runner is given its task (`client.experiment.run(task, { datasetSlug })`).
  const f = finding(
    "  const task = async (q: string) => ask(q);\n  await (globalThis as any).experiments.run(task, { dataset: 'questions' });",
  );
  assert.equal(f.classification.verdict, 'batchable');
  assert.equal(f.classification.oncePerRun, undefined);
  assert.equal(f.fix?.strategy, 'batch-queue');
});
