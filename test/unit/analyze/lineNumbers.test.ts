import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineNumberAt, lineTableChars } from '../../../src/core/parse/lineNumbers';

// The definition: one more than the line breaks (LF, CRLF, a lone CR) before the offset; a CR whose LF is
// past the offset has not ended its line yet.
const bySplit = (text: string, offset: number) => (text[offset] === '\n' ? text.slice(0, offset).replace(/\r$/, '') : text.slice(0, offset)).split(/\r\n|\r|\n/).length;

test('lineNumberAt counts the line breaks (LF, CRLF, CR) before an offset, at every offset of texts with LF, CRLF, CR-only and no breaks', () => {
  const texts = ['', 'one line', 'a\nb\nc', '\n\n\n', 'a\r\nb\r\n\r\nc', 'a\rb\rc', 'x\n', '\nx', 'mixed\r\nbreaks\rhere\nand\u2028there'];
  for (const text of texts) {
    for (let offset = 0; offset <= text.length + 2; offset++) {
      assert.equal(lineNumberAt(text, offset), bySplit(text, offset), `${JSON.stringify(text)} at ${offset}`);
    }
  }
});

test('lineNumberAt answers for two texts asked in turn (the table is kept per text)', () => {
  const a = 'a\nb\nc\nd';
  const b = 'x\ny';
  assert.equal(lineNumberAt(a, 6), 4);
  assert.equal(lineNumberAt(b, 2), 2);
  assert.equal(lineNumberAt(a, 2), 2);
  assert.equal(lineNumberAt(b, 0), 1);
});

test('a CR-only file has its lines, a CRLF pair is one break, LS and PS are not breaks', () => {
  assert.equal(lineNumberAt('a\rb\rc', 4), 3);
  assert.equal(lineNumberAt('a\r\nb', 3), 2);
  assert.equal(lineNumberAt('a\r\nb', 2), 1);
  assert.equal(lineNumberAt('a\u2028b\u2029c', 4), 1);
});

test('lineNumberAt agrees with the split on a generated text of many lines', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  let text = '';
  for (let i = 0; i < 3000; i++) text += rand() < 0.2 ? '\n' : rand() < 0.1 ? '\r\n' : 'abcdefgh'[Math.floor(rand() * 8)];
  for (let k = 0; k < 400; k++) {
    const offset = Math.floor(rand() * (text.length + 1));
    assert.equal(lineNumberAt(text, offset), bySplit(text, offset), `at ${offset}`);
  }
});

test('lineNumberAt answers right for texts asked in turn, more of them than it keeps tables for', () => {
  const texts = Array.from({ length: 12 }, (_, k) => Array.from({ length: k + 3 }, (_, i) => `line ${i} of text ${k}`).join(k % 2 ? '\r\n' : '\n'));
  for (let round = 0; round < 3; round++) {
    for (const [k, text] of texts.entries()) {
      const last = text.lastIndexOf('line');
      assert.equal(lineNumberAt(text, last), k + 3, `text ${k}, round ${round}`);
      assert.equal(lineNumberAt(text, 0), 1);
    }
  }
});

test('the tables kept hold at most 4,000,000 characters of text alive, the newest text always answered', () => {
  // Two 3 MB texts in turn: the second evicts the first (a language server must not keep whole files for line numbers).
  const big = (k: number) => `line one ${k}\n` + 'x'.repeat(3_000_000) + '\nlast';
  for (let k = 0; k < 3; k++) {
    const text = big(k);
    assert.equal(lineNumberAt(text, text.length - 1), 3);
    assert.ok(lineTableChars() <= 4_000_000, `${lineTableChars()} characters kept`);
  }
  // A text larger than the bound alone is still answered, and the next one replaces it.
  const huge = 'a\n'.repeat(2_500_000);
  assert.equal(lineNumberAt(huge, huge.length - 1), 2_500_000);
  assert.equal(lineNumberAt('a\nb', 2), 2);
  assert.ok(lineTableChars() <= 4_000_000, `${lineTableChars()} characters kept after a small text`);
});
