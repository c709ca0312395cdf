// The CLI builds its token encodings (about 100 MB at an audit's peak) only for a tree that names an LLM
// SDK or provider: the analysis tells its owner once, the first time it reads such a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

function mentions(texts: Record<string, string>): number {
  let told = 0;
  const analyzer = new Analyzer({ files: Object.keys(texts).sort(), read: (p) => texts[p] }, DEFAULT_OPTIONS, {}, undefined, { onSdkMention: () => told++ });
  analyzer.run();
  return told;
}

test('a tree that names an SDK tells its owner once, however many files name one', () => {
  const call = `import OpenAI from 'openai';\nconst c = new OpenAI();\nexport const f = (t: string) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: t }] });\n`;
  assert.equal(mentions({ 'a.ts': call, 'b.ts': call, 'c.ts': 'export const x = 1;\n' }), 1);
});

test('a tree whose files only look like calls (a method named invoke, an import) names no SDK: nothing is told', () => {
  assert.equal(mentions({ 'a.ts': `import { chain } from './chain';\nexport const run = () => chain.invoke({ q: 1 });\n`, 'chain.ts': 'export const chain = { invoke: (x: object) => x };\n' }), 0);
});
