// A token worker for the tests of TokenThread: it speaks the same protocol as tokenWorker.ts, answers
// each text with its length, and never answers the text 'hang' (it spins, as a count that takes far
// too long would).
import { parentPort, workerData } from 'node:worker_threads';

const state = new Int32Array(workerData.shared as SharedArrayBuffer);
Atomics.store(state, 2, 1); // READY, for a caller waiting blocked
Atomics.notify(state, 2);
parentPort!.postMessage({ type: 'ready', ms: 0 });
parentPort!.on('message', (m: { seq: number; text: string }) => {
  if (m.text === 'hang') for (;;);
  Atomics.store(state, 1, m.text.length);
  Atomics.store(state, 0, m.seq);
  Atomics.notify(state, 0);
});
