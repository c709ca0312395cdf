// The worker side of TokenThread: loads the encodings off the caller's thread, then answers each
// count through the shared memory the caller waits on. Started by tokenThread.ts; not imported.
import { parentPort, workerData } from 'node:worker_threads';
import { countWithEncoding, EncodingName } from '../core/estimate/tokens';

const state = new Int32Array(workerData.shared as SharedArrayBuffer);
const started = Date.now();
// Loading both encodings now is the point: it is the slow part, and it happens here.
countWithEncoding('warm', 'o200k_base');
countWithEncoding('warm', 'cl100k_base');
parentPort!.postMessage({ type: 'ready', ms: Date.now() - started });

parentPort!.on('message', (m: { seq: number; text: string; encoding: EncodingName }) => {
  let count = -1;
  try {
    count = countWithEncoding(m.text, m.encoding);
  } catch {
    // -1: the caller counts it itself
  }
  Atomics.store(state, 1, count);
  Atomics.store(state, 0, m.seq);
  Atomics.notify(state, 0);
});
