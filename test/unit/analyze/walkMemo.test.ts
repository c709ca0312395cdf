// How the walk to a call's entry points keeps its cost down on busy call graphs, without changing what
// it finds: results the depth limit cut short are kept for the depth they were found at, so a lattice of
// callers deeper than the limit is walked once per function, not once per path; and a walk stops at the
// first path on which a person waits (nothing else can make the call batchable), leaving the rest of the
// callers unparsed, but only where no rule may still change that path (a queue's producer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { CALL_CHAIN, NO_ENTRY_POINT } from '../../../src/core/classify/rules/reach';
import { MAX_STEPS } from '../../../src/core/classify/walker';

interface Seen {
  verdict: string;
  rules: string[];
  messages: string[];
  parsed: Set<string>;
}

/** The one finding of an analysis of `texts`, and the files it parsed. */
function analyse(texts: Record<string, string>): Seen {
  const parsed = new Set<string>();
  const analyzer = new Analyzer({ files: Object.keys(texts).sort(), read: (p) => texts[p] }, DEFAULT_OPTIONS, {});
  const project = analyzer.project;
  const get = project.get.bind(project);
  project.get = (file: string) => {
    parsed.add(file);
    return get(file);
  };
  const findings = analyzer.run().findings;
  assert.equal(findings.length, 1, `one finding, not ${findings.length}`);
  const { classification } = findings[0];
  return { verdict: classification.verdict, rules: classification.evidence.map((e) => e.rule), messages: classification.evidence.map((e) => e.message), parsed };
}

const LLM = `import OpenAI from 'openai';\nconst openai = new OpenAI();\nexport async function llm(text: string) {\n  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });\n}\n`;

/**
 * Layers of two functions, each calling both of the layer below: 2^n paths from layer n down to layer 0,
 * and more layers than the walk's depth limit.
 */
function lattice(layers: number): string {
  const lines = [`import { llm } from './llm';`];
  lines.push(`export async function f0a(x: string) { return llm(x); }`, `export async function f0b(x: string) { return llm(x + '!'); }`);
  for (let i = 1; i < layers; i++) {
    for (const side of ['a', 'b']) lines.push(`export async function f${i}${side}(x: string) { await f${i - 1}a(x); return f${i - 1}b(x); }`);
  }
  return lines.join('\n') + '\n';
}

test('a lattice of callers deeper than the depth limit is walked once per function and depth: the script at its middle decides, within the step budget', () => {
  const seen = analyse({
    'package.json': `{"name":"app","scripts":{"nightly":"tsx scripts/nightly.ts"}}`,
    'lib/llm.ts': LLM,
    'lib/lattice.ts': lattice(26),
    // One script reaches the lattice at layer 5 (within the depth limit), one at its top (past it).
    'scripts/nightly.ts': `import { f5a, f25a } from '../lib/lattice';\nconst rows: string[] = JSON.parse(require('fs').readFileSync(0, 'utf8'));\nfor (const row of rows) { await f5a(row); await f25a(row); }\n`,
  });
  // Every path the walk follows past the limit is cut short there, so none of them was kept, and the
  // walk used to follow all 2^16 of them: it stopped at its step budget, and the call came back unknown.
  const budget = NO_ENTRY_POINT.messages.budget(20_000);
  assert.ok(!seen.messages.includes(budget), 'the walk did not run out of steps');
  assert.equal(seen.verdict, 'batchable', seen.messages.join('\n'));
  assert.ok(seen.rules.includes('npm-script'), seen.rules.join(','));
});

/** `n` functions, each calling every other: a cycle through all of them, and n! orders to walk it in. */
function mesh(n: number): string {
  const lines = [`import { llm } from './llm';`];
  for (let i = 0; i < n; i++) {
    const calls = [];
    for (let j = 0; j < n; j++) if (j !== i) calls.push(`await g${j}(x.slice(1));`);
    lines.push(`export async function g${i}(x: string): Promise<void> { if (x.length === 0) return; ${i === 0 ? 'await llm(x); ' : ''}${calls.join(' ')} }`);
  }
  return lines.join('\n') + '\n';
}

function meshProject(n: number): Record<string, string> {
  return {
    'package.json': `{"name":"app","scripts":{"nightly":"tsx scripts/nightly.ts"}}`,
    'lib/llm.ts': LLM,
    'lib/mesh.ts': mesh(n),
    'scripts/nightly.ts': `import { g${n - 1} } from '../lib/mesh';\nconst rows: string[] = JSON.parse(require('fs').readFileSync(0, 'utf8'));\nfor (const row of rows) await g${n - 1}(row);\n`,
  };
}

test('functions that all call one another are walked within the step budget: a result a cycle cut short is kept while the functions it lacks are still on the walk\'s stack', () => {
  // Seven used to be enough to run out of steps: every result inside the cycle lacked a function further
  // out, so none was kept, and each was walked again for every order of the others.
  const seen = analyse(meshProject(7));
  assert.equal(seen.verdict, 'batchable', seen.messages.join('\n'));
  assert.ok(!seen.messages.some((m) => m.includes('stopped following callers after')), seen.messages.join('\n'));
});

test('a walk that runs out of steps is tried once more with four times as many before the call is left unknown', () => {
  // Twelve take more than MAX_STEPS and fewer than four times as many.
  const seen = analyse(meshProject(12));
  assert.equal(seen.verdict, 'batchable', seen.messages.join('\n'));
  // Twenty take more than both: the second try's budget is the one the evidence names.
  const over = analyse(meshProject(20));
  assert.equal(over.verdict, 'unknown');
  assert.ok(over.messages.some((m) => m.includes(NO_ENTRY_POINT.messages.budget(4 * MAX_STEPS))), over.messages.join('\n'));
});

/** A module calling `answer` and nothing else, for the callers a settled walk leaves alone. */
const caller = (i: number) => `import { answer } from './answer';\nexport async function use${i}(q: string) { return answer(q + ${i}); }\n`;

test('a walk stops at the first path on which a person waits, says so, and leaves the other callers unparsed', () => {
  const texts: Record<string, string> = {
    'app/api/chat/route.ts': `import { answer } from '../../../lib/answer';\nexport async function POST(req: Request) {\n  const { q } = await req.json();\n  return Response.json(await answer(q));\n}\n`,
    'lib/llm.ts': LLM,
    'lib/answer.ts': `import { llm } from './llm';\nexport async function answer(q: string) { return llm(q); }\n`,
  };
  for (let i = 0; i < 6; i++) texts[`lib/caller${i}.ts`] = caller(i);
  const seen = analyse(texts);
  assert.equal(seen.verdict, 'user-waiting');
  assert.ok(seen.rules.includes('nextjs-route-handler'), seen.rules.join(','));
  assert.ok(seen.messages.includes(CALL_CHAIN.messages.settled()), seen.messages.join('\n'));
  const unparsed = Object.keys(texts).filter((f) => f.startsWith('lib/caller') && !seen.parsed.has(f));
  assert.ok(unparsed.length >= 5, `callers left unparsed: ${unparsed.join(', ')}`);

  // Without the route, nothing settles the walk: every caller is parsed and followed.
  delete texts['app/api/chat/route.ts'];
  const open = analyse(texts);
  assert.notEqual(open.verdict, 'user-waiting');
  assert.ok(!open.messages.includes(CALL_CHAIN.messages.settled()));
  for (let i = 0; i < 6; i++) assert.ok(open.parsed.has(`lib/caller${i}.ts`), `lib/caller${i}.ts was parsed`);
});

test('a walk that ends where a person waits says nothing about stopping when nothing was left to follow', () => {
  const seen = analyse({
    'app/api/chat/route.ts': `import { llm } from '../../../lib/llm';\nexport async function POST(req: Request) {\n  const { q } = await req.json();\n  return Response.json(await llm(q));\n}\n`,
    'lib/llm.ts': LLM,
  });
  assert.equal(seen.verdict, 'user-waiting');
  assert.ok(!seen.messages.includes(CALL_CHAIN.messages.settled()), seen.messages.join('\n'));
});

test('a route that starts a queue job and answers without waiting does not settle the worker\'s walk: the queue decides', () => {
  const texts: Record<string, string> = {
    'package.json': `{"name":"app","dependencies":{"bullmq":"5.0.0","openai":"5.0.0"}}`,
    'app/api/enrich/route.ts': `import { queue } from '../../../lib/queue';\nexport async function POST(req: Request) {\n  const { id } = await req.json();\n  await queue.add('enrich', { id });\n  return Response.json({ ok: true });\n}\n`,
    'lib/queue.ts': `import { Queue } from 'bullmq';\nexport const queue = new Queue('enrich');\n`,
    'lib/llm.ts': LLM,
    'worker.ts': `import { Worker } from 'bullmq';\nimport { llm } from './lib/llm';\nnew Worker('enrich', async (job) => { await llm(String(job.data.id)); });\n`,
  };
  const seen = analyse(texts);
  // The route's path (a person waits for the route) reaches the worker's call only through the queue,
  // and the queue rule turns it into a job nobody waits for.
  assert.notEqual(seen.verdict, 'user-waiting', seen.messages.join('\n'));
  assert.ok(!seen.messages.includes(CALL_CHAIN.messages.settled()));
  assert.ok(seen.rules.includes('queue-worker'), seen.rules.join(','));
});

test('a person who waits inside a rule\'s walk (the producer of a job) does not stop the walk: a caller after it where a person waits is still followed', () => {
  const seen = analyse({
    'package.json': `{"name":"app","dependencies":{"bullmq":"5.0.0","openai":"5.0.0"}}`,
    // Walked first (its name sorts first): the worker, whose queue rule walks to the route that enqueues.
    'app/a-worker.ts': `import { Worker } from 'bullmq';\nimport { llm } from '../lib/llm';\nnew Worker('enrich', async (job) => { await llm(String(job.data.id)); });\n`,
    'app/api/enrich/route.ts': `import { queue } from '../../../lib/queue';\nexport async function POST(req: Request) {\n  const { id } = await req.json();\n  await queue.add('enrich', { id });\n  return Response.json({ ok: true });\n}\n`,
    'app/api/now/route.ts': `import { llm } from '../../../lib/llm';\nexport async function POST(req: Request) {\n  const { q } = await req.json();\n  return Response.json(await llm(q));\n}\n`,
    'lib/queue.ts': `import { Queue } from 'bullmq';\nexport const queue = new Queue('enrich');\n`,
    'lib/llm.ts': LLM,
  });
  assert.equal(seen.verdict, 'user-waiting', seen.messages.join('\n'));
  assert.ok(seen.rules.includes('nextjs-route-handler'), seen.rules.join(','));
  // The route the person waits on, and the job's path, both followed.
  assert.ok(seen.messages.some((m) => m.startsWith('a person waits: app/api/now/route.ts')), seen.messages.join('\n'));
  assert.ok(seen.messages.some((m) => m.includes("the 'enrich' worker at app/a-worker.ts:3 is enqueued")), seen.messages.join('\n'));
});

test('the evidence counts the paths it leaves out up to a point, and past it says "over" instead of a number nobody can use', () => {
  assert.equal(CALL_CHAIN.messages.more(1), 'and 1 more path from entry points like these reach the call (left out of this list)');
  assert.equal(CALL_CHAIN.messages.more(255_347), 'and over 100,000 more paths from entry points like these reach the call (left out of this list)');
  assert.match(CALL_CHAIN.messages.more(315_169_220_841), /^and over 100,000 more paths/);
  assert.match(CALL_CHAIN.messages.more(100_000), /^and 100000 more paths/);
});
