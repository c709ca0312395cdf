// Classification: walk outward from a call to the entry points that reach it (walker.ts over the call
// graph, graph.ts), then weigh what they say about who waits (verdict.ts). A `// batchwise:` comment
// above the call overrides the inference, which stays visible beside it.
import type { CallSite, Classification } from '../model';
import { AST_NODE_TYPES as T, type TSESTree } from '../parse/parse';
import { visit, type Node } from '../parse/walk';
import type { FunctionLike } from '../syntax/nodes';
import type { SyntaxModel } from '../syntax/model';
import { failureMessage, type ProjectIndex } from '../project';
import type { Resolver } from '../detect/resolve';
import { dedupePaths, evidenceOf, type Path } from './path';
import { CALL_CHAIN, NO_ENTRY_POINT } from './rules/reach';
import { declaredContext } from './rules/calls';
import { oneShotCommand } from './rules/cli';
import { HOOKS } from './rules';
import { SEQUENTIAL_DEPENDENCY, sequentialVerdict } from './rules/sequential';
import { dependenceOf, importedAgentRun, type Dependence } from './dependence';
import { verdictOf } from './verdict';
import { Walker } from './walker';
import type { GraphMemos } from './graph';

export { isTestFile } from './rules/calls';
export { ruleById, RULES } from './rules';
export type { RuleId } from './rules';

export class Classifier {
  private readonly walker: Walker;

  constructor(
    private readonly project: ProjectIndex,
    private readonly resolver: Resolver,
    /** The LLM calls detected in a file (for answers that reach a request through its callers). */
    private readonly llmCallsIn: (file: string) => readonly TSESTree.CallExpression[] = () => [],
    /** What the call graph learned earlier, by file name (kept when the syntax models are dropped). */
    memos?: GraphMemos,
  ) {
    this.walker = new Walker(project, resolver, HOOKS, llmCallsIn, memos);
  }

  /** `fileCalls`: every LLM call detected in the site's file, whose answers may flow into this one's request. */
  classify(site: CallSite, callNode: TSESTree.CallExpression, fileCalls: readonly TSESTree.CallExpression[] = [callNode]): Classification {
    let inferred: Classification;
    try {
      const paths = dedupePaths(this.walker.walkCall(site.file, callNode)).map((p) => oneShotCommand(this.project, p) ?? p);
      inferred = verdictOf(site, paths);
      if (this.walker.cutShort && inferred.verdict === 'user-waiting') {
        inferred = { ...inferred, evidence: [...inferred.evidence, evidenceOf(CALL_CHAIN, CALL_CHAIN.messages.settled(), site.file, site.loc.start.line)] };
      }
      const model = this.project.get(site.file);
      const dependence = model ? (dependenceOf(model, callNode, fileCalls) ?? importedAgentRun(model, callNode, (source, imported) => this.madeIn(site.file, source, imported)) ?? graphStateOf(paths, callNode)) : null;
      // Whoever waits, a request that needs an earlier answer cannot go to a batch as written.
      if (dependence) inferred = sequentialVerdict(inferred, dependence, site.file, paths.flatMap((p) => p.loops));
      // The answer may come from the caller: `const r = await summarise(item); await checkDuplicate(r.title)`
      // in another file, where both functions make LLM calls and the second's request reads its parameters.
      const across = !dependence && inferred.verdict === 'batchable' && model ? this.callerDependence(site.file, model, callNode, paths) : null;
      if (across) inferred = sequentialVerdict(inferred, across.dependence, across.file, paths.flatMap((p) => p.loops));
    } catch (err) {
      // One call whose context cannot be analysed costs that call's verdict, not the audit: it is reported, unknown, and says why.
      const line = site.loc.start.line;
      const reason = failureMessage(err);
      this.project.addError(site.file, `the context of the call at line ${line} could not be analysed: ${reason}`, line);
      inferred = { verdict: 'unknown', confidence: 0.5, evidence: [evidenceOf(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.notAnalysed(reason), site.file, line)] };
    } finally {
      this.walker.reset();
    }
    const declared = declaredContext(site);
    if (!declared) return inferred;
    // A declaration says who waits; it cannot make a step of a loop independent of the last one.
    if (declared.verdict === 'batchable' && inferred.evidence[0]?.rule === SEQUENTIAL_DEPENDENCY.id) return { ...inferred, evidence: [...declared.evidence, ...inferred.evidence] };
    // The declaration wins; what inference found stays visible beside it.
    return { ...declared, evidence: [...declared.evidence, ...inferred.evidence] };
  }

  /**
   * A caller, one step out on a path, that hands the call's function an earlier answer: the function's
   * call there reads the answer of another call in the caller's function that makes an LLM call
   * (directly or through a function of the workspace that holds one). Asked only of a call whose
   * request reads its function's parameters.
   */
  private callerDependence(file: string, model: SyntaxModel, call: TSESTree.CallExpression, paths: readonly Path[]): { dependence: Dependence; file: string } | null {
    const fn = model.functionOf(call);
    if (!fn || !readsParameters(model, fn, call)) return null;
    const seen = new Set<string>();
    for (const p of paths) {
      const spans = p.spans ?? [];
      const inner = spans[spans.length - 1];
      const outer = spans[spans.length - 2];
      if (!outer || !inner || inner.file !== file || inner.range[0] !== fn.range[0]) continue;
      const key = `${outer.file}:${outer.range[0]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const caller = this.project.get(outer.file);
      if (!caller) continue;
      const toFn: TSESTree.CallExpression[] = [];
      const answering: TSESTree.CallExpression[] = [];
      const llmHere = new Set(this.llmCallsIn(outer.file));
      visit(caller.ast, (n) => {
        if (n.range[1] < outer.range[0] || n.range[0] > outer.range[1]) return false;
        if (n.type !== T.CallExpression) return undefined;
        if (llmHere.has(n)) answering.push(n);
        else if (n.callee.type === T.Identifier || n.callee.type === T.MemberExpression) {
          const target = this.resolver.evaluate(outer.file, n.callee);
          if (target?.kind !== 'function') return undefined;
          if (target.node === fn) toFn.push(n);
          else if (this.holdsLlmCall(target.file, target.node)) answering.push(n);
        }
        return undefined;
      });
      if (toFn.length === 0 || answering.length === 0) continue;
      for (const c of toFn) {
        const d = dependenceOf(caller, c, [...answering, ...toFn]);
        if (d?.kind === 'chain') return { dependence: d, file: outer.file };
      }
    }
    return null;
  }

  /** Whether a function of the workspace makes an LLM call in its own body. */
  private holdsLlmCall(file: string, fn: FunctionLike): boolean {
    const model = this.project.get(file);
    return Boolean(model && this.llmCallsIn(file).some((c) => model.functionOf(c) === fn));
  }

  /** The module and expression a name imported by `file` is made from (`export const a = new Agent(…)`), when a project file declares it. */
  private madeIn(file: string, source: string, imported: string): { model: SyntaxModel; init: Node } | null {
    const target = this.project.module(file, source);
    if (!target) return null;
    const found = this.project.exportOf(target, imported);
    if (found?.kind === 'binding') {
      const init = found.binding?.declarator?.init;
      return init ? { model: found.model, init } : null;
    }
    return found?.kind === 'value' && !found.member ? { model: found.model, init: found.value } : null;
  }
}

/** A step of a LangGraph graph that runs after steps making LLM calls, on any path: its request may read their answers. */
function graphStateOf(paths: readonly Path[], call: TSESTree.CallExpression): Dependence | null {
  const fed = paths.find((p) => p.graphState);
  return fed ? { kind: 'graph-state', at: call, carrier: fed.graphState! } : null;
}

/** Does the call's request read a parameter of its function (so that a caller chooses what it sends)? */
function readsParameters(model: SyntaxModel, fn: FunctionLike, call: TSESTree.CallExpression): boolean {
  const params = new Set<Node>(fn.params);
  let found = false;
  // The request and the function's own statements before it: a parameter can reach the request through a local.
  visit(fn.body ?? fn, (n) => {
    if (found || n.range[0] > call.range[1]) return false;
    if (n.type === T.Identifier) {
      const b = model.bindingOf(n);
      if (b?.kind === 'param' && b.param !== undefined && params.has(b.param)) found = true;
    }
    return undefined;
  });
  return found;
}
