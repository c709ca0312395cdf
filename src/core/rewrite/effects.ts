// What code reads, changes and calls, by variable: the facts a rewrite needs before it moves a request
// away from where it was built. Over the file's syntax model (its scopes: a name declared again in an
// inner block is another variable), and syntactic, so deliberately conservative: whatever cannot be shown to leave a value alone
// counts as changing it. What it does not follow: objects changed by code in other files, and changes
// made through a copy of a reference taken by a method (`const copy = xs.slice(); copy[0].x = 1`).
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { forEachChild, Node } from '../parse/walk';
import { FunctionLike, isFunctionLike, propertyName, TYPE_WRAPPERS, unwrap, within } from '../syntax/nodes';
import { Binding, SyntaxModel } from '../syntax/model';
import type { ModuleLookup } from '../project';
import { lineNumberAt } from '../parse/lineNumbers';

export type { Binding };

/** How one reference to a binding uses it. */
export type Use =
  | { kind: 'read'; ref: Node; path: string[] }
  /** Assigns, increments or deletes the binding (empty path) or a member of it. */
  | { kind: 'write'; ref: Node; path: string[]; at: Node }
  /** Calls a method on the binding or on a member of it: `path` is the receiver's. */
  | { kind: 'method'; ref: Node; path: string[]; method: string; receiver: Node; call: TSESTree.CallExpression }
  /** Calls the binding itself. */
  | { kind: 'call'; ref: Node; path: string[]; call: TSESTree.CallExpression }
  /**
   * Hands the value on: as an argument (`callee` set), or stored where it can be changed later. When it is
   * stored in a variable of this file (`const alias = value`, `const session = { history }`,
   * `obj.key = value`, `list.push(value)`), `alias` is that variable and `aliasPath` where in its value
   * this one sits.
   */
  | { kind: 'escape'; ref: Node; path: string[]; value: Node; at: Node; callee?: Node; alias?: Binding; aliasPath?: string[] };

export type ValueKind = 'string' | 'number' | 'boolean' | 'array';

/** What a change to a value is, for the reason shown to the user. */
export interface Harm {
  use: Use;
  /** The node to quote (the assignment, the call). */
  at: Node;
  /** Assigned; changed by a method Batchwise does not know to leave it alone; handed to code that may change it. */
  kind: 'change' | 'may-change' | 'hand-on';
}

/** Methods of String.prototype (and Number's toFixed…) whose names user objects practically never reuse: trusted on any receiver. */
const STRING_ONLY_METHODS = new Set([
  'trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'padStart', 'padEnd',
  'startsWith', 'endsWith', 'charAt', 'charCodeAt', 'codePointAt', 'normalize', 'repeat', 'replaceAll', 'substring', 'toFixed', 'toPrecision',
]);
/**
 * Built-in methods whose names are common on user objects too (`room.join(x)`, `cache.slice()`): trusted
 * only on a receiver known to be a string or an array.
 */
const STRING_METHODS = new Set(['slice', 'split', 'concat', 'includes', 'indexOf', 'lastIndexOf', 'at', 'replace', 'toString', 'match', 'search', 'localeCompare']);
const ARRAY_METHODS = new Set([
  'slice', 'concat', 'join', 'includes', 'indexOf', 'lastIndexOf', 'at', 'toString', 'flat', 'toSorted', 'toReversed', 'toSpliced', 'with', 'keys', 'values', 'entries',
  'map', 'filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flatMap', 'reduce', 'reduceRight', 'forEach',
]);
/** What reads a Set or a Map without changing it. */
const COLLECTION_READS = new Set(['has', 'get', 'keys', 'values', 'entries', 'forEach']);
const ARRAY_MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);
const CALLBACK_METHODS = new Set(['map', 'filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flatMap', 'reduce', 'reduceRight', 'forEach', 'toSorted']);
/** Global functions that compute a value from their arguments and keep nothing (`Math.random` is not one). */
const PURE_GLOBALS = new Set([
  'String', 'Number', 'Boolean', 'JSON.stringify', 'parseInt', 'parseFloat', 'encodeURIComponent', 'encodeURI', 'isNaN', 'isFinite',
  'Number.isFinite', 'Number.isInteger', 'Number.isNaN', 'Array.isArray', 'Object.keys', 'Object.values', 'Object.entries',
  'Math.round', 'Math.floor', 'Math.ceil', 'Math.abs', 'Math.min', 'Math.max', 'Math.trunc', 'Math.sign', 'Math.sqrt', 'Math.pow',
]);
/** zod's entry points, and the methods that run a schema (its refinements and transforms) rather than build one. */
const ZOD_SOURCES = new Set(['zod', 'zod/v3', 'zod/v4']);
const ZOD_RUNS = /^(safe)?(parse|decode|encode)(Async)?$|^spa$/;
/** Calls that only read what they are given (printing it, copying it into a string). */
const READ_ONLY_SINKS = new Set([
  ...PURE_GLOBALS, 'console.log', 'console.info', 'console.warn', 'console.error', 'console.debug', 'console.trace', 'console.dir', 'console.table',
  'process.stdout.write', 'process.stderr.write',
]);
export type { ModuleLookup };

const FACTS = new WeakMap<SyntaxModel, FileFacts>();

/** The file's facts, computed once per parse (the analysis checks every call site of a file on one model). */
export function factsFor(model: SyntaxModel, modules?: ModuleLookup): FileFacts {
  let facts = FACTS.get(model);
  if (!facts) {
    facts = new FileFacts(model);
    FACTS.set(model, facts);
  }
  if (modules) facts.modules = modules;
  return facts;
}

/**
 * What code does with each binding of a file, over the file's syntax model (its scopes and references):
 * how a reference uses its value, what may change it, what kind of value it is, what is pure.
 */
export class FileFacts {
  readonly program: TSESTree.Program;
  readonly text: string;
  /** The file these facts are of (relative to the workspace root), and how to reach the modules it imports. */
  readonly file: string;
  modules?: ModuleLookup;
  /** Calls a strategy has shown to be pure (an AI SDK provider's `openai('gpt-4o')`, which only makes a model object). */
  readonly pureCalls = new Set<Node>();
  private readonly kinds = new Map<Node, ValueKind | null>();

  constructor(readonly model: SyntaxModel) {
    this.program = model.ast;
    this.text = model.text;
    this.file = model.file;
  }

  get parents(): Map<Node, Node> {
    return this.model.parents;
  }

  src(n: Node): string {
    return this.text.slice(n.range[0], n.range[1]);
  }

  /** The binding an identifier (or `this`) refers to; globals get one binding per name. */
  bindingOf(ref: Node): Binding | undefined {
    return this.model.bindingOf(ref);
  }

  /** Every reference to a binding (declarations excluded), in source order. */
  referencesOf(b: Binding): readonly Node[] {
    return this.model.referencesOf(b);
  }

  // ---- uses

  /** How a reference uses its binding: follows the member chain (`st.n`, `xs[i]`) to what is done with it. */
  useOf(ref: Node): Use {
    const path: string[] = [];
    let cur: Node = ref;
    for (;;) {
      const p = this.parents.get(cur);
      if (!p) break;
      if (TYPE_WRAPPERS.has(p.type) || p.type === T.ChainExpression) {
        cur = p;
        continue;
      }
      if (p.type === T.MemberExpression && p.object === cur) {
        const key = propertyName(p.property, p.computed);
        if (p.computed && p.property.type === T.Literal && typeof p.property.value === 'number') path.push(String(p.property.value));
        else path.push(key ?? '*');
        cur = p;
        continue;
      }
      // The value passes through unchanged: what is done with the whole is done with it.
      if (p.type === T.LogicalExpression || (p.type === T.ConditionalExpression && p.test !== cur) || p.type === T.AwaitExpression ||
        (p.type === T.SequenceExpression && p.expressions[p.expressions.length - 1] === cur)) {
        cur = p;
        continue;
      }
      break;
    }
    const parent = this.parents.get(cur);
    if (!parent) return { kind: 'read', ref, path };
    switch (parent.type) {
      case T.AssignmentExpression:
        if (parent.left === cur) return { kind: 'write', ref, path, at: parent };
        return parent.right === cur ? this.escape(ref, path, cur, parent) : { kind: 'read', ref, path };
      case T.UpdateExpression:
        return { kind: 'write', ref, path, at: parent };
      case T.UnaryExpression:
        return parent.operator === 'delete' ? { kind: 'write', ref, path, at: parent } : { kind: 'read', ref, path };
      case T.ForOfStatement:
      case T.ForInStatement:
        if (parent.left === cur) return { kind: 'write', ref, path, at: parent };
        // A for…of hands out the elements, which the body may change.
        return parent.type === T.ForOfStatement ? { kind: 'escape', ref, path, value: cur, at: parent } : { kind: 'read', ref, path };
      case T.ObjectPattern:
      case T.ArrayPattern:
      case T.AssignmentPattern:
      case T.RestElement:
      case T.Property:
        if (this.inAssignmentTarget(cur)) return { kind: 'write', ref, path, at: this.targetRoot(cur) };
        return parent.type === T.Property && parent.value === cur && this.parents.get(parent)?.type === T.ObjectExpression
          ? this.escape(ref, path, cur, parent)
          : { kind: 'read', ref, path };
      case T.CallExpression:
      case T.NewExpression:
        if (parent.callee === cur) {
          if (parent.type === T.NewExpression) return { kind: 'escape', ref, path, value: cur, at: parent };
          const member = unwrap(cur.type === T.ChainExpression ? cur.expression : cur);
          if (path.length === 0) return { kind: 'call', ref, path, call: parent };
          if (member.type !== T.MemberExpression) return { kind: 'escape', ref, path, value: cur, at: parent };
          return { kind: 'method', ref, path: path.slice(0, -1), method: path[path.length - 1], receiver: member.object, call: parent };
        }
        return this.escape(ref, path, cur, parent);
      case T.SpreadElement: {
        const holder = this.parents.get(parent);
        // Spread into a literal copies; spread into a call hands the elements on.
        if (holder?.type === T.CallExpression || holder?.type === T.NewExpression) return { kind: 'escape', ref, path, value: cur, at: holder, callee: holder.callee };
        return { kind: 'read', ref, path };
      }
      case T.TemplateLiteral: {
        const tag = this.parents.get(parent);
        return tag?.type === T.TaggedTemplateExpression ? { kind: 'escape', ref, path, value: cur, at: tag, callee: tag.tag } : { kind: 'read', ref, path };
      }
      case T.VariableDeclarator:
      case T.ArrayExpression:
      case T.ReturnStatement:
      case T.ArrowFunctionExpression:
      case T.YieldExpression:
      case T.ThrowStatement:
      case T.JSXExpressionContainer:
      case T.PropertyDefinition:
        if (parent.type === T.ArrowFunctionExpression && parent.body !== cur) return { kind: 'read', ref, path };
        return this.escape(ref, path, cur, parent);
      default:
        return { kind: 'read', ref, path };
    }
  }

  private escape(ref: Node, path: string[], value: Node, at: Node): Use {
    // Up through the literals holding the value (`{ history }`, `[a, b]`, `{ ctx: { history } }`): where it ends up decides.
    const prefix: string[] = [];
    let node: Node = value;
    let holder: Node | undefined = at;
    for (;;) {
      if (holder?.type === T.Property && holder.value === node && this.parents.get(holder)?.type === T.ObjectExpression) {
        prefix.unshift(propertyName(holder.key, holder.computed) ?? '*');
        node = this.parents.get(holder)!;
      } else if (holder?.type === T.ArrayExpression) {
        const i = holder.elements.findIndex((e) => e === node);
        prefix.unshift(holder.elements.slice(0, i).some((e) => e?.type === T.SpreadElement) ? '*' : String(i));
        node = holder;
      } else {
        break;
      }
      holder = this.parents.get(node);
      while (holder && TYPE_WRAPPERS.has(holder.type)) {
        node = holder;
        holder = this.parents.get(node);
      }
    }
    if (!holder) return { kind: 'escape', ref, path, value, at };
    // `const alias = value`: followed, so that changes made through the alias count.
    if (holder.type === T.VariableDeclarator && holder.init === node && holder.id.type === T.Identifier) {
      return { kind: 'escape', ref, path, value, at: holder, alias: this.model.bindingOf(holder.id), aliasPath: prefix };
    }
    // `obj.key = value`: now also a member of another variable's value.
    if (holder.type === T.AssignmentExpression && holder.right === node && holder.operator === '=') {
      const chain = this.memberChain(holder.left);
      if (chain) return { kind: 'escape', ref, path, value, at: holder, alias: chain.binding, aliasPath: [...chain.path, ...prefix] };
    }
    if ((holder.type === T.CallExpression || holder.type === T.NewExpression) && holder.arguments.some((a) => a === node)) {
      // `list.push(value)`, `set.add(value)`, `map.set(key, value)`: held by the collection's elements.
      const callee = unwrap(holder.callee);
      const method = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
      const stored = method && (['push', 'unshift', 'add'].includes(method) || (method === 'set' && holder.arguments[1] === node));
      const chain = stored && callee.type === T.MemberExpression ? this.memberChain(callee.object) : null;
      if (chain) return { kind: 'escape', ref, path, value, at: holder, callee: holder.callee, alias: chain.binding, aliasPath: [...chain.path, '*', ...prefix] };
      return { kind: 'escape', ref, path, value, at: holder, callee: holder.callee };
    }
    return { kind: 'escape', ref, path, value, at: prefix.length > 0 ? holder : at };
  }

  private inAssignmentTarget(n: Node): boolean {
    return this.targetRoot(n).type !== T.Program;
  }

  /** The assignment or for…of/in whose target pattern holds `n`, else the Program. */
  private targetRoot(n: Node): Node {
    let cur = n;
    for (let p = this.parents.get(cur); p; cur = p, p = this.parents.get(p)) {
      if (p.type === T.ObjectPattern || p.type === T.ArrayPattern || p.type === T.RestElement || (p.type === T.Property && p.value === cur) || (p.type === T.AssignmentPattern && p.left === cur)) continue;
      if (p.type === T.AssignmentExpression && p.left === cur) return p;
      if ((p.type === T.ForOfStatement || p.type === T.ForInStatement) && p.left === cur) return p;
      break;
    }
    return this.program;
  }

  /**
   * Whether a use may change the value (or the member at its path), and how. `skip` are calls not to count
   * (the call under fix, which hands the request to the SDK).
   */
  harm(use: Use, skip: ReadonlySet<Node> = new Set()): Harm | null {
    return this.harms(use, skip)[0] ?? null;
  }

  /** Every way a use may change the value: one, or for `const alias = value`, each change made through the alias. */
  harms(use: Use, skip: ReadonlySet<Node> = new Set(), depth = 0): Harm[] {
    switch (use.kind) {
      case 'read':
      case 'call':
        return [];
      case 'write':
        return [{ use, at: use.at, kind: 'change' }];
      case 'method':
        if (this.leavesReceiver(use.method, use.receiver, use.call)) return [];
        return [{ use, at: use.call, kind: ARRAY_MUTATORS.has(use.method) && this.kindOf(use.receiver) === 'array' ? 'change' : 'may-change' }];
      case 'escape': {
        if (skip.has(use.at)) return [];
        const kind = this.kindOf(use.value);
        if (kind && kind !== 'array') return []; // strings, numbers and booleans cannot be changed
        if (use.callee && !use.alias && this.onlyReads(use.callee, use.at as TSESTree.CallExpression)) return [];
        // Stored in a local variable of this file: each change made through it, at the place the value sits, is a change of the value.
        const alias = use.alias;
        if (alias && ['const', 'let', 'var'].includes(alias.kind) && !alias.exported && depth < 3) {
          const at = use.aliasPath ?? [];
          return this.referencesOf(alias).flatMap((ref) => {
            if (within(ref, use.at)) return []; // the store itself
            const u = this.useOf(ref);
            // Assigning `alias.key` replaces what sits there (the value itself is left alone); assigning inside it, or calling a method on it, or on what holds it, may change it.
            const touches = u.kind === 'write' ? u.path.length > at.length && overlaps(u.path, at) : overlaps(u.path, at);
            return touches ? this.harms(u, skip, depth + 1).map((inner) => ({ use, at: inner.at, kind: inner.kind })) : [];
          });
        }
        return [{ use, at: use.at, kind: 'hand-on' }];
      }
    }
  }

  /**
   * The variables whose values a variable's value (at `path`) holds by reference, from its initialiser:
   * `const h = history`, `const { history } = session`, `const session = { history }`. A change made
   * through one of them is a change of what this one reads. Copies (spreads, method results) are not
   * followed: what they share is only what the elements hold.
   */
  heldValues(b: Binding, path: readonly string[], depth = 0): { binding: Binding; path: string[] }[] {
    if (depth > 3 || !(b.kind === 'const' || b.kind === 'let') || b.path === null || !b.declarator?.init) return [];
    return this.valuesIn(b.declarator.init, [...b.path, ...path], depth);
  }

  private valuesIn(expr: Node, path: string[], depth: number): { binding: Binding; path: string[] }[] {
    const e = unwrap(expr);
    switch (e.type) {
      case T.Identifier:
      case T.ThisExpression:
      case T.MemberExpression: {
        const chain = this.memberChain(e);
        if (!chain) return [];
        const at = [...chain.path, ...path];
        return [{ binding: chain.binding, path: at }, ...this.heldValues(chain.binding, at, depth + 1)];
      }
      case T.ObjectExpression:
        return e.properties.flatMap((p) => {
          if (p.type !== T.Property || p.kind !== 'init') return [];
          const key = propertyName(p.key, p.computed) ?? '*';
          if (path.length > 0 && !overlaps([key], [path[0]])) return [];
          return this.valuesIn(p.value, path.slice(1), depth);
        });
      case T.ArrayExpression:
        return e.elements.flatMap((el, i) => {
          if (!el || el.type === T.SpreadElement) return [];
          if (path.length > 0 && !overlaps([String(i)], [path[0]])) return [];
          return this.valuesIn(el, path.slice(1), depth);
        });
      case T.LogicalExpression:
        return [...this.valuesIn(e.left, path, depth), ...this.valuesIn(e.right, path, depth)];
      case T.ConditionalExpression:
        return [...this.valuesIn(e.consequent, path, depth), ...this.valuesIn(e.alternate, path, depth)];
      default:
        return [];
    }
  }

  /** A call that reads its arguments and keeps none: printing, string conversion, a pure function of this file. */
  private onlyReads(callee: Node, call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
    if (call.type !== T.CallExpression) return false;
    const c = unwrap(callee);
    if (READ_ONLY_SINKS.has(this.src(c).replace(/\s+/g, '')) && this.rootIsGlobal(c)) return true;
    if (c.type === T.MemberExpression) {
      const method = propertyName(c.property, c.computed);
      const kind = this.kindOf(c.object);
      if (kind === 'string') return true; // string methods turn their arguments into strings
      if (kind === 'array' && method && ['includes', 'indexOf', 'lastIndexOf', 'join', 'at'].includes(method)) return true;
      return false;
    }
    return c.type === T.Identifier && this.pureFunctionProblem(c, 0, new Set()) === null;
  }

  /** Whether a method call leaves its receiver as it was. */
  private leavesReceiver(method: string, receiver: Node, call: TSESTree.CallExpression): boolean {
    const kind = this.kindOf(receiver);
    if (kind === 'string' || kind === 'number' || kind === 'boolean') return true;
    if (STRING_ONLY_METHODS.has(method)) return true;
    if (kind === 'array' && ARRAY_METHODS.has(method)) {
      // A callback gets the elements: it must not change them.
      return call.arguments.every((a) => !isFunctionLike(a) || this.pureFunctionBody(a, 0, new Set()) === null);
    }
    return false;
  }

  /**
   * `z.object({ … })`, `z.string().describe('…')`: a zod schema built from `z` of 'zod'. Building one makes a new
   * schema and keeps nothing (callbacks given to `refine` or `transform` are kept, not called); parsing runs them.
   */
  private buildsZodSchema(callee: Node): boolean {
    let cur = unwrap(callee);
    while (cur.type === T.MemberExpression) {
      const name = propertyName(cur.property, cur.computed);
      if (!name || ZOD_RUNS.test(name)) return false;
      const object = unwrap(cur.object);
      if (object.type === T.Identifier) {
        const from = this.bindingOf(object)?.import;
        return from !== undefined && ZOD_SOURCES.has(from.source) && (from.imported === 'z' || from.imported === '*' || from.imported === 'default');
      }
      if (object.type !== T.CallExpression) return false;
      cur = unwrap(object.callee);
    }
    return false;
  }

  private rootIsGlobal(n: Node): boolean {
    let cur = unwrap(n);
    while (cur.type === T.MemberExpression) cur = unwrap(cur.object);
    return cur.type === T.Identifier && this.bindingOf(cur)?.kind === 'global';
  }

  // ---- value kinds

  /** What an expression is known to evaluate to, when that is certain from this file alone. */
  kindOf(expr: Node, depth = 0): ValueKind | null {
    if (this.kinds.has(expr)) return this.kinds.get(expr)!;
    this.kinds.set(expr, null); // cycles end here
    const kind = depth > 6 ? null : this.computeKind(expr, depth + 1);
    this.kinds.set(expr, kind);
    return kind;
  }

  private computeKind(e: Node, depth: number): ValueKind | null {
    switch (e.type) {
      case T.Literal:
        return typeof e.value === 'string' ? 'string' : typeof e.value === 'number' || typeof e.value === 'bigint' ? 'number' : typeof e.value === 'boolean' ? 'boolean' : null;
      case T.TemplateLiteral:
        return 'string';
      case T.ArrayExpression:
        return 'array';
      case T.TSAsExpression:
      case T.TSTypeAssertion:
        return kindOfType(e.typeAnnotation) ?? this.kindOf(e.expression, depth);
      case T.TSNonNullExpression:
      case T.TSSatisfiesExpression:
        return this.kindOf(e.expression, depth);
      case T.BinaryExpression: {
        if (['==', '!=', '===', '!==', '<', '>', '<=', '>=', 'in', 'instanceof'].includes(e.operator)) return 'boolean';
        if (e.operator !== '+') return 'number';
        const l = this.kindOf(e.left, depth);
        const r = this.kindOf(e.right, depth);
        if (l === 'string' || r === 'string') return 'string';
        return l === 'number' && r === 'number' ? 'number' : null;
      }
      case T.UnaryExpression:
        return e.operator === '!' || e.operator === 'delete' ? 'boolean' : e.operator === 'typeof' ? 'string' : e.operator === 'void' ? null : 'number';
      case T.ConditionalExpression: {
        const a = this.kindOf(e.consequent, depth);
        return a && a === this.kindOf(e.alternate, depth) ? a : null;
      }
      case T.LogicalExpression: {
        const a = this.kindOf(e.left, depth);
        return a && a === this.kindOf(e.right, depth) ? a : null;
      }
      case T.CallExpression:
        return this.callKind(e, depth);
      case T.Identifier: {
        const b = this.bindingOf(e);
        return b ? this.bindingKind(b, [], depth) : null;
      }
      case T.MemberExpression: {
        const name = propertyName(e.property, e.computed);
        if (name === 'length') return 'number';
        const chain = this.memberChain(e);
        return chain ? this.bindingKind(chain.binding, chain.path, depth) : null;
      }
      default:
        return null;
    }
  }

  private callKind(e: TSESTree.CallExpression, depth: number): ValueKind | null {
    const callee = unwrap(e.callee);
    const text = this.src(callee).replace(/\s+/g, '');
    if (this.rootIsGlobal(callee)) {
      if (text === 'String' || text === 'JSON.stringify' || text === 'encodeURIComponent') return 'string';
      if (text === 'Number' || text === 'parseInt' || text === 'parseFloat' || text.startsWith('Math.')) return 'number';
      if (text === 'Boolean' || text === 'Array.isArray') return 'boolean';
      if (['Object.keys', 'Object.values', 'Object.entries', 'Array.from', 'Array.of'].includes(text)) return 'array';
    }
    if (callee.type !== T.MemberExpression) return null;
    const m = propertyName(callee.property, callee.computed);
    if (!m) return null;
    const receiver = this.kindOf(callee.object, depth);
    if (receiver === 'string' || STRING_ONLY_METHODS.has(m)) {
      if (['startsWith', 'endsWith', 'includes'].includes(m)) return 'boolean';
      if (['charCodeAt', 'codePointAt', 'indexOf', 'lastIndexOf', 'localeCompare', 'search'].includes(m)) return 'number';
      if (m === 'split' || m === 'match') return m === 'split' ? 'array' : null;
      return STRING_ONLY_METHODS.has(m) || STRING_METHODS.has(m) ? 'string' : null;
    }
    if (receiver === 'array') {
      if (['join', 'toString'].includes(m)) return 'string';
      if (['includes', 'some', 'every'].includes(m)) return 'boolean';
      if (['indexOf', 'lastIndexOf', 'findIndex', 'findLastIndex'].includes(m)) return 'number';
      if (['slice', 'concat', 'filter', 'map', 'flat', 'flatMap', 'toSorted', 'toReversed', 'toSpliced', 'with'].includes(m)) return 'array';
    }
    return null;
  }

  /** The binding at the root of `a.b.c` and the path after it. */
  memberChain(n: Node): { binding: Binding; root: Node; path: string[] } | null {
    const path: string[] = [];
    let cur = unwrap(n);
    while (cur.type === T.MemberExpression) {
      path.unshift(propertyName(cur.property, cur.computed) ?? '*');
      cur = unwrap(cur.object);
    }
    if (cur.type !== T.Identifier && cur.type !== T.ThisExpression) return null;
    const binding = this.bindingOf(cur);
    return binding ? { binding, root: cur, path } : null;
  }

  /** What the value at `path` under a binding is known to be. */
  private bindingKind(b: Binding, path: string[], depth: number): ValueKind | null {
    if (b.path === null) return null;
    const full = [...b.path, ...path];
    if (b.kind === 'const' && b.declarator) {
      // A declared type is taken at its word, as the compiler does.
      const annotation = annotationOf(b.declarator.id);
      if (annotation) return this.kindOfTypeAt(annotation, full);
      const loop = this.parents.get(this.parents.get(b.declarator)!);
      if ((loop?.type === T.ForOfStatement || loop?.type === T.ForInStatement) && b.declarator.init === null) {
        if (loop.type === T.ForInStatement) return full.length === 0 ? 'string' : null;
        return this.elementKind(loop.right, full, depth);
      }
      // `const doc = docs[i]`: an element, as a for…of hands out.
      const init = b.declarator.init ? unwrap(b.declarator.init) : null;
      if (init?.type === T.MemberExpression && init.computed && b.path.length === 0 && full.length > 0 && this.kindOf(init.object, depth) === 'array') return this.elementKind(init.object, full, depth);
      // A const's own value cannot be replaced; members of an object it holds could be, so only its own kind counts.
      if (b.declarator.init && b.path.length === 0 && path.length === 0) return this.kindOf(b.declarator.init, depth);
      if (b.declarator.init && path.length === 0) return this.kindAt(b.declarator.init, b.path, depth);
      return null;
    }
    if (b.kind === 'param' && b.owner && b.paramIndex !== undefined) {
      const annotation = annotationOf(b.owner.params[b.paramIndex]);
      if (annotation) return this.kindOfTypeAt(annotation, full);
      // The item or index of a callback over a collection: map, forEach, p-map.
      const holder = this.parents.get(b.owner);
      if (holder?.type === T.CallExpression) {
        const callee = unwrap(holder.callee);
        const method = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
        const collection = method && ['map', 'forEach', 'filter', 'flatMap', 'some', 'every', 'find'].includes(method) && holder.arguments[0] === b.owner
          ? (callee as TSESTree.MemberExpression).object
          : null;
        if (collection && this.kindOf(collection, depth) === 'array') {
          if (b.paramIndex === 1 && full.length === 0) return 'number';
          if (b.paramIndex === 0) return this.elementKind(collection, full, depth);
        }
      }
      return null;
    }
    return null;
  }

  /** `new Set(…)` or `new Map(…)` of the global constructors. */
  private collectionMade(n: TSESTree.NewExpression): 'Set' | 'Map' | null {
    const callee = unwrap(n.callee);
    if (callee.type !== T.Identifier || this.bindingOf(callee)?.kind !== 'global') return null;
    return callee.name === 'Set' || callee.name === 'Map' ? callee.name : null;
  }

  /** Whether a value is known to be a Set or a Map: made by its constructor, or declared so. */
  collectionOf(expr: Node): 'Set' | 'Map' | null {
    const e = unwrap(expr);
    if (e.type === T.NewExpression) return this.collectionMade(e);
    if (e.type !== T.Identifier) return null;
    const b = this.bindingOf(e);
    if (!b || b.path?.length !== 0) return null;
    const declared = b.kind === 'param' && b.owner && b.paramIndex !== undefined ? b.owner.params[b.paramIndex] : b.kind === 'const' ? b.declarator?.id : undefined;
    const annotation = declared ? annotationOf(declared) : null;
    if (annotation) {
      const name = annotation.type === T.TSTypeReference && annotation.typeName.type === T.Identifier ? annotation.typeName.name : '';
      return name === 'Set' || name === 'ReadonlySet' ? 'Set' : name === 'Map' || name === 'ReadonlyMap' ? 'Map' : null;
    }
    const init = b.kind === 'const' ? b.declarator?.init : null;
    return init && unwrap(init).type === T.NewExpression ? this.collectionMade(unwrap(init) as TSESTree.NewExpression) : null;
  }

  /** What the elements of a collection (at `path` inside each) are known to be. */
  elementKind(collection: Node, path: string[], depth: number): ValueKind | null {
    const c = unwrap(collection);
    if (c.type === T.ArrayExpression) {
      let kind: ValueKind | null = null;
      for (const el of c.elements) {
        if (!el || el.type === T.SpreadElement) return null;
        const k = this.kindAt(el, path, depth);
        if (!k || (kind && k !== kind)) return null;
        kind = k;
      }
      // Elements' members must not be reassigned anywhere (by any name) for their kind to hold.
      if (path.length > 0 && this.memberWritten(path[0])) return null;
      return kind;
    }
    if (c.type === T.NewExpression) {
      const made = this.collectionMade(c);
      const args = c.typeArguments?.params;
      // A declared element type is taken at its word; else a Set holds what it was made from.
      if (made === 'Set') return args?.length === 1 ? this.kindOfTypeAt(args[0], path) : c.arguments.length === 1 ? this.elementKind(c.arguments[0], path, depth) : null;
      if (made === 'Map' && args?.length === 2 && (path[0] === '0' || path[0] === '1')) return this.kindOfTypeAt(args[Number(path[0])], path.slice(1));
      // A Map made from [key, value] pairs hands those out (a later pair replaces an earlier one's value, of the same kinds).
      if (made === 'Map' && !args && c.arguments.length === 1 && (path[0] === '0' || path[0] === '1')) return this.elementKind(c.arguments[0], path, depth);
      return null;
    }
    if (c.type === T.CallExpression) {
      const text = this.src(unwrap(c.callee)).replace(/\s+/g, '');
      if ((text === 'Object.keys' && path.length === 0) || (text === 'Object.entries' && path.length === 1 && path[0] === '0')) return 'string';
      const callee = unwrap(c.callee);
      const m = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
      if (callee.type !== T.MemberExpression || !m) return null;
      if (m === 'split' && path.length === 0 && this.kindOf(callee.object, depth) === 'string') return 'string';
      // `xs.map((x) => [x.id, x])`: the elements are what the callback returns.
      const fn = c.arguments.length === 1 ? c.arguments[0] : null;
      if (m === 'map' && fn?.type === T.ArrowFunctionExpression && fn.body.type !== T.BlockStatement && depth < 6 && this.kindOf(callee.object, depth) === 'array') return this.kindAt(fn.body, path, depth + 1);
      // An array's own iterators: [index, element] pairs, elements, indexes.
      if (c.arguments.length === 0 && this.kindOf(callee.object, depth) === 'array') {
        if (m === 'values') return this.elementKind(callee.object, path, depth);
        if (m === 'keys') return path.length === 0 ? 'number' : null;
        if (m === 'entries' && path[0] === '0') return path.length === 1 ? 'number' : null;
        if (m === 'entries' && path[0] === '1') return this.elementKind(callee.object, path.slice(1), depth);
      }
      // A Set's or Map's own iterators: a Map iterates [key, value] pairs, a Set its elements (its entries are [element, element]).
      const collection = c.arguments.length === 0 ? this.collectionOf(callee.object) : null;
      if (collection === 'Map') {
        if (m === 'entries') return this.elementKind(callee.object, path, depth);
        if (m === 'keys') return this.elementKind(callee.object, ['0', ...path], depth);
        if (m === 'values') return this.elementKind(callee.object, ['1', ...path], depth);
      }
      if (collection === 'Set') {
        if (m === 'values' || m === 'keys') return this.elementKind(callee.object, path, depth);
        if (m === 'entries' && (path[0] === '0' || path[0] === '1')) return this.elementKind(callee.object, path.slice(1), depth);
      }
      return null;
    }
    if (c.type === T.Identifier) {
      const b = this.bindingOf(c);
      if (!b) return null;
      if (b.kind === 'const' && b.declarator?.init && b.path?.length === 0 && unwrap(b.declarator.init).type === T.ArrayExpression && this.arrayUnchanged(b)) {
        return this.elementKind(b.declarator.init, path, depth);
      }
      // A Set or Map made here that nothing adds to: what it was made with.
      const init = b.kind === 'const' && b.declarator?.init && b.path?.length === 0 && !annotationOf(b.declarator.id) ? unwrap(b.declarator.init) : null;
      if (init?.type === T.NewExpression && this.collectionMade(init) && this.arrayUnchanged(b, COLLECTION_READS)) return this.elementKind(init, path, depth);
      const annotation = b.kind === 'param' && b.owner && b.paramIndex !== undefined ? annotationOf(b.owner.params[b.paramIndex]) : b.kind === 'const' && b.declarator ? annotationOf(b.declarator.id) : null;
      if (annotation && b.path?.length === 0) return this.kindOfTypeAt(annotation, ['*', ...path]);
    }
    return null;
  }

  private typeDeclarations: Map<string, Node> | null = null;

  /** What a declared type says the value at `path` is: through arrays, type literals, and this file's interfaces and type aliases. */
  kindOfTypeAt(type: Node, path: readonly string[], depth = 0): ValueKind | null {
    if (depth > 6) return null;
    if (type.type === T.TSTypeReference && type.typeName.type === T.Identifier && !type.typeArguments) {
      if (!this.typeDeclarations) {
        this.typeDeclarations = new Map();
        for (const raw of this.program.body) {
          const s = raw.type === T.ExportNamedDeclaration && raw.declaration ? raw.declaration : raw;
          if (s.type === T.TSInterfaceDeclaration || s.type === T.TSTypeAliasDeclaration) this.typeDeclarations.set(s.id.name, s);
        }
      }
      const decl = this.typeDeclarations.get(type.typeName.name);
      if (decl?.type === T.TSTypeAliasDeclaration) return this.kindOfTypeAt(decl.typeAnnotation, path, depth + 1);
      if (decl?.type === T.TSInterfaceDeclaration && path.length > 0 && !decl.extends?.length) return this.memberKind(decl.body.body, path, depth);
    }
    if (path.length === 0) return kindOfType(type);
    if (type.type === T.TSArrayType && (path[0] === '*' || /^\d+$/.test(path[0]))) return this.kindOfTypeAt(type.elementType, path.slice(1), depth + 1);
    // Array<T>, Set<T> hand out T; Map<K, V> hands out [K, V].
    if (type.type === T.TSTypeReference && type.typeName.type === T.Identifier && path[0] === '*') {
      const args = type.typeArguments?.params ?? [];
      if (['Array', 'ReadonlyArray', 'Set', 'ReadonlySet'].includes(type.typeName.name) && args.length === 1) return this.kindOfTypeAt(args[0], path.slice(1), depth + 1);
      if (['Map', 'ReadonlyMap'].includes(type.typeName.name) && args.length === 2 && (path[1] === '0' || path[1] === '1')) return this.kindOfTypeAt(args[Number(path[1])], path.slice(2), depth + 1);
    }
    if (type.type === T.TSTypeOperator && type.operator === 'readonly' && type.typeAnnotation) return this.kindOfTypeAt(type.typeAnnotation, path, depth + 1);
    if (type.type === T.TSTypeLiteral) return this.memberKind(type.members, path, depth);
    return null;
  }

  private memberKind(members: TSESTree.TypeElement[], path: readonly string[], depth: number): ValueKind | null {
    const m = members.find((x) => x.type === T.TSPropertySignature && !x.computed && propertyName(x.key, false) === path[0]) as TSESTree.TSPropertySignature | undefined;
    return m?.typeAnnotation ? this.kindOfTypeAt(m.typeAnnotation.typeAnnotation, path.slice(1), depth + 1) : null;
  }

  private kindAt(value: Node, path: string[], depth: number): ValueKind | null {
    let cur = unwrap(value);
    for (const [i, key] of path.entries()) {
      // A name inside the value: what is known of it, at the rest of the path.
      if (cur.type === T.Identifier && depth < 6) {
        const b = this.bindingOf(cur);
        return b ? this.bindingKind(b, path.slice(i), depth + 1) : null;
      }
      if (cur.type === T.ObjectExpression) {
        if (cur.properties.some((p) => p.type === T.SpreadElement)) return null;
        const prop = [...cur.properties].reverse().find((p) => p.type === T.Property && propertyName(p.key, p.computed) === key) as TSESTree.Property | undefined;
        if (!prop || prop.kind !== 'init') return null;
        cur = unwrap(prop.value);
      } else if (cur.type === T.ArrayExpression && /^\d+$/.test(key)) {
        const el = cur.elements[Number(key)];
        if (!el || el.type === T.SpreadElement) return null;
        cur = unwrap(el);
      } else {
        return null;
      }
    }
    return this.kindOf(cur, depth);
  }

  /** A const array literal no code changes: only read, iterated, printed or copied, never exported. */
  private arrayUnchanged(b: Binding, reads: ReadonlySet<string> = ARRAY_METHODS): boolean {
    if (b.exported) return false;
    return this.referencesOf(b).every((ref) => {
      const use = this.useOf(ref);
      if (use.kind === 'read' || use.kind === 'call') return true;
      if (use.kind === 'method') return use.path.length > 0 || reads.has(use.method);
      if (use.kind === 'escape') return (use.at.type === T.ForOfStatement) || Boolean(use.callee && this.onlyReadsNoKinds(use.callee));
      return use.path.length > 0 && use.path[0] !== '*' && !/^\d+$/.test(use.path[0]) ? true : false;
    });
  }

  /** onlyReads without asking for kinds (used while kinds are being worked out). */
  private onlyReadsNoKinds(callee: Node): boolean {
    const c = unwrap(callee);
    return READ_ONLY_SINKS.has(this.src(c).replace(/\s+/g, '')) && this.rootIsGlobal(c);
  }

  private writtenMembers: Set<string> | null = null;
  /** Whether any code assigns a member of that name (to any object), or assigns computed members. */
  private memberWritten(name: string): boolean {
    if (!this.writtenMembers) {
      const names = new Set<string>();
      const note = (target: Node) => {
        const t = unwrap(target);
        if (t.type === T.MemberExpression) names.add(propertyName(t.property, t.computed) ?? '*');
      };
      const walk = (n: Node) => {
        if (n.type === T.AssignmentExpression) note(n.left);
        if (n.type === T.UpdateExpression) note(n.argument);
        if (n.type === T.UnaryExpression && n.operator === 'delete') note(n.argument);
        forEachChild(n, walk);
      };
      walk(this.program);
      this.writtenMembers = names;
    }
    return this.writtenMembers.has(name);
  }

  // ---- purity

  /**
   * Why evaluating `expr` ahead of time could differ from evaluating it in place, or null: it must not wait,
   * assign, construct, or call anything but pure built-ins, string/array methods on known strings and arrays,
   * and functions of this file whose bodies are themselves pure.
   */
  pureProblem(expr: Node, depth = 0, seen = new Set<Node>()): { at: Node; what: string } | null {
    let problem: { at: Node; what: string } | null = null;
    const fail = (at: Node, what: string) => {
      problem ??= { at, what };
      return false;
    };
    const walk = (n: Node): boolean => {
      if (problem) return false;
      switch (n.type) {
        case T.AwaitExpression:
          return fail(n, 'await');
        case T.YieldExpression:
          return fail(n, 'yield');
        case T.AssignmentExpression:
        case T.UpdateExpression:
          return fail(n, 'assignment');
        case T.UnaryExpression:
          if (n.operator === 'delete') return fail(n, 'assignment');
          break;
        case T.NewExpression:
          return fail(n, 'new');
        case T.TaggedTemplateExpression:
        case T.ImportExpression:
          return fail(n, 'call');
        case T.ClassExpression:
        case T.JSXElement:
        case T.JSXFragment:
          return fail(n, 'call');
        case T.FunctionExpression:
        case T.ArrowFunctionExpression:
          return fail(n, 'function');
        case T.CallExpression: {
          const why = this.callProblem(n, depth, seen);
          if (why) return fail(n, why);
          // Arguments that are callbacks were checked with the call.
          walk(n.callee);
          for (const a of n.arguments) if (!isFunctionLike(a)) walk(a);
          return false;
        }
        default:
          break;
      }
      forEachChild(n, walk);
      return false;
    };
    walk(expr);
    return problem;
  }

  private callProblem(call: TSESTree.CallExpression, depth: number, seen: Set<Node>): string | null {
    if (this.pureCalls.has(call)) return null;
    const callee = unwrap(call.callee);
    const text = this.src(callee).replace(/\s+/g, '');
    if (PURE_GLOBALS.has(text) && this.rootIsGlobal(callee)) return call.arguments.some(isFunctionLike) ? 'call' : null;
    if (this.buildsZodSchema(callee)) return null;
    if (callee.type === T.MemberExpression) {
      const m = propertyName(callee.property, callee.computed);
      if (!m) return 'call';
      const kind = this.kindOf(callee.object);
      // A Set's or Map's lookups read it (what the loop changes in it is checked as any other change).
      const lookup = (m === 'get' || m === 'has') && this.collectionOf(callee.object) !== null;
      const trusted = lookup || STRING_ONLY_METHODS.has(m) || (kind === 'string' && STRING_METHODS.has(m)) || (kind === 'array' && ARRAY_METHODS.has(m) && m !== 'forEach');
      if (!trusted) return 'call';
      for (const a of call.arguments) {
        if (isFunctionLike(a)) {
          if (!CALLBACK_METHODS.has(m) || this.pureFunctionBody(a, depth + 1, seen)) return 'call';
        }
      }
      return null;
    }
    if (callee.type === T.Identifier) return this.pureFunctionProblem(callee, depth, seen) ? 'call' : null;
    return 'call';
  }

  /**
   * Whether evaluating code may throw: reading a member of a value not known to be a string or an array
   * (it may be undefined), calling anything, constructing, destructuring, iterating something spread
   * into an array or a call, `in`/`instanceof`. Conservative, and syntactic like the rest.
   */
  mayThrow(n: Node): boolean {
    let found = false;
    const walk = (x: Node) => {
      if (found) return;
      switch (x.type) {
        case T.MemberExpression:
          if (!x.optional && !['string', 'array'].includes(this.kindOf(x.object) ?? '')) found = true;
          break;
        case T.CallExpression:
        case T.NewExpression:
        case T.TaggedTemplateExpression:
        case T.ImportExpression:
        case T.ObjectPattern:
        case T.ArrayPattern:
        case T.AwaitExpression:
        case T.YieldExpression:
        case T.ThrowStatement:
          found = true;
          return;
        case T.SpreadElement:
          if (this.parents.get(x)?.type !== T.ObjectExpression) found = true;
          break;
        case T.BinaryExpression:
          if (x.operator === 'in' || x.operator === 'instanceof') found = true;
          break;
        case T.FunctionExpression:
        case T.ArrowFunctionExpression:
          return; // defining a function runs none of it
        default:
          break;
      }
      forEachChild(x, walk);
    };
    walk(n);
    return found;
  }

  /** A call of a function of this file: its body must be pure, and the name must always mean that function. */
  private pureFunctionProblem(callee: TSESTree.Identifier, depth: number, seen: Set<Node>): string | null {
    const b = this.bindingOf(callee);
    if (!b?.fn) return 'call';
    if (this.referencesOf(b).some((r) => this.useOf(r).kind === 'write')) return 'call';
    return this.pureFunctionBody(b.fn, depth + 1, seen);
  }

  /** A function whose call computes a value and does nothing else: const declarations, ifs and returns of pure expressions. */
  pureFunctionBody(fn: FunctionLike, depth: number, seen: Set<Node>): string | null {
    if (fn.async || fn.generator || depth > 3) return 'call';
    if (seen.has(fn)) return null; // recursion: the other visit decides
    seen.add(fn);
    let problem: string | null = null;
    const expr = (n: Node) => {
      if (problem) return;
      if (this.usesOwnContext(n, fn)) problem = 'call';
      else if (this.pureProblem(n, depth, seen)) problem = 'call';
    };
    const statement = (s: Node): void => {
      if (problem) return;
      switch (s.type) {
        case T.BlockStatement:
          s.body.forEach(statement);
          return;
        case T.VariableDeclaration:
          if (s.kind !== 'const') problem = 'call';
          for (const d of s.declarations) if (d.init) expr(d.init);
          return;
        case T.ReturnStatement:
          if (s.argument) expr(s.argument);
          return;
        case T.IfStatement:
          expr(s.test);
          statement(s.consequent);
          if (s.alternate) statement(s.alternate);
          return;
        case T.EmptyStatement:
          return;
        default:
          problem = 'call';
      }
    };
    for (const p of fn.params) {
      if (p.type === T.AssignmentPattern) expr(p.right);
      if (p.type === T.TSParameterProperty) problem = 'call';
    }
    if (fn.body.type === T.BlockStatement) statement(fn.body);
    else expr(fn.body);
    return problem;
  }

  /** `this` or `arguments` of the function itself: what a call sees there depends on the caller. */
  private usesOwnContext(n: Node, fn: FunctionLike): boolean {
    let found = false;
    const walk = (x: Node) => {
      if (found) return;
      if (x.type === T.ThisExpression && fn.type !== T.ArrowFunctionExpression) found = true;
      if (x.type === T.Identifier && x.name === 'arguments' && this.bindingOf(x)?.kind === 'global') found = true;
      if ((x.type === T.FunctionExpression || x.type === T.FunctionDeclaration) && x !== fn) return;
      forEachChild(x, walk);
    };
    walk(n);
    return found;
  }

  /**
   * The references an expression reads from outside itself, following calls of pure functions of this file
   * into their bodies (their free variables are read too, at the call).
   */
  freeReads(expr: Node): Node[] {
    const out: Node[] = [];
    const seen = new Set<Node>();
    const inside = (b: Binding, root: Node) => b.scope !== this.program && within(b.scope, root) && b.kind !== 'this';
    const walk = (root: Node, depth: number) => {
      const visitNode = (n: Node) => {
        if (n.type === T.Identifier || n.type === T.ThisExpression) {
          const b = this.model.declares(n) ? undefined : this.model.bindingOf(n);
          if (b && !inside(b, root)) {
            out.push(n);
            if (b.fn && !seen.has(b.fn) && depth < 4 && this.useOf(n).kind === 'call') {
              seen.add(b.fn);
              walk(b.fn, depth + 1);
            }
          }
        }
        forEachChild(n, visitNode);
      };
      visitNode(root);
    };
    walk(expr, 0);
    // Reads inside a called function that resolve inside the original expression cannot happen; dedupe by node.
    return [...new Set(out)];
  }

  /** The innermost function holding a node, or null at the top level. */
  functionOf(n: Node): FunctionLike | null {
    return this.model.functionOf(n);
  }

  line(n: Node): number {
    return lineNumberAt(this.text, n.range[0]);
  }

  /** A short quote of a node for a message: one line, at most about 50 characters. */
  quote(n: Node): string {
    const s = this.src(n).replace(/\s+/g, ' ').trim();
    return s.length > 50 ? `${s.slice(0, 47)}…` : s;
  }
}

/** Whether two member paths can name the same value ('*' is any member; a path covers everything under it). */
export function overlaps(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i] && a[i] !== '*' && b[i] !== '*') return false;
  return true;
}

function kindOfType(t: Node): ValueKind | null {
  switch (t.type) {
    case T.TSStringKeyword:
      return 'string';
    case T.TSNumberKeyword:
      return 'number';
    case T.TSBooleanKeyword:
      return 'boolean';
    case T.TSArrayType:
    case T.TSTupleType:
      return 'array';
    case T.TSTypeOperator:
      return t.operator === 'readonly' && t.typeAnnotation ? kindOfType(t.typeAnnotation) : null;
    case T.TSTypeReference:
      return t.typeName.type === T.Identifier && (t.typeName.name === 'Array' || t.typeName.name === 'ReadonlyArray') ? 'array' : null;
    case T.TSLiteralType:
      return t.literal.type === T.Literal ? (typeof t.literal.value === 'string' ? 'string' : typeof t.literal.value === 'number' ? 'number' : null) : t.literal.type === T.TemplateLiteral ? 'string' : null;
    case T.TSUnionType: {
      const kinds = t.types.map(kindOfType);
      return kinds.every((k) => k && k === kinds[0]) ? kinds[0] : null;
    }
    default:
      return null;
  }
}

/** The type annotation of a declared name or parameter pattern. */
function annotationOf(p: Node | undefined): Node | null {
  if (!p) return null;
  if (p.type === T.Identifier || p.type === T.ObjectPattern || p.type === T.ArrayPattern) return p.typeAnnotation?.typeAnnotation ?? null;
  return null;
}
