// A file's imports and exports, and the one resolver of an export across files: through re-exports,
// `export *` barrels and CommonJS `module.exports`, cycle-safe and without recursion, so a long chain
// of barrels costs time, never the stack.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit } from '../parse/walk';
import { moduleExportName, Node, packageSpecifier, propertyName, requireSource } from './nodes';
import type { Binding, SyntaxModel } from './model';

/** A module a file loads: by an import or export statement, or a `require(…)` / `import(…)` anywhere. */
export interface ModuleRef {
  source: string;
  /** The import or export statement, or the `require(…)` / `import(…)` expression. */
  node: Node;
  kind: 'import' | 'export' | 'require' | 'dynamic';
}

/** One name a module exports, as the file writes it. */
export type ModuleExport =
  /** `export const a = …`, `export function a`, `export class A`: `id` is declared by `declaration` (a VariableDeclarator, FunctionDeclaration, ClassDeclaration). */
  | { kind: 'declaration'; exported: string; id: TSESTree.Identifier; declaration: Node }
  /** `export { a as b }`, `export default a`: a name of the file, exported. */
  | { kind: 'name'; exported: string; local: TSESTree.Identifier }
  /**
   * A value with no name of its own: `export default <expression>` (or an anonymous or named function or
   * class declaration), `exports.a = v`, `module.exports = v` ('default', `whole`: any other name is
   * read off it) and each property of `module.exports = { a, b: v }`.
   */
  | { kind: 'value'; exported: string; value: Node; commonjs: boolean; whole?: boolean }
  /** `export { a as b } from './m'`; `export * as ns from './m'` (imported '*'). */
  | { kind: 're-export'; exported: string; source: string; imported: string; node: Node }
  /** `export * from './m'`: every name of m but its default. */
  | { kind: 'star'; source: string; node: TSESTree.ExportAllDeclaration };

/** Every module a file loads, statements first. */
export function readModuleRefs(model: SyntaxModel): ModuleRef[] {
  const out: ModuleRef[] = [];
  for (const s of model.ast.body) {
    if (s.type === T.ImportDeclaration) out.push({ source: packageSpecifier(s.source.value), node: s, kind: 'import' });
    else if ((s.type === T.ExportNamedDeclaration || s.type === T.ExportAllDeclaration) && s.source) out.push({ source: packageSpecifier(s.source.value), node: s, kind: 'export' });
    else if (s.type === T.TSImportEqualsDeclaration && s.moduleReference.type === T.TSExternalModuleReference && s.moduleReference.expression.type === T.Literal) {
      out.push({ source: packageSpecifier(String(s.moduleReference.expression.value)), node: s, kind: 'import' });
    }
  }
  // Only files that mention them are walked for `require(…)` and `import(…)`.
  if (/\brequire\s*\(|\bimport\s*\(/.test(model.text)) {
    visit(model.ast, (node) => {
      if (node.type === T.CallExpression) {
        const src = requireSource(node);
        if (src !== null) out.push({ source: src, node, kind: 'require' });
      } else if (node.type === T.ImportExpression && node.source.type === T.Literal && typeof node.source.value === 'string') {
        out.push({ source: packageSpecifier(node.source.value), node, kind: 'dynamic' });
      }
    });
  }
  return out;
}

/** What a module exports, in the order the file writes it (type-only exports left out). */
export function readExports(model: SyntaxModel): ModuleExport[] {
  const out: ModuleExport[] = [];
  for (const s of model.ast.body) {
    if (s.type === T.ExportNamedDeclaration) {
      if (s.exportKind === 'type') continue;
      const d = s.declaration;
      if (d?.type === T.VariableDeclaration) {
        for (const declarator of d.declarations) for (const id of patternIdentifiers(declarator.id)) out.push({ kind: 'declaration', exported: id.name, id, declaration: declarator });
      } else if ((d?.type === T.FunctionDeclaration || d?.type === T.ClassDeclaration) && d.id) {
        out.push({ kind: 'declaration', exported: d.id.name, id: d.id, declaration: d });
      }
      for (const spec of s.specifiers) {
        if (spec.exportKind === 'type') continue;
        const exported = moduleExportName(spec.exported);
        if (s.source) out.push({ kind: 're-export', exported, source: s.source.value, imported: moduleExportName(spec.local), node: spec });
        else if (spec.local.type === T.Identifier) out.push({ kind: 'name', exported, local: spec.local });
      }
    } else if (s.type === T.ExportDefaultDeclaration) {
      const d = s.declaration;
      if (d.type === T.Identifier) out.push({ kind: 'name', exported: 'default', local: d });
      else out.push({ kind: 'value', exported: 'default', value: d, commonjs: false });
    } else if (s.type === T.ExportAllDeclaration) {
      if (s.exportKind === 'type') continue;
      if (s.exported) out.push({ kind: 're-export', exported: moduleExportName(s.exported), source: s.source.value, imported: '*', node: s });
      else out.push({ kind: 'star', source: s.source.value, node: s });
    } else if (s.type === T.ExpressionStatement) {
      commonJsExports(s.expression, out);
    }
  }
  return out;
}

/** `module.exports = v`, `module.exports = { a, b: v }`, `exports.a = v`, `module.exports.a = v`. */
function commonJsExports(expr: Node, out: ModuleExport[]): void {
  if (expr.type !== T.AssignmentExpression || expr.operator !== '=' || expr.left.type !== T.MemberExpression) return;
  const target = expr.left;
  if (isModuleExports(target)) {
    out.push({ kind: 'value', exported: 'default', value: expr.right, commonjs: true, whole: true });
    if (expr.right.type === T.ObjectExpression) {
      for (const p of expr.right.properties) {
        const key = p.type === T.Property ? propertyName(p.key, p.computed) : null;
        if (p.type === T.Property && key !== null) out.push({ kind: 'value', exported: key, value: p.value, commonjs: true });
      }
    }
    return;
  }
  const prop = propertyName(target.property, target.computed);
  const obj = target.object;
  if (prop !== null && ((obj.type === T.Identifier && obj.name === 'exports') || (obj.type === T.MemberExpression && isModuleExports(obj)))) {
    out.push({ kind: 'value', exported: prop, value: expr.right, commonjs: true });
  }
}

export function isModuleExports(node: TSESTree.MemberExpression): boolean {
  return node.object.type === T.Identifier && node.object.name === 'module' && propertyName(node.property, node.computed) === 'exports';
}

/** The identifiers a declaration's pattern binds, in source order. */
export function patternIdentifiers(pattern: Node): TSESTree.Identifier[] {
  const out: TSESTree.Identifier[] = [];
  const stack: Node[] = [pattern];
  const pushAll = (nodes: readonly (Node | null)[]) => {
    for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i]) stack.push(nodes[i]!);
  };
  while (stack.length > 0) {
    const p = stack.pop()!;
    switch (p.type) {
      case T.Identifier:
        out.push(p);
        break;
      case T.ObjectPattern:
        pushAll(p.properties.map((prop) => (prop.type === T.RestElement ? prop.argument : prop.value)));
        break;
      case T.ArrayPattern:
        pushAll(p.elements);
        break;
      case T.AssignmentPattern:
        stack.push(p.left);
        break;
      case T.RestElement:
        stack.push(p.argument);
        break;
      case T.TSParameterProperty:
        stack.push(p.parameter);
        break;
      default:
        break;
    }
  }
  return out;
}

/** Where an export leads, across files. */
export type ExportTarget =
  /** A binding of `model`: a declaration, or a name exported by a specifier or `export default name`. */
  | { kind: 'binding'; model: SyntaxModel; binding: Binding | null; id: TSESTree.Identifier }
  /** A value of `model` with no binding of its own; `member`: the name is read off it (`module.exports = obj`). */
  | { kind: 'value'; model: SyntaxModel; value: Node; commonjs: boolean; member?: string }
  /** `export * as ns from './m'`: the module m as a whole. */
  | { kind: 'namespace'; model: SyntaxModel }
  /** A module the lookup does not know (a package, a file that does not parse), and the export named there. */
  | { kind: 'external'; from: SyntaxModel; source: string; imported: string };

/**
 * Could a module with this text export `name`? False only when the text never writes the name and
 * re-exports nothing it does not name (no `export *`, no CommonJS `exports`, no `export =`): the
 * module's parse could then not find the name either.
 */
export function mayExportName(text: string, name: string): boolean {
  return text.includes(name) || /\bexport\s*(\*|=)/.test(text) || /\bexports\b/.test(text);
}

/**
 * A module by an import specifier of a file, when it is a project file that parses. `mayExport`, where
 * the lookup has one, says from the module's text alone whether it may export a name: `resolveExport`
 * then parses no module of an `export *` barrel that cannot hold the name (ProjectIndex.moduleLookup).
 */
export type ModuleLookup = ((fromFile: string, specifier: string) => SyntaxModel | undefined) & {
  mayExport?: (fromFile: string, specifier: string, name: string) => boolean;
};

/**
 * What `model` exports under `name` ('default' for the default export): its own declarations and
 * values first, then through `export { x } from` and `export * from`, as far as `lookup` knows the
 * modules. Null when no module on the way exports that name.
 */
export function resolveExport(lookup: ModuleLookup, model: SyntaxModel, name: string, externalHas?: (source: string, name: string) => boolean): ExportTarget | null {
  const mayHold = lookup.mayExport;
  const seen = new Set<string>();
  // Alternatives still to try, the next one last: `export *` barrels are searched in order, depth first.
  const pending: { model: SyntaxModel; name: string }[] = [{ model, name }];
  while (pending.length > 0) {
    const at = pending.pop()!;
    const key = `${at.model.file}#${at.name}`;
    if (seen.has(key)) continue; // an export cycle ends here
    seen.add(key);
    const entries = at.model.exports();
    const direct = entries.find((e) => e.kind !== 'star' && e.exported === at.name);
    if (direct?.kind === 'declaration') return { kind: 'binding', model: at.model, binding: at.model.bindingOf(direct.id) ?? null, id: direct.id };
    if (direct?.kind === 'name') return { kind: 'binding', model: at.model, binding: at.model.resolve(direct.local), id: direct.local };
    if (direct?.kind === 'value') return { kind: 'value', model: at.model, value: direct.value, commonjs: direct.commonjs };
    if (direct?.kind === 're-export') {
      const target = lookup(at.model.file, direct.source);
      if (!target) return { kind: 'external', from: at.model, source: direct.source, imported: direct.imported };
      if (direct.imported === '*') return { kind: 'namespace', model: target };
      pending.push({ model: target, name: direct.imported });
      continue;
    }
    const whole = at.name === 'default' ? undefined : entries.find((e): e is Extract<ModuleExport, { kind: 'value' }> => e.kind === 'value' && e.whole === true);
    if (whole) return { kind: 'value', model: at.model, value: whole.value, commonjs: true, member: at.name };
    if (at.name === 'default') continue;
    const stars = entries.filter((e): e is Extract<ModuleExport, { kind: 'star' }> => e.kind === 'star');
    for (let i = stars.length - 1; i >= 0; i--) {
      // A barrel's module that cannot export the name is not parsed to find that out.
      if (mayHold && !mayHold(at.model.file, stars[i].source, at.name)) continue;
      const target = lookup(at.model.file, stars[i].source);
      if (target) pending.push({ model: target, name: at.name });
      // `export * from 'ai'` in a workspace package: the name is the package's when the caller knows it is.
      else if (externalHas?.(stars[i].source, at.name)) return { kind: 'external', from: at.model, source: stars[i].source, imported: at.name };
    }
  }
  return null;
}
