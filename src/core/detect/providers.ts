// What each provider is, as data: its name for people, whether it sells a batch tier, the hosts its
// API answers on and the environment variables its clients read. A new provider is a row here, its
// rows in the catalogue and its price rows — nothing else.
import type { Provider } from '../model';

export interface ProviderInfo {
  /** The name people know it by, for messages. */
  label: string;
  /** The provider sells a batch tier (a Batch API at a discount). Without one a call's estimate says "no batch tier". */
  batchTier: boolean;
  /** Runs on the user's own machine: no per-token cost. */
  local?: boolean;
  /** Hosts of its API, matched as the end of a URL's host ('api.groq.com'). */
  hosts: string[];
  /** Environment variables its clients read for the key or the base URL (read as names in code, never read from .env files). */
  envVars: string[];
  /** The model priced when the request names none that can be read. */
  fallbackModel: string;
  fallbackEmbeddingModel?: string;
  /** The batch helper that serves this provider's SDK clients too (Azure's Batch API through the `openai` SDK's AzureOpenAI). */
  rewriteAs?: 'openai' | 'anthropic';
}

export const PROVIDER_INFO: Record<Provider, ProviderInfo> = {
  openai: { label: 'OpenAI', batchTier: true, hosts: ['api.openai.com'], envVars: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'], fallbackModel: 'gpt-4.1-mini', fallbackEmbeddingModel: 'text-embedding-3-small' },
  anthropic: { label: 'Anthropic', batchTier: true, hosts: ['api.anthropic.com'], envVars: ['ANTHROPIC_API_KEY'], fallbackModel: 'claude-sonnet-4-5' },
  google: { label: 'Google Gemini', batchTier: true, hosts: ['generativelanguage.googleapis.com', 'aiplatform.googleapis.com'], envVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY'], fallbackModel: 'gemini-2.5-flash' },
  mistral: { label: 'Mistral', batchTier: true, hosts: ['api.mistral.ai'], envVars: ['MISTRAL_API_KEY'], fallbackModel: 'mistral-small-latest', fallbackEmbeddingModel: 'mistral-embed' },
  groq: { label: 'Groq', batchTier: true, hosts: ['api.groq.com'], envVars: ['GROQ_API_KEY'], fallbackModel: 'llama-3.3-70b-versatile' },
  together: { label: 'Together AI', batchTier: true, hosts: ['api.together.xyz', 'api.together.ai'], envVars: ['TOGETHER_API_KEY', 'TOGETHER_AI_API_KEY'], fallbackModel: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' },
  bedrock: { label: 'Amazon Bedrock', batchTier: true, hosts: ['amazonaws.com'], envVars: [], fallbackModel: 'claude-sonnet-4-5' },
  'azure-openai': { label: 'Azure OpenAI', batchTier: true, rewriteAs: 'openai', hosts: ['openai.azure.com', 'cognitiveservices.azure.com'], envVars: ['AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_ENDPOINT'], fallbackModel: 'gpt-4.1-mini', fallbackEmbeddingModel: 'text-embedding-3-small' },
  openrouter: { label: 'OpenRouter', batchTier: false, hosts: ['openrouter.ai'], envVars: ['OPENROUTER_API_KEY'], fallbackModel: 'gpt-4.1-mini' },
  deepseek: { label: 'DeepSeek', batchTier: false, hosts: ['api.deepseek.com'], envVars: ['DEEPSEEK_API_KEY'], fallbackModel: 'deepseek-chat' },
  fireworks: { label: 'Fireworks AI', batchTier: false, hosts: ['api.fireworks.ai'], envVars: ['FIREWORKS_API_KEY'], fallbackModel: 'accounts/fireworks/models/llama-v3p3-70b-instruct' },
  perplexity: { label: 'Perplexity', batchTier: false, hosts: ['api.perplexity.ai'], envVars: ['PERPLEXITY_API_KEY', 'PPLX_API_KEY'], fallbackModel: 'sonar' },
  xai: { label: 'xAI', batchTier: false, hosts: ['api.x.ai'], envVars: ['XAI_API_KEY', 'GROK_API_KEY'], fallbackModel: 'grok-3-mini' },
  cohere: { label: 'Cohere', batchTier: false, hosts: ['api.cohere.com', 'api.cohere.ai'], envVars: ['COHERE_API_KEY', 'CO_API_KEY'], fallbackModel: 'command-r' },
  ollama: { label: 'Ollama (local)', batchTier: false, local: true, hosts: ['localhost:11434', '127.0.0.1:11434', '0.0.0.0:11434'], envVars: ['OLLAMA_HOST', 'OLLAMA_BASE_URL'], fallbackModel: 'ollama-local' },
  'other-openai-compatible': { label: 'an OpenAI-compatible server', batchTier: false, hosts: [], envVars: [], fallbackModel: 'gpt-4.1-mini' },
};

export function providerInfo(provider: Provider): ProviderInfo {
  return PROVIDER_INFO[provider];
}

export function isProvider(value: unknown): value is Provider {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PROVIDER_INFO, value);
}

/**
 * The provider a URL (or the part of it that can be read) points at: its host against each provider's
 * hosts; a local port 11434 is Ollama. Null when the URL names no known host.
 */
export function providerFromUrl(url: string): Provider | null {
  const m = /^(?:[a-z]+:)?\/\/([^/?#]+)/i.exec(url.trim()) ?? /^([a-z0-9.-]+\.[a-z]{2,}(?::\d+)?)(?:[/?#]|$)/i.exec(url.trim());
  const host = (m?.[1] ?? '').toLowerCase().replace(/^[^@]*@/, '');
  if (!host) return null;
  let best: { provider: Provider; length: number } | null = null;
  for (const [provider, info] of Object.entries(PROVIDER_INFO) as [Provider, ProviderInfo][]) {
    for (const h of info.hosts) {
      if (host === h || host.endsWith(`.${h}`) || (h.includes(':') && host === h)) {
        if (!best || h.length > best.length) best = { provider, length: h.length };
      }
    }
  }
  if (best) return best.provider;
  if (/(^|\.)(localhost|127\.0\.0\.1|0\.0\.0\.0)(:11434)$/.test(host) || /:11434$/.test(host)) return 'ollama';
  return null;
}

/** The provider whose key or base URL an environment variable holds ('GROQ_API_KEY' → groq), by name only. */
export function providerFromEnvVar(name: string): Provider | null {
  for (const [provider, info] of Object.entries(PROVIDER_INFO) as [Provider, ProviderInfo][]) {
    if (info.envVars.includes(name)) return provider;
  }
  return null;
}
