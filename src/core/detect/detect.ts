// Finds the LLM API calls in a file: every call whose callee resolves to a client member chain
// listed in the catalogue, with what can be read off its request.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, Node } from '../parse/walk';
import type { CallSite, RequestInfo } from '../model';
import { BEDROCK_COMMANDS, CALL_SHAPES, CallShape, HTTP_ENDPOINTS, HTTP_FUNCTIONS, HTTP_METHODS, httpShape, MODEL_CLASS_METHOD_NAMES, modelClassShape, SDK_METHOD_NAMES, SDK_TEXT_MARKERS, sdkShape, WRAPPER_FUNCTIONS, WRAPPER_SOURCES, wrapperShape } from './catalogue';
import { providerFromEnvVar, providerFromUrl, providerInfo } from './providers';
import { Resolver } from './resolve';
import { CHROMA_COLLECTION, chromaCallEmbeds } from './frameworks/chroma';
import { isFunctionLike, propertyName } from '../syntax/nodes';
import { failureMessage, type ProjectIndex } from '../project';
import type { SyntaxModel } from '../syntax/model';
import { splitModelString } from './frameworks/providers';
import { inngestStepCall } from './frameworks/inngest';
import { openaiAgentsRun } from './frameworks/openaiAgents';
import { lineStartOf } from '../rewrite/lineEndings';
import { escapeRegExp } from '../textScan';

export interface DetectedCall {
  site: CallSite;
  node: TSESTree.CallExpression;
  shape: CallShape;
}

const WRAPPER_IMPORT = new RegExp(`(from\\s*|require\\(\\s*)['"](${WRAPPER_SOURCES.join('|')})['"]`);

/**
 * Could this text hold an LLM call? Cheap, and errs on the side of yes: a file that names no SDK can
 * still call a client or a model it imports from a project module, so a method call that could be one
 * (`completions.create(`, `.invoke(`, `generateText(`) in a file that imports anything passes.
 */
export function mayContainCalls(text: string): boolean {
  if (mentionsSdk(text)) return true;
  if (!/\b(import|require)\b/.test(text)) return false;
  if (METHOD_CALL_TEXT.test(text) || WRAPPER_CALL_TEXT.test(text)) return true;
  // `create`, `parse` … are everyone's method names (Prisma, Stripe, zod): an SDK's is reached through its
  // resource (`chat.completions.create(`), written out or held in a variable (`const c = openai.chat.completions`).
  return CHAINED_METHOD_TEXT.test(text) && (CHAINED_CALL_TEXT.test(text) || RESOURCE_ACCESS_TEXT.test(text));
}

/** Does the text name an SDK, a framework or a provider's host (the strong half of `mayContainCalls`)? */
export function mentionsSdk(text: string): boolean {
  return SDK_MARKER_TEXT.test(text);
}

/**
 * The markers as one expression, leaving out each marker that holds another (`@ai-sdk/openai` holds
 * `openai`): the same answer as a search for each, in a fifth of the time (every file of a tree is asked).
 */
const SDK_MARKER_TEXT = new RegExp(
  [...new Set(SDK_TEXT_MARKERS)]
    .filter((m, _, all) => !all.some((other) => other !== m && m.includes(other)))
    .map(escapeRegExp)
    .join('|'),
);

/**
 * Does a test file replace the SDK, its methods or the network with doubles (`vi.mock('openai')`,
 * `jest.spyOn(client.chat.completions, 'create')`, nock, msw, a mock language model)? Its calls cost nothing.
 */
export function mocksProviderCalls(text: string): boolean {
  return MOCKING_TEXT.test(text);
}

const MOCKING_TEXT =
  /\b(vi|jest)\s*\.\s*(mock|doMock|unstable_mockModule|spyOn|fn|stubGlobal)\s*\(|\bmock\s*\.\s*(module|method|fn)\s*\(|\bsinon\b|\bnock\s*\(|['"](msw|msw\/node|nock|fetch-mock|jest-fetch-mock|vitest-fetch-mock)['"]|\bMockAgent\b|\.mock(ResolvedValue|ReturnValue|Implementation)(Once)?\s*\(|\bMock\w*(LanguageModel|Model|Client|OpenAI|Anthropic)\w*\b|\bFake\w*(LanguageModel|Model|LLM|ChatModel|Embeddings)\b|\bFakeListChatModel\b|\bcreateMock\w*(Model|Client|Server|Provider|LLM|OpenAI|Anthropic|Fetch)\w*\s*\(/;

/** Each SDK method with the resources it is called on ('' for the client itself or a chat session). */
const resourcesOf = new Map<string, Set<string>>();
for (const s of CALL_SHAPES) {
  const method = s.chain[s.chain.length - 1];
  const resource = s.chain.length > 1 && !s.chain[s.chain.length - 2].startsWith('$') ? s.chain[s.chain.length - 2] : '';
  if (!resourcesOf.has(method)) resourcesOf.set(method, new Set());
  resourcesOf.get(method)!.add(resource);
}
// `send` is Bedrock's, whose files name its package: it never lets a file through on its own.
const standalone = [...new Set([...MODEL_CLASS_METHOD_NAMES, 'infer', ...[...resourcesOf].filter(([, r]) => r.has('')).map(([m]) => m)])].filter((m) => m !== 'send');
const onResource = [...resourcesOf.keys()].filter((m) => !standalone.includes(m) && m !== 'send');
const resources = [...new Set(onResource.flatMap((m) => [...resourcesOf.get(m)!]))];
const METHOD_CALL_TEXT = new RegExp(`\\.\\s*(${standalone.join('|')})\\s*\\(`);
const CHAINED_METHOD_TEXT = new RegExp(`\\.\\s*(${onResource.join('|')})\\s*\\(`);
const CHAINED_CALL_TEXT = new RegExp(`\\b(${resources.join('|')})\\s*\\??\\.\\s*(${onResource.join('|')})\\s*\\(`);
const RESOURCE_ACCESS_TEXT = new RegExp(`[.{,]\\s*(${resources.join('|')})\\b`);
const WRAPPER_CALL_TEXT = new RegExp(`\\b(${[...WRAPPER_FUNCTIONS].join('|')})\\s*\\(`);

export function detectInFile(project: ProjectIndex, resolver: Resolver, file: string): DetectedCall[] {
  const fi = project.get(file);
  if (!fi) return [];
  const ignored = ignoredLines(fi);
  if (ignored === 'file') return [];
  const found: DetectedCall[] = [];
  const importsWrapper = WRAPPER_IMPORT.test(fi.text);
  visit(fi.ast, (node) => {
    if (node.type !== T.CallExpression) return;
    try {
      const call = detectCall(fi, resolver, file, node, importsWrapper, ignored);
      if (call) found.push(call);
    } catch (err) {
      // One call that cannot be read costs that call, not the file.
      project.addError(file, `the call at line ${node.loc.start.line} could not be read: ${failureMessage(err)}`, node.loc.start.line);
    }
  });
  return found;
}

/** The LLM call `node` is, if it is one (and not silenced by a comment). */
function detectCall(fi: SyntaxModel, resolver: Resolver, file: string, node: TSESTree.CallExpression, importsWrapper: boolean, ignored: Set<number>): DetectedCall | null {
  const wrapped = wrapperCall(fi, resolver, file, node, importsWrapper);
  if (wrapped) return ignored.has(node.loc.start.line) ? null : { node, shape: wrapped.shape, site: buildSite(fi, resolver, file, node, wrapped.shape, { model: wrapped.model }) };
  const agentRun = openaiAgentsRun(resolver, file, node);
  if (agentRun) return ignored.has(node.loc.start.line) ? null : { node, shape: agentRun.shape, site: buildSite(fi, resolver, file, node, agentRun.shape, { model: agentRun.model, promptAt: agentRun.promptAt }) };
  if (node.callee.type !== T.MemberExpression) return httpCall(fi, resolver, file, node, ignored);
  const method = propertyName(node.callee.property, node.callee.computed);
  if (method && MODEL_CLASS_METHOD_NAMES.has(method)) {
    const model = resolver.evaluate(file, node.callee.object);
    const shape = model?.kind === 'model-instance' ? modelClassShape(model.cls, method, model.provider) : null;
    // A method the file overrides on the object (`embedModel.getTextEmbeddings = async (texts) => …`) runs the
    // repository's own code: the call inside the override is the site, not this one.
    // A Chroma collection embeds only what it is given as text (`documents`, `queryTexts`), not vectors.
    const embeds = model?.kind !== 'model-instance' || model.cls.id !== CHROMA_COLLECTION.id || chromaCallEmbeds(method, node);
    if (model?.kind === 'model-instance' && shape && embeds && !overridden(fi, node.callee, method) && !runByBridge(fi, node)) {
      const wrapped = { model: model.id, promptArgument: true, maxOutputTokens: model.maxTokens };
      return ignored.has(node.loc.start.line) ? null : { node, shape, site: buildSite(fi, resolver, file, node, shape, wrapped) };
    }
    // A static call that embeds (`PineconeStore.fromDocuments(docs, embeddings)`, `VectorStoreIndex.fromDocuments(docs)`).
    if (model?.kind === 'model-class' && model.cls.statics?.[method] && !runByBridge(fi, node)) {
      const built = resolver.modelInstance(file, model.cls, undefined, node.arguments);
      const provider = built.kind === 'model-instance' ? built.provider : null;
      const staticShape = modelClassShape(model.cls, method, provider, true);
      const id = built.kind === 'model-instance' ? built.id : null;
      if (staticShape) return ignored.has(node.loc.start.line) ? null : { node, shape: staticShape, site: buildSite(fi, resolver, file, node, staticShape, { model: id, promptArgument: true }) };
    }
  }
  if (method === 'send') {
    const command = bedrockCommand(resolver, file, node);
    if (command) return ignored.has(node.loc.start.line) ? null : { node, shape: command.shape, site: buildSite(fi, resolver, file, node, command.shape, { request: command.request }) };
  }
  const step = inngestStepCall(resolver, file, node);
  if (step) return ignored.has(node.loc.start.line) ? null : { node, shape: step.shape, site: buildSite(fi, resolver, file, node, step.shape, { model: step.model, promptArgument: true }) };
  if (!method || !SDK_METHOD_NAMES.has(method)) return httpCall(fi, resolver, file, node, ignored);
  const target = resolver.evaluate(file, node.callee.object);
  if (target?.kind !== 'client') return httpCall(fi, resolver, file, node, ignored);
  const chain = [...target.path, method];
  const sdk = CALL_SHAPES.find((s) => s.dialect === target.dialect && sameChain(s.chain, chain));
  if (!sdk || ignored.has(node.loc.start.line)) return null;
  const shape = sdkShape(sdk, target.provider, providerInfo(target.provider).batchTier);
  // A handle made for a model (`getGenerativeModel({ model })`), or a model passed by position (an Azure deployment).
  const modelArg = sdk.modelArgument !== undefined ? node.arguments[sdk.modelArgument] : undefined;
  const model = modelArg ? stringValue(resolver, file, modelArg) : target.model;
  const known: Wrapped | undefined = model !== undefined || sdk.promptArgument !== undefined ? { model, promptAt: sdk.promptArgument } : undefined;
  return { node, shape, site: buildSite(fi, resolver, file, node, shape, known) };
}

/** `client.send(new ConverseCommand({ modelId, messages }))` with a command of the Bedrock Runtime SDK. */
function bedrockCommand(resolver: Resolver, file: string, node: TSESTree.CallExpression): { shape: CallShape; request: RequestObject | null } | null {
  const arg = node.arguments[0];
  const command = arg ? resolver.evaluate(file, arg) : null;
  if (command?.kind !== 'command' || !command.node || !command.file) return null;
  const sdk = BEDROCK_COMMANDS[command.name];
  if (!sdk) return null;
  const input = command.node.arguments[0];
  const value = input ? (input.type === T.ObjectExpression ? { kind: 'object' as const, file: command.file, node: input } : resolver.evaluate(command.file, input)) : null;
  const request = value?.kind === 'object' ? { file: value.file, node: value.node, hasSpread: value.node.properties.some((p: TSESTree.ObjectLiteralElement) => p.type === T.SpreadElement) } : null;
  return { shape: sdkShape(sdk, 'bedrock', providerInfo('bedrock').batchTier), request };
}

/**
 * Raw HTTP to a provider's endpoint: `fetch(url, { body: JSON.stringify(req) })`, `axios.post(url, req)`,
 * `got.post(url, { json: req })`, `https.request({ hostname, path })`, a helper's `$.http.post(url, req)`.
 * The URL is read as far as code shows it (constants, template strings); the provider is its host,
 * else the environment variable it reads, else an OpenAI-compatible server.
 */
function httpCall(fi: SyntaxModel, resolver: Resolver, file: string, node: TSESTree.CallExpression, ignored: Set<number>): DetectedCall | null {
  const callee = node.callee;
  const name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
  if (!name) return null;
  const isHttp = HTTP_FUNCTIONS.has(name) || (callee.type === T.MemberExpression && HTTP_METHODS.has(name));
  const first = node.arguments[0];
  if (!isHttp || !first || first.type === T.SpreadElement) return null;
  let urlNode: TSESTree.Node | null = first;
  let options: TSESTree.ObjectExpression | null = null;
  let optionsFile = file;
  const firstValue = first.type === T.ObjectExpression ? { kind: 'object' as const, file, node: first } : null;
  if (firstValue) {
    // `axios({ url, data })`, `https.request({ hostname, path })`.
    const props = readProps(firstValue.node);
    urlNode = props.get('url') ?? props.get('uri') ?? null;
    options = firstValue.node;
    if (!urlNode && props.get('hostname') && props.get('path')) {
      const host = resolver.urlText(file, props.get('hostname')!);
      const path = resolver.urlText(file, props.get('path')!);
      return httpSite(fi, resolver, file, node, host && path ? { text: `https://${host.text}${path.text}`, envVars: [...host.envVars, ...path.envVars] } : null, null, ignored);
    }
  }
  if (!urlNode) return null;
  const url = resolver.urlText(file, urlNode);
  const second = node.arguments[1];
  if (!options && second && second.type !== T.SpreadElement) {
    const v = second.type === T.ObjectExpression ? { kind: 'object' as const, file, node: second } : resolver.evaluate(file, second);
    if (v?.kind === 'object') {
      options = v.node;
      optionsFile = v.file;
    }
  }
  // https.request('https://api.openai.com/…', options) sends its body later (req.write): no request object.
  const body = options ? httpBody(resolver, optionsFile, options, callee.type === T.MemberExpression && name !== 'fetch' && name !== 'request') : null;
  return httpSite(fi, resolver, file, node, url, body, ignored, callee.type === T.MemberExpression && name === 'post');
}

function httpSite(fi: SyntaxModel, resolver: Resolver, file: string, node: TSESTree.CallExpression, url: { text: string; envVars: string[] } | null, body: RequestObject | null, ignored: Set<number>, viaClient = false): DetectedCall | null {
  if (!url) return null;
  const endpoint = HTTP_ENDPOINTS.find((e) => e.path.test(url.text));
  if (!endpoint) return null;
  // A path of the app's own server (`fetch('/api/chat/completions')`) is not a provider's; a versioned API
  // path sent with a request body through an HTTP client made for one (`$.http.post('/v1/chat/completions', { model, messages })`)
  // is; a route registered on that path (`router.post('/v1/chat/completions', handler)`) is not.
  if (url.text.startsWith('/') && url.envVars.length === 0 && !(viaClient && body && /^\/(v\d|openai)\//.test(url.text))) return null;
  let provider = providerFromUrl(url.text) ?? url.envVars.map(providerFromEnvVar).find((p) => p) ?? endpoint.provider ?? null;
  // A relative `/v1/messages` through an HTTP client made for one, sent with the fields the Messages API
  // requires (`model`, `messages`, `max_tokens`), is Anthropic's whatever host the client was given.
  if (!provider && endpoint.hosts?.includes('anthropic') && viaClient && body && ['model', 'messages', 'max_tokens'].every((k) => hasProp(body.node, k))) provider = 'anthropic';
  if (endpoint.hosts && (!provider || !endpoint.hosts.includes(provider))) return null;
  const sdk = httpShape(endpoint);
  if (!sdk || ignored.has(node.loc.start.line)) return null;
  const named = provider ?? 'other-openai-compatible';
  const shape = { ...sdkShape(sdk, named, providerInfo(named).batchTier), api: endpoint.api, alwaysStreams: sdk.alwaysStreams && endpoint.dialect !== 'google' ? true : undefined };
  // Gemini's REST URL names the model: …/models/gemini-2.5-flash:generateContent.
  const inUrl = /\/models\/([A-Za-z0-9._-]+):/.exec(url.text)?.[1];
  const wrapped: Wrapped = { request: body, ...(inUrl ? { model: inUrl } : {}) };
  return { node, shape, site: buildSite(fi, resolver, file, node, shape, wrapped) };
}

/** The request object of an HTTP call's options: `body: JSON.stringify(req)`, got/ky's `json: req`, or (axios) the data argument itself. */
function httpBody(resolver: Resolver, file: string, options: TSESTree.ObjectExpression, dataArgument: boolean): RequestObject | null {
  const props = readProps(options);
  const raw = props.get('body') ?? props.get('json') ?? props.get('data') ?? (dataArgument && (props.has('model') || props.has('messages') || props.has('input')) ? options : undefined);
  if (!raw) return null;
  let inner: TSESTree.Node = raw;
  if (inner.type === T.CallExpression && inner.callee.type === T.MemberExpression && propertyName(inner.callee.property, inner.callee.computed) === 'stringify' && inner.arguments[0]) inner = inner.arguments[0];
  const v = inner.type === T.ObjectExpression ? { kind: 'object' as const, file, node: inner } : resolver.evaluate(file, inner);
  if (v?.kind !== 'object') return null;
  if (v.node.type !== T.ObjectExpression) return null;
  // `body: JSON.stringify({ … })` where the variable holds `JSON.stringify(req)`.
  return { file: v.file, node: v.node, hasSpread: v.node.properties.some((p) => p.type === T.SpreadElement) };
}

/**
 * `// batchwise-ignore-file` anywhere in the file silences it. `// batchwise-ignore-next-line` on a line
 * of its own silences calls that start on the next line (and a statement starting there); at the end
 * of a line of code it silences the calls on that line instead, never the next one.
 */
function ignoredLines(fi: SyntaxModel): Set<number> | 'file' {
  const lines = new Set<number>();
  const trailing = new Set<number>();
  for (const c of fi.comments) {
    const text = c.value.trim();
    if (/^batchwise-ignore-file\b/.test(text)) return 'file';
    if (!/^batchwise-ignore-next-line\b/.test(text)) continue;
    if (isTrailingComment(fi.text, c)) trailing.add(c.loc.start.line);
    else lines.add(c.loc.end.line + 1);
  }
  if (lines.size === 0 && trailing.size === 0) return lines;
  // A call inside a statement that starts on the ignored line is ignored too (e.g. a multi-line await);
  // a trailing comment also covers a multi-line call that ends on its line.
  const extended = new Set(lines);
  visit(fi.ast, (node) => {
    if (node.type !== T.CallExpression) return;
    if (lines.has(node.loc.start.line) || trailing.has(node.loc.start.line) || trailing.has(node.loc.end.line)) {
      for (let l = node.loc.start.line; l <= node.loc.end.line; l++) extended.add(l);
    }
  });
  return extended;
}

/** A comment after code on its line (`f(); // note`), as against one on a line of its own. */
function isTrailingComment(text: string, comment: TSESTree.Comment): boolean {
  const lineStart = lineStartOf(text, comment.range[0]);
  return /\S/.test(text.slice(lineStart, comment.range[0]));
}

/**
 * An AI SDK call (`generateText({ model: openai('gpt-4o'), … })`): its shape once the `model` property
 * names a provider this tool prices — through a provider instance or factory, or a gateway id such as
 * 'anthropic/claude-sonnet-4.5'. Calls on other providers' models are not reported.
 */
function wrapperCall(fi: SyntaxModel, resolver: Resolver, file: string, node: TSESTree.CallExpression, importsWrapper: boolean): { shape: CallShape; model: string | null } | null {
  const callee = node.callee;
  const name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
  // Only calls named like a wrapper function are followed, or any plain call in a file importing the
  // wrapper itself (where `import { generateText as gen }` can rename one).
  if (!name || !(WRAPPER_FUNCTIONS.has(name) || (importsWrapper && callee.type === T.Identifier))) return null;
  const fn = resolver.evaluate(file, callee);
  if (fn?.kind !== 'wrapper-fn') return null;
  if (runByBridge(fi, node)) return null;
  const request = requestObject(fi, resolver, file, node);
  const modelNode = request ? readProps(request.node).get('model') : undefined;
  const model = modelNode ? resolver.evaluate(request!.file, modelNode) : null;
  if (model?.kind === 'mock-model') return null;
  if (model?.kind === 'model' || model?.kind === 'model-instance') return { shape: wrapperShape(fn.call, model.provider), model: model.id };
  if (model?.kind === 'string') {
    // A gateway id ('openai/gpt-4o', 'anthropic/claude-haiku-4.5') names the provider; other strings are the model alone.
    const { provider, id } = splitModelString(model.value);
    return { shape: wrapperShape(fn.call, provider), model: id };
  }
  // A model chosen at run time (a registry, a settings lookup, a parameter): reported all the same.
  return { shape: wrapperShape(fn.call, null), model: null };
}

/** Batchwise's AI SDK bridge module, as an import names it (`./batchwise/aiSdkOpenAI`, `…/aiSdkAnthropic.js`). */
const AI_SDK_BRIDGE = /(^|\/)aiSdk(OpenAI|Anthropic)(\.[cm]?[jt]s)?$/;
/** The module specifier of Batchwise's LangChain bridge. */
const LANGCHAIN_BRIDGE = /(^|\/)langchain(OpenAI|Anthropic)(\.[cm]?[jt]s)?$/;

/**
 * A call the Quick Fix's AI SDK bridge runs (`runAiSdkBatch(xs.map((x) => () => generateText(…)))`,
 * `runAiSdkBatch` imported from Batchwise's `aiSdkOpenAI`/`aiSdkAnthropic` module) is batched already; so is
 * one its LangChain bridge runs (`runLangChainBatch(xs.map((x) => () => model.invoke(x)))`, from `langchainOpenAI`/`langchainAnthropic`).
 */
function runByBridge(fi: SyntaxModel, call: TSESTree.CallExpression): boolean {
  const thunk = fi.parents.get(call);
  if (storeMadeByBridge(fi, thunk)) return true;
  if (thunk?.type !== T.ArrowFunctionExpression || thunk.params.length > 0 || thunk.body !== call) return false;
  if (queuedByBridge(fi, thunk)) return true;
  for (let n: Node | undefined = fi.parents.get(thunk), depth = 0; n && depth < 8; n = fi.parents.get(n), depth++) {
    if (n.type !== T.CallExpression || n.callee.type !== T.Identifier) continue;
    const imported = fi.bindingOf(n.callee)?.import;
    if (imported?.imported === 'runAiSdkBatch' && AI_SDK_BRIDGE.test(imported.source)) return true;
    if ((imported?.imported === 'runLangChainBatch' || imported?.imported === 'runLangChainBatchAll') && LANGCHAIN_BRIDGE.test(imported.source)) return true;
  }
  return false;
}

/** `runLangChainVectorStore(embeddings, (batched) => Store.fromDocuments(docs, batched))`, imported from Batchwise's LangChain bridge. */
function storeMadeByBridge(fi: SyntaxModel, make: Node | undefined): boolean {
  if (make?.type !== T.ArrowFunctionExpression || make.params.length !== 1 || make.body.type !== T.CallExpression) return false;
  const run = fi.parents.get(make);
  if (run?.type !== T.CallExpression || run.arguments[1] !== make || run.callee.type !== T.Identifier) return false;
  const imported = fi.bindingOf(run.callee)?.import;
  return imported?.imported === 'runLangChainVectorStore' && LANGCHAIN_BRIDGE.test(imported.source);
}

/** `queue.add(() => generateText(…))` on a module constant `new AiSdkBatchQueue(…)`, the class imported from Batchwise's AI SDK bridge. */
function queuedByBridge(fi: SyntaxModel, thunk: TSESTree.ArrowFunctionExpression): boolean {
  const add = fi.parents.get(thunk);
  if (add?.type !== T.CallExpression || add.arguments[0] !== thunk || add.callee.type !== T.MemberExpression || add.callee.computed) return false;
  if (add.callee.property.type !== T.Identifier || add.callee.property.name !== 'add' || add.callee.object.type !== T.Identifier) return false;
  const queue = fi.bindingOf(add.callee.object);
  const init = queue?.kind === 'const' ? queue.declarator?.init : null;
  if (init?.type !== T.NewExpression || init.callee.type !== T.Identifier) return false;
  const imported = fi.bindingOf(init.callee)?.import;
  return imported?.imported === 'AiSdkBatchQueue' && AI_SDK_BRIDGE.test(imported.source);
}

function overridden(fi: SyntaxModel, callee: TSESTree.MemberExpression, method: string): boolean {
  const object = fi.text.slice(callee.object.range[0], callee.object.range[1]);
  if (!/^[\w$.]+$/.test(object)) return false;
  return new RegExp(`(^|[^\\w$.])${object.replace(/[.$]/g, '\\$&')}\\.${method}\\s*=[^=]`).test(fi.text);
}

function sameChain(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function calleeText(text: string, node: TSESTree.CallExpression): string {
  return text.slice(node.callee.range[0], node.callee.range[1]).replace(/\s+/g, '');
}

type RequestObject = { file: string; node: TSESTree.ObjectExpression; hasSpread: boolean };

/** What a wrapper knows that an SDK call's request object would say. */
interface Wrapped {
  /** The model id, read off the wrapper's model (an SDK call's `model` is the id itself); undefined: read the request's. */
  model?: string | null;
  /** The prompt is the first argument itself (LangChain's `invoke(input)`), not a property of a request object. */
  promptArgument?: boolean;
  /** The prompt is this positional argument (`model.generateContent(prompt)`, Azure's `getChatCompletions(deployment, messages)`). */
  promptAt?: number;
  /** The request object found elsewhere than the first argument (an HTTP body, a Bedrock command's input); null: none. */
  request?: RequestObject | null;
  /** The output limit the wrapper was built with. */
  maxOutputTokens?: number | null;
}

function buildSite(fi: SyntaxModel, resolver: Resolver, file: string, node: TSESTree.CallExpression, shape: CallShape, wrapped?: Wrapped): CallSite {
  const promptAt = wrapped?.promptAt ?? (wrapped?.promptArgument ? 0 : undefined);
  const request = wrapped?.request !== undefined ? wrapped.request : promptAt !== undefined ? null : requestObject(fi, resolver, file, node);
  const props = request ? readProps(request.node) : new Map<string, TSESTree.Node>();
  const modelProp = request ? requestProp(resolver, request.file, request.node, shape.modelProp ?? 'model', 0) : null;
  const model = wrapped?.model !== undefined ? wrapped.model : modelProp ? stringValue(resolver, modelProp.file, modelProp.node) : null;
  const stream = shape.alwaysStreams ? true : request ? streamOption(resolver, request.file, request.node, 0) : false;
  const streaming = stream !== false;
  let maxOutputTokens: number | null = wrapped?.maxOutputTokens ?? null;
  for (const p of shape.maxTokensProps) {
    const v = props.get(p);
    if (v?.type === T.Literal && typeof v.value === 'number') {
      maxOutputTokens = v.value;
      break;
    }
  }
  const nNode = props.get('n');
  const choices = nNode?.type === T.Literal && typeof nNode.value === 'number' ? nNode.value : null;
  const prompt: RequestInfo = { literalText: '', dynamicParts: 0, maxOutputTokens, choices };
  const texts: string[] = [];
  const input = promptAt !== undefined ? node.arguments[promptAt] : undefined;
  if (input) {
    if (input.type === T.SpreadElement) prompt.dynamicParts += 1;
    else collectText(resolver, file, input, texts, prompt);
    // Template variables (`chain.invoke({ ticket })`): the prompt text lives in a template; count it as one part.
    if (texts.length === 0 && prompt.dynamicParts === 0) prompt.dynamicParts = 1;
  } else if (!request) prompt.dynamicParts += 1;
  else {
    if (request.hasSpread) prompt.dynamicParts += 1;
    for (const p of shape.promptProps) {
      const v = props.get(p);
      if (v) collectText(resolver, request.file, v, texts, prompt);
    }
  }
  prompt.literalText = texts.join('\n');
  return {
    file,
    loc: { start: { ...node.loc.start }, end: { ...node.loc.end } },
    range: [node.range[0], node.range[1]],
    provider: shape.provider,
    api: shape.api,
    batchEndpoint: shape.batchEndpoint,
    model,
    streaming,
    ...(stream === 'unknown' ? { streamingUnknown: true } : {}),
    callee: calleeText(fi.text, node),
    enclosingFunction: enclosingFunctionName(fi, node),
    request: prompt,
    annotation: findAnnotation(fi, node),
  };
}

function requestObject(
  fi: SyntaxModel,
  resolver: Resolver,
  file: string,
  node: TSESTree.CallExpression,
): { file: string; node: TSESTree.ObjectExpression; hasSpread: boolean } | null {
  const arg = node.arguments[0];
  if (!arg) return null;
  const value = arg.type === T.ObjectExpression ? { kind: 'object' as const, file, node: arg } : resolver.evaluate(file, arg);
  if (value?.kind !== 'object') return null;
  void fi;
  return { file: value.file, node: value.node, hasSpread: value.node.properties.some((p) => p.type === T.SpreadElement) };
}

/**
 * The request's `stream` option: true, false, or 'unknown' when it is set to something that cannot be
 * read (`stream: flag`). Spreads are read where they resolve to an object (`{ ...base }`), the last
 * property winning as in JavaScript; a spread that does not resolve says nothing about it.
 */
function streamOption(resolver: Resolver, file: string, obj: TSESTree.ObjectExpression, hops: number): boolean | 'unknown' {
  let stream: boolean | 'unknown' = false;
  for (const p of obj.properties) {
    if (p.type === T.SpreadElement) {
      const spread = hops < 4 ? resolver.evaluate(file, p.argument) : null;
      if (spread?.kind === 'object') {
        const inner = streamOption(resolver, spread.file, spread.node, hops + 1);
        if (inner !== false || hasProp(spread.node, 'stream')) stream = inner;
      }
      continue;
    }
    if (propertyName(p.key, p.computed) !== 'stream') continue;
    const value = resolver.evaluate(file, p.shorthand ? p.key : p.value);
    stream = value?.kind === 'boolean' ? value.value : 'unknown';
  }
  return stream;
}

/** The last `key` property of a request object, looking into spreads that resolve to objects (`{ ...base, messages }`). */
function requestProp(resolver: Resolver, file: string, obj: TSESTree.ObjectExpression, key: string, hops: number): { file: string; node: TSESTree.Node } | null {
  let found: { file: string; node: TSESTree.Node } | null = null;
  for (const p of obj.properties) {
    if (p.type === T.SpreadElement) {
      const spread = hops < 4 ? resolver.evaluate(file, p.argument) : null;
      const inner = spread?.kind === 'object' ? requestProp(resolver, spread.file, spread.node, key, hops + 1) : null;
      if (inner) found = inner;
    } else if (propertyName(p.key, p.computed) === key) found = { file, node: p.shorthand ? p.key : p.value };
  }
  return found;
}

function hasProp(obj: TSESTree.ObjectExpression, key: string): boolean {
  return obj.properties.some((p) => p.type === T.Property && propertyName(p.key, p.computed) === key);
}

function readProps(obj: TSESTree.ObjectExpression): Map<string, TSESTree.Node> {
  const out = new Map<string, TSESTree.Node>();
  for (const p of obj.properties) {
    if (p.type !== T.Property) continue;
    const key = propertyName(p.key, p.computed);
    if (key !== null) out.set(key, p.shorthand ? p.key : p.value);
  }
  return out;
}

function stringValue(resolver: Resolver, file: string, node: TSESTree.Node): string | null {
  const v = resolver.evaluate(file, node);
  return v?.kind === 'string' ? v.value : null;
}

/** Literal prompt text goes to `texts`; every part that is not a literal counts as one dynamic part. */
function collectText(resolver: Resolver, file: string, node: TSESTree.Node, texts: string[], info: RequestInfo): void {
  switch (node.type) {
    case T.Literal:
      if (typeof node.value === 'string') texts.push(node.value);
      return;
    case T.TemplateLiteral:
      texts.push(node.quasis.map((q) => q.value.cooked ?? '').join(''));
      info.dynamicParts += node.expressions.length;
      return;
    case T.BinaryExpression:
      if (node.operator === '+') {
        collectText(resolver, file, node.left, texts, info);
        collectText(resolver, file, node.right, texts, info);
        return;
      }
      break;
    case T.ArrayExpression:
      for (const el of node.elements) {
        if (!el) continue;
        if (el.type === T.SpreadElement) info.dynamicParts += 1;
        else collectText(resolver, file, el, texts, info);
      }
      return;
    case T.ObjectExpression: {
      // A message ({ role, content }) or a content part ({ type: 'text', text }).
      const props = readProps(node);
      const part = props.get('content') ?? props.get('text') ?? props.get('input');
      if (part) collectText(resolver, file, part, texts, info);
      if (node.properties.some((p) => p.type === T.SpreadElement)) info.dynamicParts += 1;
      return;
    }
    case T.Identifier: {
      const v = resolver.evaluate(file, node);
      if (v?.kind === 'string') {
        texts.push(v.value);
        return;
      }
      break;
    }
    default:
      break;
  }
  info.dynamicParts += 1;
}

export function enclosingFunctionName(fi: SyntaxModel, node: Node): string | null {
  let cur = fi.parents.get(node);
  while (cur) {
    if (isFunctionLike(cur) || cur.type === T.MethodDefinition) {
      const name = functionName(fi, cur);
      if (name) return name;
      if (cur.type !== T.ArrowFunctionExpression && cur.type !== T.FunctionExpression) return null;
    }
    cur = fi.parents.get(cur);
  }
  return null;
}

/** The name a function is known by: its id, the variable or property it is assigned to, or its method key. */
export function functionName(fi: SyntaxModel, fn: Node): string | null {
  if ((fn.type === T.FunctionDeclaration || fn.type === T.FunctionExpression) && fn.id) return fn.id.name;
  if (fn.type === T.MethodDefinition) return propertyName(fn.key, fn.computed);
  const parent = fi.parents.get(fn);
  if (!parent) return null;
  if (parent.type === T.VariableDeclarator && parent.id.type === T.Identifier) return parent.id.name;
  if (parent.type === T.MethodDefinition || parent.type === T.Property || parent.type === T.PropertyDefinition) {
    return propertyName(parent.key, parent.computed);
  }
  // `exports.answer = async () => …`, `Service.prototype.run = function () {…}`.
  if (parent.type === T.AssignmentExpression && parent.right === fn && parent.left.type === T.MemberExpression) {
    const prop = propertyName(parent.left.property, parent.left.computed);
    return prop === 'exports' ? null : prop;
  }
  return null;
}

/**
 * A `// batchwise: ...` declaration for a call: a comment at the end of the call's own line (its first
 * or last line, or the last line of the statement holding it), else a comment on a line of its own just
 * above the call or above a statement that contains it. A trailing comment never reaches the next line.
 */
function findAnnotation(fi: SyntaxModel, node: Node): string | null {
  const { above, trailing, ownLine } = annotationsOf(fi);
  if (above.size === 0 && trailing.size === 0) return null;
  // The first line inside a multi-line call (`create({` then `// batchwise: …`) speaks for that call.
  for (const c of ownLine.get(node.loc.start.line + 1) ?? []) {
    if (c.range[0] > node.range[0] && c.range[1] < node.range[1]) return c.value;
  }
  const statement = enclosingStatement(fi, node);
  for (const line of [node.loc.start.line, node.loc.end.line, statement?.loc.end.line]) {
    const hit = line !== undefined ? trailing.get(line) : undefined;
    if (hit !== undefined) return hit;
  }
  let cur: Node | undefined = node;
  while (cur && cur.type !== T.Program) {
    const hit = above.get(cur.loc.start.line - 1);
    if (hit !== undefined) return hit;
    if (isFunctionLike(cur)) break;
    cur = fi.parents.get(cur);
  }
  return null;
}

/**
 * A file's `// batchwise: …` comments, read once per file (a file of thousands of calls, each with a
 * comment above it, read every comment for every call): trailing ones by their line, the others by
 * the line they end on, and those by the line they start on, in file order.
 */
function annotationsOf(fi: SyntaxModel): { above: Map<number, string>; trailing: Map<number, string>; ownLine: Map<number, { range: readonly [number, number]; value: string }[]> } {
  let found = annotations.get(fi);
  if (found) return found;
  found = { above: new Map(), trailing: new Map(), ownLine: new Map() };
  for (const c of fi.comments) {
    const m = /^\s*batchwise:\s*(.*?)\s*$/.exec(c.value);
    if (!m) continue;
    if (isTrailingComment(fi.text, c)) {
      found.trailing.set(c.loc.start.line, m[1]);
      continue;
    }
    found.above.set(c.loc.end.line, m[1]);
    const line = found.ownLine.get(c.loc.start.line) ?? [];
    line.push({ range: c.range, value: m[1] });
    found.ownLine.set(c.loc.start.line, line);
  }
  annotations.set(fi, found);
  return found;
}
const annotations = new WeakMap<SyntaxModel, ReturnType<typeof annotationsOf>>();

/** The nearest statement holding `node`, within its function. */
function enclosingStatement(fi: SyntaxModel, node: Node): Node | null {
  let cur = fi.parents.get(node);
  while (cur && !isFunctionLike(cur) && cur.type !== T.Program) {
    if (/Statement$|Declaration$/.test(cur.type) && cur.type !== T.BlockStatement) return cur;
    cur = fi.parents.get(cur);
  }
  return null;
}
