// The SDK catalogue: which imports create which client, and which member chains on a client are
// which API. Adding an SDK or an API is a row here plus fixtures, not new code.
import type { Provider } from '../model';
import { AI_SDK_PROVIDER_MODULES, ProviderName, providerNamed, siteProvider } from './frameworks/providers';
import { CHAT_METHODS, EMBEDDING_METHODS, FRAMEWORK_CLASSES, frameworkClassFor, FRAMEWORK_TEXT_MARKERS, isFrameworkSource, LANGCHAIN_RETURNS } from './frameworks/classes';

export interface ClientModule {
  provider: Provider;
  /** Import source as written in `import ... from '<source>'` or `require('<source>')`. */
  source: string;
  /** Exports that are client classes; 'default' for the default export. */
  classExports: string[];
}

export interface CallShape {
  provider: Provider;
  /** Member chain after the client, ending in the method: ['chat', 'completions', 'create']. */
  chain: string[];
  api: string;
  batchEndpoint: string | null;
  /** The method always streams (`.stream()`), regardless of arguments. */
  alwaysStreams?: boolean;
  /** Request properties holding prompt text, in the order they are read. */
  promptProps: string[];
  /** Request properties capping output tokens. */
  maxTokensProps: string[];
  /** This API produces no output tokens (embeddings, moderations). */
  noOutput?: boolean;
  /** The model the API uses when the request names none. */
  defaultModel?: string;
}

export const CLIENT_MODULES: ClientModule[] = [
  { provider: 'openai', source: 'openai', classExports: ['default', 'OpenAI', 'AzureOpenAI'] },
  { provider: 'anthropic', source: '@anthropic-ai/sdk', classExports: ['default', 'Anthropic'] },
];

export const CALL_SHAPES: CallShape[] = [
  {
    provider: 'openai',
    chain: ['chat', 'completions', 'create'],
    api: 'chat.completions',
    batchEndpoint: '/v1/chat/completions',
    promptProps: ['messages'],
    maxTokensProps: ['max_completion_tokens', 'max_tokens'],
  },
  {
    provider: 'openai',
    chain: ['chat', 'completions', 'stream'],
    api: 'chat.completions',
    batchEndpoint: '/v1/chat/completions',
    alwaysStreams: true,
    promptProps: ['messages'],
    maxTokensProps: ['max_completion_tokens', 'max_tokens'],
  },
  {
    provider: 'openai',
    chain: ['responses', 'create'],
    api: 'responses',
    batchEndpoint: '/v1/responses',
    promptProps: ['instructions', 'input'],
    maxTokensProps: ['max_output_tokens'],
  },
  {
    provider: 'openai',
    chain: ['responses', 'stream'],
    api: 'responses',
    batchEndpoint: '/v1/responses',
    alwaysStreams: true,
    promptProps: ['instructions', 'input'],
    maxTokensProps: ['max_output_tokens'],
  },
  {
    provider: 'openai',
    chain: ['embeddings', 'create'],
    api: 'embeddings',
    batchEndpoint: '/v1/embeddings',
    promptProps: ['input'],
    maxTokensProps: [],
    noOutput: true,
  },
  {
    // Moderation is free; its batch endpoint exists for throughput, not savings.
    provider: 'openai',
    chain: ['moderations', 'create'],
    api: 'moderations',
    batchEndpoint: '/v1/moderations',
    promptProps: ['input'],
    maxTokensProps: [],
    noOutput: true,
    defaultModel: 'omni-moderation-latest',
  },
  {
    // The legacy Completions API (gpt-3.5-turbo-instruct, davinci-002, babbage-002); the Batch API takes it.
    provider: 'openai',
    chain: ['completions', 'create'],
    api: 'completions',
    batchEndpoint: '/v1/completions',
    promptProps: ['prompt'],
    maxTokensProps: ['max_tokens'],
  },
  {
    provider: 'anthropic',
    chain: ['messages', 'create'],
    api: 'messages',
    batchEndpoint: 'messages.batches',
    promptProps: ['system', 'messages'],
    maxTokensProps: ['max_tokens'],
  },
  {
    provider: 'anthropic',
    chain: ['messages', 'stream'],
    api: 'messages',
    batchEndpoint: 'messages.batches',
    alwaysStreams: true,
    promptProps: ['system', 'messages'],
    maxTokensProps: ['max_tokens'],
  },
];

// ---- wrappers: the Vercel AI SDK. Its functions (`generateText({ model: openai('gpt-4o'), … })`) call
// the providers' APIs; the provider and the model are read off the `model` property.

/** A provider package of the AI SDK: `openai` / `anthropic` instances, and `createOpenAI()`-style factories. */
export interface ModelProviderModule {
  /** Null where the model id names the provider (the gateway). */
  provider: ProviderName | null;
  source: string;
  instances: string[];
  creators: string[];
}

export const MODEL_PROVIDER_MODULES: ModelProviderModule[] = [
  { provider: 'openai', source: '@ai-sdk/openai', instances: ['openai'], creators: ['createOpenAI'] },
  { provider: 'anthropic', source: '@ai-sdk/anthropic', instances: ['anthropic'], creators: ['createAnthropic'] },
  ...AI_SDK_PROVIDER_MODULES,
];

/** Methods of a provider instance that return a model, as the instance itself does when called. */
export const MODEL_METHODS = ['chat', 'responses', 'completion', 'languageModel', 'messages', 'embedding', 'textEmbedding', 'textEmbeddingModel', 'embeddingModel', 'image', 'imageModel'];

export interface WrapperCall {
  /** The module exporting the function. */
  source: string;
  fn: string;
  api: string;
  /** The batch endpoint per provider, where the provider has one for this kind of call. */
  batchEndpoints: Partial<Record<ProviderName, string>>;
  alwaysStreams?: boolean;
  promptProps: string[];
  maxTokensProps: string[];
  noOutput?: boolean;
}

const TEXT_ENDPOINTS = { openai: '/v1/responses', anthropic: 'messages.batches' };
const TEXT_PROMPT = ['system', 'prompt', 'messages'];
const TEXT_LIMITS = ['maxOutputTokens', 'maxTokens'];

const IMAGE_LIMITS: string[] = [];

export const WRAPPER_CALLS: WrapperCall[] = [
  { source: 'ai', fn: 'generateImage', api: 'ai-sdk.generateImage', batchEndpoints: {}, promptProps: ['prompt'], maxTokensProps: IMAGE_LIMITS },
  { source: 'ai', fn: 'experimental_generateImage', api: 'ai-sdk.generateImage', batchEndpoints: {}, promptProps: ['prompt'], maxTokensProps: IMAGE_LIMITS },
  { source: 'ai', fn: 'generateText', api: 'ai-sdk.generateText', batchEndpoints: TEXT_ENDPOINTS, promptProps: TEXT_PROMPT, maxTokensProps: TEXT_LIMITS },
  { source: 'ai', fn: 'generateObject', api: 'ai-sdk.generateObject', batchEndpoints: TEXT_ENDPOINTS, promptProps: TEXT_PROMPT, maxTokensProps: TEXT_LIMITS },
  { source: 'ai', fn: 'streamText', api: 'ai-sdk.streamText', batchEndpoints: TEXT_ENDPOINTS, alwaysStreams: true, promptProps: TEXT_PROMPT, maxTokensProps: TEXT_LIMITS },
  { source: 'ai', fn: 'streamObject', api: 'ai-sdk.streamObject', batchEndpoints: TEXT_ENDPOINTS, alwaysStreams: true, promptProps: TEXT_PROMPT, maxTokensProps: TEXT_LIMITS },
  { source: 'ai', fn: 'embed', api: 'ai-sdk.embed', batchEndpoints: { openai: '/v1/embeddings' }, promptProps: ['value'], maxTokensProps: [], noOutput: true },
  { source: 'ai', fn: 'embedMany', api: 'ai-sdk.embedMany', batchEndpoints: { openai: '/v1/embeddings' }, promptProps: ['values'], maxTokensProps: [], noOutput: true },
];

export const WRAPPER_SOURCES = [...new Set(WRAPPER_CALLS.map((w) => w.source))];
export const WRAPPER_FUNCTIONS = new Set(WRAPPER_CALLS.map((w) => w.fn));

/** The call shape of a wrapper call on a provider (null: not read from code). */
export function wrapperShape(call: WrapperCall, provider: ProviderName | null): CallShape {
  const { api, alwaysStreams, promptProps, maxTokensProps, noOutput } = call;
  const batchEndpoint = provider !== null && providerNamed(provider) ? (call.batchEndpoints[provider] ?? null) : null;
  return { provider: siteProvider(provider), chain: [], api, batchEndpoint, alwaysStreams, promptProps, maxTokensProps, noOutput };
}

export function wrapperCallFor(source: string, fn: string): WrapperCall | undefined {
  return WRAPPER_CALLS.find((w) => w.source === source && w.fn === fn);
}

export function modelProviderModuleFor(source: string): ModelProviderModule | undefined {
  return MODEL_PROVIDER_MODULES.find((m) => m.source === source);
}

/** The model an API uses when the request names none (moderations), or null. */
export function defaultModelFor(api: string): string | null {
  return CALL_SHAPES.find((s) => s.api === api && s.defaultModel)?.defaultModel ?? null;
}

/** APIs whose calls produce no output tokens (embeddings), wrapped or not. */
export function producesNoOutput(api: string): boolean {
  return (
    CALL_SHAPES.some((s) => s.api === api && s.noOutput) ||
    WRAPPER_CALLS.some((w) => w.api === api && w.noOutput) ||
    ALL_CLASSES.some((c) => c.noOutput && [...Object.values(c.methods), ...Object.values(c.statics ?? {})].some((m) => m.api === api))
  );
}

// ---- wrappers: LangChain's provider models. `new ChatOpenAI({ model })` holds the model; its
// `invoke(input)` / `stream(input)` / `batch(inputs)` (and an embeddings class's `embedQuery` /
// `embedDocuments`) take the prompt as their first argument.

export interface ModelClass {
  /** Null where the instance's options name it (an agent's `model`, a vector store's embeddings). */
  provider: ProviderName | null;
  source: string;
  className: string;
  /** Methods that call the API, and how. */
  methods: Record<string, { api: string; alwaysStreams?: boolean }>;
  /** The batch endpoint on its own provider, or null where it has none (or the provider is read per instance). */
  batchEndpoint: string | null;
  noOutput?: boolean;
  /** Static methods that call the API (`PineconeStore.fromDocuments(docs, embeddings)`), and what they return. */
  statics?: Record<string, { api: string; returns?: string }>;
  /** Methods returning another object that calls the API: 'self' (`withStructuredOutput`) or a class id (`asQueryEngine`). */
  returns?: Record<string, string>;
  /** Properties holding objects that call the API (LlamaIndex `Settings.llm`), by class id. */
  props?: Record<string, string>;
  /** Read the provider and model off the options' property of this name (an agent's `model`), not the class. */
  modelOption?: string;
  /** Id of a class that is not an import of its own (a LangChain vector store's retriever). */
  id?: string;
}


export const MODEL_CLASSES: ModelClass[] = [
  { provider: 'openai', source: '@langchain/openai', className: 'ChatOpenAI', methods: CHAT_METHODS, batchEndpoint: '/v1/chat/completions', returns: LANGCHAIN_RETURNS },
  { provider: 'openai', source: '@langchain/openai', className: 'OpenAIEmbeddings', methods: EMBEDDING_METHODS, batchEndpoint: '/v1/embeddings', noOutput: true },
  { provider: 'anthropic', source: '@langchain/anthropic', className: 'ChatAnthropic', methods: CHAT_METHODS, batchEndpoint: 'messages.batches', returns: LANGCHAIN_RETURNS },
];

/** The framework rows (LangChain's other classes, LlamaIndex, agents) after the hand-written ones. */
const ALL_CLASSES = [...MODEL_CLASSES, ...FRAMEWORK_CLASSES];

export const MODEL_CLASS_METHOD_NAMES = new Set(ALL_CLASSES.flatMap((c) => [...Object.keys(c.methods), ...Object.keys(c.statics ?? {})]));

export function modelClassFor(source: string, name: string): ModelClass | undefined {
  return MODEL_CLASSES.find((c) => c.source === source && c.className === name) ?? frameworkClassFor(source, name);
}

/** Does this import source hold model classes (so that it is a package, never a project file)? */
export function isModelClassSource(source: string): boolean {
  return MODEL_CLASSES.some((c) => c.source === source) || isFrameworkSource(source);
}

/** The call shape of a model method (or a static such as `fromDocuments`) on a provider (null: not read from code). */
export function modelClassShape(cls: ModelClass, method: string, provider: ProviderName | null, isStatic = false): CallShape | null {
  const m = isStatic ? cls.statics?.[method] : cls.methods[method];
  if (!m) return null;
  const alwaysStreams = 'alwaysStreams' in m ? m.alwaysStreams : undefined;
  const batchEndpoint = provider !== null && providerNamed(provider) ? (provider === cls.provider && cls.batchEndpoint ? cls.batchEndpoint : defaultBatchEndpoint(provider, !!cls.noOutput)) : null;
  return { provider: siteProvider(provider), chain: [], api: m.api, batchEndpoint, alwaysStreams, promptProps: [], maxTokensProps: [], noOutput: cls.noOutput };
}

/** The batch endpoint a framework's chat or embedding call maps to on a provider, where there is one. */
function defaultBatchEndpoint(provider: ProviderName, embeddings: boolean): string | null {
  if (provider === 'openai') return embeddings ? '/v1/embeddings' : '/v1/chat/completions';
  if (provider === 'anthropic') return embeddings ? null : 'messages.batches';
  return null;
}

export function clientModuleFor(source: string): ClientModule | undefined {
  return CLIENT_MODULES.find((m) => m.source === source);
}

/** Cheap text test: could this file mention an SDK at all? */
export const SDK_TEXT_MARKERS = [
  ...CLIENT_MODULES.map((m) => m.source),
  ...MODEL_PROVIDER_MODULES.map((m) => m.source),
  ...new Set(MODEL_CLASSES.map((c) => c.source)),
  ...WRAPPER_SOURCES.flatMap((s) => [`'${s}'`, `"${s}"`]),
  ...FRAMEWORK_TEXT_MARKERS,
];
