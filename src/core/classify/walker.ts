// The walk outward from a call: through the functions that hold it, then their uses across the
// workspace (the call graph), until the entry points that reach it. At each place the rule families
// are asked, in the registry's order, whether they know what runs the code (rules/index.ts).
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import type { Resolver } from '../detect/resolve';
import { functionName } from '../detect/detect';
import type { ProjectIndex } from '../project';
import type { Binding, SyntaxModel } from '../syntax/model';
import { FunctionLike, isFunctionLike, propertyName, unwrap } from '../syntax/nodes';
import type { Node } from '../parse/walk';
import { CallGraph, GraphMemos } from './graph';
import { bindingTarget, classifyUse, commonJsExportName, exportNamesOf, isExported, optionCall, type Use } from './uses';
import { returningFunction, ValueWalk, type WalkSteps } from './values';
import { constructedClass, ConstructorWalk } from './constructors';
import { GraphNodeWalk } from './graphNodes';
import { EVENT_KEY, HandedWalk, INLINE_CALLBACKS } from './handed';
import { frameworkHookClass, mastraStepOf, toolOf } from './tools';
import { matchDiscordModule } from './rules/bots';
import { limitPaths, Loop, MAX_PATHS, openPath, Path, pushAll, Span, toPath } from './path';
import { UI_COMPONENT } from './rules/apps';
import { excludedPath, isTestFile } from './rules/calls';
import { isEvalTask } from './rules/evals';
import { fileStreamEvent, loopAround, webStreamOf } from './rules/data';
import type { CallNode, Hooks, RuleContext, ScopeQuestion } from './rules/hooks';
import { graphqlField } from './rules/httpServers';
import { MAX_DEPTH, NO_ENTRY_POINT, unfollowedPath, unparsedPath, UNFOLLOWED_REFERENCE } from './rules/reach';
import { calleeName, objectProps } from './rules/read';
import type { StringOf } from './rules/rule';


/** How many steps (a climb to a function, a use followed) the walk takes for one call before it stops and says so. */
export const MAX_STEPS = 20_000;

export class Walker implements WalkSteps {
  readonly graph: CallGraph;
  /** Functions kept in arrays, tools and agents, followed to where they run (values.ts). */
  private readonly values = new ValueWalk(this);
  /** Constructors, followed to where their class is instantiated (constructors.ts). */
  private readonly constructors = new ConstructorWalk(this);
  /** Functions added to LangGraph graphs, followed to where the compiled graph runs (graphNodes.ts). */
  private readonly graphNodes = new GraphNodeWalk(this, this.values);
  /** Functions handed to calls no rule knows. */
  private readonly handed = new HandedWalk(this, {
    nodePaths: (file, call, depth, visiting) => this.graphNodes.nodePaths(file, call, depth, visiting),
    callEntryPaths: (fi, file, call, depth, visiting) => this.callEntryPaths(fi, file, call, depth, visiting),
    optionPaths: (file, prop, depth, visiting) => this.optionPaths(file, prop, depth, visiting),
  });
  /** Steps taken for the call being classified. */
  private steps = 0;
  /** How many steps the walk of one call may take (MAX_STEPS; more on a second try, see walkCall). */
  private budget = MAX_STEPS;
  /** Whether the walk of the current call ran out of steps: nothing computed from then on is memoised (it lacks what was not followed). */
  private outOfSteps = false;
  /** Paths to a function that no limit cut short: the same wherever the walk reaches it from. */
  private readonly pathMemo = new Map<Node, Path[]>();
  /**
   * Paths to a function that a limit cut short: a cycle back to a function further out on the walk's
   * stack (they lack that function's paths), or the depth limit (they depend on the depth). Each is
   * reused while the walk is in the same state for it: the same functions still on the stack at the
   * cut positions, and the same depth. A busy call graph (a method name many classes share, one big
   * cycle of mutual callers) reaches the same functions hundreds of times per call.
   */
  private readonly partialMemo = new Map<Node, PartialPaths[]>();
  /** Where each function being walked sits on the walk's stack (0 = outermost). */
  private readonly stackIndex = new Map<Node, number>();
  /** How many functions are on the walk's stack. */
  private stackSize = 0;
  /** By stack position: the functions whose partial results lack the function there (dropped when it leaves the stack). */
  private readonly boundTo: Node[][] = [];
  /** The stack positions cycles were cut at since the current function began (-1: a position not known). */
  private cuts: number[] = [];
  /** Whether the depth limit cut a path since the current function began: its paths then depend on the depth. */
  private depthCut = false;
  /**
   * A path on which a person waits has reached the call with no rule's walk open around it (a rule may
   * still change a path's effect: a queue's producer, a Convex scheduler), so the call is user-waiting
   * whatever else reaches it: the walk stops there. In an app whose every call is reached from its
   * commands, following the rest of the callers only lengthened the evidence. Nothing computed from
   * then on is memoised.
   */
  private settled = false;
  /** Whether, once settled, the walk left a step or a caller unfollowed (the evidence says so). */
  cutShort = false;
  /** How many rule walks are open around the current step (see `settled`). */
  private ruleWalks = 0;

  constructor(
    readonly project: ProjectIndex,
    private readonly resolver: Resolver,
    private readonly hooks: Hooks,
    /** The LLM calls detected in a file: a call given tools runs them only if it is one (or makes an agent). */
    readonly llmCallsIn: (file: string) => readonly TSESTree.CallExpression[] = () => [],
    memos?: GraphMemos,
  ) {
    this.graph = new CallGraph(project, resolver, (fi, file, exportName, at) => this.conventionPaths(fi, file, exportName, at, this.context(0, new Set())), memos);
  }

  /** Ready for the next call: the walk's stack and its step count start over (memoised results stay). */
  reset(): void {
    this.steps = 0;
    this.outOfSteps = false;
    this.cuts = [];
    this.depthCut = false;
    this.settled = false;
    this.cutShort = false;
    this.ruleWalks = 0;
    this.stackIndex.clear();
    this.stackSize = 0;
    this.boundTo.length = 0;
  }

  /**
   * Counts a step; past the budget the walk goes no further for this call: one open path says so, and
   * nothing computed from then on is memoised (it lacks what was not followed). Once settled, no step
   * is taken.
   */
  overBudget(file: string, node: Node): Path[] | null {
    if (this.settled) {
      this.cutShort = true;
      return [];
    }
    if (++this.steps <= this.budget) return null;
    this.outOfSteps = true;
    return this.steps === this.budget + 1 ? [openPath(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.budget(this.budget), file, node.loc.start.line)] : [];
  }

  /**
   * Paths from entry points to an LLM call. A walk that runs out of steps gets one more try with four
   * times as many: walks that stop where a person waits (`settled`) leave less memoised for the next
   * call's walk, which may then run out where it did not before (anything-llm's embedding engines, one
   * method name over 400 modules).
   */
  walkCall(file: string, call: Node): Path[] {
    this.reset();
    const paths = this.walkFrom(file, call, 0, new Set());
    if (!this.outOfSteps) return paths;
    this.reset();
    this.budget = 4 * MAX_STEPS;
    try {
      return this.walkFrom(file, call, 0, new Set());
    } finally {
      this.budget = MAX_STEPS;
    }
  }

  /** Paths from entry points to `node`, found by climbing to its enclosing function. */
  walkFrom(file: string, node: Node, depth: number, visiting: Set<Node>): Path[] {
    const fi = this.project.get(file);
    if (!fi) return [];
    const over = this.overBudget(file, node);
    if (over) return over;
    const loops: Loop[] = [];
    let child: Node = node;
    let cur = fi.parents.get(node);
    while (cur) {
      const loop = loopAround(fi, file, cur, child);
      if (loop) loops.push(loop);
      if (isFunctionLike(cur)) {
        const prompt = this.scopeEntry(fi, file, cur, node, depth, visiting);
        if (prompt) return [{ ...prompt, loops }];
        return this.functionPaths(file, cur, depth, visiting).map((p) => ({ ...p, loops: [...p.loops, ...loops] }));
      }
      child = cur;
      cur = fi.parents.get(cur);
    }
    const prompt = this.scopeEntry(fi, file, fi.ast, node, depth, visiting);
    if (prompt) return [{ ...prompt, loops }];
    return this.topLevelPaths(fi, file, depth, visiting).map((p) => ({ ...p, loops: [...p.loops, ...loops] }));
  }

  /** What the walk tells the rule families: the project, constant strings, and walks one call further out. */
  private context(depth: number, visiting: Set<Node>): RuleContext {
    // Made once for each depth of a walk (every step asks, with the same `visiting`): its closures were a
    // tenth of a long walk's time.
    if (this.contexts.visiting !== visiting) this.contexts = { visiting, byDepth: [] };
    return (this.contexts.byDepth[depth] ??= this.makeContext(depth, visiting));
  }

  private contexts: { visiting: Set<Node> | null; byDepth: RuleContext[] } = { visiting: null, byDepth: [] };

  /**
   * A question for the rule families: the context's fields written out, then `extra`'s. Asked at every
   * step of a walk; a spread of the context object (`{ ...context, fi }`) cost microseconds each.
   */
  private question<E extends object>(depth: number, visiting: Set<Node>, extra: E): RuleContext & E {
    return questionOf(this.context(depth, visiting), extra);
  }

  private makeContext(depth: number, visiting: Set<Node>): RuleContext {
    return {
      project: this.project,
      hooks: this.hooks,
      stringOf: (file) => this.stringOf(file),
      possibleStrings: (file, node) => this.possibleStrings(file, node),
      evaluate: (file, node) => this.resolver.evaluate(file, node),
      walk: (file, node) => this.ruleWalk(file, node, depth + 1, visiting),
      importersOf: (file) => this.graph.importersOf(file),
    };
  }

  /** A walk a rule asks for: the rule may still change the effect of the paths it gets (see `settled`). */
  private ruleWalk(file: string, node: Node, depth: number, visiting: Set<Node>): Path[] {
    this.ruleWalks++;
    try {
      return this.walkFrom(file, node, depth, visiting);
    } finally {
      this.ruleWalks--;
    }
  }

  possibleStrings(file: string, node: Node): Set<string> | null {
    return this.resolver.possibleStrings(file, node);
  }

  /**
   * The one string a node is, for a rule reading a queue, event or route name: a conditional whose
   * branches are different strings (`dev ? 'jobs-dev' : 'jobs'`), or one it cannot read, is not one.
   */
  private stringOf(file: string): StringOf {
    return (node) => {
      const possible = this.resolver.possibleStrings(file, node);
      return possible?.size === 1 ? possible.values().next().value! : null;
    };
  }

  private scopeEntry(fi: SyntaxModel, file: string, scope: Node, at: Node, depth: number, visiting: Set<Node>): Path | null {
    const q: ScopeQuestion = this.question(depth, visiting, { fi, file, scope, at });
    for (const ask of this.hooks.scopeEntries) {
      const found = ask(q);
      if (found) return found;
    }
    return null;
  }

  /** What runs a module's top-level code: asked once per module (a file of 4,000 top-level calls asks for each). */
  private topLevelPaths(fi: SyntaxModel, file: string, depth: number, visiting: Set<Node>): Path[] {
    if (isTestFile(file)) return [excludedPath(file)];
    return this.guarded(fi.ast, depth, visiting, () => this.topLevelPathsUncached(fi, file, depth, visiting));
  }

  private topLevelPathsUncached(fi: SyntaxModel, file: string, depth: number, visiting: Set<Node>): Path[] {
    const q = this.question(depth, visiting, { fi, file });
    for (const ask of this.hooks.moduleEntries) {
      const found = ask(q);
      if (found) return ['effect' in found ? found : toPath(found, file)];
    }
    return [openPath(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.moduleLevel(file), file, 1, { moduleLevel: true })];
  }

  private functionPaths(file: string, fn: FunctionLike, depth: number, visiting: Set<Node>): Path[] {
    const span: Span = { file, range: fn.range };
    return this.guarded(fn, depth, visiting, () => this.functionPathsUncached(file, fn, depth, visiting).map((p) => ({ ...p, spans: [...(p.spans ?? []), span] })));
  }

  /**
   * Memoised, cycle-safe evaluation of the paths to a function (or to a value standing for one).
   * A result computed while a cycle was cut at a function further out lacks that function's paths:
   * it is right while that function is on the stack, not for a walk starting elsewhere. One the depth
   * limit cut short is right at the depth it was found at. Either is kept for as long as it is right.
   */
  guarded(key: Node, depth: number, visiting: Set<Node>, compute: () => Path[]): Path[] {
    const memo = this.pathMemo.get(key);
    if (memo) return memo;
    const partial = this.partialFor(key, depth);
    if (partial) {
      // Whoever uses it lacks what it lacks.
      for (const cut of partial.cuts) addCut(this.cuts, cut);
      if (partial.depth !== null) this.depthCut = true;
      return partial.paths;
    }
    if (visiting.has(key)) {
      addCut(this.cuts, this.stackIndex.get(key) ?? -1);
      return [];
    }
    if (depth > MAX_DEPTH) {
      this.depthCut = true;
      return [];
    }
    const index = this.stackSize++;
    const outerCuts = this.cuts;
    const outerDepthCut = this.depthCut;
    this.cuts = [];
    this.depthCut = false;
    visiting.add(key);
    this.stackIndex.set(key, index);
    let result: Path[];
    try {
      result = limitPaths(compute());
    } finally {
      visiting.delete(key);
      this.stackIndex.delete(key);
      this.stackSize--;
      this.dropBound(index);
    }
    // Cuts at this function or inside its walk are decided by now; those further out are not.
    const outside = this.cuts.filter((cut) => cut < index);
    const depthCut = this.depthCut;
    if (!this.outOfSteps && !this.settled) {
      if (outside.length === 0 && !depthCut) this.pathMemo.set(key, result);
      else if (!outside.includes(-1)) this.keepPartial(key, result, depthCut ? depth : null, outside);
    }
    // Settled: this function's paths are whole (kept above), the ones further out will not be.
    if (this.ruleWalks === 0 && !this.settled && result.some((p) => p.effect === 'user-waiting')) this.settled = true;
    this.cuts = outerCuts;
    for (const cut of outside) addCut(outerCuts, cut);
    this.depthCut = outerDepthCut || depthCut;
    return result;
  }

  private partialFor(key: Node, depth: number): PartialPaths | null {
    const partials = this.partialMemo.get(key);
    if (!partials) return null;
    for (const partial of partials) {
      // One that lacks a function further out is dropped when that function leaves the stack (dropBound).
      if (partial.depth === null || partial.depth === depth) return partial;
    }
    return null;
  }

  private keepPartial(key: Node, paths: Path[], depth: number | null, cuts: number[]): void {
    const at = cuts.length > 0 ? Math.max(...cuts) : -1;
    const partial: PartialPaths = { paths, depth, cuts, at };
    const partials = this.partialMemo.get(key);
    if (partials) partials.push(partial);
    else this.partialMemo.set(key, [partial]);
    if (at >= 0) (this.boundTo[at] ??= []).push(key);
  }

  /** The function at stack position `index` has left the stack: results that lacked it are no use any more. */
  private dropBound(index: number): void {
    const keys = this.boundTo[index];
    if (!keys) return;
    this.boundTo[index] = [];
    for (const key of keys) {
      const partials = this.partialMemo.get(key);
      if (!partials) continue;
      const kept = partials.filter((p) => p.at !== index);
      if (kept.length === 0) this.partialMemo.delete(key);
      else this.partialMemo.set(key, kept);
    }
  }

  private functionPathsUncached(file: string, fn: FunctionLike, depth: number, visiting: Set<Node>): Path[] {
    const fi = this.project.get(file)!;
    if (isTestFile(file) && !isEvalTask(fi, fn, this.project.moduleLookup)) return [excludedPath(file)];
    const name = functionName(fi, fn);
    const withStep = (paths: Path[]) => (name ? paths.map((p) => ({ ...p, steps: [...p.steps, name] })) : paths);
    const q = this.question(depth, visiting, { fi, file, fn, name });
    for (const ask of this.hooks.functionMarks) {
      const mark = ask(q);
      if (mark) return [toPath(mark, file)];
    }
    const self = fi.outermost(fn);
    const parent = fi.parents.get(self);
    // An immediately invoked function runs where it is written.
    if (parent?.type === T.CallExpression && parent.callee === self) return this.walkFrom(file, parent, depth + 1, visiting);
    // A callback handed to a call: a framework registration, or transparent (map, then, setTimeout ...).
    if (parent && (parent.type === T.CallExpression || parent.type === T.NewExpression) && parent.arguments.includes(self as never)) {
      const loop = loopAround(fi, file, parent, self);
      const paths = this.argumentPaths(file, parent, depth, visiting);
      return withStep(loop ? paths.map((p) => ({ ...p, loops: [...p.loops, loop] })) : paths);
    }
    // The function as the value of a property: `{ execute }`, `{ start(controller) { … } }`, `{ run }`.
    const prop = parent?.type === T.Property && parent.value === self ? parent : null;
    // A tool's `execute` runs inside the model call (or the agent's run) that is given the tool.
    const tool = prop ? toolOf(fi, prop) : null;
    if (tool) return withStep(this.values.heldPaths(file, tool, 'tool', 0, depth, visiting));
    // A Mastra workflow step's `execute` runs when the workflow it is added to runs.
    const mastraStep = prop ? mastraStepOf(fi, prop) : null;
    if (mastraStep) return withStep(this.values.heldPaths(file, mastraStep, 'step', 0, depth, visiting));
    // `new ReadableStream({ async start(controller) { … } })`: run where the stream is made.
    const stream = prop ? webStreamOf(fi, prop) : null;
    if (stream) return withStep(this.walkFrom(file, stream, depth + 1, visiting));
    // A handler inside an options object: Trigger.dev `task({ id, run })`, Fastify `route({ handler })` ...
    const option = prop ? this.optionPaths(file, prop, depth, visiting) : null;
    if (option) return withStep(option);
    for (const ask of this.hooks.functionEntries) {
      const found = ask(q);
      if (found) return found.step ? withStep([toPath(found.match, file)]) : [toPath(found.match, file)];
    }
    // Not exclusive: a processor kept in a registry may also be called by name.
    const traced: Path[] = [];
    for (const ask of this.hooks.functionPaths) pushAll(traced, ask(q) ?? []);
    // LangChain runs a model class's `_generate` when an instance of it is run (`model.invoke(…)`), a
    // Mastra agent its processors' `processInput` when it runs.
    const model = frameworkHookClass(fi, fn);
    if (model) pushAll(traced, this.constructors.instancePaths(file, model, depth, visiting, (f, made) => this.values.heldPaths(f, made, 'model', 0, depth, visiting)));

    // A constructor runs where its class, or a subclass, is instantiated.
    const cls = constructedClass(fi, fn);
    if (cls) return withStep(this.constructors.instantiationPaths(file, cls, depth, visiting));

    // A handler built by a factory (`router.post('/x', makeHandler(deps))`) is used where the factory's result is.
    const factory = returningFunction(fi, self);
    const made = factory ? this.factoryPaths(file, factory, depth, visiting) : null;
    if (made) return withStep(made);

    const exportNames = exportNamesOf(fi, fn, name);
    const byName = this.namedPaths(file, fn, name, exportNames, depth, visiting);
    // An override a base class runs through `this`; a registry that keeps the class (traced) already says
    // how it is run, more exactly than the base class's generic dispatch does.
    const overridden = name && traced.length === 0 ? this.graph.overrideUses(file, fn, name).flatMap((u) => this.usePaths(u, depth, visiting)) : [];
    // A method of an object literal is also used through the object (`export const { POST } = handlers`).
    const inObject = prop && fi.parents.get(prop)?.type === T.ObjectExpression && !optionCall(fi, prop);
    const stored = inObject ? this.memberPaths(file, prop, depth, visiting, false) : [];
    if (byName || stored.length > 0 || traced.length > 0 || overridden.length > 0) return withStep(traced.concat(byName ?? [], stored, overridden));
    // An object's function that nothing calls by name belongs to the call the object is handed to.
    const holder = prop ? optionCall(fi, prop) : null;
    if (holder) {
      // Handed to a function that gives it back as it is (`createCommand({ handler })`): used as the object is.
      const options = fi.outermost(fi.parents.get(prop!)!);
      if (holder.type === T.CallExpression && this.returnsArgument(fi, holder, options)) return withStep(this.memberPaths(file, prop!, depth, visiting));
      const key = propertyName(prop!.key, prop!.computed);
      return withStep(this.argumentPaths(file, holder, depth, visiting, key && EVENT_KEY.test(key) ? key : undefined));
    }
    for (const ask of this.hooks.functionFallbacks) {
      const found = ask(q);
      if (found) return withStep([toPath(found, file)]);
    }
    const label = name ? `\`${name}\`` : 'this function';
    const entry = exportNames.length > 0 ? NO_ENTRY_POINT.messages.exportedUncalled(label, file) : NO_ENTRY_POINT.messages.uncalled(label, file);
    return withStep([openPath(NO_ENTRY_POINT, entry, file, fn.loc.start.line)]);
  }

  /**
   * Paths through what a function (or a value standing for one) is known by: the file conventions of
   * its exports, then its uses in the workspace. Null when it has neither.
   */
  private namedPaths(file: string, value: Node, name: string | null, exportNames: string[], depth: number, visiting: Set<Node>, local?: (b: Binding) => boolean): Path[] | null {
    const fi = this.project.get(file)!;
    const paths: Path[] = [];
    const ctx = this.context(depth, visiting);
    for (const exportName of exportNames) pushAll(paths, this.conventionPaths(fi, file, exportName, value, ctx));
    if (paths.length > 0) return paths;
    // Not decisive: a Lambda handler no template maps may also be called in the workspace.
    const hints: Path[] = [];
    for (const exportName of exportNames) for (const hint of this.hooks.exportHints) pushAll(hints, hint(this.question(depth, visiting, { fi, file, exportName, value })));
    let found: Path[] = paths;
    let used = false;
    const uses = this.graph.eachUseOf(file, value, name, exportNames, local);
    for (let next = uses.next(); !next.done; next = uses.next()) {
      used = true;
      pushAll(found, this.usePaths(next.value, depth, visiting));
      // Many callers, each reached many ways: kept within bounds as they come, not only at the end.
      if (found.length > 8 * MAX_PATHS) found = limitPaths(found);
      // A person waits: no other caller changes the verdict, and the rest need not be parsed.
      if (this.settled) {
        if (!uses.next().done) this.cutShort = true;
        uses.return();
        break;
      }
    }
    pushAll(found, hints);
    return used || hints.length > 0 ? found : null;
  }

  /** The entry a file convention makes of an export: a route handler, a cron route, a server action, a Lambda handler. */
  private conventionPaths(fi: SyntaxModel, file: string, exportName: string, value: Node, ctx: RuleContext): Path[] {
    const q = questionOf(ctx, { fi, file, exportName, value });
    for (const ask of this.hooks.exportConventions) {
      const found = ask(q);
      if (found && found.length > 0) return found;
    }
    return [];
  }

  /** Conventions for a function kept in an exported object: SvelteKit actions, a Worker's `fetch`, `scheduled` and `queue`. */
  private memberConvention(fi: SyntaxModel, file: string, exportName: string, keys: string[], node: Node, depth: number, visiting: Set<Node>): Path[] {
    const q = this.question(depth, visiting, { fi, file, exportName, keys, node });
    for (const ask of this.hooks.memberConventions) {
      const found = ask(q);
      if (found) return Array.isArray(found) ? found : [found];
    }
    return [];
  }

  /** Paths to a function a factory returns: wherever a call of the factory hands on, stores or calls its result. Null when nothing calls the factory. */
  private factoryPaths(file: string, factory: FunctionLike, depth: number, visiting: Set<Node>): Path[] | null {
    const fi = this.project.get(file)!;
    const name = functionName(fi, factory);
    const uses = this.graph.usesOf(file, factory, name, exportNamesOf(fi, factory, name));
    const paths: Path[] = [];
    // The factory under another name (`const make = makeHandler`) is called under that name.
    for (let i = 0, expanded = 0; i < uses.length && expanded < 32; i++) {
      const use = uses[i];
      if (use.kind !== 'alias') continue;
      expanded++;
      const decl = use.node as TSESTree.VariableDeclarator;
      const target = bindingTarget(decl, use.name!);
      const afi = this.project.get(use.file);
      if (!target || !afi) continue;
      const renamed = this.graph.usesOf(use.file, target, use.name!, exportNamesOf(afi, target, use.name!), (b) => b.declarator === decl);
      uses.splice(i, 1);
      for (let j = 0; j < renamed.length; j++) uses.splice(i + j, 0, renamed[j]);
      i--;
    }
    for (const use of uses) {
      if (use.kind === 'call') pushAll(paths, this.resultPaths(use.file, use.node as TSESTree.CallExpression, depth, visiting));
      else if (use.kind === 'unparsed' || use.kind === 'unfollowed') pushAll(paths, this.usePaths(use, depth, visiting));
      // The factory itself handed on: whoever calls it makes the handler, and that is not traced.
      else paths.push(unfollowedPath(use.file, use.node.loc.start.line, UNFOLLOWED_REFERENCE.messages.factoryHandedOn(name ?? 'it')));
    }
    return paths.length > 0 ? paths : null;
  }

  /** Where the value a call returns goes, when that value is a function: handed to a call, called, stored or exported. */
  private resultPaths(file: string, call: TSESTree.CallExpression, depth: number, visiting: Set<Node>): Path[] {
    const fi = this.project.get(file)!;
    // `await makeHandler(…)`: an async factory's function is what the await gives.
    const self = valueOf(fi, call);
    const parent = fi.parents.get(self);
    if ((parent?.type === T.CallExpression || parent?.type === T.NewExpression) && parent.arguments.includes(self as never)) {
      return this.argumentPaths(file, parent, depth + 1, visiting);
    }
    if (parent?.type === T.CallExpression && parent.callee === self) return this.walkFrom(file, parent, depth + 1, visiting);
    if (parent?.type === T.Property && parent.value === self) {
      const option = this.optionPaths(file, parent, depth + 1, visiting);
      if (option) return option;
    }
    return this.boundPaths(fi, file, call, depth + 1, visiting, true) ?? [];
  }

  usePaths(use: Use, depth: number, visiting: Set<Node>): Path[] {
    const { via, ...plain } = use;
    if (via) return this.usePaths(plain, depth, visiting).map((p) => ({ ...p, steps: [...p.steps, via] }));
    const over = this.overBudget(use.file, use.node);
    if (over) return over;
    switch (use.kind) {
      case 'unparsed':
        return [unparsedPath(use.file, use.name ?? 'it', this.project.parseFailure(use.file) ?? 'a syntax error')];
      case 'unfollowed':
        return [unfollowedPath(use.file, use.node.loc.start.line, use.how ?? UNFOLLOWED_REFERENCE.messages.value(`${use.file}:${use.node.loc.start.line}`))];
      case 'entry':
        return [use.entry!];
      case 'member': {
        const tool = toolOf(this.project.get(use.file)!, use.node as TSESTree.Property);
        if (tool) return this.values.heldPaths(use.file, tool, 'tool', 0, depth + 1, visiting);
        return this.memberPaths(use.file, use.node as TSESTree.Property, depth + 1, visiting);
      }
      case 'alias':
        return this.aliasPaths(use.file, use.node as TSESTree.VariableDeclarator, use.name!, depth + 1, visiting);
      case 'element':
        return this.values.elementPaths(use.file, use.node as TSESTree.ArrayExpression, depth + 1, visiting);
      case 'value': {
        const next = classifyUse(this.project.get(use.file)!, use.file, use.node);
        if (!next) return [];
        // `const run = offline ? byRule : withModel`: the alias's walk is keyed on this same expression
        // (its initialiser), so guarding it here too would cut that walk as a cycle.
        if (next.kind === 'alias') return this.usePaths(next, depth + 1, visiting);
        return this.guarded(use.node, depth + 1, visiting, () => this.usePaths(next, depth + 1, visiting));
      }
      case 'jsx': {
        const attr = use.node as TSESTree.JSXAttribute;
        const prop = attr.name.type === T.JSXIdentifier ? attr.name.name : 'a prop';
        return [toPath({ rule: UI_COMPONENT, message: UI_COMPONENT.messages.jsxProp(prop, `${use.file}:${attr.loc.start.line}`), node: attr }, use.file)];
      }
      case 'argument':
        return this.argumentPaths(use.file, use.node as TSESTree.CallExpression, depth + 1, visiting);
      case 'option': {
        const prop = use.node as TSESTree.Property;
        const fi = this.project.get(use.file)!;
        // `tool({ description, inputSchema, execute: search })`: a function named as a tool's execute.
        const tool = toolOf(fi, prop);
        if (tool) return this.values.heldPaths(use.file, tool, 'tool', 0, depth + 1, visiting);
        const option = this.optionPaths(use.file, prop, depth + 1, visiting);
        if (option) return option;
        const call = optionCall(fi, prop);
        return call ? this.argumentPaths(use.file, call, depth + 1, visiting) : [];
      }
      default:
        return this.walkFrom(use.file, use.node, depth + 1, visiting);
    }
  }

  /**
   * A function in an options object handed to a call: a job definition (Inngest, Trigger.dev), an SQS
   * consumer, a registration that takes its handler by key, the nodes of a LangGraph graph. Null when
   * the call is none of these.
   */
  private optionPaths(file: string, prop: TSESTree.Property, depth: number, visiting: Set<Node>): Path[] | null {
    const fi = this.project.get(file)!;
    const call = optionCall(fi, prop);
    if (!call) return null;
    // `addNode({ tag: fn })`: a node runs when its graph does, whatever else reads that key.
    const node = this.graphNodes.nodePaths(file, call, depth, visiting);
    if (node) return node;
    const q = this.question(depth, visiting, { fi, file, call, prop, key: propertyName(prop.key, prop.computed), props: objectProps(fi.parents.get(prop)) });
    for (const ask of this.hooks.optionEntries) {
      const found = ask(q);
      if (found) return found;
    }
    return null;
  }

  /**
   * A function handed to `call`. The call may register it (a route, a worker, a schedule); or wrap it
   * (`asyncHandler(fn)`, `withAuth(fn)`), and then the wrapper's own call, the variable it is stored
   * in, or the export it becomes, decides.
   */
  argumentPaths(file: string, call: CallNode, depth: number, visiting: Set<Node>, eventKey?: string): Path[] {
    const fi = this.project.get(file)!;
    // Checked before the registrations: a stream read from a file emits 'data' as a socket does.
    const stream = fileStreamEvent(fi, file, call);
    if (stream) return this.walkFrom(file, call, depth + 1, visiting).map((p) => ({ ...p, loops: [...p.loops, stream] }));
    let receiving = call;
    for (;;) {
      // A LangGraph node, also when wrapped first (`addNode('a', RunnableLambda.from(fn))`, `new ToolNode(tools)`).
      const node = this.graphNodes.nodePaths(file, receiving, depth, visiting);
      if (node) return node;
      const entry = this.callEntryPaths(fi, file, receiving, depth, visiting);
      if (entry) return entry;
      const self = fi.outermost(receiving);
      const outer = fi.parents.get(self);
      if (!outer || (outer.type !== T.CallExpression && outer.type !== T.NewExpression) || !outer.arguments.includes(self as never)) break;
      receiving = outer;
    }
    const bound = this.boundPaths(fi, file, receiving, depth, visiting);
    if (bound) return bound;
    return this.handed.unknownCallPaths(fi, file, receiving, eventKey, depth, visiting);
  }

  /** The entry a call makes of the functions handed to it: a queue worker, a job, a registration. */
  private callEntryPaths(fi: SyntaxModel, file: string, call: CallNode, depth: number, visiting: Set<Node>): Path[] | null {
    const q = this.question(depth, visiting, { fi, file, call });
    for (const ask of this.hooks.callEntries) {
      const found = ask(q);
      if (found) return found;
    }
    return null;
  }

  /**
   * A wrapped function stored in a variable or exported (`const h = asyncHandler(fn)`,
   * `export const POST = withAuth(fn)`, `export default withAuth(handler)`): the value stands for the
   * function. Null when the value is neither stored nor exported, or is never used as a function.
   * `factoryResult`: the call is a factory's, so awaiting it gives the function too (`const h = await makeHandler(…)`).
   */
  private boundPaths(fi: SyntaxModel, file: string, wrapper: CallNode, depth: number, visiting: Set<Node>, factoryResult = false): Path[] | null {
    const callee = calleeName(wrapper);
    if (callee && INLINE_CALLBACKS.has(callee)) return null;
    // A factory's function is what awaiting its call gives; `await Promise.all(xs.map(fn))` gives no function.
    let value = factoryResult ? valueOf(fi, wrapper) : fi.outermost(wrapper);
    let holder = fi.parents.get(value);
    // `middy(base).use(parser)`: a chained call on a wrapped handler returns the handler.
    for (let outer = holder ? fi.parents.get(holder) : undefined; holder?.type === T.MemberExpression && holder.object === value && outer?.type === T.CallExpression && outer.callee === holder; outer = holder ? fi.parents.get(holder) : undefined) {
      value = fi.outermost(outer);
      holder = fi.parents.get(value);
    }
    let name: string | null = null;
    // `tools = { search: tool({ execute }) }`: the wrapped function is used through the object.
    if (holder?.type === T.Property && holder.value === value && fi.parents.get(holder)?.type === T.ObjectExpression && !optionCall(fi, holder)) {
      const stored = this.memberPaths(file, holder, depth, visiting);
      return stored.length > 0 ? stored : null;
    }
    if (holder?.type === T.VariableDeclarator && holder.id.type === T.Identifier) name = holder.id.name;
    else if (holder?.type !== T.ExportDefaultDeclaration && !commonJsExportName(fi, value)) return null;
    const found = this.guarded(value, depth, visiting, () => this.namedPaths(file, value, name, exportNamesOf(fi, value, name), depth, visiting) ?? []);
    return found.length > 0 ? found : null;
  }

  /**
   * Where a function stored in an object literal is used: through the object's variable or export and
   * the keys that lead to it (`toolImpls.summarize(…)`, `toolImpls[name](…)`, `const { POST } = handlers`),
   * or the call the object is handed to. A GraphQL type's map makes it a resolver.
   */
  private memberPaths(file: string, prop: TSESTree.Property, depth: number, visiting: Set<Node>, strict = true): Path[] {
    const fi = this.project.get(file)!;
    // Not strict: the function is an object's method, also looked up by name; an object that escapes
    // (returned, handed on) is left to that search.
    const escaped = (node: Node, how: string): Path[] => (strict ? [unfollowedPath(file, node.loc.start.line, how)] : []);
    return this.guarded(prop, depth, visiting, () => {
      const keys: string[] = [];
      let cur: TSESTree.Property = prop;
      for (;;) {
        const key = propertyName(cur.key, cur.computed);
        if (key === null) return escaped(cur, UNFOLLOWED_REFERENCE.messages.computedKey(`${file}:${cur.loc.start.line}`));
        keys.unshift(key);
        if (keys.length === 1) {
          const literal = fi.parents.get(cur);
          const discord = literal?.type === T.ObjectExpression ? matchDiscordModule(objectProps(literal), key, file, prop) : null;
          if (discord) return [toPath(discord, file)];
        }
        let obj = fi.outermost(fi.parents.get(cur)!);
        let holder = fi.parents.get(obj);
        // `export default createCommand({ … })` with `function createCommand(module) { return module; }`: the object itself.
        while (holder?.type === T.CallExpression && this.returnsArgument(fi, holder, obj)) {
          obj = fi.outermost(holder);
          holder = fi.parents.get(obj);
        }
        if (holder?.type === T.Property && holder.value === obj && fi.parents.get(holder)?.type === T.ObjectExpression && !optionCall(fi, holder)) {
          cur = holder;
          continue;
        }
        const resolver = graphqlField(file, keys, holder, prop);
        if (resolver) return [toPath(resolver, file)];
        if (holder?.type === T.VariableDeclarator && holder.init === obj && holder.id.type === T.Identifier) {
          const decl = holder;
          const name = holder.id.name;
          const exportNames = exportNamesOf(fi, obj, name);
          const conventions = exportNames.flatMap((e) => this.memberConvention(fi, file, e, keys, prop, depth, visiting));
          if (conventions.length > 0) return conventions;
          const refs = this.graph.bindingRefs(fi, file, name, (b) => b.declarator === decl, keys);
          for (const exportName of exportNames) pushAll(refs, this.graph.importedRefs(file, exportName, keys));
          return this.graph.refsToUses(refs).flatMap((u) => this.usePaths(u, depth, visiting));
        }
        if (holder?.type === T.ExportDefaultDeclaration) {
          const convention = this.memberConvention(fi, file, 'default', keys, prop, depth, visiting);
          if (convention.length > 0) return convention;
          return this.graph.refsToUses(this.graph.importedRefs(file, 'default', keys)).flatMap((u) => this.usePaths(u, depth, visiting));
        }
        if (holder?.type === T.Property && holder.value === obj) {
          const call = optionCall(fi, holder);
          if (call) return this.argumentPaths(file, call, depth, visiting);
        }
        if ((holder?.type === T.CallExpression || holder?.type === T.NewExpression) && holder.arguments.includes(obj as never)) {
          return this.argumentPaths(file, holder, depth, visiting);
        }
        // `[{ provider, applyFn: applyWithMorph }, …]`, looped over and `applyFn(…)` called.
        if (strict && holder?.type === T.ArrayExpression && holder.elements.includes(obj as never)) return this.values.keyedElementPaths(file, holder, keys, depth, visiting);
        return escaped(prop, UNFOLLOWED_REFERENCE.messages.inObject(`${file}:${obj.loc.start.line}`));
      }
    });
  }

  /**
   * Whether `call` is of a function of the workspace that returns the argument `arg` as it is given
   * (`function createCommand(module) { return module; }`, `(x) => x`), which typed configuration helpers do:
   * the call's value is the argument.
   */
  private returnsArgument(fi: SyntaxModel, call: TSESTree.CallExpression, arg: Node): boolean {
    const index = call.arguments.indexOf(arg as never);
    if (index < 0 || call.callee.type !== T.Identifier) return false;
    const defined = this.graph.definitionOf(fi, call.callee);
    const param = defined?.fn.params[index];
    if (!defined || param?.type !== T.Identifier) return false;
    const { model, fn } = defined;
    const only = fn.body.type === T.BlockStatement ? (fn.body.body.length === 1 && fn.body.body[0].type === T.ReturnStatement ? fn.body.body[0].argument : null) : fn.body;
    const returned = only ? unwrap(only) : null;
    return returned?.type === T.Identifier && model.bindingOf(returned) === model.bindingOf(param);
  }

  /** A value bound to another name (`const s = summarize`, `const { POST } = handlers`): that name's uses and exports. */
  private aliasPaths(file: string, decl: TSESTree.VariableDeclarator, name: string, depth: number, visiting: Set<Node>): Path[] {
    const fi = this.project.get(file)!;
    const target = bindingTarget(decl, name);
    if (!target) return [];
    return this.guarded(target, depth, visiting, () => {
      const matches = (b: Binding) => b.declarator === decl;
      const exportNames = new Set(exportNamesOf(fi, target, name));
      if (decl.id.type !== T.Identifier && isExported(fi, decl)) exportNames.add(name);
      return this.namedPaths(file, target, name, [...exportNames], depth, visiting, matches) ?? [];
    });
  }
}

/** A rule context's fields written out, then `extra`'s (see Walker.question). */
function questionOf<E extends object>(c: RuleContext, extra: E): RuleContext & E {
  return Object.assign({ project: c.project, hooks: c.hooks, stringOf: c.stringOf, possibleStrings: c.possibleStrings, evaluate: c.evaluate, walk: c.walk, importersOf: c.importersOf }, extra);
}

/** A result a limit cut short, and the state of the walk it is right for. */
interface PartialPaths {
  paths: Path[];
  /** The depth it was found at when the depth limit cut it; null when it did not. */
  depth: number | null;
  /** The stack positions further out that cycles were cut at. */
  cuts: number[];
  /** The deepest of those (the largest position), -1 for none: it is kept until the function there leaves the stack. */
  at: number;
}

function addCut(cuts: number[], cut: number): void {
  if (!cuts.includes(cut)) cuts.push(cut);
}

/** The value a call gives where it is used: the call, or the await around it (what an async factory's caller gets), with their type wrappers. */
function valueOf(fi: SyntaxModel, call: Node): Node {
  const self = fi.outermost(call);
  const parent = fi.parents.get(self);
  return parent?.type === T.AwaitExpression ? fi.outermost(parent) : self;
}
