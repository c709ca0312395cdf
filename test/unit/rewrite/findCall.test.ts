// findCall answers from an index of the tree's calls made once (a walk per look-up made a file of
// 4,000 calls quadratic): it must still find exactly the call at a range, nested and chained calls
// included, in any tree it is given, and nothing where there is no call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AST_NODE_TYPES as T, parseSource, TSESTree } from '../../../src/core/parse/parse';
import { visit } from '../../../src/core/parse/walk';
import { findCall } from '../../../src/core/rewrite/loopHoist';

function parse(text: string): TSESTree.Program {
  const parsed = parseSource('main.ts', text);
  assert.ok(parsed.ok);
  return parsed.ast;
}

test('findCall finds each call of a tree by its range: nested, chained, in callbacks', () => {
  const text = [
    "const a = outer(inner(deepest()), other());",
    "void p.then((x) => handle(x)).catch(log).finally(() => done());",
    "export async function f() { for (const x of xs) await client.chat.completions.create({ model: pick(x) }); }",
  ].join('\n');
  const ast = parse(text);
  const calls: TSESTree.CallExpression[] = [];
  visit(ast, (n) => void (n.type === T.CallExpression && calls.push(n)));
  assert.equal(calls.length, 11);
  for (const call of calls) assert.equal(findCall(ast, call.range), call, text.slice(call.range[0], call.range[1]));
  // Ranges of nodes that are not calls, and of nothing at all.
  const identifier = ast.body[0].type === T.VariableDeclaration ? ast.body[0].declarations[0].id : null;
  assert.ok(identifier);
  assert.equal(findCall(ast, identifier.range), null);
  assert.equal(findCall(ast, [text.length + 5, text.length + 9]), null);
});

test('findCall answers for the tree it is given, not for another tree of the same text', () => {
  const text = 'run(1);\nrun(2);';
  const first = parse(text);
  const second = parse(text);
  const inFirst = findCall(first, [0, 6]);
  const inSecond = findCall(second, [0, 6]);
  assert.ok(inFirst && inSecond);
  assert.notEqual(inFirst, inSecond);
  assert.equal(inSecond, (second.body[0] as TSESTree.ExpressionStatement).expression);
  // A subtree can be asked too: only its own calls are in its answer.
  const statement = second.body[1];
  assert.equal(findCall(statement, [8, 14]), (statement as TSESTree.ExpressionStatement).expression);
  assert.equal(findCall(statement, [0, 6]), null);
});
