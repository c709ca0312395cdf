import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { annotatedVolume, countTokens, dailyCost, encodingFor, estimateSite, findPrice, PRICE_TABLE } from '../../../src/core/estimate';
import { CallSite, DEFAULT_OPTIONS, PriceRow } from '../../../src/core/model';
import { MAX_ERROR_PER_CUT, SLICE_BYTES } from '../../../src/core/estimate/tokens';
import { callSite } from '../helpers';
import { fmt } from '../../../src/core/estimate/estimate';

const REQUIRED = [
  'gpt-6.1-sol', 'gpt-6.1-terra', 'gpt-6-sol', 'gpt-6-luna', 'gpt-5.6-terra', 'gpt-5.6-luna', 'gpt-5.4-nano', 'gpt-5.1',
  'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini', 'o3', 'o4-mini',
  'text-embedding-3-small', 'text-embedding-3-large', 'claude-fable-5-2', 'claude-fable-5-1', 'claude-fable-5',
  'claude-opus-5-5', 'claude-opus-5', 'claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-4-6', 'claude-opus-4-5',
  'claude-opus-4-1', 'claude-opus-4', 'claude-sonnet-5-5', 'claude-sonnet-5', 'claude-sonnet-4-6', 'claude-sonnet-4-5',
  'claude-sonnet-4', 'claude-haiku-5-5', 'claude-haiku-4-5',
];

test('every required model has a dated, sourced price row with batch at half price', () => {
  for (const id of REQUIRED) {
    const row = findPrice(id);
    assert.ok(row, `no price for ${id}`);
    assert.equal(row!.model, id);
    assert.match(row!.checked, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(row!.source, /^https:\/\//);
    assert.equal(row!.batchInput, row!.input / 2);
    assert.equal(row!.batchOutput, row!.output / 2);
  }
  const ids = PRICE_TABLE.flatMap((r) => [r.model, ...r.aliases]);
  assert.equal(new Set(ids).size, ids.length, 'an id or alias appears twice');
});

test('aliases and dated snapshots resolve; the longest prefix wins; unknown models do not', () => {
  assert.equal(findPrice('claude-sonnet-4')!.model, 'claude-sonnet-4');
  assert.equal(findPrice('claude-sonnet-4-0')!.model, 'claude-sonnet-4');
  assert.equal(findPrice('claude-sonnet-4-20250514')!.model, 'claude-sonnet-4');
  assert.equal(findPrice('gpt-4o-2024-08-06')!.model, 'gpt-4o');
  assert.equal(findPrice('gpt-4o-mini-2024-07-18')!.model, 'gpt-4o-mini');
  assert.equal(findPrice('GPT-4.1-Mini')!.model, 'gpt-4.1-mini');
  assert.equal(findPrice('llama-3-70b'), null);
});

test('newer models resolve to their own rows, not to an older family prefix', () => {
  const price = (id: string) => {
    const row = findPrice(id)!;
    return [row.model, row.input, row.output];
  };
  assert.deepEqual(price('claude-sonnet-4-6'), ['claude-sonnet-4-6', 3, 15]);
  assert.deepEqual(price('claude-opus-4-6'), ['claude-opus-4-6', 5, 25]);
  assert.deepEqual(price('claude-opus-4-8'), ['claude-opus-4-8', 5, 25]);
  assert.deepEqual(price('claude-opus-4-5-20251101'), ['claude-opus-4-5', 5, 25]);
  assert.deepEqual(price('claude-opus-4-20250514'), ['claude-opus-4', 15, 75]);
  assert.deepEqual(price('claude-opus-5-5'), ['claude-opus-5-5', 4, 20]);
  assert.deepEqual(price('claude-opus-5'), ['claude-opus-5', 5, 25]);
  assert.deepEqual(price('claude-opus-5-5-20261201'), ['claude-opus-5-5', 4, 20]);
  assert.deepEqual(price('claude-sonnet-5-5'), ['claude-sonnet-5-5', 2, 10]);
  assert.deepEqual(price('claude-fable-5-2'), ['claude-fable-5-2', 8, 40]);
  assert.deepEqual(price('claude-fable-5'), ['claude-fable-5', 10, 50]);
  assert.deepEqual(price('claude-haiku-5-5'), ['claude-haiku-5-5', 0.1, 0.5]);
  assert.deepEqual(price('gpt-6.1-sol'), ['gpt-6.1-sol', 2, 10]);
  assert.deepEqual(price('gpt-6-luna'), ['gpt-6-luna', 0.1, 0.5]);
  assert.deepEqual(price('gpt-5.1-2025-11-13'), ['gpt-5.1', 1.25, 10]);
  assert.deepEqual(price('gpt-5.4-nano-2026-03-17'), ['gpt-5.4-nano', 0.2, 1.25]);
  assert.deepEqual(price('gpt-5-2025-08-07'), ['gpt-5', 1.25, 10]);
  // Models without a price on an official page stay unpriced (the estimate says so) rather than borrowing a neighbour's.
  assert.equal(findPrice('claude-mythos-5'), null);
  assert.equal(findPrice('gpt-5.6-sol'), null);
});

test('overrides win over the bundled table', () => {
  const custom: PriceRow = { provider: 'openai', model: 'gpt-4o', aliases: [], input: 1, output: 1, batchInput: 0.25, batchOutput: 0.25, source: 'contract', checked: '2026-01-01' };
  assert.equal(findPrice('gpt-4o', [custom])!.input, 1);
  assert.equal(findPrice('ft:gpt-4o-custom', [{ ...custom, model: 'ft:gpt-4o-custom' }])!.source, 'contract');
});

test('published worked examples: Sonnet 4 8M+2M/day is $54 vs $27; GPT-4o 5M+1M is $22.50 vs $11.25', () => {
  assert.deepEqual(dailyCost(findPrice('claude-sonnet-4')!, 8_000_000, 2_000_000, 1), { standard: 54, batch: 27, savings: 27 });
  assert.deepEqual(dailyCost(findPrice('gpt-4o')!, 5_000_000, 1_000_000, 1), { standard: 22.5, batch: 11.25, savings: 11.25 });
});

test('token counts use the model encoding and never throw on special tokens', () => {
  assert.equal(countTokens('hello world', 'gpt-4o'), 2);
  assert.equal(countTokens('hello world', 'text-embedding-3-small'), 2);
  assert.equal(countTokens('', 'gpt-4o'), 0);
  assert.equal(encodingFor('gpt-4o-mini').encoding, 'o200k_base');
  assert.equal(encodingFor('text-embedding-3-large').encoding, 'cl100k_base');
  assert.equal(encodingFor('claude-sonnet-4').exact, false);
  assert.ok(countTokens('<|endoftext|> and <|im_start|>', 'gpt-4o') > 2);
  // Ten repetitions of a short word cost about ten times one: counting is per token, not per character.
  const one = countTokens(' summary', 'gpt-4o');
  assert.equal(countTokens(' summary'.repeat(10), 'gpt-4o'), one * 10);
});

test('annotation volumes', () => {
  assert.equal(annotatedVolume('batch 20000/day'), 20000);
  assert.equal(annotatedVolume('batch 5,000 / day'), 5000);
  assert.equal(annotatedVolume('1_500 requests/day'), 1500);
  assert.equal(annotatedVolume('user-waiting'), null);
  assert.equal(annotatedVolume(null), null);
});

const site = callSite;

test('estimate: counted input, max_tokens output, default volume, all stated', () => {
  const e = estimateSite(site(), DEFAULT_OPTIONS);
  assert.equal(e.inputTokens, 2);
  assert.equal(e.outputTokens, 100);
  assert.equal(e.callsPerDay, 1000);
  // (2 × 2.50 + 100 × 10) / 1M × 1000 calls × 30 days
  assert.ok(Math.abs(e.monthlyStandard - 30.15) < 1e-9, String(e.monthlyStandard));
  assert.ok(Math.abs(e.monthlyBatch - 15.075) < 1e-9);
  assert.ok(Math.abs(e.monthlySavings - 15.075) < 1e-9);
  const text = e.assumptions.join('\n');
  assert.match(text, /1,000 calls\/day assumed/);
  assert.match(text, /token limit, 100/);
  assert.match(text, /checked \d{4}-\d{2}-\d{2}/);
  assert.match(text, /30 days/);
});

test('estimate: interpolated parts, default output, annotated volume, n choices', () => {
  const e = estimateSite(
    site({ annotation: 'batch 500/day', request: { literalText: '', dynamicParts: 3, maxOutputTokens: null, choices: 2 } }),
    { ...DEFAULT_OPTIONS, interpolatedTokens: 100, defaultOutputTokens: 50 },
  );
  assert.equal(e.inputTokens, 300);
  assert.equal(e.outputTokens, 100);
  assert.equal(e.callsPerDay, 500);
  assert.match(e.assumptions.join('\n'), /3 non-literal prompt parts assumed at 100 tokens each/);
  assert.match(e.assumptions.join('\n'), /from the comment/);
});

test('estimate: unknown and unreadable models fall back to a stated price; embeddings have no output', () => {
  const unknown = estimateSite(site({ model: 'my-finetune' }), DEFAULT_OPTIONS);
  assert.match(unknown.assumptions[0], /No price on file for 'my-finetune': priced as gpt-4.1-mini/);
  const none = estimateSite(site({ model: null, provider: 'anthropic', api: 'messages' }), DEFAULT_OPTIONS);
  assert.match(none.assumptions.join('\n'), /Model not readable from code: priced as claude-sonnet-4-5/);
  assert.match(none.assumptions.join('\n'), /no public tokenizer/);
  const emb = estimateSite(site({ api: 'embeddings', model: 'text-embedding-3-small', request: { literalText: 'x', dynamicParts: 0, maxOutputTokens: null, choices: null } }), DEFAULT_OPTIONS);
  assert.equal(emb.outputTokens, 0);
});

test('estimate: a volume from the context (a cron schedule) is used and stated, but an annotation wins', () => {
  const ctx = { volume: { callsPerDay: 4, source: "the cron schedule '0 */6 * * *' (one call per run)" } };
  const e = estimateSite(site(), DEFAULT_OPTIONS, ctx);
  assert.equal(e.callsPerDay, 4);
  assert.match(e.assumptions.join('\n'), /4 calls\/day, from the cron schedule '0 \*\/6 \* \* \*'/);
  assert.deepEqual(e.volume, { kind: 'schedule', description: "the cron schedule '0 */6 * * *' (one call per run)" });
  const annotated = estimateSite(site({ annotation: 'batch 50/day' }), DEFAULT_OPTIONS, ctx);
  assert.equal(annotated.callsPerDay, 50);
  assert.deepEqual(annotated.volume, { kind: 'annotation', comment: 'batchwise: batch 50/day' });
  const once = estimateSite(site({ annotation: 'batch 1/day' }), DEFAULT_OPTIONS);
  assert.match(once.assumptions.join('\n'), /Volume: 1 call\/day, from the comment/);
});

test('a long run without whitespace is counted in slices: close to the exact count, and in bounded time', () => {
  // Exact counts straight from js-tiktoken, for comparison (a 2,000-letter run still takes under a second whole).
  const exact = new Tiktoken(o200kBase);
  const blob = Buffer.from('a deterministic blob of bytes, base64 encoded, as prompts sometimes embed them. '.repeat(40)).toString('base64');
  const texts = [`Describe this image: ${blob.slice(0, 3000)} in two lines.`, 'q'.repeat(2000), `${'='.repeat(600)} ${'k'.repeat(300)}`];
  for (const text of texts) {
    const whole = exact.encode(text, [], []).length;
    const counted = countTokens(text, 'gpt-4o');
    // At most MAX_ERROR_PER_CUT per slice boundary.
    assert.ok(Math.abs(counted - whole) <= Math.ceil(text.length / SLICE_BYTES) * MAX_ERROR_PER_CUT, `${counted} counted vs ${whole} exact for ${text.slice(0, 40)}…`);
  }
  // Text without such a run is counted exactly, as one piece.
  const prose = 'Summarize the ticket below in one sentence. '.repeat(100);
  assert.equal(countTokens(prose, 'gpt-4o'), exact.encode(prose, [], []).length);
  // 50,000 of one letter: whole, this takes minutes; sliced, well under a second.
  const run = countTokens('x'.repeat(50_000), 'gpt-4o');
  assert.ok(run > 50_000 / 16 && run < 50_000, String(run));
});

test('fmt writes every number as Intl.NumberFormat en-US does (whole numbers grouped by hand, the rest by Intl)', () => {
  const intl = new Intl.NumberFormat('en-US');
  const values = [0, -0, 1, 9, 10, 99, 100, 999, 1000, 1001, 12345, 123456, 1234567, -1, -999, -1000, -1234567, 0.5, 1234.567, -0.25, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60, 1e21, Infinity, -Infinity, NaN];
  let x = 1;
  for (let i = 0; i < 60; i++) values.push((x = Math.floor(x * 1.7) + i), -x);
  for (const v of values) assert.equal(fmt(v), intl.format(v), String(v));
});
