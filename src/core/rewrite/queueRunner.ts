// What runs the function a batch queue serves (a BullMQ worker, a p-queue, a job framework, a message
// handler), and what that means for the queue: how many requests can wait at once, where its flush
// joins the runner's shutdown, or why a queue cannot serve it. The README (The Quick Fix) has the table.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, Node } from '../parse/walk';
import { LOOP_STATEMENTS, propertyName } from '../syntax/nodes';
import type { FileFacts } from './effects';
import { indentLike } from './loopHoist';
import { lineStartOf } from './lineEndings';

export const RUNNER_MESSAGES = {
  oneAtATime: (runner: string, why: string) =>
    `${runner} runs one job at a time (${why}), so a queue would send each request as a batch of one and hold the job for up to 24 hours; raise its concurrency (e.g. 50) to gather that many requests per batch, or keep this call unbatched`,
  waitsForJob: (quote: string, line: number) =>
    `\`${quote}\` (line ${line}) waits for a job to finish, so whoever waits there would wait for the batch (up to 24 hours); a queue suits only jobs nobody waits for`,
  triggerDev: (id: string) =>
    `the call runs in the Trigger.dev task '${id}', and each run of a task executes on its own: a queue there would only ever hold that run's request and send it as a batch of one. Send the items to one run and loop over them there (a loop gets the loop-hoist fix), or keep this call unbatched`,
  sqs: (where: string) =>
    `the call handles SQS messages (sqs-consumer at ${where}): sqs-consumer hands over at most batchSize messages (10 at most) and waits for them before it polls again, and a message stays hidden only for its visibility timeout (30 s unless the queue says otherwise, or a heartbeat extends it), far less than a batch takes (up to 24 hours): batches of ten at most, or messages handled twice. Keep this call unbatched`,
  kafka: (where: string) =>
    `the call handles Kafka messages (kafkajs eachMessage at ${where}): each partition's messages come one at a time, and a consumer that waits past its session timeout (30 s by default) is dropped from its group. Keep this call unbatched, or gather a whole batch with eachBatch (a loop over batch.messages gets the loop-hoist fix)`,
  inngest: (id: string) =>
    `the call runs in the Inngest function '${id}', which Inngest runs through HTTP requests to your serve() endpoint, each step in a request of its own: none stays open for a batch (up to 24 hours). Keep this call unbatched`,
} as const;

/** How a queue's flush joins the runner's shutdown: text inserted at one offset, given the queue's name. */
export interface ShutdownHook {
  at: number;
  text: (queue: string) => string;
}

export interface QueueRunner {
  /** No more requests than this can wait at once (the runner's concurrency), when the code states it. */
  maxRequests?: number;
  hooks: ShutdownHook[];
}

export type RunnerCheck = { ok: true; runner: QueueRunner | null } | { ok: false; reason: string };

/**
 * The runner of `fn` (the function that makes the call), or of a function in this file that calls it
 * (a processor that hands each job to a helper). Null when nothing in the file is seen to run it: the
 * queue then keeps its defaults, as before.
 */
export function queueRunner(fn: Node, facts: FileFacts): RunnerCheck {
  const candidates: Node[] = [fn];
  // A caller that runs `fn` once per run of its own: its concurrency is `fn`'s (a caller that calls it in a loop or more than once is no measure).
  const calls = callsOf(fn, facts);
  const callers = calls.map((c) => facts.model.functionOf(c));
  for (const [i, caller] of callers.entries()) {
    if (caller && callers.indexOf(caller) === i && callers.lastIndexOf(caller) === i && !inLoop(calls[i], caller, facts)) candidates.push(caller);
  }
  for (const f of candidates) {
    for (const use of handedTo(f, facts)) {
      const check = runnerOf(use, facts);
      if (check) return check;
    }
  }
  // No runner of its own: a message or event handler still gets its flush on the process's own shutdown handlers.
  const hooks = signalHooks(facts);
  return { ok: true, runner: hooks.length > 0 ? { hooks } : null };
}


function inLoop(n: Node, within: Node, facts: FileFacts): boolean {
  for (let p = facts.parents.get(n); p && p !== within; p = facts.parents.get(p)) if (LOOP_STATEMENTS.has(p.type)) return true;
  return false;
}

/** Calls of `fn` in this file, through the name it is declared or held under. */
function callsOf(fn: Node, facts: FileFacts): TSESTree.CallExpression[] {
  const id = nameOf(fn, facts);
  const binding = id ? facts.bindingOf(id) : undefined;
  if (!binding) return [];
  const calls: TSESTree.CallExpression[] = [];
  for (const ref of facts.referencesOf(binding)) {
    const u = facts.useOf(ref);
    if (u.kind === 'call') calls.push(u.call);
  }
  return calls;
}

function nameOf(fn: Node, facts: FileFacts): TSESTree.Identifier | null {
  if (fn.type === T.FunctionDeclaration) return fn.id;
  const holder = facts.parents.get(fn);
  return holder?.type === T.VariableDeclarator && holder.init === fn && holder.id.type === T.Identifier ? holder.id : null;
}

interface HandedTo {
  call: TSESTree.CallExpression | TSESTree.NewExpression;
  /** The argument's position, or -1 for a function under `key` of the first argument's options. */
  index: number;
  key?: string;
}
/** Where `f` is an argument of a call or `new`: directly, or through the name it is declared under. */
function handedTo(f: Node, facts: FileFacts): HandedTo[] {
  const out: HandedTo[] = [];
  const argumentOf = (n: Node) => {
    const p = facts.parents.get(n);
    if ((p?.type === T.CallExpression || p?.type === T.NewExpression) && p.callee !== n) out.push({ call: p, index: p.arguments.indexOf(n as TSESTree.Expression) });
    // In options: Trigger.dev's task({ id, run }), sqs-consumer's Consumer.create({ handleMessage }), kafkajs' consumer.run({ eachMessage }).
    if (p?.type === T.Property && p.value === n) {
      const object = facts.parents.get(p);
      const call = object && facts.parents.get(object);
      const key = propertyName(p.key, p.computed) ?? undefined;
      if ((call?.type === T.CallExpression || call?.type === T.NewExpression) && call.arguments[0] === object) out.push({ call, index: -1, key });
    }
  };
  argumentOf(f);
  const id = nameOf(f, facts);
  const binding = id ? facts.bindingOf(id) : undefined;
  for (const ref of binding ? facts.referencesOf(binding) : []) argumentOf(ref);
  return out;
}

/** The module and export a callee names: `Worker` imported from 'bullmq', `bull.Worker`, `require('bullmq').Worker`. */
function importedAs(callee: Node, facts: FileFacts): { source: string; name: string } | null {
  if (callee.type === T.Identifier) {
    const b = facts.bindingOf(callee);
    if (b?.import) return { source: b.import.source, name: b.import.imported };
    const d = b?.declarator;
    const source = d ? requiredModule(d.init) : null;
    if (!d || source === null) return null;
    if (d.id.type === T.Identifier) return { source, name: '*' };
    if (d.id.type === T.ObjectPattern) {
      for (const p of d.id.properties) {
        if (p.type === T.Property && p.value.type === T.Identifier && p.value.name === callee.name) return { source, name: propertyName(p.key, p.computed) ?? '' };
      }
    }
    return null;
  }
  if (callee.type === T.MemberExpression) {
    const name = propertyName(callee.property, callee.computed);
    const object = importedAs(callee.object, facts) ?? (requiredModule(callee.object) !== null ? { source: requiredModule(callee.object)!, name: '*' } : null);
    return name && object?.name === '*' ? { source: object.source, name } : null;
  }
  return null;
}

function requiredModule(n: Node | null | undefined): string | null {
  if (n?.type !== T.CallExpression || n.callee.type !== T.Identifier || n.callee.name !== 'require') return null;
  const arg = n.arguments[0];
  return arg?.type === T.Literal && typeof arg.value === 'string' ? arg.value : null;
}

const BULLMQ = new Set(['bullmq', '@taskforcesh/bullmq-pro']);

/** The runner when `call` runs its argument at `index`, or null when it is no runner Batchwise knows. */
function runnerOf({ call, index, key }: HandedTo, facts: FileFacts): RunnerCheck | null {
  const made = importedAs(call.callee, facts);
  if (call.type === T.NewExpression && index === 1 && made && BULLMQ.has(made.source) && made.name === 'Worker') return bullmqWorker(call, facts);
  const method = call.callee.type === T.MemberExpression ? propertyName(call.callee.property, call.callee.computed) : null;
  const owner = call.callee.type === T.MemberExpression ? importedAs(call.callee.object, facts) : null;
  if (key === 'handleMessage' && (made?.source === 'sqs-consumer' || (owner?.source === 'sqs-consumer' && method === 'create'))) {
    return { ok: false, reason: RUNNER_MESSAGES.sqs(`line ${facts.line(call)}`) };
  }
  if (call.type !== T.CallExpression) return null;
  if (key === 'eachMessage' && method === 'run' && facts.model.moduleRefs().some((r) => r.source === 'kafkajs')) return { ok: false, reason: RUNNER_MESSAGES.kafka(`line ${facts.line(call)}`) };
  if (method === 'process' && index === call.arguments.length - 1) {
    const bull = bullProcess(call, facts);
    if (bull) return bull;
  }
  if (index === -1 && isTriggerTask(call, facts)) {
    return { ok: false, reason: RUNNER_MESSAGES.triggerDev(literalProp(call.arguments[0], 'id') ?? '?') };
  }
  if (method === 'createFunction' && index === call.arguments.length - 1 && call.arguments.length >= 2) {
    return { ok: false, reason: RUNNER_MESSAGES.inngest(literalProp(call.arguments[0], 'id') ?? literalProp(call.arguments[0], 'name') ?? '?') };
  }
  if ((method === 'add' && index === 0) || (method === 'addAll' && index === 0)) return pQueue(call, facts);
  return null;
}

/** Trigger.dev's `task({ id, run })`, `schemaTask(…)` or `schedules.task(…)`, imported from its SDK. */
function isTriggerTask(call: TSESTree.CallExpression, facts: FileFacts): boolean {
  const callee = call.callee;
  const named = callee.type === T.MemberExpression && propertyName(callee.property, callee.computed) === 'task' ? callee.object : callee;
  const made = importedAs(named, facts);
  if (!made || !made.source.startsWith('@trigger.dev/')) return false;
  return named === callee ? made.name === 'task' || made.name === 'schemaTask' : made.name === 'schedules';
}

/** `new Worker(name, processor, { concurrency })`: BullMQ runs `concurrency` jobs at once (1 unless told), and emits 'closing' as close() begins, before it waits for the jobs that run. */
function bullmqWorker(made: TSESTree.NewExpression, facts: FileFacts): RunnerCheck {
  const queue = literalOf(made.arguments[0]);
  const name = queue !== null ? `the BullMQ worker for '${queue}'` : 'the BullMQ worker';
  const concurrency = concurrencyOf(made.arguments[2], 1);
  if (concurrency.value !== undefined && concurrency.value < 2) return { ok: false, reason: RUNNER_MESSAGES.oneAtATime(`${name} (line ${facts.line(made)})`, concurrency.why) };
  const waiter = firstWaitForJob(facts);
  if (waiter) return { ok: false, reason: RUNNER_MESSAGES.waitsForJob(facts.quote(waiter), facts.line(waiter)) };
  return { ok: true, runner: { ...(concurrency.value !== undefined ? { maxRequests: concurrency.value } : {}), hooks: [closingHook(made, facts)] } };
}

/**
 * Bull's `queue.process([name,] [concurrency,] processor)` on a `new Queue(…)` from 'bull': `concurrency`
 * jobs at once, 1 unless told. Bull has no event as close() begins, so the process's signal handlers flush.
 */
function bullProcess(call: TSESTree.CallExpression, facts: FileFacts): RunnerCheck | null {
  const callee = call.callee as TSESTree.MemberExpression;
  if (callee.object.type !== T.Identifier) return null;
  const init = facts.bindingOf(callee.object)?.declarator?.init;
  const made = init?.type === T.NewExpression || init?.type === T.CallExpression ? importedAs(init.callee, facts) : null;
  if (made?.source !== 'bull') return null;
  const count = call.arguments.slice(0, -1).find((a) => !(a.type === T.Literal && typeof a.value === 'string'));
  const name = `the Bull queue \`${callee.object.name}\` (line ${facts.line(call)})`;
  if (!count) return { ok: false, reason: RUNNER_MESSAGES.oneAtATime(name, 'no concurrency argument: the default is 1') };
  if (count.type !== T.Literal || typeof count.value !== 'number') return { ok: true, runner: { hooks: signalHooks(facts) } };
  if (count.value < 2) return { ok: false, reason: RUNNER_MESSAGES.oneAtATime(name, `concurrency ${count.value}`) };
  return { ok: true, runner: { maxRequests: count.value, hooks: signalHooks(facts) } };
}

/** `queue.add(task)` on a `new PQueue({ concurrency })` (unlimited unless told); its concurrency caps a batch. */
function pQueue(call: TSESTree.CallExpression, facts: FileFacts): RunnerCheck | null {
  const callee = call.callee as TSESTree.MemberExpression;
  if (callee.object.type !== T.Identifier) return null;
  const init = facts.bindingOf(callee.object)?.declarator?.init;
  if (init?.type !== T.NewExpression) return null;
  const cls = importedAs(init.callee, facts);
  if (!cls || cls.source !== 'p-queue' || !['default', '*', 'PQueue'].includes(cls.name)) return null;
  const concurrency = concurrencyOf(init.arguments[0], Infinity);
  if (concurrency.value !== undefined && concurrency.value < 2) return { ok: false, reason: RUNNER_MESSAGES.oneAtATime(`the p-queue \`${callee.object.name}\` (line ${facts.line(init)})`, concurrency.why) };
  const max = concurrency.value !== undefined && Number.isFinite(concurrency.value) ? { maxRequests: concurrency.value } : {};
  return { ok: true, runner: { ...max, hooks: signalHooks(facts) } };
}

/** The `concurrency` an options object states: a number, the library's default when it is not there, else unknown (a variable, a spread). */
function concurrencyOf(options: Node | undefined, fallback: number): { value?: number; why: string } {
  if (!options) return { value: fallback, why: `no concurrency option: the default is ${fallback}` };
  if (options.type !== T.ObjectExpression) return { why: 'options Batchwise cannot read' };
  let value: Node | null = null;
  for (const p of options.properties) {
    if (p.type === T.SpreadElement) return { why: 'options Batchwise cannot read' };
    if (propertyName(p.key, p.computed) === 'concurrency') value = p.value;
  }
  if (!value) return { value: fallback, why: `no concurrency option: the default is ${fallback}` };
  return value.type === T.Literal && typeof value.value === 'number' ? { value: value.value, why: `concurrency: ${value.value}` } : { why: 'a concurrency Batchwise cannot read' };
}

function literalOf(n: Node | undefined): string | null {
  if (n?.type === T.Literal && typeof n.value === 'string') return n.value;
  if (n?.type === T.TemplateLiteral && n.expressions.length === 0) return n.quasis[0].value.cooked ?? null;
  return null;
}

function literalProp(options: Node | undefined, key: string): string | null {
  if (options?.type !== T.ObjectExpression) return null;
  for (const p of options.properties) if (p.type === T.Property && propertyName(p.key, p.computed) === key) return literalOf(p.value);
  return null;
}

/** `job.waitUntilFinished(…)` or Bull's `job.finished()` in this file. */
function firstWaitForJob(facts: FileFacts): Node | null {
  for (const method of ['waitUntilFinished', 'finished']) {
    const calls = facts.model.memberCalls(method);
    if (calls.length > 0) return calls[0];
  }
  return null;
}

/**
 * `worker.on('closing', () => void queue.flush())` after the statement that makes and names the worker,
 * else chained onto the `new` itself (`on` returns the worker).
 */
function closingHook(made: TSESTree.NewExpression, facts: FileFacts): ShutdownHook {
  const event = "'closing'";
  const declarator = facts.parents.get(made);
  const declaration = declarator && facts.parents.get(declarator);
  const holder = declaration && facts.parents.get(declaration);
  if (
    declarator?.type === T.VariableDeclarator &&
    declarator.init === made &&
    declarator.id.type === T.Identifier &&
    declaration?.type === T.VariableDeclaration &&
    declaration.declarations.length === 1 &&
    (holder?.type === T.Program || holder?.type === T.BlockStatement || holder?.type === T.ExportNamedDeclaration)
  ) {
    const worker = declarator.id.name;
    const statement = holder.type === T.ExportNamedDeclaration ? holder : declaration;
    const indent = indentLike(statement, facts.text);
    return { at: statement.range[1], text: (queue) => `\n${indent}${worker}.on(${event}, () => void ${queue}.flush());` };
  }
  return { at: made.range[1], text: (queue) => `.on(${event}, () => void ${queue}.flush())` };
}

/** Where a line goes in before a statement that starts its line: above the comment lines that lead it, which are about it. */
function lineBefore(statement: Node, text: string): { at: number } {
  let at = lineStartOf(text, statement.range[0]);
  if (text.slice(at, statement.range[0]).trim() !== '') return { at: statement.range[0] };
  while (at > 0) {
    const previous = lineStartOf(text, at - 1);
    if (!/^\s*\/\//.test(text.slice(previous, at - 1))) break;
    at = previous;
  }
  return { at };
}

const SIGNALS = new Set(['SIGTERM', 'SIGINT']);

/**
 * A flush before each shutdown signal the file already handles (`process.on('SIGTERM', …)`). Where the
 * file handles none, none is added: a listener would stop Node from ending the process on that signal.
 */
const signalHooksByFile = new WeakMap<TSESTree.Program, ShutdownHook[]>();
function signalHooks(facts: FileFacts): ShutdownHook[] {
  // Walked once per file, though asked for each call (the analysis checks every call of a file).
  const known = signalHooksByFile.get(facts.program);
  if (known) return known;
  const hooks: ShutdownHook[] = [];
  signalHooksByFile.set(facts.program, hooks);
  const seen = new Set<string>();
  visit(facts.program, (n) => {
    if (n.type !== T.CallExpression || n.callee.type !== T.MemberExpression) return;
    const method = propertyName(n.callee.property, n.callee.computed);
    if (!['on', 'once', 'addListener', 'prependListener'].includes(method ?? '')) return;
    if (n.callee.object.type !== T.Identifier || n.callee.object.name !== 'process' || facts.bindingOf(n.callee.object)?.kind !== 'global') return;
    const signal = literalOf(n.arguments[0]);
    if (!signal || !SIGNALS.has(signal) || seen.has(signal)) return;
    const statement = facts.parents.get(n);
    if (statement?.type !== T.ExpressionStatement) return;
    seen.add(signal);
    // Before the file's own listener, which may end the process: listeners run in the order they were added.
    hooks.push({ ...lineBefore(statement, facts.text), text: (queue) => `${indentLike(statement, facts.text)}process.on('${signal}', () => void ${queue}.flush());\n` });
  });
  return hooks;
}

