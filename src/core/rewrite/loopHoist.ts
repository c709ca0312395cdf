// Strategy 'loop-hoist': an awaited OpenAI call (chat completions, responses, embeddings) or Anthropic messages call made
// once per item — in a `for…of` body, an index `for` body, or a `Promise.all(xs.map(async …))` callback — whose
// request depends only on the item, the index, values computed purely from them, and values nothing changes
// while the loop runs, becomes: every request built first, one run through the provider's batch helper, then
// the rest of the body over the results, in the original order. A call in a try block (the try a statement
// of the loop body) is read in place, inside the try: a failed request is caught where it was. Any shape
// that cannot be shown to keep its meaning is refused, with the reason.
//
// The one analysis behind most refusals: moving the request before the loop is the same program only if
// (1) building it has no effects and waits for nothing (so building it earlier, for every item at once, does
// nothing else), and (2) nothing it reads changes between the loop's start and the moment the original
// built it — not in the loop body, not in functions the body calls, not in code that may run while the
// loop waits for an answer. The collection a loop runs over (or its bound) must not change either. In the
// concurrent shapes (Promise.all, forEach, p-map without a limit) every request is built before any
// answer arrives, so only (1) matters there, together with the order of whatever runs before the call.
import { isLlmCallee } from './llmCalls';
import { AST_NODE_TYPES as T, parseSource, TSESTree } from '../parse/parse';
import { forEachChild, visit, Node } from '../parse/walk';
import { FunctionLike, isFunctionLike, propertyName, unwrap, within } from '../syntax/nodes';
import type { CallSite, TextEdit } from '../model';
import { Binding, factsFor, FileFacts, ModuleLookup, overlaps, Use } from './effects';
import { SyntaxModel } from '../syntax/model';
import { assignedElsewhere, assignedProblem, enclosingLoop, Loop, NOT_PER_ITEM, patternDefaults, patternIds, resultUse } from './loopShape';
import { jsFileIsEsm, ModuleStyle, tsAllowsTopLevelAwait, tsFileIsNodeEsm } from './moduleStyle';
import { importEdits, planImports } from './helperImports';
import { keepComments, textWithoutComments } from './keepComments';
import { fileNames } from './names';
import { rewriteEndpoints } from '../detect/catalogue';
import { providerInfo } from '../detect/providers';
import { AI_SDK_HELPER, AiSdkCall, aiSdkCallProblem, aiSdkResultProblem, onlyMakesModels, withProviderModel } from './aiSdk';
import type { AiSdkHelperKind } from './helper';
import { LANGCHAIN_HELPER, LangChainCall, langChainCallProblem, langChainBridgePath, LangChainHelperKind } from './langchain';
import { lineStartOf, statementRemoval } from './lineEndings';
import { helperSplit } from './helperSplit';
import { reindentLines } from './reindent';

export const LOOP_HOIST = 'loop-hoist';
export { importsDefault, indentLike, isPLimitLimiter, NOT_PER_ITEM } from './loopShape';

export type HelperKind = 'openai' | 'anthropic' | 'google' | 'mistral';

/** The endpoints the helpers batch, by provider and the member chain between the client and `.create`: read from the catalogue. */
export const ENDPOINTS = rewriteEndpoints() as readonly { provider: HelperKind; chain: string[]; method: string; api: string; helper: string }[];

/** The other helpers sit beside the OpenAI one: batchwise/openaiBatch.ts → batchwise/anthropicBatch.ts, batchwise/geminiBatch.ts, batchwise/mistralBatch.ts, batchwise/batchQueue.ts. */
export function helperPathFor(kind: HelperKind | 'queue', openaiHelperPath: string): string {
  if (kind === 'openai') return openaiHelperPath;
  const slash = openaiHelperPath.lastIndexOf('/');
  const ext = /\.[cm]?[jt]s$/.exec(openaiHelperPath)?.[0] ?? '';
  return `${openaiHelperPath.slice(0, slash + 1)}${kind === 'queue' ? 'batchQueue' : kind === 'google' ? 'geminiBatch' : kind === 'mistral' ? 'mistralBatch' : 'anthropicBatch'}${ext}`;
}

/** The AI SDK bridge sits beside the provider's helper: batchwise/openaiBatch.ts → batchwise/aiSdkOpenAI.ts. */
export function aiSdkBridgePath(kind: AiSdkHelperKind, providerHelperPath: string): string {
  const slash = providerHelperPath.lastIndexOf('/');
  const ext = /\.[cm]?[jt]s$/.exec(providerHelperPath)?.[0] ?? '';
  return `${providerHelperPath.slice(0, slash + 1)}${kind === 'ai-sdk-openai' ? 'aiSdkOpenAI' : 'aiSdkAnthropic'}${ext}`;
}

export interface HoistPlan {
  edits: TextEdit[];
  moduleKind: 'cjs' | 'esm';
  typescript: boolean;
  helperKind: HelperKind;
  /** Where the helper module for this provider goes. */
  helperPath: string;
  /** What the rewrite changes in what the program does (the fix is then unsafe, a suggestion), or null. */
  changes: string | null;
  /** For an AI SDK call: the bridge module the file imports (beside the provider's helper), and how it imports that helper. */
  aiSdk?: { path: string; kind: AiSdkHelperKind; siblingExtension: string };
  /** For an AI SDK call with a gateway model id: the provider whose model the rewrite makes instead (its package and `ai` 5+ are checked). */
  gateway?: 'openai' | 'anthropic';
  /** For a LangChain model call: the bridge module the file imports, as for an AI SDK call. */
  langChain?: { path: string; kind: LangChainHelperKind; siblingExtension: string };
}

export type HoistCheck = { ok: true; plan: HoistPlan } | { ok: false; reason: string };

/** An AI SDK call's whole result handed back by the function making it: what is read of it is out of sight. */
export function aiSdkReturnsWhole(api: string): string {
  return `the function returns the whole result, so Batchwise cannot see what is read of it (the HTTP response and the steps would be the batch's); declare it (const { ${AI_SDK_RESULT_FIELD[api]} } = await …) and return what you read to get a fix`;
}

const AI_SDK_RESULT_FIELD: Record<string, string> = { 'ai-sdk.generateText': 'text', 'ai-sdk.generateObject': 'object', 'ai-sdk.embed': 'embedding', 'ai-sdk.embedMany': 'embeddings' };


export function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

// Every call expression of a tree by its range, made in one walk the first time a call of that tree is
// looked up: a walk per look-up cost a file of 4,000 calls 16 million node visits.
const callsByRange = new WeakMap<Node, Map<string, TSESTree.CallExpression>>();

export function findCall(ast: Node, range: [number, number]): TSESTree.CallExpression | null {
  let calls = callsByRange.get(ast);
  if (!calls) {
    const made = new Map<string, TSESTree.CallExpression>();
    visit(ast, (node) => {
      if (node.type !== T.CallExpression) return;
      // The outermost of two calls with one range (none in valid code) is the one a walk met first.
      const key = `${node.range[0]}:${node.range[1]}`;
      if (!made.has(key)) made.set(key, node);
    });
    callsByRange.set(ast, (calls = made));
  }
  return calls.get(`${range[0]}:${range[1]}`) ?? null;
}

/** Whether the module awaits at its top level itself (`const rows = await db.query(…)`, `for await` outside any function). */
const topLevelAwait = new WeakMap<TSESTree.Program, boolean>();
function awaitsAtTopLevel(program: TSESTree.Program): boolean {
  let found = topLevelAwait.get(program);
  if (found === undefined) {
    found = false;
    visit(program, (n) => {
      if (found || isFunctionLike(n) || n.type === T.ClassBody) return false;
      if (n.type === T.AwaitExpression || (n.type === T.ForOfStatement && n.await)) found = true;
      return undefined;
    });
    topLevelAwait.set(program, found);
  }
  return found;
}

export function isModuleCommonJs(file: string, program: TSESTree.Program, text: string, style?: ModuleStyle): boolean {
  if (/\.cjs$|\.cts$/.test(file)) return true;
  if (/\.mjs$|\.mts$/.test(file)) return false;
  if (jsFileIsEsm(file, style) === true) return false;
  if (program.body.some((s) => s.type === T.ImportDeclaration || s.type === T.ExportNamedDeclaration || s.type === T.ExportDefaultDeclaration)) {
    return false;
  }
  return /\brequire\s*\(|\bmodule\.exports\b|\bexports\.\w+\s*=/.test(text);
}

export function relativeImport(fromFile: string, toFile: string, withExtension: string | null): string {
  const from = fromFile.split('/').slice(0, -1);
  const to = toFile.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.length - common;
  const rest = to.slice(common).join('/').replace(/\.[cm]?[jt]s$/, '');
  const path = (up === 0 ? './' : '../'.repeat(up)) + rest;
  return withExtension ? path + withExtension : path;
}

/**
 * Whether our import needs a file extension: like the file's other relative imports when it has some;
 * else as the project resolves modules (Node's ES modules need one: .mjs/.mts, a .js file in a
 * "type": "module" package, TypeScript under moduleResolution node16/nodenext in such a package).
 */
/** The relative specifiers a module imports, read once per module. */
function relativeImports(program: TSESTree.Program): string[] {
  let found = relativeByProgram.get(program);
  if (!found) {
    found = program.body
      .filter((s): s is TSESTree.ImportDeclaration => s.type === T.ImportDeclaration)
      .map((s) => s.source.value)
      .filter((v) => v.startsWith('.'));
    relativeByProgram.set(program, found);
  }
  return found;
}

const relativeByProgram = new WeakMap<TSESTree.Program, string[]>();

export function importExtension(program: TSESTree.Program, moduleKind: 'cjs' | 'esm', file: string, helperPath: string, style?: ModuleStyle): string | null {
  if (moduleKind === 'cjs') return null;
  const relative = relativeImports(program);
  // A JavaScript file that awaits at its top level is an ES module, whatever its package says: Node's ES modules need the extension.
  const needed = /\.m[jt]s$/.test(file) ||
    (relative.length > 0 ? relative.some((v) => /\.[cm]?js$/.test(v)) : tsFileIsNodeEsm(file, style) || jsFileIsEsm(file, style) === true || (/\.jsx?$/.test(file) && awaitsAtTopLevel(program)));
  if (!needed) return null;
  const ext = /\.([cm]?)[jt]s$/.exec(helperPath);
  return ext ? `.${ext[1]}js` : '.js';
}

/** What both strategies need first: a batchable endpoint, a parsed file, the call written as client.<chain>.create(request). */
export interface CallUnderFix {
  endpoint: (typeof ENDPOINTS)[number];
  parsed: { ast: TSESTree.Program; text: string };
  parents: Map<Node, Node>;
  facts: FileFacts;
  call: TSESTree.CallExpression;
  client: Node;
  request: Node;
  /** An AI SDK call: `client` is then the AI SDK function, which the bridge module runs. */
  aiSdk?: AiSdkCall;
  /** A LangChain model call: `client` is then `model.invoke`, which the bridge module runs. */
  langChain?: LangChainCall;
}

export function callUnderFix(file: string, text: string, site: CallSite, ast?: TSESTree.Program, modules?: ModuleLookup): CallUnderFix | { ok: false; reason: string } {
  const helperProvider = providerInfo(site.provider).rewriteAs ?? site.provider;
  const endpoint = ENDPOINTS.find((e) => e.provider === helperProvider && e.api === site.api);
  if (!endpoint && site.api.startsWith('ai-sdk.')) return aiSdkCallUnderFix(file, text, site, ast, modules);
  if (!endpoint && site.api.startsWith('langchain.')) return langChainCallUnderFix(file, text, site, ast, modules);
  const info = providerInfo(site.provider);
  if (!endpoint && !info.batchTier) return refuse(`${info.label} sells no batch tier, so there is nothing to batch: keep this call as it is (the verdict stands)`);
  if (!endpoint && helperProvider !== 'openai' && helperProvider !== 'anthropic' && helperProvider !== 'google' && helperProvider !== 'mistral') {
    return refuse(`no batch rewrite for ${info.label} yet: the batch helpers cover OpenAI (and Azure OpenAI), Anthropic, Gemini and Mistral; ${info.label}'s own batch API would take these requests (the verdict and the estimate stand)`);
  }
  if (!endpoint && site.provider === 'google' && site.api === 'embedContent') {
    return refuse('no batch rewrite for Gemini embedContent calls yet: batch embeddings (batches.createEmbeddings) are experimental in @google/genai and may change without notice (the verdict and the estimate stand)');
  }
  if (!endpoint) {
    return refuse(`no batch rewrite for ${site.provider} ${site.api} calls; only OpenAI chat.completions, responses, embeddings, completions and moderations, Anthropic messages, Gemini models.generateContent and Mistral chat.complete and embeddings.create`);
  }
  const located = locate(file, text, site, ast, modules);
  if (!located.ok) return located;
  const { parsed, call, facts } = located;
  const client = clientOf(call, endpoint.chain, endpoint.method);
  if (typeof client === 'string') return refuse((endpoint.provider === 'google' ? legacyGeminiSdk(parsed.ast) : endpoint.provider === 'mistral' ? legacyMistralSdk(parsed.ast) : null) ?? client);
  const server = endpoint.provider === 'google' ? vertexProblem(client, facts) : serverProblem(client, facts);
  if (server) return refuse(server);
  if (call.arguments.length !== 1 || call.arguments[0].type === T.SpreadElement) {
    return refuse('the call passes request options or spreads its arguments; only a single request argument can be batched');
  }
  const request = call.arguments[0];
  // The request's own `stream` says most precisely why; a `.stream()` call, or a flag detection read elsewhere, gets the plain reason.
  const stream = streamProblem(request, facts, call);
  if (stream) return refuse(stream);
  if (site.streaming) return refuse(STREAMS);
  if (endpoint.provider === 'anthropic') {
    // The OpenAI helper gives each result the request id of its output line; Message Batches results carry none.
    const read = memberRead(facts.functionOf(call) ?? parsed.ast, '_request_id');
    if (read) return refuse(requestIdRead(read, facts));
  }
  if (endpoint.provider === 'google') {
    // The SDK adds the HTTP response's headers to a synchronous answer; an answer read from a batch has none.
    const read = memberRead(facts.functionOf(call) ?? parsed.ast, 'sdkHttpResponse');
    if (read) {
      return refuse(`the code reads \`${facts.quote(read)}\` (line ${facts.line(read)}), the HTTP response the SDK adds to a synchronous answer; an answer from a batch has none, so it would be undefined after the rewrite; stop reading it to get a fix`);
    }
  }
  return { endpoint, parsed, parents: facts.parents, facts, call, client, request };
}

/**
 * Why the call may not be made at all (`openai?.chat.completions.create(…)`, `client.chat?.completions…`,
 * `create?.(…)`): a rewrite would send the request whatever the optional link holds. Null for a plain call.
 */
function optionalChain(call: TSESTree.CallExpression): string | null {
  let optional = call.optional;
  for (let n: Node = call.callee; n.type === T.MemberExpression || n.type === T.TSNonNullExpression; n = n.type === T.MemberExpression ? n.object : n.expression) {
    if (n.type === T.MemberExpression && n.optional) optional = true;
  }
  return optional ? 'the call is made only when its optional chain (`?.`) holds a value, and a batch would send the request whatever it holds; check the client first (if (!client) return …) and call it plainly to get a fix' : null;
}

/** The site's call in the file's tree, with the file's facts; the analysis already parsed this text, so it is parsed again only when called on its own. */
function locate(
  file: string,
  text: string,
  site: CallSite,
  ast?: TSESTree.Program,
  modules?: ModuleLookup,
): { ok: true; parsed: { ast: TSESTree.Program; text: string }; call: TSESTree.CallExpression; facts: FileFacts } | { ok: false; reason: string } {
  const parsed = ast ? { ok: true as const, ast, text } : parseSource(file, text);
  if (!parsed.ok) return refuse(`the file does not parse (${parsed.message})`);
  const call = findCall(parsed.ast, site.range);
  if (!call) return refuse('the call is no longer where it was analysed; analyse the file again');
  const optional = optionalChain(call);
  if (optional) return refuse(optional);
  return { ok: true, parsed: { ast: parsed.ast, text }, call, facts: factsFor(SyntaxModel.of({ file, text, ast: parsed.ast }), modules) };
}

/** An AI SDK call (generateText({ model: openai('…'), … })): the bridge runs it, so the call's function stands in for the client. */
function aiSdkCallUnderFix(file: string, text: string, site: CallSite, ast?: TSESTree.Program, modules?: ModuleLookup): CallUnderFix | { ok: false; reason: string } {
  const located = locate(file, text, site, ast, modules);
  if (!located.ok) return located;
  const { parsed, call, facts } = located;
  const aiSdk = aiSdkCallProblem(site.api, site.provider, call, facts);
  if (typeof aiSdk === 'string') return refuse(aiSdk);
  const endpoint = { provider: aiSdk.provider, chain: [], method: '', api: site.api, helper: AI_SDK_HELPER };
  return { endpoint, parsed, parents: facts.parents, facts, call, client: aiSdk.fn, request: call.arguments[0], aiSdk };
}

/** A LangChain model call (model.invoke(input) on a model made in this file): the bridge runs it, so `model.invoke` stands in for the client. */
function langChainCallUnderFix(file: string, text: string, site: CallSite, ast?: TSESTree.Program, modules?: ModuleLookup): CallUnderFix | { ok: false; reason: string } {
  const located = locate(file, text, site, ast, modules);
  if (!located.ok) return located;
  const { parsed, call, facts } = located;
  const langChain = langChainCallProblem(site.api, site.provider, call, facts);
  if (typeof langChain === 'string') return refuse(langChain);
  if (site.streaming) return refuse(STREAMS);
  const endpoint = { provider: langChain.provider, chain: [], method: '', api: site.api, helper: LANGCHAIN_HELPER };
  return { endpoint, parsed, parents: facts.parents, facts, call, client: langChain.fn, request: call.arguments[0], langChain };
}

/** Where a function (or the file) reads a member of that name, if it does: walked once per function and name, though asked for each of its calls. */
const memberReads = new Map<string, WeakMap<Node, Node | null>>();
function memberRead(scope: Node, name: string): Node | null {
  let reads = memberReads.get(name);
  if (!reads) memberReads.set(name, (reads = new WeakMap()));
  if (!reads.has(scope)) {
    let read: Node | null = null;
    visit(scope, (n) => {
      if (read) return false;
      if (n.type === T.MemberExpression && propertyName(n.property, n.computed) === name) read = n;
    });
    reads.set(scope, read);
  }
  return reads.get(scope)!;
}

const requestIdRead = (read: Node, facts: FileFacts) =>
  `the code reads \`${facts.quote(read)}\` (line ${facts.line(read)}), the request id the SDK adds to a message; Message Batches results carry none, so it would be undefined after the rewrite; stop reading it to get a fix`;

const STREAMS = 'the call streams its response, and batch results do not stream';

/**
 * Batch results never stream, so a request that may ask for a stream (`stream` set to anything but a
 * literal false, directly or through a spread) cannot go through a batch: the code reading the stream would break.
 */
function streamProblem(request: Node, facts: FileFacts, call: Node): string | null {
  const check = (obj: Node, via: string | null, depth: number): string | null => {
    const o = unwrap(obj);
    if (o.type === T.Identifier && depth < 4) {
      // Only changes that may reach its `stream` matter here (the loop hoist looks at the rest).
      const init = unchangedObjectLiteral(o, facts, call, ['stream']);
      if (init) return check(init, via ?? o.name, depth + 1);
    }
    if (o.type !== T.ObjectExpression) {
      const what = via ? `spreads \`${via}\`, which is not` : `is \`${facts.quote(o)}\`, not`;
      return `the request ${what} an object literal of this file whose \`stream\` nothing changes, so Batchwise cannot tell whether it asks for a stream (batch results do not stream); write the request out as an object literal to get a fix`;
    }
    for (const p of o.properties) {
      if (p.type === T.SpreadElement) {
        const inner = check(p.argument, via ?? facts.quote(p.argument), depth + 1);
        if (inner) return inner;
        continue;
      }
      const key = propertyName(p.key, p.computed);
      if (key === null) return `the request has a computed key (\`${facts.quote(p.key)}\`) that may be \`stream\`; batch results do not stream, so write the key out to get a fix`;
      if (key !== 'stream') continue;
      const value = unwrap(p.value);
      if (value.type === T.Literal && value.value === false) continue;
      if (value.type === T.Literal && value.value === true && !via) return STREAMS;
      const where = via ? `spreads \`${via}\`, which sets` : 'sets';
      return `the request ${where} \`stream\` to \`${facts.quote(value)}\`, and batch results do not stream; set \`stream: false\` (or leave it out) to get a fix`;
    }
    return null;
  };
  return check(request, null, 0);
}

/**
 * The object literal a `const` of this file holds, when no code (but `skip`, the call under fix) can change
 * it, or the member at `path` of it.
 */
export function unchangedObjectLiteral(id: TSESTree.Identifier, facts: FileFacts, skip: Node, path: string[] = []): TSESTree.ObjectExpression | null {
  const b = facts.bindingOf(id);
  const init = b?.kind === 'const' && b.path?.length === 0 && b.declarator?.init ? unwrap(b.declarator.init) : null;
  if (!b || init?.type !== T.ObjectExpression || b.exported) return null;
  const skipped = new Set([skip]);
  for (const ref of facts.referencesOf(b)) {
    const use = facts.useOf(ref);
    if (overlaps(use.path, path) && facts.harm(use, skipped)) return null;
  }
  return init;
}

/**
 * `verdictOnly`: the analysis asks only whether a fix would be offered and what it changes (the audit's
 * fix column), not for its edits: the plan comes back with no edits, everything that can refuse having
 * been checked. (Building the edits, names and imports was half of this check's time on a file of 4,000 loops.)
 */
export function checkLoopHoist(file: string, text: string, site: CallSite, helperPath: string, ast?: TSESTree.Program, style?: ModuleStyle, modules?: ModuleLookup, verdictOnly = false): HoistCheck {
  const target = callUnderFix(file, text, site, ast, modules);
  if ('ok' in target) return target;
  const { endpoint, parsed, parents, facts, client, request } = target;
  const helperKind: HelperKind = endpoint.provider;
  helperPath = helperPathFor(helperKind, helperPath);
  const src = (n: Node) => parsed.text.slice(n.range[0], n.range[1]);
  // A prelude declaration copied into the request builder leaves its comments where the declaration
  // stays (or, when it is dropped, keepComments puts them back there): a copy with them would show each twice.
  const srcWithoutComments = (n: Node) => textWithoutComments(parsed.text, parsed.ast.comments ?? [], n.range);

  const inner = target.call;
  let call = inner;
  let use = resultUse(call, parents);
  if (typeof use === 'string') return refuse(use);
  // What a bridge's or Gemini's result may be read for is checked on a declaration; an assignment keeps the whole result.
  if (use.kind === 'assign' && (target.aiSdk || target.langChain || endpoint.provider === 'google')) return refuse(assignedElsewhere(use.target.name));
  if (target.aiSdk) {
    // The result is the AI SDK's own object; what it holds besides the answer's content (the response, the steps) must not be read.
    if (use.kind === 'return') return refuse(aiSdkReturnsWhole(site.api));
    const problem = use.kind === 'declare' ? aiSdkResultProblem(site.api, use.pattern, facts) : null;
    if (problem) return refuse(problem);
  }
  // A Gemini answer from a batch lacks the HTTP response the SDK adds to a synchronous one: only its fields may be read.
  if (endpoint.provider === 'google') {
    const whole = use.kind === 'return' ? `\`${facts.quote(use.statement ?? use.expression)}\`, line ${facts.line(use.expression)}` : use.kind === 'declare' ? geminiPatternUse(use.pattern, facts) : null;
    if (whole) return refuse(GEMINI_WHOLE(whole));
  }
  let loop = enclosingLoop(use, facts, parsed.ast);
  // A call in a helper that a loop awaits once per item: the loop is the caller's, the call the helper's.
  const split = loop === NOT_PER_ITEM ? helperSplit(call, use, client, request, endpoint.helper, Boolean(target.aiSdk ?? target.langChain), /\.[cm]?tsx?$/.test(file), facts, parsed.ast) : null;
  if (typeof split === 'string') return refuse(split);
  if (split) ({ callerCall: call, callerUse: use, loop } = split);
  // What blocks the caller's loop is said with where the call is.
  const no = (reason: string): HoistCheck => refuse(split ? `${split.inLoop}; ${reason}` : reason);
  if (typeof loop === 'string') return no(loop);
  // A helper hands its caller the message: the caller must not read its request id either.
  const requestId = split && endpoint.provider === 'anthropic' ? memberRead(facts.functionOf(call) ?? parsed.ast, '_request_id') : null;
  if (requestId) return no(requestIdRead(requestId, facts));
  const assigned = use.kind === 'assign' ? assignedProblem(use, loop, facts) : null;
  if (assigned) return no(assigned);
  const model = target.langChain?.model;
  if (model?.id && within(model.id, loop.scope)) return no(`the model \`${model.name}\` is made inside the loop; make it once, before the loop, to get a fix`);
  // Calls through the bridge are deferred whole (`() => model.invoke(input)`): the bridge runs them, and their results keep the library's own types.
  const bridged = target.aiSdk ?? target.langChain;

  // The hoisted batch run is awaited where the loop stands: that needs an async function, or an ES module's top level.
  const holder = facts.functionOf(loop.anchor);
  if (loop.awaitsBatch) {
    if (holder && !holder.async) {
      return no('the loop is in a function that is not async, so the batch cannot be awaited there; make the function async first');
    }
    if (!holder && isModuleCommonJs(file, parsed.ast, text, style)) return no('the loop is at the top level of a CommonJS module, where the batch cannot be awaited');
    // A module that already awaits at its top level runs where top-level await works: one more is no change.
    const esm = /\.m[jt]s$/.test(file) || (/\.jsx?$/.test(file) ? jsFileIsEsm(file, style) === true : tsAllowsTopLevelAwait(file, style)) || awaitsAtTopLevel(parsed.ast);
    if (!holder && !esm) {
      return no('the loop is at the top level of the module; top-level await needs an ES module (.mjs/.mts, or .js in a package with "type": "module"), so move it into an async function first');
    }
  }

  const statement = use.statement;
  const position = statement ? loop.body.indexOf(statement as TSESTree.Statement) : loop.body.length;
  const callStart = (statement ?? call).range[0];
  const control = controlProblem(loop, callStart, facts);
  if (control) return no(control);
  if (llmCalls(loop.scope, parsed.text) + (split ? 1 : 0) > 1) return no('the loop body makes more than one LLM call; the later calls may depend on earlier answers');
  // A loop that waits for each answer lets work it scheduled run during that wait, between one item and
  // the next; the second pass waits for nothing, so that work would all run after the loop. (In a
  // concurrent fan-out, when such work runs depends on when each answer arrives, so the rewrite's order
  // is one the original could have had.)
  if (loop.sequential) {
    const scheduled = scheduledWork(loop.scope, facts);
    if (scheduled) return no(scheduled);
  }

  // In a concurrent fan-out every item runs up to its call before any answer arrives; after the rewrite
  // that part runs after the batch, item by item. Only pure const declarations look the same either way.
  if (loop.isCallback) {
    for (const s of loop.body.slice(0, Math.max(0, position))) {
      if (s.type === T.VariableDeclaration && s.kind === 'const' && s.declarations.every((d) => d.init && !facts.pureProblem(d.init))) continue;
      return no(
        `the callback runs \`${facts.quote(s)}\` before the call; the original does that for every item as it starts, before any answer arrives, while the rewrite could do it only after the batch, item by item, so the order of what the program does would change; move it out of the callback or after the call to get a fix`,
      );
    }
  }

  // The helper's request is built from the caller's arguments: both move before the loop.
  const moved = split ? movedCode(loop, [...call.arguments, ...split.requestRoots], position, facts, split.fn) : movedCode(loop, [request], position, facts);
  if (typeof moved === 'string') return no(moved);
  const changed = changeProblem(loop, moved, [call, inner], callStart, holder, facts);
  if (changed) return no(changed);
  if (loop.itemsProblem) return no(loop.itemsProblem);

  const typescript = /\.[cm]?tsx?$/.test(file);
  const moduleKind = isModuleCommonJs(file, parsed.ast, text, style) ? 'cjs' : 'esm';
  const changes = [loop.materialised, target.aiSdk?.changes].filter(Boolean).join('; ') || null;
  // An AI SDK call imports the bridge, which imports the provider's helper beside it (the extension its import needs is read with the edits).
  const aiSdk = target.aiSdk ? { path: aiSdkBridgePath(target.aiSdk.helperKind, helperPath), kind: target.aiSdk.helperKind, siblingExtension: '' } : undefined;
  const langChain = target.langChain ? { path: langChainBridgePath(target.langChain.helperKind, helperPath), kind: target.langChain.helperKind, siblingExtension: '' } : undefined;
  const gateway = target.aiSdk?.gateway;
  const planWith = (edits: TextEdit[]): HoistCheck => ({
    ok: true,
    plan: { edits, moduleKind, typescript, helperKind, helperPath, changes, ...(aiSdk ? { aiSdk } : {}), ...(langChain ? { langChain } : {}), ...(gateway ? { gateway: gateway.provider } : {}) },
  });
  // Nothing below refuses: it builds the edits.
  if (verdictOnly) return planWith([]);
  const indentOf = (n: Node) => {
    const lineStart = lineStartOf(parsed.text, n.range[0]);
    return /^[ \t]*/.exec(parsed.text.slice(lineStart))![0];
  };
  const anchorIndent = indentOf(loop.anchor);
  const used = fileNames(parsed.ast);
  const fresh = (base: string) => {
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}${i}`;
    used.add(name);
    return name;
  };

  // What the second pass no longer needs: prelude consts only the request read (pure, so leaving them
  // out changes nothing), and the item's names only they and the request read. An unused name would
  // fail a build under noUnusedLocals/noUnusedParameters.
  const prelude = loop.body.slice(0, Math.max(0, position));
  const dropped = droppedDeclarations(moved.needed, prelude, call, loop.tryStatement, facts);
  const gone: Node[] = [call, ...dropped];
  const refsOf = (id: Node) => facts.referencesOf(facts.bindingOf(id)!);
  // A name the original never reads stays where it was: the rewrite adds no unused name, and removes no destructuring that could throw.
  const unusedIds = new Set<Node>(loop.itemIds.filter((id) => refsOf(id).length > 0 && refsOf(id).every((ref) => gone.some((g) => within(ref, g)))));
  const forRequest = new Set<Node>(loop.itemIds.filter((id) => !refsOf(id).some((ref) => moved.roots.some((r) => within(ref, r)))));
  // A destructuring pattern that throws on a malformed item throws in the loop head; leaving names out
  // of it could move that throw to the call's line, past statements that show it. Only when nothing
  // visible runs before the call may the pattern lose names.
  // (Nor when the call is in a try: the moved throw would be caught there, where the loop head's is not.)
  const prune = !loop.tryStatement && prelude.every((st) => dropped.includes(st as TSESTree.VariableDeclaration) || quietDeclaration(st, facts));
  // Names the original never read, left alone in a pattern the request's names leave: `({ id, tags }, i)` would
  // only say, under noUnusedParameters, that all its names are unused. Where the pattern may lose names, they go too.
  if (prune && unusedIds.size > 0 && loop.itemIds.every((id) => unusedIds.has(id) || refsOf(id).length === 0)) {
    for (const id of loop.itemIds) unusedIds.add(id);
  }

  // Building the requests early can throw early (`doc.body!.slice()` on an item without a body). A
  // request that may throw is built through `batchwiseRequest`, which turns the throw into that
  // request's failure: `get(i)` throws it at the item's place, after the items before it ran, as the
  // original did. (Refusing such requests would refuse nearly every one: any member access may throw.)
  // (An AI SDK call's options are built inside the deferred call, where a throw fails that call alone.)
  // (A split helper's request is built by a call, which may throw.)
  const wrap = Boolean(split) || (!bridged && [request, ...moved.needed].some((n) => facts.mayThrow(n))) || loop.patterns.some((p) => p.type !== T.Identifier);

  if (aiSdk) aiSdk.siblingExtension = importExtension(parsed.ast, moduleKind, file, aiSdk.path, style) ?? '';
  if (langChain) langChain.siblingExtension = importExtension(parsed.ast, moduleKind, file, langChain.path, style) ?? '';
  const specifier = helperSpecifier(parsed.ast, file, moduleKind, aiSdk?.path ?? langChain?.path ?? helperPath, style);
  // A gateway id becomes the provider's own model, imported from its package (under another name where the file's is taken).
  const [provider] = gateway ? planImports(parsed.ast, [{ specifier: gateway.make.source, name: gateway.make.name }], used) : [];
  const planned = planImports(parsed.ast, [{ specifier, name: endpoint.helper }, ...(wrap ? [{ specifier, name: 'batchwiseRequest' }] : [])], used);
  const [helperName, requestName] = planned.map((p) => p.local);

  const items = fresh('batchwiseItems');
  const resultsName = fresh('batchwiseResults');
  const unused = fresh('_batchwiseItem');
  const { hoisted, edits, indexName } = loop.rewrite({ items, results: resultsName, index: fresh('batchwiseIndex'), unused, unusedIds, prune, rename: (name) => fresh(`_${name}`) });
  // forEach does not wait for its callbacks, so neither does the rewrite: the batch starts where forEach ran,
  // and each callback waits for it where it used to wait for its own answer. The function returns at once,
  // as before, and statements after the forEach still run before any callback resumes.
  const results = loop.awaitsBatch ? resultsName : `(await ${resultsName})`;

  // The request (and the pure values it needs) move out of the body: shallower by the body's indent.
  const shift = indentOf(statement ?? call).length - anchorIndent.length;
  const dedent = (t: string) => reindentLines(file, t, (line) => line.replace(new RegExp(`^[ \\t]{0,${Math.max(0, shift)}}`), ''));
  const indent = (t: string) => reindentLines(file, t, (line) => `  ${line}`);
  // An AI SDK call is batched as itself, deferred (`() => generateText({ … })`): the bridge runs it, and its result keeps the call's own types.
  const requestSource = gateway && provider ? withProviderModel(parsed.text, request, gateway, provider.local) : src(request);
  const halves = split?.split({ request: fresh(`${split.name}Request`), answer: fresh(`${split.name}Answer`) }, src);
  const requestText = halves ? dedent(halves.request) : bridged ? `() => ${src(client)}(${dedent(requestSource)})` : dedent(requestSource);
  const mapBody = moved.needed.length
    ? `{\n${moved.needed
        .sort((a, b) => a.range[0] - b.range[0])
        .map((d) => `${anchorIndent}  ${indent(dedent(srcWithoutComments(d)))}`)
        .join('\n')}\n${anchorIndent}  return ${indent(requestText)};\n${anchorIndent}}`
    : request.type === T.ObjectExpression && !bridged && !halves
      ? `(${requestText})`
      : requestText;
  const build = `(${loop.mapParams(unused, forRequest)}) => ${mapBody}`;
  const run = `${loop.awaitsBatch ? 'await ' : ''}${helperName}(${bridged ? '' : `${src(client)}, `}${items}.map(${wrap ? `${requestName}(${build})` : build}))`;
  edits.push({ range: [loop.anchor.range[0], loop.anchor.range[0]], newText: hoisted.replace('$RUN', () => run) + anchorIndent });
  for (const d of dropped) edits.push({ range: statementRemoval(parsed.text, d.range), newText: '' });
  // A declaration only the request read, kept where it was because building it may throw there, ahead of
  // statements that show it: its value is evaluated in place (so the throw stays) without a name nothing reads.
  for (const d of keptForThrow(moved.needed, dropped, call, facts)) {
    edits.push({ range: [d.range[0], d.range[1]], newText: `void (${d.declarations.map((x) => src(x.init!)).join(', ')});` });
  }

  // `get` throws the error of a request that failed, where the call would have thrown it.
  const resultAccess = halves ? halves.answer(`${results}.get(${indexName})`) : `${results}.get(${indexName})`;
  if (use.kind === 'declare') {
    edits.push({ range: [use.statement.range[0], use.statement.range[1]], newText: `${use.declKind} ${src(use.pattern)} = ${resultAccess};` });
  } else if (use.kind === 'assign') {
    edits.push({ range: [use.statement.range[0], use.statement.range[1]], newText: `${use.target.name} = ${resultAccess};` });
  } else if (use.kind === 'discard') {
    // Kept, though its answer is not used: reading it throws for a request that failed, so a failure still stops the loop there.
    edits.push({ range: [use.statement.range[0], use.statement.range[1]], newText: `${resultAccess};` });
  } else {
    edits.push({ range: [use.expression.range[0], use.expression.range[1]], newText: resultAccess });
  }
  if (halves) edits.push(...halves.edits);
  edits.push(...importEdits(parsed.ast, parsed.text, moduleKind, provider ? [provider, ...planned] : planned, lastImport(parsed.ast)));
  return planWith(keepComments(parsed.text, parsed.ast.comments ?? [], edits));
}

/**
 * The prelude declarations the second pass can do without: each declares only names nothing but the
 * request (and other such declarations) reads, and between it and the call nothing runs that could
 * show the request's throw happening at the call rather than at the declaration.
 */
function droppedDeclarations(needed: TSESTree.VariableDeclaration[], prelude: Node[], call: Node, tryStatement: TSESTree.TryStatement | null, facts: FileFacts): TSESTree.VariableDeclaration[] {
  const dropped = new Set<TSESTree.VariableDeclaration>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of needed) {
      if (dropped.has(d)) continue;
      const ids = d.declarations.flatMap((x) => patternIds(x.id));
      const readElsewhere = ids.some((id) =>
        facts.referencesOf(facts.bindingOf(id)!).some((ref) => !within(ref, call) && !within(ref, d) && ![...dropped].some((g) => within(ref, g))),
      );
      const after = prelude.slice(prelude.indexOf(d) + 1);
      // Dropped, its throw would happen at the call, inside the try, and be caught there; in place it is not.
      const intoTry = tryStatement !== null && !within(d, tryStatement) && !quietDeclaration(d, facts);
      if (!readElsewhere && !intoTry && after.every((st) => dropped.has(st as TSESTree.VariableDeclaration) || quietDeclaration(st, facts))) {
        dropped.add(d);
        changed = true;
      }
    }
  }
  return [...dropped];
}

/** The prelude declarations the second pass keeps (see droppedDeclarations) though nothing but the request reads their names. */
function keptForThrow(needed: TSESTree.VariableDeclaration[], dropped: TSESTree.VariableDeclaration[], call: Node, facts: FileFacts): TSESTree.VariableDeclaration[] {
  return needed.filter((d) => {
    // A destructuring pattern may throw by itself (on null), which its initialiser alone would not.
    if (dropped.includes(d) || d.declarations.some((x) => x.id.type !== T.Identifier)) return false;
    const ids = d.declarations.flatMap((x) => patternIds(x.id));
    return ids.every((id) => facts.referencesOf(facts.bindingOf(id)!).every((ref) => within(ref, call) || within(ref, d) || dropped.some((g) => within(ref, g))));
  });
}

/** `const x = <pure expression that cannot throw>`: a statement no one can see run. */
function quietDeclaration(st: Node, facts: FileFacts): boolean {
  return (
    st.type === T.VariableDeclaration &&
    st.kind === 'const' &&
    st.declarations.every((d) => d.id.type === T.Identifier && d.init && !facts.pureProblem(d.init) && !facts.mayThrow(d.init))
  );
}

// Both depend on the loop alone, and are asked once per call of its body.
const llmCallsIn = new WeakMap<Node, number>();
function llmCalls(scope: Node, text: string): number {
  const known = llmCallsIn.get(scope);
  if (known !== undefined) return known;
  const n = countLlmCalls(scope, text);
  llmCallsIn.set(scope, n);
  return n;
}

function countLlmCalls(scope: Node, text: string): number {
  let n = 0;
  visit(scope, (node) => {
    if (node.type !== T.CallExpression) return;
    const callee = text.slice(node.callee.range[0], node.callee.range[1]).replace(/\s+/g, '');
    if (isLlmCallee(callee, { embeddings: true })) n++;
  });
  return n;
}

const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'process.nextTick']);
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);
const LISTENERS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);

/**
 * Work the loop body starts without waiting for it, or null: timers and microtasks, promise callbacks,
 * async functions of this file called without `await`, and event listeners (which run whenever their
 * event comes, as the loop waits). `emit` is not one: it runs its listeners at once, in both programs.
 */
const scheduledWorkIn = new WeakMap<Node, string | null>();
function scheduledWork(scope: Node, facts: FileFacts): string | null {
  if (scheduledWorkIn.has(scope)) return scheduledWorkIn.get(scope)!;
  const found = findScheduledWork(scope, facts);
  scheduledWorkIn.set(scope, found);
  return found;
}

function findScheduledWork(scope: Node, facts: FileFacts): string | null {
  let found: Node | null = null;
  let what = '';
  const awaited = (call: Node) => {
    let cur = call;
    for (let p = facts.parents.get(cur); p; cur = p, p = facts.parents.get(p)) {
      if (p.type === T.AwaitExpression) return true;
      if (p.type === T.ReturnStatement || isFunctionLike(p) || /Statement$/.test(p.type)) return false;
      // `await x.then(f)`, `await (a, f())`: waited for as part of what is awaited.
      if (p.type === T.MemberExpression && p.object !== cur) return false;
    }
    return false;
  };
  visit(scope, (n) => {
    if (found) return false;
    if (n.type === T.NewExpression && n.callee.type === T.Identifier && n.callee.name === 'Promise' && facts.bindingOf(n.callee)?.kind === 'global' && !awaited(n)) {
      found = n;
      what = 'creates a promise it does not wait for';
      return;
    }
    if (n.type !== T.CallExpression) return;
    const callee = unwrap(n.callee);
    let root: Node = callee;
    while (root.type === T.MemberExpression) root = unwrap(root.object);
    const global = root.type === T.Identifier && facts.bindingOf(root)?.kind === 'global';
    const method = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
    if (global && TIMERS.has(facts.src(callee).replace(/\s+/g, ''))) what = 'schedules work';
    else if (method && PROMISE_METHODS.has(method) && !awaited(n)) what = 'adds a callback to a promise without waiting for it';
    else if (method && LISTENERS.has(method)) what = 'adds an event listener';
    else if (callee.type === T.Identifier && facts.bindingOf(callee)?.fn?.async && !awaited(n)) what = `starts \`${callee.name}\` without waiting for it`;
    else if (n.arguments.some((a) => isFunctionLike(a) && a.async) && !awaited(n)) what = 'starts async callbacks without waiting for them';
    else return;
    found = n;
  });
  if (!found) return null;
  const at = found as Node;
  return `the loop body ${what} (line ${facts.line(at)}: \`${facts.quote(at)}\`), which runs while the loop waits for the next answer, between one item and the next; the rewrite no longer waits between items, so that work would run only after the whole loop, in another order; wait for it in the loop (await …) or start it after the loop to get a fix`;
}

/**
 * Control flow a second pass over the results cannot keep: leaving the loop early (break, return, throw,
 * a labelled jump out) means the original never sent the later items' requests, which a batch has
 * already sent and been charged for; skipping the call (continue, or a callback's return, before it)
 * means it never sent that item's.
 */
function controlProblem(loop: Loop, callStart: number, facts: FileFacts): string | null {
  const uses = (what: string) => `the loop body uses ${what}, which a batch (all requests first) cannot keep`;
  // The first event, in the order of a walk of the body, that is a problem for a call starting at callStart.
  for (const { n, inFunction, inLoop, inSwitch, labels } of controlEvents(loop.scope)) {
    const before = n.range[0] < callStart;
    // A throw in a function the body defines counts too: a callback may run (and throw) right there.
    if (n.type === T.ThrowStatement) {
      if (loop.sequential || (before && !inFunction)) {
        return `the loop body can throw (line ${facts.line(n)}: \`${facts.quote(n)}\`), which ends the loop early; a batch would already have sent, and charged for, the requests of the items after it`;
      }
      continue;
    }
    switch (n.type) {
      case T.ReturnStatement:
        if (!loop.isCallback) return uses('return');
        if (before) {
          return `the callback can return before the call (line ${facts.line(n)}: \`${facts.quote(guardOf(n, facts))}\`), but a batch builds and sends a request for every item, the skipped ones too (for which building one may even fail); filter the items first (xs.filter(…)) and batch the filtered list to get a fix`;
        }
        break;
      case T.YieldExpression:
        return uses('yield');
      case T.BreakStatement:
      case T.ContinueStatement: {
        const label = n.label?.name;
        if (label && labels.has(label)) break;
        const ownLoop = label ? loop.labels.includes(label) : n.type === T.ContinueStatement ? !inLoop : !inLoop && !inSwitch;
        if (label && !ownLoop) {
          return `the loop body jumps out of an enclosing statement (\`${facts.quote(n)}\`, line ${facts.line(n)}), which ends the loop early; a batch would already have sent, and charged for, the requests of the items after it`;
        }
        // A continue after the call only skips the rest of that item's body, which the second pass keeps.
        if (ownLoop && (n.type === T.BreakStatement || before)) return uses(n.type === T.BreakStatement ? 'break' : 'continue');
        break;
      }
      default:
        break;
    }
  }
  return null;
}

/** A statement of a loop body that may leave it or skip a call, where it stands. */
interface ControlEvent {
  n: Node;
  inFunction: boolean;
  inLoop: boolean;
  inSwitch: boolean;
  labels: ReadonlySet<string>;
}

/**
 * The throws, returns, yields, breaks and continues of a loop body in the order of a walk, with what
 * encloses each: found once per loop, since a body of 2,000 calls was walked once per call. Throws
 * count inside functions the body defines; the others only outside them.
 */
const controlEventsOf = new WeakMap<Node, ControlEvent[]>();
function controlEvents(scope: Node): ControlEvent[] {
  const known = controlEventsOf.get(scope);
  if (known) return known;
  const events: ControlEvent[] = [];
  const walk = (n: Node, inFunction: boolean, inLoop: boolean, inSwitch: boolean, labels: ReadonlySet<string>) => {
    if (n !== scope && isFunctionLike(n)) inFunction = true;
    if (n.type === T.ThrowStatement || (!inFunction && (n.type === T.ReturnStatement || n.type === T.YieldExpression || n.type === T.BreakStatement || n.type === T.ContinueStatement))) {
      events.push({ n, inFunction, inLoop, inSwitch, labels });
    }
    const innerLoop = inLoop || (n !== scope && LOOP_STATEMENTS.has(n.type));
    const innerSwitch = inSwitch || n.type === T.SwitchStatement;
    const inner = n.type === T.LabeledStatement ? new Set([...labels, n.label.name]) : labels;
    forEachChild(n, (c) => walk(c, inFunction, innerLoop, innerSwitch, inner));
  };
  walk(scope, false, false, false, new Set());
  controlEventsOf.set(scope, events);
  return events;
}

/** The `if` a return sits in, for quoting a guard. */
function guardOf(ret: Node, facts: FileFacts): Node {
  const p = facts.parents.get(ret);
  const q = p?.type === T.BlockStatement ? facts.parents.get(p) : p;
  return q?.type === T.IfStatement ? q : ret;
}

const LOOP_STATEMENTS = new Set<string>([T.ForStatement, T.ForOfStatement, T.ForInStatement, T.WhileStatement, T.DoWhileStatement]);

/** What a read is for: the request; the collection or bound the loop reads as it goes; a value a callback computes before its call. */
type Role = 'request' | 'collection' | 'bound' | 'prelude';

interface Moved {
  /** The prelude declarations the request needs, moved (copied) into the function that builds it. */
  needed: TSESTree.VariableDeclaration[];
  /** What goes before the loop: the request and those declarations' initialisers. */
  roots: Node[];
  /** References the moved code (and what the loop reads as it goes) makes to values from outside it. */
  reads: { ref: Node; role: Role; computes?: string }[];
}

/** The request and the prelude values it needs, all pure; and what they read from outside the loop. */
function movedCode(loop: Loop, requests: Node[], position: number, facts: FileFacts, helper?: Node): Moved | string {
  for (const request of requests) {
    const impure = facts.pureProblem(request);
    if (impure) return impureRequest(impure, facts);
  }
  // The rewrite evaluates the item's pattern twice, building the requests and again in the loop: its defaults must give the same value both times.
  const defaults = loop.patterns.flatMap(patternDefaults);
  for (const d of defaults) {
    const problem = facts.pureProblem(d);
    if (problem) {
      return `the loop's pattern has the default \`${facts.quote(facts.parents.get(d) ?? d)}\`, which ${problem.what === 'await' ? 'waits for something' : 'Batchwise cannot show is free of side effects'}; the rewrite reads each item's pattern twice (once to build its request, once in the loop), so the default would run twice for an item that lacks the value; give a default without side effects, or keep this call unbatched`;
    }
  }
  const itemBindings = new Set(loop.itemIds.map((id) => facts.bindingOf(id)));
  const prelude = new Set(loop.body.slice(0, Math.max(0, position)));
  const needed: TSESTree.VariableDeclaration[] = [];
  const roots: Node[] = [...requests, ...defaults];
  const reads: Moved['reads'] = [];
  for (let i = 0; i < roots.length; i++) {
    for (const ref of facts.freeReads(roots[i])) {
      const b = facts.bindingOf(ref)!;
      // A split helper's parameters and consts are the caller's arguments, read where they are passed.
      if (helper && within(b.scope, helper)) continue;
      // Declared outside the loop (a `var` in the body is declared in it, though its scope is the function's).
      const outside = !within(b.scope, loop.scope) && !(b.id && within(b.id, loop.scope));
      if (itemBindings.has(b) || b.kind === 'global' || b.kind === 'this' || outside) {
        reads.push({ ref, role: 'request' });
        continue;
      }
      const decl = b.declarator ? facts.parents.get(b.declarator) : undefined;
      if (decl?.type === T.VariableDeclaration && prelude.has(decl as TSESTree.Statement) && decl.kind === 'const') {
        if (needed.includes(decl)) continue;
        for (const d of decl.declarations) {
          const problem = d.init ? facts.pureProblem(d.init) : { at: d, what: 'call' };
          if (problem) {
            const does = problem.what === 'await' ? 'waits for something' : 'Batchwise cannot show is free of side effects';
            return `the request uses \`${b.name}\`, computed inside the loop by \`${facts.quote(problem.at)}\`, which ${does}; a batch builds every request in one pass before the loop, so only the loop item, values computed purely from it, and values from outside the loop can go into a request`;
          }
          roots.push(d.init!);
        }
        needed.push(decl);
        continue;
      }
      return `the request uses \`${b.name}\`, which is computed inside the loop; only the loop item and values from outside the loop can be batched`;
    }
  }
  // After the rewrite a Promise.all callback runs its statements before the call again, after the batch
  // and one item after another; in the original they all ran before any answer arrived. What they read
  // must not change in between, or later items would see what earlier ones did.
  if (!loop.sequential && loop.awaitsBatch) {
    for (const s of prelude) {
      if (s.type !== T.VariableDeclaration) continue;
      for (const d of s.declarations) {
        for (const ref of d.init ? facts.freeReads(d.init) : []) {
          const b = facts.bindingOf(ref)!;
          if (!itemBindings.has(b) && (b.kind === 'global' || b.kind === 'this' || (!within(b.scope, loop.scope) && !(b.id && within(b.id, loop.scope))))) {
            reads.push({ ref, role: 'prelude', computes: facts.quote(d.id) });
          }
        }
      }
    }
  }
  if (loop.sequential) {
    for (const live of loop.live) {
      const n = liveCollection(live.node);
      const chain = n.type === T.Identifier || n.type === T.MemberExpression ? facts.memberChain(n) : null;
      if (chain) reads.push({ ref: chain.root, role: live.role });
      else if (live.role === 'bound') for (const ref of facts.freeReads(n)) reads.push({ ref, role: live.role });
    }
  }
  return { needed, roots, reads };
}

/** The collection behind `xs`, `data.items`, `xs.entries()`: what the loop reads as it goes. */
function liveCollection(node: Node): Node {
  const n = unwrap(node);
  if (n.type === T.CallExpression && n.arguments.length === 0 && n.callee.type === T.MemberExpression) {
    const m = propertyName(n.callee.property, n.callee.computed);
    if (m === 'entries' || m === 'keys' || m === 'values') return liveCollection(n.callee.object);
  }
  return n;
}

function impureRequest(problem: { at: Node; what: string }, facts: FileFacts): string {
  const q = facts.quote(problem.at);
  if (problem.what === 'await') {
    return `the request waits for something inside itself (\`${q}\`); a batch builds every request in one pass before the loop, where nothing can be waited for: get those values before the loop, or keep this call unbatched`;
  }
  if (problem.what === 'call') {
    return `the request calls \`${q}\`, which Batchwise cannot show is free of side effects; a batch builds every request before the loop, so that call would run for every item first, out of its original order: make it a function of this file that only computes a value (or a string/array method on a known string or array), or keep this call unbatched`;
  }
  const what = problem.what === 'assignment' ? 'an assignment' : problem.what === 'new' ? 'a constructor call' : problem.what === 'function' ? 'a function' : 'a yield';
  return `the request contains ${what} (\`${q}\`), which a batch would run for every item before the loop instead of once per iteration; compute that value outside the request from the item alone, or keep this call unbatched`;
}

/**
 * Something the moved code reads that changes while the loop runs (see the header). Items count only
 * in their own iteration before the call (an item's later changes cannot reach its request).
 */
function changeProblem(loop: Loop, moved: Moved, calls: Node[], callStart: number, holder: FunctionLike | null, facts: FileFacts): string | null {
  const itemBindings = new Set<Binding | undefined>(loop.itemIds.map((id) => facts.bindingOf(id)));
  for (const id of loop.itemIds) {
    const b = facts.bindingOf(id)!;
    for (const ref of facts.referencesOf(b)) {
      const u = facts.useOf(ref);
      if (u.kind === 'write' && u.path.length === 0 && within(ref, loop.scope)) return `the loop variable \`${b.name}\` is reassigned inside the loop`;
    }
  }
  const byBinding = new Map<Binding, { path: string[]; ref: Node; role: Role; computes?: string }[]>();
  const note = (b: Binding, read: { path: string[]; ref: Node; role: Role; computes?: string }) => {
    const list = byBinding.get(b) ?? [];
    list.push(read);
    byBinding.set(b, list);
  };
  for (const r of moved.reads) {
    const b = facts.bindingOf(r.ref)!;
    const u = facts.useOf(r.ref);
    note(b, { path: u.path, ref: r.ref, role: r.role, computes: r.computes });
    // What the value holds by reference (`session` = { history }): a change made through `history` is one too.
    for (const held of facts.heldValues(b, u.path)) note(held.binding, { path: held.path, ref: r.ref, role: r.role, computes: r.computes });
  }
  const reachable = reachableFunctions(loop.scope, facts);
  const skip = new Set<Node>(calls);
  const inMoved = (ref: Node) => moved.roots.some((root) => within(ref, root));
  for (const [b, reads] of byBinding) {
    // A const holding a string, number or boolean cannot change at all.
    if ((b.kind === 'const' || b.kind === 'import') && b.id && ['string', 'number', 'boolean'].includes(facts.kindOf(b.id) ?? '')) continue;
    // An AI SDK provider instance the file only makes models with (openai('…') elsewhere) changes nothing.
    if (onlyMakesModels(b, facts)) continue;
    const isItem = itemBindings.has(b);
    for (const ref of facts.referencesOf(b)) {
      if (inMoved(ref)) continue;
      const u = facts.useOf(ref);
      // A function of this file changes only by being reassigned.
      if (b.fn && !(u.kind === 'write' && u.path.length === 0)) continue;
      // In a concurrent fan-out every request is built before anything else runs: only what the callbacks compute again matters.
      const read = reads.find((r) => overlaps(r.path, u.path) && (isItem || loop.sequential || r.role === 'prelude'));
      if (!read) continue;
      // Where the change happens decides (through an alias, that is where the alias is used).
      for (const harm of facts.harms(u, skip)) {
        const inLoop = within(harm.at, loop.scope);
        const fn = reachable.find((f) => within(harm.at, f.fn));
        if (isItem) {
          if (inLoop && harm.at.range[0] < callStart) {
            return `the request uses \`${readName(read.ref, facts)}\`, which the loop body changes before the call (line ${facts.line(harm.at)}: \`${facts.quote(harm.at)}\`); a batch builds every request from the items as they are before the loop; compute the changed value into a const instead (const text = item.text.trim()) to get a fix`;
          }
          // An item's own later changes cannot reach its own request; but items may share what they hold
          // (`steps = qs.map((q) => ({ q, ctx }))`), and a change there reaches the later items' requests.
          // (Items that are one object twice over are taken to be rare.)
          if ((inLoop || fn) && reachesShared(b, read.path, u)) {
            return `the request reads \`${readName(read.ref, facts)}\`, and the loop changes what the item holds there (line ${facts.line(harm.at)}: \`${facts.quote(harm.at)}\`); items may share that object, so the original's later requests would see the change, which a batch (every request built before the loop) cannot; build the request from values nothing changes, or keep this call unbatched`;
          }
          continue;
        }
        const does = (who: string) =>
          harm.kind === 'hand-on'
            ? `${who} hands to \`${calleeName(harm.use, facts)}\` (line ${facts.line(harm.at)}), which may change it`
            : `${who} ${harm.kind === 'change' ? 'changes' : 'may change'} (line ${facts.line(harm.at)}: \`${facts.quote(harm.at)}\`)`;
        let where: string;
        if (inLoop) where = does('the loop body');
        else if (fn) where = `${does(`\`${fn.name}\``)}, and the loop calls \`${fn.name}\``;
        else {
          // Code outside the loop: harmless in the loop's own function (before or after the loop) for its own
          // variables; anywhere else it may run while the loop waits for an answer. Hand-offs there are not chased.
          if (harm.kind === 'hand-on') continue;
          const own = facts.functionOf(harm.at) === holder && (holder === null || within(b.scope, holder));
          if (own) continue;
          where = `${does('code outside the loop')}, possibly while the loop waits for an answer`;
        }
        return changeReason(read.role, readName(read.ref, facts), where, read.computes);
      }
    }
  }
  return null;
}

/**
 * Whether a change through a loop item (`u`) may reach what a request reads of it (`read`) in another
 * item: a change inside something the item holds (`step.ctx.previous = …`, `step.ctx.list.push(…)`, or
 * anything, when the item is handed on and the request reads that deep), not of the item's own members.
 */
function reachesShared(b: Binding, read: string[], u: Use): boolean {
  const own = b.path ?? ['*'];
  const r = [...own, ...read];
  const w = [...own, ...u.path];
  if (!overlaps(r, w)) return false;
  if (u.kind === 'write') return w.length >= 2;
  return w.length >= 1 || r.length >= 2;
}

function changeReason(role: Role, name: string, where: string, computes?: string): string {
  if (role === 'prelude') {
    return `the callback computes \`${computes}\` before the call from \`${name}\`, which ${where}; after the rewrite the callbacks run that part again after the batch, one item after another, so later items would see the change where the original did not; keep this call unbatched`;
  }
  if (role === 'collection') {
    return `the loop runs over \`${name}\`, which ${where}; a batch takes the items once, before the loop, so it would miss items added (or send requests for items removed) as the loop runs; keep this call unbatched`;
  }
  if (role === 'bound') {
    return `the loop is bounded by \`${name}\`, which ${where}; a batch counts the items once, before the loop, so it would send a different number of requests; keep this call unbatched, or fix the bound in a const before the loop`;
  }
  return `the request uses \`${name}\`, which ${where}; a batch builds every request before the loop runs, so none would see that change; build the request from the loop item and values nothing changes to get a fix`;
}

/** The text of what a reference reads: `st.n`, `xs[i]`, `history` (for history.slice()). */
function readName(ref: Node, facts: FileFacts): string {
  const u = facts.useOf(ref);
  if (u.kind === 'method') return facts.quote(u.receiver);
  let cur: Node = ref;
  for (let i = 0; i < u.path.length; i++) {
    let p = facts.parents.get(cur);
    while (p && p.type !== T.MemberExpression) {
      cur = p;
      p = facts.parents.get(cur);
    }
    if (!p) break;
    cur = p;
  }
  return facts.quote(cur);
}

function calleeName(u: Use, facts: FileFacts): string {
  return u.kind === 'escape' && u.callee ? facts.quote(u.callee) : u.kind === 'escape' ? facts.quote(u.at) : facts.quote(u.ref);
}

/** Functions of this file the loop body may call (directly or through each other): a few levels deep. */
function reachableFunctions(scope: Node, facts: FileFacts): { fn: FunctionLike; name: string }[] {
  const out: { fn: FunctionLike; name: string }[] = [];
  const visitIn = (root: Node, depth: number) => {
    visit(root, (n) => {
      if (n.type !== T.Identifier) return;
      const b = facts.bindingOf(n);
      if (!b?.fn || out.some((f) => f.fn === b.fn) || within(b.fn, scope)) return;
      out.push({ fn: b.fn, name: b.name });
      if (depth < 4) visitIn(b.fn, depth + 1);
    });
  };
  visitIn(scope, 0);
  return out;
}

const PROVIDER_HOSTS = new Set(['api.openai.com', 'api.anthropic.com']);

/**
 * Why the client may not talk to the provider's own API, or null. A `baseURL` written into the code
 * names an OpenAI-compatible server (Ollama, vLLM, a gateway), which mostly has no Files or Batch API;
 * an AzureOpenAI client with a `deployment` sends every path, the Batch API's too, under
 * /deployments/<name>/. A baseURL read from the environment is taken as the provider's: it is how a
 * deployment (or a test, pointing at a fake that speaks the Batch API) chooses a server, and the code
 * names none to doubt. Only a client made in this file is looked at.
 */
function serverProblem(client: Node, facts: FileFacts): string | null {
  if (client.type !== T.Identifier) return null;
  const made = constValue(client, facts);
  if (made?.type !== T.NewExpression) return null;
  const options = made.arguments[0] ? constValue(made.arguments[0], facts) : null;
  if (options?.type !== T.ObjectExpression) return null;
  const props = new Map<string, Node>();
  const collect = (o: TSESTree.ObjectExpression, depth: number) => {
    for (const p of o.properties) {
      if (p.type === T.SpreadElement) {
        const inner = depth < 3 ? constValue(p.argument, facts) : null;
        if (inner?.type === T.ObjectExpression) collect(inner, depth + 1);
        continue;
      }
      const key = propertyName(p.key, p.computed);
      if (key !== null) props.set(key, p.value);
    }
  };
  collect(options, 0);
  const className = facts.src(made.callee).replace(/\s+/g, '');
  const deployment = props.get('deployment');
  if (/AzureOpenAI$/.test(className) && deployment) {
    return `the client \`${client.name}\` is an AzureOpenAI client with a \`deployment\` (\`${facts.quote(deployment)}\`): the SDK then sends every request, the Batch API's too, under /deployments/…/, where Azure serves no batches; make the client without \`deployment\` (each request names its deployment as its model) to get a fix`;
  }
  const base = props.get('baseURL');
  if (!base) return null;
  for (const url of literalStrings(base, facts)) {
    let host: string | null = null;
    try {
      host = new URL(url).hostname;
    } catch {
      host = null;
    }
    if (host && PROVIDER_HOSTS.has(host)) continue;
    return `the client \`${client.name}\` is made with \`baseURL\` \`${url}\`, a server other than the provider's own API; OpenAI-compatible servers (Ollama, vLLM, gateways) mostly have no Files or Batch API, so the batch would fail where the call works; keep this call unbatched (a baseURL read from the environment is taken as the provider's)`;
  }
  return null;
}

const LEGACY_GEMINI_SDKS = ['@google/generative-ai', '@google-cloud/vertexai'];

/** Why a Gemini call of the legacy SDKs gets no fix, when the file imports one: they have no batch API. */
function legacyGeminiSdk(program: TSESTree.Program): string | null {
  let found: string | null = null;
  visit(program, (n) => {
    if (found) return false;
    const source =
      n.type === T.ImportDeclaration ? n.source.value : n.type === T.CallExpression && n.callee.type === T.Identifier && n.callee.name === 'require' && n.arguments[0]?.type === T.Literal ? n.arguments[0].value : null;
    if (typeof source === 'string' && LEGACY_GEMINI_SDKS.includes(source)) found = source;
  });
  return found
    ? `a call of the legacy \`${found}\` SDK, which has no batch API; batch mode is in its successor \`@google/genai\` (ai.models.generateContent({ model, contents, config })): move the call there first to get a fix (the verdict and the estimate stand)`
    : null;
}

/** Why a Mistral call of the 0.x SDK gets no fix, when the file imports its default export (MistralClient, `client.chat({...})`): it has no batch API. */
function legacyMistralSdk(program: TSESTree.Program): string | null {
  let found = false;
  visit(program, (n) => {
    if (found) return false;
    if (n.type === T.ImportDeclaration && n.source.value === '@mistralai/mistralai' && n.specifiers.some((s) => s.type === T.ImportDefaultSpecifier)) found = true;
  });
  return found
    ? 'a call of the 0.x `@mistralai/mistralai` SDK (its default export, MistralClient), which has no batch API; batch jobs came in 1.3.0 with the `Mistral` client (client.chat.complete({ model, messages })): upgrade and move the call there first to get a fix (the verdict and the estimate stand)'
    : null;
}

/**
 * Why a Gemini client may not reach the Gemini API's batch mode, or null: a client made in this file for
 * Vertex AI (`vertexai` set to anything but a literal false) runs batches from Cloud Storage or BigQuery,
 * never from inline requests, which the helper sends.
 */
function vertexProblem(client: Node, facts: FileFacts): string | null {
  if (client.type !== T.Identifier) return null;
  const made = constValue(client, facts);
  if (made?.type !== T.NewExpression) return null;
  const options = made.arguments[0] ? constValue(made.arguments[0], facts) : null;
  if (options?.type !== T.ObjectExpression) return null;
  for (const p of options.properties) {
    const key = p.type === T.Property ? propertyName(p.key, p.computed) : null;
    if (p.type === T.SpreadElement || key === null) return `the client \`${client.name}\` is made with options Batchwise cannot read (\`${facts.quote(p)}\`), which may set \`vertexai\`; Vertex AI batches read their requests from Cloud Storage or BigQuery, not inline, so write the options out to get a fix`;
    if (key !== 'vertexai') continue;
    const value = unwrap(p.value);
    if (value.type === T.Literal && value.value === false) continue;
    return `the client \`${client.name}\` is made with \`vertexai: ${facts.quote(value)}\`; Vertex AI batch prediction reads its requests from Cloud Storage or BigQuery, not inline as the Gemini API's batch mode takes them, so Batchwise has no fix for it (the verdict and the estimate stand)`;
  }
  return null;
}

/** What a const of this file holds (followed through other consts), or the expression itself. */
function constValue(n: Node, facts: FileFacts, depth = 0): Node | null {
  const e = unwrap(n);
  if (e.type !== T.Identifier || depth > 3) return e;
  const b = facts.bindingOf(e);
  const init = b?.kind === 'const' && b.path?.length === 0 ? b.declarator?.init : null;
  return init ? constValue(init, facts, depth + 1) : null;
}

/** The string literals an expression may evaluate to (`'http://…'`, `process.env.X ?? 'http://…'`, a const holding one). */
function literalStrings(n: Node, facts: FileFacts, depth = 0): string[] {
  const e = depth < 4 ? constValue(n, facts, depth) : null;
  if (!e) return [];
  if (e.type === T.Literal && typeof e.value === 'string') return [e.value];
  if (e.type === T.TemplateLiteral) return e.expressions.length === 0 ? [e.quasis.map((q) => q.value.cooked ?? '').join('')] : literalStrings(e.quasis[0], facts, depth + 1);
  if (e.type === T.TemplateElement) return e.value.cooked ? [e.value.cooked] : [];
  if (e.type === T.LogicalExpression) return [...literalStrings(e.left, facts, depth + 1), ...literalStrings(e.right, facts, depth + 1)];
  if (e.type === T.ConditionalExpression) return [...literalStrings(e.consequent, facts, depth + 1), ...literalStrings(e.alternate, facts, depth + 1)];
  return [];
}

/**
 * What of a Gemini answer declared as `pattern` is used whole (a batch answer lacks the
 * `sdkHttpResponse` the SDK adds to a synchronous one), as a quote with its line; null when only
 * its fields are read (`const r = …; r.text`, `const { text } = …`).
 */
export function geminiPatternUse(pattern: Node, facts: FileFacts): string | null {
  if (pattern.type === T.ObjectPattern) {
    return pattern.properties.every((p) => p.type === T.Property && propertyName(p.key, p.computed) !== 'sdkHttpResponse') ? null : `\`${facts.quote(pattern)}\``;
  }
  if (pattern.type !== T.Identifier) return `\`${facts.quote(pattern)}\``;
  const b = facts.bindingOf(pattern);
  for (const ref of b ? facts.referencesOf(b) : []) {
    const p = facts.parents.get(ref);
    if (!(p?.type === T.MemberExpression && p.object === ref && propertyName(p.property, p.computed) !== 'sdkHttpResponse')) return `\`${facts.quote(p ?? ref)}\`, line ${facts.line(ref)}`;
  }
  return null;
}

/** Why a Gemini answer must not come from a batch: the code uses it whole. */
export const GEMINI_WHOLE = (whole: string) =>
  `the answer is used whole (${whole}); a Gemini answer from a batch lacks the \`sdkHttpResponse\` the SDK adds to a synchronous one, so it would differ; read its fields (\`response.text\`) into a variable first to get a fix`;

/** The legacy v3 SDK's methods (`OpenAIApi`), and the v4 client's endpoint each became. */
const LEGACY_V3: Record<string, string> = { createEmbedding: 'embeddings', createChatCompletion: 'chat.completions', createCompletion: 'completions', createModeration: 'moderations' };

/** The client in `client.<chain>.create(...)` (or another method), written out (an alias hides what it is), or why not. */
export function clientOf(call: TSESTree.CallExpression, chain: readonly string[], method = 'create'): Node | string {
  const callee = call.callee;
  const called = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
  if (called && called in LEGACY_V3) {
    return `a call of the legacy openai v3 SDK (\`new OpenAIApi(configuration).${called}\`), which has no Batch API: it came in openai 4.34.0, as client.${LEGACY_V3[called]}.create(…); move the call to the v4+ client first to get a fix`;
  }
  if (callee.type !== T.MemberExpression || called !== method) {
    if (called === 'stream') return STREAMS;
    if (called === 'parse') return `\`${chain.join('.')}.parse\` parses its answer with the request's schema helpers (zodResponseFormat), which a batch result does not go through; call \`${chain.join('.')}.${method}\` with the same response_format and parse the message content yourself to get a fix`;
    return `the call is not written as client.${chain.join('.')}.${method}(...)`;
  }
  let cursor: Node = callee.object;
  for (const part of [...chain].reverse()) {
    if (cursor.type !== T.MemberExpression || propertyName(cursor.property, cursor.computed) !== part) {
      return `the client is reached through an alias; write the call as client.${chain.join('.')}.${method}(...) to get a fix`;
    }
    cursor = cursor.object;
  }
  return cursor;
}

/** The specifier this file imports a helper module by. */
export function helperSpecifier(program: TSESTree.Program, file: string, moduleKind: 'cjs' | 'esm', helperPath: string, style?: ModuleStyle): string {
  return relativeImport(file, helperPath, importExtension(program, moduleKind, file, helperPath, style));
}

/** The last top-level import or require (or directive) before other code. */
export function lastImport(program: TSESTree.Program): Node | null {
  let anchor: Node | null = null;
  for (const s of program.body) {
    const isImport = s.type === T.ImportDeclaration;
    const isRequire =
      s.type === T.VariableDeclaration &&
      s.declarations.some((d) => d.init?.type === T.CallExpression && d.init.callee.type === T.Identifier && d.init.callee.name === 'require');
    const isDirective = s.type === T.ExpressionStatement && Boolean(s.directive);
    if (isImport || isRequire || isDirective) anchor = s;
    else if (anchor || !isDirective) break;
  }
  return anchor;
}
