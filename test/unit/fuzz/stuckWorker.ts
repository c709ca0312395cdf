// A stand-in for the fuzz worker in the pool's tests: input 'spin' keeps the CPU busy forever,
// 'sleep' blocks without using the CPU, 'throw' kills the thread; 'check-spin' and 're-analyse-spin'
// use a second of CPU time in the fuzzer's own check of a fix's output, or in the re-analysis after
// it, then answer; anything else answers at once.
import { parentPort } from 'node:worker_threads';
import { threadCpuMs, threadId } from '../../fuzz/clock';

const port = parentPort!;
port.postMessage({ ready: true, tid: threadId() });
port.on('message', (job: { id: number; input: { target: string } }) => {
  port.postMessage({ id: job.id, stage: 'analyze' });
  const what = job.input.target;
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
  port.postMessage({ id: job.id, outcome: { ms: 1, wallMs: 1, auditMs: 1, fixMs: [], stageMs: {}, findings: 0, fixesOffered: 0, fixesApplied: 0, refusals: [], containedErrors: [], failures: [] } });
});
