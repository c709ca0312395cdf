// The workspace call graph: who uses a function (or a value standing for one), across files. A use
// is a call, an argument handed to a call, a property of an object, an alias, a JSX prop, a re-export
// a file convention makes an entry of; or a reference the graph cannot follow, and why.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, Node } from '../parse/walk';
import type { Resolver } from '../detect/resolve';
import type { ProjectIndex } from '../project';
import type { Binding, SyntaxModel } from '../syntax/model';
import { ModuleRef } from '../syntax/modules';
import { FunctionLike, isFunctionLike, moduleExportName, propertyName, unwrap } from '../syntax/nodes';
import { pushAll, type Path } from './path';
import { isTestFile } from './rules/calls';
import { CALL_CHAIN, UNFOLLOWED_REFERENCE } from './rules/reach';
import { isGraphileTaskList } from './rules/namedJobs';
import { describeRef, escapeRegExp } from './rules/read';
import { isValueReference, readsKeysOnly } from './references';
import { classifyUse, commonJsExportName, exportNamesOf, isExported, optionCall, type Use } from './uses';
import { Dependencies, KeptMemo, UNTRACKED } from '../depends';
import { textTest } from '../textScan';
import { Importers, MAX_IMPORTERS, RE_EXPORT_TEXT } from './importers';

/** Text of a module that may decorate a Fastify server (`fastify.decorate('chat', …)`). */
const DECORATES_FASTIFY = textTest((text) => text.includes('decorate') && text.includes('fastify'));

/** The modules a Fastify plugin imports: fastify, fastify-plugin, @fastify/*. */
const FASTIFY_MODULE = /^(fastify|fastify-plugin|@fastify\/.+)$/;

/** A reference to a value in some file: an identifier or member expression, or why it cannot be followed. */
export type Ref =
  | { file: string; node: Node }
  | { file: string; node: Node; unfollowed: string }
  | { file: string; node: TSESTree.VariableDeclarator; alias: string }
  // A re-export that a file convention makes an entry (`export { POST } from './handler'` in route.ts).
  | { file: string; node: Node; entry: Path };

/** How many keys deep a value kept in objects inside objects is followed (storedRefs). */
const MAX_KEYS = 8;

/** How many classes up an `extends` chain the search for a method's callers goes (superclassFiles). */
const MAX_BASES = 8;

/** One step of the search for references to an export: a reference found, or an export of another module to search. */
type RefStep = { ref: Ref } | { file: string; exportName: string; path: string[] };

/**
 * What the call graph learns from texts, the import scan and parses, kept as file names only (never a
 * syntax node): it stays when the analysis drops its syntax models to keep within its memory budget,
 * and an editor's session keeps it across analyses, each entry with the files it read (depends.ts),
 * so that an edit forgets only what read the edited file.
 */
export class KeptGraph {
  readonly textTests = new Map<RegExp, KeptMemo<string, boolean>>();
  readonly transitive: KeptMemo<string, { files: string[]; truncated: boolean }>;
  /** importersOf: the importers, and without the import scan the files naming the module that do not parse. */
  readonly importers: KeptMemo<string, { files: string[]; unparsed?: string[] }>;
  /** By module and export name: importersNaming's importers. */
  readonly importersNaming: KeptMemo<string, string[]>;
  readonly naming: KeptMemo<string, string[]>;
  /** By module, function name, export names and whether it is a method: the unparsed files that may call it. */
  readonly unparsed: KeptMemo<string, { file: string; name: string }[]>;
  /** By module, method name and reach: the modules that reach the module, and those of them that may call the method (they spell its name). */
  readonly methodCallers: KeptMemo<string, { files: readonly string[]; truncated: boolean; spelling: string[] }>;

  constructor(readonly deps: Dependencies = UNTRACKED) {
    this.methodCallers = new KeptMemo(deps);
    this.transitive = new KeptMemo(deps);
    this.importers = new KeptMemo(deps);
    this.importersNaming = new KeptMemo(deps);
    this.naming = new KeptMemo(deps);
    this.unparsed = new KeptMemo(deps);
  }

  textTest(test: RegExp): KeptMemo<string, boolean> {
    let byFile = this.textTests.get(test);
    if (!byFile) this.textTests.set(test, (byFile = new KeptMemo(this.deps)));
    return byFile;
  }

  /** The entries that read `key` (a file, or a whole-workspace list) go. */
  forget(key: string): void {
    for (const memo of [...this.textTests.values(), this.transitive, this.importers, this.importersNaming, this.naming, this.unparsed, this.methodCallers]) memo.forget(key);
  }

  clear(): void {
    for (const memo of [...this.textTests.values(), this.transitive, this.importers, this.importersNaming, this.naming, this.unparsed, this.methodCallers]) memo.clear();
  }
}

/**
 * The call graph's memos for one analysis: the kept ones, and which modules' importers this analysis
 * asked for (what a search does next depends on that, so it must not carry over from an earlier one).
 */
export class GraphMemos {
  /** Modules whose importersOf this analysis asked for. */
  readonly importersAsked = new Set<string>();
  /** Modules whose importers a search asked for through importersNaming (for unparsedCandidates, as importersOf). */
  readonly askedImporters = new Set<string>();

  constructor(readonly kept: KeptGraph = new KeptGraph()) {}
}

export class CallGraph {
  constructor(
    private readonly project: ProjectIndex,
    private readonly resolver: Resolver,
    /** The entries a file convention makes of an export (`export { POST } from` in a route file). */
    private readonly conventionPaths: (fi: SyntaxModel, file: string, exportName: string, at: Node) => Path[],
    private readonly memos: GraphMemos = new GraphMemos(),
  ) {
    this.importers = new Importers(project, memos);
  }

  /** Which modules import which (importers.ts). */
  private readonly importers: Importers;

  /** Every use of `fn` (known in its file by `name` and exported under `exportNames`), across the workspace. */
  usesOf(file: string, fn: Node, name: string | null, exportNames: string[], local?: (b: Binding) => boolean): Use[] {
    return [...this.eachUseOf(file, fn, name, exportNames, local)];
  }

  /**
   * The uses of usesOf as they are found: the files that may hold one are parsed one at a time, so a
   * walk that has what it needs before the last (`Walker.settled`) leaves the rest unparsed.
   */
  *eachUseOf(file: string, fn: Node, name: string | null, exportNames: string[], local?: (b: Binding) => boolean): Generator<Use, void, undefined> {
    const fi = this.project.get(file)!;
    const parent = fi.parents.get(fn);
    const assignedToMember = parent?.type === T.AssignmentExpression && parent.right === fn && parent.left.type === T.MemberExpression && !commonJsExportName(fi, fn);
    // A class field holding a function (`ask = async (p) => …`) is called as a method is: `this.ask(p)`, `bot.ask(p)`.
    const isField = parent?.type === T.PropertyDefinition && parent.value === fn;
    const isMethod = parent?.type === T.MethodDefinition || (parent?.type === T.Property && parent.value === fn) || assignedToMember || isField;
    const isClassMethod = parent?.type === T.MethodDefinition || assignedToMember || isField;
    // Without the import scan, importersOf fills unparsedImporters for this file; with it, marking the module
    // asked is enough (unparsedCandidates reads the scan), and importersNaming parses only the importers
    // that could name each export instead of every importer of the module.
    if (this.project.importCandidates(file)) this.memos.askedImporters.add(file);
    else this.importers.importersOf(file);
    if (name) {
      if (isMethod) {
        // An instance can reach any module that imports the class's module, directly or not
        // (`export const services = { summarizer: new Summarizer() }` in a module a route imports).
        // The cheap test first: a module that never spells the method's name cannot call it. Kept: every
        // walk that reaches the method asks again, over a class module's hundreds of importers.
        const { files, truncated, spelling } = this.memos.kept.methodCallers.compute(`${file}#${name}#${isClassMethod}`, () => {
          const reach = isClassMethod ? this.importers.transitiveImporters(file) : { files: this.importers.reachingImporters(file), truncated: false };
          return { ...reach, spelling: [file, ...reach.files].filter((f) => this.project.spells(f, name)) };
        });
        for (const f of spelling) {
          const ffi = this.project.get(f);
          if (!ffi) continue;
          for (const id of this.identifiers(f, name)) {
            const member = ffi.parents.get(id);
            if (member?.type !== T.MemberExpression || member.property !== id || member.computed) continue;
            // `openai.chat.completions.create(…)` is the SDK's method, not this one of the same name.
            if (this.resolver.evaluate(f, member.object)?.kind === 'client') continue;
            const use = classifyUse(ffi, f, member);
            if (use) yield use;
          }
        }
        if (truncated) {
          yield { kind: 'unfollowed', file, node: fn, how: UNFOLLOWED_REFERENCE.messages.manyImporters(MAX_IMPORTERS, name) };
        }
        if (isClassMethod) yield* this.decoratedUses(file, fn, name, files);
      } else {
        const matches = local ?? ((b: Binding) => bindsFunction(b, fn));
        for (const id of this.identifiers(file, name)) {
          const binding = fi.resolve(id);
          if (!binding || !matches(binding)) continue;
          const use = classifyUse(fi, file, id);
          if (use) yield use;
        }
      }
    }
    for (const exportName of exportNames) for (const ref of this.eachImportedRef(file, exportName, [])) yield* this.refsToUses([ref]);
    if (name || exportNames.length > 0) yield* this.unparsedUses(file, name, exportNames, isMethod);
  }

  /**
   * Calls of a class's method through a Fastify decoration: a plugin that imports Fastify runs
   * `fastify.decorate('chat', chatService)` with an instance of the class, and any route of the
   * server then calls `fastify.chat.run(…)` without importing the class's module.
   */
  private decoratedUses(file: string, method: Node, name: string, importers: readonly string[]): Use[] {
    const fi = this.project.get(file)!;
    let cls: Node | undefined = fi.parents.get(method);
    while (cls && cls.type !== T.ClassDeclaration && cls.type !== T.Program) cls = fi.parents.get(cls);
    if (cls?.type !== T.ClassDeclaration) return [];
    // The import scan's list: a method is asked about for every walk that reaches it, and a class's
    // module may have a thousand importers, while a project has a handful of files that decorate a server.
    const decorating = this.project.filesPassing(DECORATES_FASTIFY);
    if (decorating.length === 0) return [];
    const candidates = new Set([file, ...importers]);
    const decorations: { name: string; where: string; dir: string }[] = [];
    for (const f of decorating) {
      if (!candidates.has(f) || !this.project.spells(f, 'decorate')) continue;
      const dfi = this.project.get(f);
      if (!dfi || !dfi.moduleRefs().some((r) => FASTIFY_MODULE.test(r.source))) continue;
      for (const call of dfi.memberCalls('decorate')) {
        const key = call.arguments[0];
        const value = call.arguments[1];
        if (key?.type !== T.Literal || typeof key.value !== 'string' || !value) continue;
        if (this.makes(dfi, value, file, cls)) decorations.push({ name: key.value, where: `${f}:${call.loc.start.line}`, dir: this.packageDir(f) });
      }
    }
    const uses: Use[] = [];
    for (const deco of decorations) {
      const via = CALL_CHAIN.messages.decorated(deco.name, deco.where);
      // A decoration is the server's own: only its workspace package's routes see it.
      for (const f of this.project.files) {
        if (!f.startsWith(deco.dir) || isTestFile(f) || !this.project.spells(f, deco.name) || !this.project.spells(f, name) || !this.project.spells(f, 'fastify')) continue;
        const ffi = this.project.get(f);
        if (!ffi) continue;
        for (const id of ffi.identifiers(name)) {
          const member = ffi.parents.get(id);
          if (member?.type !== T.MemberExpression || member.property !== id || member.computed) continue;
          const holder = member.object;
          if (holder.type !== T.MemberExpression || propertyName(holder.property, holder.computed) !== deco.name) continue;
          const use = classifyUse(ffi, f, member);
          if (use) uses.push({ ...use, via });
        }
      }
    }
    return uses;
  }

  /**
   * The calls of a class's method `name` that its base classes make through `this`
   * (`this.handleJob(job)` in a base worker's constructor): they run the override, though the base
   * class never imports the subclass. Calls in the method's own file are found by usesOf.
   */
  overrideUses(file: string, method: Node, name: string): Use[] {
    if (this.project.get(file)?.parents.get(method)?.type !== T.MethodDefinition) return [];
    const uses: Use[] = [];
    for (const f of this.superclassFiles(file, method)) {
      const fi = f === file || !this.project.spells(f, name) ? undefined : this.project.get(f);
      for (const id of fi ? this.identifiers(f, name) : []) {
        const member = fi!.parents.get(id);
        if (member?.type !== T.MemberExpression || member.property !== id || member.computed || member.object.type !== T.ThisExpression) continue;
        const use = classifyUse(fi!, f, member);
        if (use) uses.push(use);
      }
    }
    return uses;
  }

  /**
   * The files of the classes that the class holding `method` extends, nearest first, as far as the
   * workspace declares them (a class of the same file, or one a workspace module exports).
   */
  private superclassFiles(file: string, method: Node): string[] {
    let fi = this.project.get(file);
    let cls: Node | undefined = fi?.parents.get(method);
    while (fi && cls && cls.type !== T.ClassDeclaration && cls.type !== T.ClassExpression && cls.type !== T.Program) cls = fi.parents.get(cls);
    const files: string[] = [];
    for (let i = 0; i < MAX_BASES && fi && (cls?.type === T.ClassDeclaration || cls?.type === T.ClassExpression); i++) {
      const sup = cls.superClass;
      const found = sup?.type === T.Identifier ? this.project.declarationOf(fi, fi.resolve(sup)) : null;
      const declaration = found?.binding?.declaration;
      if (!found || declaration?.type !== T.ClassDeclaration) break;
      if (!files.includes(found.model.file)) files.push(found.model.file);
      fi = found.model;
      cls = declaration;
    }
    return files;
  }

  /** The folder (with its slash) of the workspace package that holds `file`; '' for the root package. */
  private packageDir(file: string): string {
    const pkg = this.project.workspacePackages().filter((p) => file.startsWith(p.dir + '/')).sort((a, b) => b.dir.length - a.dir.length)[0];
    return pkg ? pkg.dir + '/' : '';
  }

  /** Whether `value` (or the const it names) is `new C(…)` of the class `cls` declared in `classFile`, by name or import. */
  private makes(fi: SyntaxModel, value: Node, classFile: string, cls: TSESTree.ClassDeclaration): boolean {
    const held = value.type === T.Identifier ? fi.resolve(value)?.declarator?.init : value;
    if (held?.type !== T.NewExpression || held.callee.type !== T.Identifier || !cls.id) return false;
    const b = fi.resolve(held.callee);
    if (!b) return false;
    if (b.declaration) return b.declaration === cls;
    const imported = b.import;
    if (!imported || this.project.resolveImport(fi.file, imported.source) !== classFile) return false;
    return imported.imported === cls.id.name || (imported.imported === 'default' && fi.parents.get(cls)?.type === T.ExportDefaultDeclaration);
  }

  refsToUses(refs: readonly Ref[]): Use[] {
    const uses: Use[] = [];
    for (const ref of refs) {
      if ('entry' in ref) uses.push({ kind: 'entry', file: ref.file, node: ref.node, entry: ref.entry });
      else if ('unfollowed' in ref) uses.push({ kind: 'unfollowed', file: ref.file, node: ref.node, how: ref.unfollowed });
      else if ('alias' in ref) uses.push({ kind: 'alias', file: ref.file, node: ref.node, name: ref.alias });
      else {
        const fi = this.project.get(ref.file);
        const use = fi ? classifyUse(fi, ref.file, ref.node) : null;
        if (use) uses.push(use);
      }
    }
    return uses;
  }

  /**
   * Files that may call the function but could not be parsed: they name it, and (unless it is a
   * method, which any file may call) import its module. Their calls cannot be followed.
   */
  private reExportsAny(file: string): boolean {
    if (!this.importers.textTest(RE_EXPORT_TEXT, file)) return false;
    return Boolean(this.project.get(file)?.exports().some((e) => e.kind === 're-export' || e.kind === 'star'));
  }

  private unparsedUses(file: string, name: string | null, exportNames: string[], isMethod: boolean): Use[] {
    const fi = this.project.get(file)!;
    const key = `${file}\n${name}\n${exportNames.join(',')}\n${isMethod}`;
    // By file name, without the module's own tree: kept across an edit of the module itself.
    const found = this.memos.kept.unparsed.compute(key, () => this.unparsedMentions(file, name, exportNames, isMethod));
    return found.map((u) => ({ kind: 'unparsed', file: u.file, node: fi.ast, name: u.name }));
  }

  /** The files that may import `file`, name the function and do not parse, with the name they spell. */
  private unparsedMentions(file: string, name: string | null, exportNames: string[], isMethod: boolean): { file: string; name: string }[] {
    const names = [...new Set([name, ...exportNames].filter((n): n is string => n !== null && n !== 'default'))];
    // Only files that could import the module (or, for a method, a barrel re-exporting it) count.
    const modules = isMethod ? [file].concat(this.importers.reachingImporters(file).filter((f) => this.reExportsAny(f))) : [file];
    const candidates = new Set(modules.flatMap((m) => this.importers.unparsedCandidates(m)));
    const found: { file: string; name: string }[] = [];
    for (const f of candidates) {
      if (f === file || isTestFile(f)) continue;
      const text = this.project.text(f) ?? '';
      const mentioned = names.find((n) => new RegExp(`\\b${escapeRegExp(n)}\\b`).test(text)) ?? (exportNames.includes('default') && !isMethod ? 'the default export' : undefined);
      // The parse last: only a file that names the function is parsed to see whether it fails.
      if (mentioned && this.project.parseFailure(f)) found.push({ file: f, name: mentioned });
    }
    return found;
  }

  /**
   * References, in the files that load `file`, to its export `exportName` followed by the property
   * chain `path` (`ai.summarize` is export `ai`, path `summarize`): through named, default and
   * namespace imports, `require` and `await import()` anywhere in a file, `require(x).name`, and
   * re-exports (`export *`, `export { x } from`, `export * as ns from`), each module searched once.
   * Depth first, in the order the files write them, without recursion: a chain of barrels is long, not deep.
   */
  importedRefs(file: string, exportName: string, path: string[]): Ref[] {
    return [...this.eachImportedRef(file, exportName, path)];
  }

  /** The references of importedRefs as they are found, each importer parsed when the search reaches it. */
  *eachImportedRef(file: string, exportName: string, path: string[]): Generator<Ref, void, undefined> {
    const seen = new Set<string>();
    const searches: Iterator<RefStep>[] = [];
    const search = (step: { file: string; exportName: string; path: string[] }) => {
      const key = `${step.file}#${step.exportName}#${step.path.join('.')}`;
      if (seen.has(key)) return;
      seen.add(key);
      searches.push(this.importSteps(step.file, step.exportName, step.path));
    };
    search({ file, exportName, path });
    while (searches.length > 0) {
      const next = searches[searches.length - 1].next();
      if (next.done) searches.pop();
      else if ('ref' in next.value) yield next.value.ref;
      else search(next.value);
    }
  }

  /** What the importers of `file` do with its export `exportName`: references, and re-exports to search in turn. */
  private *importSteps(file: string, exportName: string, path: string[]): Generator<RefStep, void, undefined> {
    const found = (refs: Ref[]): RefStep[] => refs.map((ref) => ({ ref }));
    for (const importer of this.importers.importersNaming(file, exportName)) {
      if (isTestFile(importer)) continue;
      const fi = this.project.get(importer);
      if (!fi) continue;
      for (const ref of fi.moduleRefs()) {
        if (this.project.resolveImport(importer, ref.source) !== file) continue;
        const stmt = ref.node;
        const isImport = (b: Binding) => b.import !== undefined;
        if (stmt.type === T.ImportDeclaration) {
          for (const spec of stmt.specifiers) {
            const local = spec.local.name;
            if (spec.type === T.ImportNamespaceSpecifier) yield* found(this.bindingRefs(fi, importer, local, isImport, [exportName, ...path]));
            else if (spec.type === T.ImportDefaultSpecifier) {
              if (exportName === 'default') yield* found(this.bindingRefs(fi, importer, local, isImport, path));
            } else if (moduleExportName(spec.imported) === exportName) yield* found(this.bindingRefs(fi, importer, local, isImport, path));
          }
        } else if (stmt.type === T.TSImportEqualsDeclaration) {
          yield* found(this.bindingRefs(fi, importer, stmt.id.name, isImport, exportName === 'default' ? path : [exportName, ...path]));
        } else if (stmt.type === T.ExportAllDeclaration) {
          // `export * as ai from './ai'` exports the namespace under `ai`; `export *` each name as itself.
          if (stmt.exported) yield { file: importer, exportName: moduleExportName(stmt.exported), path: [exportName, ...path] };
          else if (exportName !== 'default') {
            yield* found(this.reExportRefs(fi, importer, exportName, path, stmt));
            yield { file: importer, exportName, path };
          }
        } else if (stmt.type === T.ExportNamedDeclaration) {
          for (const spec of stmt.specifiers) {
            if (moduleExportName(spec.local) !== exportName) continue;
            const exported = moduleExportName(spec.exported);
            yield* found(this.reExportRefs(fi, importer, exported, path, spec));
            yield { file: importer, exportName: exported, path };
          }
        } else {
          yield* found(this.loadedModuleRefs(fi, importer, ref, exportName, path));
        }
      }
    }
  }

  /** A re-export the importer's file convention makes an entry of: `export { POST } from '@/features/chat'` in app/api/chat/route.ts. */
  private reExportRefs(fi: SyntaxModel, importer: string, exported: string, path: string[], at: Node): Ref[] {
    if (path.length > 0) return [];
    return this.conventionPaths(fi, importer, exported, at).map((entry) => ({ file: importer, node: at, entry }));
  }

  /** References through a `require(…)` or `import(…)` expression: `const { x } = require()`, `const m = await import()`, `require(y).x`. */
  private loadedModuleRefs(fi: SyntaxModel, importer: string, ref: ModuleRef, exportName: string, path: string[]): Ref[] {
    let value = fi.outermost(ref.node);
    let parent = fi.parents.get(value);
    if (parent?.type === T.AwaitExpression) {
      value = fi.outermost(parent);
      parent = fi.parents.get(value);
    }
    // `require(x)` is module.exports itself: its default export; `import(x)` resolves to the namespace.
    const whole = ref.kind === 'require' && exportName === 'default' ? path : [exportName, ...path];
    // `import(x).then((m) => m.summarize())`, `.then(({ summarize }) => …)`: the namespace is the callback's first parameter.
    if (ref.kind === 'dynamic' && parent?.type === T.MemberExpression && parent.object === value && propertyName(parent.property, parent.computed) === 'then') {
      const then = fi.parents.get(parent);
      const arg = then?.type === T.CallExpression && then.callee === parent ? then.arguments[0] : undefined;
      // Written inline, or a function of this file named there (`.then(useModule)`).
      const callback = arg?.type === T.Identifier ? fi.resolve(arg)?.fn : arg;
      if (callback && isFunctionLike(callback) && callback.params[0]) return this.paramRefs(fi, importer, callback, whole);
      return this.mentions(importer, exportName) ? [{ file: importer, node: ref.node, unfollowed: UNFOLLOWED_REFERENCE.messages.loadedThen(`${importer}:${ref.node.loc.start.line}`) }] : [];
    }
    if (parent?.type === T.VariableDeclarator && parent.init === value) {
      const decl = parent;
      if (decl.id.type === T.Identifier) return this.bindingRefs(fi, importer, decl.id.name, (b) => b.declarator === decl, whole);
      if (decl.id.type === T.ObjectPattern) {
        const [first, ...rest] = whole;
        if (first === undefined) return [{ file: importer, node: ref.node, unfollowed: UNFOLLOWED_REFERENCE.messages.moduleDestructured(`${importer}:${decl.loc.start.line}`) }];
        return this.patternRefs(fi, importer, decl, decl.id, first, rest);
      }
    }
    if (whole.length === 0) return [{ file: importer, node: value }];
    return this.consume(fi, importer, value, whole, this.mentions(importer, exportName));
  }

  /**
   * References through the first parameter of `owner`, which receives the value `path` starts from:
   * `(m) => m.summarize()` is `m` with all of `path` still to consume, `({ summarize }) => summarize()`
   * is `summarize` with its first key consumed by the pattern.
   */
  private paramRefs(fi: SyntaxModel, file: string, owner: FunctionLike, path: string[]): Ref[] {
    const refs: Ref[] = [];
    visit(owner.params[0], (n) => {
      if (n.type !== T.Identifier || !fi.declares(n)) return undefined;
      const b = fi.bindingOf(n);
      if (!b || b.kind !== 'param' || b.owner !== owner) return undefined;
      if (b.keys === null) {
        refs.push({ file, node: n, unfollowed: UNFOLLOWED_REFERENCE.messages.gathered(n.name, `${file}:${n.loc.start.line}`) });
        return undefined;
      }
      const keys = b.keys;
      // A name bound to another key (or deeper than the path leads) holds something else.
      if (keys.length > path.length || keys.some((k, i) => k !== path[i])) return undefined;
      pushAll(refs, this.bindingRefs(fi, file, n.name, (x) => x === b, path.slice(keys.length)));
      return undefined;
    });
    return refs;
  }

  /** References to the binding `name` (as `matches` identifies it) in `file`, with `path` consumed on each. */
  bindingRefs(fi: SyntaxModel, file: string, name: string, matches: (b: Binding) => boolean, path: string[]): Ref[] {
    const out: Ref[] = [];
    const mentioned = path.length === 0 || this.mentions(file, path[path.length - 1]);
    for (const id of this.identifiers(file, name)) {
      if (!isValueReference(fi, id)) continue;
      const binding = fi.resolve(id);
      if (!binding || !matches(binding)) continue;
      pushAll(out, this.consume(fi, file, id, path, mentioned));
    }
    return out;
  }

  /** `const { POST } = handlers`: the local the key `key` is bound to, with `rest` still to consume. */
  private patternRefs(fi: SyntaxModel, file: string, decl: TSESTree.VariableDeclarator, pattern: TSESTree.ObjectPattern, key: string, rest: string[]): Ref[] {
    for (const p of pattern.properties) {
      if (p.type === T.RestElement) return [{ file, node: p, unfollowed: UNFOLLOWED_REFERENCE.messages.gathered(p.argument.type === T.Identifier ? p.argument.name : 'rest', `${file}:${p.loc.start.line}`) }];
      if (propertyName(p.key, p.computed) !== key) continue;
      const target = p.value.type === T.AssignmentPattern ? p.value.left : p.value;
      if (target.type !== T.Identifier) return [{ file, node: p, unfollowed: UNFOLLOWED_REFERENCE.messages.destructuredFurther(`${file}:${p.loc.start.line}`) }];
      // An exported binding is used under its export name too (`export const { POST } = handlers`).
      if (rest.length === 0 && isExported(fi, decl)) return [{ file, node: decl, alias: target.name }];
      return this.bindingRefs(fi, file, target.name, (b) => b.declarator === decl, rest);
    }
    return [];
  }

  /** The function a name stands for: a function of this file, or one a module of the workspace exports under the imported name. */
  definitionOf(fi: SyntaxModel, id: TSESTree.Identifier): { model: SyntaxModel; fn: FunctionLike } | null {
    const found = this.project.declarationOf(fi, fi.resolve(id));
    const init = found?.binding?.declarator?.init;
    const fn = found?.binding?.fn ?? (init && isFunctionLike(init) ? init : null);
    return found && fn ? { model: found.model, fn } : null;
  }

  /**
   * Whether `call` hands back an object with the keys of its argument `index`, each value made from the
   * argument's (`wrapController(controllers)`: `out[key] = asyncHandler(controllers[key])` for each of
   * `Object.keys(controllers)`, or `Object.fromEntries(Object.entries(c).map(…))`): a function of the
   * workspace that iterates that parameter's keys and returns what it built from them.
   */
  private keepsKeys(fi: SyntaxModel, call: TSESTree.CallExpression, index: number): boolean {
    if (call.callee.type !== T.Identifier) return false;
    const defined = this.definitionOf(fi, call.callee);
    const param = defined?.fn.params[index];
    if (!defined || param?.type !== T.Identifier) return false;
    const { model, fn } = defined;
    const isParam = (n: Node | null | undefined): boolean => n?.type === T.Identifier && n.name === param.name && model.bindingOf(n)?.kind === 'param';
    const objectCall = (n: Node, method: string): n is TSESTree.CallExpression =>
      n.type === T.CallExpression && n.callee.type === T.MemberExpression && n.callee.object.type === T.Identifier && n.callee.object.name === 'Object' && propertyName(n.callee.property, n.callee.computed) === method;
    let iterated = false;
    /** Objects filled as `out[k] = f(p[k])`. */
    const filled = new Set<string>();
    const returns: Node[] = fn.body.type === T.BlockStatement ? [] : [fn.body];
    visit(fn.body, (n) => {
      if ((objectCall(n, 'keys') || objectCall(n, 'entries')) && isParam(n.arguments[0])) iterated = true;
      else if (n.type === T.ForInStatement && isParam(n.right)) iterated = true;
      else if (n.type === T.AssignmentExpression && n.left.type === T.MemberExpression && n.left.computed && n.left.object.type === T.Identifier) {
        const out = n.left.object.name;
        visit(n.right, (m) => {
          if (m.type === T.MemberExpression && m.computed && isParam(m.object)) filled.add(out);
        });
      } else if (n.type === T.ReturnStatement && n.argument) returns.push(n.argument);
      return undefined;
    });
    // It returns what it built: the object it filled, or `Object.fromEntries(…)`.
    return iterated && returns.map((r) => unwrap(r)).some((r) => (r.type === T.Identifier && filled.has(r.name)) || objectCall(r, 'fromEntries'));
  }


  /**
   * Follows `path` from a reference to the object that holds the value: `obj.key`, `obj[expr]` (any
   * key), `const { key } = obj`, `const api = { bedrock: obj }` (then `api.bedrock.key`), `export
   * default obj`. The object handed on whole is a reference Batchwise cannot follow, unless it is an
   * AI SDK `tools` option, whose functions run inside that call; `mentioned` says
   * whether the file names the value at all (a module namespace passed whole to a logger is not a use
   * of every export).
   */
  private consume(fi: SyntaxModel, file: string, start: Node, path: string[], mentioned: boolean): Ref[] {
    let cur = start;
    for (let i = 0; i < path.length; i++) {
      const self = fi.outermost(cur);
      const parent = fi.parents.get(self);
      if (parent?.type === T.MemberExpression && parent.object === self) {
        const prop = propertyName(parent.property, parent.computed);
        if (prop === path[i] || (parent.computed && prop === null)) {
          cur = parent;
          continue;
        }
        return [];
      }
      if (parent?.type === T.VariableDeclarator && parent.init === self && parent.id.type === T.ObjectPattern) {
        return this.patternRefs(fi, file, parent, parent.id, path[i], path.slice(i + 1));
      }
      if (parent?.type === T.Property && parent.value === self && propertyName(parent.key, parent.computed) === 'tools') {
        const call = optionCall(fi, parent);
        if (call) return [{ file, node: call.callee }];
      }
      // A Graphile Worker task list handed to its runner: each task is traced by its job's name (rules/namedJobs.ts).
      if (parent?.type === T.Property && parent.value === self && isGraphileTaskList(fi, parent, optionCall(fi, parent))) return [];
      // `export default holder`: its importers' references.
      if (parent?.type === T.ExportDefaultDeclaration) return this.importedRefs(file, 'default', path.slice(i));
      const stored = parent?.type === T.Property && parent.value === self ? this.storedRefs(fi, file, parent, path.slice(i)) : null;
      if (stored) return stored;
      // `const controller = wrapController(raw)`: the wrapper's result holds the same keys.
      if (parent?.type === T.CallExpression && parent.arguments.includes(self as never) && this.keepsKeys(fi, parent, parent.arguments.indexOf(self as never))) {
        const result = fi.outermost(parent);
        const holder = fi.parents.get(result);
        if (holder?.type === T.VariableDeclarator && holder.init === result && holder.id.type === T.Identifier) {
          const refs = this.bindingRefs(fi, file, holder.id.name, (b) => b.declarator === holder, path.slice(i));
          for (const exportName of exportNamesOf(fi, result, holder.id.name)) pushAll(refs, this.importedRefs(file, exportName, path.slice(i)));
          return refs;
        }
        cur = parent;
        i--;
        continue;
      }
      if (!mentioned || (cur.type === T.Identifier && !isValueReference(fi, cur)) || readsKeysOnly(fi, self)) return [];
      return [{ file, node: cur, unfollowed: UNFOLLOWED_REFERENCE.messages.handedOnWhole(describeRef(cur), `${file}:${cur.loc.start.line}`) }];
    }
    return [{ file, node: cur }];
  }

  /**
   * References to a value kept under a key of an object literal (`const api = { bedrock: bedrockApi }`,
   * `export default { providers: { openai } }`), with `rest` still to consume after those keys: through
   * the object's variable and its exports. Null when the object is handed to a call, is kept by
   * something else, or the keys grow past MAX_KEYS (modules that store each other's objects).
   */
  private storedRefs(fi: SyntaxModel, file: string, prop: TSESTree.Property, rest: string[]): Ref[] | null {
    const keys: string[] = [];
    let cur = prop;
    for (;;) {
      const key = propertyName(cur.key, cur.computed);
      const obj = fi.parents.get(cur);
      if (key === null || obj?.type !== T.ObjectExpression || optionCall(fi, cur)) return null;
      keys.unshift(key);
      if (keys.length + rest.length > MAX_KEYS) return null;
      const self = fi.outermost(obj);
      const holder = fi.parents.get(self);
      if (holder?.type === T.Property && holder.value === self) {
        cur = holder;
        continue;
      }
      const path = [...keys, ...rest];
      if (holder?.type === T.VariableDeclarator && holder.init === self && holder.id.type === T.Identifier) {
        const decl = holder;
        const refs = this.bindingRefs(fi, file, holder.id.name, (b) => b.declarator === decl, path);
        for (const exportName of exportNamesOf(fi, self, holder.id.name)) pushAll(refs, this.importedRefs(file, exportName, path));
        return refs;
      }
      if (holder?.type === T.ExportDefaultDeclaration) return this.importedRefs(file, 'default', path);
      return null;
    }
  }

  private mentions(file: string, name: string): boolean {
    if (name === 'default') return true;
    return new RegExp(`\\b${escapeRegExp(name)}\\b`).test(this.project.text(file) ?? '');
  }

  /**
   * Files that may import `file`: the files a text scan of import specifiers says may load it (or,
   * without the scan, every file), that name it as an import would; a parse of each confirms.
   */
  importersOf(file: string): string[] {
    return this.importers.importersOf(file);
  }

  /** A file's identifiers named `name` (none when it does not parse). */
  private identifiers(file: string, name: string): readonly TSESTree.Identifier[] {
    return this.project.get(file)?.identifiers(name) ?? [];
  }
}

function bindsFunction(binding: Binding | null, fn: Node): boolean {
  if (!binding) return false;
  if (binding.kind === 'function') return binding.declaration === fn && fn.type === T.FunctionDeclaration;
  return binding.declarator?.init === fn;
}
