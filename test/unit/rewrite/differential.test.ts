// Differential test of the rewrites: a fixed slice of generated programs (seeded, so the same every run),
// each fixed as `batchwise fix` would fix it; every rewrite Batchwise accepts must type-check and print
// exactly what its original prints (sync endpoint vs Batch API, with and without a rejected request).
// The larger sweep is bench/differential.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';
import { generateProgram, GeneratedProgram } from './differential/generate';
import { checkPrograms, Outcome, Rewrite, summarise } from './differential/check';

const SEED = 20_251;
const COUNT = 56;
const WORK = join(REPO_ROOT, 'test-output', 'differential', 'unit');

const describe = (o: Outcome) => `${o.program.name} (${o.program.features.join(' ')})\n${o.program.text}\n${'rewrite' in o ? `--- rewrite\n${o.rewrite.after}\n` : ''}${'detail' in o ? o.detail : ''}`;

let outcomes: Outcome[] = [];

test(`generated programs (seed ${SEED}, ${COUNT}): every rewrite Batchwise accepts behaves as the original`, async () => {
  const programs = Array.from({ length: COUNT }, (_, n) => generateProgram(SEED, n));
  outcomes = await checkPrograms(programs, { work: WORK, concurrency: 2 });
  const invalid = outcomes.filter((o) => o.status === 'invalid');
  assert.deepEqual(invalid.map(describe), [], 'the generator writes programs that type-check and run');
  const different = outcomes.filter((o) => o.status === 'different');
  assert.deepEqual(different.map(describe), []);
  // Not vacuous: a good share is accepted, of both kinds of loop, and the rejected request showed in some runs.
  const s = summarise(outcomes);
  const equivalent = outcomes.filter((o): o is Extract<Outcome, { status: 'equivalent' }> => o.status === 'equivalent');
  assert.ok(s.accepted >= COUNT * 0.3, `${s.accepted} of ${COUNT} accepted`);
  assert.ok(equivalent.filter((o) => o.program.concurrent).length >= 4, 'concurrent fan-outs accepted');
  assert.ok(equivalent.filter((o) => !o.program.concurrent).length >= 8, 'sequential loops accepted');
  assert.ok(new Set(equivalent.map((o) => o.program.api)).size === 5, 'every API among the accepted');
  assert.ok(new Set(equivalent.map((o) => o.program.lang)).size === 3, 'TypeScript, CommonJS and ES modules among the accepted');
  assert.ok(equivalent.filter((o) => o.rejectionShown).length >= 8, 'the rejected request changed what originals printed');
});

test('the checker catches a wrong rewrite: results handed to the wrong items are reported as different', async () => {
  const hoisted = outcomes.filter(
    (o): o is Extract<Outcome, { status: 'equivalent' }> =>
      o.status === 'equivalent' && o.program.features.includes('strategy:loop-hoist') && o.program.features.includes('print') && !o.program.features.includes('result-discarded'),
  );
  assert.ok(hoisted.length >= 4);
  const picked: GeneratedProgram[] = hoisted.slice(0, 4).map((o) => ({ ...o.program, features: o.program.features.filter((f) => !f.startsWith('strategy:')) }));
  // Each item gets the next item's answer (its request's result swapped with a neighbour's).
  const tamper = (_p: GeneratedProgram, r: Rewrite): Rewrite => ({ ...r, after: r.after.replace(/\.get\((\w+)\)/, '.get(($1 + 1) % batchwiseItems.length)') });
  const tampered = await checkPrograms(picked, { work: join(WORK, 'tampered'), concurrency: 2, tamper });
  assert.deepEqual(tampered.map((o) => o.status), picked.map(() => 'different'));
});
