// A fuzz campaign: inputs start..start+count-1 of a seed through the pool; every failure grouped by
// signature, its first input written as a reproducer at once, then shrunk and written again.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateInput, FuzzInput } from './mutate';
import type { Failure, FailureKind } from './pipeline';
import { JobResult, Pool } from './pool';
import { shrink, sizeOf } from './shrink';

export interface FuzzOptions {
  seed: number;
  count: number;
  start?: number;
  workers?: number;
  /** Where reproducers go (one folder per failure signature). */
  outDir: string;
  /** An input slower than this fails (ms). */
  limitMs?: number;
  /** A command that has used this much CPU time is stopped, and its input run again alone (ms; default 1.5 times the limit). */
  cpuLimitMs?: number;
  /** A stage running this long (wall time) is stopped; the input is run once more with three times as long before it counts as slow (ms). */
  killMs?: number;
  /** Shrink each failure's first input (default true), within this many ms per failure. */
  shrink?: boolean;
  shrinkMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** The worker thread's script (tests give a stand-in). */
  workerFile?: string;
}

export interface FailureRecord {
  signature: string;
  kind: FailureKind;
  stage: string;
  message: string;
  stack?: string;
  /** How many inputs failed this way, and the first few of them. */
  count: number;
  indices: number[];
  /** The reproducer folder. */
  reproducer: string;
  /** Size of the first failing input and of the shrunk one (characters over all files). */
  size: number;
  shrunkSize?: number;
  /** For slow inputs: CPU time (ms), or the wall time after which it was stopped. */
  ms?: number[];
}

export interface FuzzSummary {
  seed: number;
  start: number;
  count: number;
  ran: number;
  /** Inputs with an exception (or a worker crash). */
  exceptions: number;
  /** Inputs over the limit (CPU time) or stopped, and again when run alone. */
  slow: number;
  /** Inputs over the limit or stopped beside the other workers whose run alone finished under the limit: a busy machine. */
  slowOnce: number;
  /**
   * Each input run again alone: its CPU time (or wall time when stopped) beside the other workers, the
   * median of its runs alone, and each of those runs (ms). Slow when the median is over the limit.
   */
  reruns: Array<{ index: number; first: number; alone: number; aloneRuns: number[]; slow: boolean }>;
  reparseFailures: number;
  userTextFailures: number;
  /** Inputs whose comments, read off the tree, differ from the parser's own. */
  commentFailures: number;
  p50: number;
  p99: number;
  max: number;
  findings: number;
  fixesOffered: number;
  fixesApplied: number;
  /** Offered fixes that planning refused, by reason. */
  refusals: Record<string, number>;
  /** `errors` entries that look like an internal error the engine caught, by message. */
  containedErrors: Record<string, number>;
  failures: FailureRecord[];
  elapsedMs: number;
}

/** A slow input is run alone this many times at most; the median counts. */
const ALONE_RUNS = 3;

const stageKind = (stage: string) => stage.replace(/^fix \d+: /, 'fix: ');
/** Numbers, quoted text and paths vary between inputs that fail for one reason. */
const normalise = (s: string) =>
  s
    .replace(/(["'`]).*?\1/g, '…')
    .replace(/\d+/g, 'N')
    .replace(/\s+/g, ' ')
    .slice(0, 140);

const SRC_FRAME = /at (?:(\S+) )?\(?.*?[/\\](src[/\\][^:]+)/;

/** Where it failed: the first frame in src/; for a stack overflow (whose top frame is wherever the stack ran out) the src files of the recursion. */
function topFrame(message: string, stack: string | undefined): string {
  const frames = (stack ?? '').split('\n').map((l) => SRC_FRAME.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  if (/Maximum call stack size exceeded/.test(message)) return [...new Set(frames.map((m) => m[2].replace(/\\/g, '/')))].sort().join(', ');
  return frames.length ? `${frames[0][1] ?? '<anonymous>'} (${frames[0][2].replace(/\\/g, '/')})` : '';
}

/** Mutations that make an input large or deep, in the order they explain a slow input. */
const HEAVY_KINDS = ['many-calls', 'alias-chain', 'huge', 'deep', 're-export-cycle', 'project-files', 'lines', 'crossover'];

export function signatureOf(f: Failure, input?: FuzzInput): string {
  switch (f.kind) {
    case 'exception':
    case 'crash':
      return `${f.kind} in ${stageKind(f.stage)}: ${normalise(f.message.split('\n')[0])} @ ${topFrame(f.message, f.stack)}`;
    case 'reparse':
      return `fix output does not parse: ${normalise(f.message.replace(/^.*?does not parse: /, ''))}`;
    case 'comments':
      return `comments differ from the parser's: ${normalise(f.message.replace(/^[^:]*: /, '').replace(/ \(.*$/, ''))}`;
    case 'user-text':
      return `fix loses user text: ${normalise(f.message.replace(/^[^:]*:\d+: /, '')).replace(/ at N.*| \(N in the file.*/, '')}`;
    case 'slow': {
      // Named by the mutation that makes inputs big or deep, when there is one: the others ride along.
      const kinds = input?.kinds ?? [];
      const heavy = HEAVY_KINDS.find((k) => kinds.includes(k));
      return `slow in ${stageKind(f.stage)} after ${heavy ?? ([...new Set(kinds)].sort().join(' + ') || 'no mutation')}`;
    }
  }
}

const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 60).toLowerCase();

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Writes a reproducer: input.json (exact, replayable), failure.json, and the project's files to look at. */
function writeReproducer(dir: string, input: FuzzInput, record: Omit<FailureRecord, 'reproducer'>, shrunk: boolean): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'input.json'), JSON.stringify(input));
  const replay = `npm run fuzz -- --replay ${dir}`;
  const regenerate = `npm run fuzz -- --seed ${input.seed} --start ${input.index} --count 1`;
  writeFileSync(join(dir, 'failure.json'), JSON.stringify({ ...record, shrunk, seed: input.seed, index: input.index, origin: input.origin, target: input.target, mutations: input.mutations, replay, regenerate }, null, 2) + '\n');
  for (const [path, text] of Object.entries(input.files)) {
    const to = join(dir, 'project', ...path.split('/').map((p) => (p === '..' ? '_' : p)));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, text);
  }
  for (const [path, b64] of Object.entries(input.bytes ?? {})) {
    const to = join(dir, 'project', ...path.split('/').map((p) => (p === '..' ? '_' : p)));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, Buffer.from(b64, 'base64'));
  }
}

/** The failures of one run of an input (a kill is a slow input; a crash a failure of its own). */
function failuresOf(result: JobResult, limitMs: number): { failures: Failure[]; ms: number | null } {
  switch (result.kind) {
    case 'done': {
      const o = result.outcome;
      const failures = [...o.failures];
      if (o.ms > limitMs) {
        // The command that took longest names it: the audit ('analyze': parse, detect, classify, and the report), a fix, or the analysis after one.
        const stage = o.slowest === 'fix' ? 'fix: plan' : o.slowest === 're-analyse' ? 'fix: re-analyse' : 'analyze';
        failures.push({ kind: 'slow', stage, message: `took ${Math.round(o.ms)} ms of CPU (${Math.round(o.wallMs)} ms wall) in ${o.slowest ?? 'the audit'}; ${Object.entries(o.stageMs).map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', ')}` });
      }
      return { failures, ms: o.ms };
    }
    case 'killed': {
      const parts = Object.entries(result.stageMs).sort((a, b) => b[1] - a[1]);
      const spent = parts.map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', ');
      return { failures: [{ kind: 'slow', stage: parts[0]?.[0] ?? result.stage, message: `${result.cpu ? `stopped after ${Math.round(result.ms)} ms of CPU` : `stopped after ${Math.round(result.ms)} ms (wall time)`} in ${result.stage}; ${spent}` }], ms: result.ms };
    }
    case 'crashed':
      return { failures: [{ kind: 'crash', stage: result.stage, message: result.message.split('\n')[0], stack: result.message }], ms: null };
    case 'generation-error':
      return { failures: [{ kind: 'crash', stage: 'generate', message: `the fuzzer could not make this input: ${result.message.split('\n')[0]}`, stack: result.message }], ms: null };
  }
}

export async function fuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const began = Date.now();
  const start = options.start ?? 0;
  const limitMs = options.limitMs ?? 2000;
  const killMs = options.killMs ?? 120_000;
  const cpuLimitMs = options.cpuLimitMs ?? limitMs * 1.5;
  const log = options.log ?? (() => undefined);
  const scratch = mkdtempSync(join(tmpdir(), 'batchwise-fuzz-'));
  const pool = new Pool({ size: options.workers ?? 2, killMs, cpuLimitMs, scratch, workerFile: options.workerFile });
  const times = new Float64Array(options.count);
  let timed = 0;
  const summary: FuzzSummary = {
    seed: options.seed, start, count: options.count, ran: 0, exceptions: 0, slow: 0, slowOnce: 0, reparseFailures: 0, userTextFailures: 0, commentFailures: 0,
    p50: 0, p99: 0, max: 0, findings: 0, fixesOffered: 0, fixesApplied: 0, refusals: {}, containedErrors: {}, failures: [], elapsedMs: 0, reruns: [],
  };
  const bySignature = new Map<string, { record: FailureRecord; input: FuzzInput }>();
  /** Slow inputs (over the CPU limit, or stopped) with their time, to run again alone at the end. */
  const toRunAlone = new Map<number, number>();

  const record = (failure: Failure, index: number, ms: number[] | undefined) => {
    let input = failure.kind === 'slow' ? generateInput(options.seed, index) : undefined;
    const signature = signatureOf(failure, input);
    const known = bySignature.get(signature);
    if (known) {
      known.record.count++;
      if (known.record.indices.length < 10) known.record.indices.push(index);
      return;
    }
    input ??= generateInput(options.seed, index);
    const dir = join(options.outDir, `${String(bySignature.size + 1).padStart(3, '0')}-${slug(signature)}`);
    const rec: FailureRecord = { signature, kind: failure.kind, stage: failure.stage, message: failure.message, stack: failure.stack, count: 1, indices: [index], reproducer: dir, size: sizeOf(input), ...(ms ? { ms } : {}) };
    bySignature.set(signature, { record: rec, input });
    writeReproducer(dir, input, rec, false);
    log(`new failure #${bySignature.size}: ${signature}\n  input ${index}: ${input.mutations.join('; ')}\n  reproducer: ${dir}`);
  };

  let next = start;
  let lastLog = Date.now();
  const end = start + options.count;
  const progress = () => {
    const sorted = times.slice(0, timed).sort();
    log(`… ${summary.ran}/${options.count} inputs, ${summary.exceptions} exceptions, ${toRunAlone.size} slow so far (to run again alone), ${bySignature.size} distinct failures, p50 ${Math.round(percentile(sorted, 0.5))} ms, p99 ${Math.round(percentile(sorted, 0.99))} ms, ${Math.round((Date.now() - began) / 1000)} s`);
    saveProgress(sorted);
  };
  // A long run's figures so far, on disk: a run that is stopped (or dies) before its summary still
  // leaves what it measured, and which inputs were slow.
  const saveProgress = (sorted: Float64Array) => {
    const state = { ...summary, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.length ? sorted[sorted.length - 1] : 0, elapsedMs: Date.now() - began, failures: [...bySignature.values()].map((v) => v.record), slowBeside: Object.fromEntries(toRunAlone) };
    try {
      mkdirSync(options.outDir, { recursive: true });
      writeFileSync(join(options.outDir, 'progress.json'), JSON.stringify(state, null, 1) + '\n');
    } catch {
      // progress is a convenience: the summary still comes at the end
    }
  };
  const lane = async () => {
    while (next < end) {
      const index = next++;
      const result = await pool.run({ seed: options.seed, index });
      summary.ran++;
      const { failures, ms } = failuresOf(result, limitMs);
      const slow = failures.some((f) => f.kind === 'slow');
      if (ms !== null && !slow) times[timed++] = ms;
      if (result.kind === 'done') {
        const o = result.outcome;
        summary.findings += o.findings;
        summary.fixesOffered += o.fixesOffered;
        summary.fixesApplied += o.fixesApplied;
        for (const r of o.refusals) summary.refusals[normalise(r)] = (summary.refusals[normalise(r)] ?? 0) + 1;
        for (const e of o.containedErrors) summary.containedErrors[normalise(e)] = (summary.containedErrors[normalise(e)] ?? 0) + 1;
      }
      if (failures.some((f) => f.kind === 'exception' || f.kind === 'crash')) summary.exceptions++;
      if (failures.some((f) => f.kind === 'reparse')) summary.reparseFailures++;
      if (failures.some((f) => f.kind === 'user-text')) summary.userTextFailures++;
      if (failures.some((f) => f.kind === 'comments')) summary.commentFailures++;
      for (const f of failures) {
        if (f.kind === 'slow') toRunAlone.set(index, ms ?? killMs);
        else record(f, index, undefined);
      }
      if (Date.now() - lastLog > 30_000) {
        lastLog = Date.now();
        progress();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.workers ?? 2 }, lane));
    progress();

    // A slow input runs again, alone and with more time, before it counts. Beside the other workers a
    // thread's CPU time often grows too (they share caches, memory and the cores with the collectors'
    // threads): seed 20261208 input 32202 took 2,324 ms there and 1,820 ms alone. Alone, one run is
    // still one sample of a noisy machine: the same input (seed 20261209's 18999) took 1,836, 1,896,
    // 1,971 and 2,002 ms in four runs of its own. So it runs alone up to three times and the median
    // decides: two runs on the same side of the limit settle it, a third breaks a tie.
    for (const [index, first] of toRunAlone) {
      const alone: number[] = [];
      let slowRun: Failure | undefined;
      const other: Failure[] = [];
      while (alone.length < ALONE_RUNS) {
        const again = failuresOf(await pool.run({ seed: options.seed, index }, killMs * 3), limitMs);
        alone.push(again.ms ?? killMs * 3);
        const slow = again.failures.find((f) => f.kind === 'slow');
        if (slow) slowRun ??= slow;
        for (const f of again.failures) if (f.kind !== 'slow' && !other.some((o) => o.kind === f.kind && o.message === f.message)) other.push(f);
        const over = alone.filter((ms) => ms > limitMs).length;
        if (over * 2 > ALONE_RUNS || (alone.length - over) * 2 > ALONE_RUNS) break; // a majority either way
      }
      const median = [...alone].sort((a, b) => a - b)[Math.floor(alone.length / 2)];
      times[timed++] = median;
      const slow = median > limitMs;
      summary.reruns.push({ index, first: Math.round(first), alone: Math.round(median), aloneRuns: alone.map(Math.round), slow });
      if (slow) {
        summary.slow++;
        record(slowRun!, index, [first, ...alone].map(Math.round)); // a median over the limit has a run over it
      } else summary.slowOnce++;
      for (const f of other) record(f, index, undefined);
      saveProgress(times.slice(0, timed).sort());
    }

    const sorted = times.slice(0, timed).sort();
    summary.p50 = percentile(sorted, 0.5);
    summary.p99 = percentile(sorted, 0.99);
    summary.max = sorted.length ? sorted[sorted.length - 1] : 0;

    if (options.shrink !== false) {
      for (const { record: rec, input } of bySignature.values()) {
        const fails = async (candidate: FuzzInput) => {
          const r = await pool.run({ input: candidate });
          return failuresOf(r, limitMs).failures.some((f) => signatureOf(f, input) === rec.signature || (rec.kind === 'slow' && f.kind === 'slow'));
        };
        const shrunk = await shrink(input, fails, { deadline: Date.now() + (options.shrinkMs ?? 120_000), maxAttempts: rec.kind === 'slow' ? 60 : 2000 });
        rec.shrunkSize = sizeOf(shrunk.input);
        writeReproducer(rec.reproducer, shrunk.input, rec, true);
        log(`shrunk #${[...bySignature.values()].findIndex((v) => v.record === rec) + 1} from ${rec.size} to ${rec.shrunkSize} characters in ${shrunk.attempts} runs`);
      }
    }
  } finally {
    await pool.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  summary.failures = [...bySignature.values()].map((v) => v.record);
  summary.elapsedMs = Date.now() - began;
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, 'summary.json'), JSON.stringify(summary, null, 1) + '\n');
  return summary;
}

/** The summary as the lines `bench/fuzz.ts` prints. */
export function formatSummary(s: FuzzSummary): string {
  const out = [
    `seed ${s.seed}, inputs ${s.start}..${s.start + s.count - 1}: ${s.ran} run in ${Math.round(s.elapsedMs / 1000)} s`,
    `exceptions: ${s.exceptions}`,
    `slow inputs (over the limit in CPU time or stopped, beside the other workers and again alone, the median of up to ${ALONE_RUNS} runs): ${s.slow}${s.slowOnce ? ` (${s.slowOnce} more were slow beside the other workers, not alone)` : ''}`,
    ...s.reruns.map((r) => `  input ${r.index}: ${r.first} ms beside the other workers, ${r.alone} ms alone${r.aloneRuns.length > 1 ? ` (median of ${r.aloneRuns.join(', ')})` : ''}${r.slow ? ' (slow)' : ''}`),
    `fix outputs that do not parse: ${s.reparseFailures}; fixes that lose user text: ${s.userTextFailures}; files whose comments differ from the parser's: ${s.commentFailures}`,
    `time per input (CPU of its slowest command): p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, max ${s.max.toFixed(0)} ms`,
    `findings ${s.findings}, fixes offered ${s.fixesOffered}, applied ${s.fixesApplied}`,
  ];
  const refusals = Object.entries(s.refusals).sort((a, b) => b[1] - a[1]);
  if (refusals.length) out.push('offered fixes refused when planned:', ...refusals.slice(0, 10).map(([r, n]) => `  ${String(n).padStart(6)}  ${r}`));
  const contained = Object.entries(s.containedErrors).sort((a, b) => b[1] - a[1]);
  if (contained.length) out.push('internal errors the analysis caught (errors entries):', ...contained.slice(0, 10).map(([r, n]) => `  ${String(n).padStart(6)}  ${r}`));
  out.push(`distinct failures: ${s.failures.length}`);
  for (const [i, f] of s.failures.entries()) {
    out.push(`  ${i + 1}. ${f.signature}`, `     ${f.count} input(s), first ${f.indices[0]}; ${f.shrunkSize !== undefined ? `shrunk ${f.size} → ${f.shrunkSize} chars` : `${f.size} chars`}${f.ms ? `; ${f.ms.join(' ms, ')} ms` : ''}`, `     reproducer: ${f.reproducer}`);
  }
  return out.join('\n');
}
