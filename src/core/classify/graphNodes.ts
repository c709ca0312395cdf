// A function added to a LangGraph graph (a node, the router of conditional edges) runs when the
// compiled graph runs: the walk follows the compiled graph, as it follows an agent (values.ts), to
// where it is invoked, streamed or batched, in this module or another; and a graph a langgraph.json
// lists is also run by the LangGraph server for its clients (rules/langgraph.ts).
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import type { Node } from '../parse/walk';
import type { SyntaxModel } from '../syntax/model';
import { functionName } from '../detect/detect';
import { exportNamesOf } from './uses';
import { returningFunction, type ValueWalk, type WalkSteps } from './values';
import { openPath, pushAll, type Path } from './path';
import type { CallNode } from './rules/hooks';
import { graphMemberOf, servedPaths } from './rules/langgraph';
import { CALL_CHAIN, NO_ENTRY_POINT } from './rules/reach';

export class GraphNodeWalk {
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
    const paths: Path[] = [];
    for (const compile of member.compiles) {
      const where = `${file}:${compiledLine(compile)}`;
      const step = member.kind === 'node' ? CALL_CHAIN.messages.graphNode(member.name, where) : CALL_CHAIN.messages.graphRouter(member.name, where);
      pushAll(paths, this.compiledPaths(fi, file, compile, depth, visiting).map((p) => ({ ...p, steps: [...p.steps, step] })));
    }
    return paths;
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
