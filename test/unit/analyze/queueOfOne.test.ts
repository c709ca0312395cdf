// A batch queue gathers the requests of callers that run at the same time. A call that every path
// reaches once per run of a program or a schedule has no such company: the queue would send batches of
// one and the run would wait up to a day for each. The engine refuses it there (so the CLI, the editor
// and the report agree), and only there: a timer that repeats the call, a fan-out or a worker keeps
// what it had.
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

test('a script that makes its call once per run gets no batch queue, and says why', () => {
  const f = finding("  console.log(await ask('Write the weekly note.'));");
  assert.equal(f.classification.verdict, 'batchable');
  assert.equal(f.fix, null);
  assert.match(f.fixRefusal!, /^no batch queue: the call is made once per run \(run by the npm script `run` \(`tsx main\.ts`\), with no loop between that and the call\), so the queue would send its one request as a batch of one/);
  assert.match(f.classification.oncePerRun!, /npm script `run`/);
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
