// The SDK catalogue: which imports create which client, and which member chains on a client are
// which API. Adding an SDK or an API is a row here plus fixtures, not new code.
import type { Provider } from '../model';
import { PROVIDER_INFO } from './providers';

/**
 * The request format a client speaks. One SDK can reach many providers (the OpenAI SDK with another
 * `baseURL` talks to Groq, Together, OpenRouter …): call shapes are keyed by dialect, and the
 * provider of a call is the client's.
 */
export type Dialect = 'openai' | 'anthropic' | 'google' | 'google-legacy' | 'mistral' | 'bedrock' | 'azure-legacy' | 'cohere' | 'ollama' | 'chatgpt';
import { AI_SDK_PROVIDER_MODULES, ProviderName, providerNamed, siteProvider } from './frameworks/providers';
import { CHAT_METHODS, EMBEDDING_METHODS, FRAMEWORK_CLASSES, frameworkClassFor, FRAMEWORK_TEXT_MARKERS, isFrameworkSource, LANGCHAIN_RETURNS } from './frameworks/classes';

export interface ClientModule {
  dialect: Dialect;
  provider: Provider;
  /** Import source as written in `import ... from '<source>'` or `require('<source>')`. */
  source: string;
  /** Exports that are client classes; 'default' for the default export. */
  classExports: string[];
  /** Classes of the module that are another provider's client (`AzureOpenAI` in 'openai'). */
  classProviders?: Record<string, Provider>;
  /** Exports that are ready-made clients (`import ollama from 'ollama'`). */
  instanceExports?: string[];
  /** The client reads a `baseURL` / API key option that may point it at another provider (the OpenAI SDK). */
  followsBaseUrl?: boolean;
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
  /** The request property naming the model, when not `model` (Bedrock's `modelId`). */
  modelProp?: string;
  /** The prompt is this positional argument itself, not a request object (`model.generateContent('…')`). */
  promptArgument?: number;
  /** The model (an Azure deployment) is this positional argument. */
  modelArgument?: number;
  /** The batch helper the rewrite runs this call through, where Batchwise has one (OpenAI, Anthropic). */
  batchHelper?: string;
}

/** A call shape of an SDK: keyed by the dialect of the client it is called on. */
export type SdkCallShape = Omit<CallShape, 'provider'> & { dialect: Dialect };

export const CLIENT_MODULES: ClientModule[] = [
  { dialect: 'openai', provider: 'openai', source: 'openai', classExports: ['default', 'OpenAI', 'AzureOpenAI', 'OpenAIApi'], classProviders: { AzureOpenAI: 'azure-openai' }, followsBaseUrl: true },
  // The v3 SDK's edge-runtime twin (`new OpenAIApi(configuration)`).
  { dialect: 'openai', provider: 'openai', source: 'openai-edge', classExports: ['OpenAIApi'] },
  // token.js (and its fork fluency.js): one OpenAI-shaped client over many providers, chosen per request.
  { dialect: 'openai', provider: 'other-openai-compatible', source: 'token.js', classExports: ['TokenJS', 'default'] },
  { dialect: 'openai', provider: 'other-openai-compatible', source: 'fluency.js', classExports: ['TokenJS', 'default'] },
  { dialect: 'anthropic', provider: 'anthropic', source: '@anthropic-ai/sdk', classExports: ['default', 'Anthropic'] },
  { dialect: 'openai', provider: 'groq', source: 'groq-sdk', classExports: ['default', 'Groq'] },
  { dialect: 'openai', provider: 'together', source: 'together-ai', classExports: ['default', 'Together'] },
  { dialect: 'google', provider: 'google', source: '@google/genai', classExports: ['GoogleGenAI'] },
  // A model handle typed as the SDK's own class (`model: GenerativeModel`) is a client of its own.
  { dialect: 'google-legacy', provider: 'google', source: '@google/generative-ai', classExports: ['GoogleGenerativeAI', 'GenerativeModel', 'ChatSession'] },
  { dialect: 'google-legacy', provider: 'google', source: '@google-cloud/vertexai', classExports: ['VertexAI'] },
  { dialect: 'mistral', provider: 'mistral', source: '@mistralai/mistralai', classExports: ['default', 'Mistral', 'MistralClient'] },
  { dialect: 'bedrock', provider: 'bedrock', source: '@aws-sdk/client-bedrock-runtime', classExports: ['BedrockRuntimeClient', 'BedrockRuntime'] },
  // Bedrock Agents, Knowledge Bases, Flows and prompt optimisation: each command runs a model (or several).
  { dialect: 'bedrock', provider: 'bedrock', source: '@aws-sdk/client-bedrock-agent-runtime', classExports: ['BedrockAgentRuntimeClient', 'BedrockAgentRuntime'] },
  { dialect: 'azure-legacy', provider: 'azure-openai', source: '@azure/openai', classExports: ['OpenAIClient'] },
  { dialect: 'cohere', provider: 'cohere', source: 'cohere-ai', classExports: ['CohereClient', 'CohereClientV2'] },
  // The `chatgpt` package's ChatGPTAPI (`api.sendMessage(text, opts)`) calls OpenAI's Chat Completions; its
  // ChatGPTUnofficialProxyAPI goes through a ChatGPT web proxy, not the paid API, and is left out.
  { dialect: 'chatgpt', provider: 'openai', source: 'chatgpt', classExports: ['ChatGPTAPI'] },
  { dialect: 'ollama', provider: 'ollama', source: 'ollama', classExports: ['Ollama'], instanceExports: ['default'] },
  { dialect: 'ollama', provider: 'ollama', source: 'ollama/browser', classExports: ['Ollama'], instanceExports: ['default'] },
];

const OPENAI_CHAT = { api: 'chat.completions', batchEndpoint: '/v1/chat/completions', promptProps: ['messages'], maxTokensProps: ['max_completion_tokens', 'max_tokens'] };
const OPENAI_RESPONSES = { api: 'responses', batchEndpoint: '/v1/responses', promptProps: ['instructions', 'input'], maxTokensProps: ['max_output_tokens'] };
const ANTHROPIC_MESSAGES = { api: 'messages', batchEndpoint: 'messages.batches', promptProps: ['system', 'messages'], maxTokensProps: ['max_tokens'] };
const GEMINI_CONTENT = { api: 'generateContent', batchEndpoint: 'batches', promptProps: ['contents'], maxTokensProps: [] };
const MISTRAL_CHAT = { api: 'chat.completions', batchEndpoint: '/v1/chat/completions', promptProps: ['messages'], maxTokensProps: ['maxTokens', 'max_tokens'] };
const BEDROCK_CONVERSE = { api: 'converse', batchEndpoint: 'model-invocation-job', promptProps: ['system', 'messages'], maxTokensProps: [], modelProp: 'modelId' };
const BEDROCK_INVOKE = { api: 'invoke-model', batchEndpoint: 'model-invocation-job', promptProps: ['body'], maxTokensProps: [], modelProp: 'modelId' };
const BEDROCK_AGENT = { batchEndpoint: null, maxTokensProps: [] as string[] };
const AZURE_CHAT = { api: 'chat.completions', batchEndpoint: '/v1/chat/completions', promptProps: [], maxTokensProps: [], promptArgument: 1, modelArgument: 0 };
const OLLAMA_CHAT = { api: 'chat', batchEndpoint: null, promptProps: ['messages', 'prompt', 'system'], maxTokensProps: [] };

export const CALL_SHAPES: SdkCallShape[] = [
  { dialect: 'openai', chain: ['chat', 'completions', 'create'], ...OPENAI_CHAT, batchHelper: 'runChatCompletionsBatch' },
  { dialect: 'openai', chain: ['chat', 'completions', 'stream'], ...OPENAI_CHAT, alwaysStreams: true },
  { dialect: 'openai', chain: ['chat', 'completions', 'parse'], ...OPENAI_CHAT },
  { dialect: 'openai', chain: ['chat', 'completions', 'runTools'], ...OPENAI_CHAT },
  { dialect: 'openai', chain: ['beta', 'chat', 'completions', 'parse'], ...OPENAI_CHAT },
  { dialect: 'openai', chain: ['beta', 'chat', 'completions', 'stream'], ...OPENAI_CHAT, alwaysStreams: true },
  { dialect: 'openai', chain: ['beta', 'chat', 'completions', 'runTools'], ...OPENAI_CHAT },
  { dialect: 'openai', chain: ['responses', 'create'], ...OPENAI_RESPONSES, batchHelper: 'runResponsesBatch' },
  { dialect: 'openai', chain: ['responses', 'stream'], ...OPENAI_RESPONSES, alwaysStreams: true },
  { dialect: 'openai', chain: ['responses', 'parse'], ...OPENAI_RESPONSES },
  { dialect: 'openai', chain: ['embeddings', 'create'], api: 'embeddings', batchEndpoint: '/v1/embeddings', promptProps: ['input'], maxTokensProps: [], noOutput: true, batchHelper: 'runEmbeddingsBatch' },
  // Moderation is free; its batch endpoint exists for throughput, not savings.
  { dialect: 'openai', chain: ['moderations', 'create'], api: 'moderations', batchEndpoint: '/v1/moderations', promptProps: ['input'], maxTokensProps: [], noOutput: true, defaultModel: 'omni-moderation-latest', batchHelper: 'runModerationsBatch' },
  // The legacy Completions API (gpt-3.5-turbo-instruct, davinci-002, babbage-002); the Batch API takes it.
  { dialect: 'openai', chain: ['completions', 'create'], api: 'completions', batchEndpoint: '/v1/completions', promptProps: ['prompt'], maxTokensProps: ['max_tokens'], batchHelper: 'runCompletionsBatch' },
  // Images and audio are priced per image and per minute: reported, with no batch endpoint.
  { dialect: 'openai', chain: ['images', 'generate'], api: 'images', batchEndpoint: null, promptProps: ['prompt'], maxTokensProps: [], noOutput: true },
  { dialect: 'openai', chain: ['images', 'edit'], api: 'images', batchEndpoint: null, promptProps: ['prompt'], maxTokensProps: [], noOutput: true },
  { dialect: 'openai', chain: ['audio', 'transcriptions', 'create'], api: 'audio', batchEndpoint: null, promptProps: ['prompt'], maxTokensProps: [] },
  { dialect: 'openai', chain: ['audio', 'translations', 'create'], api: 'audio', batchEndpoint: null, promptProps: ['prompt'], maxTokensProps: [] },
  { dialect: 'openai', chain: ['audio', 'speech', 'create'], api: 'audio', batchEndpoint: null, promptProps: ['input'], maxTokensProps: [], noOutput: true },
  // The v3 SDK (`new OpenAIApi(configuration)`): methods on the client itself.
  { dialect: 'openai', chain: ['createChatCompletion'], ...OPENAI_CHAT },
  { dialect: 'openai', chain: ['createCompletion'], api: 'completions', batchEndpoint: '/v1/completions', promptProps: ['prompt'], maxTokensProps: ['max_tokens'] },
  { dialect: 'openai', chain: ['createEmbedding'], api: 'embeddings', batchEndpoint: '/v1/embeddings', promptProps: ['input'], maxTokensProps: [], noOutput: true },
  { dialect: 'openai', chain: ['createModeration'], api: 'moderations', batchEndpoint: null, promptProps: ['input'], maxTokensProps: [], noOutput: true, defaultModel: 'omni-moderation-latest' },
  { dialect: 'openai', chain: ['createImage'], api: 'images', batchEndpoint: null, promptProps: ['prompt'], maxTokensProps: [], noOutput: true },
  { dialect: 'openai', chain: ['createTranscription'], api: 'audio', batchEndpoint: null, promptProps: [], maxTokensProps: [] },
  { dialect: 'openai', chain: ['createTranslation'], api: 'audio', batchEndpoint: null, promptProps: [], maxTokensProps: [] },
  { dialect: 'openai', chain: ['createImageEdit'], api: 'images', batchEndpoint: null, promptProps: ['prompt'], maxTokensProps: [], noOutput: true },
  { dialect: 'openai', chain: ['createImageVariation'], api: 'images', batchEndpoint: null, promptProps: [], maxTokensProps: [], noOutput: true },
  // The Edits API (text-davinci-edit-001, retired in 2024): charged per token, and no batch endpoint ever took it.
  { dialect: 'openai', chain: ['createEdit'], api: 'edits', batchEndpoint: null, promptProps: ['input', 'instruction'], maxTokensProps: [] },
  { dialect: 'anthropic', chain: ['messages', 'create'], ...ANTHROPIC_MESSAGES, batchHelper: 'runMessagesBatch' },
  { dialect: 'anthropic', chain: ['messages', 'stream'], ...ANTHROPIC_MESSAGES, alwaysStreams: true },
  // Beta messages carry beta parameters: reported under their own api, so the rewrite (Messages only) leaves them be.
  { dialect: 'anthropic', chain: ['beta', 'messages', 'create'], ...ANTHROPIC_MESSAGES, api: 'beta.messages' },
  { dialect: 'anthropic', chain: ['beta', 'messages', 'stream'], ...ANTHROPIC_MESSAGES, api: 'beta.messages', alwaysStreams: true },
  // Google Gen AI (`ai.models.generateContent({ model, contents })`) and its chats.
  { dialect: 'google', chain: ['models', 'generateContent'], ...GEMINI_CONTENT, batchHelper: 'runGenerateContentBatch' },
  { dialect: 'google', chain: ['models', 'generateContentStream'], ...GEMINI_CONTENT, alwaysStreams: true },
  { dialect: 'google', chain: ['models', 'embedContent'], api: 'embedContent', batchEndpoint: 'batches', promptProps: ['contents'], maxTokensProps: [], noOutput: true },
  // The Interactions API (`ai.interactions.create({ model, input })`, stateful turns by previous_interaction_id): no batch mode.
  { dialect: 'google', chain: ['interactions', 'create'], api: 'interactions', batchEndpoint: null, promptProps: ['input', 'system_instruction'], maxTokensProps: [] },
  { dialect: 'google', chain: ['$chat', 'sendMessage'], ...GEMINI_CONTENT, promptProps: ['message'] },
  { dialect: 'google', chain: ['$chat', 'sendMessageStream'], ...GEMINI_CONTENT, promptProps: ['message'], alwaysStreams: true },
  // The legacy SDK: `genAI.getGenerativeModel({ model }).generateContent(prompt)`, `.startChat().sendMessage(text)`;
  // a model and a chat are clients of their own (the GoogleGenerativeAI client has none of these methods).
  { dialect: 'google-legacy', chain: ['generateContent'], ...GEMINI_CONTENT, promptArgument: 0 },
  { dialect: 'google-legacy', chain: ['generateContentStream'], ...GEMINI_CONTENT, promptArgument: 0, alwaysStreams: true },
  { dialect: 'google-legacy', chain: ['embedContent'], api: 'embedContent', batchEndpoint: 'batches', promptProps: [], maxTokensProps: [], noOutput: true, promptArgument: 0 },
  { dialect: 'google-legacy', chain: ['batchEmbedContents'], api: 'embedContent', batchEndpoint: 'batches', promptProps: [], maxTokensProps: [], noOutput: true, promptArgument: 0 },
  { dialect: 'google-legacy', chain: ['sendMessage'], ...GEMINI_CONTENT, promptArgument: 0 },
  { dialect: 'google-legacy', chain: ['sendMessageStream'], ...GEMINI_CONTENT, promptArgument: 0, alwaysStreams: true },
  // Its own api name: the rewrite's chat.completions path would not know this call's shape.
  { dialect: 'chatgpt', chain: ['sendMessage'], ...OPENAI_CHAT, api: 'chatgpt.sendMessage', promptArgument: 0 },
  // Mistral: v1 (`client.chat.complete`) and v0 (`client.chat({...})`).
  { dialect: 'mistral', chain: ['chat', 'complete'], ...MISTRAL_CHAT, batchHelper: 'runMistralChatBatch' },
  { dialect: 'mistral', chain: ['chat', 'stream'], ...MISTRAL_CHAT, alwaysStreams: true },
  { dialect: 'mistral', chain: ['chat', 'parse'], ...MISTRAL_CHAT },
  { dialect: 'mistral', chain: ['fim', 'complete'], ...MISTRAL_CHAT, api: 'fim', promptProps: ['prompt'] },
  { dialect: 'mistral', chain: ['embeddings', 'create'], api: 'embeddings', batchEndpoint: '/v1/embeddings', promptProps: ['inputs', 'input'], maxTokensProps: [], noOutput: true, batchHelper: 'runMistralEmbeddingsBatch' },
  { dialect: 'mistral', chain: ['chat'], ...MISTRAL_CHAT },
  { dialect: 'mistral', chain: ['chatStream'], ...MISTRAL_CHAT, alwaysStreams: true },
  { dialect: 'mistral', chain: ['embeddings'], api: 'embeddings', batchEndpoint: '/v1/embeddings', promptProps: ['input'], maxTokensProps: [], noOutput: true },
  // Bedrock's aggregated client (`new BedrockRuntime().converse({...})`); `client.send(new ConverseCommand(…))` is in BEDROCK_COMMANDS.
  { dialect: 'bedrock', chain: ['converse'], ...BEDROCK_CONVERSE },
  { dialect: 'bedrock', chain: ['converseStream'], ...BEDROCK_CONVERSE, alwaysStreams: true },
  { dialect: 'bedrock', chain: ['invokeModel'], ...BEDROCK_INVOKE },
  { dialect: 'bedrock', chain: ['invokeModelWithResponseStream'], ...BEDROCK_INVOKE, alwaysStreams: true },
  // @azure/openai (v1): `client.getChatCompletions(deployment, messages, options)`.
  { dialect: 'azure-legacy', chain: ['getChatCompletions'], ...AZURE_CHAT },
  { dialect: 'azure-legacy', chain: ['streamChatCompletions'], ...AZURE_CHAT, alwaysStreams: true },
  { dialect: 'azure-legacy', chain: ['getCompletions'], ...AZURE_CHAT, api: 'completions', batchEndpoint: '/v1/completions' },
  { dialect: 'azure-legacy', chain: ['getEmbeddings'], ...AZURE_CHAT, api: 'embeddings', batchEndpoint: '/v1/embeddings', noOutput: true },
  { dialect: 'cohere', chain: ['chat'], api: 'chat', batchEndpoint: null, promptProps: ['preamble', 'message', 'messages'], maxTokensProps: ['maxTokens', 'max_tokens'] },
  { dialect: 'cohere', chain: ['chatStream'], api: 'chat', batchEndpoint: null, promptProps: ['preamble', 'message', 'messages'], maxTokensProps: ['maxTokens', 'max_tokens'], alwaysStreams: true },
  { dialect: 'cohere', chain: ['generate'], api: 'generate', batchEndpoint: null, promptProps: ['prompt'], maxTokensProps: ['maxTokens', 'max_tokens'] },
  { dialect: 'cohere', chain: ['embed'], api: 'embeddings', batchEndpoint: null, promptProps: ['texts'], maxTokensProps: [], noOutput: true },
  { dialect: 'ollama', chain: ['chat'], ...OLLAMA_CHAT },
  { dialect: 'ollama', chain: ['generate'], ...OLLAMA_CHAT, api: 'generate' },
  { dialect: 'ollama', chain: ['embeddings'], ...OLLAMA_CHAT, api: 'embeddings', noOutput: true },
  { dialect: 'ollama', chain: ['embed'], ...OLLAMA_CHAT, api: 'embeddings', promptProps: ['input'], noOutput: true },
];

/** Calls on a client that return another handle to call on: `getGenerativeModel({ model })` → a model, `startChat()` → a chat. */
export interface HandleCall {
  dialect: Dialect;
  chain: string[];
  becomes: string[];
  /** Where the handle's model is read: this property of the first argument. */
  modelProp?: string;
}

export const HANDLE_CALLS: HandleCall[] = [
  { dialect: 'google-legacy', chain: ['getGenerativeModel'], becomes: [], modelProp: 'model' },
  { dialect: 'google-legacy', chain: ['preview', 'getGenerativeModel'], becomes: [], modelProp: 'model' },
  { dialect: 'google-legacy', chain: ['startChat'], becomes: [] },
  { dialect: 'google', chain: ['chats', 'create'], becomes: ['$chat'], modelProp: 'model' },
];

/** The method names that end an SDK call shape: a call named otherwise is not looked at further. */
export const SDK_METHOD_NAMES = new Set(CALL_SHAPES.map((s) => s.chain[s.chain.length - 1]));

/** Functions that wrap a client and return one that calls the same API (tracing, structured output): `wrapOpenAI(new OpenAI())`, `Instructor({ client })`. */
export const CLIENT_WRAPPER_FUNCTIONS = new Set([
  ...['wrapOpenAI', 'wrapAnthropic', 'observeOpenAI', 'wrapSDK', 'Instructor', 'withTracing', 'traceOpenAI', 'patchOpenAI', 'wrapClient'],
  // Lunary's `monitorOpenAI(new OpenAI())`; Sentry's `Sentry.instrumentOpenAiClient(client)` and its Anthropic and Google Gen AI twins.
  ...['monitorOpenAI', 'instrumentOpenAiClient', 'instrumentAnthropicAiClient', 'instrumentGoogleGenAIClient'],
]);

/** Bedrock Runtime commands: `client.send(new ConverseCommand({ modelId, messages }))`. */
export const BEDROCK_COMMANDS: Record<string, SdkCallShape> = {
  ConverseCommand: { dialect: 'bedrock', chain: ['send'], ...BEDROCK_CONVERSE },
  ConverseStreamCommand: { dialect: 'bedrock', chain: ['send'], ...BEDROCK_CONVERSE, alwaysStreams: true },
  InvokeModelCommand: { dialect: 'bedrock', chain: ['send'], ...BEDROCK_INVOKE },
  InvokeModelWithResponseStreamCommand: { dialect: 'bedrock', chain: ['send'], ...BEDROCK_INVOKE, alwaysStreams: true },
  // An asynchronous invocation (video generation) whose output lands in S3: paid per output, no batch tier of its own.
  StartAsyncInvokeCommand: { dialect: 'bedrock', chain: ['send'], api: 'start-async-invoke', batchEndpoint: null, promptProps: [], maxTokensProps: [], modelProp: 'modelId', noOutput: true },
  // @aws-sdk/client-bedrock-agent-runtime: none of these has a batch tier.
  InvokeAgentCommand: { dialect: 'bedrock', chain: ['send'], ...BEDROCK_AGENT, api: 'bedrock-agents.invoke-agent', promptProps: ['inputText'] },
  InvokeInlineAgentCommand: { dialect: 'bedrock', chain: ['send'], ...BEDROCK_AGENT, api: 'bedrock-agents.invoke-agent', promptProps: ['inputText', 'instruction'], modelProp: 'foundationModel' },
  RetrieveAndGenerateCommand: { dialect: 'bedrock', chain: ['send'], ...BEDROCK_AGENT, api: 'bedrock-agents.retrieve-and-generate', promptProps: ['input'] },
  RetrieveAndGenerateStreamCommand: { dialect: 'bedrock', chain: ['send'], ...BEDROCK_AGENT, api: 'bedrock-agents.retrieve-and-generate', promptProps: ['input'], alwaysStreams: true },
  InvokeFlowCommand: { dialect: 'bedrock', chain: ['send'], ...BEDROCK_AGENT, api: 'bedrock-agents.invoke-flow', promptProps: ['inputs'] },
  OptimizePromptCommand: { dialect: 'bedrock', chain: ['send'], ...BEDROCK_AGENT, api: 'bedrock-agents.optimize-prompt', promptProps: ['input'] },
};
export const BEDROCK_SOURCE = '@aws-sdk/client-bedrock-runtime';

/** The call shape of an SDK call once the provider of its client is known: a provider without a batch tier has no batch endpoint. */
export function sdkShape(shape: SdkCallShape, provider: Provider, batchTier: boolean): CallShape {
  const { dialect, ...rest } = shape;
  void dialect;
  return { ...rest, provider, batchEndpoint: batchTier ? rest.batchEndpoint : null };
}

/** The endpoints the rewrite batches: the SDK call shapes that name a batch helper (OpenAI's, Anthropic's, Gemini's and Mistral's). */
export function rewriteEndpoints(): { provider: Provider; chain: string[]; method: string; api: string; helper: string }[] {
  const seen = new Set<string>();
  const out: { provider: Provider; chain: string[]; method: string; api: string; helper: string }[] = [];
  for (const s of CALL_SHAPES) {
    if (!s.batchHelper || (s.dialect !== 'openai' && s.dialect !== 'anthropic' && s.dialect !== 'google' && s.dialect !== 'mistral')) continue;
    const key = `${s.dialect}:${s.api}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ provider: s.dialect, chain: s.chain.slice(0, -1), method: s.chain[s.chain.length - 1], api: s.api, helper: s.batchHelper });
  }
  return out;
}

// ---- raw HTTP: a request to a provider's endpoint through fetch, axios, got, ky, undici or https.request.

export interface HttpEndpoint {
  /** Tested against the URL as far as it can be read (template holes as `…`). */
  path: RegExp;
  dialect: Dialect;
  api: string;
  /** The provider when the host cannot be read: only for paths no other API uses. */
  provider?: Provider;
  /** Only with a host of one of these providers (`/v1/messages` is too common a path otherwise). */
  hosts?: Provider[];
}

export const HTTP_ENDPOINTS: HttpEndpoint[] = [
  { path: /\/chat\/completions\b/, dialect: 'openai', api: 'chat.completions' },
  { path: /\/v1\/responses\b/, dialect: 'openai', api: 'responses' },
  { path: /\/v1\/embeddings\b|openai\/deployments\/[^/]+\/embeddings\b/, dialect: 'openai', api: 'embeddings' },
  { path: /\/v1\/completions\b|openai\/deployments\/[^/]+\/completions\b/, dialect: 'openai', api: 'completions' },
  { path: /\/v1\/moderations\b/, dialect: 'openai', api: 'moderations' },
  { path: /\/v1\/images\/(generations|edits)\b|\/images\/generations\b/, dialect: 'openai', api: 'images' },
  { path: /\/v1\/audio\/(transcriptions|translations|speech)\b/, dialect: 'openai', api: 'audio' },
  { path: /\/v1\/messages\b/, dialect: 'anthropic', api: 'messages', hosts: ['anthropic'] },
  { path: /:(stream)?generateContent\b/i, dialect: 'google', api: 'generateContent', provider: 'google' },
  { path: /:(batchEmbedContents|embedContent)\b/, dialect: 'google', api: 'embedContent', provider: 'google' },
  { path: /\/api\/(chat|generate)\b/, dialect: 'ollama', api: 'chat', hosts: ['ollama'] },
  { path: /\/api\/(embeddings|embed)\b/, dialect: 'ollama', api: 'embeddings', hosts: ['ollama'] },
];

/** The SDK call shape whose request format a raw HTTP request to `endpoint` has (for its prompt and limit properties). */
export function httpShape(endpoint: HttpEndpoint): SdkCallShape | undefined {
  return CALL_SHAPES.find((s) => s.dialect === endpoint.dialect && s.api === endpoint.api) ?? (endpoint.dialect === 'google' ? CALL_SHAPES.find((s) => s.dialect === 'google') : undefined);
}

/** Functions that send an HTTP request whose first argument is the URL (or the options holding it). */
export const HTTP_FUNCTIONS = new Set(['fetch', 'axios', 'got', 'ky', 'request', 'ofetch', '$fetch', 'fetchWithTimeout', 'fetchWithRetry', 'undiciFetch', 'nodeFetch']);
/** Methods of an HTTP client that send a request (`axios.post`, `got.post`, `https.request`, `this.http.post`). */
export const HTTP_METHODS = new Set(['post', 'request', 'fetch', 'put', 'stream']);

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
  // Asked once per call estimated; the catalogue never changes, so each api's answer is kept.
  let known = noOutputByApi.get(api);
  if (known === undefined) noOutputByApi.set(api, (known = searchNoOutput(api)));
  return known;
}
const noOutputByApi = new Map<string, boolean>();

function searchNoOutput(api: string): boolean {
  return (
    CALL_SHAPES.some((s) => s.api === api && s.noOutput) ||
    WRAPPER_CALLS.some((w) => w.api === api && w.noOutput) ||
    ALL_CLASSES.some((c) => c.noOutput && [...Object.values(c.methods), ...Object.values(c.statics ?? {})].some((m) => m.api === api)) ||
    ALL_CLASSES.some((c) => Object.values(c.methods).some((m) => m.api === api && m.noOutput))
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
  methods: Record<string, { api: string; alwaysStreams?: boolean; noOutput?: boolean }>;
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
  const noOutput = cls.noOutput || ('noOutput' in m && m.noOutput) || undefined;
  return { provider: siteProvider(provider), chain: [], api: m.api, batchEndpoint, alwaysStreams, promptProps: [], maxTokensProps: [], noOutput };
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
  ...Object.values(PROVIDER_INFO).flatMap((p) => p.hosts),
  '/chat/completions',
  'generateContent',
  '/v1/embeddings',
  '/v1/responses',
  '/v1/completions',
  '/v1/moderations',
  '/v1/messages',
  ...MODEL_PROVIDER_MODULES.map((m) => m.source),
  ...new Set(MODEL_CLASSES.map((c) => c.source)),
  ...WRAPPER_SOURCES.flatMap((s) => [`'${s}'`, `"${s}"`]),
  ...FRAMEWORK_TEXT_MARKERS,
];
