// Token-counting throughput on the inputs that used to be quadratic: long runs of whitespace, CJK and
// Hangul text, base64, one repeated letter, repeated punctuation, uppercase, emoji; and prose and code
// for comparison. For each kind it prints MB/s at two sizes (a linear counter keeps the same rate when
// the input grows fourfold), by CPU time (this process's own, so a machine shared with other work
// changes it less than wall time) and by wall time, and, on a 4 KB sample, the sliced count against the
// exact one (js-tiktoken encoding the whole text). Then a 5 MB prompt literal, counted whole and as the
// estimate counts it. A figure, not a test: nothing here passes or fails.
//   npx tsc -p tsconfig.test.json && node out/bench/tokens.js [--size-kb 1024]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { countPromptTokens, countWithEncoding, MAX_PIECE_BYTES, SLICE_BYTES } from '../src/core/estimate/tokens';

const sizeKb = Number(process.argv[process.argv.indexOf('--size-kb') + 1]) || 1024;

let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = (chars: string, n: number) => Array.from({ length: n }, () => chars[Math.floor(random() * chars.length)]).join('');
const repo = join(__dirname, '..', '..');

const KINDS: Record<string, (n: number) => string> = {
  spaces: (n) => ' '.repeat(n),
  'tabs and newlines': (n) => '\t\n'.repeat(n / 2),
  'mixed whitespace': (n) => pick(' \t \n  \r\n', n),
  CJK: (n) => pick('日本語のテキストを要約してください東京大阪名古屋京都福岡札幌仙台広島中文文本摘要', n / 3),
  Hangul: (n) => pick('한국어텍스트요약서울부산대구인천광주', n / 3),
  base64: (n) => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', n),
  'one letter': (n) => 'x'.repeat(n),
  'repeated =': (n) => '='.repeat(n),
  'punctuation': (n) => pick('!?.,;:-_*#()[]{}<>', n),
  uppercase: (n) => 'ABCDEFGHIJ'.repeat(n / 10),
  emoji: (n) => '🚀✨🎉'.repeat(n / 12),
  prose: (n) => 'Summarize the support ticket below in one sentence, keeping names and dates. '.repeat(n / 78),
  code: (n) => {
    const src = readFileSync(join(repo, 'src', 'core', 'classify', 'walker.ts'), 'utf8');
    return src.repeat(Math.ceil(n / src.length)).slice(0, n);
  },
};

function rate(text: string): { cpuMbps: number; wallMbps: number; cpuMs: number; tokens: number } {
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  const tokens = countWithEncoding(text, 'o200k_base');
  const wallMs = Number(process.hrtime.bigint() - wall) / 1e6;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const mb = Buffer.byteLength(text) / 1e6;
  return { cpuMbps: mb / (cpuMs / 1000), wallMbps: mb / (wallMs / 1000), cpuMs, tokens };
}

countWithEncoding('warm up: builds the encoding', 'o200k_base');
const exact = new Tiktoken(o200kBase);
console.log(`token counting (o200k_base, js-tiktoken): pieces up to ${MAX_PIECE_BYTES} bytes whole, longer ones in ${SLICE_BYTES}-byte slices; sizes ${sizeKb / 4} KB and ${sizeKb} KB`);
console.log(
  `${'input'.padEnd(18)} ${'CPU MB/s small'.padStart(14)} ${'CPU MB/s large'.padStart(14)} ${'wall MB/s large'.padStart(15)} ${'large CPU ms'.padStart(12)}   4 KB sample: sliced vs exact`,
);
let worst = { kind: '', mbps: Infinity };
for (const [kind, make] of Object.entries(KINDS)) {
  const small = rate(make((sizeKb / 4) * 1024));
  const large = rate(make(sizeKb * 1024));
  if (large.cpuMbps < worst.mbps) worst = { kind, mbps: large.cpuMbps };
  const sample = make(4096);
  const whole = exact.encode(sample, [], []).length;
  const sliced = countWithEncoding(sample, 'o200k_base');
  console.log(
    `${kind.padEnd(18)} ${small.cpuMbps.toFixed(2).padStart(14)} ${large.cpuMbps.toFixed(2).padStart(14)} ${large.wallMbps.toFixed(2).padStart(15)} ${large.cpuMs.toFixed(0).padStart(12)}   ${sliced} vs ${whole} (${sliced - whole >= 0 ? '+' : ''}${sliced - whole})`,
  );
}
console.log(`slowest (CPU): ${worst.kind}, ${worst.mbps.toFixed(2)} MB/s`);

const prompt = KINDS.prose(5 * 1024 * 1024);
const whole = rate(prompt);
console.log(`5 MB prompt literal, counted whole: ${whole.tokens} tokens, ${whole.cpuMs.toFixed(0)} ms CPU, ${whole.cpuMbps.toFixed(2)} MB/s`);
const cpu = process.cpuUsage();
const estimated = countPromptTokens(prompt, 'gpt-4o');
const used = process.cpuUsage(cpu);
console.log(
  `5 MB prompt literal, as the estimate counts it: ${estimated.tokens} tokens (${estimated.basis}, ${estimated.countedChars ?? prompt.length} characters counted), ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`,
);
