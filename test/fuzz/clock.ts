// CPU time of a thread. The machine the fuzzer runs on is shared, so wall time says more about the
// neighbours than about the input; what an input costs is the CPU its thread spends on it. Linux
// keeps it per thread in /proc (schedstat: nanoseconds on a CPU); elsewhere the process's is used.
import { readFileSync } from 'node:fs';

function fromProc(path: string): number | null {
  try {
    return Number(readFileSync(path, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

let perThread = true;

/** Milliseconds of CPU the calling thread has used. */
export function threadCpuMs(): number {
  if (perThread) {
    const ms = fromProc('/proc/thread-self/schedstat');
    if (ms !== null) return ms;
    perThread = false;
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU ms of a thread of this process by its id, or null where that cannot be read. */
export function taskCpuMs(tid: number): number | null {
  return fromProc(`/proc/self/task/${tid}/schedstat`);
}

/** The calling thread's id (Linux), or null. */
export function threadId(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}
