// A BullMQ worker (or producer) whose queue name is a conditional (`dev ? 'digest-dev' : 'digest'`) works either queue:
// the producers of both are its paths. Reading only the first branch tied it to the development
// queue's nightly producer and called a call batchable that a route waits on through the other queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

function analyse(texts: Record<string, string>) {
  const analyzer = new Analyzer({ files: Object.keys(texts).sort(), read: (p) => texts[p] }, DEFAULT_OPTIONS, {});
  return analyzer.run().findings.map((f) => ({ verdict: f.classification.verdict, messages: f.classification.evidence.map((e) => e.message).join('\n') }));
}

const worker = (name: string) =>
  `import { Worker } from 'bullmq';\nimport OpenAI from 'openai';\nconst openai = new OpenAI();\nconst name = ${name};\n` +
  `new Worker(name, async (job) => {\n  const text = job.data.text;\n  return await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });\n}, { connection: {} });\n`;
const NIGHTLY = `import { Queue } from 'bullmq';\nimport cron from 'node-cron';\nconst queue = new Queue('digest-dev');\ncron.schedule('0 3 * * *', async () => {\n  await queue.add('digest', { text: 'all of today' });\n});\n`;
const ROUTE = `import { Queue, QueueEvents } from 'bullmq';\nimport express from 'express';\nconst queue = new Queue('digest');\nconst events = new QueueEvents('digest');\nconst app = express();\napp.post('/digest', async (req, res) => {\n  const job = await queue.add('digest', { text: req.body.text });\n  res.json(await job.waitUntilFinished(events));\n});\napp.listen(3000);\n`;

test('a worker whose queue name is either of two strings is judged by the producers of both', () => {
  const [f] = analyse({ 'src/worker.ts': worker(`process.env.STAGE === 'dev' ? 'digest-dev' : 'digest'`), 'scripts/nightly.ts': NIGHTLY, 'src/api.ts': ROUTE });
  assert.equal(f.verdict, 'user-waiting', f.messages);
  assert.match(f.messages, /src\/api\.ts/);
});

test('with one name, only that queue’s producers count', () => {
  const [f] = analyse({ 'src/worker.ts': worker(`'digest-dev'`), 'scripts/nightly.ts': NIGHTLY, 'src/api.ts': ROUTE });
  assert.equal(f.verdict, 'batchable', f.messages);
});

test('a producer whose queue name is either of two strings adds to both queues', () => {
  const route = ROUTE.replace("new Queue('digest')", "new Queue(process.env.STAGE === 'dev' ? 'digest-dev' : 'digest')");
  const [f] = analyse({ 'src/worker.ts': worker(`'digest'`), 'src/api.ts': route });
  assert.equal(f.verdict, 'user-waiting', f.messages);
  assert.match(f.messages, /src\/api\.ts/);
});
