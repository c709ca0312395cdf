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
}

/**
 * The graph a call adds a function to, when it is a node method of a LangGraph builder
 * (`new StateGraph(…).addNode('a', fn)`, `builder.addConditionalEdges('a', route)`, `addNode({ a: fn })`),
 * with the calls that compile it: further along the same chain, or on the variable the builder is kept in.
 */
export function graphMemberOf(fi: SyntaxModel, call: TSESTree.CallExpression | TSESTree.NewExpression): GraphMember | null {
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression) return null;
  const method = propertyName(call.callee.property, call.callee.computed);
  if (!method || !NODE_METHODS.has(method)) return null;
  const holders: TSESTree.VariableDeclarator[] = [];
  const built = builderRoot(fi, call.callee.object, holders, 0);
  if (!built) return null;
  const compiles: TSESTree.CallExpression[] = [];
  const top = chainUp(fi, call, compiles);
  const kept = fi.parents.get(top);
  if (kept?.type === T.VariableDeclarator && kept.init === top) holders.push(kept);
  for (const decl of holders) {
    const b = decl.id.type === T.Identifier ? fi.bindingOf(decl.id) : undefined;
    if (b) for (const ref of fi.referencesOf(b)) chainUp(fi, ref, compiles);
  }
  const first = call.arguments[0];
  let name = first?.type === T.Literal && typeof first.value === 'string' ? first.value : null;
  // `addNode({ generate: fn })`: the key, when the object adds one node.
  if (first?.type === T.ObjectExpression && first.properties.length === 1 && first.properties[0].type === T.Property) {
    name = propertyName(first.properties[0].key, first.properties[0].computed);
  }
  return { kind: method === 'addConditionalEdges' ? 'router' : 'node', name, compiles: [...new Set(compiles)], built };
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

/** Climbs a method chain from `node` (`node.addEdge(…).compile()`), collecting its `.compile(…)` calls; returns the chain's outermost value. */
function chainUp(fi: SyntaxModel, node: Node, compiles: TSESTree.CallExpression[]): Node {
  let value = fi.outermost(node);
  for (;;) {
    const member = fi.parents.get(value);
    const call = member ? fi.parents.get(member) : undefined;
    if (member?.type !== T.MemberExpression || member.object !== value || call?.type !== T.CallExpression || call.callee !== member) return value;
    if (propertyName(member.property, member.computed) === 'compile') compiles.push(call);
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
      found.push({ name, file, exportName: where.slice(colon + 1), config, line: at < 0 ? 1 : text.slice(0, at).split('\n').length });
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
