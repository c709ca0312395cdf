// Loops around a call, and what they loop over. A loop says the call runs many times; only what it
// iterates says whether anyone is waiting on the other side: lines of a file or rows of a table
// fetched in bulk are batch work, `req.body.items` is a person's request.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { visit, type Node } from '../../parse/walk';
import { isFunctionLike, propertyName, unwrap } from '../../syntax/nodes';
import type { SyntaxModel } from '../../syntax/model';
import type { Loop } from '../path';
import { loopCount } from '../loopCount';
import { defineRule } from './rule';

export const LOOP_OVER_COLLECTION = defineRule({
  id: 'loop-over-collection',
  effect: 'batchable',
  title: 'Called once per item of a collection',
  messages: {
    perIteration: (where: string) => `called once per iteration of the loop at ${where}`,
    perItem: (how: string, where: string) => `called for each item of a collection (${how}) at ${where}`,
    over: (loop: string, source: string) => `${loop}, over ${source}`,
    perEvent: (event: string, where: string, source: string) => `called for each '${event}' event of a stream at ${where}, over ${source}`,
    // What a loop iterates, when that is batch data.
    disk: (reader: string, where: string) => `${DISK} (${reader} at ${where})`,
    bulk: (query: string, where: string) => `rows fetched in bulk (${query} at ${where})`,
    cursor: (where: string) => `a database cursor (find at ${where})`,
    dataset: (source: string) => `the dataset ${source}`,
    literalList: (where: string) => `${LITERAL} (${where})`,
  },
});

export const RULES = [LOOP_OVER_COLLECTION] as const;

const DISK = 'data read from disk';
const LITERAL = 'a literal list';

const LOOP_METHODS = new Set(['map', 'forEach', 'flatMap']);

/** Calls that read files or streams: what they return is data on disk, not a request. */
const FILE_READERS = new Set(['readFile', 'readFileSync', 'readdir', 'readdirSync', 'createReadStream', 'glob', 'globSync', 'opendir']);
/** Calls that fetch rows in bulk from a database or a cursor over them. */
const BULK_QUERIES = new Set(['findMany', 'findAll', 'toArray', 'query', 'all', 'select', 'scan', 'cursor', 'stream', 'iterate', 'each']);
/** Calls whose result is built from their receiver or arguments: the source is further in. */
const PASS_THROUGH = new Set(['split', 'filter', 'map', 'slice', 'flat', 'flatMap', 'entries', 'values', 'keys', 'parse', 'from', 'trim', 'toString', 'sort', 'reverse', 'concat', 'pipe', 'on', 'once']);
const DATA_FILE = /\.(jsonl?|csv|tsv|ndjson|ya?ml)$/i;
const MAX_HOPS = 6;

/** The loop `cur` makes of `child` (its body, or the callback of `.map`/`.forEach`/`pMap`), if any. */
export function loopAround(fi: SyntaxModel, file: string, cur: Node, child: Node): Loop | null {
  const line = cur.loc.start.line;
  const where = `${file}:${line}`;
  let iterated: Node | null = null;
  let message: string;
  switch (cur.type) {
    case T.ForOfStatement:
    case T.ForInStatement:
    case T.ForStatement:
    case T.WhileStatement:
    case T.DoWhileStatement:
      if ((cur as { body: Node }).body !== child) return null;
      iterated = iteratedBy(cur);
      message = LOOP_OVER_COLLECTION.messages.perIteration(where);
      break;
    case T.CallExpression: {
      // p-map's `pMap(items, mapper, options)` is a loop over `items`.
      if (cur.callee.type === T.Identifier && /^p[Mm]ap$/.test(cur.callee.name) && cur.arguments[1] === child && isFunctionLike(child)) {
        iterated = cur.arguments[0];
        message = LOOP_OVER_COLLECTION.messages.perItem(cur.callee.name, where);
        break;
      }
      const pooled = promisePoolItems(cur, child);
      if (pooled) {
        iterated = pooled;
        message = LOOP_OVER_COLLECTION.messages.perItem('PromisePool', where);
        break;
      }
      if (cur.callee.type !== T.MemberExpression || !cur.arguments.includes(child as never)) return null;
      const method = propertyName(cur.callee.property, cur.callee.computed);
      if (!method || !LOOP_METHODS.has(method) || !isFunctionLike(child)) return null;
      iterated = cur.callee.object;
      message = LOOP_OVER_COLLECTION.messages.perItem(`.${method}`, where);
      break;
    }
    default:
      return null;
  }
  return loopOver(fi, file, cur, iterated, message);
}

/**
 * @supercharge/promise-pool's `PromisePool.for(items).withConcurrency(n).process(fn)` (its settings in any
 * order, `for` among them): `fn` runs once per item, so it is a loop over `items`.
 */
function promisePoolItems(call: TSESTree.CallExpression, child: Node): Node | null {
  if (call.callee.type !== T.MemberExpression || propertyName(call.callee.property, call.callee.computed) !== 'process' || call.arguments[0] !== child || !isFunctionLike(child)) return null;
  let items: Node | null = null;
  let cur: Node = call.callee.object;
  while (cur.type === T.CallExpression && cur.callee.type === T.MemberExpression) {
    if (propertyName(cur.callee.property, cur.callee.computed) === 'for') items = cur.arguments[0] ?? null;
    cur = cur.callee.object;
  }
  return cur.type === T.Identifier && cur.name === 'PromisePool' ? items : null;
}

/** `graph.batch(inputs)`: a run of the graph for each input, as a loop over them would make. */
export function perInputLoop(fi: SyntaxModel, file: string, call: TSESTree.CallExpression): Loop {
  return loopOver(fi, file, call, call.arguments[0] ?? null, LOOP_OVER_COLLECTION.messages.perItem('.batch', `${file}:${call.loc.start.line}`));
}

function loopOver(fi: SyntaxModel, file: string, cur: Node, iterated: Node | null, message: string): Loop {
  const line = cur.loc.start.line;
  const source = iterated ? batchSource(fi, file, iterated, 0) : null;
  const count = loopCount(fi, cur, iterated);
  return {
    rule: LOOP_OVER_COLLECTION.id,
    message: source ? LOOP_OVER_COLLECTION.messages.over(message, source) : message,
    file,
    line,
    ...(source ? { batchSource: source } : {}),
    ...(source && isDiskSource(source) ? { fromDisk: true } : {}),
    ...(source?.startsWith(LITERAL) ? { literal: true } : {}),
    ...(count ? { count } : {}),
  };
}

export function isDiskSource(source: string): boolean {
  return source.startsWith(DISK);
}

/** What a loop statement walks: `for (x of xs)` → xs; `i < xs.length` → xs; `while (cursor.next())` → cursor. */
function iteratedBy(loop: Node): Node | null {
  if (loop.type === T.ForOfStatement || loop.type === T.ForInStatement) return loop.right;
  const test = loop.type === T.ForStatement || loop.type === T.WhileStatement || loop.type === T.DoWhileStatement ? loop.test : null;
  if (!test) return null;
  let found: Node | null = null;
  visit(test, (node) => {
    if (found) return false;
    if (node.type === T.MemberExpression && propertyName(node.property, node.computed) === 'length') found = node.object;
    else if (node.type === T.CallExpression && node.callee.type === T.MemberExpression && /^(next|hasNext|read|readLine)$/.test(propertyName(node.callee.property, node.callee.computed) ?? '')) {
      found = node.callee.object;
    }
  });
  return found;
}

/**
 * Where the iterated data plainly comes from batch input, in words; null when it may come from
 * anywhere (a parameter, a request, an API call).
 */
export function batchSource(fi: SyntaxModel, file: string, raw: Node, hops: number): string | null {
  if (hops > MAX_HOPS) return null;
  const node = unwrap(raw, 'value');
  const where = `${file}:${node.loc.start.line}`;
  switch (node.type) {
    case T.CallExpression: {
      const callee = node.callee;
      const name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
      if (!name) return null;
      if (FILE_READERS.has(name)) return requestScoped(fi, node) ? null : LOOP_OVER_COLLECTION.messages.disk(name, where);
      // readline's createInterface reads whatever its `input` is: a file stream, or a person typing on stdin.
      if (name === 'createInterface') {
        const input = node.arguments[0]?.type === T.ObjectExpression ? node.arguments[0].properties.find((p) => p.type === T.Property && propertyName(p.key, p.computed) === 'input') : undefined;
        return input?.type === T.Property ? batchSource(fi, file, input.value, hops + 1) : null;
      }
      if (BULK_QUERIES.has(name) && callee.type === T.MemberExpression && !dependsOnParameter(fi, node)) return LOOP_OVER_COLLECTION.messages.bulk(name, where);
      if (name === 'find' && callee.type === T.MemberExpression && !node.arguments.some((a) => isFunctionLike(a)) && !dependsOnParameter(fi, node)) {
        return LOOP_OVER_COLLECTION.messages.cursor(where);
      }
      if (!PASS_THROUGH.has(name)) return null;
      const inner = [...(callee.type === T.MemberExpression ? [callee.object] : []), ...node.arguments];
      for (const part of inner) {
        const found = batchSource(fi, file, part, hops + 1);
        if (found) return found;
      }
      return null;
    }
    case T.MemberExpression:
      return batchSource(fi, file, node.object, hops + 1);
    case T.Identifier: {
      const binding = fi.resolve(node);
      const init = binding?.declarator?.init;
      if (init) return batchSource(fi, file, init, hops + 1);
      if (binding?.import && DATA_FILE.test(binding.import.source)) return LOOP_OVER_COLLECTION.messages.dataset(binding.import.source);
      return null;
    }
    case T.ArrayExpression:
      return node.elements.length > 0 && node.elements.every((e) => e !== null && isLiteralData(e)) ? LOOP_OVER_COLLECTION.messages.literalList(where) : null;
    default:
      return null;
  }
}

function isLiteralData(node: Node): boolean {
  if (node.type === T.Literal || (node.type === T.TemplateLiteral && node.expressions.length === 0)) return true;
  if (node.type === T.ObjectExpression) return node.properties.every((p) => p.type === T.Property && isLiteralData(p.value));
  if (node.type === T.ArrayExpression) return node.elements.every((e) => e !== null && isLiteralData(e));
  return false;
}

/**
 * A query built from a function's parameters (a user id, a request body) is not bulk input, also
 * through the constants it is computed into (`const id = getRouterParam(event, 'id')`).
 */
function dependsOnParameter(fi: SyntaxModel, call: TSESTree.CallExpression): boolean {
  return call.arguments.some((arg) => parameterUse(fi, arg, 0, () => true));
}

/**
 * A file path taken from a request (`event.pathParameters.id`, `getRouterParam(event)`, `req.query.f`):
 * a parameter read through a member or handed to a call, directly or through constants. A path that
 * is a parameter as a whole (`labelJsonl(path)`) is the caller's choice of file, as a script's is.
 */
function requestScoped(fi: SyntaxModel, call: TSESTree.CallExpression): boolean {
  return call.arguments.some((arg) =>
    parameterUse(fi, arg, 0, (id, parent) => (parent?.type === T.MemberExpression && parent.object === id) || (parent !== call && (parent?.type === T.CallExpression || parent?.type === T.NewExpression) && parent.arguments.includes(id as never))),
  );
}

/** Does `root` use a parameter of an enclosing function in a way `counts` accepts, following local constants? */
function parameterUse(fi: SyntaxModel, root: Node, hops: number, counts: (id: TSESTree.Identifier, parent: Node | null) => boolean): boolean {
  if (hops > MAX_HOPS) return false;
  let found = false;
  visit(root, (node, parent) => {
    if (found) return false;
    if (isFunctionLike(node)) return false;
    if (node.type !== T.Identifier) return;
    if (parent?.type === T.MemberExpression && parent.property === node && !parent.computed) return;
    if (parent?.type === T.Property && parent.key === node && !parent.computed && !parent.shorthand) return;
    const binding = fi.resolve(node);
    if (binding?.kind === 'param') found = counts(node, parent ?? fi.parents.get(node) ?? null);
    // `const id = getRouterParam(event, 'id')`: what the constant was computed from.
    else if (binding?.declarator?.init) found = parameterUse(fi, binding.declarator.init, hops + 1, counts);
  });
  return found;
}

const STREAM_EVENTS = new Set(['data', 'line', 'readable', 'record', 'row']);

/** The callbacks of a web stream's underlying source or sink, by the stream they are handed to. */
const STREAM_CALLBACKS: Record<string, ReadonlySet<string>> = {
  ReadableStream: new Set(['start', 'pull']),
  TransformStream: new Set(['start', 'transform', 'flush']),
  WritableStream: new Set(['start', 'write', 'close']),
};

/**
 * The `new ReadableStream({ start(controller) { … } })` (or TransformStream, WritableStream) whose
 * underlying source `prop` is a callback of. The constructor calls `start` at once, and `pull` runs as
 * the stream is read, so both run where the stream is made and consumed: a route that returns it in its
 * response runs them while the person who asked waits. Null otherwise.
 */
export function webStreamOf(fi: SyntaxModel, prop: TSESTree.Property): TSESTree.NewExpression | null {
  const key = propertyName(prop.key, prop.computed);
  const obj = fi.parents.get(prop);
  if (!key || obj?.type !== T.ObjectExpression) return null;
  const self = fi.outermost(obj);
  const made = fi.parents.get(self);
  if (made?.type !== T.NewExpression || made.arguments[0] !== self || made.callee.type !== T.Identifier) return null;
  // The global class, not a binding of the module's own (a global resolves to no declaring identifier).
  return STREAM_CALLBACKS[made.callee.name]?.has(key) && !fi.resolve(made.callee)?.id ? made : null;
}

/** `createReadStream(f).pipe(parse()).on('data', fn)`: each event is a record of a file, a loop over batch data. */
export function fileStreamEvent(fi: SyntaxModel, file: string, call: TSESTree.CallExpression | TSESTree.NewExpression): Loop | null {
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression) return null;
  const method = propertyName(call.callee.property, call.callee.computed);
  const event = call.arguments[0];
  if ((method !== 'on' && method !== 'once') || event?.type !== T.Literal || typeof event.value !== 'string' || !STREAM_EVENTS.has(event.value)) return null;
  const source = batchSource(fi, file, call.callee.object, 0);
  if (!source || !isDiskSource(source)) return null;
  const where = `${file}:${call.loc.start.line}`;
  return { rule: LOOP_OVER_COLLECTION.id, message: LOOP_OVER_COLLECTION.messages.perEvent(event.value, where, source), file, line: call.loc.start.line, batchSource: source, fromDisk: true };
}
