// What the call graph reads off a file besides calls: where a name is a reference to a value (not a
// declaration, an import, an export or a type), and which modules a file loads, at the top or inside
// a function (`require` in a handler, `await import()` on first use).
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, type Node } from '../parse/walk';
import { requireSource } from '../detect/resolve';
import type { FileIndex } from '../project';

export interface ModuleRef {
  source: string;
  /** The import or export statement, or the `require(…)` / `import(…)` expression. */
  node: Node;
  kind: 'import' | 'export' | 'require' | 'dynamic';
}

const refIndex = new WeakMap<FileIndex, ModuleRef[]>();

/** Every module a file loads, statements first; kept with its parse. */
export function moduleRefs(fi: FileIndex): ModuleRef[] {
  const memo = refIndex.get(fi);
  if (memo) return memo;
  const out: ModuleRef[] = [];
  for (const s of fi.parsed.ast.body) {
    if (s.type === T.ImportDeclaration) out.push({ source: s.source.value, node: s, kind: 'import' });
    else if ((s.type === T.ExportNamedDeclaration || s.type === T.ExportAllDeclaration) && s.source) out.push({ source: s.source.value, node: s, kind: 'export' });
    else if (s.type === T.TSImportEqualsDeclaration && s.moduleReference.type === T.TSExternalModuleReference && s.moduleReference.expression.type === T.Literal) {
      out.push({ source: String(s.moduleReference.expression.value), node: s, kind: 'import' });
    }
  }
  // Only files that mention them are walked for `require(…)` and `import(…)`.
  if (/\brequire\s*\(|\bimport\s*\(/.test(fi.parsed.text)) {
    visit(fi.parsed.ast, (node) => {
      if (node.type === T.CallExpression) {
        const src = requireSource(node);
        if (src !== null) out.push({ source: src, node, kind: 'require' });
      } else if (node.type === T.ImportExpression && node.source.type === T.Literal && typeof node.source.value === 'string') {
        out.push({ source: node.source.value, node, kind: 'dynamic' });
      }
    });
  }
  refIndex.set(fi, out);
  return out;
}

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
export function isValueReference(fi: FileIndex, id: TSESTree.Identifier): boolean {
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
