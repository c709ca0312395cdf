// Strategy 'single-batch': a call made once per run of a program (or of a schedule that runs at most
// once a day), or at the top level of a module, with no loop between: nothing is made beside it, so
// there is nothing to gather, yet its one request still costs half as much in a batch. The call
// becomes `runChatCompletionsBatch(client, [request]).then((results) => results.get(0))`: the same
// request, the same answer (or the same error, thrown by `get`), through a batch of one. The run now
// waits for that batch (up to 24 hours) where it waited seconds, so the fix is never marked safe.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import type { Node } from '../parse/walk';
import { isFunctionLike, LOOP_STATEMENTS, propertyName } from '../syntax/nodes';
import type { ModuleLookup } from './effects';
import type { CallSite, RunsOnce, TextEdit } from '../model';
import type { ModuleStyle } from './moduleStyle';
import { aiSdkBridgePath, callUnderFix, GEMINI_WHOLE, helperPathFor, helperSpecifier, HelperKind, importExtension, isModuleCommonJs, lastImport, refuse } from './loopHoist';
import { AI_SDK_HELPER, withProviderModel } from './aiSdk';
import { importEdits, planImports } from './helperImports';
import { keepComments } from './keepComments';
import { fileNames } from './names';
import { aiSdkQueueResult, promiseExtra, wholeAnswerUse } from './batchQueue';
import { perDay } from '../report/volume';
import type { AiSdkHelperKind } from './helper';

export const SINGLE_BATCH = 'single-batch';

export interface SinglePlan {
  edits: TextEdit[];
  moduleKind: 'cjs' | 'esm';
  helperKind: HelperKind;
  helperPath: string;
  /** An AI SDK call: the bridge module its batch goes through, which imports the provider's helper. */
  aiSdk?: { path: string; kind: AiSdkHelperKind; siblingExtension: string };
  /** For an AI SDK call with a gateway model id: the provider whose model the rewrite makes instead. */
  gateway?: 'openai' | 'anthropic';
  /** What the rewrite changes: always said, since the run now waits for a batch. */
  changes: string;
}

export type SingleCheck = { ok: true; plan: SinglePlan } | { ok: false; reason: string };

/** Array methods that run a callback once per element: a call in one is made per item, not once. */
const PER_ELEMENT = new Set(['map', 'forEach', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'sort']);

/**
 * The one-request batch for a call made once per run (`once`, as the analysis found it), or made at the
 * top level of its module (`once` null: the module's body runs once per load).
 */
export function checkSingleBatch(
  file: string,
  text: string,
  site: CallSite,
  openaiHelperPath: string,
  once: RunsOnce | null,
  ast?: TSESTree.Program,
  style?: ModuleStyle,
  modules?: ModuleLookup,
  verdictOnly = false,
): SingleCheck {
  // A schedule that runs more than once a day would start runs that overlap, each waiting for its own batch of one.
  if (once && 'schedule' in once && once.callsPerDay > 1) {
    return refuse(
      `no batch of one: the call is made once per run of ${once.schedule}, ${perDay(once.callsPerDay)}, and a batch of its one request may take up to 24 hours, longer than the time between runs, so runs would pile up waiting. Collect a run's work and send it as one batch (a loop over the items gets the loop-hoist fix), or leave the call as it is`,
    );
  }
  const target = callUnderFix(file, text, site, ast, modules);
  if ('ok' in target) return target;
  const { endpoint, parsed, facts, call, client, request } = target;
  const src = (n: Node) => parsed.text.slice(n.range[0], n.range[1]);
  // Nothing in the file may make the call more than once: a loop, or a callback run per element.
  for (let child: Node = call, p = facts.parents.get(call); p; child = p, p = facts.parents.get(p)) {
    if (LOOP_STATEMENTS.has(p.type)) return refuse(`the call is inside a loop (line ${facts.line(p)}), so it is made more than once per run and a batch of one would go out per pass; loop over a list made first (for (const x of xs)) to get the loop hoist`);
    const caller = isFunctionLike(child) && p.type === T.CallExpression && p.arguments.includes(child as TSESTree.CallExpressionArgument) ? p : null;
    const method = caller?.callee.type === T.MemberExpression ? propertyName(caller.callee.property, caller.callee.computed) : null;
    if (method && PER_ELEMENT.has(method)) return refuse(`the call is in a callback of \`.${method}(…)\` (line ${facts.line(caller!)}), which runs once per element; a batch of one would go out for each`);
  }
  const extra = promiseExtra(call, facts);
  if (extra) return refuse(`the call's promise is used for more than its result (.${extra}); a batch resolves with the result only`);
  if (endpoint.provider === 'google') {
    const whole = wholeAnswerUse(call, facts);
    if (whole) return refuse(GEMINI_WHOLE(whole));
  }
  // What the code reads of the result first: it stands whatever the model is.
  if (target.aiSdk) {
    const read = aiSdkQueueResult(site.api, call, facts);
    if (read) return refuse(read);
  }

  const helperKind: HelperKind = endpoint.provider;
  const helperPath = helperPathFor(helperKind, openaiHelperPath);
  const moduleKind = isModuleCommonJs(file, parsed.ast, parsed.text, style) ? 'cjs' : 'esm';
  const bridge = target.aiSdk ? { path: aiSdkBridgePath(target.aiSdk.helperKind, helperPath), kind: target.aiSdk.helperKind, siblingExtension: '' } : undefined;
  // A gateway id (`model: 'openai/gpt-5'`) becomes the provider's own model, as the loop hoist makes it: the
  // request then goes to the provider, into the batch (the plan's `gateway` has the package checked or added).
  const gateway = target.aiSdk?.gateway;
  const changes = [waitsFor(once), target.aiSdk?.changes].filter(Boolean).join('; ');
  const planWith = (edits: TextEdit[]): SingleCheck => ({
    ok: true,
    plan: { edits, moduleKind, helperKind, helperPath, ...(bridge ? { aiSdk: bridge } : {}), ...(gateway ? { gateway: gateway.provider } : {}), changes },
  });
  // Nothing below refuses: it builds the edits, which the audit's check does not need.
  if (verdictOnly) return planWith([]);
  if (bridge) bridge.siblingExtension = importExtension(parsed.ast, moduleKind, file, bridge.path, style) ?? '';
  const used = fileNames(parsed.ast);
  const [provider] = gateway ? planImports(parsed.ast, [{ specifier: gateway.make.source, name: gateway.make.name }], used) : [];
  const planned = planImports(parsed.ast, [{ specifier: helperSpecifier(parsed.ast, file, moduleKind, bridge?.path ?? helperPath, style), name: bridge ? AI_SDK_HELPER : endpoint.helper }], used);
  const [run] = planned.map((p) => p.local);
  const [imports, ...inserts] = importEdits(parsed.ast, parsed.text, moduleKind, provider ? [provider, ...planned] : planned, lastImport(parsed.ast));
  const callText = gateway && provider ? withProviderModel(parsed.text, call, gateway, provider.local) : src(call);
  // The client and the request are evaluated where and in the order they were: the client, then the request.
  const batched = bridge ? `${run}([() => ${callText}])` : `${run}(${src(client)}, [${src(request)}])`;
  const edits: TextEdit[] = [{ range: [call.range[0], call.range[1]], newText: `${batched}.then((results) => results.get(0))` }, ...inserts, imports];
  return planWith(keepComments(parsed.text, parsed.ast.comments ?? [], edits));
}

/** What the batch of one changes: the run waits for it. */
function waitsFor(once: RunsOnce | null): string {
  const batch = 'its one request now goes as a batch of one, at half the price, and the run waits for that batch (most end within hours, at most 24) where it waited seconds for the answer';
  if (!once) return `the call runs once, at the top level of its module: ${batch}, and so does whatever loads the module`;
  if ('schedule' in once) return `the call is made once per run of ${once.schedule}: ${batch}`;
  return `the call is made once per run (${once.entry}): ${batch}`;
}
