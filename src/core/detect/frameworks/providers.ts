// Provider names as frameworks write them: the AI SDK's provider packages, gateway ids
// ('openai/gpt-4o', 'anthropic:claude-…'), and the mapping of a name onto the providers a call site
// can carry. A name stays a plain string here (ProviderName) so that a framework row can say
// 'google' or 'mistral' whatever the provider table of the day knows.
import { PROVIDERS, type Provider } from '../../model';

/** A provider as named by a framework row or a gateway id: 'openai', 'google', 'mistral', 'azure-openai' … */
export type ProviderName = string;

/** The providers call sites can carry (the provider table); a framework call on any other is reported under FALLBACK_PROVIDER. */
const SITE_PROVIDERS: readonly string[] = PROVIDERS;
/**
 * Where a call's provider cannot be named in a call site (not read from code, or not in the provider
 * table yet), the call is still reported: never dropped. It is priced as the fallback provider's
 * mid-tier model, which the estimate states, and it gets no batch endpoint (so no rewrite).
 */
const FALLBACK_PROVIDER: Provider = 'openai';

export function siteProvider(name: ProviderName | null): Provider {
  return name !== null && SITE_PROVIDERS.includes(name) ? (name as Provider) : FALLBACK_PROVIDER;
}

/** Is the provider of a call named (and in the table), so that its batch endpoint may be used? */
export function providerNamed(name: ProviderName | null): boolean {
  return name !== null && SITE_PROVIDERS.includes(name);
}

/** A provider package of the AI SDK: its default instances and its `createX()` factories. */
export interface AiSdkProviderModule {
  provider: ProviderName | null;
  source: string;
  instances: string[];
  creators: string[];
}

const row = (provider: ProviderName | null, source: string, instances: string[], creators: string[]): AiSdkProviderModule => ({ provider, source, instances, creators });

export const AI_SDK_PROVIDER_MODULES: AiSdkProviderModule[] = [
  row('google', '@ai-sdk/google', ['google'], ['createGoogleGenerativeAI']),
  row('google', '@ai-sdk/google-vertex', ['vertex'], ['createVertex']),
  row('anthropic', '@ai-sdk/google-vertex/anthropic', ['vertexAnthropic'], ['createVertexAnthropic']),
  row('mistral', '@ai-sdk/mistral', ['mistral'], ['createMistral']),
  row('groq', '@ai-sdk/groq', ['groq'], ['createGroq']),
  row('xai', '@ai-sdk/xai', ['xai'], ['createXai']),
  row('azure-openai', '@ai-sdk/azure', ['azure'], ['createAzure']),
  row('bedrock', '@ai-sdk/amazon-bedrock', ['bedrock'], ['createAmazonBedrock']),
  row('deepseek', '@ai-sdk/deepseek', ['deepseek'], ['createDeepSeek']),
  row('together', '@ai-sdk/togetherai', ['togetherai'], ['createTogetherAI']),
  row('fireworks', '@ai-sdk/fireworks', ['fireworks'], ['createFireworks']),
  row('perplexity', '@ai-sdk/perplexity', ['perplexity'], ['createPerplexity']),
  row('cohere', '@ai-sdk/cohere', ['cohere'], ['createCohere']),
  row('cerebras', '@ai-sdk/cerebras', ['cerebras'], ['createCerebras']),
  row('deepinfra', '@ai-sdk/deepinfra', ['deepinfra'], ['createDeepInfra']),
  row('openrouter', '@openrouter/ai-sdk-provider', ['openrouter'], ['createOpenRouter']),
  row('cloudflare-workers-ai', 'workers-ai-provider', [], ['createWorkersAI']),
  row('ollama', 'ollama-ai-provider', ['ollama'], ['createOllama']),
  row('ollama', 'ollama-ai-provider-v2', ['ollama'], ['createOllama']),
  row('other-openai-compatible', '@ai-sdk/openai-compatible', [], ['createOpenAICompatible']),
  // The gateway names the provider in the model id ('openai/gpt-4o'): read it there.
  row(null, '@ai-sdk/gateway', ['gateway'], ['createGateway']),
];

export function aiSdkProviderModuleFor(source: string): AiSdkProviderModule | undefined {
  return AI_SDK_PROVIDER_MODULES.find((m) => m.source === source);
}

/** The provider names gateway ids and 'provider:model' registry ids use, onto ours. */
const GATEWAY_NAMES: Record<string, ProviderName> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  'google-vertex': 'google',
  vertex: 'google',
  gemini: 'google',
  mistral: 'mistral',
  mistralai: 'mistral',
  groq: 'groq',
  xai: 'xai',
  azure: 'azure-openai',
  'azure-openai': 'azure-openai',
  'azure_openai': 'azure-openai',
  bedrock: 'bedrock',
  'amazon-bedrock': 'bedrock',
  deepseek: 'deepseek',
  togetherai: 'together',
  together: 'together',
  fireworks: 'fireworks',
  perplexity: 'perplexity',
  cohere: 'cohere',
  ollama: 'ollama',
  openrouter: 'openrouter',
};

/**
 * A model written as one string: a gateway id ('openai/gpt-4o', 'anthropic/claude-sonnet-4.5') or a
 * registry / LangChain id ('openai:gpt-4o'). The provider when the prefix names one, and the model id
 * as the provider's API spells it (gateway ids write Claude versions with dots; the API uses dashes).
 */
export function splitModelString(value: string): { provider: ProviderName | null; id: string } {
  const m = /^([a-z][a-z0-9_-]*)[/:](.+)$/i.exec(value);
  if (!m) return { provider: null, id: value };
  const provider = GATEWAY_NAMES[m[1].toLowerCase()] ?? null;
  if (provider === null) return { provider: null, id: value };
  return { provider, id: provider === 'anthropic' ? m[2].replace(/(\d)\.(\d)/g, '$1-$2') : m[2] };
}
