// Single-file inputs for the "no quadratic cost" goals: each family is a ladder of growing sizes, the
// last one the goal's input. The audit runs on a folder holding just that file; a ladder stops at the
// first input that runs past the time limit (larger ones would too).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SyntheticFamily {
  name: string;
  /** What one unit of size is. */
  unit: string;
  sizes: number[];
  source(size: number): string;
}

const HEADER = `import OpenAI from 'openai';\nconst client = new OpenAI();\n`;

function callWith(content: string, client = 'client'): string {
  return `await ${client}.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: ${content} }] });`;
}

/** Ordinary short lines after a long one, so the file is not taken for minified output and skipped. */
function filler(longest: number): string {
  const lines: string[] = [];
  for (let i = 0; i < Math.ceil(longest / 250); i++) lines.push(`export const note${i} = 'n${i}';`);
  return lines.join('\n') + '\n';
}

const SENTENCE = 'Summarise the following customer review in one line, keeping the product name and the overall sentiment.';

export const FAMILIES: SyntheticFamily[] = [
  {
    name: 'calls in one loop body',
    unit: 'calls',
    sizes: [300, 1200, 5000],
    source: (n) => {
      const body: string[] = [];
      for (let i = 0; i < n; i++) body.push(`    ${callWith(`\`Q${i}: \${item}\``)}`);
      return `${HEADER}export async function run(items: string[]) {\n  for (const item of items) {\n${body.join('\n')}\n  }\n}\n`;
    },
  },
  {
    // A loop that is not over a collection is checked for a tool loop (an answer asking for tools keeps
    // it going); that check walked the loop body once per call in it until the file's marks were kept.
    name: 'calls in one while loop (Promise.all)',
    unit: 'calls',
    sizes: [300, 1200, 5000],
    source: (n) => {
      const body: string[] = [];
      for (let i = 0; i < n; i++) body.push(`      ${callWith(`\`Q${i}: \${item}\``).replace(/^await /, '').replace(/;$/, ',')}`);
      return `${HEADER}export async function run(items: string[]) {\n  while (items.length) {\n    const item = items.pop();\n    await Promise.all([\n${body.join('\n')}\n    ]);\n  }\n}\n`;
    },
  },
  {
    // Each call looked for its `// batchwise: …` comment among all of the file's comments.
    name: 'calls with a comment above each',
    unit: 'calls',
    sizes: [300, 1200, 5000],
    source: (n) => {
      const body: string[] = [];
      for (let i = 0; i < n; i++) body.push(`    // step ${i}: ask the model\n    ${callWith(`\`Q${i}: \${item}\``)}`);
      return `${HEADER}export async function run(items: string[]) {\n  for (const item of items) {\n${body.join('\n')}\n  }\n}\n`;
    },
  },
  {
    // The parser found the token after each `export` by trying every statement before it (patches/):
    // quadratic in the file's exports, whatever Batchwise does with them.
    name: 'exported functions, one call each',
    unit: 'functions',
    sizes: [300, 1200, 5000],
    source: (n) => {
      const fns: string[] = [];
      for (let i = 0; i < n; i++) fns.push(`export async function job${i}(item: string) { return ${callWith(`'question ${i}' + item`).replace(/^await /, '').replace(/;$/, '')}; }`);
      return `${HEADER}${fns.join('\n')}\n`;
    },
  },
  {
    name: 'prompt literal (multi-line template)',
    unit: 'bytes',
    sizes: [300_000, 1_200_000, 5_000_000],
    source: (bytes) => {
      const lines: string[] = [];
      let size = 0;
      for (let i = 0; size < bytes; i++) {
        const line = `${i}. ${SENTENCE}`;
        lines.push(line);
        size += line.length + 1;
      }
      return `${HEADER}export async function run() {\n  const prompt = \`${lines.join('\n')}\`;\n  ${callWith('prompt')}\n}\n`;
    },
  },
  {
    name: 'whitespace run in a prompt',
    unit: 'chars',
    sizes: [1500, 6000, 25_000, 100_000],
    source: (n) => `${HEADER}export async function run() {\n  ${callWith(`'Summarise:${' '.repeat(n)}the end.'`)}\n}\n${filler(n)}`,
  },
  {
    name: 'CJK run in a prompt',
    unit: 'chars',
    sizes: [1500, 6000, 25_000, 100_000],
    source: (n) => {
      const phrase = '請總結以下客戶評論並保留產品名稱與整體情緒';
      const text = phrase.repeat(Math.ceil(n / phrase.length)).slice(0, n);
      return `${HEADER}export async function run() {\n  ${callWith(`'${text}'`)}\n}\n${filler(n)}`;
    },
  },
  {
    name: 'alias chain to the client',
    unit: 'aliases',
    sizes: [300, 1200, 5000],
    source: (n) => {
      const lines = ['const alias0 = client;'];
      for (let i = 1; i < n; i++) lines.push(`const alias${i} = alias${i - 1};`);
      return `${HEADER}${lines.join('\n')}\nexport async function run(item: string) {\n  ${callWith('`Q: ${item}`', `alias${n - 1}`)}\n}\n`;
    },
  },
];

/** The start-up cost every audit pays: one ordinary call in one file. */
export const BASELINE_SOURCE = `${HEADER}export async function run(item: string) {\n  ${callWith('`Q: ${item}`')}\n}\n`;

/** A throw-away folder holding one source file; returns the folder and a clean-up. */
export function writeInput(text: string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'bw-bench-synthetic-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'synthetic', private: true }));
  writeFileSync(join(dir, 'src', 'input.ts'), text);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Growth exponent between two sizes, from times less the start-up baseline; null when too small to tell. */
export function growthExponent(n1: number, t1: number, n2: number, t2: number, baseline: number): number | null {
  const a = t1 - baseline;
  const b = t2 - baseline;
  if (a < 0.05 || b < 0.05 || n2 <= n1) return null;
  return Math.log(b / a) / Math.log(n2 / n1);
}
