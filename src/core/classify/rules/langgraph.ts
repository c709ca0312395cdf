// LangGraph graphs: a function added to a graph builder as a node (or as the router of conditional
// edges) runs when the compiled graph runs, wherever that is (graphNodes.ts follows it there). A
// compiled graph that a langgraph.json lists is also served by the LangGraph server, whose runs are
// started by clients over HTTP: who waits for them is not in the workspace.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import type { Node } from '../../parse/walk';
import type { ProjectIndex } from '../../project';
import type { SyntaxModel } from '../../syntax/model';
import { propertyName } from '../../syntax/nodes';
import { openPath, type Path } from '../path';
import { defineRule } from './rule';
import { lineNumberAt } from '../../parse/lineNumbers';

export const LANGGRAPH_SERVER = defineRule({
  id: 'langgraph-server',
  effect: 'neutral',
  title: 'A graph the LangGraph server runs',
  configFiles: ['langgraph.json'],
  messages: {
    served: (name: string, config: string) =>
      `served by the LangGraph server as the graph '${name}' (${config}): each run is started by a client over HTTP ` +
      '(an app, LangGraph Studio, a cron of the server), and whoever starts a run decides whether someone waits. ' +
      'If nobody does, declare the call with `// batchwise: batch`; if a person does, with `// batchwise: user-waiting`',
  },
});

export const RULES = [LANGGRAPH_SERVER] as const;

/** The graph builders of `@langchain/langgraph` whose nodes run when the compiled graph runs. */
const BUILDERS = new Set(['StateGraph', 'MessageGraph', 'Graph']);
const BUILDER_SOURCE = /^@langchain\/langgraph(\/web)?$/;
/** Builder methods that take the functions a run calls: nodes, and the routers of conditional edges. */
const NODE_METHODS = new Set(['addNode', 'addConditionalEdges', 'addSequence']);
/** How many variables a builder may be passed through (`const a = new StateGraph(…); const b = a.addNode(…)`). */
const MAX_HOPS = 4;

/** A function's place in a graph, read off the builder call it is handed to. */
export interface GraphMember {
  /** 'node' for `addNode`/`addSequence`; 'router' for `addConditionalEdges`. */
  kind: 'node' | 'router';
  /** The node's name, or the node the edges leave from; null when not a literal. */
  name: string | null;
  /** The calls that compile the graph (`.compile(…)`); empty when none is seen. */
  compiles: TSESTree.CallExpression[];
  /** Where the graph is built, for evidence when it is never compiled. */
  built: Node;
  /**
   * The nodes and routers of the graph that may run before this one in a run, and so may have put
   * their answers in the state it reads: all of them when the order cannot be read (conditional
   * edges, names that are no literals), this one too when a run may come back to it.
   */
  earlier: GraphStep[];
}

/** A node or router of a graph: its name (null when not a literal) and the value added (a function, a subgraph, a ToolNode …). */
export interface GraphStep {
  name: string | null;
  value: Node;
}

const START = '__start__';

/** An edge's end: a node's name, or the graph's `START`/`END` (the constants, or their values). */
function endpoint(node: Node | undefined): string | null {
  if (node?.type === T.Identifier && (node.name === 'START' || node.name === 'END')) return `__${node.name.toLowerCase()}__`;
  return literal(node);
}

/**
 * The graph a call adds a function to, when it is a node method of a LangGraph builder
 * (`new StateGraph(…).addNode('a', fn)`, `builder.addConditionalEdges('a', route)`, `addNode({ a: fn })`),
 * with the calls that compile it and the rest of its builder calls: along the chain, and on the
 * variables the builder is kept in.
 */
export function graphMemberOf(fi: SyntaxModel, call: TSESTree.CallExpression | TSESTree.NewExpression): GraphMember | null {
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression) return null;
  const method = propertyName(call.callee.property, call.callee.computed);
  if (!method || !NODE_METHODS.has(method)) return null;
  const holders: TSESTree.VariableDeclarator[] = [];
  const built = builderRoot(fi, call.callee.object, holders, 0);
  if (!built) return null;
  const calls: TSESTree.CallExpression[] = [];
  const top = chainUp(fi, call, calls);
  chainUp(fi, built, calls);
  const kept = fi.parents.get(top);
  if (kept?.type === T.VariableDeclarator && kept.init === top) holders.push(kept);
  for (const decl of new Set(holders)) {
    const b = decl.id.type === T.Identifier ? fi.bindingOf(decl.id) : undefined;
    if (b) for (const ref of fi.referencesOf(b)) chainUp(fi, ref, calls);
  }
  const builderCalls = [...new Set(calls)];
  const compiles = builderCalls.filter((c) => methodOf(c) === 'compile');
  const first = call.arguments[0];
  let name = literal(first);
  // `addNode({ generate: fn })`: the key, when the object adds one node.
  if (first?.type === T.ObjectExpression && first.properties.length === 1 && first.properties[0].type === T.Property) {
    name = propertyName(first.properties[0].key, first.properties[0].computed);
  }
  const kind = method === 'addConditionalEdges' ? 'router' : 'node';
  return { kind, name, compiles, built, earlier: earlierSteps(builderCalls, call, name) };
}

function methodOf(call: TSESTree.CallExpression): string | null {
  return call.callee.type === T.MemberExpression ? propertyName(call.callee.property, call.callee.computed) : null;
}

function literal(node: Node | undefined): string | null {
  return node?.type === T.Literal && typeof node.value === 'string' ? node.value : null;
}

/** The steps of the graph that may run before the one `call` adds (see GraphMember.earlier). */
function earlierSteps(calls: readonly TSESTree.CallExpression[], call: TSESTree.CallExpression, name: string | null): GraphStep[] {
  const steps: GraphStep[] = [];
  const edges: [string, string][] = [];
  let ordered = name !== null;
  // Conditional edges (and nodes that route with a `Command`) may send a run to any node, back to this one too.
  let looping = false;
  for (const c of calls) {
    const m = methodOf(c);
    const [a, b] = c.arguments;
    if (m === 'addNode') {
      if (a?.type === T.ObjectExpression) {
        for (const p of a.properties) steps.push(p.type === T.Property ? { name: propertyName(p.key, p.computed), value: p.value } : { name: null, value: p });
      } else if (b) steps.push({ name: literal(a), value: b });
      // A node whose name is no literal cannot be placed by the edges.
      if (steps.some((st) => st.name === null)) ordered = false;
      // `addNode('a', fn, { ends: ['b', 'c'] })`: the node routes the run itself (a `Command`), as a router does.
      if (c.arguments.some((arg) => arg.type === T.ObjectExpression && arg.properties.some((p) => p.type === T.Property && propertyName(p.key, p.computed) === 'ends'))) looping = true;
    } else if (m === 'addConditionalEdges') {
      if (b) steps.push({ name: null, value: b });
      looping = true;
    } else if (m === 'addSequence') {
      if (a) steps.push({ name: null, value: a });
      ordered = false;
    } else if (m === 'addEdge') {
      const to = endpoint(b);
      const from = a?.type === T.ArrayExpression ? a.elements.map((e) => endpoint(e ?? undefined)) : [endpoint(a)];
      if (to === null || from.includes(null)) ordered = false;
      else for (const f of from) edges.push([f!, to]);
    } else if (m === 'setEntryPoint') {
      const to = endpoint(a);
      if (to === null) ordered = false;
      else edges.push([START, to]);
    }
  }
  const [first, second] = call.arguments;
  const only = first?.type === T.ObjectExpression && first.properties.length === 1 && first.properties[0].type === T.Property ? first.properties[0].value : undefined;
  const isSelf = (s: GraphStep) => s.value === second || (only !== undefined && s.value === only);
  if (looping || !ordered) return steps.filter((s) => looping || !isSelf(s));
  // What runs before the node: the nodes with an edge into it, and theirs; itself when on a cycle.
  const before = new Set<string>();
  const queue = [name!];
  while (queue.length > 0) {
    const at = queue.pop()!;
    for (const [from, to] of edges) {
      if (to === at && !before.has(from)) {
        before.add(from);
        queue.push(from);
      }
    }
  }
  return steps.filter((s) => s.name !== null && before.has(s.name));
}

/**
 * The `new StateGraph(…)` a builder chain starts from, through chained builder calls and the const
 * variables it is kept in (each declarator pushed on `holders`). Null when it is no LangGraph builder.
 */
function builderRoot(fi: SyntaxModel, node: Node, holders: TSESTree.VariableDeclarator[], hops: number): Node | null {
  let cur = node;
  while (cur.type === T.CallExpression && cur.callee.type === T.MemberExpression) cur = cur.callee.object;
  if (cur.type === T.TSNonNullExpression || cur.type === T.TSAsExpression) return builderRoot(fi, cur.expression, holders, hops);
  if (cur.type === T.NewExpression) {
    const callee = cur.callee;
    const imported = callee.type === T.Identifier ? fi.resolve(callee)?.import : undefined;
    return imported && BUILDER_SOURCE.test(imported.source) && BUILDERS.has(imported.imported) ? cur : null;
  }
  if (cur.type !== T.Identifier || hops >= MAX_HOPS) return null;
  const decl = fi.resolve(cur)?.declarator;
  if (!decl?.init || decl.id.type !== T.Identifier) return null;
  holders.push(decl);
  return builderRoot(fi, decl.init, holders, hops + 1);
}

/** Climbs a method chain from `node` (`node.addEdge(…).compile()`), collecting its calls; returns the chain's outermost value. */
function chainUp(fi: SyntaxModel, node: Node, calls: TSESTree.CallExpression[]): Node {
  let value = fi.outermost(node);
  for (;;) {
    const member = fi.parents.get(value);
    const call = member ? fi.parents.get(member) : undefined;
    if (member?.type !== T.MemberExpression || member.object !== value || call?.type !== T.CallExpression || call.callee !== member) return value;
    calls.push(call);
    value = fi.outermost(call);
  }
}

/** One graph a langgraph.json lists: its name, the module and export it is (`./src/graph.ts:graph`), and where it is listed. */
interface ServedGraph {
  name: string;
  file: string;
  exportName: string;
  config: string;
  line: number;
}

const servedByProject = new WeakMap<ProjectIndex, ServedGraph[]>();

/** The graphs the project's langgraph.json files list, read once per analysis. */
function servedGraphs(project: ProjectIndex): ServedGraph[] {
  let found = servedByProject.get(project);
  if (found) return found;
  found = [];
  for (const config of (project.source.configFiles ?? []).filter((c) => /(^|\/)langgraph\.json$/.test(c))) {
    const text = project.configText(config);
    if (text === undefined) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    const graphs = (parsed as { graphs?: unknown })?.graphs;
    if (!graphs || typeof graphs !== 'object') continue;
    const dir = config.includes('/') ? config.slice(0, config.lastIndexOf('/') + 1) : '';
    for (const [name, spec] of Object.entries(graphs as Record<string, unknown>)) {
      // A graph is "./path/to/module.ts:exportName", or an object whose `path` is.
      const where = typeof spec === 'string' ? spec : typeof (spec as { path?: unknown })?.path === 'string' ? (spec as { path: string }).path : null;
      const colon = where ? where.lastIndexOf(':') : -1;
      if (!where || colon <= 0) continue;
      const file = joinPath(dir, where.slice(0, colon));
      const at = text.indexOf(JSON.stringify(name));
      found.push({ name, file, exportName: where.slice(colon + 1), config, line: at < 0 ? 1 : lineNumberAt(text, at) });
    }
  }
  servedByProject.set(project, found);
  return found;
}

/** `dir` + a relative module path, without `./` and `..` steps. */
function joinPath(dir: string, rel: string): string {
  const parts: string[] = [];
  for (const part of `${dir}${rel}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** The open paths of a compiled graph that a langgraph.json lists under one of `exportNames` of `file`. */
export function servedPaths(project: ProjectIndex, file: string, exportNames: readonly string[]): Path[] {
  return servedGraphs(project)
    .filter((g) => g.file === file && exportNames.includes(g.exportName))
    .map((g) => openPath(LANGGRAPH_SERVER, LANGGRAPH_SERVER.messages.served(g.name, g.config), g.config, g.line, { runByUnknown: true }));
}
