// A stand-in for the fuzz worker in the pool's tests: input 'spin' keeps the CPU busy forever,
// 'sleep' blocks without using the CPU, 'throw' kills the thread, anything else answers at once.
import { parentPort } from 'node:worker_threads';
import { threadId } from '../../fuzz/clock';

const port = parentPort!;
port.postMessage({ ready: true, tid: threadId() });
port.on('message', (job: { id: number; input: { target: string } }) => {
  port.postMessage({ id: job.id, stage: 'analyze' });
  const what = job.input.target;
  if (what === 'spin') for (;;);
  if (what === 'sleep') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  if (what === 'throw') throw new Error('the worker broke');
  port.postMessage({ id: job.id, outcome: { ms: 1, wallMs: 1, auditMs: 1, fixMs: [], stageMs: {}, findings: 0, fixesOffered: 0, fixesApplied: 0, refusals: [], containedErrors: [], failures: [] } });
});
