// How a reference to a function is used where it stands (a call, an argument, an option, a member of an
// object, an alias, an array element …), and the names a module exports a value under: the readings the
// call graph (graph.ts) and the walk (walker.ts) make of one file's syntax.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, type Node } from '../parse/walk';
import type { SyntaxModel } from '../syntax/model';
import { isModuleExports } from '../syntax/modules';
import { propertyName } from '../syntax/nodes';
import type { Path } from './path';
import { UNFOLLOWED_REFERENCE } from './rules/reach';
import { describeRef } from './rules/read';
import { isValueReference } from './references';

/**
 * One place a function (or a value standing for one) is used. `call`: node is the call. `argument`:
 * the call it is handed to. `option`: the Property of an options object handed to a call. `member`:
 * the Property of an object literal it is stored in. `alias`: the VariableDeclarator whose binding
 * `name` now holds it. `value`: an expression that stands for it (`fn.bind(x)`, `a ?? fn`). `jsx`: the
 * JSX attribute it is handed to. `element`: the array literal it is an element of. `unfollowed`: a
 * reference the walk cannot follow, `how` in words. `unparsed`: a file that mentions it but does not parse.
 */
export interface Use {
  kind: 'call' | 'argument' | 'option' | 'unparsed' | 'member' | 'alias' | 'value' | 'jsx' | 'element' | 'unfollowed' | 'entry';
  file: string;
  node: Node;
  /** The name the unparsed file mentions; the local name an alias binds. */
  name?: string;
  how?: string;
  /** How the use reaches the function when no import shows it, in words with its place (a Fastify decoration). */
  via?: string;
  /** For 'entry': the path a file convention makes of a re-export. */
  entry?: Path;
}

/** The call an options object is handed to, for a property of that object. */
export function optionCall(fi: SyntaxModel, prop: TSESTree.Property): TSESTree.CallExpression | TSESTree.NewExpression | null {
  const obj = fi.parents.get(prop);
  if (obj?.type !== T.ObjectExpression) return null;
  const self = fi.outermost(obj);
  const call = fi.parents.get(self);
  if ((call?.type === T.CallExpression || call?.type === T.NewExpression) && call.arguments.includes(self as never)) return call;
  return null;
}

/**
 * How a reference to a function is used (see Use). Null when it is no use at all: a declaration, an
 * import or export (exports are followed by name), a type, a `typeof` check.
 */
export function classifyUse(fi: SyntaxModel, file: string, ref: Node): Use | null {
  if (ref.type === T.Identifier && !isValueReference(fi, ref)) return null;
  const self = fi.outermost(ref);
  const parent = fi.parents.get(self);
  if (!parent) return null;
  const where = `${file}:${self.loc.start.line}`;
  switch (parent.type) {
    case T.CallExpression:
      if (parent.callee === self) return { kind: 'call', file, node: parent };
      return parent.arguments.includes(self as never) ? { kind: 'argument', file, node: parent } : null;
    case T.NewExpression:
      return parent.arguments.includes(self as never) ? { kind: 'argument', file, node: parent } : null;
    case T.Property: {
      if (parent.value !== self) return null;
      if (optionCall(fi, parent)) return { kind: 'option', file, node: parent };
      const holder = fi.parents.get(parent);
      if (holder?.type === T.ObjectExpression && !isModuleExportsObject(fi, holder)) return { kind: 'member', file, node: parent };
      return null;
    }
    case T.MemberExpression: {
      if (parent.object !== self) return null;
      const prop = propertyName(parent.property, parent.computed);
      const outer = fi.parents.get(fi.outermost(parent));
      const called = outer?.type === T.CallExpression && outer.callee === fi.outermost(parent);
      if (called && (prop === 'call' || prop === 'apply')) return { kind: 'call', file, node: outer };
      if (called && prop === 'bind') return { kind: 'value', file, node: outer };
      // `fn.name`, `fn.length`: read, not called.
      return null;
    }
    case T.VariableDeclarator:
      if (parent.init !== self) return null;
      if (parent.id.type === T.Identifier) return { kind: 'alias', file, node: parent, name: parent.id.name };
      return { kind: 'unfollowed', file, node: self, how: UNFOLLOWED_REFERENCE.messages.destructured(where) };
    case T.ConditionalExpression:
      return parent.test === self ? null : { kind: 'value', file, node: parent };
    case T.LogicalExpression:
    case T.AwaitExpression:
      return { kind: 'value', file, node: parent };
    case T.SequenceExpression:
      return parent.expressions[parent.expressions.length - 1] === self ? { kind: 'value', file, node: parent } : null;
    case T.JSXExpressionContainer: {
      const attr = fi.parents.get(parent);
      return attr?.type === T.JSXAttribute ? { kind: 'jsx', file, node: attr } : { kind: 'unfollowed', file, node: self, how: UNFOLLOWED_REFERENCE.messages.jsxChild(where) };
    }
    case T.ExportDefaultDeclaration:
    case T.ExportSpecifier:
    case T.IfStatement:
    case T.WhileStatement:
    case T.UnaryExpression:
    case T.BinaryExpression:
    case T.ExpressionStatement:
      return null;
    case T.AssignmentExpression:
      if (parent.right !== self || commonJsExportName(fi, self)) return null;
      return { kind: 'unfollowed', file, node: self, how: UNFOLLOWED_REFERENCE.messages.assigned(describeRef(parent.left), where) };
    case T.ArrayExpression:
      return { kind: 'element', file, node: parent };
    case T.ReturnStatement:
    case T.ArrowFunctionExpression:
      return { kind: 'unfollowed', file, node: self, how: UNFOLLOWED_REFERENCE.messages.returned(where) };
    case T.SpreadElement:
      return { kind: 'unfollowed', file, node: self, how: UNFOLLOWED_REFERENCE.messages.spread(where) };
    default:
      return { kind: 'unfollowed', file, node: self, how: UNFOLLOWED_REFERENCE.messages.value(where) };
  }
}

export function isExported(fi: SyntaxModel, decl: Node): boolean {
  return fi.parents.get(fi.parents.get(decl)!)?.type === T.ExportNamedDeclaration;
}

/** `module.exports = { a, b }`: the CommonJS exports, followed by their names elsewhere. */
function isModuleExportsObject(fi: SyntaxModel, obj: Node): boolean {
  const assign = fi.parents.get(obj);
  return assign?.type === T.AssignmentExpression && assign.right === obj && assign.left.type === T.MemberExpression && isModuleExports(assign.left);
}

/** The identifier a declarator binds `name` to: its id, or the target of that key in its pattern. */
export function bindingTarget(decl: TSESTree.VariableDeclarator, name: string): Node | null {
  if (decl.id.type === T.Identifier) return decl.id.name === name ? decl.init : null;
  let found: Node | null = null;
  visit(decl.id, (n) => {
    if (found) return false;
    if (n.type === T.Identifier && n.name === name) found = n;
  });
  return found;
}


/** `node` as the value of a CommonJS export: `exports.x = node`, `module.exports.x = node`, `module.exports = node` (default), `module.exports = { x: node }`. */
export function commonJsExportName(fi: SyntaxModel, node: Node): string | null {
  const parent = fi.parents.get(node);
  if (parent?.type === T.AssignmentExpression && parent.right === node && parent.left.type === T.MemberExpression) {
    const left = parent.left;
    if (isModuleExports(left)) return 'default';
    const prop = propertyName(left.property, left.computed);
    const target = left.object;
    const onExports = (target.type === T.Identifier && target.name === 'exports') || (target.type === T.MemberExpression && isModuleExports(target));
    return onExports ? prop : null;
  }
  if (parent?.type === T.Property && parent.value === node) {
    const obj = fi.parents.get(parent);
    const assign = obj ? fi.parents.get(obj) : undefined;
    if (assign?.type === T.AssignmentExpression && assign.right === obj && assign.left.type === T.MemberExpression && isModuleExports(assign.left)) {
      return propertyName(parent.key, parent.computed);
    }
  }
  return null;
}

/** The names under which a function is exported from its module ('default' for the default export). */
export function exportNamesOf(fi: SyntaxModel, fn: Node, name: string | null): string[] {
  const names = new Set<string>();
  const holder = fi.parents.get(fn);
  const index = exportIndex(fi);
  const exports = fi.exports();
  // `export function f`, `export const f = fn`, `export default <fn>`, `exports.g = fn`: this very value.
  const direct = [...(index.declared.get(fn) ?? []), ...(holder?.type === T.VariableDeclarator ? (index.declared.get(holder) ?? []) : []), ...(index.valued.get(fn) ?? [])];
  for (const i of direct.sort((a, b) => a - b)) names.add(exportedName(exports[i]));
  // `exports.g = fn` anywhere in the file, not only at the top.
  const assigned = commonJsExportName(fi, fn);
  if (assigned) names.add(assigned);
  if (name === null) return [...names];
  // `export { f as g }`, `export default f`, `module.exports = { g: f }`: by name.
  for (const i of index.named.get(name) ?? []) names.add(exportedName(exports[i]));
  return [...names];
}

/**
 * A module's exports by what they export, as indexes into `fi.exports()`: each function asked about
 * looked through every export (a file of 4,000 exported functions: 16 million steps).
 */
function exportIndex(fi: SyntaxModel): { declared: Map<Node, number[]>; valued: Map<Node, number[]>; named: Map<string, number[]> } {
  let index = exportIndexes.get(fi);
  if (index) return index;
  index = { declared: new Map(), valued: new Map(), named: new Map() };
  const push = <K>(map: Map<K, number[]>, key: K, i: number) => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  fi.exports().forEach((e, i) => {
    if (e.kind === 'declaration') push(index!.declared, e.declaration, i);
    else if (e.kind === 'value') {
      push(index!.valued, e.value, i);
      if (e.value.type === T.Identifier) push(index!.named, e.value.name, i);
    } else if (e.kind === 'name') push(index!.named, e.local.name, i);
  });
  exportIndexes.set(fi, index);
  return index;
}

const exportIndexes = new WeakMap<SyntaxModel, ReturnType<typeof exportIndex>>();

/** The name an indexed export goes by (the index holds no `export *`). */
function exportedName(e: ReturnType<SyntaxModel['exports']>[number]): string {
  return 'exported' in e ? e.exported : '*';
}
