// One model per parsed file, shared by detection, classification and the rewrites: the AST, its
// parents, one scope and binding table, and name indexes. Each piece is built the first time a stage
// asks for it, so a file that is only searched for SDK calls pays only for what that search reads.
import { analyze, DefinitionType, ScopeManager, ScopeType } from '@typescript-eslint/scope-manager';
import type { Scope, Variable } from '@typescript-eslint/scope-manager';
import { AST_NODE_TYPES as T, ParsedFile, TSESTree } from '../parse/parse';
import { childrenOf, indexParents, visit } from '../parse/walk';
import { FunctionLike, isFunctionLike, Node, packageSpecifier, propertyName, TYPE_WRAPPERS, unwrap } from './nodes';
import { ModuleExport, ModuleRef, readExports, readModuleRefs } from './modules';

export type BindingKind = 'var' | 'let' | 'const' | 'param' | 'function' | 'class' | 'import' | 'catch' | 'other' | 'global' | 'this';

/**
 * What a name (or `this`) stands for in one scope. Names nothing declares share one 'global' binding
 * per name; `this` has one binding per function that is not an arrow (and one for the module).
 */
export interface Binding {
  name: string;
  kind: BindingKind;
  /** The node whose scope holds the binding: the Program, a function, a block, a for statement, a catch clause. */
  scope: Node;
  /** The declaring identifier (none for globals and `this`). */
  id?: TSESTree.Identifier;
  /** The declarator of a variable (`var`, `let`, `const`, also a for…of/in loop's). */
  declarator?: TSESTree.VariableDeclarator;
  /** The keys from the declared value (the initialiser, the parameter's argument) to this name; null past a rest element or a computed key. */
  keys: string[] | null;
  /** `keys` when the value there is certainly this name's: null also past a default (`{ a = 1 }`), which replaces undefined. */
  path: string[] | null;
  /** The parameter's function, the parameter's position in it, and the parameter as written. */
  owner?: FunctionLike;
  paramIndex?: number;
  param?: TSESTree.Parameter;
  /** A function declaration (or a function expression's own name), or a const bound to a function expression. */
  fn?: FunctionLike;
  /** What declares a function or a class: the FunctionDeclaration, ClassDeclaration, ClassExpression… */
  declaration?: Node;
  /** An import: the module specifier and the export it names ('default', '*' for the namespace). */
  import?: { source: string; imported: string };
  /** Exported from its module by an ES export (`export const`, `export { x }`, `export default x`). */
  exported: boolean;
}

interface BindingTable {
  manager: ScopeManager;
  byVariable: Map<Variable, Binding>;
  declared: Map<Node, Binding>;
  /** References (value and type positions) to what they name. */
  referenced: Map<Node, Binding>;
  /** Value references of each binding, in source order. */
  uses: Map<Binding, Node[]>;
  globals: Map<string, Binding>;
}

const NO_NODES: readonly never[] = [];
const models = new WeakMap<TSESTree.Program, SyntaxModel>();

export class SyntaxModel {
  readonly file: string;
  readonly text: string;
  readonly ast: TSESTree.Program;
  readonly comments: TSESTree.Comment[];
  private parentMap: Map<Node, Node> | null = null;
  private table: BindingTable | null = null;
  private tableFailure: unknown = null;
  private identifierIndex: Map<string, TSESTree.Identifier[]> | null = null;
  private memberCallIndex: Map<string, TSESTree.CallExpression[]> | null = null;
  private thisIndex: Map<Node, { binding: Binding; refs: Node[] }> | null = null;
  private thisOwners: Map<Node, Node> | null = null;
  private moduleRefList: ModuleRef[] | null = null;
  private exportList: ModuleExport[] | null = null;

  private constructor(parsed: Pick<ParsedFile, 'file' | 'text' | 'ast' | 'comments'>) {
    this.file = parsed.file;
    this.text = parsed.text;
    this.ast = parsed.ast;
    this.comments = parsed.comments;
  }

  /** The model of a parse: one per AST, whoever asks first builds it. */
  static of(parsed: Pick<ParsedFile, 'file' | 'text' | 'ast'> & { comments?: TSESTree.Comment[] }): SyntaxModel {
    const known = models.get(parsed.ast);
    if (known && known.text === parsed.text) return known;
    const model = new SyntaxModel({ ...parsed, comments: parsed.comments ?? parsed.ast.comments ?? [] });
    models.set(parsed.ast, model);
    return model;
  }

  /** Each node's parent (type annotations are not walked: they run nothing). */
  get parents(): Map<Node, Node> {
    this.parentMap ??= indexParents(this.ast);
    return this.parentMap;
  }

  /** A node with the type-only wrappers around it (`fn as Handler`, `fn!`): what its parent holds. */
  outermost(node: Node): Node {
    let n = node;
    for (;;) {
      const p = this.parents.get(n);
      if (p && TYPE_WRAPPERS.has(p.type)) n = p;
      else return n;
    }
  }

  src(n: Node): string {
    return this.text.slice(n.range[0], n.range[1]);
  }

  // ---- modules

  /** Every module the file loads (import and export statements first, then `require` and `import()`). */
  moduleRefs(): readonly ModuleRef[] {
    this.moduleRefList ??= readModuleRefs(this);
    return this.moduleRefList;
  }

  /** What the file exports, in the order it writes it (see `resolveExport` for following it across files). */
  exports(): readonly ModuleExport[] {
    this.exportList ??= readExports(this);
    return this.exportList;
  }

  // ---- bindings

  /** The binding an identifier declares or refers to, or what `this` is; undefined for property keys, labels and the like. */
  bindingOf(node: Node): Binding | undefined {
    if (node.type === T.ThisExpression) return this.thisBinding(node);
    if (node.type !== T.Identifier) return undefined;
    const t = this.bindings();
    return t.referenced.get(node) ?? t.declared.get(node);
  }

  /** Whether an identifier is where a binding is declared (not a use of it). */
  declares(node: Node): boolean {
    return this.bindings().declared.has(node);
  }

  /** The nearest binding of `name` visible at `from` (types left out), or null when nothing in the file declares it. */
  lookup(name: string, from: Node): Binding | null {
    const t = this.bindings();
    for (let s: Scope | null = this.scopeAt(from, t.manager); s; s = s.upper) {
      const v = s.set.get(name);
      if (v && !v.defs.every((d) => d.type === DefinitionType.Type)) return this.bindingFor(v, t) ?? null;
    }
    return null;
  }

  /** A name as an expression reads it: its binding, or the binding its name has at `anchor` (for a node no reference was recorded at). */
  resolve(id: TSESTree.Identifier, anchor: Node = id): Binding | null {
    return this.bindingOf(id) ?? this.lookup(id.name, anchor);
  }

  /** A for…of or for…in loop's variable: it holds each item in turn, not its declarator's value. */
  isLoopVariable(b: Binding): boolean {
    const declaration = b.declarator && this.parents.get(b.declarator);
    const loop = declaration && this.parents.get(declaration);
    return (loop?.type === T.ForOfStatement || loop?.type === T.ForInStatement) && loop.left === declaration;
  }

  /** Every value reference to a binding (declarations and type positions excluded), in source order. */
  referencesOf(b: Binding): readonly Node[] {
    if (b.kind === 'this') return this.thisBindings().get(b.scope)?.refs ?? NO_NODES;
    return this.bindings().uses.get(b) ?? NO_NODES;
  }

  private scopeAt(from: Node, manager: ScopeManager): Scope | null {
    for (let n: Node | undefined = from; n; n = this.parents.get(n)) {
      const s = manager.acquire(n, true);
      if (s) return s;
    }
    return manager.acquire(this.ast, true) ?? manager.globalScope;
  }

  private bindings(): BindingTable {
    if (this.table) return this.table;
    // A scope analysis that failed (nesting too deep for its stack) fails the same way for every stage that asks.
    if (this.tableFailure) throw this.tableFailure;
    let manager: ScopeManager;
    try {
      manager = analyze(this.ast, { sourceType: 'module', lib: [], jsxPragma: null });
    } catch (err) {
      this.tableFailure = err;
      throw err;
    }
    const t: BindingTable = { manager, byVariable: new Map(), declared: new Map(), referenced: new Map(), uses: new Map(), globals: new Map() };
    const exported = exportedLocals(this.ast);
    for (const scope of manager.scopes) {
      for (const v of scope.variables) {
        const b = this.bindingFor(v, t, exported);
        if (!b) continue;
        for (const id of v.identifiers) if (!t.declared.has(id)) t.declared.set(id, b);
      }
    }
    for (const scope of manager.scopes) {
      for (const ref of scope.references) {
        const id = ref.identifier;
        if (id.type !== T.Identifier) continue; // JSX tag names
        const b = ref.resolved ? this.bindingFor(ref.resolved, t) : this.globalBinding(id.name, t);
        if (!b) continue;
        if (!t.referenced.has(id)) t.referenced.set(id, b);
        if (ref.isTypeReference || t.declared.has(id)) continue;
        const list = t.uses.get(b);
        if (list) list.push(id);
        else t.uses.set(b, [id]);
      }
    }
    for (const list of t.uses.values()) if (list.length > 1) list.sort((a, b) => a.range[0] - b.range[0]);
    this.table = t;
    return t;
  }

  private globalBinding(name: string, t: BindingTable): Binding {
    let g = t.globals.get(name);
    if (!g) {
      g = { name, kind: 'global', scope: this.ast, keys: null, path: null, exported: false };
      t.globals.set(name, g);
    }
    return g;
  }

  private bindingFor(v: Variable, t: BindingTable, exported?: ExportedLocals): Binding | undefined {
    const known = t.byVariable.get(v);
    if (known) return known;
    // A class's own name inside its body is the class declared outside it.
    if (v.scope.type === ScopeType.class && v.scope.block.type === T.ClassDeclaration && v.scope.upper) {
      const outer = v.scope.upper.set.get(v.name);
      if (outer && outer !== v) {
        const b = this.bindingFor(outer, t, exported);
        if (b) t.byVariable.set(v, b);
        return b;
      }
    }
    // Implicit variables (a function's `arguments`) are what no declaration in the file is: global.
    if (v.defs.length === 0) return this.globalBinding(v.name, t);
    const b = describeVariable(v, exported ?? exportedLocals(this.ast));
    t.byVariable.set(v, b);
    return b;
  }

  // ---- this

  private thisBinding(node: TSESTree.ThisExpression): Binding {
    const index = this.thisBindings();
    const owner = this.thisOwners!.get(node) ?? this.ast;
    let entry = index.get(owner);
    if (!entry) {
      entry = { binding: thisOf(owner), refs: [] };
      index.set(owner, entry);
    }
    return entry.binding;
  }

  /** `this` in each function that is not an arrow (or at the top level): one binding, and where it is read. */
  private thisBindings(): Map<Node, { binding: Binding; refs: Node[] }> {
    if (this.thisIndex) return this.thisIndex;
    const index = new Map<Node, { binding: Binding; refs: Node[] }>();
    const owners = new Map<Node, Node>();
    const stack: [Node, Node][] = [[this.ast, this.ast]];
    while (stack.length > 0) {
      const [node, owner] = stack.pop()!;
      if (node.type === T.ThisExpression) {
        owners.set(node, owner);
        let entry = index.get(owner);
        if (!entry) {
          entry = { binding: thisOf(owner), refs: [] };
          index.set(owner, entry);
        }
        entry.refs.push(node);
      }
      const inner = node.type === T.FunctionDeclaration || node.type === T.FunctionExpression ? node : owner;
      const children = childrenOf(node);
      for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], inner]);
    }
    this.thisIndex = index;
    this.thisOwners = owners;
    return index;
  }

  // ---- name indexes

  /** The file's identifiers by name (declarations, references, property names alike). */
  identifiers(name: string): readonly TSESTree.Identifier[] {
    if (!this.identifierIndex) {
      const idx = new Map<string, TSESTree.Identifier[]>();
      visit(this.ast, (node) => {
        if (node.type !== T.Identifier) return;
        const list = idx.get(node.name);
        if (list) list.push(node);
        else idx.set(node.name, [node]);
      });
      this.identifierIndex = idx;
    }
    return this.identifierIndex.get(name) ?? NO_NODES;
  }

  /** The file's `x.name(…)` calls by method name. */
  memberCalls(name: string): readonly TSESTree.CallExpression[] {
    if (!this.memberCallIndex) {
      const idx = new Map<string, TSESTree.CallExpression[]>();
      visit(this.ast, (node) => {
        if (node.type !== T.CallExpression || node.callee.type !== T.MemberExpression) return;
        const method = propertyName(node.callee.property, node.callee.computed);
        if (method === null) return;
        const list = idx.get(method);
        if (list) list.push(node);
        else idx.set(method, [node]);
      });
      this.memberCallIndex = idx;
    }
    return this.memberCallIndex.get(name) ?? NO_NODES;
  }

  /** The innermost function holding a node, or null at the top level. */
  functionOf(n: Node): FunctionLike | null {
    for (let p = this.parents.get(n); p; p = this.parents.get(p)) if (isFunctionLike(p)) return p;
    return null;
  }

  /** The body of the innermost class holding a node (where its `this.field` lives), or null outside a class. */
  classBodyOf(n: Node): TSESTree.ClassBody | null {
    for (let p = this.parents.get(n); p; p = this.parents.get(p)) if (p.type === T.ClassBody) return p;
    return null;
  }
}

/** The names a module's ES exports give its own bindings, and the declarations they export. */
interface ExportedLocals {
  names: Set<string>;
  declarations: Set<Node>;
}

function exportedLocals(ast: TSESTree.Program): ExportedLocals {
  const names = new Set<string>();
  const declarations = new Set<Node>();
  for (const s of ast.body) {
    if (s.type === T.ExportNamedDeclaration) {
      if (s.declaration) declarations.add(s.declaration);
      else if (!s.source) for (const sp of s.specifiers) if (sp.local.type === T.Identifier) names.add(sp.local.name);
    } else if (s.type === T.ExportDefaultDeclaration) {
      declarations.add(s.declaration);
      if (s.declaration.type === T.Identifier) names.add(s.declaration.name);
    }
  }
  return { names, declarations };
}

function describeVariable(v: Variable, exported: ExportedLocals): Binding {
  // The definition that is a value, and of an overloaded function the one with a body.
  const values = v.defs.filter((d) => d.type !== DefinitionType.Type);
  const def = values.find((d) => d.node.type !== T.TSDeclareFunction) ?? values[0] ?? v.defs[0];
  const id = def.name.type === T.Identifier ? def.name : v.identifiers[0];
  const moduleLevel = v.scope.type === ScopeType.module || v.scope.type === ScopeType.global;
  const base = { name: v.name, scope: v.scope.block, id, keys: null, path: null, exported: false } as Binding;
  const isExported = (statement: Node | null | undefined) => moduleLevel && (exported.names.has(v.name) || (statement != null && exported.declarations.has(statement)));
  switch (def.type) {
    case DefinitionType.Variable: {
      const declarator = def.node as TSESTree.VariableDeclarator;
      const declaration = def.parent as TSESTree.VariableDeclaration | null;
      const kind = declaration?.kind === 'var' ? 'var' : declaration?.kind === 'let' ? 'let' : 'const';
      const { keys, path } = patternPath(declarator.id, id);
      const init = declarator.init ? unwrap(declarator.init) : null;
      const fn = kind === 'const' && declarator.id === id && init && (init.type === T.ArrowFunctionExpression || init.type === T.FunctionExpression) ? init : undefined;
      return { ...base, kind, declarator, keys, path, ...(fn ? { fn } : {}), exported: isExported(declaration) };
    }
    case DefinitionType.Parameter: {
      const owner = isFunctionLike(def.node) ? def.node : undefined;
      const params = (def.node as { params?: TSESTree.Parameter[] }).params ?? [];
      const paramIndex = params.findIndex((p) => p.range[0] <= id.range[0] && id.range[1] <= p.range[1]);
      const param = paramIndex >= 0 ? params[paramIndex] : undefined;
      const { keys, path } = param ? patternPath(param, id) : { keys: null, path: null };
      return { ...base, kind: 'param', keys, path, ...(owner ? { owner } : {}), ...(paramIndex >= 0 ? { paramIndex, param } : {}) };
    }
    case DefinitionType.FunctionName: {
      const node = def.node;
      const fn = node.type === T.FunctionDeclaration || node.type === T.FunctionExpression ? node : undefined;
      return { ...base, kind: 'function', keys: [], path: [], declaration: node, ...(fn ? { fn } : {}), exported: isExported(node) };
    }
    case DefinitionType.ClassName:
      return { ...base, kind: 'class', declaration: def.node, exported: isExported(def.node) };
    case DefinitionType.ImportBinding: {
      const node = def.node;
      let imported: { source: string; imported: string } | undefined;
      if (node.type === T.TSImportEqualsDeclaration) {
        const ref = node.moduleReference;
        if (ref.type === T.TSExternalModuleReference && ref.expression.type === T.Literal) imported = { source: packageSpecifier(String(ref.expression.value)), imported: '*' };
      } else {
        const decl = def.parent as TSESTree.ImportDeclaration;
        const name = node.type === T.ImportDefaultSpecifier ? 'default' : node.type === T.ImportNamespaceSpecifier ? '*' : node.imported.type === T.Identifier ? node.imported.name : String(node.imported.value);
        imported = { source: packageSpecifier(decl.source.value), imported: name };
      }
      return { ...base, kind: 'import', ...(imported ? { import: imported } : {}) };
    }
    case DefinitionType.CatchClause:
      return { ...base, kind: 'catch' };
    default:
      return { ...base, kind: 'other' };
  }
}

/** The keys from a pattern's value to one of its identifiers. */
function patternPath(pattern: Node, target: TSESTree.Identifier): { keys: string[] | null; path: string[] | null } {
  let keys: string[] | null = [];
  let defaulted = false;
  let cur: Node = pattern;
  for (;;) {
    if (cur === target) break;
    let next: Node | null = null;
    switch (cur.type) {
      case T.ObjectPattern:
        for (const prop of cur.properties) {
          if (!contains(prop, target)) continue;
          if (prop.type === T.RestElement) {
            keys = null;
            next = prop.argument;
          } else {
            const key = propertyName(prop.key, prop.computed);
            if (key === null) keys = null;
            else keys?.push(key);
            next = prop.value;
          }
          break;
        }
        break;
      case T.ArrayPattern:
        cur.elements.forEach((el, i) => {
          if (next || !el || !contains(el, target)) return;
          if (el.type === T.RestElement) keys = null;
          else keys?.push(String(i));
          next = el;
        });
        break;
      case T.AssignmentPattern:
        defaulted = true;
        next = cur.left;
        break;
      case T.RestElement:
        keys = null;
        next = cur.argument;
        break;
      case T.TSParameterProperty:
        next = cur.parameter;
        break;
      default:
        break;
    }
    if (!next) return { keys: null, path: null };
    cur = next;
  }
  return { keys, path: defaulted ? null : keys };
}

function thisOf(owner: Node): Binding {
  return { name: 'this', kind: 'this', scope: owner, keys: null, path: null, exported: false };
}

function contains(outer: Node, inner: Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}
