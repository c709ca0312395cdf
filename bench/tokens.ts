// Token-counting throughput on the inputs that used to be quadratic: long runs of whitespace, CJK and
// Hangul text, base64, one repeated letter, repeated punctuation, uppercase, emoji; and prose and code
// for comparison. For each kind it prints MB/s at two sizes (a linear counter keeps the same rate when
// the input grows fourfold) and, on a 4 KB sample, the sliced count against the exact one (js-tiktoken,
// encoding the whole text). A figure, not a test: nothing here passes or fails.
//   npm run compile-tests && node out/bench/tokens.js [--size-kb 1024]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { countWithEncoding, MAX_PIECE_BYTES } from '../src/core/estimate/tokens';

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
    const src = readFileSync(join(repo, 'src', 'core', 'classify', 'classify.ts'), 'utf8');
    return src.repeat(Math.ceil(n / src.length)).slice(0, n);
  },
};

function rate(text: string): { mbps: number; ms: number; tokens: number } {
  const t = process.hrtime.bigint();
  const tokens = countWithEncoding(text, 'o200k_base');
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { mbps: Buffer.byteLength(text) / 1e6 / (ms / 1000), ms, tokens };
}

countWithEncoding('warm up: builds the encoding', 'o200k_base');
const exact = new Tiktoken(o200kBase);
console.log(`token counting (o200k_base), slices of ${MAX_PIECE_BYTES} bytes; sizes ${sizeKb / 4} KB and ${sizeKb} KB`);
console.log(`${'input'.padEnd(18)} ${'MB/s small'.padStart(10)} ${'MB/s large'.padStart(10)} ${'large ms'.padStart(9)}   4 KB sample: sliced vs exact`);
let worst = Infinity;
for (const [kind, make] of Object.entries(KINDS)) {
  const small = rate(make((sizeKb / 4) * 1024));
  const large = rate(make(sizeKb * 1024));
  worst = Math.min(worst, large.mbps);
  const sample = make(4096);
  const whole = exact.encode(sample, [], []).length;
  const sliced = countWithEncoding(sample, 'o200k_base');
  console.log(
    `${kind.padEnd(18)} ${small.mbps.toFixed(2).padStart(10)} ${large.mbps.toFixed(2).padStart(10)} ${large.ms.toFixed(0).padStart(9)}   ${sliced} vs ${whole} (${sliced - whole >= 0 ? '+' : ''}${sliced - whole})`,
  );
}
console.log(`slowest: ${worst.toFixed(2)} MB/s`);
