// What a loop's count and a one-off script are, read from code: each case could go either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oneOffScript } from '../../../src/core/classify/oneOff';
import { collectionCount, loopCount } from '../../../src/core/classify/loopCount';
import { SyntaxModel } from '../../../src/core/syntax/model';
import { visit, type Node } from '../../../src/core/parse/walk';
import { AST_NODE_TYPES as T, parseSource } from '../../../src/core/parse/parse';

test('one-off scripts: folders, file names, npm script names; not a seedling or a migration helper library name', () => {
  assert.match(oneOffScript('db/migrations/0001-init.ts')!, /under migrations\//);
  assert.match(oneOffScript('scripts/backfill/run.ts')!, /under backfill\//);
  assert.match(oneOffScript('scripts/seed.ts')!, /by its name/);
  assert.match(oneOffScript('scripts/migrate-users.mjs')!, /by its name/);
  assert.match(oneOffScript('scripts/backfillEmbeddings.ts')!, /by its name/);
  assert.match(oneOffScript('scripts/one-off-fix.ts')!, /by its name/);
  assert.match(oneOffScript('scripts/job.ts', 'db:seed')!, /npm script `db:seed`/);
  assert.match(oneOffScript('scripts/job.ts', 'backfill:embeddings')!, /npm script/);
  assert.equal(oneOffScript('src/seedling.ts'), null);
  assert.equal(oneOffScript('scripts/nightly.ts', 'summarize'), null);
  assert.equal(oneOffScript('scripts/job.ts', 'reseeded'), null);
});

/** The count of the first loop in `code` (a for statement, or the first .map/.forEach call). */
function countOf(code: string): number | null {
  const parsed = parseSource('a.ts', `export {};\n${code}`);
  assert.ok(parsed.ok, 'parses');
  const fi = SyntaxModel.of(parsed);
  let found: number | null | undefined;
  visit(fi.ast, (node: Node) => {
    if (found !== undefined) return false;
    if (node.type === T.ForStatement) found = loopCount(fi, node, null)?.n ?? null;
    else if (node.type === T.ForOfStatement) found = loopCount(fi, node, node.right)?.n ?? null;
    else if (node.type === T.CallExpression && node.callee.type === T.MemberExpression && node.callee.property.type === T.Identifier && ['map', 'forEach'].includes(node.callee.property.name)) {
      found = collectionCount(fi, node.callee.object, 0)?.n ?? null;
    }
    return undefined;
  });
  return found ?? null;
}

test('loop counts: the shapes the code writes, and the ones it does not', () => {
  assert.equal(countOf(`for (let i = 0; i < 30; i++) f(i);`), 30);
  assert.equal(countOf(`for (let i = 1; i <= 30; i += 2) f(i);`), 15);
  assert.equal(countOf(`const N = 12; for (let i = 0; N > i; i++) f(i);`), 12);
  assert.equal(countOf(`const xs = ['a', 'b', 'c']; for (let i = 0; i < xs.length; i++) f(xs[i]);`), 3);
  assert.equal(countOf(`for (let i = 0; i < n; i++) f(i);`), null);
  assert.equal(countOf(`for (const k of Object.keys({ a: 1, b: 2 })) f(k);`), 2);
  assert.equal(countOf(`for (const x of Array.from({ length: 5 })) f(x);`), 5);
  assert.equal(countOf(`for (const x of ['a', 'b', 'c', 'd'].slice(1)) f(x);`), 3);
  assert.equal(countOf(`for (const x of ['a', 'b'].slice(0, 50)) f(x);`), 2, 'a slice past the end keeps the list');
  assert.equal(countOf(`for (const x of items.slice(0, 50)) f(x);`), 50);
  assert.equal(countOf(`for (const x of items.slice(start, 50)) f(x);`), null);
  assert.equal(countOf(`['a', 'b', 'c'].filter(Boolean).map((x) => f(x));`), 3);
  assert.equal(countOf(`[...rest, 'b'].map((x) => f(x));`), null, 'a spread has no count');
  assert.equal(countOf(`const { rows } = await pool.query('SELECT * FROM t ORDER BY id LIMIT 100'); for (const r of rows) f(r);`), 100);
  assert.equal(countOf(`const r = await gql.query({ query: Q, variables: { first: 20 } }); for (const x of r) f(x);`), 20);
  assert.equal(countOf(`let xs = ['a']; for (const x of xs) f(x);`), null, 'a let may be reassigned');
  assert.equal(countOf(`const xs = ['a']; xs.length = 0; for (const x of xs) f(x);`), null);
  assert.equal(countOf(`for (const x of await db.select().from(t).limit(25)) f(x);`), 25);
});
