// Where a name is a reference to a value in code that runs (not a declaration, an import, an export,
// a type or a `typeof` check): what the call graph follows.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import type { SyntaxModel } from '../syntax/model';

const TYPE_POSITIONS = new Set<string>([
  T.TSTypeReference,
  T.TSQualifiedName,
  T.TSTypeQuery,
  T.TSInterfaceHeritage,
  T.TSClassImplements,
  T.TSTypeAnnotation,
  T.TSPropertySignature,
  T.TSMethodSignature,
  T.TSEnumMember,
  T.TSModuleDeclaration,
  T.TSTypeAliasDeclaration,
  T.TSInterfaceDeclaration,
]);

/**
 * Is this identifier a reference to a value in code that runs? Not a declaration's own name, a
 * property key, an import or export specifier, a pattern a value is bound to, a label, a type, or
 * the operand of `typeof` (a check, not a use).
 */
export function isValueReference(fi: SyntaxModel, id: TSESTree.Identifier): boolean {
  const parent = fi.parents.get(id);
  if (!parent) return false;
  switch (parent.type) {
    case T.MemberExpression:
      return parent.object === id || parent.computed;
    case T.Property:
      if (parent.key === id && !parent.computed) return false;
      return fi.parents.get(parent)?.type !== T.ObjectPattern;
    case T.MethodDefinition:
    case T.PropertyDefinition:
    case T.AccessorProperty:
      return parent.key !== id || parent.computed;
    case T.ImportSpecifier:
    case T.ImportDefaultSpecifier:
    case T.ImportNamespaceSpecifier:
    case T.ExportSpecifier:
    case T.LabeledStatement:
    case T.BreakStatement:
    case T.ContinueStatement:
    case T.ArrayPattern:
    case T.RestElement:
      return false;
    case T.AssignmentPattern:
      return parent.right === id;
    case T.FunctionDeclaration:
    case T.FunctionExpression:
    case T.ArrowFunctionExpression:
      return parent.body === id;
    case T.ClassDeclaration:
    case T.ClassExpression:
      return parent.superClass === id;
    case T.VariableDeclarator:
      return parent.init === id;
    case T.CatchClause:
      return false;
    case T.UnaryExpression:
      return parent.operator !== 'typeof';
    default:
      return !TYPE_POSITIONS.has(parent.type);
  }
}

/**
 * Does the code at `node` read only the keys of the object it stands for, never a value under them:
 * `Object.keys(handlers)`, `name in handlers`, `Object.hasOwn(handlers, name)`,
 * `handlers.hasOwnProperty(name)`? A function kept in the object is not used there (a dispatch
 * that picks a key this way then reads `handlers[key]`, which is followed on its own).
 */
export function readsKeysOnly(fi: SyntaxModel, node: TSESTree.Node): boolean {
  const parent = fi.parents.get(node);
  if (parent?.type === T.BinaryExpression) return parent.operator === 'in' && parent.right === node;
  if (parent?.type === T.MemberExpression && parent.object === node && !parent.computed && parent.property.type === T.Identifier && parent.property.name === 'hasOwnProperty') {
    const call = fi.parents.get(parent);
    return call?.type === T.CallExpression && call.callee === parent;
  }
  if (parent?.type !== T.CallExpression || parent.arguments[0] !== node) return false;
  const callee = parent.callee;
  if (callee.type !== T.MemberExpression || callee.computed || callee.object.type !== T.Identifier || callee.object.name !== 'Object' || callee.property.type !== T.Identifier) return false;
  return KEY_READS.has(callee.property.name);
}

/** The `Object` functions that read an object's keys, not its values. */
const KEY_READS = new Set(['keys', 'hasOwn', 'getOwnPropertyNames']);
