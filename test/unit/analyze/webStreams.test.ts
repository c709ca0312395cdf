// A web stream's callbacks (`new ReadableStream({ start, pull })`, TransformStream's `transform`) run
// where the stream is made and read, not wherever a function of the same name is called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

function analyse(texts: Record<string, string>): { verdict: string; text: string } {
  const analyzer = new Analyzer({ files: Object.keys(texts).sort(), read: (p) => texts[p] }, DEFAULT_OPTIONS, {});
  const findings = analyzer.run().findings;
  assert.equal(findings.length, 1, `one finding, not ${findings.length}`);
  return { verdict: findings[0].classification.verdict, text: findings[0].classification.evidence.map((e) => e.message).join('\n') };
}

const PKG = JSON.stringify({ name: 'w', dependencies: { next: '^15.0.0', openai: '^4.0.0' } });
const ROUTE = (inside: string) =>
  `import OpenAI from 'openai';\nconst openai = new OpenAI();\nexport async function POST(request: Request) {\n  const { q } = await request.json();\n` +
  `  const stream = new ReadableStream({\n    async start(controller) {\n${inside}` +
  `      const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] });\n` +
  `      controller.enqueue(new TextEncoder().encode(r.choices[0].message.content ?? ''));\n      controller.close();\n    },\n  });\n  return new Response(stream);\n}\n`;

test("a stream's start callback runs in the route that makes the stream, though a run's own start() is called inside it", () => {
  const f = analyse({ 'package.json': PKG, 'app/api/x/route.ts': ROUTE(`      const run: { start(x: object): Promise<void> } = await import('./run').then((m) => m.run);\n      await run.start({ q });\n`) });
  assert.equal(f.verdict, 'user-waiting', f.text);
  assert.match(f.text, /Next\.js POST route handler/);
});

test('a start callback of an object handed to something that is no web stream is not taken for a stream', () => {
  const f = analyse({
    'package.json': PKG,
    'scripts/tag.ts':
      `import OpenAI from 'openai';\nimport { Runner } from '@acme/runner';\nconst openai = new OpenAI();\n` +
      `new Runner({\n  async start() {\n    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });\n  },\n});\n`,
  });
  assert.ok(!/where the stream/.test(f.text));
  assert.notEqual(f.verdict, 'user-waiting', f.text);
});
