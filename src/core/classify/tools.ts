// Tools, agents and what frameworks run for them: a function given to a model as a tool runs inside the
// model call that receives the tool, or inside an agent's run when an agent is made with it; a LangChain
// model class's `_generate` and a Mastra processor's `processInput` where their instances run; a Mastra
// workflow step where its workflow runs. Never where they are defined. These readings tell the walk what
// each value is and what runs it (values.ts and walker.ts follow the values).
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import type { Node } from '../parse/walk';
import type { SyntaxModel } from '../syntax/model';
import { propertyName } from '../syntax/nodes';
import { objectProps } from './rules/read';

/** Functions that make a tool of an options object holding its `execute`, by the package they come from. */
const TOOL_MAKERS: readonly { source: RegExp; names: ReadonlySet<string> }[] = [
  { source: /^ai$/, names: new Set(['tool', 'dynamicTool']) },
  { source: /^@mastra\/core(\/tools)?$/, names: new Set(['createTool']) },
  { source: /^@voltagent\/core$/, names: new Set(['createTool', 'tool']) },
];

/** Methods that run an agent (and so the tools it was made with): Mastra and VoltAgent `generate`/`stream`, AI SDK agents, a LangGraph graph's `invoke`, `streamEvents`, `batch`. */
export const AGENT_RUNS = new Set(['generate', 'stream', 'generateText', 'streamText', 'generateObject', 'streamObject', 'generateVNext', 'streamVNext', 'generateLegacy', 'streamLegacy', 'run', 'invoke', 'respond', 'network', 'streamEvents', 'batch']);

/**
 * Methods of a LangChain model instance that run it (and so its class's `_generate`, `_call`,
 * `_streamResponseChunks`, `embedDocuments`…): the Runnable's, the legacy `call`/`predict`, an
 * embeddings model's two.
 */
export const MODEL_RUNS = new Set(['invoke', 'stream', 'batch', 'streamEvents', 'streamLog', 'generate', 'call', 'predict', 'predictMessages', 'embedQuery', 'embedDocuments']);

/** Methods LangChain's base classes call from those runs, which a model class of the workspace overrides. */
const LANGCHAIN_HOOKS = new Set(['_generate', '_streamResponseChunks', '_call', '_streamIterator', 'embedDocuments', 'embedQuery']);
/** Methods a Mastra agent calls on the processors it is given (`inputProcessors`, `outputProcessors`) as it runs. */
const MASTRA_PROCESSOR_HOOKS = new Set(['processInput', 'processInputStep', 'processOutputResult', 'processOutputStream', 'processOutputStep']);

/**
 * The class a function is a framework's hook of, which the framework calls on an instance, never the
 * workspace by its name: `_generate` (or `_call`, `_streamResponseChunks`, `embedDocuments`…) of a class
 * that extends one imported from a LangChain package (`class MyChat extends BaseChatModel`, `extends
 * Embeddings`), run when an instance is (`model.invoke(…)`); `processInput`/`processOutputResult`… of a
 * class that implements Mastra's `Processor`, run by the agent given an instance. Null otherwise.
 */
export function frameworkHookClass(fi: SyntaxModel, fn: Node): TSESTree.ClassDeclaration | TSESTree.ClassExpression | null {
  const method = fi.parents.get(fn);
  if (method?.type !== T.MethodDefinition || method.value !== fn || method.static || method.kind !== 'method') return null;
  const name = propertyName(method.key, method.computed);
  if (!name) return null;
  const cls = fi.parents.get(fi.parents.get(method)!);
  if (cls?.type !== T.ClassDeclaration && cls?.type !== T.ClassExpression) return null;
  const sourceOf = (n: Node | null | undefined) => (n?.type === T.Identifier ? fi.resolve(n)?.import?.source : undefined);
  if (LANGCHAIN_HOOKS.has(name)) {
    const source = sourceOf(cls.superClass);
    return source && /^(@langchain\/|langchain(\/|$))/.test(source) ? cls : null;
  }
  if (MASTRA_PROCESSOR_HOOKS.has(name)) {
    const bases = [cls.superClass, ...(cls.implements ?? []).map((i) => i.expression)];
    return bases.some((b) => /^@mastra\/core(\/|$)/.test(sourceOf(b) ?? '')) ? cls : null;
  }
  return null;
}

/** Mastra's workflow API: the methods that chain steps onto a workflow, and those that run it. */
export const WORKFLOW_CHAIN = new Set(['then', 'parallel', 'branch', 'foreach', 'dowhile', 'dountil']);
export const WORKFLOW_RUNS = new Set(['createRun', 'createRunAsync']);

/** Whether `call` calls `name` imported from Mastra's core package (`createStep`, `createWorkflow`), or is `new Mastra(…)`. */
export function isMastraCall(fi: SyntaxModel, call: Node, name: string): call is TSESTree.CallExpression | TSESTree.NewExpression {
  if ((call.type !== T.CallExpression && call.type !== T.NewExpression) || call.callee.type !== T.Identifier) return false;
  const imported = fi.resolve(call.callee)?.import;
  return !!imported && /^@mastra\/core(\/|$)/.test(imported.source) && imported.imported === name;
}

/** The `createStep({ … execute })` call (Mastra workflows) a function is the `execute` of, or null. */
export function mastraStepOf(fi: SyntaxModel, prop: TSESTree.Property): TSESTree.CallExpression | null {
  if (propertyName(prop.key, prop.computed) !== 'execute') return null;
  const obj = fi.parents.get(prop);
  if (obj?.type !== T.ObjectExpression) return null;
  const self = fi.outermost(obj);
  const holder = fi.parents.get(self);
  return holder?.type === T.CallExpression && holder.arguments[0] === self && isMastraCall(fi, holder, 'createStep') ? holder : null;
}

/**
 * The workflow a step is added to by `call` (`createWorkflow({…}).parallel([a, b]).then(c).commit()`, or
 * `wf.then(c)` on a `const wf = createWorkflow(…)…`): the whole chain, which stands for the workflow. Null
 * when `call` adds no step to a Mastra workflow.
 */
export function workflowOfChain(fi: SyntaxModel, call: TSESTree.CallExpression | TSESTree.NewExpression): Node | null {
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression || !WORKFLOW_CHAIN.has(propertyName(call.callee.property, call.callee.computed) ?? '')) return null;
  let root: Node = call.callee.object;
  while (root.type === T.CallExpression && root.callee.type === T.MemberExpression) root = root.callee.object;
  if (isMastraCall(fi, root, 'createWorkflow')) {
    let top: Node = call;
    for (let up = fi.parents.get(top); up?.type === T.MemberExpression && up.object === top; up = fi.parents.get(top)) {
      const outer = fi.parents.get(up);
      if (outer?.type !== T.CallExpression || outer.callee !== up) break;
      top = outer;
    }
    return top;
  }
  // `const wf = createWorkflow(…); wf.then(step)`: the variable's chain.
  const init = root.type === T.Identifier ? fi.resolve(root)?.declarator?.init : undefined;
  if (!init) return null;
  let base: Node = init;
  while (base.type === T.CallExpression && base.callee.type === T.MemberExpression) base = base.callee.object;
  return isMastraCall(fi, base, 'createWorkflow') ? init : null;
}

/** Option keys under which a call is given tools, and under which an agent is given the agents it may hand work to. */
export const TOOLS_KEY = 'tools';
export const AGENTS_KEY = 'agents';

/**
 * The tool a function is the `execute` of, as a value: the `tool({ … execute })` call (AI SDK, Mastra
 * and VoltAgent `createTool`), or the plain object `{ description, inputSchema | parameters, execute }`
 * the AI SDK also takes. Null for any other function.
 */
export function toolOf(fi: SyntaxModel, prop: TSESTree.Property): Node | null {
  if (propertyName(prop.key, prop.computed) !== 'execute') return null;
  const obj = fi.parents.get(prop);
  if (obj?.type !== T.ObjectExpression) return null;
  const self = fi.outermost(obj);
  const holder = fi.parents.get(self);
  if (holder?.type === T.CallExpression && holder.arguments[0] === self) {
    const callee = holder.callee;
    const imported = callee.type === T.Identifier ? fi.resolve(callee)?.import : undefined;
    const maker = imported && TOOL_MAKERS.find((m) => m.source.test(imported.source) && m.names.has(imported.imported));
    return maker ? holder : null;
  }
  const props = objectProps(obj);
  return props.has('description') && (props.has('inputSchema') || props.has('parameters')) ? obj : null;
}

/** Whether a call given tools makes an agent that runs them later (`new Agent({ tools })`, `createReactAgent({ tools })`) rather than running them itself. */
export function isAgentMaker(call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  if (call.type === T.NewExpression) return true;
  const callee = call.callee.type === T.MemberExpression ? call.callee.property : call.callee;
  return callee.type === T.Identifier && /Agent$/.test(callee.name);
}
