// A function handed to a helper of the project's own, which hands it on to the call that runs it (a
// schedule, a route, a job definition): it runs where that call runs it. Only a helper whose every use of
// the parameter is such a hand-on to a call a rule knows is followed; a helper that hands it to code
// Batchwise does not know runs it for each of its callers, so the walk stays on this caller's side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

interface Seen {
  file: string;
  verdict: string;
  rules: string[];
  messages: string[];
}

function analyse(texts: Record<string, string>): Seen[] {
  const analyzer = new Analyzer({ files: Object.keys(texts).sort(), read: (p) => texts[p] }, DEFAULT_OPTIONS, {});
  return analyzer.run().findings.map((f) => ({
    file: f.site.file,
    verdict: f.classification.verdict,
    rules: f.classification.evidence.map((e) => e.rule),
    messages: f.classification.evidence.map((e) => e.message),
  }));
}

const CALL = `await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] })`;
const CLIENT = `import OpenAI from 'openai';\nconst openai = new OpenAI();\n`;

test('a job handed to a schedule helper runs on the schedule, and the evidence names the helper and the schedule', () => {
  const [f] = analyse({
    'src/every.ts': `import cron from 'node-cron';\nexport function every(spec: string, job: () => Promise<void>) {\n  cron.schedule(spec, async () => {\n    try { await job(); } catch (e) { console.error(e); }\n  });\n}\n`,
    'src/server.ts': `${CLIENT}import express from 'express';\nimport { every } from './every';\nconst app = express();\nevery('0 3 * * *', async () => {\n  for (const text of await load()) ${CALL};\n});\nasync function load(): Promise<string[]> { return []; }\napp.listen(3000);\n`,
  });
  assert.equal(f.verdict, 'batchable', f.messages.join('\n'));
  assert.ok(f.rules.includes('cron-schedule'), f.rules.join());
  assert.match(f.messages.join('\n'), /handed to `every` \(src\/server\.ts:6\), which hands it to `cron\.schedule\(…\)` at src\/every\.ts:3/);
});

test('a handler handed to a route helper is a route a person waits on', () => {
  const [f] = analyse({
    'src/routes.ts': `import express from 'express';\nexport const app = express();\nexport function jsonRoute(path: string, handler: (body: any) => Promise<unknown>) {\n  app.post(path, async (req, res) => { res.json(await handler(req.body)); });\n}\n`,
    'src/main.ts': `${CLIENT}import { app, jsonRoute } from './routes';\njsonRoute('/ask', async (body) => {\n  const text = body.q;\n  return ${CALL};\n});\napp.listen(3000);\n`,
  });
  assert.equal(f.verdict, 'user-waiting');
  assert.ok(f.rules.includes('http-route-handler'), f.rules.join());
});

test("a helper that hands the function to code Batchwise does not know keeps this caller's path: another caller's route does not reach it", () => {
  const texts = {
    'src/trace.ts': `import { withSpan } from '@acme/tracing';\nexport async function traced<T>(name: string, fn: () => Promise<T>): Promise<T> {\n  return withSpan(name, fn);\n}\n`,
    'src/api.ts': `import express from 'express';\nimport { traced } from './trace';\nconst app = express();\napp.get('/t', async (req, res) => { res.json(await traced('t', async () => 1)); });\napp.listen(3000);\n`,
    'scripts/backfill.ts': `${CLIENT}import { traced } from '../src/trace';\nawait traced('backfill', async () => {\n  for (const text of ['a', 'b']) ${CALL};\n});\n`,
  };
  const [f] = analyse(texts);
  assert.equal(f.file, 'scripts/backfill.ts');
  assert.equal(f.verdict, 'batchable', f.messages.join('\n'));
  assert.ok(!f.rules.includes('http-route-handler'), f.rules.join());
});

test('a helper that also calls the function itself is not followed: the function runs for every caller of the helper', () => {
  const [f] = analyse({
    'src/both.ts': `import cron from 'node-cron';\nexport async function nowAndNightly(job: () => Promise<void>) {\n  await job();\n  cron.schedule('0 3 * * *', () => job());\n}\n`,
    'src/main.ts': `${CLIENT}import express from 'express';\nimport { nowAndNightly } from './both';\nconst app = express();\napp.post('/x', async (req, res) => {\n  await nowAndNightly(async () => { const text = req.body.t; ${CALL}; });\n  res.end();\n});\napp.listen(3000);\n`,
  });
  assert.equal(f.verdict, 'user-waiting', f.messages.join('\n'));
  assert.ok(!f.messages.some((m) => m.includes('hands it to')), f.messages.join('\n'));
});

test("a queue worker made by a helper that takes the queue's name says the name is unread, instead of passing for the helper's caller", () => {
  const [f] = analyse({
    'src/workers.ts': `import { Worker } from 'bullmq';\nexport function startWorker(name: string, processor: (job: any) => Promise<unknown>) {\n  return new Worker(name, processor, { connection: {} });\n}\n`,
    'src/main.ts': `${CLIENT}import { startWorker } from './workers';\nstartWorker('tags', async (job) => { const text = job.data.text; return ${CALL}; });\n`,
  });
  assert.equal(f.verdict, 'unknown');
  assert.ok(f.rules.includes('queue-worker'), f.rules.join());
  assert.match(f.messages.join('\n'), /queue named by `name`, which Batchwise cannot read/);
});
