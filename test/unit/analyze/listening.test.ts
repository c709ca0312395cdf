// The callback of `app.listen(port, cb)` runs once, when the server is listening: start-up code, like the
// server file's module-level code, not a handler a person waits on. A route registered in the same file
// is still one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

function analyse(texts: Record<string, string>) {
  const analyzer = new Analyzer({ files: Object.keys(texts).sort(), read: (p) => texts[p] }, DEFAULT_OPTIONS, {});
  return analyzer.run().findings.map((f) => ({ line: f.site.loc.start.line, verdict: f.classification.verdict, rules: f.classification.evidence.map((e) => e.rule), text: f.classification.evidence.map((e) => e.message).join('\n') }));
}

const SERVER =
  `import express from 'express';\nimport OpenAI from 'openai';\nconst openai = new OpenAI();\nconst app = express();\n` +
  `app.post('/ask', async (req, res) => {\n  res.json(await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: req.body.q }] }));\n});\n` +
  `app.listen(3000, async () => {\n  const warm = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'warm up' });\n  console.log('listening', warm.data.length);\n});\n`;

test("the listen callback is start-up code, not a handler; the route beside it is a handler", () => {
  const found = analyse({ 'src/server.ts': SERVER });
  const route = found.find((f) => f.line === 6);
  const warm = found.find((f) => f.line === 9);
  assert.equal(route?.verdict, 'user-waiting');
  assert.equal(warm?.verdict, 'unknown', warm?.text);
  assert.deepEqual(warm?.rules, ['long-running-server']);
  assert.match(warm!.text, /the callback of `app\.listen\(…\)` at src\/server\.ts:8, which src\/server\.ts runs once, when its server is listening/);
});
