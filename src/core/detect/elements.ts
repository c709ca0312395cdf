// What an element of a container holds: `this.chats[user]` of a field typed `{ [from: string]:
// ChatSession }` or `Record<string, OpenAI>`, `clients.get(name)` of a `Map<string, OpenAI>`, `models[i]`
// of a `GenerativeModel[]`. The declared element type says it; where nothing is declared (plain
// JavaScript), the values the file puts into the same container do (`this.chats[user] = model.startChat()`,
// `clients.set(name, new OpenAI())`).
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit } from '../parse/walk';
import { propertyName, unwrap, type Node } from '../syntax/nodes';
import type { SyntaxModel } from '../syntax/model';
import type { Resolver, Value } from './resolve';

/** The element `container[key]` (or `container.get(key)` for a Map) holds, or null. */
export function elementValue(resolver: Resolver, file: string, container: Node, kind: 'index' | 'map-get'): Value | null {
  const fi = resolver.project.get(file);
  if (!fi) return null;
  const target = unwrap(container, 'value');
  const declared = declaredTypeOfExpression(resolver, file, target);
  const element = declared ? elementType(declared, kind) : null;
  if (element) {
    const v = resolver.annotatedClientOf(file, element, target);
    if (v) return v;
  }
  // No declared element type: what the file stores into the same container.
  for (const stored of storedInto(fi, target, kind)) {
    const v = resolver.evaluate(file, stored);
    if (v && (v.kind === 'client' || v.kind === 'model-instance' || v.kind === 'instance' || v.kind === 'typed')) return v;
  }
  return kind === 'index' ? literalElement(resolver, file, target) : null;
}

/**
 * An object literal of clients read by a key the code picks (`clients[deployment]`, where
 * `clients = { a100: new OpenAI({ baseURL }), a10: new OpenAI({ baseURL: other }) }`): the client,
 * when every property holds a client of the same provider and kind, so whichever key is read the
 * answer is the same. A spread, a method or a property of another kind leaves it unknown.
 */
function literalElement(resolver: Resolver, file: string, target: Node): Value | null {
  // Only a const of this file written as an object literal (or a conditional with one) is read: evaluating
  // every container an element is read from (`this.cache[key]`, `rows[i]`) cost a large tree a fifth more time.
  if (target.type !== T.Identifier) return null;
  const b = resolver.project.get(file)?.resolve(target);
  const init = b?.kind === 'const' && b.declarator && b.declarator.id === b.id ? b.declarator.init : null;
  if (!init || !holdsObjectLiteral(init)) return null;
  const held = resolver.evaluate(file, target);
  if (held?.kind !== 'object' || held.node.properties.length === 0) return null;
  const values: Client[] = [];
  for (const p of held.node.properties) {
    if (p.type !== T.Property || p.kind !== 'init' || p.method) return null;
    const v = resolver.evaluate(held.file, p.value);
    if (v?.kind !== 'client' || (values.length > 0 && !sameClient(values[0], v))) return null;
    values.push(v);
  }
  const first = values[0];
  // Handles made for models that differ by key (`getGenerativeModel({ model })`): the one read is chosen at run time.
  return values.some((v) => (v.model ?? null) !== (first.model ?? null)) ? { ...first, model: null } : first;
}

/** `{ … }`, or a conditional or `??`/`||` with one among its branches. */
function holdsObjectLiteral(n: Node): boolean {
  if (n.type === T.ObjectExpression) return true;
  if (n.type === T.ConditionalExpression) return holdsObjectLiteral(n.consequent) || holdsObjectLiteral(n.alternate);
  if (n.type === T.LogicalExpression) return holdsObjectLiteral(n.left) || holdsObjectLiteral(n.right);
  if (n.type === T.TSAsExpression || n.type === T.TSSatisfiesExpression) return holdsObjectLiteral(n.expression);
  return false;
}

type Client = Extract<Value, { kind: 'client' }>;

/** Clients of the same provider, dialect and member path. */
function sameClient(a: Client, b: Client): boolean {
  return a.provider === b.provider && a.dialect === b.dialect && a.path.join('.') === b.path.join('.');
}

/**
 * What each item of a for…of loop holds, by the declared element type of what it walks:
 * `for (const endpoint of endpoints[model])` where `endpoints: Record<Model, Endpoint[]>`.
 */
export function loopItemValue(resolver: Resolver, file: string, loop: TSESTree.ForOfStatement): Value | null {
  if (loop.await) return null;
  const walked = unwrap(loop.right, 'value');
  const declared = declaredTypeOfExpression(resolver, file, walked);
  const element = declared ? elementType(declared, 'index') : null;
  return element ? resolver.annotatedClientOf(file, element, walked) : null;
}

/** The declared type of a variable, of `this.field`, or of an element of either (`a[k]`, `this.b[k][j]`). */
function declaredTypeOfExpression(resolver: Resolver, file: string, node: Node): TSESTree.TypeNode | null {
  if (node.type === T.MemberExpression && node.computed && node.object.type !== T.ThisExpression) {
    const outer = declaredTypeOfExpression(resolver, file, unwrap(node.object, 'value'));
    return outer ? elementType(outer, 'index') : null;
  }
  return declaredTypeOf(resolver, file, node);
}

/** The declared type of `this.field` (a class field) or of a variable; null when none is written. */
function declaredTypeOf(resolver: Resolver, file: string, target: Node): TSESTree.TypeNode | null {
  const fi = resolver.project.get(file)!;
  if (target.type === T.MemberExpression && target.object.type === T.ThisExpression) {
    const prop = propertyName(target.property, target.computed);
    const body = fi.classBodyOf(target);
    if (!prop || !body) return null;
    for (const el of body.body) {
      if (el.type === T.PropertyDefinition && propertyName(el.key, el.computed) === prop) return el.typeAnnotation?.typeAnnotation ?? null;
    }
    return null;
  }
  if (target.type === T.Identifier) {
    const declarator = fi.resolve(target)?.declarator;
    if (declarator?.id.type === T.Identifier) return declarator.id.typeAnnotation?.typeAnnotation ?? null;
  }
  return null;
}

/** The type of an element: an index signature's, `Record<K, V>`'s V, `V[]`, `Array<V>`; for `.get`, `Map<K, V>`'s V. */
function elementType(type: TSESTree.TypeNode, kind: 'index' | 'map-get'): TSESTree.TypeNode | null {
  if (type.type === T.TSUnionType) {
    for (const t of type.types) {
      const e = elementType(t, kind);
      if (e) return e;
    }
    return null;
  }
  const args = type.type === T.TSTypeReference && type.typeName.type === T.Identifier ? { name: type.typeName.name, params: type.typeArguments?.params ?? [] } : null;
  if (kind === 'map-get') return args && /^(Readonly)?Map$/.test(args.name) && args.params.length === 2 ? args.params[1] : null;
  if (type.type === T.TSTypeLiteral) {
    const sig = type.members.find((m): m is TSESTree.TSIndexSignature => m.type === T.TSIndexSignature);
    return sig?.typeAnnotation?.typeAnnotation ?? null;
  }
  if (type.type === T.TSArrayType) return type.elementType;
  if (args?.name === 'Record' && args.params.length === 2) return args.params[1];
  if (args && /^(Readonly)?Array$/.test(args.name) && args.params.length === 1) return args.params[0];
  return null;
}

/** The values the file writes into the container: `c[k] = v` (index), `c.set(k, v)` (map). */
function storedInto(fi: SyntaxModel, target: Node, kind: 'index' | 'map-get'): TSESTree.Expression[] {
  const key = containerKey(fi, target);
  if (key === null) return [];
  let stores = storesByFile.get(fi);
  if (!stores) storesByFile.set(fi, (stores = findStores(fi)));
  return (kind === 'index' ? stores.index : stores.set).get(key) ?? [];
}

/** Per file, every container written into, found in one walk (a file of many element reads walks once). */
const storesByFile = new WeakMap<SyntaxModel, { index: Map<unknown, TSESTree.Expression[]>; set: Map<unknown, TSESTree.Expression[]> }>();

function findStores(fi: SyntaxModel) {
  const index = new Map<unknown, TSESTree.Expression[]>();
  const set = new Map<unknown, TSESTree.Expression[]>();
  const add = (into: Map<unknown, TSESTree.Expression[]>, container: Node, value: TSESTree.Expression) => {
    const key = containerKey(fi, unwrap(container, 'value'));
    if (key !== null) into.set(key, [...(into.get(key) ?? []), value]);
  };
  visit(fi.ast, (n) => {
    if (n.type === T.AssignmentExpression && n.operator === '=' && n.left.type === T.MemberExpression && n.left.computed) add(index, n.left.object, n.right);
    return undefined;
  });
  for (const call of fi.memberCalls('set')) {
    const value = call.arguments[1];
    if (call.callee.type === T.MemberExpression && call.arguments.length === 2 && value.type !== T.SpreadElement) add(set, call.callee.object, value);
  }
  return { index, set };
}

/** What names a container: a variable's binding, or a field of `this` in its class body; null for anything else. */
function containerKey(fi: SyntaxModel, node: Node): unknown {
  if (node.type === T.Identifier) return fi.resolve(node) ?? null;
  if (node.type === T.MemberExpression && node.object.type === T.ThisExpression) {
    const prop = propertyName(node.property, node.computed);
    const body = fi.classBodyOf(node);
    return prop !== null && body ? `${body.range[0]}:${prop}` : null;
  }
  return null;
}
