// Sequential work: a request that needs an earlier answer (an agent or tool-use loop, a multi-turn
// conversation, a running summary, one call's answer fed to the next). Nobody may wait for it, and
// still it cannot go to a batch API as written: each step would wait up to 24 hours for the last.
import type { Classification, Evidence } from '../../model';
import type { Dependence } from '../dependence';
import type { Loop } from '../path';
import { defineRule } from './rule';

export const SEQUENTIAL_DEPENDENCY = defineRule({
  id: 'sequential-dependency',
  effect: 'neutral',
  title: 'Each request needs the previous answer',
  messages: {
    loop: (carrier: string, line: number) =>
      `each request reads \`${carrier}\`, which this call's answer flows back into at line ${line}: every step needs the previous answer, so on a batch API each step would wait up to 24 hours. ` +
      'Not batchable as written and no saving is claimed; it would be if each request were built only from its item and values fixed before the loop',
    chain: (carrier: string, otherLine: number) =>
      `the request reads \`${carrier}\`, which holds the answer of the call at line ${otherLine}: it can only be sent once that answer is back. ` +
      'Not batchable as written and no saving is claimed; it would be if the request did not need that answer',
    producer: (carrier: string, otherLine: number) =>
      `its answer flows into the request of the call at line ${otherLine} (through \`${carrier}\`), which waits for it: the next step cannot start until this answer is back. ` +
      'Not batchable as written and no saving is claimed',
    toolLoop: (carrier: string, line: number) =>
      `the call runs in a loop that goes on while the answer asks for tools (\`${carrier}\`, line ${line}): each request carries the previous answer and its tool results. ` +
      'Not batchable as written and no saving is claimed; a single request without tools would be',
    multiStep: (carrier: string, line: number) =>
      `\`${carrier}\` with \`tools\` (line ${line}) makes this one call a tool loop: each step sends the previous step's answer and tool results, so a batch would take up to 24 hours per step. ` +
      'Not batchable as written and no saving is claimed; one step without tools would be',
    previousResponse: (carrier: string, line: number) =>
      `the request continues an earlier response (\`${carrier}\`, line ${line}): it needs that answer first. ` +
      'Not batchable as written and no saving is claimed; send the whole context in one request to make it batchable',
    agent: (carrier: string, line: number) =>
      `an agent run (\`${carrier}\`, line ${line}): the agent calls the model in a loop, feeding each answer and tool result into the next request. ` +
      'Not batchable as written and no saving is claimed',
    chatSession: (carrier: string, line: number) =>
      `a message on a chat session (\`${carrier}\`, line ${line}), which sends the earlier messages and replies with each new one: each turn needs the previous reply. ` +
      'Not batchable as written and no saving is claimed; independent single requests would be',
    graphState: (carrier: string) =>
      `the call runs in a step of a LangGraph graph that comes after steps which may make LLM calls in the same run (${carrier}): the graph's state carries their answers, and this request may read them, so it can only be sent once they are back. ` +
      'Not batchable as written and no saving is claimed',
    runs: (line: number) =>
      `for information: the loop at line ${line} starts independent runs of this sequence, so each step could be batched across the runs (one batch per step, up to 24 hours each, so N steps take up to N days). ` +
      'No saving is claimed for it and no fix is offered',
    runsFromCallers: (file: string, line: number) =>
      `for information: the sequence runs once per item of the loop at ${file}:${line}, so each step could be batched across those runs (one batch per step, up to 24 hours each, so N steps take up to N days). ` +
      'No saving is claimed for it and no fix is offered',
  },
});

export const RULES = [SEQUENTIAL_DEPENDENCY] as const;

const M = SEQUENTIAL_DEPENDENCY.messages;

/** The sentence that says why the call waits for an answer. */
export function dependenceMessage(d: Dependence, line: number, otherLine: number | null): string {
  switch (d.kind) {
    case 'loop':
      return M.loop(d.carrier, line);
    case 'chain':
      return M.chain(d.carrier, otherLine ?? line);
    case 'producer':
      return M.producer(d.carrier, otherLine ?? line);
    case 'tool-loop':
      return M.toolLoop(d.carrier, line);
    case 'multi-step':
      return M.multiStep(d.carrier, line);
    case 'previous-response':
      return M.previousResponse(d.carrier, line);
    case 'agent':
      return M.agent(d.carrier, line);
    case 'chat-session':
      return M.chatSession(d.carrier, line);
    case 'graph-state':
      return M.graphState(d.carrier);
  }
}

/**
 * The verdict of a call whose request needs an earlier answer: never batchable, and so no saving and no
 * fix. A person waiting on it stays the stronger fact. Independent runs of the sequence (one per item of a
 * dataset) are said as information, with their latency.
 */
export function sequentialVerdict(inferred: Classification, d: Dependence, file: string, callerLoops: readonly Loop[]): Classification {
  if (inferred.verdict === 'user-waiting') return inferred;
  const line = d.at.loc.start.line;
  const evidence: Evidence[] = [{ rule: SEQUENTIAL_DEPENDENCY.id, message: dependenceMessage(d, line, d.other?.loc.start.line ?? null), file, line }];
  if (d.runs) {
    evidence.push({ rule: SEQUENTIAL_DEPENDENCY.id, message: M.runs(d.runs.loc.start.line), file, line: d.runs.loc.start.line });
  } else {
    const data = callerLoops.find((l) => l.batchSource);
    if (data) evidence.push({ rule: SEQUENTIAL_DEPENDENCY.id, message: M.runsFromCallers(data.file, data.line), file: data.file, line: data.line });
  }
  return { verdict: 'unknown', confidence: 0.9, evidence: [...evidence, ...inferred.evidence] };
}
