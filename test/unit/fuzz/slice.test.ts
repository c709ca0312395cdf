// A slice of the fuzzer (bench/fuzz.ts runs the long one): a fixed seed's mutated fixture projects,
// each through the audit, the estimate, every offered fix planned and applied, its output re-parsed
// and the project analysed again, in worker threads under a time limit. Any exception, any fix whose
// output does not parse or loses the user's text, and any input over 20 s of CPU fails it: a pathological
// (quadratic) cost shows as far more, 30-300 s. The 2 s goal is the long run's, measured on an idle
// machine (bench/fuzz.ts), not a timed test: with a 5 s limit a fresh clone's suite once stopped an input
// at 5.05 s that takes 8 ms alone (seed 20261203, input 1273; bench/fuzz-findings.md). The failures
// listed in test/fuzz/known.ts (owned by work in progress elsewhere) are TODOs.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fuzz, FuzzSummary } from '../../fuzz/run';
import { knownFinding } from '../../fuzz/known';
import { REPO_ROOT } from '../helpers';

const SEED = 20261203;
const COUNT = 1500;
const OUT = join(REPO_ROOT, 'test-output', 'fuzz', 'slice');

let summary: FuzzSummary;
before(async () => {
  summary = await fuzz({ seed: SEED, count: COUNT, workers: 2, outDir: OUT, limitMs: 20_000, cpuLimitMs: 20_000, shrinkMs: 20_000 });
});

const describe = (f: FuzzSummary['failures'][number]) => `${f.signature}\n    ${f.count} input(s), first ${f.indices[0]}: ${f.message.split('\n')[0]}\n    reproducer: ${f.reproducer}`;

test(`fuzz slice: ${COUNT} inputs of seed ${SEED} run, none fails in a way nobody knows about`, () => {
  assert.equal(summary.ran, COUNT);
  assert.deepEqual(summary.failures.filter((f) => !knownFinding(f.signature)).map(describe), []);
});

test('fuzz slice: the failures known and owned elsewhere (bench/fuzz-findings.md)', { todo: 'fixed where they are owned' }, () => {
  assert.deepEqual(
    summary.failures.filter((f) => knownFinding(f.signature)).map((f) => `${knownFinding(f.signature)!.id} (${knownFinding(f.signature)!.owner}): ${describe(f)}`),
    [],
  );
});
