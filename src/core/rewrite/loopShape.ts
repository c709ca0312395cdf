// Which loop a call is made once per item of, and how that loop becomes a second pass over the results:
// `for…of`, an index `for`, and the per-item callbacks of Promise.all(xs.map(…)), p-map, p-limit and
// forEach. Each shape also says what it cannot keep (a conditional fan-out, items that are not all there
// up front, a loop without a block to put the batch in); what the request reads is loopHoist's business.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, Node } from '../parse/walk';
import { FunctionLike, isFunctionLike, propertyName, unwrap, within } from '../syntax/nodes';
import type { TextEdit } from '../model';
import { Binding, factsFor, FileFacts, ModuleLookup } from './effects';
import { resolveExport } from '../syntax/modules';
import { jsdocParamType, jsdocVariableType } from './jsdoc';
import { textWithoutComments } from './keepComments';
import { lineStartOf } from './lineEndings';

/** The defaults a pattern gives (`{ id = nextId() }`): evaluated again wherever the pattern is. */
export function patternDefaults(pattern: Node): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    if (n.type === T.AssignmentPattern) {
      out.push(n.right);
      walk(n.left);
    } else if (n.type === T.ObjectPattern) {
      for (const p of n.properties) walk(p.type === T.RestElement ? p.argument : p.value);
    } else if (n.type === T.ArrayPattern) {
      for (const e of n.elements) if (e) walk(e);
    } else if (n.type === T.RestElement) {
      walk(n.argument);
    }
  };
  walk(pattern);
  return out;
}

/** The identifiers a pattern declares (loop variables, parameters). */
export function patternIds(pattern: Node): TSESTree.Identifier[] {
  const ids: TSESTree.Identifier[] = [];
  const walk = (n: Node) => {
    switch (n.type) {
      case T.Identifier:
        ids.push(n);
        return;
      case T.ObjectPattern:
        for (const p of n.properties) walk(p.type === T.RestElement ? p.argument : p.value);
        return;
      case T.ArrayPattern:
        for (const e of n.elements) if (e) walk(e);
        return;
      case T.AssignmentPattern:
        walk(n.left);
        return;
      case T.RestElement:
        walk(n.argument);
        return;
      default:
        return;
    }
  };
  walk(pattern);
  return ids;
}

/** How the call's result is taken: `const r = await call`, `await call;`, or `return [await] call` in a callback. */
export type ResultUse =
  | { kind: 'declare'; statement: TSESTree.VariableDeclaration; pattern: Node; declKind: string }
  | { kind: 'discard'; statement: TSESTree.ExpressionStatement }
  /** `x = await call(…)`, x declared before: the rewrite keeps the assignment where it is (see assignedProblem). */
  | { kind: 'assign'; statement: TSESTree.ExpressionStatement; target: TSESTree.Identifier }
  | { kind: 'return'; statement: TSESTree.ReturnStatement | null; expression: Node };

export interface Loop {
  /** Where the hoisted statements go: the loop (with its labels), or the statement holding the fan-out. */
  anchor: Node;
  /**
   * The statements the call sits among (the prelude is what comes before it). For a call in a try block,
   * the loop body's statements before the try, then the try block's.
   */
  body: TSESTree.Statement[];
  /** The try whose block holds the call, itself a statement of the loop body: its catch and finally count as after the call. */
  tryStatement: TSESTree.TryStatement | null;
  /** The loop body or the per-item callback: what runs once per item. */
  scope: Node;
  isCallback: boolean;
  /** Later requests are built only after earlier items ran their bodies (a loop, a limited fan-out). */
  sequential: boolean;
  /** The batch is awaited before the loop; forEach's and p-map's callbacks await it themselves instead. */
  awaitsBatch: boolean;
  /** Labels naming the loop itself. */
  labels: string[];
  /**
   * A limited p-map stops starting mappers at the first failure (stopOnError): which items then run
   * depends on when the answers came, and a batch brings them all at once. The reason, for a call whose
   * failure no catch of the mapper stops; null otherwise.
   */
  stopsOnFailure?: string | null;
  /** What is declared once per item: loop variables, callback parameters, the index. */
  itemIds: TSESTree.Identifier[];
  /** The patterns that declare them (the loop variable's, the callback's parameters). */
  patterns: Node[];
  /**
   * Why the items may not be an array (a parameter may be a generator): told only when nothing else is
   * wrong, as the fix for it (make it an array) is the user's last step.
   */
  itemsProblem: string | null;
  /**
   * A for…of loop over items Batchwise cannot show are all there up front (a parameter): the rewrite
   * reads them all into an array before the loop, which is what changes when they come from a generator
   * (said to the user, and the fix is then unsafe). Null where the items are known.
   */
  materialised: string | null;
  /** Values the original reads as the loop goes (the collection, the bound), which must not change in it. */
  live: { node: Node; role: 'collection' | 'bound' }[];
  /**
   * Parameters of the function that builds each request, given a fresh name for an unused one, without
   * the item's names the request does not read (`drop`).
   */
  mapParams(unused: string, drop: ReadonlySet<Node>): string;
  /**
   * The edits that turn the loop into a second pass over the results. `unusedIds` are the item's names
   * the second pass no longer reads (only the request did): left out, so as to add no unused name;
   * `prune` says whether a destructuring pattern may lose them too (where its throwing on a malformed
   * item could be seen to move).
   */
  rewrite(names: { items: string; results: string; index: string; unused: string; unusedIds: ReadonlySet<Node>; prune: boolean; rename: (name: string) => string }): { hoisted: string; edits: TextEdit[]; indexName: string };
}

/**
 * A pattern that reads what it read, with the names in `drop` renamed to names marked unused
 * (`{ id, text }` → `{ id, text: _text }`): where the pattern must keep throwing as it did, it keeps
 * every property it reads, and noUnusedLocals ignores a destructured name starting with `_`.
 */
export function markedPattern(p: Node, drop: ReadonlySet<Node>, src: (n: Node) => string, rename: (name: string) => string): string {
  const mark = (n: Node): string => {
    // Untouched where no name changes: the pattern keeps its own layout.
    if (![...drop].some((d) => d.range[0] >= n.range[0] && d.range[1] <= n.range[1])) return src(n);
    switch (n.type) {
      case T.Identifier:
        return drop.has(n) ? rename(n.name) + (n.typeAnnotation ? src(n.typeAnnotation) : '') : src(n);
      case T.AssignmentPattern:
        return `${mark(n.left)} = ${src(n.right)}`;
      case T.ObjectPattern:
        return `{ ${n.properties
          .map((q) => {
            if (q.type !== T.Property) return q.argument.type === T.Identifier && drop.has(q.argument) ? `...${mark(q.argument)}` : src(q);
            const value = mark(q.value);
            if (value === src(q.value)) return src(q);
            return `${q.computed ? `[${src(q.key)}]` : src(q.key)}: ${value}`;
          })
          .join(', ')} }${n.typeAnnotation ? src(n.typeAnnotation) : ''}`;
      case T.ArrayPattern:
        return `[${n.elements.map((e) => (e ? mark(e) : '')).join(', ')}]${n.typeAnnotation ? src(n.typeAnnotation) : ''}`;
      case T.RestElement:
        return `...${mark(n.argument)}`;
      default:
        return src(n);
    }
  };
  return mark(p);
}

/**
 * A pattern without the names in `drop` (`{ id, text }` → `{ id }`), or null when nothing is left. A
 * pattern with a rest element is kept whole: leaving a name out would change what the rest holds.
 */
export function prunedPattern(p: Node, drop: ReadonlySet<Node>, src: (n: Node) => string): string | null {
  switch (p.type) {
    case T.Identifier:
      return drop.has(p) ? null : src(p);
    case T.AssignmentPattern: {
      const left = prunedPattern(p.left, drop, src);
      return left === null ? null : left === src(p.left) ? src(p) : `${left} = ${src(p.right)}`;
    }
    case T.ObjectPattern: {
      if (p.properties.some((q) => q.type === T.RestElement)) return src(p);
      const kept = p.properties.flatMap((q) => {
        if (q.type !== T.Property) return [src(q)];
        const value = prunedPattern(q.value, drop, src);
        if (value === null) return [];
        if (value === src(q.value)) return [src(q)];
        return [`${q.computed ? `[${src(q.key)}]` : src(q.key)}: ${value}`];
      });
      return kept.length === 0 ? null : `{ ${kept.join(', ')} }`;
    }
    case T.ArrayPattern: {
      if (p.elements.some((e) => e?.type === T.RestElement)) return src(p);
      const kept = p.elements.map((e) => (e ? prunedPattern(e, drop, src) : null));
      while (kept.length > 0 && kept[kept.length - 1] === null) kept.pop();
      return kept.length === 0 ? null : `[${kept.map((e) => e ?? '').join(', ')}]`;
    }
    default:
      return src(p);
  }
}

export function resultUse(call: TSESTree.CallExpression, parents: Map<Node, Node>): ResultUse | string {
  const parent = parents.get(call);
  const awaited = parent?.type === T.AwaitExpression ? parent : null;
  const outer = awaited ? parents.get(awaited) : parent;
  if (outer?.type === T.ReturnStatement) return { kind: 'return', statement: outer, expression: awaited ?? call };
  if (outer?.type === T.ArrowFunctionExpression && outer.body === (awaited ?? call)) return { kind: 'return', statement: null, expression: awaited ?? call };
  if (!awaited) return 'the call is not awaited where it is made, so its result may be used in ways a batch cannot keep';
  if (outer?.type === T.ExpressionStatement) return { kind: 'discard', statement: outer };
  if (outer?.type === T.VariableDeclarator && outer.init === awaited) {
    const decl = parents.get(outer);
    if (decl?.type !== T.VariableDeclaration || decl.declarations.length !== 1) return 'the result is declared together with other variables';
    return { kind: 'declare', statement: decl, pattern: outer.id, declKind: decl.kind };
  }
  const statement = outer?.type === T.AssignmentExpression ? parents.get(outer) : undefined;
  if (outer?.type === T.AssignmentExpression && outer.right === awaited && outer.operator === '=' && statement?.type === T.ExpressionStatement) {
    if (outer.left.type === T.Identifier) return { kind: 'assign', statement, target: outer.left };
    return 'the result is assigned to a property or a pattern, not to a variable; declare it where the call is (`const res = await …`) to get a fix';
  }
  return 'the result is used inside a larger expression; assign it to a variable first (const res = await …)';
}

/** Why `x = await call(…)` gets no fix: `why` says what of x's other uses the rewrite cannot keep. */
export const assignedElsewhere = (target: string, why = 'whose value may be read after the loop or by another iteration') =>
  `the result is assigned to \`${target}\`, declared outside the call's statement (\`${target} = await …\`), ${why}; declare it where the call is (\`const ${target} = await …\`) to get a fix`;

/**
 * Why `x = await call(…)` in a loop cannot keep its assignment in place, or null. The second pass assigns
 * each item's answer where the call did; that is the same only when every other use of x reads it later in
 * the same iteration of a loop that runs one item at a time (after the call's statement in the body, not in
 * a function made there), in the function that declares x: then each read comes after that item's
 * assignment, as before, and none sees another item's value, nor what the loop left behind.
 */
export function assignedProblem(use: Extract<ResultUse, { kind: 'assign' }>, loop: Loop, facts: FileFacts): string | null {
  const name = use.target.name;
  const b = facts.bindingOf(use.target);
  if (!b || (b.kind !== 'let' && b.kind !== 'var') || !b.declarator) return assignedElsewhere(name);
  if (loop.isCallback) return assignedElsewhere(name, 'which the callbacks, running side by side, share');
  if (facts.functionOf(b.declarator) !== facts.functionOf(loop.anchor)) return assignedElsewhere(name, 'outside the function the loop is in, so other runs of the function share it');
  const position = loop.body.indexOf(use.statement);
  const later = loop.body.slice(position + 1);
  for (const ref of facts.referencesOf(b)) {
    if (ref === use.target) continue;
    const at = `line ${facts.line(ref)}: \`${facts.quote(facts.parents.get(ref) ?? ref)}\``;
    if (facts.useOf(ref).kind === 'write') return assignedElsewhere(name, `which is written elsewhere too (${at})`);
    if (position < 0 || !later.some((st) => within(ref, st))) {
      return assignedElsewhere(name, `and read where it may hold another item's answer or the loop's last (${at}); the rewrite keeps the assignment only when every read follows the call in the same iteration`);
    }
    for (let p = facts.parents.get(ref); p && p !== loop.scope; p = facts.parents.get(p)) {
      if (isFunctionLike(p)) return assignedElsewhere(name, `and read by a function made in the loop (${at}), which may run after later items' answers are assigned`);
    }
  }
  return null;
}

export function enclosingLoop(use: ResultUse, facts: FileFacts, program: TSESTree.Program): Loop | string {
  const src = (n: Node) => facts.src(n);
  const parents = facts.parents;
  // A concise arrow body (`async (x) => client.….create(…)`) is its own callback.
  const start: Node = use.kind === 'return' && use.statement === null ? use.expression : (use.statement as Node);
  const guarded = tryAround(start, use, facts);
  if (typeof guarded === 'string') return guarded;
  const container = guarded ? parents.get(guarded) : parents.get(start);
  // In a try block, what runs before the call is the loop body up to the try, then the try block up to the call.
  const statements = (block: TSESTree.BlockStatement) => (guarded ? [...block.body.slice(0, block.body.indexOf(guarded)), ...guarded.block.body] : block.body);

  if (container?.type === T.BlockStatement) {
    const owner = parents.get(container);
    // What a loop statement's body shares, for…of or index for: a sequential body that awaits the batch in place.
    const inLoopBody = { body: statements(container), tryStatement: guarded, scope: container, isCallback: false, sequential: true, awaitsBatch: true } as const;
    // for (const x of xs) { … }
    if (owner?.type === T.ForOfStatement && owner.body === container && use.kind !== 'return') {
      if (owner.await) return 'for await loops consume their items one at a time; the items are not known up front';
      if (owner.left.type !== T.VariableDeclaration || owner.left.declarations.length !== 1) return 'the loop assigns to an existing variable instead of declaring one';
      const upFront = upFrontProblem(owner.right, facts);
      if (upFront?.lazy) return upFront.reason;
      const placed = placement(owner, facts);
      if (typeof placed === 'string') return placed;
      const left = owner.left;
      const pattern = left.declarations[0].id;
      return {
        ...placed,
        ...inLoopBody,
        itemIds: patternIds(pattern),
        patterns: [pattern],
        itemsProblem: null,
        materialised: upFront ? MATERIALISED(facts.quote(owner.right)) : null,
        live: [{ node: owner.right, role: 'collection' }],
        mapParams: (unused, drop) => prunedPattern(pattern, drop, src) ?? unused,
        rewrite: ({ items, results, index, unusedIds, prune, rename }) => {
          // An identifier the second pass does not read is left out; a pattern loses such names only where allowed (else they are marked unused).
          const kept = pattern.type === T.Identifier || prune ? prunedPattern(pattern, unusedIds, src) : markedPattern(pattern, unusedIds, src, rename);
          const head = kept === null ? `${left.kind} ${index} of ${items}.keys()` : `${left.kind} [${index}, ${kept}] of ${items}.entries()`;
          return {
            // A spread, as for…of, throws on a value that is not iterable (Array.from would make it an empty array).
            hoisted: `const ${items} = ${upFront ? `[...${src(owner.right)}]` : `Array.from(${src(owner.right)})`};\n${indentLike(placed.anchor, facts.text)}const ${results} = $RUN;\n`,
            edits: [{ range: [left.range[0], owner.right.range[1]], newText: head }],
            indexName: index,
          };
        },
      };
    }
    // for (const key in obj) { … }: the keys are read into an array first by a for…in of their own, so
    // the batch walks the same keys (inherited ones too) in the same order.
    if (owner?.type === T.ForInStatement && owner.body === container && use.kind !== 'return') {
      const left = owner.left;
      if (left.type !== T.VariableDeclaration || left.declarations.length !== 1 || left.declarations[0].id.type !== T.Identifier) {
        return 'the loop assigns to an existing variable instead of declaring one';
      }
      const placed = placement(owner, facts);
      if (typeof placed === 'string') return placed;
      const key = left.declarations[0].id;
      const typed = /\.[cm]?tsx?$/.test(facts.file);
      return {
        ...placed,
        ...inLoopBody,
        itemIds: [key],
        patterns: [key],
        itemsProblem: null,
        materialised: KEYS_FIRST(facts.quote(owner.right)),
        live: [{ node: owner.right, role: 'collection' }],
        mapParams: (unused, drop) => prunedPattern(key, drop, src) ?? unused,
        rewrite: ({ items, results, index, unusedIds }) => {
          const kept = prunedPattern(key, unusedIds, src);
          const indent = indentLike(placed.anchor, facts.text);
          return {
            hoisted: `const ${items}${typed ? ': string[]' : ''} = [];\n${indent}for (const ${key.name} in ${src(owner.right)}) ${items}.push(${key.name});\n${indent}const ${results} = $RUN;\n`,
            edits: [{ range: [left.range[0], owner.right.range[1]], newText: kept === null ? `${left.kind} ${index} of ${items}.keys()` : `${left.kind} [${index}, ${kept}] of ${items}.entries()` }],
            indexName: index,
          };
        },
      };
    }
    // for (let i = 0; i < xs.length; i++) { … }
    if (owner?.type === T.ForStatement && owner.body === container && use.kind !== 'return') {
      const bound = indexLoop(owner, facts.text, program.comments ?? []);
      if (typeof bound === 'string') return bound;
      const placed = placement(owner, facts);
      if (typeof placed === 'string') return placed;
      return {
        ...placed,
        ...inLoopBody,
        itemIds: [bound.id],
        patterns: [],
        itemsProblem: null,
        materialised: null,
        live: [{ node: bound.node, role: 'bound' }],
        mapParams: (unused, drop) => (drop.has(bound.id) ? unused : `${unused}, ${bound.index}`),
        rewrite: ({ items, results }) => ({
          // `i < 2.5` runs three times: as many items as the loop has iterations, a whole number either way.
          hoisted: `const ${items} = Array.from({ length: ${integral(bound.node, facts) ? bound.length : `Math.ceil(${bound.length})`} });\n${indentLike(placed.anchor, facts.text)}const ${results} = $RUN;\n`,
          edits: [],
          indexName: bound.index,
        }),
      };
    }
    if (owner && isFunctionLike(owner) && owner.body === container) {
      const cb = mapCallback(owner, facts, program);
      if (typeof cb === 'string') return cb;
      if (cb.stopsOnFailure && !(guarded && catchesWithoutRethrow(guarded))) return cb.stopsOnFailure;
      return { ...cb, body: statements(container), tryStatement: guarded, scope: owner };
    }
    return guarded ? TRY_NOT_IN_BODY : NOT_PER_ITEM;
  }
  if (container?.type === T.ArrowFunctionExpression && container.body === start) {
    const cb = mapCallback(container, facts, program);
    if (typeof cb === 'string') return cb;
    if (cb.stopsOnFailure) return cb.stopsOnFailure;
    return { ...cb, body: [], tryStatement: null, scope: container };
  }
  return guarded ? TRY_NOT_IN_BODY : NOT_PER_ITEM;
}

const TRY_NOT_IN_BODY =
  'the call is in a try block, but that try is not a statement directly inside a for…of loop, an index for loop, or a Promise.all(xs.map(…)), p-map, p-limit or forEach callback (it sits in an if, another block or a labelled statement), so Batchwise cannot tell that the call is made once per item; make the try a statement of the loop body itself to get a fix';

/**
 * The try whose block holds the call's statement, or why a try around the call cannot be kept, or null
 * when the call is in none. The second pass reads each result where the call was, inside the same try,
 * so a failed request is caught by the same catch, in the same iteration. Only one try, directly in the
 * loop body: the rest of the analysis reads the try block's statements before the call as the prelude,
 * and its catch and finally as code after the call.
 */
function tryAround(start: Node, use: ResultUse, facts: FileFacts): TSESTree.TryStatement | string | null {
  const block = facts.parents.get(start);
  if (block?.type !== T.BlockStatement) return null;
  const owner = facts.parents.get(block);
  if (owner?.type === T.CatchClause || (owner?.type === T.TryStatement && owner.finalizer === block)) {
    const where = owner.type === T.CatchClause ? 'catch' : 'finally';
    return `the call is in a ${where} block, which runs only for some items (or after something failed), so Batchwise cannot tell that the call is made once per item; a batch sends a request for every item up front; make the call in the try block itself, or keep this call unbatched`;
  }
  if (owner?.type !== T.TryStatement) return null;
  // `return call` without await leaves the try before the answer comes: a failed request is not caught there. The rewrite's result would be.
  if (use.kind === 'return' && use.expression.type !== T.AwaitExpression) {
    return 'the callback returns the call\'s promise from a try block without awaiting it, so the try does not catch a failed request; the rewrite reads the result inside the try, where its failure would be caught; write return await … (or keep this call unbatched) to get a fix';
  }
  for (let p = facts.parents.get(owner); p && !isFunctionLike(p); p = facts.parents.get(p)) {
    if (p.type === T.TryStatement || p.type === T.CatchClause) {
      return 'the call is in a try nested in another try (or in a catch or finally), and which handler catches a failed request depends on both; Batchwise keeps the meaning of one try directly in the loop body only; move the call into a single try that is a statement of the loop body to get a fix';
    }
    if ([T.ForStatement, T.ForOfStatement, T.ForInStatement, T.WhileStatement, T.DoWhileStatement].includes(p.type as T)) break;
  }
  return owner;
}

export const NOT_PER_ITEM =
  'the call is not made once per item: it is not a statement directly inside a for…of loop, an index for loop, or a Promise.all(xs.map(…)), p-map, p-limit or forEach callback';

/** The loop with its labels, which must be a statement of a block: the batch goes right before it. */
function placement(loopNode: Node, facts: FileFacts): { anchor: Node; labels: string[] } | string {
  let anchor = loopNode;
  const labels: string[] = [];
  for (let p = facts.parents.get(anchor); p?.type === T.LabeledStatement && p.body === anchor; p = facts.parents.get(anchor)) {
    labels.push(p.label.name);
    anchor = p;
  }
  const holder = facts.parents.get(anchor);
  if (holder?.type === T.BlockStatement || holder?.type === T.Program || holder?.type === T.StaticBlock) return { anchor, labels };
  const what =
    holder?.type === T.IfStatement ? (holder.alternate === anchor ? 'an else' : 'an if')
      : holder?.type === T.SwitchCase ? 'a switch case'
        : holder && [T.ForStatement, T.ForOfStatement, T.ForInStatement, T.WhileStatement, T.DoWhileStatement].includes(holder.type as T) ? 'another loop'
          : 'another statement';
  return `the loop is the body of ${what} without braces, so there is no place for the batch right before it (and it would run even when the loop does not); wrap the loop in a block ({ … }) to get a fix`;
}

/** What an unsafe fix over an object's keys changes, said with the fix. */
export const KEYS_FIRST = (obj: string) =>
  `the loop walks the keys of \`${obj}\`; the fix reads them all first (by a for…in of its own: the same keys, inherited ones included, in the same order) and builds the batch from them: a key that other code adds to or deletes from \`${obj}\` while the loop waits for an answer is no longer seen as it was`;

/** What an unsafe fix over items of unknown origin changes, said with the fix. */
export const MATERIALISED = (items: string) =>
  `the loop runs over \`${items}\`, which Batchwise cannot show is an array; the fix reads all its items into an array first ([...${items}]) and builds the batch from them: if \`${items}\` is a generator or another iterator, it now runs to its end before the loop body runs for the first item (what it does as it hands out items happens before the loop, and one that never ends keeps the loop from starting); give it an array type (\`${items}: T[]\`, or \`@param {T[]}\` in JSDoc) to make the fix safe`;

/** A JSDoc type of a JavaScript file's parameter or variable (TypeScript files take their own annotations only, as tsc does). */
function jsdocType(b: Binding, facts: FileFacts): Node | undefined {
  if (!/\.[cm]?jsx?$/.test(facts.file)) return undefined;
  const source = { text: facts.text, comments: facts.model.comments, parents: facts.parents };
  if (b.kind === 'param' && b.owner && b.paramIndex !== undefined) return jsdocParamType(b.owner, b.paramIndex, source) ?? undefined;
  return b.declarator ? jsdocVariableType(b.declarator, source) ?? undefined : undefined;
}

/** Why the items may not all be there up front: a known generator or iterator, or a value of unknown origin. */
type ItemsProblem = { lazy: true; reason: string } | { lazy: false; reason: string };

/**
 * Why the items a loop (or p-map) runs over may not all be there up front, or null. The collection is
 * evaluated once either way; what a batch cannot keep is a generator or iterator handing items out one
 * at a time (its work would all run first, or an async one would not spread into an array at all). A
 * parameter, or any value from elsewhere, may be one (`summarize(lines())`), so only collections known
 * to be arrays, Sets or Maps count: literals, `Array.from`, array-returning methods of those, a typed
 * `T[]`/`Array<T>`/`ReadonlyArray<T>`/`Set<T>`/`Map<K, V>` annotation, a const of this file holding one,
 * a parameter of a function of this file that only this file calls, each time with one of those.
 */
function upFrontProblem(expr: Node, facts: FileFacts, depth = 0): ItemsProblem | null {
  const e = unwrap(expr);
  const lazy = (n: Node): ItemsProblem => ({
    lazy: true,
    reason: `the items come from \`${facts.quote(n)}\`, which may hand them out one at a time (a generator or an iterator), so they are not all there before the loop; collect them into an array first (const items = [...${facts.quote(n)}]) if reading them all up front is safe, to get a fix`,
  });
  const unknown = (n: Node): ItemsProblem => ({
    lazy: false,
    reason: `the loop runs over \`${facts.quote(n)}\`, which Batchwise cannot show is an array: a parameter or a value from elsewhere may be a generator that hands out its items one at a time, which a batch would run to the end before the loop; copy it into an array before the loop (\`const list = Array.from(${facts.quote(n)})\`, then loop over \`list\`) or give it an array type (\`${facts.quote(n)}: T[]\`) to get a fix`,
  });
  if (depth > 6) return unknown(e);
  if (facts.kindOf(e) === 'array') return null;
  switch (e.type) {
    case T.ArrayExpression:
      return null;
    case T.AwaitExpression: {
      // Promise.all hands back an array; any other awaited value is as unknown as a parameter.
      const arg = unwrap(e.argument);
      if (arg.type !== T.CallExpression) return unknown(e);
      if (facts.src(arg.callee).replace(/\s+/g, '') === 'Promise.all' && rootIsGlobal(arg.callee, facts)) return null;
      return callReturnsCollection(arg, facts, true, depth) ? null : unknown(e);
    }
    case T.NewExpression:
      return e.callee.type === T.Identifier && ['Set', 'Map', 'Array'].includes(e.callee.name) && facts.bindingOf(e.callee)?.kind === 'global' ? null : lazy(e);
    case T.ConditionalExpression:
      return upFrontProblem(e.consequent, facts, depth + 1) ?? upFrontProblem(e.alternate, facts, depth + 1);
    case T.LogicalExpression:
      return upFrontProblem(e.left, facts, depth + 1) ?? upFrontProblem(e.right, facts, depth + 1);
    case T.Identifier: {
      const b = facts.bindingOf(e);
      if (!b || b.path?.length !== 0) return unknown(e);
      let declared: Node | undefined = b.kind === 'param' && b.owner && b.paramIndex !== undefined ? b.owner.params[b.paramIndex] : b.declarator?.id;
      if (declared?.type === T.AssignmentPattern) declared = declared.left;
      const type = declared?.type === T.Identifier ? declared.typeAnnotation?.typeAnnotation ?? jsdocType(b, facts) : undefined;
      if (type && isCollectionType(type)) return null;
      if (b.kind === 'param') {
        const passed = callersPass(b, facts, depth);
        return passed === null ? unknown(e) : passed.find((p) => p?.lazy) ?? (passed.every((p) => p === null) ? null : unknown(e));
      }
      // A variable of this file whose only value is its initialiser: what that is decides.
      const init = b.kind === 'const' || (b.kind === 'let' && !reassigned(b, facts)) ? b.declarator?.init : null;
      if (!init) return unknown(e);
      const made = unwrap(init);
      if (made.type === T.CallExpression && (isIteratorCall(made, facts) || calledFunction(made, facts, depth)?.fn.generator)) return lazy(made);
      const inner = upFrontProblem(made, facts, depth + 1);
      return inner === null ? null : inner.lazy ? inner : unknown(e);
    }
    case T.CallExpression:
      if (isIteratorCall(e, facts) || calledFunction(e, facts, depth)?.fn.generator) return lazy(e);
      return returnsArray(e, facts, depth) || callReturnsCollection(e, facts, false, depth) ? null : unknown(e);
    default:
      return unknown(e);
  }
}

/**
 * A call of a function, of this file or imported from another module of the project (named, default,
 * or through a namespace import), that returns a collection: its declared return type says so
 * (`T[]`, or `Promise<T[]>` when awaited), or without one, every value it returns is known to be one.
 */
function callReturnsCollection(call: TSESTree.CallExpression, facts: FileFacts, awaited: boolean, depth: number): boolean {
  if (depth > 6) return false;
  const target = calledFunction(call, facts, depth);
  if (!target) return false;
  const { fn, facts: own } = target;
  if (fn.generator) return false;
  const declared = fn.returnType?.typeAnnotation;
  if (declared) {
    if (!fn.async && isCollectionType(declared)) return true;
    const promised = declared.type === T.TSTypeReference && declared.typeName.type === T.Identifier && declared.typeName.name === 'Promise' ? declared.typeArguments?.params[0] : undefined;
    return awaited && promised !== undefined && isCollectionType(promised);
  }
  // An async function hands back a promise: only its awaited value is what it returns.
  if (fn.async && !awaited) return false;
  const returned: Node[] = [];
  let bare = false;
  if (fn.body.type !== T.BlockStatement) returned.push(fn.body);
  else {
    visit(fn.body, (n) => {
      if (n !== fn && isFunctionLike(n)) return false;
      if (n.type === T.ReturnStatement) {
        if (n.argument) returned.push(n.argument);
        else bare = true;
      }
      return undefined;
    });
  }
  return !bare && returned.length > 0 && returned.every((r) => upFrontProblem(r, own, depth + 1) === null);
}

/** The function a call calls, with the facts of the file it is in, when Batchwise can tell for sure. */
function calledFunction(call: TSESTree.CallExpression, facts: FileFacts, depth: number): { fn: FunctionLike; facts: FileFacts } | undefined {
  const callee = unwrap(call.callee);
  let local: TSESTree.Identifier;
  let member: string | undefined;
  if (callee.type === T.Identifier) local = callee;
  else if (callee.type === T.MemberExpression && unwrap(callee.object).type === T.Identifier) {
    // ns.fn(…) through `import * as ns`
    local = unwrap(callee.object) as TSESTree.Identifier;
    member = propertyName(callee.property, callee.computed) ?? undefined;
    if (!member) return undefined;
  } else return undefined;
  const b = facts.bindingOf(local);
  if (!b) return undefined;
  if (member === undefined && b.fn && (b.kind === 'function' || b.kind === 'const') && !reassigned(b, facts)) return { fn: b.fn, facts };
  if (b.kind !== 'import' || !b.id || !facts.modules || facts.file === undefined) return undefined;
  const spec = facts.parents.get(b.id);
  const decl = spec && facts.parents.get(spec);
  if (!spec || decl?.type !== T.ImportDeclaration || decl.importKind === 'type') return undefined;
  let name: string;
  if (spec.type === T.ImportSpecifier) {
    if (member !== undefined || spec.importKind === 'type') return undefined;
    name = spec.imported.type === T.Identifier ? spec.imported.name : String(spec.imported.value);
  } else if (spec.type === T.ImportDefaultSpecifier) {
    if (member !== undefined) return undefined;
    name = 'default';
  } else if (spec.type === T.ImportNamespaceSpecifier && member !== undefined) name = member;
  else return undefined;
  return exportedFunction(facts.file, decl.source.value, name, facts.modules, depth + 1);
}

/** The function a module exports under `name` (declared there, exported by a local name, or re-exported from another module). */
function exportedFunction(fromFile: string, specifier: string, name: string, modules: ModuleLookup, depth: number): { fn: FunctionLike; facts: FileFacts } | undefined {
  if (depth > 6) return undefined;
  const module = modules(fromFile, specifier);
  const target = module ? resolveExport(modules, module, name) : null;
  if (target?.kind === 'binding') {
    const facts = factsFor(target.model, modules);
    const b = target.binding;
    return b?.fn && (b.kind === 'function' || b.kind === 'const') && !reassigned(b, facts) ? { fn: b.fn, facts } : undefined;
  }
  // `export default function () {…}`, `export default async (x) => …`; not CommonJS values, which may be replaced later.
  if (target?.kind === 'value' && !target.commonjs && target.member === undefined && isFunctionLike(target.value)) return { fn: target.value, facts: factsFor(target.model, modules) };
  return undefined;
}

/**
 * For a parameter of a function only this file calls (not exported, never handed on): what each call
 * passes there (null for a known collection). Null when the callers are not all known.
 */
function callersPass(b: Binding, facts: FileFacts, depth: number): (ItemsProblem | null)[] | null {
  const fn = b.owner;
  if (!fn || b.paramIndex === undefined) return null;
  const holder = facts.parents.get(fn);
  const nameId = fn.type === T.FunctionDeclaration ? fn.id : holder?.type === T.VariableDeclarator && holder.init === fn && holder.id.type === T.Identifier ? holder.id : null;
  const named = nameId ? facts.bindingOf(nameId) : undefined;
  if (!named || named.exported) return null;
  const refs = facts.referencesOf(named);
  const passed: (ItemsProblem | null)[] = [];
  for (const ref of refs) {
    const u = facts.useOf(ref);
    if (u.kind !== 'call') return null;
    const args = u.call.arguments.slice(0, b.paramIndex + 1);
    const arg = args[b.paramIndex];
    if (!arg || args.some((a) => a.type === T.SpreadElement)) return null;
    passed.push(upFrontProblem(arg, facts, depth + 1));
  }
  return passed.length > 0 ? passed : null;
}

/** `T[]`, `readonly T[]`, a tuple, `Array<T>`, `ReadonlyArray<T>`, `Set<T>`, `Map<K, V>` (and their readonly forms). */
function isCollectionType(t: Node): boolean {
  if (t.type === T.TSArrayType || t.type === T.TSTupleType) return true;
  if (t.type === T.TSTypeOperator && t.operator === 'readonly' && t.typeAnnotation) return isCollectionType(t.typeAnnotation);
  if (t.type === T.TSUnionType) return t.types.every(isCollectionType);
  return t.type === T.TSTypeReference && t.typeName.type === T.Identifier && ['Array', 'ReadonlyArray', 'Set', 'ReadonlySet', 'Map', 'ReadonlyMap'].includes(t.typeName.name);
}

function reassigned(b: Binding, facts: FileFacts): boolean {
  return facts.referencesOf(b).some((ref) => {
    const u = facts.useOf(ref);
    return u.kind === 'write' && u.path.length === 0;
  });
}

function rootIsGlobal(n: Node, facts: FileFacts): boolean {
  let root = unwrap(n);
  while (root.type === T.MemberExpression) root = unwrap(root.object);
  return root.type === T.Identifier && facts.bindingOf(root)?.kind === 'global';
}

/** A generator function of this file called, or an object's own iterator taken by hand. */
function isIteratorCall(call: TSESTree.CallExpression, facts: FileFacts): boolean {
  const callee = unwrap(call.callee);
  if (callee.type === T.Identifier) return Boolean(facts.bindingOf(callee)?.fn?.generator);
  if (callee.type !== T.MemberExpression) return false;
  return callee.computed && /Symbol\.(async)?[iI]terator/.test(facts.src(callee.property));
}

function returnsArray(call: TSESTree.CallExpression, facts: FileFacts, depth: number): boolean {
  const callee = unwrap(call.callee);
  const text = facts.src(callee).replace(/\s+/g, '');
  if (['Object.keys', 'Object.values', 'Object.entries', 'Array.from', 'Array.of', 'JSON.parse'].includes(text)) {
    let root = callee;
    while (root.type === T.MemberExpression) root = unwrap(root.object);
    return root.type === T.Identifier && facts.bindingOf(root)?.kind === 'global';
  }
  if (callee.type !== T.MemberExpression || depth > 4) return false;
  const m = propertyName(callee.property, callee.computed);
  if (m === 'split' || m === 'matchAll') return true;
  // An iterator over a collection known up front reads nothing else; changes to the collection are checked.
  if ((m === 'entries' || m === 'keys' || m === 'values') && call.arguments.length === 0) return upFrontProblem(callee.object, facts, depth + 1) === null;
  const arrayMethods = ['slice', 'filter', 'map', 'flat', 'flatMap', 'concat', 'toSorted', 'toReversed', 'toSpliced', 'with', 'sort', 'reverse'];
  return Boolean(m && arrayMethods.includes(m) && upFrontProblem(callee.object, facts, depth + 1) === null);
}

export function indentLike(n: Node, text: string): string {
  const lineStart = lineStartOf(text, n.range[0]);
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** Whether a loop bound is a whole number: a length, an integer literal, a const holding one. */
function integral(n: Node, facts: FileFacts, depth = 0): boolean {
  const e = unwrap(n);
  if (e.type === T.Literal) return typeof e.value === 'number' && Number.isInteger(e.value);
  if (e.type === T.MemberExpression) return !e.computed && propertyName(e.property, false) === 'length';
  if (e.type !== T.Identifier || depth > 3) return false;
  const b = facts.bindingOf(e);
  const init = b?.kind === 'const' && b.path?.length === 0 ? b.declarator?.init : null;
  return Boolean(init && integral(init, facts, depth + 1));
}

/** `for (let i = 0; i < xs.length; i++)` (or `i < n` with an invariant n), counting up by one. */
function indexLoop(loop: TSESTree.ForStatement, text: string, comments: readonly TSESTree.Comment[]): { index: string; id: TSESTree.Identifier; length: string; node: Node } | string {
  const init = loop.init;
  const shape = 'only index loops of the form for (let i = 0; i < n; i++) can be batched';
  if (init?.type !== T.VariableDeclaration || init.declarations.length !== 1) return shape;
  const d = init.declarations[0];
  if (d.id.type !== T.Identifier || d.init?.type !== T.Literal || d.init.value !== 0) return shape;
  const i = d.id.name;
  const test = loop.test;
  if (test?.type !== T.BinaryExpression || test.operator !== '<' || test.left.type !== T.Identifier || test.left.name !== i) return shape;
  const update = loop.update;
  const stepsByOne =
    (update?.type === T.UpdateExpression && update.operator === '++' && update.argument.type === T.Identifier && update.argument.name === i) ||
    (update?.type === T.AssignmentExpression && update.operator === '+=' && update.left.type === T.Identifier && update.left.name === i && update.right.type === T.Literal && update.right.value === 1);
  if (!stepsByOne) return shape;
  const bound = test.right;
  const simple = (n: Node): boolean => n.type === T.Identifier || n.type === T.Literal || (n.type === T.MemberExpression && !n.computed && simple(n.object));
  if (!simple(bound)) return 'the loop bound is computed on every iteration; hoist it into a constant first';
  // The bound stays in the loop's head: its copy leaves the comments there.
  return { index: i, id: d.id, length: textWithoutComments(text, comments, bound.range), node: bound };
}

/** A module's default export bound to `name` by a top-level `import name from 'source'`. */
export function importsDefault(program: TSESTree.Program, name: string, source: string): boolean {
  return program.body.some(
    (s) =>
      s.type === T.ImportDeclaration &&
      s.source.value === source &&
      s.importKind !== 'type' &&
      s.specifiers.some(
        (sp) =>
          sp.local.name === name &&
          (sp.type === T.ImportDefaultSpecifier || (sp.type === T.ImportSpecifier && propertyName(sp.imported, false) === 'default')),
      ),
  );
}

/** `limit` in `limit(async () => …)` is a p-limit limiter: every declaration of that name is `pLimit(n)`. */
export function isPLimitLimiter(program: TSESTree.Program, name: string): boolean {
  const inits: (Node | null)[] = [];
  visit(program, (n) => void (n.type === T.VariableDeclarator && n.id.type === T.Identifier && n.id.name === name && inits.push(n.init)));
  return (
    inits.length > 0 &&
    inits.every((init) => init?.type === T.CallExpression && init.callee.type === T.Identifier && importsDefault(program, init.callee.name, 'p-limit'))
  );
}

/** Whether options written out as an object literal set `key` to `false`. */
function optionIsFalse(options: Node | undefined, key: string): boolean {
  const o = options ? unwrap(options) : null;
  if (o?.type !== T.ObjectExpression) return false;
  const p = o.properties.find((q) => q.type === T.Property && propertyName(q.key, q.computed) === key) as TSESTree.Property | undefined;
  return p?.value.type === T.Literal && p.value.value === false;
}

/** A try whose catch clause stops every error of its block: it has one, and it throws nothing itself (outside functions it defines). */
function catchesWithoutRethrow(t: TSESTree.TryStatement): boolean {
  if (!t.handler) return false;
  let throws = false;
  visit(t.handler.body, (n) => {
    if (throws || (n !== t.handler!.body && isFunctionLike(n))) return false;
    if (n.type === T.ThrowStatement) throws = true;
    return undefined;
  });
  return !throws;
}

/** p-map runs every mapper at once unless its options cap the concurrency. */
function pMapIsLimited(options: Node | undefined): boolean {
  if (!options) return false;
  const o = unwrap(options);
  if (o.type !== T.ObjectExpression) return true;
  const c = o.properties.find((p) => p.type === T.Property && propertyName(p.key, p.computed) === 'concurrency') as TSESTree.Property | undefined;
  if (o.properties.some((p) => p.type === T.SpreadElement)) return true;
  return Boolean(c && !(c.value.type === T.Identifier && c.value.name === 'Infinity'));
}

/**
 * A callback that runs once per item of a collection known up front:
 * `Promise.all(xs.map(async (x, i) => { … }))` (Promise.all keeps the order),
 * `await pMap(xs, async (x, i) => { … }, options)`,
 * `Promise.all(xs.map((x) => limit(async () => { … })))` with a p-limit limiter,
 * and `xs.forEach(async (x, i) => { … })` over an array.
 */
function mapCallback(fn: Node, facts: FileFacts, program: TSESTree.Program, limited = false): Omit<Loop, 'body' | 'scope' | 'tryStatement'> | string {
  const src = (n: Node) => facts.src(n);
  const parents = facts.parents;
  if (fn.type !== T.ArrowFunctionExpression && fn.type !== T.FunctionExpression) return NOT_PER_ITEM;
  const outerCall = parents.get(fn);
  if (outerCall?.type !== T.CallExpression) return NOT_PER_ITEM;

  // p-limit: the per-item callback is the one handing this function to the limiter.
  if (outerCall.callee.type === T.Identifier && outerCall.arguments.length === 1 && outerCall.arguments[0] === fn && isPLimitLimiter(program, outerCall.callee.name)) {
    if (fn.params.length > 0) return 'the function handed to the p-limit limiter takes arguments';
    const holder = parents.get(outerCall);
    const returned = holder?.type === T.ReturnStatement ? holder : null;
    const perItem = returned ? parents.get(parents.get(returned) ?? returned) : holder;
    const returnsOnly = returned ? parents.get(returned)?.type === T.BlockStatement && (parents.get(returned) as TSESTree.BlockStatement).body.length === 1 : true;
    if (!perItem || !isFunctionLike(perItem) || !returnsOnly || (!returned && (perItem as TSESTree.ArrowFunctionExpression).body !== outerCall)) {
      return 'the p-limit limiter is not called as the whole body of a per-item callback (xs.map((x) => limit(async () => …)))';
    }
    const outer = mapCallback(perItem, facts, program, true);
    // The items and the index are the per-item callback's; the body that runs them is the limited one.
    return typeof outer === 'string' ? outer : { ...outer, isCallback: true };
  }

  const method = outerCall.callee.type === T.MemberExpression ? propertyName(outerCall.callee.property, outerCall.callee.computed) : null;
  const isPMap = outerCall.callee.type === T.Identifier && importsDefault(program, outerCall.callee.name, 'p-map');
  if (isPMap ? outerCall.arguments[1] !== fn || outerCall.arguments.length > 3 : outerCall.arguments[0] !== fn || outerCall.arguments.length !== 1) return NOT_PER_ITEM;
  if (!isPMap && method !== 'map' && method !== 'forEach') return NOT_PER_ITEM;
  const receiver = isPMap ? outerCall.arguments[0] : (outerCall.callee as TSESTree.MemberExpression).object;
  if (receiver.type === T.SpreadElement) return NOT_PER_ITEM;
  let itemsProblem: string | null = null;
  if (isPMap) {
    const upFront = upFrontProblem(receiver, facts);
    if (upFront?.lazy) return upFront.reason;
    itemsProblem = upFront?.reason ?? null;
  }

  // The whole fan-out must finish before what follows it, so the results can be waited for first.
  let fanOut: Node = outerCall;
  if (method === 'map') {
    const all = parents.get(outerCall);
    if (all?.type !== T.CallExpression || all.arguments[0] !== outerCall || all.callee.type !== T.MemberExpression || src(all.callee).replace(/\s+/g, '') !== 'Promise.all') {
      return 'the map callback is not awaited through Promise.all, so the items may not all be known up front';
    }
    fanOut = all;
  }
  if (isPMap) {
    const holder = parents.get(outerCall);
    if (holder?.type !== T.AwaitExpression && holder?.type !== T.ReturnStatement) return 'the p-map call is not awaited where it is made';
  }
  if (fn.params.length > 2 || fn.params.some((p) => p.type === T.RestElement)) return 'the callback takes more than an item and an index';
  // The statement holding the fan-out gets the hoisted batch run before it.
  let anchor: Node = fanOut;
  while (parents.get(anchor) && !/Statement$|Declaration$/.test(anchor.type)) anchor = parents.get(anchor)!;
  const container = parents.get(anchor);
  if (!container || (container.type !== T.BlockStatement && container.type !== T.Program)) {
    return 'the fan-out is not a statement of its own in a block, so there is no place for the batch right before it; give it a statement of its own to get a fix';
  }
  const position = fanOutPosition(fanOut, outerCall, anchor, facts);
  if (position) return position;
  if (method === 'map' && !awaitedWhereMade(fanOut, anchor, facts)) {
    return `the fan-out's promise is not awaited in the statement that makes it (\`${facts.quote(anchor)}\`), so the code after that statement runs while the requests are out; the rewrite waits for the whole batch before that statement, so that code would run only after the batch; await the fan-out where it is made (const results = await Promise.all(…)) to get a fix`;
  }
  if (method === 'forEach') {
    if (anchor.type !== T.ExpressionStatement || (anchor as TSESTree.ExpressionStatement).expression !== fanOut) return 'the forEach result is used; forEach returns nothing';
    if (!fn.async) return 'the forEach callback is not async, so it cannot wait for the batch; make it async (xs.forEach(async (x) => …)) to get a fix';
    // A Map's or Set's forEach hands out values and keys, not items and indexes as an array's does.
    if (facts.kindOf(receiver) !== 'array') {
      return `\`${src(receiver)}\` is not known to be an array (a Map's or a Set's forEach passes keys, not indexes), so Batchwise cannot rebuild the loop over an array of items; write Array.from(${src(receiver)}).forEach(…) to get a fix`;
    }
  }
  const sequential = limited || (isPMap && pMapIsLimited(outerCall.arguments[2]));
  const stopsOnFailure =
    isPMap && pMapIsLimited(outerCall.arguments[2]) && !optionIsFalse(outerCall.arguments[2], 'stopOnError')
      ? "p-map runs at most its `concurrency` mappers at once and stops starting new ones at the first failure (stopOnError), so which items run after a failed request depends on when the answers arrive, and a batch brings them all at once; catch the call's error inside the callback (try { … } catch { … } without a rethrow), or pass stopOnError: false, to get a fix"
      : null;
  return {
    anchor,
    stopsOnFailure,
    labels: [],
    isCallback: true,
    sequential,
    // p-map starts as many mappers as its concurrency allows before any answer arrives, and stops starting
    // mappers at the first failure: with the batch awaited first, a failed request's mapper would throw
    // before the others in flight with it had started (the original ran them, as their answers came).
    // So each mapper waits for the batch itself.
    awaitsBatch: method !== 'forEach' && !isPMap,
    itemIds: fn.params.flatMap((p) => patternIds(p)),
    patterns: fn.params,
    itemsProblem,
    materialised: null,
    live: isPMap ? [{ node: receiver, role: 'collection' }] : [],
    mapParams: (unused, drop) => {
      const params = fn.params.map((p) => prunedPattern(p, drop, src));
      while (params.length > 0 && params[params.length - 1] === null) params.pop();
      return params.map((p, i) => p ?? (fn.params[i].type === T.Identifier ? `_${(fn.params[i] as TSESTree.Identifier).name}` : unused)).join(', ');
    },
    rewrite: ({ items, results, index, unused, unusedIds, prune, rename }) => {
      const existing = fn.params[1]?.type === T.Identifier ? fn.params[1].name : null;
      const indexName = existing ?? index;
      const edits: TextEdit[] = [{ range: [receiver.range[0], receiver.range[1]], newText: items }];
      // The item's names the callback no longer reads: left out, or an unused parameter marked as such (`_item`).
      const first = fn.params[0];
      if (first) {
        const kept = first.type === T.Identifier || prune ? prunedPattern(first, unusedIds, src) : markedPattern(first, unusedIds, src, rename);
        const text = kept ?? (first.type === T.Identifier ? `_${first.name}` : unused);
        if (text !== src(first)) edits.push({ range: [first.range[0], first.range[1]], newText: existing ? text : `${text}, ${indexName}` });
        else if (!existing) edits.push({ range: [first.range[1], first.range[1]], newText: `, ${indexName}` });
      } else {
        edits.push(paramsEdit(fn, facts.text, `${unused}, ${indexName}`));
      }
      // p-map also takes iterables that are not arrays; a spread reads any iterable the way p-map does.
      const all = isPMap ? `[...${src(receiver)}]` : `Array.from(${src(receiver)})`;
      return {
        hoisted: `const ${items} = ${all};\n${indentLike(anchor, facts.text)}const ${results} = $RUN;\n`,
        edits,
        indexName,
      };
    },
  };
}

/**
 * The batch goes before the fan-out's statement, so the fan-out must be the first thing that statement
 * does, and do it unconditionally: `enabled ? await Promise.all(…) : []` would otherwise run (and pay
 * for) the batch when `enabled` is false.
 */
function fanOutPosition(fanOut: Node, outerCall: TSESTree.CallExpression, anchor: Node, facts: FileFacts): string | null {
  const conditional = (cond: string) =>
    `the fan-out runs only under a condition (\`${cond}\`), but the batch would go before its statement and run, and be paid for, either way; put the fan-out in an if statement of its own to get a fix`;
  const callee = outerCall.callee;
  if (outerCall.optional || (callee.type === T.MemberExpression && callee.optional)) return conditional(`${facts.quote(callee)}`);
  if (fanOut.type === T.CallExpression && fanOut.optional) return conditional(facts.quote(fanOut.callee));
  const notFirst = `the fan-out is not the first thing its statement does (\`${facts.quote(anchor)}\`), and the batch goes before that statement, ahead of the rest of it; give the fan-out a statement of its own (const results = await Promise.all(…)) to get a fix`;
  const simpleCallee = (c: Node): boolean => c.type === T.Identifier || (c.type === T.MemberExpression && !c.computed && !c.optional && simpleCallee(c.object));
  let cur: Node = fanOut;
  while (cur !== anchor) {
    const p = facts.parents.get(cur);
    if (!p) return notFirst;
    switch (p.type) {
      case T.AwaitExpression:
      case T.ChainExpression:
      case T.TSAsExpression:
      case T.TSNonNullExpression:
      case T.TSSatisfiesExpression:
      case T.TSTypeAssertion:
      case T.ExpressionStatement:
      case T.ReturnStatement:
        break;
      case T.MemberExpression:
        if (p.object !== cur) return notFirst;
        break;
      case T.CallExpression:
        if (p.callee !== cur && !(p.arguments[0] === cur && !p.optional && simpleCallee(p.callee))) return notFirst;
        break;
      case T.VariableDeclarator:
        if (p.init !== cur) return notFirst;
        break;
      case T.VariableDeclaration:
        if (p.declarations.length !== 1) return notFirst;
        break;
      case T.AssignmentExpression:
        if (p.right !== cur) return notFirst;
        if (p.operator === '&&=' || p.operator === '||=' || p.operator === '??=') return conditional(`${facts.quote(p.left)} ${p.operator}`);
        if (p.operator !== '=' || unwrap(p.left).type !== T.Identifier) return notFirst;
        break;
      case T.ConditionalExpression:
        if (p.test !== cur) return conditional(`${facts.quote(p.test)} ?`);
        break;
      case T.LogicalExpression:
        if (p.left !== cur) return conditional(`${facts.quote(p.left)} ${p.operator}`);
        break;
      case T.BinaryExpression:
        if (p.left !== cur) return notFirst;
        break;
      default:
        return notFirst;
    }
    cur = p;
  }
  return null;
}

/** Whether the fan-out is awaited (or returned, for the caller to await) by the statement that makes it. */
function awaitedWhereMade(fanOut: Node, anchor: Node, facts: FileFacts): boolean {
  if (anchor.type === T.ReturnStatement) return true;
  for (let cur: Node | undefined = facts.parents.get(fanOut); cur && cur !== anchor; cur = facts.parents.get(cur)) {
    if (cur.type === T.AwaitExpression) return true;
  }
  return false;
}

/** Replaces an empty parameter list `()` (or `async ()`) with `(params)`. */
function paramsEdit(fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression, text: string, params: string): TextEdit {
  const open = text.indexOf('(', fn.type === T.FunctionExpression && fn.id ? fn.id.range[1] : fn.range[0]);
  const close = text.indexOf(')', open);
  return { range: [open, close + 1], newText: `(${params})` };
}
