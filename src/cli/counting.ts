// The CLI counts tokens on a worker thread: building an encoding's tables (about half a second for
// o200k_base) then overlaps reading and parsing the tree instead of following it. The audit starts it
// when the import scan first reads a file that names an LLM SDK or provider, so a tree that names none
// never pays the encoding's memory (about 100 MB at the audit's peak). The counts are the same as in this thread, which counts
// itself where the worker cannot (an unbundled run, a failure).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { useTokenCounter } from '../core/estimate/tokens';
import { TokenThread } from '../workspace/tokenThread';

/** How long a count waits for the worker to load its encodings before this thread builds them too: the worker usually wins. */
const LOAD_WAIT_MS = 20_000;
/** How long one count waits for the worker's answer (a first count with cl100k_base builds it there). */
const COUNT_WAIT_MS = 20_000;

/** Starts the worker beside this bundle (dist/tokenWorker.js) and routes the engine's counts to it; false where there is none. */
export function countInWorker(script = join(__dirname, 'tokenWorker.js')): boolean {
  if (started) return true;
  if (!existsSync(script)) return false;
  const thread = TokenThread.start(script, { timeoutMs: COUNT_WAIT_MS });
  useTokenCounter(thread.blockingCounter(LOAD_WAIT_MS));
  started = true;
  return true;
}

/** One worker per process, however many analyses ask. */
let started = false;
