// A function added to a LangGraph graph (a node, the router of conditional edges) runs when the
// compiled graph runs: the walk follows the compiled graph, as it follows an agent (values.ts), to
// where it is invoked, streamed or batched, in this module or another; and a graph a langgraph.json
// lists is also run by the LangGraph server for its clients (rules/langgraph.ts).
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, type Node } from '../parse/walk';
import type { SyntaxModel } from '../syntax/model';
import { isFunctionLike, propertyName, type FunctionLike } from '../syntax/nodes';
import { functionName } from '../detect/detect';
import { exportNamesOf } from './uses';
import { returningFunction, type ValueWalk, type WalkSteps } from './values';
import { openPath, pushAll, type Path } from './path';
import type { CallNode } from './rules/hooks';
import { graphMemberOf, servedPaths, type GraphMember } from './rules/langgraph';
import { CALL_CHAIN, NO_ENTRY_POINT } from './rules/reach';

/** How many calls deep a step of a graph is searched for an LLM call (the node, the helpers it calls, theirs). */
const MODEL_SEARCH_DEPTH = 2;
/** How many of those steps the evidence names. */
const MAX_NAMED = 4;

export class GraphNodeWalk {
  /** The answering steps before each builder call's node (see answeringSteps), asked once per analysis. */
  private readonly answering = new WeakMap<Node, string | null>();

  constructor(
    private readonly walk: WalkSteps,
    private readonly values: ValueWalk,
  ) {}

  /**
   * Paths to a function handed to a graph builder's `addNode`/`addConditionalEdges`/`addSequence`: the
   * runs of each graph compiled from that builder, each with the node as a step. Null when the call is
   * no LangGraph builder's.
   */
  nodePaths(file: string, call: CallNode, depth: number, visiting: Set<Node>): Path[] | null {
    const fi = this.walk.project.get(file)!;
    const member = graphMemberOf(fi, call);
    if (!member) return null;
    if (member.compiles.length === 0) {
      return [openPath(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.graphNotCompiled(`${file}:${member.built.loc.start.line}`), file, member.built.loc.start.line)];
    }
    let fed = this.answering.get(call);
    if (fed === undefined) this.answering.set(call, (fed = this.answeringSteps(fi, file, member)));
    const paths: Path[] = [];
    for (const compile of member.compiles) {
      const where = `${file}:${compiledLine(compile)}`;
      const step = member.kind === 'node' ? CALL_CHAIN.messages.graphNode(member.name, where) : CALL_CHAIN.messages.graphRouter(member.name, where);
      pushAll(paths, this.compiledPaths(fi, file, compile, depth, visiting).map((p) => ({ ...p, steps: [...p.steps, step], ...(fed && !p.graphState ? { graphState: fed } : {}) })));
    }
    return paths;
  }

  /**
   * The steps of the graph that may run before this one and make an LLM call, in words (`node
   * 'report'`, `the router at graph.ts:40`), or null when none does: their answers are in the state
   * this step reads. A step whose function is not in sight (a subgraph, a ToolNode) is taken to make one.
   */
  private answeringSteps(fi: SyntaxModel, file: string, member: GraphMember): string | null {
    const named: string[] = [];
    for (const step of member.earlier) {
      if (!this.mayCallModel(fi, file, step.value, 0)) continue;
      named.push(step.name !== null ? `node '${step.name}'` : `the step added at ${file}:${step.value.loc.start.line}`);
    }
    if (named.length === 0) return null;
    return named.length <= MAX_NAMED ? named.join(', ') : `${named.slice(0, MAX_NAMED).join(', ')} and ${named.length - MAX_NAMED} more`;
  }

  /** Whether a value added to a graph, or a function it calls (to MODEL_SEARCH_DEPTH), may make an LLM call. */
  private mayCallModel(fi: SyntaxModel, file: string, value: Node, level: number): boolean {
    const found = this.functionOf(fi, file, value);
    if (!found) return level === 0;
    const calls = this.walk.llmCallsIn(found.model.file);
    if (calls.some((c) => c.range[0] >= found.fn.range[0] && c.range[1] <= found.fn.range[1])) return true;
    if (level >= MODEL_SEARCH_DEPTH) return false;
    let any = false;
    visit(found.fn.body ?? found.fn, (n) => {
      if (any) return false;
      if (n.type === T.CallExpression && this.mayCallModel(found.model, found.model.file, n.callee, level + 1)) any = true;
      return undefined;
    });
    return any;
  }

  /** The function a value stands for: written there, a name of this module or an import from the workspace, or a method read as `this.name`. */
  private functionOf(fi: SyntaxModel, file: string, value: Node): { model: SyntaxModel; fn: FunctionLike } | null {
    if (isFunctionLike(value)) return { model: fi, fn: value };
    if (value.type === T.MemberExpression && value.object.type === T.ThisExpression) {
      const key = propertyName(value.property, value.computed);
      const cls = fi.classBodyOf(value);
      const member = cls ? cls.body.find((m) => (m.type === T.MethodDefinition || m.type === T.PropertyDefinition) && propertyName(m.key, m.computed) === key) : undefined;
      const fn = member?.type === T.MethodDefinition ? member.value : member?.type === T.PropertyDefinition ? member.value : null;
      return fn && isFunctionLike(fn) ? { model: fi, fn } : null;
    }
    return value.type === T.Identifier ? this.walk.graph.definitionOf(fi, value) : null;
  }

  /** Where a compiled graph runs: its `invoke`/`stream`/`batch` calls, followed as an agent's runs are, and the LangGraph server when a langgraph.json lists it. */
  private compiledPaths(fi: SyntaxModel, file: string, compile: TSESTree.CallExpression, depth: number, visiting: Set<Node>): Path[] {
    const paths = [...this.values.heldPaths(file, compile, 'agent', 0, depth + 1, visiting)];
    pushAll(paths, servedPaths(this.walk.project, file, servedNames(fi, compile)));
    if (paths.length > 0) return paths;
    const line = compiledLine(compile);
    return [openPath(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.graphNeverRun(`${file}:${line}`), file, line)];
  }
}

/** The line of `.compile(…)` itself, not of the chain it ends (`new StateGraph(…)` … `.compile()`). */
function compiledLine(compile: TSESTree.CallExpression): number {
  return (compile.callee.type === T.MemberExpression ? compile.callee.property : compile).loc.start.line;
}

/**
 * The export names a langgraph.json may name a compiled graph by: the variable it is kept in
 * (`export const graph = builder.compile()`), the default export, or a function that returns it (the
 * server also takes a graph factory).
 */
function servedNames(fi: SyntaxModel, compile: TSESTree.CallExpression): string[] {
  const value = fi.outermost(compile);
  const holder = fi.parents.get(value);
  if (holder?.type === T.VariableDeclarator && holder.init === value && holder.id.type === T.Identifier) return exportNamesOf(fi, value, holder.id.name);
  if (holder?.type === T.ExportDefaultDeclaration) return ['default'];
  const factory = returningFunction(fi, value);
  return factory ? exportNamesOf(fi, factory, functionName(fi, factory)) : [];
}
