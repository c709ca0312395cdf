// The tree walks every stage relies on: children and visits come in source order (the parser builds
// its nodes with alphabetical keys, so `arguments` came before `callee` and `alternate` before `test`),
// each node once with its parent, type annotations left out, and a `false` from the visitor skips a
// subtree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AST_NODE_TYPES as T, parseSource, TSESTree } from '../../../src/core/parse/parse';
import { childrenOf, indexParents, visit, type Node } from '../../../src/core/parse/walk';

function parse(text: string, file = 'main.tsx'): TSESTree.Program {
  const parsed = parseSource(file, text);
  assert.ok(parsed.ok);
  return parsed.ast;
}

const TEXT = [
  'if (a(b, c)) d(); else e ? f : g;',
  'for (let i = h; i < j; i++) k[l] = m`${n}o${p}`;',
  'class Q extends R { s(t: U = v): W { return x?.y(z); } }',
  'try { aa() } catch (bb) { cc } finally { dd }',
  'const ee = <Ff gg={hh}>{ii}<Jj /></Ff>;',
  'switch (kk) { case ll: mm; default: nn }',
].join('\n');

test('visit meets every node once, in source order, with its parent', () => {
  const ast = parse(TEXT);
  const seen: Node[] = [];
  const parents = indexParents(ast);
  visit(ast, (node, parent) => {
    seen.push(node);
    assert.equal(parent, parents.get(node) ?? null, `${node.type} at ${node.range[0]}`);
  });
  assert.equal(new Set(seen).size, seen.length);
  assert.equal(seen.length, parents.size + 1);
  // A parent starts before its children; siblings come left to right (a template's text parts, listed
  // apart from its expressions, aside).
  const coded = seen.filter((n) => n.type !== T.TemplateElement);
  for (let i = 1; i < coded.length; i++) {
    const [prev, node] = [coded[i - 1], coded[i]];
    const nested = prev.range[0] <= node.range[0] && node.range[1] <= prev.range[1];
    assert.ok(nested || prev.range[1] <= node.range[0], `${prev.type} [${prev.range}] before ${node.type} [${node.range}]`);
  }
  const names = seen.filter((n): n is TSESTree.Identifier | TSESTree.JSXIdentifier => n.type === T.Identifier || n.type === T.JSXIdentifier).map((n) => n.name);
  // As they are written; the annotated types U and W left out.
  const written = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'i', 'h', 'i', 'j', 'i', 'k', 'l', 'm', 'n', 'p', 'Q', 'R', 's', 't', 'v', 'x', 'y', 'z', 'aa', 'bb', 'cc', 'dd', 'ee', 'Ff', 'gg', 'hh', 'ii', 'Jj', 'Ff', 'kk', 'll', 'mm', 'nn'];
  assert.deepEqual(names, written);
});

test('childrenOf lists a call’s callee before its arguments and an if’s test before its branches', () => {
  const [stmt] = parse('if (t) c(x, y); else a;').body;
  assert.equal(stmt.type, T.IfStatement);
  assert.deepEqual(childrenOf(stmt).map((n) => n.range[0]), [4, 7, 21]);
  const call = (stmt.consequent as TSESTree.ExpressionStatement).expression;
  assert.deepEqual(childrenOf(call).map((n) => (n as TSESTree.Identifier).name), ['c', 'x', 'y']);
});

test('a false from the visitor skips the subtree, not its siblings', () => {
  const ast = parse('f(function g() { h(); }, i);');
  const names: string[] = [];
  visit(ast, (node) => {
    if (node.type === T.FunctionExpression) return false;
    if (node.type === T.Identifier) names.push(node.name);
    return undefined;
  });
  assert.deepEqual(names, ['f', 'i']);
});
