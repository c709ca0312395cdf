// How many times a loop the walker found runs, where the code writes the number: a literal list, a
// query with a literal bound (`take: 10`, `.limit(25)`, `.slice(0, 50)`, `LIMIT 100`), an index loop
// with literal bounds. Anything read at run time gives no count: the volume then stays assumed.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import type { Node } from '../parse/walk';
import { propertyName, unwrap } from '../syntax/nodes';
import type { SyntaxModel } from '../syntax/model';

/** A loop's iterations as the code states them: the number, and the words that say where it came from. */
export interface LoopCount {
  n: number;
  /** 'the literal list of 3', 'take: 10', '.slice(0, 50)', 'the index loop i < 30'. */
  what: string;
}

const MAX_HOPS = 6;
/** Options of a query or a list call that bound how many rows come back. */
const BOUND_KEYS = new Set(['take', 'limit', 'first', 'last', 'top', 'pageSize', 'page_size', 'perPage', 'per_page', 'maxResults', 'max_results']);
/** Query-builder methods whose one number argument bounds the rows: `.limit(25)`, `.take(10)`. */
const BOUND_METHODS = new Set(['limit', 'take']);
/** Calls that keep their receiver's items, one for one. */
const SAME_COUNT = new Set(['map', 'sort', 'reverse', 'entries', 'values', 'keys', 'toArray', 'exec', 'toSorted', 'toReversed', 'all', 'findMany', 'findAll', 'select', 'from', 'where', 'orderBy', 'order', 'lean']);
/** Calls that keep at most their receiver's items. */
const AT_MOST = new Set(['filter', 'flatMap']);
/** The rows of a query's result (`(await pool.query(…)).rows`, `{ data } = await supabase…`). */
const ROWS = new Set(['rows', 'data', 'items', 'results', 'records', 'docs', 'Items']);
/** Calls that change a list in place: a const list that is changed has no count. */
const MUTATORS = new Set(['push', 'unshift', 'splice', 'pop', 'shift', 'length']);
const SQL_LIMIT = /\blimit\s+(\d+)\s*(?:offset\s+\d+\s*)?;?\s*$/i;

/**
 * The count of a loop the walker found around a call: `loop` is the statement or the call that loops
 * (`xs.map(…)`, `pMap(xs, …)`), `iterated` what it walks, when known.
 */
export function loopCount(fi: SyntaxModel, loop: Node, iterated: Node | null): LoopCount | null {
  if (loop.type === T.ForStatement) return indexLoopCount(fi, loop) ?? (iterated ? collectionCount(fi, iterated, 0) : null);
  if (loop.type === T.ForOfStatement) return iterated ? collectionCount(fi, iterated, 0) : null;
  if (loop.type === T.CallExpression && iterated) return collectionCount(fi, iterated, 0);
  return null;
}

function numberOf(fi: SyntaxModel, raw: Node | undefined, hops = 0): number | null {
  if (!raw || hops > MAX_HOPS) return null;
  const node = unwrap(raw, 'value');
  if (node.type === T.Literal && typeof node.value === 'number') return node.value;
  if (node.type === T.Identifier) {
    const b = fi.resolve(node);
    return b?.kind === 'const' && b.keys?.length === 0 && b.declarator?.init ? numberOf(fi, b.declarator.init, hops + 1) : null;
  }
  return null;
}

/** A plain count: a whole number of iterations, at least 0. */
function whole(n: number | null): number | null {
  return n !== null && Number.isFinite(n) && n >= 0 ? Math.floor(n) : null;
}

/** `for (let i = a; i < n; i++)`, `i <= n`, `i += k`: (n − a) / k iterations. */
function indexLoopCount(fi: SyntaxModel, loop: TSESTree.ForStatement): LoopCount | null {
  const init = loop.init;
  let name: string | null = null;
  let start: number | null = null;
  if (init?.type === T.VariableDeclaration && init.declarations.length === 1 && init.declarations[0].id.type === T.Identifier) {
    name = init.declarations[0].id.name;
    start = numberOf(fi, init.declarations[0].init ?? undefined);
  } else if (init?.type === T.AssignmentExpression && init.operator === '=' && init.left.type === T.Identifier) {
    name = init.left.name;
    start = numberOf(fi, init.right);
  }
  if (name === null || start === null || loop.test?.type !== T.BinaryExpression) return null;
  const test = loop.test;
  const flipped = test.right.type === T.Identifier && test.right.name === name;
  const counter = flipped ? test.right : test.left;
  const boundNode = flipped ? test.left : test.right;
  if (counter.type !== T.Identifier || counter.name !== name) return null;
  const op = flipped ? ({ '>': '<', '>=': '<=' } as Record<string, string>)[test.operator] : test.operator;
  if (op !== '<' && op !== '<=') return null;
  let bound = numberOf(fi, boundNode);
  let boundText = bound === null ? null : String(bound);
  if (bound === null && boundNode.type === T.MemberExpression && propertyName(boundNode.property, boundNode.computed) === 'length') {
    const list = collectionCount(fi, boundNode.object, 0);
    if (list) {
      bound = list.n;
      boundText = `${fi.src(boundNode)} (${list.what})`;
    }
  }
  const step = stepOf(fi, loop.update, name);
  if (bound === null || step === null || step <= 0) return null;
  const n = whole(Math.ceil((bound - start + (op === '<=' ? 1 : 0)) / step));
  return n === null ? null : { n, what: `the index loop ${name} ${op} ${boundText}${step === 1 ? '' : ` step ${step}`}` };
}

function stepOf(fi: SyntaxModel, update: Node | null, name: string): number | null {
  if (!update) return null;
  if (update.type === T.UpdateExpression && update.argument.type === T.Identifier && update.argument.name === name) return update.operator === '++' ? 1 : null;
  if (update.type === T.AssignmentExpression && update.left.type === T.Identifier && update.left.name === name) {
    if (update.operator === '+=') return numberOf(fi, update.right);
    if (update.operator === '=' && update.right.type === T.BinaryExpression && update.right.operator === '+') {
      const { left, right } = update.right;
      if (left.type === T.Identifier && left.name === name) return numberOf(fi, right);
      if (right.type === T.Identifier && right.name === name) return numberOf(fi, left);
    }
  }
  return null;
}

/** A bound on the rows a call returns, from its options object (`{ take: 10 }`, `{ variables: { first: 20 } }`) or its SQL text. */
function boundOfCall(fi: SyntaxModel, call: TSESTree.CallExpression): LoopCount | null {
  for (const arg of call.arguments) {
    const a = unwrap(arg, 'value');
    if (a.type === T.ObjectExpression) {
      const found = boundInOptions(fi, a, 0);
      if (found) return found;
    }
    const sql = a.type === T.Literal && typeof a.value === 'string' ? a.value : a.type === T.TemplateLiteral && a.quasis.length > 0 ? a.quasis[a.quasis.length - 1].value.cooked : null;
    const m = sql ? SQL_LIMIT.exec(sql) : null;
    if (m) return { n: Number(m[1]), what: `LIMIT ${m[1]}` };
  }
  return null;
}

function boundInOptions(fi: SyntaxModel, obj: TSESTree.ObjectExpression, depth: number): LoopCount | null {
  for (const p of obj.properties) {
    if (p.type !== T.Property) continue;
    const key = propertyName(p.key, p.computed);
    if (!key) continue;
    if (BOUND_KEYS.has(key)) {
      const n = whole(numberOf(fi, p.value));
      if (n !== null) return { n, what: `${key}: ${n}` };
    }
    const inner = unwrap(p.value, 'value');
    if (depth === 0 && key === 'variables' && inner.type === T.ObjectExpression) {
      const found = boundInOptions(fi, inner, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** How many items a collection expression holds, when the code writes it. */
export function collectionCount(fi: SyntaxModel, raw: Node, hops: number): LoopCount | null {
  if (hops > MAX_HOPS) return null;
  const node = unwrap(raw, 'value');
  switch (node.type) {
    case T.ArrayExpression: {
      if (node.elements.some((e) => e === null || e.type === T.SpreadElement)) return null;
      const n = node.elements.length;
      return { n, what: `the literal list of ${n}` };
    }
    case T.Identifier: {
      const b = fi.resolve(node);
      if (!b || b.kind !== 'const' || !b.declarator?.init || fi.isLoopVariable(b) || changed(fi, b)) return null;
      const keys = b.keys ?? [null];
      if (keys.length > 1 || (keys.length === 1 && !ROWS.has(keys[0] ?? ''))) return null;
      return collectionCount(fi, b.declarator.init, hops + 1);
    }
    case T.MemberExpression: {
      const name = propertyName(node.property, node.computed);
      return name && ROWS.has(name) ? collectionCount(fi, node.object, hops + 1) : null;
    }
    case T.CallExpression:
      return callCount(fi, node, hops);
    default:
      return null;
  }
}

function callCount(fi: SyntaxModel, call: TSESTree.CallExpression, hops: number): LoopCount | null {
  const callee = call.callee;
  const method = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
  const receiver = callee.type === T.MemberExpression ? callee.object : null;
  // Array.from({ length: 5 }), Object.keys({ a, b }).
  if (receiver?.type === T.Identifier && receiver.name === 'Array' && method === 'from') {
    const first = call.arguments[0] && unwrap(call.arguments[0], 'value');
    if (first?.type === T.ObjectExpression) {
      const length = first.properties.find((p) => p.type === T.Property && propertyName(p.key, p.computed) === 'length');
      const n = length?.type === T.Property ? whole(numberOf(fi, length.value)) : null;
      return n === null ? null : { n, what: `Array.from({ length: ${n} })` };
    }
    return first ? collectionCount(fi, first, hops + 1) : null;
  }
  if (receiver?.type === T.Identifier && receiver.name === 'Object' && (method === 'keys' || method === 'values' || method === 'entries')) {
    const first = call.arguments[0] && unwrap(call.arguments[0], 'value');
    if (first?.type !== T.ObjectExpression || first.properties.some((p) => p.type !== T.Property)) return null;
    const n = first.properties.length;
    return { n, what: `the literal object of ${n} key${n === 1 ? '' : 's'}` };
  }
  if (method && receiver && BOUND_METHODS.has(method) && call.arguments.length === 1) {
    const n = whole(numberOf(fi, call.arguments[0]));
    if (n !== null) return { n, what: `.${method}(${n})` };
  }
  if (method === 'slice' && receiver) {
    const start = call.arguments.length > 0 ? whole(numberOf(fi, call.arguments[0])) : 0;
    const end = call.arguments.length > 1 ? whole(numberOf(fi, call.arguments[1])) : null;
    const inner = collectionCount(fi, receiver, hops + 1);
    if (start === null) return null;
    const text = `.slice(${call.arguments.map((a) => fi.src(a)).join(', ')})`;
    if (call.arguments.length > 1 && end === null) return null;
    if (end !== null) {
      const n = Math.max(0, end - start);
      return { n: inner ? Math.min(n, Math.max(0, inner.n - start)) : n, what: inner ? `${inner.what}, ${text}` : text };
    }
    return inner ? { n: Math.max(0, inner.n - start), what: `${inner.what}, ${text}` } : null;
  }
  if (method && receiver && AT_MOST.has(method)) {
    const inner = collectionCount(fi, receiver, hops + 1);
    return inner && method === 'filter' ? { n: inner.n, what: `at most ${inner.what} (.filter)` } : null;
  }
  const own = boundOfCall(fi, call);
  if (own) return own;
  if (method && receiver && SAME_COUNT.has(method)) return collectionCount(fi, receiver, hops + 1);
  return null;
}

/** A const list changed after it is declared (`xs.push(…)`, `xs.length = 0`) holds a count the code does not write. */
function changed(fi: SyntaxModel, b: NonNullable<ReturnType<SyntaxModel['resolve']>>): boolean {
  for (const ref of fi.referencesOf(b)) {
    const parent = fi.parents.get(ref);
    if (parent?.type !== T.MemberExpression || parent.object !== ref) continue;
    const name = propertyName(parent.property, parent.computed);
    if (name && MUTATORS.has(name)) {
      const up = fi.parents.get(parent);
      if (name === 'length' ? up?.type === T.AssignmentExpression && up.left === parent : up?.type === T.CallExpression && up.callee === parent) return true;
    }
  }
  return false;
}
