// What the fuzzer found, distilled to the smallest input that showed it (bench/fuzz-findings.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

function analyse(files: Record<string, string>) {
  const project = { files: Object.keys(files).filter((f) => /\.[cm]?[jt]sx?$/.test(f)), read: (p: string) => files[p] };
  return new Analyzer(project, DEFAULT_OPTIONS).run();
}

test('a file nested deeper than the parser can follow is skipped as too deeply nested, not called a syntax error', () => {
  // 10,000 parentheses, one a line: valid JavaScript the parser runs out of stack on.
  const deep = `import OpenAI from 'openai';\nconst x = ${'(\n'.repeat(10_000)}1${')\n'.repeat(10_000)};\n`;
  const result = analyse({ 'deep.ts': deep, 'ok.ts': `import OpenAI from 'openai';\nawait new OpenAI().chat.completions.create({ model: 'gpt-4o', messages: [] });\n` });
  const error = result.errors.find((e) => e.file === 'deep.ts');
  assert.ok(error, 'the deep file is reported');
  assert.match(error.message, /too deeply nested/);
  assert.doesNotMatch(error.message, /syntax error/);
  assert.equal(result.findings.length, 1, 'the other file is still analysed');
});
