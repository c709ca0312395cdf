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
