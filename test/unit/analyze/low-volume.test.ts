import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS, Estimate } from '../../../src/core/model';

const SOURCE = `import OpenAI from 'openai';
const c = new OpenAI();
async function f(xs: string[]) {
  for (const x of xs) await c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: x }] });
}
f(process.argv.slice(2));
`;
// Run by an npm script, so the call is batchable whatever the loop walks.
const PACKAGE = JSON.stringify({ scripts: { tag: 'tsx a.ts' } });
const project = { files: ['a.ts'], read: (p: string) => (p === 'a.ts' ? SOURCE : p === 'package.json' ? PACKAGE : undefined) };
const estimateWith = (callsPerDay: number) => (): Estimate => ({
  callsPerDay,
  volume: { kind: 'default' },
  inputTokens: 10,
  outputTokens: 10,
  monthlyStandard: 1,
  monthlyBatch: 0.5,
  monthlySavings: 0.5,
  assumptions: [],
});

test('a batchable site below the volume threshold is flagged low-volume, with evidence', () => {
  const [finding] = new Analyzer(project, DEFAULT_OPTIONS, { estimate: estimateWith(40) }).run().findings;
  assert.equal(finding.classification.verdict, 'batchable');
  assert.equal(finding.lowVolume, true);
  assert.ok(finding.classification.evidence.some((e) => e.rule === 'low-volume' && e.message.includes('100/day')));
});

test('at or above the threshold it is not', () => {
  const [finding] = new Analyzer(project, DEFAULT_OPTIONS, { estimate: estimateWith(100) }).run().findings;
  assert.equal(finding.lowVolume, undefined);
  assert.ok(!finding.classification.evidence.some((e) => e.rule === 'low-volume'));
});

test('the threshold is a setting', () => {
  const [finding] = new Analyzer(project, { ...DEFAULT_OPTIONS, lowVolumeThreshold: 5000 }, { estimate: estimateWith(1000) }).run().findings;
  assert.equal(finding.lowVolume, true);
});

test('the rate in the evidence reads as a person writes it: a weekly job is about 0.14 a day, a large one has separators', () => {
  const message = (perDay: number) => {
    const [finding] = new Analyzer(project, { ...DEFAULT_OPTIONS, lowVolumeThreshold: 5000 }, { estimate: estimateWith(perDay) }).run().findings;
    return finding.classification.evidence.find((e) => e.rule === 'low-volume')?.message ?? '';
  };
  assert.match(message(1 / 7), /^about 0\.14 requests a day /);
  assert.match(message(1200), /^about 1,200 requests a day /);
  assert.match(message(1), /^about 1 request a day /);
});
