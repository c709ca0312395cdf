// Both strategies refuse a call whose request needs an earlier answer: hoisted into a batch, each step
// of the loop would wait up to 24 hours for the last (see docs/rules/sequential-dependency.md).
import type { CallSite } from '../model';
import { AST_NODE_TYPES as T, parseSource, TSESTree } from '../parse/parse';
import { visit } from '../parse/walk';
import { SyntaxModel } from '../syntax/model';
import { dependenceOf } from '../classify/dependence';
import { dependenceMessage, SEQUENTIAL_DEPENDENCY } from '../classify/rules/sequential';
import { findCall } from './loopHoist';
import { isLlmCallee } from './llmCalls';


/** Why no rewrite may batch this call, when its request needs an earlier answer; else null. */
export function sequentialRefusal(file: string, text: string, site: CallSite, ast?: TSESTree.Program): string | null {
  const parsed = ast ? { ok: true as const, ast } : parseSource(file, text);
  if (!parsed.ok) return null;
  const call = findCall(parsed.ast, site.range);
  if (!call) return null;
  const model = SyntaxModel.of({ file, text, ast: parsed.ast });
  const listed = llmCalls(model, parsed.ast, site.callee);
  const calls = membersOf(listed).has(call) ? listed : [...listed, call];
  const d = dependenceOf(model, call, calls);
  if (!d) return null;
  const line = d.at.loc.start.line;
  return `${SEQUENTIAL_DEPENDENCY.id}: ${dependenceMessage(d, line, d.other?.loc.start.line ?? null)} (${file}:${line})`;
}

/**
 * The calls of a file a rewrite treats as LLM calls, found once per file and callee (the same list
 * for every call of the file, which also lets the dependence analysis reuse its work): a walk of the
 * file per call made a file of a thousand calls quadratic.
 */
const callLists = new WeakMap<TSESTree.Program, Map<string, TSESTree.CallExpression[]>>();
function llmCalls(model: SyntaxModel, ast: TSESTree.Program, siteCallee: string): TSESTree.CallExpression[] {
  let byCallee = callLists.get(ast);
  if (!byCallee) callLists.set(ast, (byCallee = new Map()));
  let calls = byCallee.get(siteCallee);
  if (!calls) {
    const found: TSESTree.CallExpression[] = [];
    visit(ast, (n) => {
      if (n.type !== T.CallExpression) return;
      const callee = model.src(n.callee);
      // The site's own callee as written, and every call whose answer is generated (an embedding seldom feeds a prompt as it is).
      if (callee === siteCallee || isLlmCallee(callee, { embeddings: false })) found.push(n);
    });
    byCallee.set(siteCallee, (calls = found));
  }
  return calls;
}

/** A list's calls as a set, made once per list: `includes` on the list, once per call of a file of 4,000, was quadratic. */
const memberSets = new WeakMap<readonly TSESTree.CallExpression[], Set<TSESTree.CallExpression>>();
function membersOf(list: readonly TSESTree.CallExpression[]): Set<TSESTree.CallExpression> {
  let set = memberSets.get(list);
  if (!set) memberSets.set(list, (set = new Set(list)));
  return set;
}
