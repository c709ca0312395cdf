// Vercel AI SDK calls under the loop hoist: `generateText`, `generateObject`, `embed` and `embedMany` from
// 'ai' with a model of '@ai-sdk/openai' or '@ai-sdk/anthropic' (the default instance, or one `createOpenAI`
// or `createAnthropic` made at the provider's own URL). The call itself stays the AI SDK's: the
// generated bridge (templates/aiSdkBatch.ts) runs it with the options the code wrote and batches the
// request it sends, so what the code reads is what the AI SDK makes of the answer. What a batch cannot
// give back the same (several steps, callbacks that run as the answer comes, a live request) is refused here.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { type FunctionLike, propertyName, unwrap } from '../syntax/nodes';
import type { Node } from '../parse/walk';
import { providerFromUrl, providerInfo } from '../detect/providers';
import { type ModuleLookup, resolveExport } from '../syntax/modules';
import type { SyntaxModel } from '../syntax/model';
import type { Provider } from '../model';
import type { Binding, FileFacts } from './effects';
import type { AiSdkHelperKind } from './helper';
import type { RewriteProvider } from './sdkVersion';
import { lineNumberAt } from '../parse/lineNumbers';

/** The providers whose AI SDK models the bridge takes. */
type AiSdkProvider = Exclude<RewriteProvider, 'google' | 'mistral'>;

/** The AI SDK functions the bridge runs, by the api the catalogue gives their call sites. */
export const AI_SDK_FUNCTIONS: Record<string, string> = {
  'ai-sdk.generateText': 'generateText',
  'ai-sdk.generateObject': 'generateObject',
  'ai-sdk.embed': 'embed',
  'ai-sdk.embedMany': 'embedMany',
};

export const AI_SDK_HELPER = 'runAiSdkBatch';

/** The provider packages whose default instance makes the models the bridge batches. */
const PROVIDER_SOURCES: Record<AiSdkProvider, string> = { openai: '@ai-sdk/openai', anthropic: '@ai-sdk/anthropic' };

/** The factories of the provider packages, which make an instance like the default one with settings of its own. */
const FACTORIES: Record<AiSdkProvider, string> = { openai: 'createOpenAI', anthropic: 'createAnthropic' };

/**
 * Settings of an instance the batch keeps: they shape the request the instance builds (key, base URL,
 * organization, headers) or how it sends it (`fetch`, which the bridge's own fetch sits behind), and the
 * bridge sends that request on. The base URL must be the provider's own.
 */
const INSTANCE_SETTINGS = ['apiKey', 'baseURL', 'organization', 'project', 'headers', 'fetch', 'compatibility', 'name', 'generateId'];

/** Model methods of the providers' instances that the bridge batches (the instance called itself makes a language model). */
const MODEL_METHODS: Record<string, readonly string[]> = {
  'ai-sdk.generateText': ['chat', 'responses', 'languageModel', 'messages'],
  'ai-sdk.generateObject': ['chat', 'responses', 'languageModel', 'messages'],
  'ai-sdk.embed': ['embedding', 'textEmbedding', 'textEmbeddingModel'],
  'ai-sdk.embedMany': ['embedding', 'textEmbedding', 'textEmbeddingModel'],
};

/** Options a batch cannot keep, and why (the rest go into the request the AI SDK builds, or only shape the result). */
const REFUSED_OPTIONS: Record<string, string> = {
  tools: 'gives the model tools: a tool call with `execute` runs the tool and sends a further request with its result, a step a batch cannot take',
  toolChoice: 'sets `toolChoice`, which only means something with tools (a tool call is a further step a batch cannot take)',
  maxSteps: 'sets `maxSteps`: each further step is a request made with the answer to the one before, which a batch cannot make',
  stopWhen: 'sets `stopWhen`: each further step is a request made with the answer to the one before, which a batch cannot make',
  prepareStep: 'sets `prepareStep`, which shapes further steps a batch cannot take',
  onFinish: 'passes `onFinish`, a callback the original runs as each answer arrives, in the loop; after the rewrite they would all run at the batch\'s end',
  onStepFinish: 'passes `onStepFinish`, a callback the original runs as each answer arrives, in the loop; after the rewrite they would all run at the batch\'s end',
  experimental_telemetry: 'sets `experimental_telemetry`: its spans would time the batch, not the call',
  abortSignal: 'passes an `abortSignal`, which aborts a live request; a request waiting in a batch is not one',
  headers: 'sends its own HTTP `headers`, which a batch request cannot carry',
  experimental_repairToolCall: 'repairs tool calls, which only come with tools (a further step a batch cannot take)',
  experimental_prepareStep: 'sets `experimental_prepareStep`, which shapes further steps a batch cannot take',
};

/** What the code may read of the result: what the AI SDK makes of the provider's answer alone. */
const READABLE: Record<string, readonly string[]> = {
  'ai-sdk.generateText': ['text', 'usage', 'totalUsage', 'finishReason', 'content', 'reasoningText', 'warnings', 'providerMetadata'],
  'ai-sdk.generateObject': ['object', 'usage', 'finishReason', 'warnings', 'providerMetadata'],
  'ai-sdk.embed': ['embedding', 'value', 'usage'],
  'ai-sdk.embedMany': ['embeddings', 'values', 'usage'],
};

const UNREADABLE: Record<string, string> = {
  steps: 'the steps (a batch answers one request per call, and Batchwise refuses what would make more)',
  toolCalls: 'tool calls (a batch cannot run the steps that follow them)',
  toolResults: 'tool results (a batch cannot run tools between steps)',
  staticToolCalls: 'tool calls (a batch cannot run the steps that follow them)',
  dynamicToolCalls: 'tool calls (a batch cannot run the steps that follow them)',
  response: 'the HTTP response (its headers and timing would be the batch\'s, not the call\'s)',
  request: 'the HTTP request',
  experimental_output: 'the experimental output',
};

export interface AiSdkCall {
  provider: AiSdkProvider;
  helperKind: AiSdkHelperKind;
  /** The function called (`generateText`), as the code names it: the bridge calls it. */
  fn: Node;
  /** What the rewrite changes in what the program does (the fix is then unsafe): an instance's own `fetch` runs at other times. */
  changes?: string;
  /** A gateway model id written in the call (`model: 'openai/gpt-5'`): the rewrite puts the provider's model there instead. */
  gateway?: GatewayModel;
}

/** A string model id the AI SDK sends through the AI Gateway, and the provider's model the batch uses instead. */
export interface GatewayModel {
  /** The string literal in the call's options. */
  node: Node;
  provider: AiSdkProvider;
  /** The provider package's export and method making the model: `openai`, `openai.embedding`. */
  make: { source: string; name: string; method: string | null };
  /** The provider's own model id. */
  id: string;
}

/** The source of `node` (a call or its options) with the gateway id in it replaced by the provider's own model, made by `local`. */
export function withProviderModel(text: string, node: Node, gateway: GatewayModel, local: string): string {
  const made = `${local}${gateway.make.method ? `.${gateway.make.method}` : ''}('${gateway.id}')`;
  return `${text.slice(node.range[0], gateway.node.range[0])}${made}${text.slice(gateway.node.range[1], node.range[1])}`;
}

/** Whether the call site is one the AI SDK bridge may take: the options it passes, and the model. */
export function aiSdkCallProblem(api: string, provider: string, call: TSESTree.CallExpression, facts: FileFacts): AiSdkCall | string {
  const fnName = AI_SDK_FUNCTIONS[api];
  if (!fnName) {
    const name = api.replace(/^ai-sdk\./, '');
    return /^stream/.test(name)
      ? `an AI SDK \`${name}\` call: its stream is read as the answer arrives, and batch results do not stream; use \`${name.replace('stream', 'generate')}\` to get a fix`
      : `no batch rewrite for the AI SDK's \`${name}\``;
  }
  if (provider !== 'openai' && provider !== 'anthropic') {
    return `an AI SDK call with a ${providerInfo(provider as Provider).label} model: the batch rewrite of AI SDK calls covers models of @ai-sdk/openai and @ai-sdk/anthropic`;
  }
  if (provider === 'anthropic' && /^ai-sdk\.embed/.test(api)) return 'Anthropic has no embeddings API to batch';
  const callee = unwrap(call.callee);
  const notAi = aiFunctionProblem(fnName, callee, facts);
  if (notAi) return notAi;
  if (call.arguments.length !== 1 || call.arguments[0].type === T.SpreadElement) return `the call passes ${call.arguments.length === 0 ? 'no' : 'more than one'} argument; write it as ${fnName}({ model, … }) to get a fix`;
  const options = unwrap(call.arguments[0]);
  if (options.type !== T.ObjectExpression) {
    return `the options are \`${facts.quote(options)}\`, not an object literal in the call, so Batchwise cannot see whether they ask for what a batch cannot do (tools, several steps, callbacks); write them out in the call to get a fix`;
  }
  let model: Node | null = null;
  for (const p of options.properties) {
    if (p.type === T.SpreadElement) {
      return `the options spread \`${facts.quote(p.argument)}\`, so Batchwise cannot see whether they ask for what a batch cannot do (tools, several steps, callbacks); write them out to get a fix`;
    }
    const key = propertyName(p.key, p.computed);
    if (key === null) return `the options have a computed key (\`${facts.quote(p.key)}\`); write it out to get a fix`;
    if (key in REFUSED_OPTIONS) return `the call ${REFUSED_OPTIONS[key]}; keep this call unbatched`;
    if (key === 'model') model = p.value;
  }
  if (!model) return 'the call names no `model` in its options';
  const made = modelProblem(api, provider, model, facts);
  if (typeof made === 'string') return made;
  for (const c of made.calls) facts.pureCalls.add(c);
  return { provider, helperKind: provider === 'openai' ? 'ai-sdk-openai' : 'ai-sdk-anthropic', fn: callee, ...(made.changes ? { changes: made.changes } : {}), ...(made.gateway ? { gateway: made.gateway } : {}) };
}

/** The exports of the AI SDK's packages the rewrite reads, by package: what a project's `export * from 'ai'` can be followed to. */
const PACKAGE_EXPORTS: Record<string, readonly string[]> = {
  ai: ['generateText', 'generateObject', 'streamText', 'streamObject', 'embed', 'embedMany'],
  '@ai-sdk/openai': ['openai', 'createOpenAI'],
  '@ai-sdk/anthropic': ['anthropic', 'createAnthropic'],
};

/**
 * The package export a name is bound to: imported or required from the package itself, or from a module of
 * the project that re-exports it (`export * from 'ai'` in a workspace package, `export { generateText } from 'ai'`),
 * followed as far as the project's modules are known. Otherwise the import as written.
 */
export function packageExportOf(b: Binding | undefined, file: string, modules: ModuleLookup | undefined): { source: string; imported: string } | undefined {
  const direct = moduleOf(b);
  if (!direct || direct.source in PACKAGE_EXPORTS || !b?.import || !modules) return direct;
  const target = modules(file, direct.source);
  // A star re-export of a package is followed only for the names the package is known to export: a barrel re-exporting several packages names each once.
  const found = target ? resolveExport(modules, target, direct.imported, (source, name) => PACKAGE_EXPORTS[source]?.includes(name) ?? false) : null;
  return found?.kind === 'external' ? { source: found.source, imported: found.imported } : direct;
}

/** Why the callee is not the AI SDK's own `fnName` (imported from 'ai', or from a module re-exporting it, or read off `import * as ai from 'ai'`), or null. */
function aiFunctionProblem(fnName: string, callee: Node, facts: FileFacts): string | null {
  if (callee.type === T.MemberExpression && !callee.computed && callee.object.type === T.Identifier && propertyName(callee.property, false) === fnName) {
    const ns = facts.bindingOf(callee.object)?.import;
    if (ns?.source === 'ai' && ns.imported === '*') return null;
    return `the call is \`${facts.quote(callee)}\`, not \`${fnName}(…)\` of the function imported from 'ai' (or read off \`import * as ai from 'ai'\`)`;
  }
  if (callee.type !== T.Identifier) return `the call is not written as \`${fnName}(…)\` of the function imported from 'ai'`;
  const b = facts.bindingOf(callee);
  const from = packageExportOf(b, facts.file, facts.modules);
  if (from?.source === 'ai' && from.imported === fnName) return null;
  if (!from) return `\`${callee.name}\` is not imported: it is not the AI SDK's \`${fnName}\` imported from 'ai'`;
  if (from.source === 'ai') return `\`${callee.name}\` is the AI SDK's \`${from.imported}\`, not its \`${fnName}\``;
  const written = moduleOf(b)!;
  const target = b?.import && facts.modules ? facts.modules(facts.file, written.source) : undefined;
  if (!target) return `\`${callee.name}\` is imported from '${written.source}', which Batchwise cannot follow to 'ai' (it follows modules of the project that re-export it); import \`${fnName}\` from 'ai' to get a fix`;
  const ends = from.source !== written.source ? `takes it from '${from.source}'` : 'makes one of its own';
  return `\`${callee.name}\` is imported from '${written.source}' (${target.file}), which ${ends}, not the AI SDK's \`${fnName}\` from 'ai'; import it from 'ai' to get a fix`;
}

/** The `openai('gpt-4o')` call making the model, in the options or through a const or a small helper of the file, from a provider instance Batchwise can follow; or why not. */
function modelProblem(api: string, provider: AiSdkProvider, model: Node, facts: FileFacts, depth = 0): { calls: TSESTree.CallExpression[]; changes?: string; gateway?: GatewayModel } | string {
  if (depth > 3) return `the model \`${facts.quote(model)}\` is wrapped too many times`;
  const source = PROVIDER_SOURCES[provider];
  const written = `write the model in the call as ${provider}('…')${/embed/.test(api) ? ` or ${provider}.embedding('…')` : ''}, with \`${provider}\` imported from '${source}', to get a fix`;
  const followed = followModel(provider, model, facts);
  if (typeof followed === 'string') return `${followed}; ${written}`;
  const { made: m, calls } = followed;
  const id = staticText(m);
  if (id !== null) return gatewayModel(api, provider, id, m, m === unwrap(model), written);
  if (m.type !== T.CallExpression) return `the model is \`${facts.quote(m)}\`, made elsewhere; ${written}`;
  const callee = unwrap(m.callee);
  let instance: Node = callee;
  if (callee.type === T.MemberExpression) {
    const method = propertyName(callee.property, callee.computed);
    if (!method || !MODEL_METHODS[api].includes(method)) return `the model is made by \`${facts.quote(callee)}\`, which is not a ${/embed/.test(api) ? 'text embedding' : 'language'} model of ${source}; ${written}`;
    instance = unwrap(callee.object);
  } else if (/embed/.test(api)) return `the model \`${facts.quote(m)}\` is a language model, not an embedding model; ${written}`;
  const binding = instance.type === T.Identifier ? facts.bindingOf(instance) : undefined;
  const from = packageExportOf(binding, facts.file, facts.modules);
  let changes: string | undefined;
  if (from?.source !== source || from.imported !== provider) {
    const made = madeInstance(binding, facts);
    if (made) {
      const problem = instanceProblem(provider, made, facts);
      if (problem) return problem;
      changes = fetchChanges(made, facts);
    } else {
      // A wrapper around a model of the provider (a tracer, a cache, wrapLanguageModel): its request still goes out through `fetch`.
      const inner = wrappedModel(m);
      if (inner) {
        const followedInner = modelProblem(api, provider, inner, facts, depth + 1);
        if (typeof followedInner !== 'string') {
          const wrapper = `the model is wrapped by \`${facts.quote(callee)}\` (line ${facts.line(m)}), which Batchwise does not read: what it does around each call (tracing, caching, middleware) now runs while the batch is made, its timings are the batch's, and a request it sends other than the model's own goes out as before`;
          return { ...followedInner, changes: [followedInner.changes, wrapper].filter(Boolean).join('; ') };
        }
        // Only a call that is plainly a wrapper (given a model call, or `{ model }`) is named as one: `provider(modelId)` is not.
        if (inner.type === T.CallExpression || unwrap(m.arguments[0]).type === T.ObjectExpression) {
          return `the model is \`${facts.quote(m)}\`, a wrapper around a model where ${followedInner.replace(/^the model /, 'the wrapped model ')}`;
        }
      }
      const created = binding?.kind === 'const' && binding.declarator?.init ? facts.quote(binding.declarator.init) : null;
      return created
        ? `the model comes from \`${created}\`, which Batchwise does not know as an instance of ${source}; ${written}`
        : `the model is made by \`${facts.quote(instance)}\`, not the \`${provider}\` instance of ${source}; ${written}`;
    }
  }
  if (m.arguments.length !== 1 || m.arguments[0].type === T.SpreadElement) return `the model is made with settings (\`${facts.quote(m)}\`) the batch may not follow; ${written}`;
  return { calls: [...calls, m], ...(changes ? { changes } : {}) };
}

/** How a gateway id maps to the provider's: the id after the prefix, and for Anthropic, version dots made dashes (`claude-sonnet-4.5` → `claude-sonnet-4-5`). */
const GATEWAY_IDS: Record<AiSdkProvider, { key: string; map: (id: string) => string; how: string }> = {
  openai: { key: 'OPENAI_API_KEY', map: (id) => id, how: 'the id after its "openai/" prefix' },
  anthropic: { key: 'ANTHROPIC_API_KEY', map: (id) => id.replace(/(\d)\.(\d)/g, '$1-$2'), how: 'the id after its "anthropic/" prefix, with the dots of its version made dashes (the gateway writes claude-sonnet-4.5, Anthropic claude-sonnet-4-5)' },
};

/**
 * A string model (`model: 'openai/gpt-5'`): in AI SDK 5 and later it goes through the global default provider,
 * the Vercel AI Gateway unless `globalThis.AI_SDK_DEFAULT_PROVIDER` names another. The batch can only go to the
 * provider itself, so the rewrite makes the provider's model there instead: never the same call (another key,
 * other billing, no gateway routing), always unsafe. The project's `ai` version is checked where it is known.
 */
function gatewayModel(api: string, provider: AiSdkProvider, id: string, m: Node, inCall: boolean, written: string): { calls: TSESTree.CallExpression[]; changes: string; gateway: GatewayModel } | string {
  const slash = id.indexOf('/');
  const prefix = slash > 0 ? id.slice(0, slash) : null;
  if (prefix === null) return `the model is "${id}", a string without a provider prefix: in AI SDK 5 and later that names a model of the global default provider (the Vercel AI Gateway), which Batchwise cannot batch; ${written}`;
  if (prefix !== provider) return `the model "${id}" goes through the Vercel AI Gateway to ${prefix}; the batch rewrite of gateway ids covers "openai/…" and "anthropic/…"`;
  if (!inCall) return `the model "${id}" is a gateway id held in a name; the rewrite puts the provider's own model in its place, so write the id in the call (model: '${id}') to get a fix`;
  const source = PROVIDER_SOURCES[provider];
  const gateway = GATEWAY_IDS[provider];
  const modelId = gateway.map(id.slice(slash + 1));
  const method = /embed/.test(api) ? 'embedding' : null;
  const made = `${provider}${method ? `.${method}` : ''}('${modelId}')`;
  return {
    calls: [],
    gateway: { node: m, provider, make: { source, name: provider, method }, id: modelId },
    changes: `the model "${id}" is a string, which the AI SDK sends through its global default provider: the Vercel AI Gateway (with AI_GATEWAY_API_KEY or Vercel's OIDC token, and Vercel's billing), unless globalThis.AI_SDK_DEFAULT_PROVIDER names another; the batch cannot go through the gateway, so the rewrite makes the model ${made} of ${source} (${gateway.how}) and the requests go to ${providerInfo(provider).label} directly, with ${gateway.key} and ${providerInfo(provider).label}'s billing, without the gateway's routing, fallbacks or usage records`,
  };
}

/**
 * The model a wrapper call is given: its first argument (`traceAISDKModel(openai('…'))`, `cacheModel(model, store)`)
 * or the `model` of an options object (`wrapLanguageModel({ model, middleware })`), when that is a call or a name.
 */
function wrappedModel(call: TSESTree.CallExpression): Node | null {
  const first = call.arguments[0] ? unwrap(call.arguments[0]) : null;
  if (first?.type === T.CallExpression || first?.type === T.Identifier) return first;
  if (first?.type !== T.ObjectExpression) return null;
  const model = first.properties.find((p): p is TSESTree.Property => p.type === T.Property && propertyName(p.key, p.computed) === 'model');
  if (!model) return null;
  const value = model.shorthand ? model.key : unwrap(model.value);
  return value.type === T.CallExpression || value.type === T.Identifier ? value : null;
}

/**
 * An instance's own `fetch` still sends each call's request (the bridge's sits behind it), but all of them
 * while the batch is made, before the loop body runs, and it sees the batch's answers: said, and the fix unsafe.
 */
function fetchChanges(made: MadeInstance, facts: FileFacts): string | undefined {
  const options = made.call.arguments.length === 1 ? unwrap(made.call.arguments[0]) : null;
  const fetch = options?.type === T.ObjectExpression ? options.properties.find((p) => p.type === T.Property && propertyName(p.key, p.computed) === 'fetch') : undefined;
  if (!fetch) return undefined;
  const line = lineNumberAt(made.model.text, fetch.range[0]);
  return `the provider instance's own \`fetch\` (${made.model === facts.model ? '' : `${made.model.file}, `}line ${line}) still runs for every call, but for all of them before the loop body runs, no longer between its steps, and the answers it sees come from the batch`;
}

/**
 * The expression that makes the model, followed from the options through a const (`const model = openai('…')`)
 * and a helper of the file that only returns it (`function getModel() { return openai('…'); }`); with the
 * helper calls on the way, which make nothing but the model.
 */
function followModel(provider: AiSdkProvider, model: Node, facts: FileFacts): { made: Node; calls: TSESTree.CallExpression[] } | string {
  const calls: TSESTree.CallExpression[] = [];
  let m = unwrap(model);
  for (let hop = 0; hop < 4; hop++) {
    if (m.type === T.Identifier) {
      const b = facts.bindingOf(m);
      const init = b?.kind === 'const' && b.declarator?.id.type === T.Identifier ? b.declarator.init : null;
      if (!init && b?.owner) return `the model is \`${facts.quote(m)}\`, a parameter of the function (line ${facts.line(b.owner)}), so Batchwise cannot see which model its callers pass`;
      if (!init) return `the model is \`${facts.quote(m)}\`, ${b?.kind === 'const' || b?.kind === 'let' || b?.kind === 'var' ? 'not a const made in this file' : 'made elsewhere'}`;
      m = unwrap(init);
      continue;
    }
    const callee = m.type === T.CallExpression ? unwrap(m.callee) : null;
    const b = callee?.type === T.Identifier ? facts.bindingOf(callee) : undefined;
    if (m.type !== T.CallExpression || !b?.fn) return { made: m, calls };
    const returned = onlyReturned(b.fn);
    const reassigned = facts.referencesOf(b).some((ref) => facts.useOf(ref).kind === 'write');
    if (!returned || b.fn.params.length > 0 || m.arguments.length > 0 || b.fn.async || b.fn.generator || reassigned) {
      return `the model is made by \`${facts.quote(m)}\`, a function of the file that does more than return a model (Batchwise follows \`function ${b.name}() { return ${provider}('…'); }\` with no parameters)`;
    }
    calls.push(m);
    m = unwrap(returned);
  }
  return `the model \`${facts.quote(model)}\` is made too many steps away`;
}

/** What a function does when its body is a single `return x;` (or an arrow's expression body): x. */
function onlyReturned(fn: FunctionLike): Node | null {
  if (fn.body?.type !== T.BlockStatement) return fn.body ?? null;
  const [only, ...rest] = fn.body.body;
  return only?.type === T.ReturnStatement && only.argument && rest.length === 0 ? only.argument : null;
}

/** A provider instance made in code: the `createOpenAI({ … })` call, the file it is in, and the factory it calls. */
interface MadeInstance {
  call: TSESTree.CallExpression;
  model: SyntaxModel;
  factory: { source: string; imported: string };
}

/** The factory call making an instance, for a const of this file or one a module of the project exports (as far as the syntax model's imports reach). */
function madeInstance(b: Binding | undefined, facts: FileFacts): MadeInstance | null {
  if (!b) return null;
  let model = facts.model;
  let binding: Binding | null = b;
  if (b.import) {
    const target = facts.modules?.(facts.file, b.import.source);
    const exported = target ? resolveExport(facts.modules!, target, b.import.imported) : null;
    if (exported?.kind !== 'binding') return null;
    model = exported.model;
    binding = exported.binding;
  }
  const init = binding?.kind === 'const' && binding.declarator?.id.type === T.Identifier && binding.declarator.init ? unwrap(binding.declarator.init) : null;
  if (init?.type !== T.CallExpression) return null;
  const callee = unwrap(init.callee);
  const factory = callee.type === T.Identifier ? packageExportOf(model.bindingOf(callee), model.file, facts.modules) : undefined;
  return factory && Object.values(PROVIDER_SOURCES).includes(factory.source) ? { call: init, model, factory } : null;
}

/** Why the batch cannot go where an instance sends its requests, or null: its settings are read, and its base URL must be the provider's own. */
function instanceProblem(provider: AiSdkProvider, made: MadeInstance, facts: FileFacts): string | null {
  const quote = (n: Node) => {
    const s = made.model.src(n).replace(/\s+/g, ' ').trim();
    return s.length > 50 ? `${s.slice(0, 47)}…` : s;
  };
  const created = `\`${quote(made.call)}\`${made.model === facts.model ? '' : ` (${made.model.file})`}`;
  const factory = FACTORIES[provider];
  if (made.factory.source !== PROVIDER_SOURCES[provider] || made.factory.imported !== factory) {
    return `the model comes from a provider instance made by ${created}, not by \`${factory}\` of ${PROVIDER_SOURCES[provider]}; make it with \`${factory}\` to get a fix`;
  }
  if (made.call.arguments.length === 0) return null;
  const options = made.call.arguments.length === 1 ? unwrap(made.call.arguments[0]) : null;
  if (options?.type !== T.ObjectExpression) {
    return `the provider instance ${created} is made with settings Batchwise cannot read (not an object literal), so it cannot see where the instance sends its requests; write them out in the \`${factory}\` call to get a fix`;
  }
  for (const p of options.properties) {
    if (p.type === T.SpreadElement) return `the provider instance ${created} spreads \`${quote(p.argument)}\` into its settings, so Batchwise cannot see where it sends its requests; write them out to get a fix`;
    const key = propertyName(p.key, p.computed);
    if (key === null || !INSTANCE_SETTINGS.includes(key)) return `the provider instance ${created} sets \`${key ?? quote(p.key)}\`, a setting the batch rewrite does not know (it follows ${INSTANCE_SETTINGS.join(', ')}); keep this call as it is, or make the instance without it to get a fix`;
    if (key !== 'baseURL') continue;
    const url = staticText(p.value);
    if (url === null) return `the provider instance ${created} takes its base URL from \`${quote(p.value)}\`, which Batchwise cannot read, so it cannot tell whether the requests go to ${providerInfo(provider).label} or to a server without a batch API; write the URL out to get a fix`;
    const to = providerFromUrl(url);
    if (to === provider) continue;
    const host = /^(?:[a-z]+:)?\/\/([^/?#]+)/i.exec(url)?.[1] ?? url;
    const info = to ? providerInfo(to) : null;
    return info?.batchTier
      ? `the provider instance ${created} sends its requests to ${host}, ${info.label}, which has a batch API of its own; the AI SDK rewrite batches only through ${providerInfo(provider).hosts[0]}, so keep this call as it is`
      : `the provider instance ${created} sends its requests to ${host}, ${info ? info.label : 'a server Batchwise does not know'}, which sells no batch tier: keep this call as it is`;
  }
  return null;
}

/** A string written out in full: a literal, or a template without substitutions. */
function staticText(n: Node): string | null {
  const v = unwrap(n);
  if (v.type === T.Literal && typeof v.value === 'string') return v.value;
  if (v.type === T.TemplateLiteral && v.expressions.length === 0) return v.quasis[0]?.value.cooked ?? null;
  return null;
}

/** The module and export a name is bound to: an import, or a `const { x } = require('m')` (or `const x = require('m').x`). */
export function moduleOf(b: Binding | undefined): { source: string; imported: string } | undefined {
  if (!b) return undefined;
  if (b.import) return b.import;
  let init = b.kind === 'const' && b.declarator?.init ? unwrap(b.declarator.init) : null;
  const path = [...(b.path ?? [])];
  if (init?.type === T.MemberExpression && !init.computed && path.length === 0) {
    const name = propertyName(init.property, init.computed);
    if (name) path.push(name);
    init = unwrap(init.object);
  }
  if (init?.type !== T.CallExpression || init.callee.type !== T.Identifier || init.callee.name !== 'require') return undefined;
  const arg = init.arguments[0];
  if (arg?.type !== T.Literal || typeof arg.value !== 'string' || path.length !== 1) return undefined;
  return { source: arg.value, imported: path[0]! };
}

/**
 * Whether a binding is an AI SDK provider instance (`openai` of '@ai-sdk/openai', or one `createOpenAI({ … })`
 * made, here or in a module of the project) that the file only
 * makes models with (`openai('…')`, `openai.chat('…')`): such calls change nothing a request reads.
 */
export function onlyMakesModels(b: Binding, facts: FileFacts): boolean {
  const from = packageExportOf(b, facts.file, facts.modules);
  if ((!from || !Object.values(PROVIDER_SOURCES).includes(from.source)) && !madeInstance(b, facts)) return false;
  return facts.referencesOf(b).every((ref) => {
    const parent = facts.parents.get(ref);
    if (parent?.type === T.CallExpression && parent.callee === ref) return true;
    const grand = parent ? facts.parents.get(parent) : undefined;
    return parent?.type === T.MemberExpression && parent.object === ref && !parent.computed && grand?.type === T.CallExpression && grand.callee === parent;
  });
}

/**
 * Why the code reads something of the result a batch cannot give back the same, or null. `pattern` is
 * what the result is declared as (`const { text } = …`, `const result = …`); `scope` where its reads are.
 */
export function aiSdkResultProblem(api: string, pattern: Node, facts: FileFacts): string | null {
  const readable = READABLE[api] ?? [];
  const check = (key: string | null, at: Node): string | null => {
    if (key === null) return `the code reads the result by a computed key (\`${facts.quote(at)}\`); read its fields by name (${readable.map((r) => `.${r}`).join(', ')}) to get a fix`;
    if (key in UNREADABLE) return `the code reads \`${key}\` of the result (line ${facts.line(at)}), ${UNREADABLE[key]}; read only ${readable.map((r) => `.${r}`).join(', ')} to get a fix`;
    if (!readable.includes(key)) return `the code reads \`${key}\` of the result (line ${facts.line(at)}), which the batch rewrite does not cover; read only ${readable.map((r) => `.${r}`).join(', ')} to get a fix`;
    return null;
  };
  if (pattern.type === T.ObjectPattern) {
    for (const p of pattern.properties) {
      if (p.type === T.RestElement) return `the code takes the rest of the result (\`${facts.quote(p)}\`); read its fields by name to get a fix`;
      const problem = check(propertyName(p.key, p.computed), p);
      if (problem) return problem;
    }
    return null;
  }
  if (pattern.type !== T.Identifier) return `the result is declared as \`${facts.quote(pattern)}\`; declare it as an object pattern or a name to get a fix`;
  const binding = facts.bindingOf(pattern);
  if (!binding) return null;
  for (const ref of facts.referencesOf(binding)) {
    const parent = facts.parents.get(ref);
    if (parent?.type === T.MemberExpression && parent.object === ref) {
      const problem = check(propertyName(parent.property, parent.computed), parent);
      if (problem) return problem;
      continue;
    }
    return `the code uses the whole result (line ${facts.line(ref)}: \`${facts.quote(parent ?? ref)}\`), which holds what a batch cannot give back the same (the HTTP response, the steps); read only ${readable.map((r) => `.${r}`).join(', ')} to get a fix`;
  }
  return null;
}
