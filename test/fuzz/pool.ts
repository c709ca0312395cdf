// Worker threads that run fuzz inputs, each command of an input under a CPU-time limit (and each stage
// under a wall-time limit, for a thread that waits instead of working): a worker over a limit is
// terminated and replaced, and the input reported as stopped in that stage, so a hang costs one
// input, never the run.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { FuzzInput } from './mutate';
import { BOARD_BYTES, partsBoard, readBoard, type Outcome } from './pipeline';
import type { Job, WorkerMessage } from './worker';
import { taskCpuMs } from './clock';

export type JobResult =
  | { kind: 'done'; outcome: Outcome }
  /**
   * Stopped: `cpu` says whether `ms` is CPU time over the CPU limit, or wall time over the wall limit;
   * `stageMs` the CPU time of each part of the input until then.
   */
  | { kind: 'killed'; stage: string; ms: number; cpu: boolean; stageMs: Record<string, number> }
  | { kind: 'crashed'; stage: string; message: string; ms: number }
  | { kind: 'generation-error'; message: string };

export type JobSpec = { seed: number; index: number } | { input: FuzzInput };

export interface PoolOptions {
  size: number;
  /** A stage still running after this long (wall time) is a hang: its worker is terminated. */
  killMs: number;
  /** A command (the audit, a fix, an analysis after a fix) that has used this much CPU time is stopped. */
  cpuLimitMs: number;
  /** A folder the workers may write scratch files into (one subfolder each). */
  scratch: string;
  /** The worker script (tests of the pool give their own). */
  workerFile?: string;
}

/**
 * The stack a Node main thread gets (the CLI, the language server), measured as recursion depth; a
 * worker's default (4 MB) would hide stack overflows they hit.
 */
const STACK_SIZE_MB = 1.2;
/** Enough for a 1.5 MB file's AST several times over; an input that needs more is a crash to report. */
const HEAP_MB = 2048;

interface Running {
  id: number;
  killMs: number;
  resolve: (r: JobResult) => void;
  started: number;
  stage: string;
  /** Wall time the stage started, CPU time of the worker thread when the command started. */
  stageStarted: number;
  commandCpu: number | null;
  timer: NodeJS.Timeout | undefined;
}

/** Stages that start a command; the others ('report', 'fix N: apply') go on with the one before. */
const COMMAND_START = /^(analyze|fix \d+: (plan|check|re-analyse))$/;
/** The untimed checks of a fix's output (re-parse, user text): a 640 KB file's take seconds of the fuzzer's own parsing. */
const FUZZER_CHECK = /^fix \d+: check$/;
const POLL_MS = 200;

class Slot {
  worker!: Worker;
  ready!: Promise<void>;
  running: Running | null = null;
  private generation = 0;
  /** The worker thread's id, to read its CPU time; null where that cannot be done (wall time only). */
  private tid: number | null = null;
  /** Where the worker shows the CPU time of each part of the running input (pipeline.ts). */
  private board = partsBoard(new SharedArrayBuffer(BOARD_BYTES));

  constructor(
    private readonly n: number,
    private readonly options: PoolOptions,
    private readonly onIdle: () => void,
  ) {
    this.start();
  }

  private start(): void {
    const generation = ++this.generation;
    const worker = new Worker(this.options.workerFile ?? join(__dirname, 'worker.js'), {
      workerData: { scratch: join(this.options.scratch, `w${this.n}-${generation}`), board: this.board.buffer },
      resourceLimits: { stackSizeMb: STACK_SIZE_MB, maxOldGenerationSizeMb: HEAP_MB },
      stdout: false,
      stderr: false,
    });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: WorkerMessage) => {
        if ('ready' in m) {
          worker.off('message', onMessage);
          this.tid = m.tid;
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    this.ready.catch(() => undefined);
    worker.on('message', (m: WorkerMessage) => {
      const r = this.running;
      if (!r || 'ready' in m || m.id !== r.id) return;
      if ('stage' in m) {
        r.stage = m.stage;
        r.stageStarted = performance.now();
        // The fuzzer's own checks after a fix are no command of the product: only the wall-time stop watches them.
        if (COMMAND_START.test(m.stage)) r.commandCpu = FUZZER_CHECK.test(m.stage) ? null : this.cpu();
      } else if ('outcome' in m) this.finish({ kind: 'done', outcome: m.outcome });
      else this.finish({ kind: 'generation-error', message: m.generationError });
    });
    worker.on('error', (err) => {
      if (generation !== this.generation) return;
      const r = this.running;
      this.replace();
      if (r) this.finishWith(r, { kind: 'crashed', stage: r.stage, message: err.stack ?? String(err), ms: performance.now() - r.started });
    });
    worker.on('exit', (code) => {
      if (generation !== this.generation) return;
      const r = this.running;
      this.replace();
      if (r) this.finishWith(r, { kind: 'crashed', stage: r.stage, message: `the worker exited with code ${code}`, ms: performance.now() - r.started });
    });
  }

  private replace(): void {
    this.generation++; // the old worker's events are ignored from now on
    void this.worker.terminate();
    this.start();
  }

  private cpu(): number | null {
    return this.tid === null ? null : taskCpuMs(this.tid);
  }

  private watch(r: Running): void {
    r.timer = setInterval(() => {
      if (this.running !== r) return;
      const cpu = this.cpu();
      const used = cpu !== null && r.commandCpu !== null ? cpu - r.commandCpu : null;
      const over = used !== null && used > this.options.cpuLimitMs;
      if (over || performance.now() - r.stageStarted > r.killMs) {
        const stageMs = readBoard(this.board, cpu ?? 0);
        this.replace();
        this.finishWith(r, over ? { kind: 'killed', stage: r.stage, ms: used!, cpu: true, stageMs } : { kind: 'killed', stage: r.stage, ms: performance.now() - r.started, cpu: false, stageMs });
      }
    }, POLL_MS);
  }

  private finish(result: JobResult): void {
    if (this.running) this.finishWith(this.running, result);
  }

  private finishWith(r: Running, result: JobResult): void {
    clearInterval(r.timer);
    if (this.running === r) this.running = null;
    r.resolve(result);
    this.onIdle();
  }

  async run(id: number, spec: JobSpec, killMs: number, resolve: (r: JobResult) => void): Promise<void> {
    const r: Running = { id, killMs, resolve, started: 0, stage: 'generate', stageStarted: 0, commandCpu: null, timer: undefined };
    this.running = r;
    try {
      await this.ready;
    } catch {
      return; // the 'error' handler reported it and started a new worker
    }
    if (this.running !== r) return;
    r.started = r.stageStarted = performance.now();
    r.commandCpu = this.cpu();
    this.watch(r);
    this.worker.postMessage({ id, ...spec } as Job);
  }

  async close(): Promise<void> {
    this.generation++;
    await this.worker.terminate();
  }
}

export class Pool {
  private readonly slots: Slot[];
  private readonly queue: Array<{ spec: JobSpec; killMs: number; resolve: (r: JobResult) => void }> = [];
  private nextId = 1;

  constructor(private readonly options: PoolOptions) {
    this.slots = Array.from({ length: options.size }, (_, n) => new Slot(n, options, () => this.pump()));
  }

  /** Runs one input; `killMs` overrides the pool's wall-time limit for it. */
  run(spec: JobSpec, killMs = this.options.killMs): Promise<JobResult> {
    return new Promise((resolve) => {
      this.queue.push({ spec, killMs, resolve });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!this.queue.length) return;
      if (slot.running) continue;
      const job = this.queue.shift()!;
      void slot.run(this.nextId++, job.spec, job.killMs, job.resolve);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.close()));
  }
}
