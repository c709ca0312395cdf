// Cloudflare's job systems, decided by who starts their work as a queue worker is by its producers.
// Workflows: `class X extends WorkflowEntrypoint { async run(event, step) }`, bound in the wrangler
// config (`[[workflows]] binding = "X_FLOW", class_name = "X"`) and started with
// `env.X_FLOW.create({ params })`; a fetch handler that polls the instance's `status()` waits for it.
// Queues: the `queue` handler of a Worker that consumes a queue (`[[queues.consumers]] queue = "jobs"`),
// fed by `env.JOBS.send(…)` / `sendBatch(…)` on a producer binding of that queue.
import { typescript } from '../../heavy';
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { dirname, ProjectIndex } from '../../project';
import { propertyName } from '../../syntax/nodes';
import type { SyntaxModel } from '../../syntax/model';
import { openPath, Path } from '../path';
import type { FunctionQuestion, RuleContext } from './hooks';
import { followUpOf, producerPath, QUEUE_WORKER } from './jobs';
import { identifierPattern } from './read';

/** The workflow bindings of a wrangler config: class name → binding names. */
export function readWorkflowBindings(toml: string | undefined, json: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (cls: unknown, binding: unknown) => {
    if (typeof cls === 'string' && typeof binding === 'string') out.set(cls, [...(out.get(cls) ?? []), binding]);
  };
  if (toml !== undefined) {
    for (const block of toml.split(/^\s*\[\[\s*workflows\s*\]\]\s*$/m).slice(1)) {
      const body = block.split(/^\s*\[/m)[0];
      add(/^\s*class_name\s*=\s*["']([^"']+)["']/m.exec(body)?.[1], /^\s*binding\s*=\s*["']([^"']+)["']/m.exec(body)?.[1]);
    }
  } else if (json && typeof json === 'object') {
    const list = (json as { workflows?: unknown }).workflows;
    for (const w of Array.isArray(list) ? list : []) if (w && typeof w === 'object') add((w as { class_name?: unknown }).class_name, (w as { binding?: unknown }).binding);
  }
  return out;
}

/** The producer bindings of the queues a wrangler config consumes. */
export function readQueueBindings(toml: string | undefined, json: unknown): string[] {
  const consumed = new Set<string>();
  const producers: [string, string][] = [];
  if (toml !== undefined) {
    for (const block of toml.split(/^\s*\[\[\s*queues\.(?=consumers|producers)/m).slice(1)) {
      const kind = block.startsWith('consumers') ? 'consumers' : 'producers';
      const body = block.replace(/^\w+\s*\]\]/, '').split(/^\s*\[/m)[0];
      const queue = /^\s*queue\s*=\s*["']([^"']+)["']/m.exec(body)?.[1];
      const binding = /^\s*binding\s*=\s*["']([^"']+)["']/m.exec(body)?.[1];
      if (queue && kind === 'consumers') consumed.add(queue);
      if (queue && binding && kind === 'producers') producers.push([binding, queue]);
    }
  } else if (json && typeof json === 'object') {
    const queues = (json as { queues?: { consumers?: unknown; producers?: unknown } }).queues;
    for (const c of Array.isArray(queues?.consumers) ? queues!.consumers : []) if (typeof c?.queue === 'string') consumed.add(c.queue);
    for (const p of Array.isArray(queues?.producers) ? queues!.producers : []) if (typeof p?.queue === 'string' && typeof p?.binding === 'string') producers.push([p.binding, p.queue]);
  }
  return producers.filter(([, queue]) => consumed.has(queue)).map(([binding]) => binding);
}

/** The nearest wrangler config above the file, read by `read`. */
function nearestWrangler<R>(project: ProjectIndex, file: string, read: (toml: string | undefined, json: unknown) => R): R | null {
  let dir = file;
  do {
    dir = dirname(dir);
    const at = (name: string) => (dir === '' ? name : `${dir}/${name}`);
    const toml = project.text(at('wrangler.toml'));
    const jsonText = toml === undefined ? project.text(at('wrangler.jsonc')) ?? project.text(at('wrangler.json')) : undefined;
    if (toml !== undefined || jsonText !== undefined) return read(toml, jsonText ? typescript().parseConfigFileTextToJson('wrangler.json', jsonText).config : undefined);
  } while (dir !== '');
  return null;
}

/** The bindings of the nearest wrangler config above the file. */
function bindingsFor(project: ProjectIndex, file: string, cls: string): string[] {
  return nearestWrangler(project, file, (toml, json) => readWorkflowBindings(toml, json).get(cls) ?? []) ?? [];
}

/**
 * The `queue` handler of a Worker's default export, by its producers: `env.JOBS.send(…)` (one message)
 * or `sendBatch(…)` (bulk) on a binding the same wrangler config produces to a queue it consumes.
 * Null when no such producer is found (the queue may be fed from another Worker).
 */
export function cloudflareQueueProducers(q: RuleContext, file: string, where: string): Path[] | null {
  const bindings = nearestWrangler(q.project, file, readQueueBindings) ?? [];
  if (bindings.length === 0) return null;
  const m = QUEUE_WORKER.messages;
  const worker = m.jobWorker('Cloudflare Queues consumer', bindings.join("', '"), where);
  const paths: Path[] = [];
  for (const f of q.project.files) {
    const text = q.project.text(f);
    if (!text || !bindings.some((b) => text.includes(b))) continue;
    const pfi = q.project.get(f);
    for (const method of ['send', 'sendBatch']) {
      for (const call of pfi?.memberCalls(method) ?? []) {
        if (!onBinding(call, bindings)) continue;
        const what = { worker, producer: `${f}:${call.loc.start.line}`, how: m.enqueuedWith(method) };
        for (const p of q.walk(f, call)) paths.push(producerPath(p, what, method === 'sendBatch', () => false, () => null, () => followUpOf(q.project, 'queue', file)));
      }
    }
  }
  return paths.length > 0 ? paths : null;
}

/** `env.FLOW.create(…)` / `this.env.FLOW.createBatch(…)` / `c.env.FLOW.get(id)`: a call of `method` on a binding. */
function onBinding(call: TSESTree.CallExpression, bindings: readonly string[]): boolean {
  const callee = call.callee as TSESTree.MemberExpression;
  const holder = callee.object;
  return holder.type === T.MemberExpression && bindings.includes(propertyName(holder.property, holder.computed) ?? '');
}

/** The `run` method of a class extending `WorkflowEntrypoint`: decided by the starts of its binding. Nothing for any other function. */
export function cloudflareWorkflow(q: FunctionQuestion): Path[] {
  const { fi, fn, project, file } = q;
  const def = fi.parents.get(fn);
  if (def?.type !== T.MethodDefinition || def.static || propertyName(def.key, def.computed) !== 'run') return [];
  const cls = fi.parents.get(fi.parents.get(def)!);
  if ((cls?.type !== T.ClassDeclaration && cls?.type !== T.ClassExpression) || !cls.id || cls.superClass?.type !== T.Identifier || cls.superClass.name !== 'WorkflowEntrypoint') return [];
  const name = cls.id.name;
  const m = QUEUE_WORKER.messages;
  const where = `${file}:${def.loc.start.line}`;
  const bindings = bindingsFor(project, file, name);
  const worker = m.jobWorker('Cloudflare Workflow', name, where);
  const paths: Path[] = [];
  for (const f of bindings.length > 0 ? project.files : []) {
    const text = project.text(f);
    if (!text || !bindings.some((b) => text.includes(b))) continue;
    const pfi = project.get(f);
    if (!pfi) continue;
    for (const method of ['create', 'createBatch']) {
      for (const call of pfi.memberCalls(method)) {
        if (!onBinding(call, bindings)) continue;
        // A handler that polls the instance it made (`const instance = await env.FLOW.create(…)`, then `instance.status()`) waits for the run.
        const waits = pollsInstance(pfi, call);
        const what = { worker, producer: `${f}:${call.loc.start.line}`, how: m.startedWith(method) };
        for (const p of q.walk(f, call)) paths.push(producerPath(p, what, method === 'createBatch', () => waits, () => statusReader(q, bindings), () => followUpOf(project, 'queue', file)));
      }
    }
  }
  if (paths.length === 0) paths.push(openPath(QUEUE_WORKER, m.nothingStarts('Cloudflare Workflow', name, where), file, def.loc.start.line));
  return paths;
}

/** Is the instance a `create` makes kept in a variable whose `status()` the same function reads? */
function pollsInstance(fi: SyntaxModel, call: TSESTree.CallExpression): boolean {
  let value: TSESTree.Node = call;
  let holder = fi.parents.get(value);
  if (holder?.type === T.AwaitExpression) holder = fi.parents.get((value = holder));
  if (holder?.type !== T.VariableDeclarator || holder.init !== value || holder.id.type !== T.Identifier) return false;
  // The block the variable lives in: another branch's `instance` is another variable.
  const scope = fi.parents.get(fi.parents.get(holder)!);
  return scope !== undefined && identifierPattern(holder.id.name, '\\.status\\s*\\(').test(fi.src(scope));
}

/** A request handler that looks an instance up again (`env.FLOW.get(id)`, then its `status()`): a client polls for the run. */
function statusReader(q: RuleContext, bindings: readonly string[]): string | null {
  for (const f of q.project.files) {
    const text = q.project.text(f);
    if (!text || !bindings.some((b) => text.includes(b)) || !text.includes('status')) continue;
    const fi = q.project.get(f);
    for (const call of fi?.memberCalls('get') ?? []) {
      if (!onBinding(call, bindings)) continue;
      const route = q.walk(f, call).find((p) => p.effect === 'user-waiting');
      if (route) return QUEUE_WORKER.messages.poller(route.entry, 'get', `${f}:${call.loc.start.line}`);
    }
  }
  return null;
}
