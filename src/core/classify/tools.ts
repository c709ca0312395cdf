// Tools and agents: a function given to a model as a tool runs inside the model call that receives
// the tool, or inside an agent's run when an agent is made with it; never where it is defined. These
// readings tell the walk what is a tool and what runs an agent (walker.ts follows the values).
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

/**
 * The class a function is a LangChain hook of: `_generate` (or `_call`, `_streamResponseChunks`,
 * `embedDocuments`…) of a class that extends a class imported from a LangChain package
 * (`class MyChat extends BaseChatModel`, `extends Embeddings`, `extends ChatOpenAI`). LangChain calls
 * it when an instance is run (`model.invoke(…)`), never by its name in the workspace. Null otherwise.
 */
export function langchainHookClass(fi: SyntaxModel, fn: Node): TSESTree.ClassDeclaration | TSESTree.ClassExpression | null {
  const method = fi.parents.get(fn);
  if (method?.type !== T.MethodDefinition || method.value !== fn || method.static || method.kind !== 'method') return null;
  const name = propertyName(method.key, method.computed);
  if (!name || !LANGCHAIN_HOOKS.has(name)) return null;
  const cls = fi.parents.get(fi.parents.get(method)!);
  if (cls?.type !== T.ClassDeclaration && cls?.type !== T.ClassExpression) return null;
  const base = cls.superClass;
  const source = base?.type === T.Identifier ? fi.resolve(base)?.import?.source : undefined;
  return source && /^(@langchain\/|langchain(\/|$))/.test(source) ? cls : null;
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
