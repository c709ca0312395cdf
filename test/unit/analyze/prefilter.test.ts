// The text prefilter decides which files are parsed for calls. A file it turns away is never looked at,
// so every shape of call on a client imported from a project module must pass it, and it must turn away
// the files that only share a method name with an SDK (Prisma's `create`, zod's `parse`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { mayContainCalls, mentionsSdk } from '../../../src/core/detect/detect';
import { SDK_TEXT_MARKERS } from '../../../src/core/detect/catalogue';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

const CLIENT = `import OpenAI from 'openai';\nimport Anthropic from '@anthropic-ai/sdk';\nexport const openai = new OpenAI();\nexport const anthropic = new Anthropic();\n`;

// Each file names no SDK: its client comes from lib/clients.ts. The comment names the line of the call.
const CALLERS: Record<string, string> = {
  'written-out.ts': `import { openai } from './lib/clients';\nexport async function f(p: string) {\n  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: p }] }); // 3\n}\n`,
  'split-lines.ts': `import { openai } from './lib/clients';\nexport async function f(p: string) {\n  return openai.chat.completions\n    .parse({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: p }] }); // 3\n}\n`,
  'optional.ts': `import { anthropic } from './lib/clients';\nexport async function f(p: string) {\n  return anthropic?.messages?.create({ model: 'claude-3-5-haiku-latest', max_tokens: 10, messages: [{ role: 'user', content: p }] }); // 3\n}\n`,
  'held-resource.ts': `import { openai } from './lib/clients';\nconst completions = openai.chat.completions;\nexport async function f(p: string) {\n  return completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: p }] }); // 4\n}\n`,
  'aliased-resource.ts': `import { openai } from './lib/clients';\nconst c = openai.embeddings;\nexport async function f(p: string) {\n  return c.create({ model: 'text-embedding-3-small', input: p }); // 4\n}\n`,
  'destructured.ts': `import { anthropic } from './lib/clients';\nconst { messages } = anthropic;\nexport async function f(p: string) {\n  return messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 10, messages: [{ role: 'user', content: p }] }); // 4\n}\n`,
  'required.js': `const { openai } = require('./lib/clients');\nexports.f = async (p) => {\n  return openai.responses.create({ model: 'gpt-4o-mini', input: p }); // 3\n};\n`,
};

const LOOK_ALIKES: Record<string, string> = {
  'prisma.ts': `import { prisma } from './db';\nimport { z } from 'zod';\nconst Body = z.object({ name: z.string() });\nexport async function add(body: unknown) {\n  const data = Body.parse(body);\n  return prisma.user.create({ data });\n}\n`,
  'stripe.ts': `import Stripe from 'stripe';\nconst stripe = new Stripe('sk');\nexport const pay = () => stripe.paymentIntents.create({ amount: 1, currency: 'usd' });\n`,
};

test('a call on a client from a project module passes the prefilter in every shape, and is found', () => {
  for (const [file, text] of Object.entries(CALLERS)) assert.equal(mayContainCalls(text), true, file);
  const texts = new Map<string, string>([['lib/clients.ts', CLIENT], ...Object.entries(CALLERS), ...Object.entries(LOOK_ALIKES)]);
  const files = [...texts.keys()].sort();
  const result = new Analyzer({ files, read: (p) => texts.get(p) }, DEFAULT_OPTIONS).run();
  const found = result.findings.map((f) => `${f.site.file}:${f.site.loc.start.line}`).sort();
  const expected = Object.entries(CALLERS).map(([file, text]) => `${file}:${/\/\/ (\d+)$/m.exec(text)![1]}`).sort();
  assert.deepEqual(found, expected);
  assert.deepEqual(result.errors, []);
});

test('files that only share a method name with an SDK are not parsed for calls', () => {
  for (const [file, text] of Object.entries(LOOK_ALIKES)) assert.equal(mayContainCalls(text), false, file);
});

test('files that name an SDK, a model framework or a wrapper pass whatever their calls look like', () => {
  assert.equal(mayContainCalls(`import OpenAI from 'openai';\n`), true);
  assert.equal(mayContainCalls(`import { generateText } from 'ai';\nexport const g = () => generateText({ model, prompt: 'x' });\n`), true);
  assert.equal(mayContainCalls(`import { llm } from './llm';\nexport const g = () => llm.invoke('x');\n`), true);
  assert.equal(mayContainCalls(`fetch('https://api.openai.com/v1/chat/completions', { method: 'POST' });\n`), true);
  // No import and no SDK named: nothing from elsewhere can be called.
  assert.equal(mayContainCalls(`const x = { create() {} };\nx.create();\n`), false);
});

test('the SDK-marker test answers as a search for each marker does: every marker alone in a text, its neighbours, none', () => {
  const each = (text: string) => SDK_TEXT_MARKERS.some((m) => text.includes(m));
  const texts = [
    ...SDK_TEXT_MARKERS.map((m) => `const x = 1; // ${m} here`),
    // Each marker cut short by a character, and with a character changed in its middle: no longer that marker.
    ...SDK_TEXT_MARKERS.map((m) => `say ${m.slice(0, -1)}.`),
    ...SDK_TEXT_MARKERS.map((m) => `say ${m.slice(0, m.length >> 1)}#${m.slice((m.length >> 1) + 1)}.`),
    'import { z } from "zod";\nexport const ok = z.string();\n',
    '',
  ];
  for (const text of texts) assert.equal(mentionsSdk(text), each(text), JSON.stringify(text));
  assert.ok(texts.some((t) => !each(t)), 'some texts name no marker');
});
