// Values the walk follows to where a function in them runs: functions kept under a key in objects of
// an array that a loop goes over, and model classes of the workspace that LangChain runs (their
// `_generate` runs where an instance is invoked, streamed or batched).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

function analyse(texts: Record<string, string>): { verdict: string; rules: string[]; text: string } {
  const analyzer = new Analyzer({ files: Object.keys(texts).sort(), read: (p) => texts[p] }, DEFAULT_OPTIONS, {});
  const findings = analyzer.run().findings;
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
