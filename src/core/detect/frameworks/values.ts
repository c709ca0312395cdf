// What framework expressions evaluate to, for the resolver: a chain or agent built around a model
// (`RunnableSequence.from([prompt, model])`, `createAgent({ model })`, `new LLMChain({ llm })`), a
// model's derived runnables (`model.withStructuredOutput(schema)`), an index's engines
// (`index.asQueryEngine()`), what a vector store's `fromDocuments` returns, a Mastra agent fetched by
// name, and the AI SDK's test doubles. Each reads the model it wraps, so the call site names its provider.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { isFunctionLike, propertyName, requireSource } from '../../syntax/nodes';
import type { Resolver, Value } from '../resolve';
import { AGENTKIT_AGENT, GENKIT, CHAIN_BUILDERS, isLlamaIndexImport, LLAMA_AGENT, LLAMA_FACTORIES, llamaClassNamed, frameworkClassById, isFrameworkSource, isLangchainImport, LANGCHAIN_CHAIN, MASTRA_AGENT } from './classes';
import { splitModelString } from './providers';
import { CHROMA_COLLECTION, CHROMA_COLLECTION_METHODS } from './chroma';

type Instance = Extract<Value, { kind: 'model-instance' }>;

/** Method names whose calls may return a framework object: checked before anything is evaluated. */
const CALL_NAMES = new Set(['agent', 'multiAgent', 'openai', 'anthropic', 'gemini', 'mistral', 'groq', 'deepseek', 'together', 'perplexity', 'ollama', 'fireworks', 'withLLM', 'withEmbedModel', 'withCallbackManager', 'withStructuredOutput', 'bindTools', 'bind', 'withConfig', 'withRetry', 'withFallbacks', 'withListeners', 'asRetriever', 'asQueryEngine', 'asChatEngine', 'fromDocuments', 'fromTexts', 'fromExistingIndex', 'getAgent', 'getAgentById', 'initChatModel', 'aisdk', 'genkit', ...CHROMA_COLLECTION_METHODS, ...CHAIN_BUILDERS]);

export function frameworkValueOfCall(resolver: Resolver, file: string, node: TSESTree.CallExpression): Value | null {
  const callee = node.callee;
  let name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
  // A builder imported under another name (`import { createAgent as createLangChainAgent } from 'langchain'`).
  if (name && !CALL_NAMES.has(name) && callee.type === T.Identifier) {
    const imported = resolver.project.get(file)?.resolve(callee)?.import?.imported;
    if (imported && CALL_NAMES.has(imported)) name = imported;
  }
  if (!name || !CALL_NAMES.has(name)) return null;
  if (callee.type === T.MemberExpression) {
    // LlamaIndex `Settings.withLLM(llm, () => createChatEngine())`: what the callback returns.
    if (name.startsWith('with') && /^with(LLM|EmbedModel|CallbackManager)$/.test(name)) {
      const fn = node.arguments[node.arguments.length - 1];
      return fn && isFunctionLike(fn) ? resolver.returnValue(file, fn) : null;
    }
    const object = resolver.evaluate(file, callee.object);
    if (object?.kind === 'model-instance') {
      const target = object.cls.returns?.[name];
      if (target === 'self') return object;
      const cls = target ? frameworkClassById(target) : undefined;
      if (cls) return { ...object, cls };
    }
    if (object?.kind === 'model-class') {
      const target = object.cls.statics?.[name]?.returns ?? (name === 'fromExistingIndex' && object.cls.id === 'langchain-vector-store' ? 'langchain-vector-store' : undefined);
      const cls = target ? (target === object.cls.id ? object.cls : frameworkClassById(target)) : undefined;
      if (cls) return resolver.modelInstance(file, cls, undefined, node.arguments);
    }
    // `client.getOrCreateCollection({ name, embeddingFunction })` (Chroma): a collection embedding with that function.
    if (CHROMA_COLLECTION_METHODS.has(name) && importsFrom(resolver, file, (s) => s === 'chromadb')) return chromaCollection(resolver, file, node);
    // `mastra.getAgent('weather')`: an agent registered with the Mastra instance.
    if ((name === 'getAgent' || name === 'getAgentById') && importsFrom(resolver, file, (s) => s.startsWith('@mastra/'))) {
      return { kind: 'model-instance', cls: MASTRA_AGENT, id: null, maxTokens: null, provider: null };
    }
  }
  const source = importSourceOf(resolver, file, callee);
  if (name === 'genkit' && (source === 'genkit' || source === 'genkit/beta')) return genkitInstance(resolver, file, node);
  // `aisdk(openrouter('…'))` (the OpenAI Agents SDK's adapter): the AI SDK model it wraps.
  if (name === 'aisdk' && source?.startsWith('@openai/agents-extensions') && node.arguments[0]) return resolver.evaluate(file, node.arguments[0]);
  if (source === '@inngest/agent-kit' && /^create(Agent|Network|RoutingAgent)$/.test(name)) return agentKit(resolver, file, node);
  if (source !== null && isLlamaIndexImport(source)) {
    if (name === 'agent' || name === 'multiAgent') return resolver.modelInstance(file, LLAMA_AGENT, node.arguments[0]);
    const cls = LLAMA_FACTORIES[name] ? llamaClassNamed(LLAMA_FACTORIES[name]) : undefined;
    return cls ? resolver.modelInstance(file, cls, node.arguments[0]) : null;
  }
  if (source === null || !isLangchainImport(source)) return null;
  if (name === 'initChatModel') return initChatModel(resolver, file, node);
  return chainAround(resolver, file, node.arguments);
}

/** A Chroma collection made with an embedding function of a provider's: it stands for that function's model. */
function chromaCollection(resolver: Resolver, file: string, node: TSESTree.CallExpression): Value | null {
  const options = node.arguments[0] ? resolver.evaluate(file, node.arguments[0]) : null;
  if (options?.kind !== 'object') return null;
  for (const p of options.node.properties) {
    if (p.type !== T.Property || propertyName(p.key, p.computed) !== 'embeddingFunction') continue;
    const fn = resolver.evaluate(options.file, p.value);
    if (fn?.kind === 'model-instance' && fn.cls.noOutput && fn.provider) return { kind: 'model-instance', cls: CHROMA_COLLECTION, id: fn.id, maxTokens: null, provider: fn.provider };
  }
  return null;
}

/** `new LLMChain({ llm, prompt })`, `new AgentExecutor({ agent, tools })`: a LangChain object around a model. */
export function frameworkValueOfNew(resolver: Resolver, file: string, node: TSESTree.NewExpression, callee: Value | null): Value | null {
  if (callee?.kind === 'mock-model') return callee;
  const source = importSourceOf(resolver, file, node.callee);
  if (source === null || !isLangchainImport(source)) return null;
  return chainAround(resolver, file, node.arguments);
}

/** `Settings.llm` (LlamaIndex), and any other property a framework object holds a model under. */
export function frameworkMember(object: Value, prop: string): Value | null {
  if (object.kind !== 'model-instance' && object.kind !== 'model-class') return null;
  const target = object.cls.props?.[prop];
  const cls = target ? frameworkClassById(target) : undefined;
  return cls ? { kind: 'model-instance', cls, id: null, maxTokens: null, provider: null } : null;
}

/** The AI SDK's test doubles: `new MockLanguageModelV2(…)` from 'ai/test' costs nothing. */
export function frameworkPackageExport(source: string, name: string): Value | null | undefined {
  if (source === 'ai/test') return name.startsWith('Mock') ? { kind: 'mock-model' } : null;
  return undefined;
}

export function isFrameworkImportSource(source: string): boolean {
  return isFrameworkSource(source);
}

/** A chain or agent around the first model among the arguments, their array items and option properties. */
function chainAround(resolver: Resolver, file: string, args: readonly TSESTree.Node[]): Value | null {
  const candidates: TSESTree.Node[] = [];
  for (const a of args) {
    if (a.type === T.ArrayExpression) candidates.push(...a.elements.filter((e): e is TSESTree.Expression => !!e && e.type !== T.SpreadElement));
    else if (a.type === T.ObjectExpression) {
      for (const p of a.properties) {
        if (p.type !== T.Property) continue;
        const key = propertyName(p.key, p.computed);
        if (key === 'model' || key === 'llm') {
          const v = resolver.evaluate(file, p.value);
          if (v?.kind === 'string') return { kind: 'model-instance', cls: LANGCHAIN_CHAIN, id: splitModelString(v.value).id, maxTokens: null, provider: splitModelString(v.value).provider };
        }
        if (key && /^(model|llm|agent|chain|llmChain|combineDocumentsChain|questionGeneratorChain|retriever|vectorStore|combineDocsChain|runnable)$/.test(key)) candidates.push(p.value);
      }
    } else if (a.type !== T.SpreadElement) candidates.push(a);
  }
  let found: Instance | null = null;
  for (const c of candidates) {
    const v = resolver.evaluate(file, c);
    if (v?.kind !== 'model-instance') continue;
    // A chain answers with its model; one built around only a retriever still embeds the query.
    if (!v.cls.noOutput) return { ...v, cls: LANGCHAIN_CHAIN };
    found ??= v;
  }
  return found;
}

/** AgentKit's model adapters (`anthropic({ model })`, `openai({ model })` …), by name. */
const AGENTKIT_ADAPTERS: Record<string, string> = { openai: 'openai', anthropic: 'anthropic', gemini: 'google', grok: 'xai', azureOpenai: 'azure-openai' };

function agentKit(resolver: Resolver, file: string, node: TSESTree.CallExpression): Value {
  let provider: string | null = null;
  let id: string | null = null;
  const options = node.arguments[0] ? resolver.evaluate(file, node.arguments[0]) : null;
  if (options?.kind === 'object') {
    for (const p of options.node.properties) {
      if (p.type !== T.Property || !/^(model|defaultModel)$/.test(propertyName(p.key, p.computed) ?? '') || p.value.type !== T.CallExpression) continue;
      const adapter = p.value;
      const name = adapter.callee.type === T.Identifier ? adapter.callee.name : null;
      provider = name ? (AGENTKIT_ADAPTERS[name] ?? null) : null;
      const arg = adapter.arguments[0] ? resolver.evaluate(options.file, adapter.arguments[0]) : null;
      if (arg?.kind !== 'object') continue;
      for (const q of arg.node.properties) {
        if (q.type !== T.Property || propertyName(q.key, q.computed) !== 'model') continue;
        const v = resolver.evaluate(arg.file, q.value);
        if (v?.kind === 'string') id = v.value;
      }
    }
  }
  return { kind: 'model-instance', cls: AGENTKIT_AGENT, id, maxTokens: null, provider };
}

/** `initChatModel('openai:gpt-4o')`, `initChatModel('gpt-4o', { modelProvider: 'openai' })`. */
function initChatModel(resolver: Resolver, file: string, node: TSESTree.CallExpression): Value {
  const first = node.arguments[0] ? resolver.evaluate(file, node.arguments[0]) : null;
  let { provider, id } = first?.kind === 'string' ? splitModelString(first.value) : { provider: null as string | null, id: null as string | null };
  const options = node.arguments[1] ? resolver.evaluate(file, node.arguments[1]) : null;
  if (options?.kind === 'object') {
    for (const p of options.node.properties) {
      if (p.type !== T.Property || propertyName(p.key, p.computed) !== 'modelProvider') continue;
      const v = resolver.evaluate(options.file, p.value);
      if (v?.kind === 'string') provider = splitModelString(`${v.value}:x`).provider;
    }
  }
  return { kind: 'model-instance', cls: LANGCHAIN_CHAIN, id, maxTokens: null, provider };
}

/** The package the callee's root name is imported from (`RunnableSequence` in `RunnableSequence.from`), or null. */
function importSourceOf(resolver: Resolver, file: string, callee: TSESTree.Node): string | null {
  let root: TSESTree.Node = callee;
  while (root.type === T.MemberExpression) root = root.object;
  if (root.type !== T.Identifier) return null;
  const fi = resolver.project.get(file);
  const binding = fi?.resolve(root);
  if (!binding) return null;
  if (binding.import) return binding.import.source;
  // `const { initializeAgentExecutorWithOptions } = require('langchain/agents')`.
  const init = binding.declarator?.init;
  return init?.type === T.CallExpression ? requireSource(init) : null;
}

function importsFrom(resolver: Resolver, file: string, test: (source: string) => boolean): boolean {
  const fi = resolver.project.get(file);
  return !!fi && fi.moduleRefs().some((r) => test(r.source));
}

/** Genkit's model plugins by the name they are called with (`googleAI()`, `vertexAI()`, `openAI()` …). */
const GENKIT_PLUGINS: Record<string, string> = { googleAI: 'google', vertexAI: 'google', googleGenai: 'google', openAI: 'openai', anthropic: 'anthropic', mistral: 'mistral', groq: 'groq', ollama: 'ollama', awsBedrock: 'bedrock', deepSeek: 'deepseek', xAI: 'xai' };

/** `genkit({ plugins: [googleAI()], model: googleAI.model('gemini-2.5-flash') })`: the provider of its one model plugin, the default model's id where written. */
function genkitInstance(resolver: Resolver, file: string, node: TSESTree.CallExpression): Value {
  const options = node.arguments[0] ? resolver.evaluate(file, node.arguments[0]) : null;
  const providers = new Set<string>();
  let id: string | null = null;
  if (options?.kind === 'object') {
    for (const p of options.node.properties) {
      if (p.type !== T.Property) continue;
      const key = propertyName(p.key, p.computed);
      if (key === 'plugins' && p.value.type === T.ArrayExpression) {
        for (const el of p.value.elements) {
          const callee = el?.type === T.CallExpression ? el.callee : null;
          const plugin = callee?.type === T.Identifier ? GENKIT_PLUGINS[callee.name] : undefined;
          if (plugin) providers.add(plugin);
        }
      } else if (key === 'model' && p.value.type === T.CallExpression && p.value.arguments[0]) {
        const v = resolver.evaluate(options.file, p.value.arguments[0]);
        if (v?.kind === 'string') id = v.value;
      }
    }
  }
  return { kind: 'model-instance', cls: GENKIT, id, maxTokens: null, provider: providers.size === 1 ? [...providers][0] : null };
}
