// The worker side of TokenThread: loads the encodings off the caller's thread, then answers each
// count through the shared memory the caller waits on. Started by tokenThread.ts; not imported.
import { parentPort, workerData } from 'node:worker_threads';
import { countWithEncoding, EncodingName } from '../core/estimate/tokens';
import { tiktokenRanks } from '../core/heavy';
import { FAILED, READY } from './tokenThread';
import { collectGarbage } from './collect';

const state = new Int32Array(workerData.shared as SharedArrayBuffer);
const started = Date.now();
// Loading an encoding is the slow part, and it happens here. Ready once o200k_base is loaded (most
// models use it, and it takes the longest); cl100k_base loads with the first count that needs it, here
// too, not on the caller's thread.
// The shared slot says so too, for a caller that waits blocked and cannot read a message meanwhile.
try {
  countWithEncoding('warm', 'o200k_base');
  // cl100k_base's ranks are read now too (the encoding itself is built with its first count): a first
  // embedding count then fits in the caller's wait.
  tiktokenRanks('cl100k_base');
} catch (err) {
  Atomics.store(state, 2, FAILED);
  Atomics.notify(state, 2);
  throw err;
}
// Building leaves the ranks' parsed text behind as garbage (about 90 MB): an idle worker would keep it.
collectGarbage();
Atomics.store(state, 2, READY);
Atomics.notify(state, 2);
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
