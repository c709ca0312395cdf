// Token counting in a worker thread, for a host whose main thread must not stall (the VS Code
// extension host): loading o200k_base takes about a second, and here it takes it on the worker.
// Counting stays synchronous for the engine: the caller posts the text and waits on shared memory
// (Atomics.wait) for the count, which takes well under a millisecond once the worker is ready.
//   const t = TokenThread.start(pathToTokenWorkerJs);
//   await t.ready;                 // true once the encodings are loaded; false if the worker failed
//   t.count('some text', 'o200k_base')  // a number, or undefined: count in this thread instead
import { Worker } from 'node:worker_threads';
import type { EncodingName } from '../core/estimate/tokens';

/** Longest wait for one count before giving up on the worker (it is then stopped). */
const COUNT_TIMEOUT_MS = 5000;

export class TokenThread {
  readonly ready: Promise<boolean>;
  /** How long the worker took to load the encodings, once it has. */
  loadMs: number | undefined;
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;
  private usable = false;
  private seq = 0;

  private constructor(script: string) {
    this.worker = new Worker(script, { workerData: { shared: this.state.buffer } });
    this.worker.unref(); // never keeps a process alive
    this.ready = new Promise<boolean>((resolve) => {
      this.worker.once('message', (m: { type: string; ms: number }) => {
        this.usable = m.type === 'ready';
        this.loadMs = m.ms;
        resolve(this.usable);
      });
      this.worker.once('error', () => resolve((this.usable = false)));
      this.worker.once('exit', () => resolve((this.usable = false)));
    });
  }

  static start(script: string): TokenThread {
    return new TokenThread(script);
  }

  /** The count, or undefined when the worker is not (or no longer) able to give one. */
  count(text: string, encoding: EncodingName): number | undefined {
    if (!this.usable) return undefined;
    const seq = (this.seq = (this.seq % 0x7fffffff) + 1);
    this.worker.postMessage({ seq, text, encoding });
    const deadline = Date.now() + COUNT_TIMEOUT_MS;
    for (let current = Atomics.load(this.state, 0); current !== seq; current = Atomics.load(this.state, 0)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.dispose();
        return undefined;
      }
      // Sleeps only while the slot still holds `current`: a count stored meanwhile ends the wait at once.
      Atomics.wait(this.state, 0, current, left);
    }
    const count = Atomics.load(this.state, 1);
    return count >= 0 ? count : undefined;
  }

  dispose(): void {
    this.usable = false;
    void this.worker.terminate();
  }
}
