// A stand-in for the fuzz worker in the pool's tests: input 'spin' keeps the CPU busy forever,
// 'sleep' blocks without using the CPU, 'throw' kills the thread; 'check-spin' and 're-analyse-spin'
// use a second of CPU time in the fuzzer's own check of a fix's output, or in the re-analysis after
// it, then answer; anything else answers at once.
import { parentPort } from 'node:worker_threads';
import { threadCpuMs, threadId } from '../../fuzz/clock';

const port = parentPort!;
port.postMessage({ ready: true, tid: threadId() });
const counts = new Map<number, number>();
port.on('message', (job: { id: number; input?: { target: string }; index?: number }) => {
  port.postMessage({ id: job.id, stage: 'analyze' });
  // A job of a fuzz run (a seed and an index): input 1 is over the limit the first time it runs only,
  // input 2 every time, input 3 the first two times (beside the others, then in its first run alone).
  const runs = job.index === undefined ? 0 : (counts.get(job.index) ?? 0) + 1;
  if (job.index !== undefined) counts.set(job.index, runs);
  const ms = job.index === 2 || (job.index === 1 && runs === 1) || (job.index === 3 && runs <= 2) ? 5000 : 1;
  const what = job.input?.target ?? 'fine';
  if (what === 'spin') for (;;);
  if (what === 'sleep') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  if (what === 'throw') throw new Error('the worker broke');
  const stage = what === 'check-spin' ? 'fix 1: check' : what === 're-analyse-spin' ? 'fix 1: re-analyse' : null;
  if (stage) {
    port.postMessage({ id: job.id, stage: 'fix 1: plan' });
    port.postMessage({ id: job.id, stage });
    // A second of this thread's CPU time, however long the machine takes to give it.
    const until = threadCpuMs() + 1000;
    while (threadCpuMs() < until);
    port.postMessage({ id: job.id, stage: 'fix 1: re-analyse' === stage ? 'report' : 'fix 1: re-analyse' });
  }
  port.postMessage({ id: job.id, outcome: { ms, wallMs: ms, auditMs: ms, fixMs: [], stageMs: {}, findings: 0, fixesOffered: 0, fixesApplied: 0, refusals: [], containedErrors: [], failures: [] } });
});
