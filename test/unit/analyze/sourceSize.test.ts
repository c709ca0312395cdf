// The size limit is on code, not on text: a file that is mostly one prompt literal is parsed whatever
// its size (up to MAX_SOURCE_BYTES), one with more code than MAX_PARSE_BYTES is skipped with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { codeLength, MAX_PARSE_BYTES, MAX_SOURCE_BYTES, parseSource, unparseableReason } from '../../../src/core/parse/parse';

test('codeLength counts the code, not string and template literals, regular expressions or comments', () => {
  // const(5) a(1) =(1) ;(1)
  assert.equal(codeLength("const a = 'a long string literal';"), 8);
  // let(3) b(1) =(1) x(1) ;(1): the template's text on both sides of the hole is literal.
  assert.equal(codeLength('let b = `before ${x} after`;'), 7);
  // A hole holding braces: `{`, `a`, `:`, `1`, `}`, `.`, `a` are code, and the template goes on after it.
  assert.equal(codeLength('`x${ {a:1}.a }y`'), 7);
  // const(5) r(1) =(1) ;(1): the regex, quotes and backtick inside it included, is a literal.
  assert.equal(codeLength("const r = /['\"`]/g;"), 8);
  // a / b: a slash after an operand divides.
  assert.equal(codeLength('a / b // a comment with a quote \''), 3);
  // It stops counting once past the limit.
  assert.ok(codeLength('x;'.repeat(1000), 100) <= 102);
});

test('a file over the code limit is skipped, one as large that is mostly a prompt literal is parsed and analysed', () => {
  const prompt = Array.from({ length: 60_000 }, (_, i) => `${i}. Summarise the ticket in one line and name its product area.`).join('\n');
  const literal = `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport async function run() {\n  const prompt = \`${prompt}\`;\n  await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: prompt }] });\n}\n`;
  assert.ok(literal.length > 2 * MAX_PARSE_BYTES);
  assert.equal(unparseableReason(literal), null);
  const findings = new Analyzer({ files: ['big.ts'], read: () => literal }, DEFAULT_OPTIONS).run().findings;
  assert.equal(findings.length, 1);
  const code = `export const table = [\n${'  [1, 2, 3, 4, 5, 6, 7, 8],\n'.repeat(100_000)}];\n`;
  assert.ok(code.length > MAX_PARSE_BYTES && code.length < MAX_SOURCE_BYTES);
  // The cheap checks pass it (it is not minified); the parse refuses it, with the reason.
  assert.equal(unparseableReason(code), null);
  const parsed = parseSource('table.ts', code);
  assert.match(!parsed.ok ? parsed.message : '', /^skipped: \d\.\d MB with over 1\.5 MB of code outside string literals is over the limit for source files$/);
  assert.match(unparseableReason('x'.repeat(MAX_SOURCE_BYTES + 1)) ?? '', /is over the 16 MB limit for source files/);
});
