// A full garbage collection on request, for the moments the engine knows a large share of the heap has
// just become garbage (the syntax models dropped between files). V8 otherwise lets the heap grow to two
// or three times what it holds alive before it collects: a 15,000-file monorepo's audit peaked at
// 1.4 GB with 160 MB alive after each drop.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | null | undefined;

/** Runs a full collection; nothing where the runtime gives no way to ask for one. */
export function collectGarbage(): void {
  if (collector === undefined) collector = findCollector();
  collector?.();
}

function findCollector(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    // The flag makes new contexts get `gc`; the main context's globals stay as they were.
    setFlagsFromString('--expose-gc');
    const found: unknown = runInNewContext('gc');
    return typeof found === 'function' ? (found as () => void) : null;
  } catch {
    return null;
  }
}
