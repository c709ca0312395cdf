// Providers as data: each provider's batch tier, hosts and environment variables decide what an
// estimate says; a provider without a batch tier is reported with no saving, and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateSite, findPrice } from '../../../src/core/estimate';
import { CallSite, DEFAULT_OPTIONS, PROVIDERS } from '../../../src/core/model';
import { isBoundedPriceRow } from '../../../src/core/estimate/limits';
import { PROVIDER_INFO, providerFromEnvVar, providerFromUrl } from '../../../src/core/detect/providers';
import { rewriteEndpoints } from '../../../src/core/detect/catalogue';
import { findingMessage } from '../../../src/core/report/message';
import { callSite } from '../helpers';

const site = callSite;

test('every provider has its row of facts, and every provider with a batch tier a priced fallback or the stated default', () => {
  for (const p of PROVIDERS) assert.ok(PROVIDER_INFO[p], p);
  for (const p of ['google', 'mistral', 'groq', 'deepseek'] as const) assert.ok(findPrice(PROVIDER_INFO[p].fallbackModel), `no price for ${p}'s fallback`);
});

test('a provider with no batch tier: no saving, and the estimate says why', () => {
  const e = estimateSite(site({ provider: 'deepseek', model: 'deepseek-chat', batchEndpoint: null }), DEFAULT_OPTIONS);
  assert.equal(e.noBatchTier, true);
  assert.equal(e.monthlySavings, 0);
  assert.equal(e.monthlyBatch, e.monthlyStandard);
  // (2 × 0.27 + 100 × 1.10) / 1M × 1000 calls × 30 days
  assert.ok(Math.abs(e.monthlyStandard - 3.3162) < 1e-9, String(e.monthlyStandard));
  assert.match(e.assumptions.join('\n'), /DeepSeek has no batch tier/);
});

test('OpenRouter has no batch tier even for a model whose own provider has one', () => {
  const e = estimateSite(site({ provider: 'openrouter', model: 'gpt-4o', batchEndpoint: null }), DEFAULT_OPTIONS);
  assert.equal(e.noBatchTier, true);
  assert.equal(e.monthlySavings, 0);
  assert.ok(e.monthlyStandard > 0);
});

test('a provider with a batch tier saves half; a model chosen at run time is priced as the provider\'s assumed model, said so', () => {
  const e = estimateSite(site({ provider: 'google', api: 'generateContent', model: null, batchEndpoint: 'batches' }), DEFAULT_OPTIONS);
  assert.equal(e.noBatchTier, undefined);
  assert.ok(Math.abs(e.monthlySavings - e.monthlyStandard / 2) < 1e-9);
  assert.match(e.assumptions.join('\n'), /Model not readable from code: priced as gemini-2\.5-flash \(the model is chosen at run time; the model assumed for Google Gemini\)/);
});

test('a local model costs nothing and is still reported', () => {
  const e = estimateSite(site({ provider: 'ollama', model: 'llama3.2', api: 'chat', batchEndpoint: null }), DEFAULT_OPTIONS);
  assert.equal(e.monthlyStandard, 0);
  assert.equal(e.monthlySavings, 0);
  assert.match(e.assumptions.join('\n'), /own machine/);
});

test('providers are named from base URLs and environment variable names', () => {
  assert.equal(providerFromUrl('https://api.groq.com/openai/v1'), 'groq');
  assert.equal(providerFromUrl('https://openrouter.ai/api/v1'), 'openrouter');
  assert.equal(providerFromUrl('https://my-res.openai.azure.com/openai/deployments/x'), 'azure-openai');
  assert.equal(providerFromUrl('http://localhost:11434/v1'), 'ollama');
  assert.equal(providerFromUrl('https://api.x.ai/v1'), 'xai');
  assert.equal(providerFromUrl('https://example.com/v1'), null);
  assert.equal(providerFromUrl('/api/chat'), null);
  assert.equal(providerFromEnvVar('TOGETHER_API_KEY'), 'together');
  assert.equal(providerFromEnvVar('MY_KEY'), null);
});

test('price overrides accept every provider, and no other', () => {
  const row = { model: 'x', input: 1, output: 1, batchInput: 1, batchOutput: 1 };
  assert.equal(isBoundedPriceRow({ ...row, provider: 'mistral' }), true);
  assert.equal(isBoundedPriceRow({ ...row, provider: 'other-openai-compatible' }), true);
  assert.equal(isBoundedPriceRow({ ...row, provider: 'acme' }), false);
});

test('the rewrite batches only what the catalogue gives a helper: OpenAI, Anthropic, Gemini and Mistral', () => {
  const endpoints = rewriteEndpoints();
  assert.deepEqual([...new Set(endpoints.map((e) => e.provider))].sort(), ['anthropic', 'google', 'mistral', 'openai']);
  assert.deepEqual(endpoints.find((e) => e.api === 'messages')?.chain, ['messages']);
  assert.deepEqual(endpoints.find((e) => e.provider === 'openai' && e.api === 'chat.completions')?.chain, ['chat', 'completions']);
  const mistral = endpoints.filter((e) => e.provider === 'mistral');
  assert.deepEqual(mistral.map((e) => [e.chain, e.method, e.api, e.helper]), [
    [['chat'], 'complete', 'chat.completions', 'runMistralChatBatch'],
    [['embeddings'], 'create', 'embeddings', 'runMistralEmbeddingsBatch'],
  ]);
  const gemini = endpoints.filter((e) => e.provider === 'google');
  assert.deepEqual(gemini.map((e) => [e.chain, e.method, e.api, e.helper]), [[['models'], 'generateContent', 'generateContent', 'runGenerateContentBatch']]);
});

test('the diagnostic of a batchable call on a provider with no batch tier says so instead of a saving', () => {
  const s = site({ provider: 'deepseek', model: 'deepseek-chat', batchEndpoint: null });
  const estimate = estimateSite(s, DEFAULT_OPTIONS);
  const message = findingMessage({
    site: s,
    classification: { verdict: 'batchable', confidence: 0.9, evidence: [{ rule: 'npm-script', message: 'reached only from scripts/enrich.ts, an npm script', file: 'a.ts', line: 1 }] },
    estimate,
    fix: null,
    fixRefusal: null,
  });
  assert.match(message, /DeepSeek has no batch tier, so batching saves nothing there \(≈ \$3\.32\/mo now/);
  assert.doesNotMatch(message, /saves ≈/);
});
