// Values the walk follows to where a function in them runs: functions kept under a key in objects of
// an array that a loop goes over, and model classes of the workspace that LangChain runs (their
// `_generate` runs where an instance is invoked, streamed or batched).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

/** The one finding of an analysis of `texts` (in `file`, when given). */
function analyse(texts: Record<string, string>, file?: string): { verdict: string; rules: string[]; text: string } {
  const analyzer = new Analyzer({ files: Object.keys(texts).sort(), read: (p) => texts[p] }, DEFAULT_OPTIONS, {});
  const findings = analyzer.run().findings.filter((f) => !file || f.site.file === file);
  assert.equal(findings.length, 1, `one finding, not ${findings.length}`);
  const { classification } = findings[0];
  return { verdict: classification.verdict, rules: classification.evidence.map((e) => e.rule), text: classification.evidence.map((e) => e.message).join('\n') };
}

const CLIENT = `import OpenAI from 'openai';\nconst openai = new OpenAI();\n`;
const CALL = (what: string) => `await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: ${what} }] })`;

test('a function kept under a key in the objects of an array runs where a forEach over the array calls it', () => {
  const f = analyse({
    'scripts/enrich.ts':
      `${CLIENT}import { readFileSync } from 'node:fs';\n` +
      `async function summarize(doc: string) { return ${CALL('doc')}; }\n` +
      `const steps = [{ id: 'summary', fn: summarize }];\n` +
      `const docs: string[] = JSON.parse(readFileSync('docs.json', 'utf8'));\n` +
      `for (const doc of docs) {\n  steps.forEach((s) => s.fn(doc));\n}\n`,
  });
  assert.equal(f.verdict, 'batchable', f.text);
  assert.ok(f.rules.includes('loop-over-collection'), f.rules.join());
});

test('a function under a key the loop never calls is not taken as called: another key of the same objects is', () => {
  const f = analyse({
    'scripts/list.ts':
      `${CLIENT}async function summarize(doc: string) { return ${CALL('doc')}; }\n` +
      `const steps = [{ id: 'summary', fn: summarize, check: () => true }];\n` +
      `for (const step of steps) if (step.check()) console.log(step.id);\n`,
  });
  assert.notEqual(f.verdict, 'batchable', f.text);
});

const MODEL =
  `import OpenAI from 'openai';\nimport { BaseChatModel } from '@langchain/core/language_models/chat_models';\n` +
  `export class MyChat extends BaseChatModel {\n  client = new OpenAI();\n  _llmType() { return 'mine'; }\n` +
  `  async _generate(messages: { content: unknown }[]) {\n    const r = await this.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: String(messages[0].content) }] });\n` +
  `    return { generations: [{ text: r.choices[0].message.content ?? '', message: {} as never }] };\n  }\n}\n`;

test("a LangChain model class's _generate runs where an instance is invoked: in a route, a person waits", () => {
  const f = analyse({
    'src/model.ts': MODEL,
    'src/server.ts': `import express from 'express';\nimport { MyChat } from './model';\nconst app = express();\nconst chat = new MyChat({});\napp.post('/ask', async (req, res) => { res.json(await chat.invoke(req.body.q)); });\napp.listen(3000);\n`,
  });
  assert.equal(f.verdict, 'user-waiting', f.text);
  assert.match(f.text, /run by `chat\.invoke\(…\)` at src\/server\.ts:5/);
});

test('a LangChain model instance handed to a chain is not followed further: the call is unknown, never batchable', () => {
  const f = analyse({
    'src/model.ts': MODEL,
    'scripts/run.ts': `import { PromptTemplate } from '@langchain/core/prompts';\nimport { MyChat } from '../src/model';\nconst chain = PromptTemplate.fromTemplate('Tag {x}').pipe(new MyChat({}));\nexport { chain };\n`,
  });
  assert.equal(f.verdict, 'unknown', f.text);
});

test('a method of the same name on a class that extends no LangChain class is not taken as run by LangChain', () => {
  const f = analyse({
    'src/model.ts': MODEL.replace("import { BaseChatModel } from '@langchain/core/language_models/chat_models';", "import { BaseChatModel } from './base';"),
    'src/base.ts': `export class BaseChatModel { constructor(_o: object) {} }\n`,
    'scripts/run.ts': `import { MyChat } from '../src/model';\nconst chat = new MyChat({});\nfor (const q of ['a', 'b']) await chat.invoke(q);\n`,
  });
  assert.ok(!f.text.includes('run by `chat.invoke'), f.text);
});

const STEP =
  `import { createStep, createWorkflow } from '@mastra/core/workflows';\nimport { openai } from '@ai-sdk/openai';\nimport { generateText } from 'ai';\n` +
  `const tag = createStep({ id: 'tag', execute: async ({ inputData }: any) => {\n  const { text } = await generateText({ model: openai('gpt-4o-mini'), prompt: inputData.text });\n  return { text };\n} });\n` +
  `export const tagWorkflow = createWorkflow({ id: 'tag' }).then(tag).commit();\n`;

test("a Mastra workflow registered with a package that serves Mastra (mastra dev) is also run by Mastra's server: a script's run alone does not make it batchable", () => {
  const f = analyse({
    'package.json': JSON.stringify({ name: 'm', scripts: { dev: 'mastra dev', tag: 'tsx src/tag.ts' }, dependencies: { '@mastra/core': '^0.20.0', ai: '^5.0.0' } }),
    'src/mastra/workflows/tag.ts': STEP,
    'src/mastra/index.ts': `import { Mastra } from '@mastra/core';\nimport { tagWorkflow } from './workflows/tag';\nexport const mastra = new Mastra({ workflows: { tagWorkflow } });\n`,
    'src/tag.ts': `import { mastra } from './mastra';\nfor (const text of ['a', 'b']) {\n  const run = await mastra.getWorkflow('tagWorkflow').createRunAsync();\n  await run.start({ inputData: { text } });\n}\n`,
  });
  assert.equal(f.verdict, 'unknown', f.text);
  assert.match(f.text, /Mastra's server \(`mastra dev`, `mastra start`\) also runs/);
});

test('a Mastra workflow asked for by another key is not this one: its steps are not reached from there', () => {
  const f = analyse({
    'package.json': JSON.stringify({ name: 'm', dependencies: { '@mastra/core': '^0.20.0', ai: '^5.0.0', express: '^4.0.0' } }),
    'src/mastra/workflows/tag.ts': STEP,
    'src/mastra/index.ts': `import { Mastra } from '@mastra/core';\nimport { tagWorkflow } from './workflows/tag';\nexport const mastra = new Mastra({ workflows: { tagWorkflow, other: tagWorkflow } });\n`,
    'src/server.ts': `import express from 'express';\nimport { mastra } from './mastra';\nconst app = express();\napp.post('/x', async (req, res) => { const run = await mastra.getWorkflow('unrelated').createRunAsync(); res.json(await run.start({ inputData: req.body })); });\napp.listen(3000);\n`,
  });
  assert.ok(!f.rules.includes('http-route-handler'), f.text);
});

test("a Mastra processor's processInput runs inside the agent given it, where the agent runs", () => {
  const f = analyse({
    'src/guard.ts':
      `import { Agent } from '@mastra/core/agent';\nimport type { Processor } from '@mastra/core/processors';\nimport { openai } from '@ai-sdk/openai';\n` +
      `const judge = new Agent({ name: 'judge', instructions: 'Is this on topic?', model: openai('gpt-4o-mini') });\n` +
      `export class TopicGuard implements Processor<'topic-guard'> {\n  readonly id = 'topic-guard';\n  async processInput({ messages }: any) {\n    const r = await judge.generate(JSON.stringify(messages));\n    return r.text === 'yes' ? messages : [];\n  }\n}\n`,
    'src/server.ts':
      `import express from 'express';\nimport { Agent } from '@mastra/core/agent';\nimport { openai } from '@ai-sdk/openai';\nimport { TopicGuard } from './guard';\n` +
      `const support = new Agent({ name: 'support', instructions: 'Help.', model: openai('gpt-4o-mini'), inputProcessors: [new TopicGuard()] });\n` +
      `const app = express();\napp.post('/chat', async (req, res) => { res.json(await support.generate(req.body.message)); });\napp.listen(3000);\n`,
  }, 'src/guard.ts');
  assert.equal(f.verdict, 'user-waiting', f.text);
});

const GUARD =
  `import { Agent } from '@mastra/core/agent';\nimport type { Processor } from '@mastra/core/processors';\nimport { openai } from '@ai-sdk/openai';\n` +
  `const judge = new Agent({ name: 'judge', instructions: 'Is this on topic?', model: openai('gpt-4o-mini') });\n` +
  `export class TopicGuard implements Processor<'topic-guard'> {\n  readonly id = 'topic-guard';\n  async processInput({ messages }: any) {\n    const r = await judge.generate(JSON.stringify(messages));\n    return r.text === 'yes' ? messages : [];\n  }\n}\n`;
const SUPPORT = `import { Agent } from '@mastra/core/agent';\nimport { openai } from '@ai-sdk/openai';\nimport { TopicGuard } from './guard';\nexport const support = new Agent({ name: 'support', instructions: 'Help.', model: openai('gpt-4o-mini'), outputProcessors: [new TopicGuard()] });\n`;
const REGISTRY = `import { Mastra } from '@mastra/core';\nimport { support } from './agents';\nexport const mastra = new Mastra({ agents: { support } });\n`;

test("a Mastra agent registered with a package that serves Mastra (mastra dev) is answered over HTTP: its processors are user-waiting", () => {
  const f = analyse({
    'package.json': JSON.stringify({ name: 'm', scripts: { dev: 'mastra dev' }, dependencies: { '@mastra/core': '^0.20.0' } }),
    'src/mastra/guard.ts': GUARD,
    'src/mastra/agents.ts': SUPPORT,
    'src/mastra/index.ts': REGISTRY,
  }, 'src/mastra/guard.ts');
  assert.equal(f.verdict, 'user-waiting', f.text);
  assert.match(f.text, /the Mastra agent 'support', registered at src\/mastra\/index\.ts:3, which Mastra's server \(`mastra dev`, `mastra start` in package\.json\) answers over HTTP/);
});

test('a registered Mastra agent that no server serves runs where the app asks for it by its key', () => {
  const texts = {
    'package.json': JSON.stringify({ name: 'm', scripts: { nightly: 'tsx src/nightly.ts' }, dependencies: { '@mastra/core': '^0.20.0' } }),
    'src/mastra/guard.ts': GUARD,
    'src/mastra/agents.ts': SUPPORT,
    'src/mastra/index.ts': REGISTRY,
    'src/nightly.ts': `import cron from 'node-cron';\nimport { mastra } from './mastra';\ncron.schedule('0 3 * * *', async () => {\n  await mastra.getAgent('support').generate('Summarise the day');\n});\n`,
  };
  const f = analyse(texts, 'src/mastra/guard.ts');
  assert.equal(f.verdict, 'batchable', f.text);
  assert.match(f.text, /the Mastra agent 'support', from `mastra\.getAgent\(…\)` at src\/nightly\.ts:4/);
  const other = analyse({ ...texts, 'src/nightly.ts': texts['src/nightly.ts'].replace("getAgent('support')", "getAgent('another')") }, 'src/mastra/guard.ts');
  assert.notEqual(other.verdict, 'batchable', 'an agent asked for by another key is not this one');
  const unseen = analyse({ ...texts, 'src/ask.ts': `import { mastra } from './mastra';\nexport async function ask(q: string) {\n  return mastra.getAgent('support').generate(q);\n}\n` }, 'src/mastra/guard.ts');
  assert.equal(unseen.verdict, 'unknown', `asked for where no entry point is seen, the agent's run there is not batch work: ${unseen.text}`);
});

test('a LangChain model class whose instances are made but never run says so', () => {
  const f = analyse({
    'src/model.ts': MODEL,
    'src/make.ts': `import { MyChat } from './model';\nexport const chat = new MyChat({});\n`,
  });
  assert.equal(f.verdict, 'unknown', f.text);
  assert.match(f.text, /instances of the class `MyChat` in src\/model\.ts are made, but nothing Batchwise can see runs them/);
});
