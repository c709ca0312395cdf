// Classification: walk outward from a call to the entry points that reach it (walker.ts over the call
// graph, graph.ts), then weigh what they say about who waits (verdict.ts). A `// batchwise:` comment
// above the call overrides the inference, which stays visible beside it.
import type { CallSite, Classification } from '../model';
import type { TSESTree } from '../parse/parse';
import type { Node } from '../parse/walk';
import type { SyntaxModel } from '../syntax/model';
import { resolveExport } from '../syntax/modules';
import { failureMessage, type ProjectIndex } from '../project';
import type { Resolver } from '../detect/resolve';
import { dedupePaths, evidenceOf } from './path';
import { NO_ENTRY_POINT } from './rules/reach';
import { declaredContext } from './rules/calls';
import { oneShotCommand } from './rules/cli';
import { HOOKS } from './rules';
import { SEQUENTIAL_DEPENDENCY, sequentialVerdict } from './rules/sequential';
import { dependenceOf, importedAgentRun } from './dependence';
import { verdictOf } from './verdict';
import { Walker } from './walker';

export { isTestFile } from './rules/calls';
export { ruleById, RULES } from './rules';
export type { RuleId } from './rules';

export class Classifier {
  private readonly walker: Walker;

  constructor(
    private readonly project: ProjectIndex,
    resolver: Resolver,
  ) {
    this.walker = new Walker(project, resolver, HOOKS);
  }

  /** `fileCalls`: every LLM call detected in the site's file, whose answers may flow into this one's request. */
  classify(site: CallSite, callNode: TSESTree.CallExpression, fileCalls: readonly TSESTree.CallExpression[] = [callNode]): Classification {
    let inferred: Classification;
    try {
      const paths = dedupePaths(this.walker.walkFrom(site.file, callNode, 0, new Set())).map((p) => oneShotCommand(this.project, p) ?? p);
      inferred = verdictOf(site, paths);
      const model = this.project.get(site.file);
      const dependence = model ? (dependenceOf(model, callNode, fileCalls) ?? importedAgentRun(model, callNode, (source, imported) => this.madeIn(site.file, source, imported))) : null;
      // Whoever waits, a request that needs an earlier answer cannot go to a batch as written.
      if (dependence) inferred = sequentialVerdict(inferred, dependence, site.file, paths.flatMap((p) => p.loops));
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

  /** The module and expression a name imported by `file` is made from (`export const a = new Agent(…)`), when a project file declares it. */
  private madeIn(file: string, source: string, imported: string): { model: SyntaxModel; init: Node } | null {
    const moduleOf = (from: string, spec: string): SyntaxModel | undefined => {
      const resolved = this.project.resolveImport(from, spec);
      return (resolved !== null && this.project.get(resolved)) || undefined;
    };
    const target = moduleOf(file, source);
    if (!target) return null;
    const found = resolveExport(moduleOf, target, imported);
    if (found?.kind === 'binding') {
      const init = found.binding?.declarator?.init;
      return init ? { model: found.model, init } : null;
    }
    return found?.kind === 'value' && !found.member ? { model: found.model, init: found.value } : null;
  }
}
