// Token counting in a worker thread, for a host whose main thread must not stall (the VS Code
// extension host): building an encoding takes a noticeable moment, and here it is taken on the worker.
// Counting stays synchronous for the engine: the caller posts the text and waits on shared memory
// (Atomics.wait) for the count, at most COUNT_TIMEOUT_MS. A count never falls back to the caller's
// thread: no answer in time is no count (the estimate approximates it and says so), and the worker,
// still busy with it, is replaced by a fresh one.
//   const t = TokenThread.start(pathToTokenWorkerJs);
//   await t.ready;                   // true once the encodings are loaded; false if the worker failed
//   useTokenCounter(t.counter);      // counts go to the worker; undefined when it cannot give one
import { Worker } from 'node:worker_threads';
import { countWithEncoding, type EncodingName, type TokenCounter } from '../core/estimate/tokens';

/** Longest wait for one count. Counting is linear and a text is counted up to MAX_COUNTED_CHARS, so only a stalled worker takes this long. */
export const COUNT_TIMEOUT_MS = 2000;
/** The shared slots (see `state`), and what the worker writes in the third when it has loaded, or failed to load, its encodings. */
const STATE_BYTES = 12;
export const READY = 1;
export const FAILED = -1;
/** Workers started in a row that never became ready: after this many, counting stays off (every count approximated). */
const MAX_FAILED_STARTS = 3;

export class TokenThread {
  /** Settles with whether the first worker loaded its encodings. */
  readonly ready: Promise<boolean>;
  /** How long the worker took to load the encodings, once it has. */
  loadMs: number | undefined;
  /** Workers started after one stopped answering. */
  restarts = 0;
  /** Each worker gets its own slot: a replaced one that still answers late cannot be mistaken for its successor. */
  /** [0] the sequence number of the last answer, [1] its count, [2] READY once the worker has loaded its encodings (FAILED if it could not). */
  private state = new Int32Array(new SharedArrayBuffer(STATE_BYTES));
  private worker: Worker | null = null;
  private usable = false;
  private disposed = false;
  private failedStarts = 0;
  private seq = 0;

  /** Settles with whether the latest worker (the first, or one started after a timeout) loaded its encodings. */
  current: Promise<boolean>;

  private constructor(
    private readonly script: string,
    private readonly timeoutMs: number,
  ) {
    this.ready = this.current = this.spawn();
  }

  static start(script: string, options: { timeoutMs?: number } = {}): TokenThread {
    return new TokenThread(script, options.timeoutMs ?? COUNT_TIMEOUT_MS);
  }

  /** The counter to install with useTokenCounter: the worker's count, or undefined, never a count on this thread. */
  readonly counter: TokenCounter = (text, encoding) => this.count(text, encoding);

  /**
   * For a caller that may block while the worker loads (the CLI, whose analysis runs without giving
   * its event loop a turn, so the worker's ready message would arrive too late): the worker's count,
   * waiting (once) up to `loadWaitMs` for its encodings through the shared memory; else this thread's count.
   * The counts are the same either way; only where the encodings are built differs.
   */
  blockingCounter(loadWaitMs: number): TokenCounter {
    // Waited for once: a worker that has not loaded by then is not waited for again.
    let waited = false;
    return (text, encoding) => {
      if (!waited && !this.usable && this.worker && !this.disposed) {
        waited = true;
        if (this.awaitLoaded(loadWaitMs)) this.usable = true;
      }
      return this.count(text, encoding) ?? countWithEncoding(text, encoding);
    };
  }

  /** Waits (blocking) until the current worker says through the shared memory that it loaded its encodings, or failed to, or `ms` pass. */
  private awaitLoaded(ms: number): boolean {
    const deadline = Date.now() + ms;
    for (;;) {
      const flag = Atomics.load(this.state, 2);
      if (flag !== 0) return flag === READY;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.state, 2, 0, left);
    }
  }

  /** The count, or undefined when the worker is not (or not yet, or no longer) able to give one in time. */
  count(text: string, encoding: EncodingName): number | undefined {
    if (!this.usable || !this.worker) return undefined;
    const seq = (this.seq = (this.seq % 0x7fffffff) + 1);
    this.worker.postMessage({ seq, text, encoding });
    const deadline = Date.now() + this.timeoutMs;
    for (let current = Atomics.load(this.state, 0); current !== seq; current = Atomics.load(this.state, 0)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        // Still busy with this text: a fresh worker takes the next counts once it is ready.
        this.replace();
        return undefined;
      }
      // Sleeps only while the slot still holds `current`: a count stored meanwhile ends the wait at once.
      Atomics.wait(this.state, 0, current, left);
    }
    const count = Atomics.load(this.state, 1);
    return count >= 0 ? count : undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.usable = false;
    void this.worker?.terminate();
    this.worker = null;
  }

  private spawn(): Promise<boolean> {
    this.state = new Int32Array(new SharedArrayBuffer(STATE_BYTES));
    const worker = new Worker(this.script, { workerData: { shared: this.state.buffer } });
    this.worker = worker;
    worker.unref(); // never keeps a process alive
    return new Promise<boolean>((resolve) => {
      const settle = (ok: boolean) => {
        if (this.worker !== worker) return resolve(false);
        this.usable = ok && !this.disposed;
        if (ok) this.failedStarts = 0;
        else this.failedStarts++;
        resolve(this.usable);
      };
      worker.once('message', (m: { type: string; ms: number }) => {
        if (m.type === 'ready') this.loadMs = m.ms;
        settle(m.type === 'ready');
      });
      worker.once('error', () => settle(false));
      worker.once('exit', () => {
        if (this.worker === worker) this.usable = false;
        settle(false);
      });
    });
  }

  private replace(): void {
    this.usable = false;
    const old = this.worker;
    this.worker = null;
    void old?.terminate();
    if (this.disposed || this.failedStarts >= MAX_FAILED_STARTS) return;
    this.restarts++;
    this.current = this.spawn();
  }
}
