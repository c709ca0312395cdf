// Moving code to another depth changes its indentation, never a literal's text: a template literal's
// later lines, or a string continued with a backslash, keep their leading whitespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { literalLineStarts, reindentLines } from '../../../src/core/rewrite/reindent';

const dedent2 = (line: string) => line.replace(/^ {0,2}/, '');

test('lines inside a template literal keep their indentation; code lines move', () => {
  const moved = "({\n    system: `one\n    two`,\n    user: 'x',\n  })";
  assert.equal(reindentLines('a.ts', moved, dedent2), "({\n  system: `one\n    two`,\n  user: 'x',\n})");
  assert.equal(reindentLines('a.ts', moved, (l) => `  ${l}`), "({\n      system: `one\n    two`,\n      user: 'x',\n    })");
});

test('a template with substitutions, nested templates and a string continued by a backslash', () => {
  const text = "f(`a ${x}\n   b ${`in\n     ner`}\n c`,\n    'long \\\n      line')";
  const starts = literalLineStarts('a.ts', text)!;
  const lineStarts = [...text.matchAll(/\n/g)].map((m) => m.index! + 1);
  // Every line but the last starts inside a literal; the last (`      line')`) is inside the string too.
  assert.deepEqual(lineStarts.map((s) => starts.has(s)), [true, true, true, false, true]);
  assert.equal(reindentLines('a.ts', text, dedent2), "f(`a ${x}\n   b ${`in\n     ner`}\n c`,\n  'long \\\n      line')");
});

test('statements (a moved declaration) are read as well as expressions', () => {
  assert.equal(reindentLines('a.ts', 'const s = `x\n    y`;\n    const t = 1;', dedent2), 'const s = `x\n    y`;\n  const t = 1;');
});

test('text that is not code keeps every line as it was; text without a literal changes every line', () => {
  assert.equal(reindentLines('a.ts', '`unclosed\n    x', dedent2), '`unclosed\n    x');
  assert.deepEqual([...literalLineStarts('a.ts', 'a(\n  b)')!], []);
  assert.equal(reindentLines('a.ts', 'a(\n    b)', dedent2), 'a(\n  b)');
});
