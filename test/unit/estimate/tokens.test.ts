// Token counting: exact where no pre-tokenizer piece is long (checked against js-tiktoken encoding the
// whole text at once), within a stated bound on long runs of every kind, linear in its input (the
// byte-pair merge never sees a piece over MAX_PIECE_BYTES), and bounded per text and per file, with
// every count that is not exact said so in the estimate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import {
  countingUnits,
  countPromptTokens,
  countWithEncoding,
  EncodingName,
  FILE_COUNT_BUDGET_CHARS,
  fileCountBudget,
  MAX_COUNTED_CHARS,
  MAX_ERROR_PER_CUT,
  MAX_PIECE_BYTES,
  SLICE_BYTES,
  useTokenCounter,
} from '../../../src/core/estimate/tokens';
import { estimateSite } from '../../../src/core/estimate';
import { CallSite, DEFAULT_OPTIONS } from '../../../src/core/model';
import { callSite } from '../helpers';

const EXACT: Record<EncodingName, Tiktoken> = { o200k_base: new Tiktoken(o200kBase), cl100k_base: new Tiktoken(cl100kBase) };
const exact = (text: string, encoding: EncodingName) => EXACT[encoding].encode(text, [], []).length;
const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base'];
const PIECES: Record<EncodingName, RegExp> = {
  o200k_base: new RegExp(o200kBase.pat_str, 'gu'),
  cl100k_base: new RegExp(cl100kBase.pat_str, 'gu'),
};
const bytes = (s: string) => Buffer.byteLength(s);

let seed = 11;
const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = (parts: readonly string[], n: number) => Array.from({ length: n }, () => parts[Math.floor(random() * parts.length)]).join('');

/** Runs of every kind that is one long pre-tokenizer piece, each ~1.5 KB (small enough to encode whole for the comparison). */
const RUNS: Record<string, string> = {
  spaces: ' '.repeat(1500),
  'tabs and newlines': '\t\n'.repeat(750),
  'mixed whitespace': pick([' ', '\t', '\n', '  ', '\r\n'], 1000),
  CJK: pick([...'日本語のテキストを要約してください東京大阪名古屋京都福岡札幌仙台広島中文文本摘要'], 500),
  Hangul: pick([...'한국어텍스트요약서울부산대구인천광주'], 500),
  base64: pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'], 1500),
  'one letter': 'x'.repeat(1500),
  'repeated =': '='.repeat(1500),
  punctuation: pick([...'!?.,;:-_*#()[]{}<>'], 1500),
  uppercase: 'ABCDEFGHIJ'.repeat(150),
  emoji: pick(['🚀', '✨', '🎉', '👍🏽'], 350),
  'compound word': 'Donaudampfschifffahrtsgesellschaftskapitän'.repeat(35),
};

test('exact wherever no piece is long: the same count as js-tiktoken, both encodings, on 1,000 seeded texts', () => {
  const parts = [' ', '  ', '\n', '\n\n', '\t', '\r\n', 'a', 'B', 'hello', ' world', 'Über', '1', '23', '4567', '.', '!!', ' —', '日本', 'é', "'s", "'LL", '🚀', '=', '  x', ' 1', '\t1', '<|endoftext|>', ' \u00a0', 'x\u0301'];
  for (let i = 0; i < 1000; i++) {
    const text = pick(parts, Math.floor(random() * 300));
    for (const encoding of ENCODINGS) assert.equal(countWithEncoding(text, encoding), exact(text, encoding), `${encoding}: ${JSON.stringify(text.slice(0, 80))}`);
  }
  // Long texts made of short pieces are encoded in stretches; still exact.
  const prose = 'Summarize the ticket below in one sentence.  Keep names\tand 2,048 numbers!\n\n'.repeat(400);
  for (const encoding of ENCODINGS) assert.equal(countWithEncoding(prose, encoding), exact(prose, encoding));
});

for (const [kind, run] of Object.entries(RUNS)) {
  test(`a long run (${kind}): within ${MAX_ERROR_PER_CUT} tokens per cut of the exact count, in the text and on its own`, () => {
    for (const text of [run, `Describe this: ${run} in two lines.`]) {
      const cuts = Math.ceil(bytes(run) / SLICE_BYTES);
      const counted = countWithEncoding(text, 'o200k_base');
      const whole = exact(text, 'o200k_base');
      assert.ok(Math.abs(counted - whole) <= MAX_ERROR_PER_CUT * cuts, `${counted} counted vs ${whole} exact over ${cuts} cuts`);
    }
  });
}

test('linear: every string the merge sees holds pieces of at most MAX_PIECE_BYTES, and together they are the text once', () => {
  for (const [kind, run] of Object.entries(RUNS)) {
    const text = `${run}${run.slice(0, 100)} and then ${run.repeat(40)}`; // ~60 KB, runs far longer than a slice
    for (const encoding of ENCODINGS) {
      const units = [...countingUnits(text, encoding)];
      assert.equal(units.join(''), text, `${kind}: the units are the text, in order, once`);
      for (const unit of units) {
        for (const m of unit.matchAll(PIECES[encoding])) assert.ok(bytes(m[0]) <= MAX_PIECE_BYTES, `${kind}/${encoding}: a ${bytes(m[0])}-byte piece reached the merge`);
      }
    }
  }
});

test('large inputs are counted: 1 MB of spaces and 64 KB of CJK within the per-cut bound of the exact rate, a 5 MB literal by its first 64,000 characters', () => {
  for (const [kind, unit, size] of [['spaces', RUNS.spaces, 1 << 20], ['CJK', RUNS.CJK, 64 << 10]] as const) {
    // The exact count of a ~1.5 KB run, scaled: a run of one kind has the same tokens per byte at any length.
    const text = unit.repeat(Math.ceil(size / bytes(unit)));
    const expected = (exact(unit, 'o200k_base') * bytes(text)) / bytes(unit);
    const counted = countWithEncoding(text, 'o200k_base');
    const cuts = Math.ceil(bytes(text) / SLICE_BYTES);
    assert.ok(Math.abs(counted - expected) <= MAX_ERROR_PER_CUT * cuts, `${kind}: ${counted} counted vs ${expected} expected over ${cuts} cuts`);
  }
  // A paragraph ends in a newline before a letter: a piece boundary, so the literal's exact count is the paragraph's times its repeats.
  const paragraph = 'Summarize the support ticket below in one sentence, keeping names and dates.\n';
  const repeats = Math.ceil((5 << 20) / paragraph.length);
  const literal = countPromptTokens(paragraph.repeat(repeats), 'gpt-4o');
  assert.equal(literal.basis, 'extrapolated');
  assert.equal(literal.countedChars, MAX_COUNTED_CHARS);
  const whole = exact(paragraph, 'o200k_base') * repeats;
  assert.ok(Math.abs(literal.tokens - whole) <= whole * 0.001, `${literal.tokens} vs ${whole}`);
});

test('a text over MAX_COUNTED_CHARS is counted up to there and scaled; a file has a budget, a repeated text costs it once', () => {
  const long = 'Summarize the ticket below in one sentence. '.repeat(Math.ceil((MAX_COUNTED_CHARS * 1.5) / 44));
  const scaled = countPromptTokens(long, 'gpt-4o');
  assert.equal(scaled.basis, 'extrapolated');
  assert.equal(scaled.countedChars, MAX_COUNTED_CHARS);
  assert.ok(Math.abs(scaled.tokens - exact(long, 'o200k_base')) <= 2, `${scaled.tokens} vs ${exact(long, 'o200k_base')}`);

  const budget = fileCountBudget();
  const texts = Array.from({ length: 8 }, (_, i) => `Prompt ${i}: ${'describe the weather in detail. '.repeat(1000)}`); // ~32 KB each
  const counts = texts.map((t) => countPromptTokens(t, 'gpt-4o', budget));
  assert.deepEqual(counts.map((c) => c.basis), ['counted', 'counted', 'counted', 'extrapolated', 'over-budget', 'over-budget', 'over-budget', 'over-budget']);
  assert.ok(budget.chars <= 0 && FILE_COUNT_BUDGET_CHARS === 128_000);
  // A text counted before is known: it costs no budget, even an exhausted one.
  assert.deepEqual(countPromptTokens(texts[0], 'gpt-4o', budget), counts[0]);
});

test('a counter that gives no count: the text is approximated, said so, and not counted here', () => {
  const asked: string[] = [];
  useTokenCounter((text) => {
    asked.push(text);
    return undefined;
  });
  try {
    const text = 'A prompt the worker never answered. '.repeat(50);
    assert.deepEqual(countPromptTokens(text, 'gpt-4o'), { tokens: Math.ceil(bytes(text) / 4), basis: 'not-counted' });
    assert.deepEqual(asked, [text]);
  } finally {
    useTokenCounter(null);
  }
});

function site(literalText: string): CallSite {
  return callSite({ request: { literalText, dynamicParts: 0, maxOutputTokens: 100, choices: null } });
}

test('the estimate states every count that is not exact', () => {
  const long = 'x y '.repeat(MAX_COUNTED_CHARS / 2);
  assert.match(estimateSite(site(long), DEFAULT_OPTIONS).assumptions.join('\n'), /first 64,000 characters were counted and the count scaled/);
  const spent = { chars: 0 };
  assert.match(estimateSite(site('a new prompt, never counted'), DEFAULT_OPTIONS, { countBudget: spent }).assumptions.join('\n'), /passed the 128,000 characters counted per file\): approximated/);
  useTokenCounter(() => undefined);
  try {
    const text = estimateSite(site('and another one, never counted'), DEFAULT_OPTIONS).assumptions.join('\n');
    assert.match(text, /not counted \(the token counter gave no count in time\): approximated as one token per 4 bytes/);
    assert.match(text, /tokens estimated from the literal prompt text/);
  } finally {
    useTokenCounter(null);
  }
  assert.doesNotMatch(estimateSite(site('hello world'), DEFAULT_OPTIONS).assumptions.join('\n'), /approximated|scaled/);
});
