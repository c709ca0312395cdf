// A class's constructor runs where the class is instantiated: at each `new C(…)` of it across the
// workspace, and at each `new` of a subclass (through its `super(…)` call, or its implicit constructor).
// The walk asks here for a constructor's paths (walker.ts), as it asks values.ts for an array's.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, type Node } from '../parse/walk';
import type { SyntaxModel } from '../syntax/model';
import { isFunctionLike, type FunctionLike } from '../syntax/nodes';
import type { Ref } from './graph';
import { classifyUse, exportNamesOf } from './uses';
import { openPath, pushAll, type Path } from './path';
import { excludedPath, isTestFile } from './rules/calls';
import { NO_ENTRY_POINT, unfollowedPath, UNFOLLOWED_REFERENCE } from './rules/reach';
import type { WalkSteps } from './values';

type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

/** The class whose constructor `fn` is (the function of a `constructor(…) {…}` method), else null. */
export function constructedClass(fi: SyntaxModel, fn: FunctionLike): ClassNode | null {
  const method = fi.parents.get(fn);
  if (method?.type !== T.MethodDefinition || method.kind !== 'constructor' || method.value !== fn) return null;
  const cls = fi.parents.get(fi.parents.get(method)!);
  return cls?.type === T.ClassDeclaration || cls?.type === T.ClassExpression ? cls : null;
}

export class ConstructorWalk {
  /** Stand-in keys for a class's instantiations, memoised apart from the class node's own paths. */
  private readonly keys = new WeakMap<Node, Node>();
  /** The same for where its instances are run. */
  private readonly instanceKeys = new WeakMap<Node, Node>();

  constructor(private readonly walk: WalkSteps) {}

  /**
   * Paths to the places that instantiate `cls`: `new C(…)` where C is its name in its file or any
   * name a module imports it by, and the instantiations of its subclasses. Any other use of the class
   * as a value (handed to a call, stored) is a reference the walk does not follow: whoever gets the
   * class may instantiate it. A type, an `instanceof` test or a static member read is no use.
   */
  instantiationPaths(file: string, cls: ClassNode, depth: number, visiting: Set<Node>): Path[] {
    let key = this.keys.get(cls);
    if (!key) this.keys.set(cls, (key = Object.create(cls) as Node));
    return this.walk.guarded(key, depth, visiting, () => this.uncached(file, cls, depth + 1, visiting));
  }

  /**
   * Paths to where the instances of `cls` (or of a subclass) are run, for a method a framework calls on
   * an instance (LangChain's `_generate` when `model.invoke(…)` runs): each `new C(…)` is followed as a
   * value by `held`.
   */
  instancePaths(file: string, cls: ClassNode, depth: number, visiting: Set<Node>, held: (file: string, made: Node) => Path[]): Path[] {
    let key = this.instanceKeys.get(cls);
    if (!key) this.instanceKeys.set(cls, (key = Object.create(cls) as Node));
    return this.walk.guarded(key, depth, visiting, () => this.uncached(file, cls, depth + 1, visiting, held));
  }

  private uncached(file: string, cls: ClassNode, depth: number, visiting: Set<Node>, held?: (file: string, made: Node) => Path[]): Path[] {
    const over = this.walk.overBudget(file, cls);
    if (over) return over;
    if (isTestFile(file)) return [excludedPath(file)];
    const fi = this.walk.project.get(file)!;
    const name = cls.id?.name ?? null;
    const refs: Ref[] = [];
    if (name && cls.type === T.ClassDeclaration) {
      pushAll(refs, this.walk.graph.bindingRefs(fi, file, name, (b) => b.declaration === cls, []));
      for (const exportName of exportNamesOf(fi, cls, name)) pushAll(refs, this.walk.graph.importedRefs(file, exportName, []));
    } else {
      // `const C = class {…}`, `export default class {…}`: the variable or the default export.
      const holder = fi.parents.get(fi.outermost(cls));
      if (holder?.type === T.VariableDeclarator && holder.id.type === T.Identifier) {
        const decl = holder;
        pushAll(refs, this.walk.graph.bindingRefs(fi, file, holder.id.name, (b) => b.declarator === decl, []));
        for (const exportName of exportNamesOf(fi, fi.outermost(cls), holder.id.name)) pushAll(refs, this.walk.graph.importedRefs(file, exportName, []));
      }
    }
    if (fi.parents.get(cls)?.type === T.ExportDefaultDeclaration) pushAll(refs, this.walk.graph.importedRefs(file, 'default', []));
    const paths: Path[] = [];
    for (const ref of refs) pushAll(paths, this.refPaths(ref, depth, visiting, held));
    if (paths.length > 0) return paths;
    const label = `\`${name ?? 'this class'}\``;
    const message = held && refs.length > 0 ? NO_ENTRY_POINT.messages.instancesNotRun(label, file) : NO_ENTRY_POINT.messages.neverConstructed(label, file);
    return [openPath(NO_ENTRY_POINT, message, file, cls.loc.start.line)];
  }

  /** What one reference to the class does with it: instantiates it, extends it, or hands it on. */
  private refPaths(ref: Ref, depth: number, visiting: Set<Node>, held?: (file: string, made: Node) => Path[]): Path[] {
    if ('unfollowed' in ref) return [unfollowedPath(ref.file, ref.node.loc.start.line, ref.unfollowed)];
    if ('entry' in ref) return [ref.entry];
    const fi = this.walk.project.get(ref.file);
    if (!fi) return [];
    const where = `${ref.file}:${ref.node.loc.start.line}`;
    if ('alias' in ref) return [unfollowedPath(ref.file, ref.node.loc.start.line, UNFOLLOWED_REFERENCE.messages.value(where))];
    const self = fi.outermost(ref.node);
    const parent = fi.parents.get(self);
    if (parent?.type === T.NewExpression && parent.callee === self) return held ? held(ref.file, parent) : this.walk.walkFrom(ref.file, parent, depth, visiting);
    if ((parent?.type === T.ClassDeclaration || parent?.type === T.ClassExpression) && parent.superClass === self) {
      return held ? this.instancePaths(ref.file, parent, depth, visiting, held) : this.subclassPaths(ref.file, parent, depth, visiting);
    }
    const use = classifyUse(fi, ref.file, ref.node);
    return use ? [unfollowedPath(ref.file, self.loc.start.line, UNFOLLOWED_REFERENCE.messages.value(where))] : [];
  }

  /** A subclass runs the base's constructor where it is instantiated: through its `super(…)`, or its implicit constructor. */
  private subclassPaths(file: string, sub: ClassNode, depth: number, visiting: Set<Node>): Path[] {
    // An overload's declaration (`constructor(a: string);`) has no body: the implementation is the constructor.
    const ctor = sub.body.body.find((m): m is TSESTree.MethodDefinition => m.type === T.MethodDefinition && m.kind === 'constructor' && m.value.type === T.FunctionExpression);
    if (!ctor) return this.instantiationPaths(file, sub, depth, visiting);
    const fn = ctor.value as TSESTree.FunctionExpression;
    return this.walk.walkFrom(file, superCall(fn) ?? fn.body, depth, visiting);
  }
}

/** The `super(…)` call in a constructor's own body (not in a function it defines). */
function superCall(fn: FunctionLike): TSESTree.CallExpression | null {
  let found: TSESTree.CallExpression | null = null;
  visit(fn.body ?? fn, (n) => {
    if (found || (n !== fn.body && isFunctionLike(n))) return false;
    if (n.type === T.CallExpression && n.callee.type === T.Super) found = n;
    return undefined;
  });
  return found;
}
