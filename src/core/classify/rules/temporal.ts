// Temporal: an activity (an exported function of the module a Worker registers) runs when a workflow
// that proxies it (`const { summarize } = proxyActivities<typeof activities>(…)`) calls it, and a
// workflow runs when a client starts it (`client.workflow.start(wf)`, `execute`, `signalWithStart`, a
// parent's `executeChild`). The activity is decided by those starters, as a queue worker by its
// producers: a request handler that waits for the workflow's result makes it user-waiting.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { textTest, type ProjectIndex } from '../../project';
import { isFunctionLike, propertyName } from '../../syntax/nodes';
import type { SyntaxModel } from '../../syntax/model';
import { openPath, Path } from '../path';
import type { CallQuestion, FunctionQuestion, RuleContext } from './hooks';
import { producerPath, QUEUE_WORKER } from './jobs';
import { identifierPattern, literal } from './read';

/** Starting a workflow: the method, and whether the caller gets the result back from it. */
const STARTERS: Record<string, { waits: boolean }> = { start: { waits: false }, signalWithStart: { waits: false }, execute: { waits: true }, startChild: { waits: false }, executeChild: { waits: true } };

/** A file that may look a workflow up by its id. */
const GETS_HANDLE = textTest((text) => text.includes('getHandle'));

/** Files that proxy activities: Temporal workflow modules. */
const PROXIES_ACTIVITIES = textTest((text) => text.includes('proxyActivities') && text.includes('@temporalio/workflow'));

function workflowModules(project: ProjectIndex): readonly string[] {
  return project.filesPassing(PROXIES_ACTIVITIES);
}

/** The exported functions of a workflow module whose body mentions `activity`. */
function workflowsCalling(fi: SyntaxModel, activity: string): { name: string; node: TSESTree.Node }[] {
  const word = identifierPattern(activity);
  const out: { name: string; node: TSESTree.Node }[] = [];
  for (const e of fi.exports()) {
    if (e.kind !== 'declaration') continue;
    const decl = e.declaration;
    const fn = decl.type === T.VariableDeclarator ? decl.init : decl;
    if (fn && isFunctionLike(fn) && word.test(fi.src(fn))) out.push({ name: e.exported, node: fn });
  }
  return out;
}

/**
 * A Temporal activity: an exported function that a workflow module proxies by name. Its paths run
 * through the starts of each workflow that calls it. Nothing for any other function.
 */
/**
 * The names a module exports that could be Temporal activities: none in a module that proxies
 * activities itself (a workflow). Read once per module: asked once per function, a file of thousands
 * of exported functions searched its whole text and export list for each.
 */
function activityCandidates(fi: SyntaxModel): ReadonlySet<string> {
  let names = candidatesByModule.get(fi);
  if (!names) {
    names = fi.text.includes('proxyActivities') ? new Set() : new Set(fi.exports().filter((e) => e.kind === 'declaration' || e.kind === 'name').map((e) => e.exported));
    candidatesByModule.set(fi, names);
  }
  return names;
}
const candidatesByModule = new WeakMap<SyntaxModel, ReadonlySet<string>>();

export function temporalActivity(q: FunctionQuestion): Path[] {
  const { fi, fn, name, project, file } = q;
  if (!name || !/^[\w$]+$/.test(name) || workflowModules(project).length === 0 || !activityCandidates(fi).has(name)) return [];
  const m = QUEUE_WORKER.messages;
  const where = `${file}:${fn.loc.start.line}`;
  const paths: Path[] = [];
  let proxied = false;
  for (const wf of workflowModules(project)) {
    const text = project.text(wf)!;
    if (!identifierPattern(name).test(text)) continue;
    const wfi = project.get(wf);
    if (!wfi) continue;
    for (const workflow of workflowsCalling(wfi, name)) {
      proxied = true;
      const worker = m.temporalActivity(name, where, workflow.name, `${wf}:${workflow.node.loc.start.line}`);
      const started = workflowStarts(q, workflow.name, wf, worker);
      if (started.length > 0) for (const p of started) paths.push(p);
      else paths.push(openPath(QUEUE_WORKER, m.nothingStarts('Temporal workflow', workflow.name, `${wf}:${workflow.node.loc.start.line}`), wf, workflow.node.loc.start.line));
    }
  }
  return proxied ? paths : [];
}

/** The paths through each start of workflow `workflow` (exported by `wf`), judged as a queue worker's producers. */
function workflowStarts(q: RuleContext, workflow: string, wf: string, worker: string): Path[] {
  const { project } = q;
  const paths: Path[] = [];
  // Only a project with workflow modules gets here: its texts are searched for the workflow's name first.
  for (const f of project.files) {
    const text = project.text(f);
    if (!text || !text.includes(workflow) || !/\b(start|execute|signalWithStart|startChild|executeChild)\s*[(<]/.test(text)) continue;
    const fi = project.get(f);
    if (!fi) continue;
    for (const [method, { waits }] of Object.entries(STARTERS)) {
      const calls = [...fi.memberCalls(method), ...fi.identifiers(method).map((id) => fi.parents.get(id)).filter((c): c is TSESTree.CallExpression => c?.type === T.CallExpression && c.callee.type === T.Identifier)];
      for (const call of calls) {
        if (!startsWorkflow(fi, call, method, workflow, f === wf)) continue;
        const enclosing = fi.functionOf(call);
        // `handle.result()` in the function that started it: it waits for the workflow, as `execute` does.
        const waited = waits || (enclosing !== undefined && enclosing !== null && /\.result\s*\(\s*\)/.test(fi.src(enclosing)));
        const what = { worker, producer: `${f}:${call.loc.start.line}`, how: QUEUE_WORKER.messages.startedWith(method) };
        for (const p of q.walk(f, call)) paths.push(producerPath(p, what, false, () => waited, () => handleReader(q), () => null));
      }
    }
  }
  return paths;
}

const readers = new WeakMap<ProjectIndex, string | null>();

/**
 * A request handler that looks a workflow up again (`client.workflow.getHandle(id)`, to read its
 * result or query it): a client polls for a run. Any workflow's, as the id says nothing of its type.
 */
function handleReader(q: RuleContext): string | null {
  const { project } = q;
  if (readers.has(project)) return readers.get(project)!;
  readers.set(project, null);
  let found: string | null = null;
  for (const f of project.filesPassing(GETS_HANDLE)) {
    if (found) continue;
    for (const call of project.get(f)?.memberCalls('getHandle') ?? []) {
      const route = q.walk(f, call).find((p) => p.effect === 'user-waiting');
      if (route) {
        found = QUEUE_WORKER.messages.poller(route.entry, 'getHandle', `${f}:${call.loc.start.line}`);
        break;
      }
    }
  }
  readers.set(project, found);
  return found;
}

/** `client.workflow.start(summarize, …)`, `executeChild(summarize)`, `start('summarize', …)`: does it start this workflow? */
function startsWorkflow(fi: SyntaxModel, call: TSESTree.CallExpression, method: string, workflow: string, sameFile: boolean): boolean {
  const callee = call.callee;
  if (callee.type === T.MemberExpression) {
    // A client's `workflow.start`: not any object's `start`.
    const receiver = callee.object;
    const named = receiver.type === T.MemberExpression ? propertyName(receiver.property, receiver.computed) : receiver.type === T.Identifier ? receiver.name : null;
    if (method !== 'startChild' && method !== 'executeChild' && !/workflow/i.test(named ?? '')) return false;
  }
  const first = call.arguments[0];
  if (!first) return false;
  if (literal(first) === workflow) return true;
  // `workflows.summarize` of `import * as workflows from './workflows'`.
  if (first.type === T.MemberExpression && first.object.type === T.Identifier && propertyName(first.property, first.computed) === workflow) {
    return fi.resolve(first.object)?.import?.imported === '*';
  }
  if (first.type !== T.Identifier) return false;
  const b = fi.resolve(first);
  if (b?.import) return b.import.imported === workflow;
  return sameFile && first.name === workflow;
}

/** A Temporal Worker's registration (`Worker.create({ activities, workflowsPath })`): its activities are traced through the workflows that call them. */
export function temporalWorker(q: CallQuestion): Path[] | null {
  const { call, fi } = q;
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression || propertyName(call.callee.property, call.callee.computed) !== 'create') return null;
  const receiver = call.callee.object;
  if (receiver.type !== T.Identifier || receiver.name !== 'Worker' || fi.resolve(receiver)?.import?.source !== '@temporalio/worker') return null;
  return [];
}
