// What a loop body does around a call decides its refusal, for each call of the same loop on its own:
// the body's breaks, continues, returns and throws are found once per loop (a body of 2,000 calls was
// walked once per call), and each call is still judged by where it stands among them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { checkLoopHoist } from '../../../src/core/rewrite/loopHoist';

function refusals(file: string, text: string): (string | null)[] {
  const analyzer = new Analyzer({ files: [file], read: (p) => (p === file ? text : undefined) }, DEFAULT_OPTIONS);
  const findings = analyzer.run().findings.filter((f) => f.site.file === file);
  return findings.map((f) => {
    const got = checkLoopHoist(file, text, f.site, 'batchwise/openaiBatch.ts', undefined, undefined, analyzer.modules);
    return got.ok ? null : got.reason;
  });
}

const call = (n: number) => `    const r${n} = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: note + '${n}' }] });\n    console.log(r${n}.choices[0].message.content);\n`;

test('a continue between two calls of one loop: the call after it is refused for the continue, the call before it only for sharing the loop', () => {
  const text = `import OpenAI from 'openai';
const client = new OpenAI();
export async function run(notes: string[]) {
  for (const note of notes) {
${call(1)}    if (note === '') continue;
${call(2)}  }
}
`;
  const [first, second] = refusals('scripts/run.ts', text);
  assert.match(first ?? '', /more than one LLM call/);
  assert.match(second ?? '', /uses continue/);
});

test('a break anywhere in the body refuses every call of the loop; a throw in a callback only a sequential loop', () => {
  const text = `import OpenAI from 'openai';
const client = new OpenAI();
export async function run(notes: string[]) {
  for (const note of notes) {
${call(1)}    if (note === 'stop') break;
  }
  for (const note of notes) {
    [1].forEach(() => { if (!note) throw new Error('empty'); });
${call(2)}  }
}
`;
  const [first, second] = refusals('scripts/run.ts', text);
  assert.match(first ?? '', /uses break/);
  assert.match(second ?? '', /can throw \(line 10/);
});
