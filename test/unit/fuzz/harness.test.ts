// The fuzzer's own parts: inputs made again from their numbers, the check that a fix keeps the user's
// text, the shrinker, and the pool that stops a stuck input without stopping the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { generateInput, FuzzInput } from '../../fuzz/mutate';
import { userTextProblem } from '../../fuzz/userText';
import { shrink } from '../../fuzz/shrink';
import { JobResult, Pool } from '../../fuzz/pool';
import { formatSummary, fuzz, signatureOf } from '../../fuzz/run';

test('an input is a function of its seed and index', () => {
  for (const index of [0, 1, 17, 4242]) assert.deepEqual(generateInput(9, index), generateInput(9, index));
  const a = generateInput(9, 1);
  const b = generateInput(10, 1);
  assert.notDeepEqual({ files: a.files, mutations: a.mutations }, { files: b.files, mutations: b.mutations });
});

test('inputs mutate the fixtures in every way the fuzzer knows', () => {
  const kinds = new Set<string>();
  for (let i = 0; i < 150; i++) for (const k of generateInput(5, i).kinds) kinds.add(k);
  for (const k of ['truncate', 'flip', 'brackets', 'deep', 'huge', 'line-endings', 'encoding', 'alias-chain', 're-export-cycle', 'wrap', 'comments']) {
    assert.ok(kinds.has(k), `no '${k}' mutation in 150 inputs`);
  }
});

const FILE = 'main.ts';
const BEFORE = "const a = 'keep me'; /* note */ call(a);\r\nconst b = 2;\r\n";

test('user text: an edit that keeps every comment and string passes', () => {
  const at = BEFORE.indexOf('call(a)');
  const edits = [{ range: [at, at + 'call(a)'.length] as [number, number], newText: 'other(a)' }];
  const after = BEFORE.slice(0, at) + 'other(a)' + BEFORE.slice(at + 7);
  assert.equal(userTextProblem(FILE, BEFORE, edits, after, null), null);
});

test('user text: a dropped comment, a split token, a split CRLF and a duplicated comment are problems', () => {
  const start = BEFORE.indexOf('/* note */');
  const dropped = BEFORE.slice(0, start) + BEFORE.slice(start + 10);
  assert.match(userTextProblem(FILE, BEFORE, [{ range: [start, start + 10], newText: '' }], dropped, null) ?? '', /drops "\/\* note \*\/"/);
  const inString = BEFORE.indexOf('keep') + 2;
  assert.match(userTextProblem(FILE, BEFORE, [{ range: [inString, inString], newText: 'x' }], BEFORE.slice(0, inString) + 'x' + BEFORE.slice(inString), null) ?? '', /cuts into "'keep me'"/);
  const crlf = BEFORE.indexOf('\r\n') + 1;
  assert.match(userTextProblem(FILE, BEFORE, [{ range: [crlf, crlf], newText: '\n' }], BEFORE.slice(0, crlf) + '\n' + BEFORE.slice(crlf), null) ?? '', /splits a CRLF/);
  const twice = BEFORE.replace('/* note */', '/* note */ /* note */');
  assert.match(userTextProblem(FILE, BEFORE, [{ range: [start, start + 10], newText: '/* note */ /* note */' }], twice, null) ?? '', /duplicates the comment/);
  assert.match(userTextProblem(FILE, BEFORE, [{ range: [5, 3], newText: '' }], BEFORE, null) ?? '', /outside the text/);
});

test('the shrinker keeps what makes an input fail and drops the rest', async () => {
  const input: FuzzInput = {
    seed: 1,
    index: 1,
    origin: 'x',
    target: 'a.ts',
    kinds: [],
    mutations: [],
    files: { 'a.ts': `const x = 1;\n${'('.repeat(64)}BOOM${')'.repeat(64)}\nconst y = 2;\n`, 'b.ts': 'export {};\n', 'package.json': '{}' },
  };
  // Fails while 'BOOM' is there inside balanced parentheses.
  const fails = async (c: FuzzInput) => {
    const t = c.files['a.ts'];
    return t.includes('BOOM') && t.split('(').length === t.split(')').length && t.includes('(');
  };
  const { input: small } = await shrink(input, fails, { deadline: Date.now() + 60_000, maxAttempts: 10_000 });
  assert.deepEqual(Object.keys(small.files), ['a.ts']);
  assert.equal(small.files['a.ts'], '((BOOM))');
});

/** A pool of one stand-in worker (stuckWorker.ts), handed to `use` and closed after it; `job(target)` runs the stand-in's input `target`. */
async function withStandIn(killMs: number, use: (job: (target: string) => Promise<JobResult>) => Promise<void>): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'batchwise-pool-'));
  const pool = new Pool({ size: 1, killMs, cpuLimitMs: 300, scratch, workerFile: join(__dirname, 'stuckWorker.js') });
  try {
    await use((target) => pool.run({ input: { seed: 0, index: 0, origin: '', files: {}, target, kinds: [], mutations: [] } }));
  } finally {
    await pool.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

test('the pool stops an input that spins or blocks, reports it, and goes on with the next', () =>
  withStandIn(3000, async (job) => {
    const spun = await job('spin');
    assert.equal(spun.kind, 'killed');
    assert.equal(spun.kind === 'killed' && spun.stage, 'analyze');
    const slept = await job('sleep');
    assert.equal(slept.kind === 'killed' && slept.cpu, false, 'a thread that waits is stopped by wall time');
    const broke = await job('throw');
    assert.equal(broke.kind, 'crashed');
    assert.match(broke.kind === 'crashed' ? broke.message : '', /the worker broke/);
    const fine = await job('fine');
    assert.equal(fine.kind, 'done');
  }));

// Each input below spends a second of CPU in one stage: over the CPU limit, far under the wall-time stop.
test("the CPU limit watches the product's commands, not the fuzzer's own check of a fix's output", () =>
  withStandIn(30_000, async (job) => {
    const checked = await job('check-spin');
    assert.equal(checked.kind, 'done', "a second in the fuzzer's check is not charged to the engine");
    const reanalysed = await job('re-analyse-spin');
    assert.equal(reanalysed.kind, 'killed');
    assert.equal(reanalysed.kind === 'killed' && reanalysed.cpu, true, 'stopped by its CPU time');
    assert.equal(reanalysed.kind === 'killed' && reanalysed.stage, 'fix 1: re-analyse');
  }));

test('a slow input is run again alone before it counts, up to three times: the median of its runs alone decides', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'batchwise-fuzz-out-'));
  try {
    // The stand-in takes 5 s of "CPU" for input 2 every time, for input 1 only the first time, for input 3 the first two times.
    const summary = await fuzz({ seed: 3, count: 4, workers: 1, outDir, shrink: false, workerFile: join(__dirname, 'stuckWorker.js') });
    assert.equal(summary.ran, 4);
    assert.equal(summary.slow, 1);
    assert.equal(summary.slowOnce, 2);
    assert.deepEqual(
      summary.reruns.map((r) => [r.index, r.first, r.alone, r.aloneRuns, r.slow]),
      [
        [1, 5000, 1, [1, 1], false], // two fast runs alone settle it
        [2, 5000, 5000, [5000, 5000], true], // two slow ones too
        [3, 5000, 1, [5000, 1, 1], false], // one of each: a third breaks the tie
      ],
    );
    assert.deepEqual(summary.failures.map((f) => [f.kind, f.indices, f.ms]), [['slow', [2], [5000, 5000, 5000]]]);
    const text = formatSummary(summary);
    assert.match(text, /slow inputs .*: 1 \(2 more were slow beside the other workers, not alone\)/);
    assert.match(text, /input 3: 5000 ms beside the other workers, 1 ms alone \(median of 5000, 1, 1\)/);
    // What a run measured is on disk as it goes (a run stopped before its summary keeps it), and the summary at the end.
    const progress = JSON.parse(readFileSync(join(outDir, 'progress.json'), 'utf8'));
    assert.equal(progress.ran, 4);
    assert.deepEqual(progress.slowBeside, { 1: 5000, 2: 5000, 3: 5000 });
    assert.deepEqual(progress.reruns.map((r: { index: number; slow: boolean }) => [r.index, r.slow]), [[1, false], [2, true], [3, false]]);
    const saved = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8'));
    assert.deepEqual([saved.ran, saved.slow, saved.slowOnce, saved.failures.length], [4, 1, 2, 1]);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

test('failures group by cause: a stack overflow by the files of its recursion, not by where the stack ran out', () => {
  const overflow = (top: string) => ({
    kind: 'exception' as const,
    stage: 'analyze',
    message: 'RangeError: Maximum call stack size exceeded',
    stack: `RangeError: Maximum call stack size exceeded\n    at ${top} (/r/src/core/a.ts:1:1)\n    at f (/r/src/core/detect/resolve.ts:2:2)\n    at g (/r/src/core/detect/resolve.ts:3:3)`,
  });
  assert.equal(signatureOf(overflow('x')), signatureOf(overflow('y')));
  assert.match(signatureOf(overflow('x')), /src\/core\/detect\/resolve\.ts/);
  assert.notEqual(signatureOf({ kind: 'exception', stage: 'fix 1: plan', message: 'TypeError: a', stack: 'at f (/r/src/core/rewrite/x.ts:1:1)' }), signatureOf({ kind: 'exception', stage: 'fix 1: plan', message: 'TypeError: b', stack: 'at f (/r/src/core/rewrite/x.ts:1:1)' }));
});

test('a long run stopped by a signal says so, and where its figures so far are, instead of ending silently', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'batchwise-fuzz-out-'));
  try {
    const child = spawn(process.execPath, [join(__dirname, '..', '..', '..', 'bench', 'fuzz.js'), '--seed', '1', '--count', '100000', '--workers', '1', '--out', outDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    const ended = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d;
        // Its first line is written once the run's handlers are in place.
        if (/^fuzz: seed 1, 100000 inputs/m.test(stderr)) resolve();
      });
      void ended.then(() => resolve()); // ended early: the assertions below say how
    });
    child.kill('SIGTERM');
    const code = await ended;
    assert.equal(code, 130);
    assert.match(stderr, /fuzz: stopped by SIGTERM/);
    assert.ok(stderr.includes(`before the summary; the figures so far are in ${join(outDir, 'progress.json')}`), stderr);
    assert.equal(stdout, '', 'no summary');
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
