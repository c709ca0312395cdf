// The SDK catalogue: which imports create which client, and which member chains on a client are
// which API. Adding an SDK or an API is a row here plus fixtures, not new code.
import type { Provider } from '../model';

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

export function clientModuleFor(source: string): ClientModule | undefined {
  return CLIENT_MODULES.find((m) => m.source === source);
}

/** Cheap text test: could this file mention an SDK at all? */
export const SDK_TEXT_MARKERS = CLIENT_MODULES.map((m) => m.source);
