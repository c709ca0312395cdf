// The batch of one (strategy 'single-batch'): what it takes, and what it refuses with its reason. Its
// before/after programs are rewrite fixtures (`*single-batch*`, `single-*`), run against the fakes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS, type RunsOnce } from '../../../src/core/model';
import { applyEdits, planFix } from '../../../src/core/rewrite';

function plan(text: string, runsOnce?: RunsOnce, file = 'main.ts') {
  const [finding] = new Analyzer({ files: [file], read: (p) => (p === file ? text : undefined) }, DEFAULT_OPTIONS).run().findings;
  assert.ok(finding, 'the case has a call');
  return planFix({ file, text, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', runsOnce });
}

const CLIENT = "import OpenAI from 'openai';\nconst openai = new OpenAI();\n";
const CALL = "openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Write the note' }] })";
const job = (body: string) => `${CLIENT}export async function run() {\n${body}\n}\n`;

test('a schedule that runs more than once a day gets no batch of one: runs would pile up waiting', () => {
  const p = plan(job(`  const r = await ${CALL};\n  console.log(r.choices[0].message.content);`), { schedule: "the cron schedule '0 * * * *' (one call per run)", callsPerDay: 24 });
  assert.ok(!p.ok);
  assert.match(p.reason, /^no batch of one: the call is made once per run of the cron schedule '0 \* \* \* \*' \(one call per run\), 24\/day, and a batch of its one request may take up to 24 hours, longer than the time between runs/);
  // Once a day, the same call gets it.
  const daily = plan(job(`  const r = await ${CALL};\n  console.log(r.choices[0].message.content);`), { schedule: "the cron schedule '0 6 * * *' (one call per run)", callsPerDay: 1 });
  assert.ok(daily.ok && daily.fix.strategy === 'single-batch' && !daily.fix.safe, daily.ok ? daily.fix.strategy : daily.reason);
  assert.deepEqual(daily.fix.createFiles.map((f) => f.path), ['batchwise/openaiBatch.ts']);
});

test('a call in a callback run per element is refused, though the analysis says once per run', () => {
  const p = plan(job(`  ['a'].some(async () => { const r = await ${CALL}; console.log(r.id); });`), { entry: 'a script' });
  assert.ok(!p.ok);
  assert.match(p.reason, /callback of `\.some\(…\)` \(line 4\), which runs once per element/);
});

test('a CommonJS module\'s top-level call keeps its promise chain; nothing else of the file changes', () => {
  const text = `const OpenAI = require('openai');\nconst openai = new OpenAI();\n${CALL}.then((r) => console.log(r.choices[0].message.content));\n`;
  const p = plan(text, undefined, 'main.js');
  assert.ok(p.ok, p.ok ? '' : p.reason);
  assert.equal(p.fix.strategy, 'single-batch');
  assert.match(p.fix.changes!, /^the call runs once, at the top level of its module: its one request now goes as a batch of one.*and so does whatever loads the module$/);
  const after = applyEdits(text, p.fix.edits);
  assert.equal(
    after,
    "const OpenAI = require('openai');\nconst { runChatCompletionsBatch } = require('./batchwise/openaiBatch');\nconst openai = new OpenAI();\nrunChatCompletionsBatch(openai, [{ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Write the note' }] }]).then((results) => results.get(0)).then((r) => console.log(r.choices[0].message.content));\n",
  );
});

test('an AI SDK call whose whole result is handed on is refused as the queue refuses it', () => {
  const text = "import { generateText } from 'ai';\nimport { openai } from '@ai-sdk/openai';\nasync function main() {\n  return generateText({ model: openai('gpt-4o-mini'), prompt: 'Write the note' });\n}\nmain();\n";
  const p = plan(text, { entry: 'a script' });
  assert.ok(!p.ok);
  assert.match(p.reason, /the function returns the whole result/);
});

test('an AI SDK call with a gateway id gets the provider\'s own model in its place, as the loop hoist makes it, and the package when the project lacks it', () => {
  const text = "import { generateText } from 'ai';\n\nasync function main() {\n  const { text } = await generateText({ model: 'openai/gpt-5', prompt: 'Write the weekly note' });\n  console.log(text);\n}\n\nmain();\n";
  const [finding] = new Analyzer({ files: ['main.ts'], read: (p) => (p === 'main.ts' ? text : undefined) }, DEFAULT_OPTIONS).run().findings;
  const manifest = '{ "dependencies": { "ai": "^5.0.0", "openai": "7.57.0" } }';
  const p = planFix({ file: 'main.ts', text, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', runsOnce: { entry: 'a script' }, readExisting: (f) => (f === 'package.json' ? manifest : undefined) });
  assert.ok(p.ok, p.ok ? '' : p.reason);
  assert.equal(p.fix.strategy, 'single-batch');
  assert.equal(
    applyEdits(text, p.fix.edits),
    "import { generateText } from 'ai';\nimport { openai } from '@ai-sdk/openai';\nimport { runAiSdkBatch } from './batchwise/aiSdkOpenAI';\n\nasync function main() {\n  const { text } = await runAiSdkBatch([() => generateText({ model: openai('gpt-5'), prompt: 'Write the weekly note' })]).then((results) => results.get(0));\n  console.log(text);\n}\n\nmain();\n",
  );
  // Unsafe for three reasons, each said: the wait, the provider in the gateway's place, the package to install.
  assert.match(p.fix.changes!, /^the call is made once per run \(a script\): its one request now goes as a batch of one.*; .*Vercel AI Gateway.*; the project does not list @ai-sdk\/openai/);
  assert.deepEqual(JSON.parse(applyEdits(manifest, p.fix.editFiles[0].edits)).dependencies, { ai: '^5.0.0', openai: '7.57.0', '@ai-sdk/openai': '^2.0.0' });
});
