// Job systems: BullMQ and Bull workers, Inngest functions, Trigger.dev tasks, Kafka and SQS consumers.
// A worker is decided by who starts its jobs: a request handler that waits for the result (or a client
// that polls for it) makes it user-waiting; bulk or scheduled producers make it batchable; anything
// else leaves it open. See docs/rules/queue-worker.md.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { nearestPackageJson, textTest, type ProjectIndex } from '../../project';
import { enclosingFunctionName } from '../../detect/detect';
import { isFunctionLike, propertyName, type FunctionLike } from '../../syntax/nodes';
import { visit } from '../../parse/walk';
import type { SyntaxModel } from '../../syntax/model';
import { openPath, Path, Span, toPath } from '../path';
import type { CallQuestion, FunctionQuestion, OptionQuestion, RuleContext } from './hooks';
import { calleeName, describeRef, escapeRegExp, literal, looksLikeCronSpec, objectProps } from './read';
import { defineRule, entry } from './rule';
import { CRON_SCHEDULE } from './schedules';
import { lineNumberAt } from '../../parse/lineNumbers';

// What a file's text must hold for a whole-tree search to parse it, asked by the import scan (`textTest`).
/** A call of a method that starts a Trigger.dev task (`.trigger(`, `.batchTriggerAndWait<…>(`). */
const STARTS_TASK = textTest((text) => text.includes('rigger') && /\.\s*(trigger|batchTrigger|triggerAndWait|batchTriggerAndWait|triggerAndPoll|triggerByTask|triggerByTaskAndWait)\s*[(<]/.test(text));
/** A call of `.send(`, as an Inngest event is sent. */
const SENDS_EVENT = textTest((text) => text.includes('send') && /\.\s*send\s*[(<]/.test(text));
/** A call of `.add(` or `.addBulk(`, as a queue takes a job. */
const ADDS_JOB = textTest((text) => text.includes('.add') && /\.add(Bulk)?\s*\(/.test(text));
/** A job looked up by its id (`queue.getJob(id)`, `Job.fromId(queue, id)`). */
const LOOKS_UP_JOB = textTest((text) => (text.includes('getJob') || text.includes('fromId')) && /\.(getJob|fromId)\s*\(/.test(text));
/** A page that may use Trigger.dev's React hooks. */
const USES_TRIGGER_HOOKS = textTest((text) => text.includes('@trigger.dev/react-hooks'));

export const QUEUE_WORKER = defineRule({
  id: 'queue-worker',
  effect: 'neutral',
  title: 'A queue worker, decided by its producers',
  messages: {
    kafka: (key: string, where: string) => `Kafka consumer (${key}) at ${where}; the producers of a Kafka topic are not traced, so whether someone waits for each message's answer is unclear`,
    sqs: (key: string, where: string) => `SQS consumer (${key}) at ${where}; the producers of an SQS queue are not traced, so who waits is unclear`,
    nothingStarts: (kind: string, id: string, where: string) => `${kind} '${id}' at ${where}; nothing in the workspace starts it`,
    noProducer: (queue: string, where: string) => `queue worker for '${queue}' at ${where}; no producer found in the workspace`,
    unreadName: (name: string, where: string) => `queue worker at ${where} for the queue named by \`${name}\`, which Batchwise cannot read, so it cannot find who enqueues its jobs`,
    nestEvent: (decorator: string, where: string) => `NestJS @${decorator}() handler at ${where}; who emits the event and whether they wait is not traced`,
    firebase: (trigger: string, where: string) => `Firebase event trigger (${trigger}) at ${where}: whoever causes the event (a person's write, a bulk import) is not traced, so who waits is unclear`,
    lambda: (what: string) => `${what}; who sends those events is not traced, so who waits is unclear`,
    cloudflare: (where: string) => `Cloudflare Queues consumer (\`queue\` of the default export) at ${where}; its producers are not traced, so who waits is unclear`,
    // A worker and one of its producers, as one path judges them.
    jobWorker: (kind: string, id: string, where: string) => `the ${kind} '${id}' (${where})`,
    queueWorker: (queue: string, where: string) => `the '${queue}' worker at ${where}`,
    startedWith: (method: string) => `started with ${method}`,
    enqueuedWith: (method: string) => `enqueued with ${method}`,
    enqueuedThrough: (fn: string, where: string) => `enqueued through ${fn} (which adds the job it is named at ${where})`,
    waits: (entry: string, worker: string, how: string, producer: string) => `${entry}; ${worker} is ${how} at ${producer} and the handler waits for its result`,
    polled: (entry: string, worker: string, how: string, producer: string, poll: string) => `${entry}; ${worker} is ${how} at ${producer}, and the client polls for the result: ${poll}`,
    polledBulk: (entry: string, worker: string, how: string, producer: string, poll: string) => `${worker} is ${how} in bulk at ${producer} by a request handler (${entry}), and a client may poll for the results: ${poll}`,
    bulkNoWait: (entry: string, worker: string, how: string, producer: string) =>
      `${entry}; ${worker} is ${how} in bulk at ${producer} and the handler answers without waiting for the jobs, so they can wait for a batch. ` +
      'If the client polls for these results, declare the call with `// batchwise: user-waiting`',
    noWait: (entry: string, worker: string, how: string, producer: string, follow: string) =>
      `${worker} is ${how} at ${producer} by a request handler (${entry}) that does not wait for the result, but ${follow}, so the person who sent it may be watching for this job. ` +
      'Declare the call with `// batchwise: batch` or `// batchwise: user-waiting`',
    noWaitQueued: (entry: string, worker: string, how: string, producer: string) =>
      `${entry}; ${worker} is ${how} at ${producer} and the handler answers without waiting for the job, and nothing in the workspace polls or subscribes to its result, so it can wait for a batch. ` +
      'If a client watches for this result, declare the call with `// batchwise: user-waiting`',
    realtime: (what: string, where: string) => `a client follows runs as they happen (${what} at ${where})`,
    watched: (entry: string, worker: string, how: string, producer: string, hook: string, where: string) =>
      `${entry}; ${worker} is ${how} at ${producer}, and a page follows this task's runs as they happen (${hook} at ${where}), so the person who sent the request watches for its result`,
    tokenHanded: (entry: string, worker: string, how: string, producer: string, token: string, line: number, hook: string, where: string) =>
      `${entry}; ${worker} is ${how} at ${producer}, and the handler gives its caller the access to follow that run (\`${token}\`, line ${line}), which pages of the same package do with Trigger.dev's realtime hooks (${hook} at ${where}), so the person who sent the request watches for its result`,
    polls: (what: string, where: string) => `a client polls for data (${what} at ${where})`,
    replies: (what: string, where: string) => `the job answers in a chat (${what} at ${where})`,
    fromBatch: (entry: string, worker: string, how: string, bulk: boolean, producer: string) => `${entry}; ${worker} is ${how}${bulk ? ' in bulk' : ' from a batch path'} at ${producer}`,
    unknownRunnerNoWait: (entry: string, worker: string, how: string, producer: string) =>
      `${worker} is ${how} at ${producer}, in a job, without waiting for it, and nothing in the workspace polls or subscribes to its result: whoever runs that job (${entry}) gets no answer from this one, so it can wait for a batch. ` +
      'If a client watches for this result, declare the call with `// batchwise: user-waiting`',
    unknownRunner: (entry: string, worker: string, how: string, bulk: boolean, producer: string) =>
      `${worker} is ${how}${bulk ? ' in bulk' : ''} at ${producer}, but nothing shows who runs that code or whether it waits for the result (${entry})`,
    poller: (entry: string, method: string, where: string) => `${entry} reads its jobs back with ${method} at ${where}`,
    registered: (cls: string, key: string, where: string) => `the job processor \`${cls}\`, kept under '${key}' at ${where}`,
    noJobProducer: (cls: string, key: string, where: string) => `the job processor \`${cls}\` is kept under '${key}' at ${where}; nothing in the workspace enqueues that job`,
    scheduled: (key: string, spec: string, where: string) => `the job '${key}' is scheduled on '${spec}' at ${where}`,
    temporalActivity: (activity: string, where: string, workflow: string, workflowAt: string) => `the Temporal activity '${activity}' (${where}), called by the workflow '${workflow}' (${workflowAt})`,
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
  if (method === 'createFunction' && call.arguments.length >= 2) {
    const options = objectProps(call.arguments[0]);
    const id = literal(options.get('id')) ?? literal(options.get('name'));
    if (!id || (call.arguments.length === 2 && !options.has('triggers'))) return null;
    // v3: `createFunction(options, trigger, handler)`; v4 keeps the triggers in the options. A trigger is an object or a list of them.
    const triggers = call.arguments.length >= 3 ? call.arguments[1] : options.get('triggers');
    const list = triggers?.type === T.ArrayExpression ? triggers.elements : [triggers];
    const fields = list.map((t) => objectProps(t ?? undefined));
    const event = fields.map((f) => literal(f.get('event'))).find((e) => e !== undefined);
    const cron = fields.map((f) => literal(f.get('cron'))).find((c) => c !== undefined);
    return { kind: 'Inngest function', id, event, cron };
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
  if (literal(first) === job.id) return true;
  // `batch.trigger([{ id: 'enrich', payload }, …])`, `batch.triggerAndWait(…)`: a list of runs, each naming its task.
  return first?.type === T.ArrayExpression && isBatchReceiver(call) && first.elements.some((e) => e?.type === T.ObjectExpression && literal(objectProps(e).get('id')) === job.id);
}

/** `batch.…(…)`: Trigger.dev's `batch` export, which starts runs of several tasks in one call. */
function isBatchReceiver(call: TSESTree.CallExpression): boolean {
  return call.callee.type === T.MemberExpression && call.callee.object.type === T.Identifier && call.callee.object.name === 'batch';
}

/** `batch.triggerByTask([{ task: enrich, payload }, …])` / `batch.triggerByTaskAndWait(…)`: a list of runs, each naming its task by its binding. */
function startsTaskInBatch(fi: SyntaxModel, call: TSESTree.CallExpression, taskName: string, sameFile: boolean): boolean {
  const first = call.arguments[0];
  if (first?.type !== T.ArrayExpression || !isBatchReceiver(call)) return false;
  return first.elements.some((e) => {
    const task = e?.type === T.ObjectExpression ? objectProps(e).get('task') : undefined;
    return task?.type === T.Identifier && boundToTask(fi, task, taskName, sameFile);
  });
}

/** `enrich.trigger(…)`: the receiver is the task's own binding, in its file or imported under the name it is exported by. */
function startsTask(fi: SyntaxModel, call: TSESTree.CallExpression, taskName: string, sameFile: boolean): boolean {
  const receiver = (call.callee as TSESTree.MemberExpression).object;
  return receiver.type === T.Identifier && boundToTask(fi, receiver, taskName, sameFile);
}

function boundToTask(fi: SyntaxModel, id: TSESTree.Identifier, taskName: string, sameFile: boolean): boolean {
  const b = fi.resolve(id);
  if (!b) return false;
  if (b.import) return b.import.imported === taskName;
  return sameFile && b.name === taskName && b.declarator !== undefined;
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
function jobPaths(q: RuleContext & { file: string; fi: SyntaxModel }, call: TSESTree.CallExpression, job: JobDefinition): Path[] {
  const { file, project } = q;
  // `export const enrich = task({ … })` is also started as `enrich.trigger(…)` where it is imported.
  const holder = q.fi.parents.get(q.fi.outermost(call));
  const taskName = job.kind === 'Trigger.dev task' && holder?.type === T.VariableDeclarator && holder.id.type === T.Identifier ? holder.id.name : null;
  const where = `${file}:${call.loc.start.line}`;
  const cron = job.cron ? toPath(entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.job(job.kind, job.id, job.cron, where), call, { schedule: job.cron }), file) : null;
  // A function on a schedule and an event both: each event's sender is a path of its own.
  if (cron && job.event === undefined) return [cron];
  const paths: Path[] = cron ? [cron] : [];
  const methods = job.kind === 'Inngest function' ? ['send'] : ['trigger', 'batchTrigger', 'triggerAndWait', 'batchTriggerAndWait', 'triggerAndPoll', 'triggerByTask', 'triggerByTaskAndWait'];
  // A file is parsed only when its text could hold a producer: a call of a method that starts the job
  // (`.trigger(`, `.send(`), and the job's id or event as a string literal (what producerNames reads) or
  // the task's exported name as a word (what startsTask follows). A bare substring let most of a large
  // repository through: Trigger.dev's own tree parsed 1,728 files for 140 with SDK tokens.
  const startsText = job.kind === 'Inngest function' ? SENDS_EVENT : STARTS_TASK;
  const quoted = new RegExp(`['"\`]${escapeRegExp(job.kind === 'Inngest function' ? job.event ?? job.id : job.id)}['"\`]`);
  const named = taskName !== null ? new RegExp(`(^|[^\\w$])${escapeRegExp(taskName)}($|[^\\w$])`) : null;
  // Inngest's realtime subscriptions stream what functions publish: one that publishes nothing is followed only by a run lookup.
  let followedBy: keyof typeof FOLLOWS | null = null;
  const follows = () => (followedBy ??= job.kind === 'Inngest function' && !mayPublish(q, call) ? 'Inngest run lookup' : job.kind);
  for (const f of project.filesPassing(startsText)) {
    const text = project.text(f);
    if (!text || (!quoted.test(text) && !named?.test(text))) continue;
    const fi = project.get(f);
    if (!fi) continue;
    for (const method of methods) {
      for (const producer of fi.memberCalls(method)) {
        if (!producerNames(producer, job) && !(taskName !== null && (startsTask(fi, producer, taskName, f === file) || startsTaskInBatch(fi, producer, taskName, f === file)))) continue;
        const waits = /AndWait|AndPoll/.test(method);
        // A `batch.*` call lists runs of several tasks, maybe one each: bulk only when it is batchTrigger-like over data.
        const bulk = /^batch/.test(method) || (producer.arguments[0]?.type === T.ArrayExpression && !isBatchReceiver(producer));
        const what = { worker: QUEUE_WORKER.messages.jobWorker(job.kind, job.id, where), producer: `${f}:${producer.loc.start.line}`, how: QUEUE_WORKER.messages.startedWith(method) };
        const watched = () => (taskName !== null ? typedFollower(project, taskName, file) : null) ?? (job.kind === 'Trigger.dev task' ? tokenFollower(project, fi, producer, f) : null);
        for (const p of q.walk(f, producer)) paths.push(producerPath(p, what, bulk, () => waits, () => null, () => followUpOf(project, follows(), file), watched));
      }
    }
  }
  if (paths.length === (cron ? 1 : 0)) paths.push(openPath(QUEUE_WORKER, QUEUE_WORKER.messages.nothingStarts(job.kind, job.id, where), file, call.loc.start.line));
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
  // `new Worker(dev ? 'jobs-dev' : 'jobs', fn)` works either queue: the producers of each are its paths.
  const queues = queueWorkerNames(q) ?? bullProcessorQueues(q);
  if (queues.length > 0) return queues.flatMap((queue) => producerPaths(q, queue));
  const unread = unreadQueueName(q);
  return unread ? [openPath(QUEUE_WORKER, QUEUE_WORKER.messages.unreadName(unread, `${q.file}:${q.call.loc.start.line}`), q.file, q.call.loc.start.line)] : null;
}

function queueWorkerNames(q: CallQuestion): string[] | null {
  const { call } = q;
  if (call.type !== T.NewExpression || call.callee.type !== T.Identifier || call.callee.name !== 'Worker') return null;
  const first = call.arguments[0];
  const names = first ? q.possibleStrings(q.file, first) : null;
  return names && names.size > 0 ? [...names].sort() : null;
}

/**
 * A BullMQ worker whose queue name Batchwise cannot read (`new Worker(name, processor)` in a helper that
 * takes the name): its producers cannot be found, so who waits is open. The name's expression, or
 * null when the call is no such worker (worker_threads' `new Worker(file, options)` takes no function).
 */
function unreadQueueName(q: CallQuestion): string | null {
  const { call } = q;
  if (call.type !== T.NewExpression || call.callee.type !== T.Identifier || call.callee.name !== 'Worker' || call.arguments.length < 2) return null;
  const [first, processor] = call.arguments;
  if (!isFunctionLike(processor) && processor.type !== T.Identifier) return null;
  return describeRef(first);
}

function bullProcessorQueues(q: CallQuestion): string[] {
  const { call } = q;
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression) return [];
  if (propertyName(call.callee.property, call.callee.computed) !== 'process') return [];
  const target = q.evaluate(q.file, call.callee.object);
  return target?.kind === 'queue' ? target.names : [];
}

function producerPaths(q: CallQuestion, queue: string): Path[] {
  const { file, call: worker, project } = q;
  const where = `${file}:${worker.loc.start.line}`;
  const paths: Path[] = [];
  for (const f of project.filesPassing(ADDS_JOB)) {
    const fi = project.get(f);
    if (!fi) continue;
    for (const call of [...fi.memberCalls('add'), ...fi.memberCalls('addBulk')]) {
      const callee = call.callee as TSESTree.MemberExpression;
      const target = q.evaluate(f, callee.object);
      if (target?.kind !== 'queue' || !target.names.includes(queue)) continue;
      const method = propertyName(callee.property, callee.computed)!;
      const what = { worker: QUEUE_WORKER.messages.queueWorker(queue, where), producer: `${f}:${call.loc.start.line}`, how: QUEUE_WORKER.messages.enqueuedWith(method) };
      const enclosing = { file: f, range: (fi.functionOf(call) ?? fi.ast).range };
      for (const p of q.walk(f, call)) {
        paths.push(producerPath(p, what, method === 'addBulk', () => waitsForJob(project, [...(p.spans ?? []), enclosing]), () => pollerOf(q, queue), () => followUpOf(project, 'queue', file)));
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
  for (const f of project.filesPassing(LOOKS_UP_JOB)) {
    if (found) break;
    const fi = project.get(f);
    const calls = fi ? [...fi.memberCalls('getJob'), ...fi.memberCalls('fromId')] : [];
    for (const call of calls) {
      const callee = call.callee as TSESTree.MemberExpression;
      const method = propertyName(callee.property, callee.computed)!;
      const held = method === 'getJob' ? callee.object : call.arguments[0];
      const target = held ? q.evaluate(f, held) : null;
      if (target?.kind !== 'queue' || !target.names.includes(queue)) continue;
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

const WAITS_FOR_JOB = textTest((text) => text.includes('inished') && /\.(waitUntilFinished|finished)\s*\(/.test(text));

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
  for (const f of project.filesPassing(WAITS_FOR_JOB)) {
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
export function producerPath(
  p: Path,
  what: { worker: string; producer: string; how: string },
  bulk: boolean,
  waits: () => boolean,
  polled: () => string | null,
  followed: () => string | null,
  watched: () => { hook: string; where: string; token?: { text: string; line: number } } | null = () => null,
): Path {
  const m = QUEUE_WORKER.messages;
  // A loop over a request's items (`for (const m of req.body.messages) queue.add(…)`) or over a list
  // written in the code answers one person; only a loop over batch data enqueues in bulk.
  const inBulk = bulk || p.loops.some((l) => l.batchSource && !l.literal);
  if (p.effect === 'user-waiting') {
    if (waits()) return { ...p, entry: m.waits(p.entry, what.worker, what.how, what.producer) };
    // A page subscribed to this very job's runs (not just to some run) shows its result as it comes.
    const live = watched();
    if (live?.token) return { ...p, entry: m.tokenHanded(p.entry, what.worker, what.how, what.producer, live.token.text, live.token.line, live.hook, live.where) };
    if (live) return { ...p, entry: m.watched(p.entry, what.worker, what.how, what.producer, live.hook, live.where) };
    // The handler answers at once, but another one hands the job's result to the client that polls for it.
    const poll = polled();
    if (poll && !inBulk) return { ...p, entry: m.polled(p.entry, what.worker, what.how, what.producer, poll) };
    if (poll) return { ...p, effect: 'open', rule: QUEUE_WORKER, entry: m.polledBulk(p.entry, what.worker, what.how, what.producer, poll) };
    if (inBulk) return { ...p, effect: 'batchable', rule: QUEUE_WORKER, entry: m.bulkNoWait(p.entry, what.worker, what.how, what.producer) };
    // The handler answers at once: the job waits in a queue anyway, unless a client follows it (a
    // realtime hook, a polling query) or the job answers the person itself (a chat reply).
    const follow = followed();
    if (follow) return { ...p, effect: 'open', rule: QUEUE_WORKER, entry: m.noWait(p.entry, what.worker, what.how, what.producer, follow) };
    return { ...p, effect: 'batchable', rule: QUEUE_WORKER, entry: m.noWaitQueued(p.entry, what.worker, what.how, what.producer) };
  }
  if (p.effect === 'batchable') return { ...p, rule: QUEUE_WORKER, entry: m.fromBatch(p.entry, what.worker, what.how, inBulk, what.producer), ...(waits() ? {} : { enqueuedOnly: true }) };
  if (p.effect === 'excluded' || p.effect === 'blocked') return p;
  // A job that starts this one without waiting for it, whoever runs that job: the answer reaches nobody
  // through it, as for a handler that answers at once, unless a client follows the job. (Code that is
  // not a job, say a package's exported function, may hand the job to a follower outside the workspace.)
  if (p.effect === 'open' && p.rule === QUEUE_WORKER && !waits() && !watched() && !polled() && !followed()) {
    return { ...p, effect: 'batchable', rule: QUEUE_WORKER, entry: m.unknownRunnerNoWait(p.entry, what.worker, what.how, what.producer) };
  }
  return { ...p, effect: 'open', rule: QUEUE_WORKER, entry: m.unknownRunner(p.entry, what.worker, what.how, inBulk, what.producer) };
}

/**
 * Whether an Inngest function may publish to a realtime channel (`publish(…)` from its context,
 * `inngest.realtime.publish(…)`): its own code says `publish`, its handler hands its whole context on,
 * or a function of its file it calls, or a module its file imports, calls `publish(`. Only then can a
 * realtime subscription (`useRealtime`, `useInngestSubscription`) follow it.
 */
function mayPublish(q: RuleContext & { file: string; fi: SyntaxModel }, call: TSESTree.CallExpression): boolean {
  const { fi, file, project } = q;
  if (PUBLISH_WORD.test(fi.src(call))) return true;
  const handler = call.arguments[call.arguments.length - 1];
  if (!handler || (handler.type !== T.ArrowFunctionExpression && handler.type !== T.FunctionExpression)) return true;
  if (handler.params[0]?.type === T.Identifier) return true;
  let calls = false;
  visit(handler, (n) => {
    if (calls) return false;
    if (n.type === T.CallExpression && n.callee.type === T.Identifier) {
      const declared = fi.resolve(n.callee)?.declaration;
      if (declared && PUBLISHES.test(fi.src(declared))) calls = true;
    }
    return undefined;
  });
  if (calls) return true;
  for (const stmt of fi.ast.body) {
    if (stmt.type !== T.ImportDeclaration || typeof stmt.source.value !== 'string') continue;
    const target = project.resolveImport(file, stmt.source.value);
    if (target && PUBLISHES.test(project.text(target) ?? '')) return true;
  }
  return false;
}
const PUBLISH_WORD = /\bpublish\b/;
const PUBLISHES = /\bpublish\s*\(/;

/** A job system's realtime subscriptions and run lookups: a client following a run as it goes. */
const FOLLOWS: Record<JobDefinition['kind'] | 'queue' | 'Inngest run lookup', RegExp> = {
  'Trigger.dev task': /\b(useRealtimeRun\w*|useRealtimeBatch|useRealtimeStream|useRun|useWaitToken)\s*(?:<[^<>()]*>\s*)?\(|\bruns\.(retrieve|poll|subscribeToRun\w*)\s*\(|\bmetadata\.stream\s*\(/,
  'Inngest function': /\b(useInngestSubscription|useRealtime|getSubscriptionToken)\s*\(|@inngest\/realtime|\bgetRuns\s*\(/,
  'Inngest run lookup': /\bgetRuns\s*\(/,
  queue: /\bnew QueueEvents\s*\(|\.getJobState\s*\(/,
};
/** A client that refetches on a timer (react-query, SWR, Apollo): it may be waiting for a job's result. */
const POLLS = /\b(refetchInterval|refreshInterval|pollInterval|pollingInterval)\s*:/;
/** A job that posts its answer into a conversation is a bot's reply; one that pushes it to a socket answers a client. */
export const REPLIES = /\.(postMessage|sendMessage|editMessageText|reply)\s*\(|\bsocketId\b|\.emit\s*\(|\bio\.to\s*\(|\bpushTo\w*\s*\(/;

const followUps = new WeakMap<ProjectIndex, Map<string, string | null>>();

/**
 * Why a job a request handler starts without waiting may still be waited for: a client following
 * the job system's runs, any client polling on a timer, or the worker's file replying in a chat.
 * `within` limits the clients to one folder (a deployable's own, in a repository of many). In words
 * with the place, or null.
 */
export function followUpOf(project: ProjectIndex, kind: keyof typeof FOLLOWS, workerFile: string, within = ''): string | null {
  let memo = followUps.get(project);
  if (!memo) followUps.set(project, (memo = new Map()));
  const key = `${kind}|${workerFile}|${within}`;
  if (memo.has(key)) return memo.get(key)!;
  const m = QUEUE_WORKER.messages;
  const at = (f: string, text: string, index: number) => `${f}:${lineNumberAt(text, index)}`;
  let found: string | null = null;
  const own = project.text(workerFile);
  const reply = own ? REPLIES.exec(own) : null;
  if (reply) found = m.replies(reply[0].slice(1, -1).trim(), at(workerFile, own!, reply.index));
  for (const f of project.files) {
    if (found) break;
    const text = within === '' || f.startsWith(`${within}/`) ? project.text(f) : undefined;
    if (!text) continue;
    const live = FOLLOWS[kind].exec(text);
    if (live) found = m.realtime(live[0].replace(/\s*(<[^<>()]*>\s*)?\($/, ''), at(f, text, live.index));
    const poll = live ? null : POLLS.exec(text);
    if (poll) found = m.polls(poll[1], at(f, text, poll.index));
  }
  memo.set(key, found);
  return found;
}

/** Trigger.dev's React hooks that subscribe to runs as they happen; a type argument names the task (`useRealtimeRun<typeof enrich>`). */
const REALTIME_HOOK = /^useRealtime(Run|RunWithStreams|RunsWithTag|Batch|TaskTrigger|TaskTriggerWithStreams)$/;
const typedFollowers = new WeakMap<ProjectIndex, Map<string, { hook: string; where: string } | null>>();

/**
 * A page that subscribes to runs of the task exported as `taskName` from `taskFile`, named by the hook's
 * type argument (`useRealtimeRun<typeof enrichCompany>(runId)`) whose name is imported from that file.
 * An untyped subscription may follow any task's runs: it is `followUpOf`'s weaker evidence.
 */
export function typedFollower(project: ProjectIndex, taskName: string, taskFile: string): { hook: string; where: string } | null {
  let memo = typedFollowers.get(project);
  if (!memo) typedFollowers.set(project, (memo = new Map()));
  const key = `${taskFile}|${taskName}`;
  if (memo.has(key)) return memo.get(key)!;
  let found: { hook: string; where: string } | null = null;
  const typed = new RegExp(`\\b(useRealtime\\w*)\\s*<\\s*typeof\\s+${escapeRegExp(taskName)}\\b`, 'g');
  for (const f of project.filesPassing(USES_TRIGGER_HOOKS)) {
    if (found) break;
    const text = project.text(f);
    if (!text) continue;
    const hooks = new Set([...text.matchAll(typed)].map((m) => m[1]).filter((h) => REALTIME_HOOK.test(h)));
    if (hooks.size === 0) continue;
    const fi = project.get(f);
    // `import type { enrich }` too: the hook's type argument is all the page uses it for.
    const task = fi?.lookup(taskName, fi.ast)?.import;
    if (!fi || !task || task.imported !== taskName || project.resolveImport(f, task.source) !== taskFile) continue;
    for (const hook of hooks) {
      if (found) break;
      for (const id of fi.identifiers(hook)) {
        const call = fi.parents.get(id);
        // Type arguments are not walked (walk.ts), so the call's own `typeArguments` is read.
        const query = call?.type === T.CallExpression && call.callee === id ? call.typeArguments?.params[0] : undefined;
        if (query?.type !== T.TSTypeQuery || query.exprName.type !== T.Identifier || query.exprName.name !== taskName) continue;
        if (fi.resolve(id)?.import?.source !== '@trigger.dev/react-hooks') continue;
        found = { hook: `${hook}<typeof ${taskName}>`, where: `${f}:${id.loc.start.line}` };
        break;
      }
    }
  }
  memo.set(key, found);
  return found;
}

/**
 * A page that follows a run the producer hands it the access to: the function that triggers the task
 * gives its caller the run's public access token (`handle.publicAccessToken`) or makes one
 * (`auth.createPublicToken(…)`), and a page of the project subscribes to runs with Trigger.dev's realtime
 * hooks (`useRealtimeRun(runId, { accessToken })`, `useRealtimeRunsWithTag`) within the producer's package.
 * A token is made for a browser to read runs with; without a page that reads them it is no evidence.
 */
function tokenFollower(project: ProjectIndex, fi: SyntaxModel, producer: TSESTree.CallExpression, file: string): { hook: string; where: string; token: { text: string; line: number } } | null {
  const fn = fi.functionOf(producer);
  const body = fn ? fi.src(fn) : null;
  const token = body ? HANDS_TOKEN.exec(body) : null;
  if (!fn || !token) return null;
  // A page of the same deployable: a repository of many apps has hooks that follow other apps' runs.
  const page = realtimeHook(project, packageDir(project, file));
  if (!page) return null;
  return { ...page, token: { text: token[0].replace(/\s*\($/, '(…)'), line: lineNumberAt(fi.text, fn.range[0] + token.index) } };
}
const HANDS_TOKEN = /\.publicAccessToken\b|\bauth\.createPublicToken\s*\(/;

/** The folder of the package.json nearest the file ('' for the root's own or none): one deployable of a repository of many. */
export function packageDir(project: ProjectIndex, file: string): string {
  return nearestPackageJson(file, (p) => project.text(p))?.dir ?? '';
}

const realtimeHooks = new WeakMap<ProjectIndex, Map<string, { hook: string; where: string } | null>>();

/** The first untyped call of Trigger.dev's realtime hooks (imported from @trigger.dev/react-hooks) in a file of the project under `within`. */
function realtimeHook(project: ProjectIndex, within: string): { hook: string; where: string } | null {
  let memo = realtimeHooks.get(project);
  if (!memo) realtimeHooks.set(project, (memo = new Map()));
  if (memo.has(within)) return memo.get(within)!;
  let found: { hook: string; where: string } | null = null;
  for (const f of project.filesPassing(USES_TRIGGER_HOOKS)) {
    if (found) break;
    if (within !== '' && !f.startsWith(`${within}/`)) continue;
    const fi = project.get(f);
    if (!fi) continue;
    for (const stmt of fi.ast.body) {
      if (found || stmt.type !== T.ImportDeclaration || stmt.source.value !== '@trigger.dev/react-hooks') continue;
      for (const spec of stmt.specifiers) {
        if (spec.type !== T.ImportSpecifier || spec.imported.type !== T.Identifier || !REALTIME_HOOK.test(spec.imported.name)) continue;
        // A hook typed to a task follows that task's runs (typedFollower's evidence), not the token's run.
        const use = fi.identifiers(spec.local.name).find((id) => {
          const call = fi.parents.get(id);
          return call?.type === T.CallExpression && call.callee === id && !call.typeArguments;
        });
        if (use) {
          found = { hook: spec.imported.name, where: `${f}:${use.loc.start.line}` };
          break;
        }
      }
    }
  }
  memo.set(within, found);
  return found;
}

/** Methods a job processor class runs its job in. */
const PROCESSOR_METHODS = new Set(['process', 'handle', 'run', 'execute', 'perform']);
/** Keys that name a job in a scheduler's configuration object, and keys that give its schedule. */
const JOB_NAME_KEYS = ['jobName', 'name', 'job'];
const SCHEDULE_KEYS = ['cron', 'pattern', 'schedule'];

/**
 * A job processor class kept in a registry under its job's name (`{ 'enrich': new EnrichProcessor() }`,
 * `new Map([['enrich', new EnrichProcessor()]])`), dispatched by `registry[job.name]`: decided by
 * whoever enqueues that name (`queue.add('enrich', …)`) or schedules it. Null for any other function.
 */
export function registeredProcessor(q: FunctionQuestion): Path[] {
  const { fi, fn, project, file } = q;
  const def = fi.parents.get(fn);
  if (def?.type !== T.MethodDefinition || def.static) return [];
  const method = propertyName(def.key, def.computed);
  const cls = fi.parents.get(fi.parents.get(def)!);
  if (!method || !PROCESSOR_METHODS.has(method) || (cls?.type !== T.ClassDeclaration && cls?.type !== T.ClassExpression) || !cls.id) return [];
  const name = cls.id.name;
  const m = QUEUE_WORKER.messages;
  const paths: Path[] = [];
  for (const f of project.filesSpelling(name)) {
    const text = project.text(f);
    if (!text || !text.includes(`new ${name}`)) continue;
    const rfi = project.get(f);
    if (!rfi) continue;
    for (const id of rfi.identifiers(name)) {
      const made = rfi.parents.get(id);
      if (made?.type !== T.NewExpression || made.callee !== id) continue;
      const key = registryKey(rfi, made, q.stringOf(f));
      if (key === null) continue;
      const worker = m.registered(name, key, `${f}:${made.loc.start.line}`);
      const found = jobNameProducers(q, key, worker, file);
      for (const p of found) paths.push(p);
      if (found.length === 0) paths.push(openPath(QUEUE_WORKER, m.noJobProducer(name, key, `${f}:${made.loc.start.line}`), f, made.loc.start.line));
    }
  }
  return paths;
}

type NamedCall = { call: TSESTree.CallExpression; callee: TSESTree.Identifier; args: (string | null)[] };
const namedCallsOf = new WeakMap<SyntaxModel, NamedCall[]>();

/** The file's calls of a plain name that pass a constant string (`triggerJob('enrich', …)`), with each argument's string: read once per file, asked for every job name. */
function namedCalls(fi: SyntaxModel, strings: (n: TSESTree.Node) => string | null): readonly NamedCall[] {
  let calls = namedCallsOf.get(fi);
  if (calls) return calls;
  calls = [];
  visit(fi.ast, (n) => {
    if (n.type !== T.CallExpression || n.callee.type !== T.Identifier) return;
    const args = n.arguments.map((a) => literal(a) ?? strings(a));
    if (args.some((a) => a !== null)) calls!.push({ call: n, callee: n.callee, args });
  });
  namedCallsOf.set(fi, calls);
  return calls;
}

const enqueuers = new WeakMap<FunctionLike, Map<number, { line: number; polls: boolean } | null>>();

/**
 * Whether a function enqueues a job named by its parameter at `index` (`queue.add(jobName, …)` with
 * that parameter, not reassigned first), with the line of the `add` and whether it then polls the job's
 * state (`job.getState()`: it waits for the job). Null when it does not.
 */
function enqueuesParameter(project: ProjectIndex, file: string, fn: FunctionLike, index: number): { line: number; polls: boolean } | null {
  let byIndex = enqueuers.get(fn);
  if (!byIndex) enqueuers.set(fn, (byIndex = new Map()));
  if (!byIndex.has(index)) byIndex.set(index, findEnqueue(project, file, fn, index));
  return byIndex.get(index)!;
}

function findEnqueue(project: ProjectIndex, file: string, fn: FunctionLike, index: number): { line: number; polls: boolean } | null {
  const param = fn.params[index];
  const fi = project.get(file);
  if (!fi || param?.type !== T.Identifier) return null;
  const b = fi.bindingOf(param);
  if (!b) return null;
  for (const call of fi.memberCalls('add')) {
    const first = call.arguments[0];
    if (first?.type !== T.Identifier || fi.functionOf(call) !== fn || fi.resolve(first) !== b) continue;
    if (fi.referencesOf(b).some((r) => fi.parents.get(r)?.type === T.AssignmentExpression && (fi.parents.get(r) as TSESTree.AssignmentExpression).left === r)) return null;
    return { line: call.loc.start.line, polls: /\.getState\s*\(/.test(fi.src(fn)) };
  }
  return null;
}

/** The job name an instance is kept under: an object's key or a Map entry's. */
function registryKey(fi: SyntaxModel, made: TSESTree.NewExpression, stringOf: (n: TSESTree.Node) => string | null): string | null {
  const holder = fi.parents.get(made);
  if (holder?.type === T.Property && holder.value === made && fi.parents.get(holder)?.type === T.ObjectExpression) {
    return holder.computed ? stringOf(holder.key) : propertyName(holder.key, false);
  }
  if (holder?.type === T.ArrayExpression && holder.elements.length === 2 && holder.elements[1] === made && holder.elements[0]) {
    return literal(holder.elements[0]) ?? stringOf(holder.elements[0]);
  }
  return null;
}

/** Paths to a job by its name: `queue.add(name, …)`, an `addBulk` of it, a scheduler configured for it. */
function jobNameProducers(q: RuleContext, key: string, worker: string, workerFile: string): Path[] {
  const { project } = q;
  const m = QUEUE_WORKER.messages;
  const paths: Path[] = [];
  for (const f of project.files) {
    const text = project.text(f);
    if (!text || !text.includes(key)) continue;
    const fi = project.get(f);
    if (!fi) continue;
    const strings = q.stringOf(f);
    for (const call of fi.memberCalls('add')) {
      const first = call.arguments[0];
      if (!first || (literal(first) ?? strings(first)) !== key) continue;
      const what = { worker, producer: `${f}:${call.loc.start.line}`, how: m.enqueuedWith('add') };
      const enclosing = { file: f, range: (fi.functionOf(call) ?? fi.ast).range };
      for (const p of q.walk(f, call)) paths.push(producerPath(p, what, false, () => waitsForJob(project, [...(p.spans ?? []), enclosing]), () => null, () => followUpOf(project, 'queue', workerFile)));
    }
    // A function of the workspace that enqueues the name it is given (`triggerJob('enrich', payload, 'transactions')`
    // whose body calls `queue.add(jobName, …)`): each of its calls with this name is a producer.
    for (const { call: n, callee, args } of namedCalls(fi, strings)) {
      const at = args.indexOf(key);
      if (at < 0) continue;
      const fn = q.evaluate(f, callee);
      if (fn?.kind !== 'function') continue;
      const wrapper = enqueuesParameter(project, fn.file, fn.node, at);
      if (!wrapper) continue;
      const what = { worker, producer: `${f}:${n.loc.start.line}`, how: m.enqueuedThrough(callee.name, `${fn.file}:${wrapper.line}`) };
      const spans = [{ file: f, range: (fi.functionOf(n) ?? fi.ast).range }, { file: fn.file, range: fn.node.range }];
      for (const p of q.walk(f, n)) paths.push(producerPath(p, what, false, () => wrapper.polls || waitsForJob(project, [...(p.spans ?? []), ...spans]), () => null, () => followUpOf(project, 'queue', workerFile)));
    }
    for (const call of fi.memberCalls('addBulk')) {
      if (!fi.src(call).includes(`'${key}'`) && !fi.src(call).includes(`"${key}"`)) continue;
      const what = { worker, producer: `${f}:${call.loc.start.line}`, how: m.enqueuedWith('addBulk') };
      const enclosing = { file: f, range: (fi.functionOf(call) ?? fi.ast).range };
      for (const p of q.walk(f, call)) paths.push(producerPath(p, what, true, () => waitsForJob(project, [...(p.spans ?? []), enclosing]), () => null, () => followUpOf(project, 'queue', workerFile)));
    }
    // `{ jobName: 'x', cron: '…' }` in a scheduler table, `upsertJobScheduler(id, { pattern }, { name: 'x' })`.
    for (const nameKey of JOB_NAME_KEYS) {
      for (const id of fi.identifiers(nameKey)) {
        const prop = fi.parents.get(id);
        const obj = prop ? fi.parents.get(prop) : undefined;
        if (prop?.type !== T.Property || prop.key !== id || literal(prop.value) !== key || obj?.type !== T.ObjectExpression) continue;
        let props = objectProps(obj);
        const call = fi.parents.get(obj);
        if (call?.type === T.CallExpression && calleeName(call) === 'upsertJobScheduler' && call.arguments[2] === obj) props = objectProps(call.arguments[1]);
        const spec = SCHEDULE_KEYS.map((k) => literal(props.get(k))).find((v) => v !== undefined && looksLikeCronSpec(v));
        if (spec === undefined) continue;
        paths.push(toPath(entry(CRON_SCHEDULE, `${m.scheduled(key, spec, `${f}:${obj.loc.start.line}`)}; it runs ${worker}`, obj, { schedule: spec }), f));
      }
    }
  }
  return paths;
}
