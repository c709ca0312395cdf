// Job systems: BullMQ and Bull workers, Inngest functions, Trigger.dev tasks, Kafka and SQS consumers.
// A worker is decided by who starts its jobs: a request handler that waits for the result (or a client
// that polls for it) makes it user-waiting; bulk or scheduled producers make it batchable; anything
// else leaves it open. See docs/rules/queue-worker.md.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import type { ProjectIndex } from '../../project';
import { enclosingFunctionName } from '../../detect/detect';
import { propertyName } from '../../syntax/nodes';
import { openPath, Path, Span, toPath } from '../path';
import type { CallQuestion, OptionQuestion, RuleContext } from './hooks';
import { calleeName, literal, objectProps } from './read';
import { defineRule, entry } from './rule';
import { CRON_SCHEDULE } from './schedules';

export const QUEUE_WORKER = defineRule({
  id: 'queue-worker',
  effect: 'neutral',
  title: 'A queue worker, decided by its producers',
  messages: {
    kafka: (key: string, where: string) => `Kafka consumer (${key}) at ${where}; the producers of a Kafka topic are not traced, so whether someone waits for each message's answer is unclear`,
    sqs: (key: string, where: string) => `SQS consumer (${key}) at ${where}; the producers of an SQS queue are not traced, so who waits is unclear`,
    nothingStarts: (kind: string, id: string, where: string) => `${kind} '${id}' at ${where}; nothing in the workspace starts it`,
    noProducer: (queue: string, where: string) => `queue worker for '${queue}' at ${where}; no producer found in the workspace`,
    nestEvent: (decorator: string, where: string) => `NestJS @${decorator}() handler at ${where}; who emits the event and whether they wait is not traced`,
    firebase: (trigger: string, where: string) => `Firebase event trigger (${trigger}) at ${where}: whoever causes the event (a person's write, a bulk import) is not traced, so who waits is unclear`,
    lambda: (what: string) => `${what}; who sends those events is not traced, so who waits is unclear`,
    cloudflare: (where: string) => `Cloudflare Queues consumer (\`queue\` of the default export) at ${where}; its producers are not traced, so who waits is unclear`,
    // A worker and one of its producers, as one path judges them.
    jobWorker: (kind: string, id: string, where: string) => `the ${kind} '${id}' (${where})`,
    queueWorker: (queue: string, where: string) => `the '${queue}' worker at ${where}`,
    startedWith: (method: string) => `started with ${method}`,
    enqueuedWith: (method: string) => `enqueued with ${method}`,
    waits: (entry: string, worker: string, how: string, producer: string) => `${entry}; ${worker} is ${how} at ${producer} and the handler waits for its result`,
    polled: (entry: string, worker: string, how: string, producer: string, poll: string) => `${entry}; ${worker} is ${how} at ${producer}, and the client polls for the result: ${poll}`,
    polledBulk: (entry: string, worker: string, how: string, producer: string, poll: string) => `${worker} is ${how} in bulk at ${producer} by a request handler (${entry}), and a client may poll for the results: ${poll}`,
    bulkNoWait: (entry: string, worker: string, how: string, producer: string) =>
      `${entry}; ${worker} is ${how} in bulk at ${producer} and the handler answers without waiting for the jobs, so they can wait for a batch. ` +
      'If the client polls for these results, declare the call with `// batchwise: user-waiting`',
    noWait: (entry: string, worker: string, how: string, producer: string) =>
      `${worker} is ${how} at ${producer} by a request handler (${entry}) that does not wait for the result; whether the person who sent it waits for the job is unclear`,
    fromBatch: (entry: string, worker: string, how: string, bulk: boolean, producer: string) => `${entry}; ${worker} is ${how}${bulk ? ' in bulk' : ' from a batch path'} at ${producer}`,
    unknownRunner: (entry: string, worker: string, how: string, bulk: boolean, producer: string) =>
      `${worker} is ${how}${bulk ? ' in bulk' : ''} at ${producer}, but nothing shows who runs that code or whether it waits for the result (${entry})`,
    poller: (entry: string, method: string, where: string) => `${entry} reads its jobs back with ${method} at ${where}`,
  },
});

export const RULES = [QUEUE_WORKER] as const;

interface JobDefinition {
  kind: 'Inngest function' | 'Trigger.dev task';
  id: string;
  /** Event name that triggers it (Inngest). */
  event?: string;
  cron?: string;
}

/** `inngest.createFunction({ id }, { event } | { cron }, handler)` or Trigger.dev `task({ id, run })` / `schedules.task({ id, cron, run })`. */
function jobDefinition(call: TSESTree.CallExpression | TSESTree.NewExpression): JobDefinition | null {
  if (call.type !== T.CallExpression) return null;
  const callee = call.callee;
  const method = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : callee.type === T.Identifier ? callee.name : null;
  if (method === 'createFunction' && call.arguments.length >= 3) {
    const id = literal(objectProps(call.arguments[0]).get('id')) ?? literal(objectProps(call.arguments[0]).get('name'));
    const trigger = objectProps(call.arguments[1]);
    if (!id) return null;
    return { kind: 'Inngest function', id, event: literal(trigger.get('event')), cron: literal(trigger.get('cron')) };
  }
  if ((method === 'task' || method === 'schemaTask') && call.arguments.length === 1) {
    const props = objectProps(call.arguments[0]);
    const id = literal(props.get('id'));
    if (!id || !props.has('run')) return null;
    const scheduled = callee.type === T.MemberExpression && callee.object.type === T.Identifier && callee.object.name === 'schedules';
    return { kind: 'Trigger.dev task', id, cron: scheduled ? literal(props.get('cron')) ?? '' : undefined };
  }
  return null;
}

/** Does this `.send(...)` / `.trigger(...)` start the job? By event name (Inngest) or task id (Trigger.dev). */
function producerNames(call: TSESTree.CallExpression, job: JobDefinition): boolean {
  const first = call.arguments[0];
  if (job.kind === 'Inngest function') {
    const events = first?.type === T.ArrayExpression ? first.elements : [first];
    return events.some((e) => e?.type === T.ObjectExpression && literal(objectProps(e).get('name')) === job.event);
  }
  return literal(first) === job.id;
}

/** An Inngest function or a Trigger.dev task, defined by the call its handler is handed to (directly or in its options). */
export function jobEntry(q: CallQuestion): Path[] | null {
  const job = jobDefinition(q.call);
  return job && q.call.type === T.CallExpression ? jobPaths(q, q.call, job) : null;
}

/**
 * Inngest functions and Trigger.dev tasks: a cron trigger is a schedule; otherwise the verdict comes
 * from whoever sends the event or triggers the task, as for queue workers.
 */
function jobPaths(q: RuleContext & { file: string }, call: TSESTree.CallExpression, job: JobDefinition): Path[] {
  const { file, project } = q;
  const where = `${file}:${call.loc.start.line}`;
  if (job.cron) return [toPath(entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.job(job.kind, job.id, job.cron, where), call, { schedule: job.cron }), file)];
  const paths: Path[] = [];
  const methods = job.kind === 'Inngest function' ? ['send'] : ['trigger', 'batchTrigger', 'triggerAndWait', 'batchTriggerAndWait', 'triggerAndPoll'];
  for (const f of project.files) {
    const text = project.text(f);
    if (!text || !text.includes(job.kind === 'Inngest function' ? job.event ?? job.id : job.id)) continue;
    const fi = project.get(f);
    if (!fi) continue;
    for (const method of methods) {
      for (const producer of fi.memberCalls(method)) {
        if (!producerNames(producer, job)) continue;
        const waits = /AndWait|AndPoll/.test(method);
        const bulk = /^batch/.test(method) || producer.arguments[0]?.type === T.ArrayExpression;
        const what = { worker: QUEUE_WORKER.messages.jobWorker(job.kind, job.id, where), producer: `${f}:${producer.loc.start.line}`, how: QUEUE_WORKER.messages.startedWith(method) };
        for (const p of q.walk(f, producer)) paths.push(producerPath(p, what, bulk, () => waits));
      }
    }
  }
  if (paths.length === 0) paths.push(openPath(QUEUE_WORKER, QUEUE_WORKER.messages.nothingStarts(job.kind, job.id, where), file, call.loc.start.line));
  return paths;
}

/** A function under an options key a job system calls: a job's definition, a Kafka or SQS consumer. */
export function jobOption(q: OptionQuestion): Path[] | null {
  const { call, key, file } = q;
  const job = jobDefinition(call);
  if (job && call.type === T.CallExpression) return jobPaths(q, call, job);
  if (key === null) return null;
  const line = call.loc.start.line;
  if ((key === 'eachMessage' || key === 'eachBatch') && calleeName(call) === 'run') return [openPath(QUEUE_WORKER, QUEUE_WORKER.messages.kafka(key, `${file}:${line}`), file, line)];
  if (key === 'handleMessage' || key === 'handleMessageBatch') return [openPath(QUEUE_WORKER, QUEUE_WORKER.messages.sqs(key, `${file}:${line}`), file, line)];
  return null;
}

/** BullMQ `new Worker(name, processor)` or Bull `queue.process(fn)` on a `new Queue('name')`: a worker, judged by who enqueues. */
export function queueWorker(q: CallQuestion): Path[] | null {
  const queue = queueWorkerName(q) ?? bullProcessorQueue(q);
  return queue === null ? null : producerPaths(q, queue);
}

function queueWorkerName(q: CallQuestion): string | null {
  const { call } = q;
  if (call.type !== T.NewExpression || call.callee.type !== T.Identifier || call.callee.name !== 'Worker') return null;
  const first = call.arguments[0];
  return first ? q.stringOf(q.file)(first) : null;
}

function bullProcessorQueue(q: CallQuestion): string | null {
  const { call } = q;
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression) return null;
  if (propertyName(call.callee.property, call.callee.computed) !== 'process') return null;
  const target = q.evaluate(q.file, call.callee.object);
  return target?.kind === 'queue' ? target.name : null;
}

function producerPaths(q: CallQuestion, queue: string): Path[] {
  const { file, call: worker, project } = q;
  const where = `${file}:${worker.loc.start.line}`;
  const paths: Path[] = [];
  for (const f of project.files) {
    const text = project.text(f);
    if (!text || !/\.add(Bulk)?\s*\(/.test(text)) continue;
    const fi = project.get(f);
    if (!fi) continue;
    for (const call of [...fi.memberCalls('add'), ...fi.memberCalls('addBulk')]) {
      const callee = call.callee as TSESTree.MemberExpression;
      const target = q.evaluate(f, callee.object);
      if (target?.kind !== 'queue' || target.name !== queue) continue;
      const method = propertyName(callee.property, callee.computed)!;
      const what = { worker: QUEUE_WORKER.messages.queueWorker(queue, where), producer: `${f}:${call.loc.start.line}`, how: QUEUE_WORKER.messages.enqueuedWith(method) };
      const enclosing = { file: f, range: (fi.functionOf(call) ?? fi.ast).range };
      for (const p of q.walk(f, call)) {
        paths.push(producerPath(p, what, method === 'addBulk', () => waitsForJob(project, [...(p.spans ?? []), enclosing]), () => pollerOf(q, queue)));
      }
    }
  }
  if (paths.length === 0) paths.push(openPath(QUEUE_WORKER, QUEUE_WORKER.messages.noProducer(queue, where), file, worker.loc.start.line));
  return paths;
}

const pollers = new WeakMap<ProjectIndex, Map<string, string | null>>();

/**
 * A request handler that reads a job of the queue back (`queue.getJob(id)`, `Job.fromId(queue, id)`):
 * the client polls for the result, so the person who asked waits for it. The handler in words, or null.
 */
function pollerOf(q: RuleContext, queue: string): string | null {
  const { project } = q;
  let memo = pollers.get(project);
  if (!memo) pollers.set(project, (memo = new Map()));
  if (memo.has(queue)) return memo.get(queue)!;
  memo.set(queue, null);
  let found: string | null = null;
  for (const f of project.files) {
    if (found) break;
    const text = project.text(f);
    if (!text || !/\.(getJob|fromId)\s*\(/.test(text)) continue;
    const fi = project.get(f);
    const calls = fi ? [...fi.memberCalls('getJob'), ...fi.memberCalls('fromId')] : [];
    for (const call of calls) {
      const callee = call.callee as TSESTree.MemberExpression;
      const method = propertyName(callee.property, callee.computed)!;
      const held = method === 'getJob' ? callee.object : call.arguments[0];
      const target = held ? q.evaluate(f, held) : null;
      if (target?.kind !== 'queue' || target.name !== queue) continue;
      const route = q.walk(f, call).find((p) => p.effect === 'user-waiting');
      if (route) {
        found = QUEUE_WORKER.messages.poller(route.entry, method, `${f}:${call.loc.start.line}`);
        break;
      }
    }
  }
  memo.set(queue, found);
  return found;
}

const WAITS_FOR_JOB = /\.(waitUntilFinished|finished)\s*\(/;

/**
 * Does code on this path wait for the job it enqueued: `job.waitUntilFinished(events)`, Bull's
 * `job.finished()`, or a helper that does (`await waitFor(job)`, `jobs.map(waitFor)`)?
 */
function waitsForJob(project: ProjectIndex, spans: Span[]): boolean {
  const helpers = jobWaiters(project);
  const byName = helpers.length > 0 ? new RegExp(`\\b(${helpers.join('|')})\\b`) : null;
  return spans.some((s) => {
    const text = project.text(s.file)?.slice(s.range[0], s.range[1]) ?? '';
    return WAITS_FOR_JOB.test(text) || (byName !== null && byName.test(text));
  });
}

const waiters = new WeakMap<ProjectIndex, string[]>();

/** Names of the functions that wait for a job to finish. */
function jobWaiters(project: ProjectIndex): string[] {
  const memo = waiters.get(project);
  if (memo) return memo;
  const names = new Set<string>();
  for (const f of project.files) {
    const text = project.text(f);
    if (!text || !WAITS_FOR_JOB.test(text)) continue;
    const fi = project.get(f);
    if (!fi) continue;
    for (const method of ['waitUntilFinished', 'finished']) {
      for (const call of fi.memberCalls(method)) {
        const name = enclosingFunctionName(fi, call);
        if (name && /^[\w$]+$/.test(name)) names.add(name);
      }
    }
  }
  const list = [...names];
  waiters.set(project, list);
  return list;
}

/**
 * One path to a job's producer, judged on its own (docs/rules/queue-worker.md): a request handler that
 * waits for the job makes the worker user-waiting; one that answers without waiting leaves it unknown,
 * unless it started the jobs in bulk; a batch path makes it batchable; code that nothing is seen to
 * reach leaves it unknown, bulk or not.
 */
function producerPath(p: Path, what: { worker: string; producer: string; how: string }, bulk: boolean, waits: () => boolean, polled: () => string | null = () => null): Path {
  const m = QUEUE_WORKER.messages;
  // A loop over a request's items (`for (const m of req.body.messages) queue.add(…)`) or over a list
  // written in the code answers one person; only a loop over batch data enqueues in bulk.
  const inBulk = bulk || p.loops.some((l) => l.batchSource && !l.literal);
  if (p.effect === 'user-waiting') {
    if (waits()) return { ...p, entry: m.waits(p.entry, what.worker, what.how, what.producer) };
    // The handler answers at once, but another one hands the job's result to the client that polls for it.
    const poll = polled();
    if (poll && !inBulk) return { ...p, entry: m.polled(p.entry, what.worker, what.how, what.producer, poll) };
    if (poll) return { ...p, effect: 'open', rule: QUEUE_WORKER, entry: m.polledBulk(p.entry, what.worker, what.how, what.producer, poll) };
    if (inBulk) return { ...p, effect: 'batchable', rule: QUEUE_WORKER, entry: m.bulkNoWait(p.entry, what.worker, what.how, what.producer) };
    return { ...p, effect: 'open', rule: QUEUE_WORKER, entry: m.noWait(p.entry, what.worker, what.how, what.producer) };
  }
  if (p.effect === 'batchable') return { ...p, rule: QUEUE_WORKER, entry: m.fromBatch(p.entry, what.worker, what.how, inBulk, what.producer) };
  if (p.effect === 'excluded' || p.effect === 'blocked') return p;
  return { ...p, effect: 'open', rule: QUEUE_WORKER, entry: m.unknownRunner(p.entry, what.worker, what.how, inBulk, what.producer) };
}
