// Inngest's AI steps: `step.ai.infer('id', { model: openai({ model: 'gpt-4o' }), body })` makes the
// request from Inngest's side (the function pauses meanwhile); `step.ai.wrap('id', generateText, args)`
// runs an SDK function as a step. The step call is the site; the model adapter names the provider.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { propertyName } from '../../syntax/nodes';
import type { CallShape } from '../catalogue';
import type { Resolver } from '../resolve';
import { ProviderName, providerNamed, siteProvider } from './providers';

/** Inngest's model adapters (`openai`, `anthropic`, `gemini` … from 'inngest' or `step.ai.models`), by name. */
const ADAPTERS: Record<string, ProviderName> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'google',
  azureOpenai: 'azure-openai',
  grok: 'xai',
  deepseek: 'deepseek',
};

const BATCH: Record<string, string> = { openai: '/v1/chat/completions', anthropic: 'messages.batches' };

export function inngestStepCall(resolver: Resolver, file: string, node: TSESTree.CallExpression): { shape: CallShape; model: string | null } | null {
  const callee = node.callee;
  if (callee.type !== T.MemberExpression) return null;
  const method = propertyName(callee.property, callee.computed);
  if (method !== 'infer' && method !== 'wrap') return null;
  const ai = callee.object;
  if (ai.type !== T.MemberExpression || propertyName(ai.property, ai.computed) !== 'ai') return null;
  const fi = resolver.project.get(file);
  if (!fi) return null;
  const options = node.arguments[method === 'infer' ? 1 : 2];
  const value = options ? resolver.evaluate(file, options) : null;
  // The step comes from Inngest's handler: the file imports Inngest or the app's own client module
  // (`@/lib/inngest/client`), or the request has infer's own shape ({ model, body }).
  const inferShape = method === 'infer' && value?.kind === 'object' && ['model', 'body'].every((k) => value.node.properties.some((p) => p.type === T.Property && propertyName(p.key, p.computed) === k));
  if (!inferShape && !fi.moduleRefs().some((r) => /(^|[/@-])inngest($|[/-])/.test(r.source))) return null;
  let provider: ProviderName | null = null;
  let model: string | null = null;
  if (value?.kind === 'object') {
    for (const p of value.node.properties) {
      if (p.type !== T.Property || propertyName(p.key, p.computed) !== 'model') continue;
      const adapter = p.value;
      if (adapter.type === T.CallExpression) {
        const name = adapter.callee.type === T.Identifier ? adapter.callee.name : adapter.callee.type === T.MemberExpression ? propertyName(adapter.callee.property, adapter.callee.computed) : null;
        provider = name ? (ADAPTERS[name] ?? null) : null;
        const arg = adapter.arguments[0] ? resolver.evaluate(value.file, adapter.arguments[0]) : null;
        if (arg?.kind === 'object') {
          for (const q of arg.node.properties) {
            if (q.type !== T.Property || propertyName(q.key, q.computed) !== 'model') continue;
            const id = resolver.evaluate(arg.file, q.value);
            if (id?.kind === 'string') model = id.value;
          }
        }
      } else {
        // `step.ai.wrap('id', generateText, { model: openai('gpt-4o'), … })`: an AI SDK model.
        const m = resolver.evaluate(value.file, adapter);
        if (m?.kind === 'model') [provider, model] = [m.provider, m.id];
      }
    }
  }
  const shape: CallShape = {
    provider: siteProvider(provider),
    chain: [],
    api: `inngest.step.ai.${method}`,
    batchEndpoint: provider !== null && providerNamed(provider) ? (BATCH[provider] ?? null) : null,
    promptProps: [],
    maxTokensProps: [],
  };
  return { shape, model };
}
