// A fuzz worker thread: makes or receives an input, runs it through the pipeline, and reports each
// stage as it starts so the pool can stop a hung input and say where it hung.
import './sourceMaps';
import { parentPort, workerData } from 'node:worker_threads';
import { loadCorpus } from './corpus';
import { FuzzInput, generateInput } from './mutate';
import { partsBoard, runPipeline, useScratchFolder } from './pipeline';
import { threadId } from './clock';
import { countTokens } from '../../src/core/estimate';

export type Job = { id: number; seed: number; index: number } | { id: number; input: FuzzInput };
export type WorkerMessage = { ready: true; tid: number | null } | { id: number; stage: string } | { id: number; outcome: ReturnType<typeof runPipeline> } | { id: number; generationError: string };

const port = parentPort!;
const data = workerData as { scratch: string; board?: SharedArrayBuffer };
useScratchFolder(data.scratch);
const board = data.board ? partsBoard(data.board) : undefined;
// Warm up before the first timed input: the parser, both tokenizers' ranks, a fix. (Kept short: a
// worker stopped for a slow input is replaced, and warms up again.)
const corpus = loadCorpus();
const warm = corpus.find((p) => p.name === 'examples') ?? corpus[0];
runPipeline({ seed: 0, index: -1, origin: warm.name, files: warm.files, target: warm.sources[0], kinds: [], mutations: [] });
countTokens('warm', 'gpt-4o');
countTokens('warm', 'gpt-4');
port.postMessage({ ready: true, tid: threadId() } satisfies WorkerMessage);

port.on('message', (job: Job) => {
  let input: FuzzInput;
  try {
    input = 'input' in job ? job.input : generateInput(job.seed, job.index, corpus);
  } catch (err) {
    port.postMessage({ id: job.id, generationError: (err as Error).stack ?? String(err) } satisfies WorkerMessage);
    return;
  }
  const outcome = runPipeline(input, (stage) => port.postMessage({ id: job.id, stage } satisfies WorkerMessage), board);
  port.postMessage({ id: job.id, outcome } satisfies WorkerMessage);
});
