// Issue 13 §2: a prompt held in a variable, a template part or a function's result counts with
// batchwise.interpolatedTokens, never 0 — read from code, through the whole audit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

const SCRIPT = `import OpenAI from 'openai';
const openai = new OpenAI();
function build(x: string): string { return 'Summarize ' + x; }
async function main(rows: string[]) {
  for (const r of rows) {
    const prompt = build(r);
    await openai.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: prompt }] });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: build(r) }] });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: \`\${r}\` }] });
  }
}
main(process.argv.slice(2));
`;

test('a prompt in a variable, a function result or a template part counts with interpolatedTokens, never 0', () => {
  const root = mkdtempSync(join(tmpdir(), 'bw-interpolated-'));
  try {
    mkdirSync(join(root, 'scripts'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'p', scripts: { go: 'node scripts/go.js' } }));
    writeFileSync(join(root, 'scripts', 'go.ts'), SCRIPT);
    for (const tokens of [200, 37]) {
      const result = new WorkspaceSession(root, { ...DEFAULT_OPTIONS, interpolatedTokens: tokens }).analyzeAll();
      const lines = SCRIPT.split('\n');
      const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
      const byLine = new Map(result.findings.map((f) => [f.site.loc.start.line, f]));
      for (const needle of ['content: prompt', 'content: build(r)', 'content: `${r}`']) {
        const f = byLine.get(lineOf(needle));
        assert.ok(f?.estimate, `${needle}: no estimate (${result.findings.map((x) => x.site.loc.start.line).join(', ')})`);
        assert.equal(f.estimate.inputTokens, tokens, `${needle} at interpolatedTokens ${tokens}`);
        assert.match(f.estimate.assumptions.join('\n'), new RegExp(`1 non-literal prompt part assumed at ${tokens} tokens each \\(setting batchwise\\.interpolatedTokens\\)`));
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
