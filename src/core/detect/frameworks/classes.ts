// Framework classes whose instances call a model: LangChain.js chat models, LLMs, embeddings and
// vector stores; LlamaIndex.TS LLMs, embeddings, indexes and engines; the agents of the AI SDK,
// Mastra, VoltAgent and AgentKit. Data rows, read by the resolver as it reads `new ChatOpenAI(…)`:
// the site of a call is the method call in the repository's own code (`agent.generate(…)`).
import { CHROMA_COLLECTION, CHROMA_OPENAI_EMBEDDING, CHROMA_SOURCES, chromaClassFor } from './chroma';
import type { ModelClass } from '../catalogue';
import type { ProviderName } from './providers';
import { OPENAI_AGENTS_SOURCES, openaiAgentsClass } from './openaiAgents';

type Methods = ModelClass['methods'];

export const CHAT_METHODS: Methods = {
  invoke: { api: 'langchain.invoke' },
  batch: { api: 'langchain.batch' },
  stream: { api: 'langchain.stream', alwaysStreams: true },
  streamEvents: { api: 'langchain.stream', alwaysStreams: true },
  call: { api: 'langchain.invoke' },
  generate: { api: 'langchain.generate' },
  predict: { api: 'langchain.invoke' },
  predictMessages: { api: 'langchain.invoke' },
};
export const EMBEDDING_METHODS: Methods = { embedQuery: { api: 'langchain.embedQuery' }, embedDocuments: { api: 'langchain.embedDocuments' } };

/** Methods of a LangChain model that return a runnable still calling it once per invoke. */
export const LANGCHAIN_RETURNS: Record<string, string> = {
  withStructuredOutput: 'self',
  bindTools: 'self',
  bind: 'self',
  withConfig: 'self',
  withRetry: 'self',
  withFallbacks: 'self',
  withListeners: 'self',
  pipe: 'self',
};

// ---- LangChain.js

/** Where LangChain classes are imported from: the provider packages, community, and the legacy `langchain/…` paths. */
function isLangchainSource(source: string): boolean {
  return source.startsWith('@langchain/') || source.startsWith('langchain/') || source === 'langchain';
}

/** Chat models, completion LLMs and embeddings by class name, with their provider. */
const LANGCHAIN_MODELS: [className: string, provider: ProviderName | null, kind: 'chat' | 'embeddings'][] = [
  ['ChatOpenAI', 'openai', 'chat'],
  ['OpenAI', 'openai', 'chat'],
  ['OpenAIChat', 'openai', 'chat'],
  ['OpenAIEmbeddings', 'openai', 'embeddings'],
  ['AzureChatOpenAI', 'azure-openai', 'chat'],
  ['AzureOpenAI', 'azure-openai', 'chat'],
  ['AzureOpenAIEmbeddings', 'azure-openai', 'embeddings'],
  ['ChatAnthropic', 'anthropic', 'chat'],
  ['ChatAnthropicMessages', 'anthropic', 'chat'],
  ['ChatGoogleGenerativeAI', 'google', 'chat'],
  ['GoogleGenerativeAIEmbeddings', 'google', 'embeddings'],
  ['ChatVertexAI', 'google', 'chat'],
  ['VertexAI', 'google', 'chat'],
  ['VertexAIEmbeddings', 'google', 'embeddings'],
  ['ChatMistralAI', 'mistral', 'chat'],
  ['MistralAI', 'mistral', 'chat'],
  ['MistralAIEmbeddings', 'mistral', 'embeddings'],
  ['ChatGroq', 'groq', 'chat'],
  ['ChatBedrockConverse', 'bedrock', 'chat'],
  ['BedrockChat', 'bedrock', 'chat'],
  ['Bedrock', 'bedrock', 'chat'],
  ['BedrockEmbeddings', 'bedrock', 'embeddings'],
  ['ChatOllama', 'ollama', 'chat'],
  ['Ollama', 'ollama', 'chat'],
  ['OllamaEmbeddings', 'ollama', 'embeddings'],
  ['ChatTogetherAI', 'together', 'chat'],
  ['TogetherAI', 'together', 'chat'],
  ['TogetherAIEmbeddings', 'together', 'embeddings'],
  ['ChatDeepSeek', 'deepseek', 'chat'],
  ['ChatXAI', 'xai', 'chat'],
  ['ChatCohere', 'cohere', 'chat'],
  ['CohereEmbeddings', 'cohere', 'embeddings'],
  ['ChatFireworks', 'fireworks', 'chat'],
  ['FireworksEmbeddings', 'fireworks', 'embeddings'],
  ['ChatPerplexity', 'perplexity', 'chat'],
  ['ChatCerebras', 'cerebras', 'chat'],
  ['ChatOpenRouter', 'openrouter', 'chat'],
];

/** Chains and agents built around a model: invoking one calls the model (an agent, in a loop). */
const LANGCHAIN_RUNNABLE_METHODS: Methods = { ...CHAT_METHODS };

/** A vector store's calls that embed: its documents on the way in, the query on the way out. */
const VECTOR_STORE_METHODS: Methods = {
  addDocuments: { api: 'langchain.embedDocuments' },
  addTexts: { api: 'langchain.embedDocuments' },
  addVectors: { api: 'langchain.embedDocuments' },
  similaritySearch: { api: 'langchain.embedQuery' },
  similaritySearchWithScore: { api: 'langchain.embedQuery' },
  maxMarginalRelevanceSearch: { api: 'langchain.embedQuery' },
};
const VECTOR_STORE_STATICS = {
  fromDocuments: { api: 'langchain.embedDocuments', returns: 'langchain-vector-store' },
  fromTexts: { api: 'langchain.embedDocuments', returns: 'langchain-vector-store' },
};

export const LANGCHAIN_VECTOR_STORE: ModelClass = {
  id: 'langchain-vector-store',
  provider: null,
  source: '@langchain/core/vectorstores',
  className: 'VectorStore',
  methods: VECTOR_STORE_METHODS,
  batchEndpoint: null,
  noOutput: true,
  statics: VECTOR_STORE_STATICS,
  returns: { asRetriever: 'langchain-retriever' },
};

const LANGCHAIN_RETRIEVER: ModelClass = {
  id: 'langchain-retriever',
  provider: null,
  source: '@langchain/core/retrievers',
  className: 'VectorStoreRetriever',
  methods: {
    invoke: { api: 'langchain.embedQuery' },
    getRelevantDocuments: { api: 'langchain.embedQuery' },
    batch: { api: 'langchain.embedQuery' },
    addDocuments: { api: 'langchain.embedDocuments' },
  },
  batchEndpoint: null,
  noOutput: true,
};

/** A chain or agent around a model (`RunnableSequence.from([prompt, model])`, `createAgent({ model })`). */
export const LANGCHAIN_CHAIN: ModelClass = {
  id: 'langchain-chain',
  provider: null,
  source: 'langchain',
  className: 'Runnable',
  methods: LANGCHAIN_RUNNABLE_METHODS,
  batchEndpoint: null,
  returns: LANGCHAIN_RETURNS,
};

const LANGCHAIN_EMBEDDINGS: ModelClass = { id: 'langchain-embeddings', provider: null, source: '@langchain/core/embeddings', className: 'Embeddings', methods: EMBEDDING_METHODS, batchEndpoint: null, noOutput: true };

/** LangChain's base types, as parameters and fields are declared (`private model: BaseChatModel`). */
const LANGCHAIN_TYPES: Record<string, ModelClass> = {
  BaseChatModel: LANGCHAIN_CHAIN,
  BaseLanguageModel: LANGCHAIN_CHAIN,
  BaseLanguageModelInterface: LANGCHAIN_CHAIN,
  BaseChatModelInterface: LANGCHAIN_CHAIN,
  BaseLLM: LANGCHAIN_CHAIN,
  LLM: LANGCHAIN_CHAIN,
  Embeddings: LANGCHAIN_EMBEDDINGS,
  EmbeddingsInterface: LANGCHAIN_EMBEDDINGS,
  VectorStore: LANGCHAIN_VECTOR_STORE,
  VectorStoreInterface: LANGCHAIN_VECTOR_STORE,
  SaveableVectorStore: LANGCHAIN_VECTOR_STORE,
  VectorStoreRetriever: LANGCHAIN_RETRIEVER,
  VectorStoreRetrieverInterface: LANGCHAIN_RETRIEVER,
};

// ---- LlamaIndex.TS

function isLlamaIndexSource(source: string): boolean {
  return source === 'llamaindex' || source.startsWith('llamaindex/') || source.startsWith('@llamaindex/');
}

const LLAMA_LLM_METHODS: Methods = { chat: { api: 'llamaindex.chat' }, complete: { api: 'llamaindex.complete' } };
const LLAMA_EMBEDDING_METHODS: Methods = {
  getTextEmbedding: { api: 'llamaindex.embedding' },
  getTextEmbeddings: { api: 'llamaindex.embedding' },
  getTextEmbeddingsBatch: { api: 'llamaindex.embedding' },
  getQueryEmbedding: { api: 'llamaindex.embedding' },
};

const LLAMA_MODELS: [className: string, provider: ProviderName | null, kind: 'chat' | 'embeddings'][] = [
  ['OpenAI', 'openai', 'chat'],
  ['OpenAIResponses', 'openai', 'chat'],
  ['OpenAIEmbedding', 'openai', 'embeddings'],
  ['AzureOpenAI', 'azure-openai', 'chat'],
  ['Anthropic', 'anthropic', 'chat'],
  ['Gemini', 'google', 'chat'],
  ['GeminiVertexSession', 'google', 'chat'],
  ['GeminiEmbedding', 'google', 'embeddings'],
  ['MistralAI', 'mistral', 'chat'],
  ['MistralAIEmbedding', 'mistral', 'embeddings'],
  ['Groq', 'groq', 'chat'],
  ['TogetherLLM', 'together', 'chat'],
  ['TogetherEmbedding', 'together', 'embeddings'],
  ['DeepSeekLLM', 'deepseek', 'chat'],
  ['Perplexity', 'perplexity', 'chat'],
  ['FireworksLLM', 'fireworks', 'chat'],
  ['FireworksEmbedding', 'fireworks', 'embeddings'],
  ['Ollama', 'ollama', 'chat'],
  ['OllamaEmbedding', 'ollama', 'embeddings'],
  ['Bedrock', 'bedrock', 'chat'],
  ['XAILLM', 'xai', 'chat'],
];

const LLAMA_QUERY_ENGINE: ModelClass = {
  id: 'llamaindex-query-engine',
  provider: null,
  source: 'llamaindex',
  className: 'QueryEngine',
  methods: { query: { api: 'llamaindex.query' } },
  batchEndpoint: null,
};
const LLAMA_CHAT_ENGINE: ModelClass = {
  id: 'llamaindex-chat-engine',
  provider: null,
  source: 'llamaindex',
  className: 'ChatEngine',
  methods: { chat: { api: 'llamaindex.chat' } },
  batchEndpoint: null,
};
const LLAMA_RETRIEVER: ModelClass = {
  id: 'llamaindex-retriever',
  provider: null,
  source: 'llamaindex',
  className: 'Retriever',
  methods: { retrieve: { api: 'llamaindex.embedding' } },
  batchEndpoint: null,
  noOutput: true,
};
const LLAMA_INDEX_RETURNS = { asQueryEngine: 'llamaindex-query-engine', asChatEngine: 'llamaindex-chat-engine', asRetriever: 'llamaindex-retriever' };
const LLAMA_INDEX: ModelClass = {
  id: 'llamaindex-index',
  provider: null,
  source: 'llamaindex',
  className: 'VectorStoreIndex',
  methods: { insert: { api: 'llamaindex.embedding' }, insertNodes: { api: 'llamaindex.embedding' } },
  batchEndpoint: null,
  noOutput: true,
  statics: { fromDocuments: { api: 'llamaindex.embedding', returns: 'llamaindex-index' } },
  returns: LLAMA_INDEX_RETURNS,
};
const LLAMA_SETTINGS: ModelClass = {
  id: 'llamaindex-settings',
  provider: null,
  source: 'llamaindex',
  className: 'Settings',
  methods: {},
  batchEndpoint: null,
  props: { llm: 'llamaindex-llm', embedModel: 'llamaindex-embedding' },
};
const LLAMA_SOME_LLM: ModelClass = { id: 'llamaindex-llm', provider: null, source: 'llamaindex', className: 'LLM', methods: LLAMA_LLM_METHODS, batchEndpoint: null };
const LLAMA_SOME_EMBEDDING: ModelClass = { id: 'llamaindex-embedding', provider: null, source: 'llamaindex', className: 'BaseEmbedding', methods: LLAMA_EMBEDDING_METHODS, batchEndpoint: null, noOutput: true };
/** Node extractors that ask the LLM once per node (`new SummaryExtractor()`.processNodes(nodes)). */
const LLAMA_EXTRACTORS = ['SummaryExtractor', 'TitleExtractor', 'KeywordExtractor', 'QuestionsAnsweredExtractor'].map(
  (className): ModelClass => ({ provider: null, source: 'llamaindex', className, methods: { processNodes: { api: 'llamaindex.complete' }, extract: { api: 'llamaindex.complete' } }, batchEndpoint: null, modelOption: 'llm' }),
);
const LLAMA_ENGINES = [
  ['ContextChatEngine', 'chat'],
  ['SimpleChatEngine', 'chat'],
  ['CondenseQuestionChatEngine', 'chat'],
  ['RetrieverQueryEngine', 'query'],
].map(([className, method]): ModelClass => ({ provider: null, source: 'llamaindex', className, methods: { [method]: { api: `llamaindex.${method}` } }, batchEndpoint: null, modelOption: 'llm' }));

// ---- Agents: the AI SDK's, Mastra's, VoltAgent's. The provider and model are the `model` option's.

const AGENT_ROWS: [sources: string[], classNames: string[], methods: Methods][] = [
  [['ai'], ['Agent', 'Experimental_Agent', 'ToolLoopAgent'], { generate: { api: 'ai-sdk.generateText' }, stream: { api: 'ai-sdk.streamText', alwaysStreams: true } }],
  [
    ['@mastra/core', '@mastra/core/agent'],
    ['Agent'],
    {
      generate: { api: 'mastra.generate' },
      stream: { api: 'mastra.stream', alwaysStreams: true },
      generateVNext: { api: 'mastra.generate' },
      streamVNext: { api: 'mastra.stream', alwaysStreams: true },
      generateLegacy: { api: 'mastra.generate' },
      streamLegacy: { api: 'mastra.stream', alwaysStreams: true },
    },
  ],
  [
    ['@voltagent/core'],
    ['Agent'],
    {
      generateText: { api: 'voltagent.generateText' },
      streamText: { api: 'voltagent.streamText', alwaysStreams: true },
      generateObject: { api: 'voltagent.generateObject' },
      streamObject: { api: 'voltagent.streamObject', alwaysStreams: true },
    },
  ],
];

/** A Mastra agent fetched from the Mastra instance (`mastra.getAgent('name')`): its model is not read here. */
export const MASTRA_AGENT: ModelClass = { id: 'mastra-agent', provider: null, source: '@mastra/core/agent', className: 'Agent', methods: AGENT_ROWS[1][2], batchEndpoint: null, modelOption: 'model' };

/** An AgentKit agent or network (`createAgent({ model })`, `createNetwork({ agents, defaultModel })`): `run` loops over the model. */
export const AGENTKIT_AGENT: ModelClass = { id: 'agentkit-agent', provider: null, source: '@inngest/agent-kit', className: 'Agent', methods: { run: { api: 'agentkit.run' } }, batchEndpoint: null };

/**
 * Genkit (`const ai = genkit({ plugins, model })`, a field typed `Genkit`): `ai.generate` / `generateStream`
 * call a model, `ai.embed` / `embedMany` an embedder. The provider is the plugin's (read where the instance is made).
 */
export const GENKIT: ModelClass = {
  id: 'genkit',
  provider: null,
  source: 'genkit',
  className: 'Genkit',
  methods: {
    generate: { api: 'genkit.generate' },
    generateStream: { api: 'genkit.generate', alwaysStreams: true },
    embed: { api: 'genkit.embed', noOutput: true },
    embedMany: { api: 'genkit.embed', noOutput: true },
  },
  batchEndpoint: null,
};

/** LlamaIndex's lower-case factories (`gemini({ model })` from '@llamaindex/google') and the class each builds. */
export const LLAMA_FACTORIES: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  gemini: 'Gemini',
  mistral: 'MistralAI',
  groq: 'Groq',
  deepseek: 'DeepSeekLLM',
  together: 'TogetherLLM',
  perplexity: 'Perplexity',
  ollama: 'Ollama',
  fireworks: 'FireworksLLM',
};

/** A LlamaIndex workflow agent (`agent({ llm, tools })` from '@llamaindex/workflow'): `run` loops over the LLM. */
export const LLAMA_AGENT: ModelClass = { id: 'llamaindex-agent', provider: null, source: '@llamaindex/workflow', className: 'AgentWorkflow', methods: { run: { api: 'llamaindex.agent' } }, batchEndpoint: null, modelOption: 'llm' };

export function llamaClassNamed(className: string): ModelClass | undefined {
  return LLAMA_CLASSES.find((c) => c.className === className);
}

// ---- the rows

function modelRows(sources: (s: string) => boolean, source: string, rows: typeof LANGCHAIN_MODELS, chat: Methods, embeddings: Methods, returns?: Record<string, string>): ModelClass[] {
  void sources;
  return rows.map(([className, provider, kind]) => ({
    provider,
    source,
    className,
    methods: kind === 'chat' ? chat : embeddings,
    batchEndpoint: null,
    ...(kind === 'embeddings' ? { noOutput: true } : { returns }),
  }));
}

const LANGCHAIN_CLASSES = modelRows(isLangchainSource, '@langchain/*', LANGCHAIN_MODELS, CHAT_METHODS, EMBEDDING_METHODS, LANGCHAIN_RETURNS);
const LLAMA_CLASSES = [
  ...modelRows(isLlamaIndexSource, 'llamaindex', LLAMA_MODELS, LLAMA_LLM_METHODS, LLAMA_EMBEDDING_METHODS),
  { ...LLAMA_INDEX },
  LLAMA_SETTINGS,
  ...LLAMA_EXTRACTORS,
  ...LLAMA_ENGINES,
];
const AGENT_CLASSES: ModelClass[] = AGENT_ROWS.flatMap(([sources, names, methods]) =>
  sources.flatMap((source) => names.map((className): ModelClass => ({ provider: null, source, className, methods, batchEndpoint: null, modelOption: 'model' }))),
);

/** Classes reached only through other objects (`index.asQueryEngine()`), by id. */
const INNER_CLASSES: ModelClass[] = [GENKIT, LLAMA_AGENT, AGENTKIT_AGENT, LANGCHAIN_VECTOR_STORE, LANGCHAIN_RETRIEVER, LANGCHAIN_CHAIN, LLAMA_QUERY_ENGINE, LLAMA_CHAT_ENGINE, LLAMA_RETRIEVER, LLAMA_INDEX, LLAMA_SOME_LLM, LLAMA_SOME_EMBEDDING, MASTRA_AGENT, CHROMA_OPENAI_EMBEDDING, CHROMA_COLLECTION];

export const FRAMEWORK_CLASSES: ModelClass[] = [...LANGCHAIN_CLASSES, ...LLAMA_CLASSES, ...AGENT_CLASSES, ...INNER_CLASSES];

export function frameworkClassById(id: string): ModelClass | undefined {
  return INNER_CLASSES.find((c) => c.id === id);
}

/** The framework class `name` imported from `source`, if it is one. */
export function frameworkClassFor(source: string, name: string): ModelClass | undefined {
  if (isLangchainSource(source)) {
    const cls = LANGCHAIN_CLASSES.find((c) => c.className === name);
    if (cls) return cls;
    const base = LANGCHAIN_TYPES[name];
    if (base) return base;
    // Any vector store class (`PineconeStore`, `MemoryVectorStore`, `LanceDB`, `Chroma` …): its
    // `fromDocuments(docs, embeddings)` embeds; instances are built around the embeddings they call.
    if (/vectorstores|^@langchain\/(pinecone|qdrant|mongodb|weaviate|redis|azure-cosmosdb|azure-aisearch|exa|cloudflare|mistralai)$/.test(source) || /(VectorStore|Store|VectorSearch|^LanceDB|^Chroma|^HNSWLib)$/.test(name)) {
      return { ...LANGCHAIN_VECTOR_STORE, className: name, source };
    }
    return undefined;
  }
  if (isLlamaIndexSource(source)) return LLAMA_CLASSES.find((c) => c.className === name) ?? INNER_CLASSES.find((c) => c.source === 'llamaindex' && c.className === name);
  if ((source === 'genkit' || source === 'genkit/beta') && name === 'Genkit') return GENKIT;
  return AGENT_CLASSES.find((c) => c.source === source && c.className === name) ?? openaiAgentsClass(source, name) ?? chromaClassFor(source, name);
}

/** Does this import source hold framework classes (so that it is a package, never a project file)? */
export function isFrameworkSource(source: string): boolean {
  return isLangchainSource(source) || isLlamaIndexSource(source) || OPENAI_AGENTS_SOURCES.includes(source) || CHROMA_SOURCES.includes(source) || source === 'genkit' || source === 'genkit/beta' || AGENT_CLASSES.some((c) => c.source === source && c.source !== 'ai');
}

/** Text a file importing a framework holds (the cheap pre-filter before parsing). */
export const FRAMEWORK_TEXT_MARKERS = ['@langchain/', 'langchain/', 'llamaindex', '@llamaindex/', '@mastra/', '@voltagent/', '@ai-sdk/', 'ai-sdk-provider', 'workers-ai-provider', '@openai/agents', "from 'genkit'", 'from "genkit"', 'OpenAIEmbeddingFunction'];

/** Functions of a framework that build a chain or agent around a model (`createAgent({ model })`, `RunnableSequence.from([…])`). */
export const CHAIN_BUILDERS = new Set([
  'createAgent',
  'createNetwork',
  'createRoutingAgent',
  'createReactAgent',
  'createToolCallingAgent',
  'createOpenAIToolsAgent',
  'createOpenAIFunctionsAgent',
  'createStructuredChatAgent',
  'createStuffDocumentsChain',
  'createRetrievalChain',
  'createHistoryAwareRetriever',
  'loadQAStuffChain',
  'loadQAMapReduceChain',
  'loadSummarizationChain',
  'from',
  'fromLLM',
  'fromLLMAndRetrievers',
  'fromAgentAndTools',
  'initializeAgentExecutorWithOptions',
  'initializeAgentExecutor',
]);

export function isLangchainImport(source: string): boolean {
  return isLangchainSource(source);
}

export function isLlamaIndexImport(source: string): boolean {
  return isLlamaIndexSource(source);
}
