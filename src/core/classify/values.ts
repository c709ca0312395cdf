// Values the walk follows to where they run, apart from the functions that hold a call: a function
// kept in an array (to the loop or call that runs each element), and a tool or an agent (to the model
// call or the agent run that is given it). Each answers in the walk's own paths (walker.ts).
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { textTest, type ProjectIndex } from '../project';
import { FunctionLike, isFunctionLike, propertyName } from '../syntax/nodes';
import type { SyntaxModel } from '../syntax/model';
import { visit, type Node } from '../parse/walk';
import type { CallGraph, Ref } from './graph';
import { classifyUse, commonJsExportName, exportNamesOf, optionCall, type Use } from './uses';
import { isValueReference } from './references';
import { AGENT_RUNS, AGENTS_KEY, isAgentMaker, isMastraCall, MODEL_RUNS, TOOLS_KEY, WORKFLOW_RUNS, workflowOfChain } from './tools';
import { agentChannels } from './rules/bots';
import { packagesAbove } from './rules/cli';
import { perInputLoop } from './rules/data';
import { HTTP_ROUTE_HANDLER } from './rules/httpServers';
import { entry } from './rules/rule';
import { graphMemberOf } from './rules/langgraph';
import { type Path, pushAll, toPath } from './path';
import { excludedPath, isTestFile } from './rules/calls';
import type { CallNode } from './rules/hooks';
import { CALL_CHAIN, unfollowedPath, UNFOLLOWED_REFERENCE } from './rules/reach';
import { functionName } from '../detect/detect';
import { describeCall, describeRef } from './rules/read';

/** Array methods that hand each element to their callback, before they return. */
const EACH_ELEMENT = new Set(['forEach', 'map', 'flatMap', 'filter', 'some', 'every', 'find']);

/** What the tool and agent flow follows: a tool, or an agent made with tools. */
/**
 * What a held value is: a tool (run by the model call given it), an agent, or a model instance of a
 * class of the workspace that LangChain runs (its `_generate` runs when the instance is invoked), a
 * Mastra workflow step, or a Mastra workflow.
 */
export type Held = 'tool' | 'agent' | 'model' | 'step' | 'workflow';

/** What these walks take of the walk they extend (the Walker). */
export interface WalkSteps {
  readonly project: ProjectIndex;
  readonly graph: CallGraph;
  /** The LLM calls detected in a file. */
  readonly llmCallsIn: (file: string) => readonly TSESTree.CallExpression[];
  guarded(key: Node, depth: number, visiting: Set<Node>, compute: () => Path[]): Path[];
  overBudget(file: string, node: Node): Path[] | null;
  usePaths(use: Use, depth: number, visiting: Set<Node>): Path[];
  walkFrom(file: string, node: Node, depth: number, visiting: Set<Node>): Path[];
  argumentPaths(file: string, call: CallNode, depth: number, visiting: Set<Node>, eventKey?: string): Path[];
  /** Every string a node of `file` may be (see Resolver.possibleStrings), or null for any. */
  possibleStrings(file: string, node: Node): Set<string> | null;
}

export class ValueWalk {
  /** Stand-in keys for the values the tool and agent flow follows, by node, then kind and depth in what holds them. */
  private readonly heldKeys = new WeakMap<Node, Map<string, Node>>();

  constructor(private readonly walk: WalkSteps) {}

  /**
   * Where a function kept in an array literal is called: the array is followed through its variable,
   * its exports, spreads into other arrays and aliases, to a loop over it that calls each element
   * (`for (const step of steps) await step(x)`, `checks.forEach((c) => c(x))`), an element read out
   * and called (`handlers[i](req)`), or a call the array is handed to (`evalite(…, { scorers })`),
   * which decides as it would for the function handed to it alone.
   */
  elementPaths(file: string, array: TSESTree.ArrayExpression, depth: number, visiting: Set<Node>): Path[] {
    return this.walk.guarded(array, depth, visiting, () => {
      const paths = this.heldArrayPaths(file, array, depth, visiting);
      const where = `${file}:${array.loc.start.line}`;
      return paths.length > 0 ? paths : [unfollowedPath(file, array.loc.start.line, UNFOLLOWED_REFERENCE.messages.arrayElement(where))];
    });
  }

  /**
   * Where a function kept under `keys` in objects that are elements of an array literal is called:
   * `const attempts = [{ provider, applyFn: applyWithMorph }, …]` then `for (const { applyFn } of
   * attempts) await applyFn(code)`, or `for (const a of attempts) a.applyFn(code)`, or the same through
   * `attempts.forEach((a) => …)`. The array is followed as elementPaths follows one of functions.
   */
  keyedElementPaths(file: string, array: TSESTree.ArrayExpression, keys: readonly string[], depth: number, visiting: Set<Node>): Path[] {
    return this.walk.guarded(this.standIn(array, `keyed:${keys.join('.')}`), depth, visiting, () => {
      const paths = this.heldArrayPaths(file, array, depth, visiting, keys);
      const where = `${file}:${array.loc.start.line}`;
      return paths.length > 0 ? paths : [unfollowedPath(file, array.loc.start.line, UNFOLLOWED_REFERENCE.messages.arrayElement(where))];
    });
  }

  /** What is done with an array that holds the function (under `keys` in its elements), given the literal or a reference to it (see elementPaths). */
  private heldArrayPaths(file: string, array: Node, depth: number, visiting: Set<Node>, keys: readonly string[] = []): Path[] {
    const over = this.walk.overBudget(file, array);
    if (over) return over;
    const fi = this.walk.project.get(file)!;
    const self = fi.outermost(array);
    const parent = fi.parents.get(self);
    const where = `${file}:${self.loc.start.line}`;
    switch (parent?.type) {
      case T.SpreadElement: {
        const outer = fi.parents.get(parent);
        if (outer?.type === T.ArrayExpression) return keys.length > 0 ? this.keyedElementPaths(file, outer, keys, depth + 1, visiting) : this.elementPaths(file, outer, depth + 1, visiting);
        break;
      }
      case T.VariableDeclarator: {
        if (parent.init !== self || parent.id.type !== T.Identifier) break;
        const decl = parent;
        const name = parent.id.name;
        const refs = this.walk.graph.bindingRefs(fi, file, name, (b) => b.declarator === decl, []);
        for (const exportName of exportNamesOf(fi, self, name)) pushAll(refs, this.walk.graph.importedRefs(file, exportName, []));
        return this.arrayRefPaths(refs, depth, visiting, keys);
      }
      case T.ExportDefaultDeclaration:
        return this.arrayRefPaths(this.walk.graph.importedRefs(file, 'default', []), depth, visiting, keys);
      case T.AssignmentExpression: {
        const exportName = commonJsExportName(fi, self);
        if (exportName) return this.arrayRefPaths(this.walk.graph.importedRefs(file, exportName, []), depth, visiting, keys);
        break;
      }
      case T.ForOfStatement: {
        const each = parent.right === self ? this.eachElementPaths(file, parent, parent.left, depth, visiting, keys) : [];
        if (each.length > 0) return each;
        break;
      }
      case T.MemberExpression: {
        if (parent.object !== self) break;
        const member = fi.outermost(parent);
        const call = fi.parents.get(member);
        const method = propertyName(parent.property, parent.computed);
        const callback = call?.type === T.CallExpression && call.callee === member ? call.arguments[0] : undefined;
        const each = method && EACH_ELEMENT.has(method) && callback && isFunctionLike(callback) ? this.eachElementPaths(file, call!, callback.params[0], depth, visiting, keys) : [];
        if (each.length > 0) return each;
        // `handlers[i](req)`: an element read out by index stands for the function.
        if (parent.computed && keys.length === 0) {
          const use = classifyUse(fi, file, parent);
          if (use) return this.walk.usePaths(use, depth, visiting);
        }
        break;
      }
      case T.CallExpression:
      case T.NewExpression:
      case T.Property: {
        const use = classifyUse(fi, file, self);
        if (use?.kind === 'argument' || use?.kind === 'option') return this.walk.usePaths(use, depth, visiting);
        break;
      }
    }
    const how = self.type === T.ArrayExpression ? UNFOLLOWED_REFERENCE.messages.arrayElement(where) : UNFOLLOWED_REFERENCE.messages.arrayRead(describeRef(self), where);
    return [unfollowedPath(file, self.loc.start.line, how)];
  }

  private arrayRefPaths(refs: readonly Ref[], depth: number, visiting: Set<Node>, keys: readonly string[]): Path[] {
    const paths: Path[] = [];
    for (const ref of refs) {
      if ('unfollowed' in ref) paths.push(unfollowedPath(ref.file, ref.node.loc.start.line, ref.unfollowed));
      else if ('alias' in ref || 'entry' in ref) paths.push(unfollowedPath(ref.file, ref.node.loc.start.line, UNFOLLOWED_REFERENCE.messages.value(`${ref.file}:${ref.node.loc.start.line}`)));
      else pushAll(paths, this.heldArrayPaths(ref.file, ref.node, depth, visiting, keys));
    }
    return paths;
  }

  /**
   * The uses of the name a loop over the array binds each element to (`for (const step of steps)`,
   * `steps.forEach((step) => …)`). That loop is left out of the paths: it goes over functions, once
   * each, not over the items of a collection.
   */
  private eachElementPaths(file: string, loop: Node, target: Node | undefined, depth: number, visiting: Set<Node>, keys: readonly string[] = []): Path[] {
    const fi = this.walk.project.get(file)!;
    let id = target?.type === T.VariableDeclaration ? target.declarations[0]?.id : target;
    let path = [...keys];
    // `for (const { applyFn } of attempts)`: the name the key is bound to.
    if (id?.type === T.ObjectPattern && path.length > 0) {
      const prop = id.properties.find((p): p is TSESTree.Property => p.type === T.Property && propertyName(p.key, p.computed) === path[0]);
      const value = prop?.value.type === T.AssignmentPattern ? prop.value.left : prop?.value;
      id = value;
      path = path.slice(1);
    }
    if (id?.type !== T.Identifier) return [];
    const bound = id;
    const paths: Path[] = [];
    for (const ref of this.walk.graph.bindingRefs(fi, file, bound.name, (b) => b.id === bound, path)) {
      const use = 'unfollowed' in ref || 'alias' in ref || 'entry' in ref ? null : classifyUse(fi, file, ref.node);
      if (use) pushAll(paths, this.walk.usePaths(use, depth, visiting));
    }
    const line = loop.loc.start.line;
    return paths.map((p) => ({ ...p, loops: p.loops.filter((l) => l.file !== file || l.line !== line) }));
  }

  /** A stand-in key for a value the tool and agent flow follows, memoised apart from the same node's paths as a function. */
  private heldKey(node: Node, kind: Held, bag: number): Node {
    return this.standIn(node, `${kind}:${bag}`);
  }

  /** A memo key standing for `node` followed as `label` says. */
  private standIn(node: Node, label: string): Node {
    let byLabel = this.heldKeys.get(node);
    if (!byLabel) this.heldKeys.set(node, (byLabel = new Map()));
    let key = byLabel.get(label);
    if (!key) byLabel.set(label, (key = Object.create(node) as Node));
    return key;
  }

  /**
   * Where a tool or an agent runs. A tool runs inside the model call given it (`streamText({ tools })`)
   * or inside the runs of an agent made with it (`new Agent({ tools })`); an agent runs where its
   * `generate`/`stream`/`invoke`… is called, inside the agent given it as a sub-agent, or for the chat
   * messages its channel adapters receive. The value is followed through what holds it: variables and
   * exports, objects it is put in by literal, spread or assignment (`bag` counts how deep), members read
   * back out, functions that return it, awaits and conditionals.
   */
  heldPaths(file: string, value: Node, kind: Held, bag: number, depth: number, visiting: Set<Node>): Path[] {
    return this.walk.guarded(this.heldKey(value, kind, bag), depth, visiting, () => this.heldPathsUncached(file, value, kind, bag, depth + 1, visiting));
  }

  private heldPathsUncached(file: string, value: Node, kind: Held, bag: number, depth: number, visiting: Set<Node>): Path[] {
    const over = this.walk.overBudget(file, value);
    if (over) return over;
    const fi = this.walk.project.get(file)!;
    if (isTestFile(file)) return [excludedPath(file)];
    const self = fi.outermost(value);
    const parent = fi.parents.get(self);
    const where = `${file}:${self.loc.start.line}`;
    const next = (n: Node, b = bag) => this.heldPaths(file, n, kind, b, depth, visiting);
    const unfollowed = (how: string) => [unfollowedPath(file, self.loc.start.line, how)];
    if (kind === 'agent' && (self.type === T.NewExpression || self.type === T.CallExpression)) {
      const chat = agentChannels(fi, self, file);
      if (chat) return [toPath(chat, file)];
    }
    switch (parent?.type) {
      case T.Property: {
        if (parent.value !== self) return [];
        const key = propertyName(parent.key, parent.computed);
        // `new Mastra({ workflows: { council } })`, `new Mastra({ agents: { support } })`: run where the app
        // asks for it by that key, and by Mastra's server.
        if ((kind === 'workflow' || kind === 'agent') && key !== null) {
          const mastra = registeringMastra(fi, parent, kind);
          if (mastra) return this.registeredPaths(kind, file, key, mastra, depth, visiting);
        }
        const call = optionCall(fi, parent);
        if (call && ((kind === 'tool' && key === TOOLS_KEY) || (kind === 'agent' && key === AGENTS_KEY))) return this.givenPaths(file, call, kind, depth, visiting);
        // An agent handed to a call (`createAgentUIStreamResponse({ agent })`) may be run by it, or kept.
        if (call) return kind !== 'tool' ? this.handedAgentPaths(file, call, depth, visiting) : unfollowed(UNFOLLOWED_REFERENCE.messages.handedUnder(describeCall(call), key ?? '[…]', where));
        const obj = fi.parents.get(parent);
        return obj?.type === T.ObjectExpression ? next(obj, bag + 1) : [];
      }
      case T.SpreadElement: {
        // `{ ...baseTools, extra }` holds what the spread object held, as deep.
        const holder = fi.parents.get(parent);
        if (holder?.type === T.ObjectExpression || holder?.type === T.ArrayExpression) return next(holder);
        return unfollowed(UNFOLLOWED_REFERENCE.messages.spread(where));
      }
      case T.ArrayExpression:
        return next(parent, bag + 1);
      case T.AwaitExpression:
      case T.LogicalExpression:
        return next(parent);
      case T.ConditionalExpression:
        return parent.test === self ? [] : next(parent);
      case T.ChainExpression:
        return next(parent);
      case T.MemberExpression: {
        if (parent.object !== self) return [];
        const outer = fi.parents.get(fi.outermost(parent));
        if (outer?.type === T.AssignmentExpression && outer.left === fi.outermost(parent)) return [];
        // A member of what holds it may be it: `tools.search`, `agents[name]`.
        if (bag > 0) return next(parent, bag - 1);
        const method = propertyName(parent.property, parent.computed);
        const called = outer?.type === T.CallExpression && outer.callee === fi.outermost(parent);
        const runs = method !== null && (kind === 'tool' || kind === 'step' ? method === 'execute' : (kind === 'agent' ? AGENT_RUNS : kind === 'model' ? MODEL_RUNS : WORKFLOW_RUNS).has(method));
        if (!called || !runs) return [];
        const step = CALL_CHAIN.messages.ranAt(describeCall(outer), `${file}:${outer.loc.start.line}`);
        // `graph.batch(inputs)` runs it once per input.
        const each = method === 'batch' ? perInputLoop(fi, file, outer) : null;
        return this.walk.walkFrom(file, outer, depth, visiting).map((p) => ({ ...p, steps: [...p.steps, step], loops: each ? [...p.loops, each] : p.loops }));
      }
      case T.VariableDeclarator: {
        if (parent.init !== self) return [];
        const decl = parent;
        const id = decl.id;
        if (id.type !== T.Identifier) return unfollowed(UNFOLLOWED_REFERENCE.messages.destructured(where));
        const refs = this.walk.graph.bindingRefs(fi, file, id.name, (b) => b.declarator === decl, []);
        for (const exportName of exportNamesOf(fi, self, id.name)) pushAll(refs, this.walk.graph.importedRefs(file, exportName, []));
        return this.heldRefPaths(refs, kind, bag, depth, visiting);
      }
      case T.AssignmentExpression: {
        if (parent.right !== self) return [];
        const exportName = commonJsExportName(fi, self);
        if (exportName) return this.heldRefPaths(this.walk.graph.importedRefs(file, exportName, []), kind, bag, depth, visiting);
        // `this.graph = builder.compile()`: what reads `this.graph` in the class has it.
        if (parent.left.type === T.MemberExpression && parent.left.object.type === T.ThisExpression) {
          const read = this.fieldPaths(file, parent.left, propertyName(parent.left.property, parent.left.computed), kind, bag, depth, visiting);
          if (read) return read;
        }
        // `tools.search = searchTool`: what `tools` holds now holds it.
        const target = parent.left.type === T.MemberExpression ? parent.left.object : parent.left;
        const holder = target.type === T.Identifier ? fi.resolve(target) : null;
        if (!holder || target.type !== T.Identifier) return unfollowed(UNFOLLOWED_REFERENCE.messages.assigned(describeRef(parent.left), where));
        const deeper = parent.left.type === T.MemberExpression ? bag + 1 : bag;
        const refs = fi.referencesOf(holder).map((node) => ({ file, node }));
        return this.heldRefPaths(refs, kind, deeper, depth, visiting);
      }
      case T.ReturnStatement:
      case T.ArrowFunctionExpression: {
        if (parent.type === T.ArrowFunctionExpression && parent.body !== self) return [];
        const fn = parent.type === T.ArrowFunctionExpression ? parent : returningFunction(fi, self);
        if (!fn) return [];
        const name = functionName(fi, fn);
        const uses = this.walk.graph.usesOf(file, fn, name, exportNamesOf(fi, fn, name));
        const paths: Path[] = [];
        for (const use of uses) {
          if (use.kind === 'call') pushAll(paths, this.heldPaths(use.file, use.node, kind, bag, depth, visiting));
          else if (use.kind === 'unparsed' || use.kind === 'unfollowed') pushAll(paths, this.walk.usePaths(use, depth, visiting));
          else paths.push(unfollowedPath(use.file, use.node.loc.start.line, UNFOLLOWED_REFERENCE.messages.returned(where)));
        }
        return paths.length > 0 ? paths : unfollowed(UNFOLLOWED_REFERENCE.messages.returned(where));
      }
      case T.PropertyDefinition: {
        // `private readonly graph = builder.compile()`, read as `this.graph`.
        if (parent.value !== self) return [];
        return this.fieldPaths(file, parent, propertyName(parent.key, parent.computed), kind, bag, depth, visiting) ?? unfollowed(UNFOLLOWED_REFERENCE.messages.value(where));
      }
      case T.ExportDefaultDeclaration:
        return this.heldRefPaths(this.walk.graph.importedRefs(file, 'default', []), kind, bag, depth, visiting);
      case T.CallExpression:
      case T.NewExpression: {
        if (parent.callee === self) return [];
        // A step (or a workflow, or a Mastra processor made a step) added to a workflow runs when the workflow does.
        if (kind === 'model' && isMastraCall(fi, parent, 'createStep')) return this.heldPaths(file, parent, 'step', 0, depth, visiting);
        const workflow = kind === 'step' || kind === 'workflow' ? workflowOfChain(fi, parent) : null;
        if (workflow) {
          const step = CALL_CHAIN.messages.stepOf(describeCall(parent), `${file}:${parent.loc.start.line}`);
          return this.heldPaths(file, workflow, 'workflow', 0, depth, visiting).map((p) => ({ ...p, steps: [...p.steps, step] }));
        }
        if (kind === 'step' || kind === 'workflow' || kind === 'tool') return unfollowed(UNFOLLOWED_REFERENCE.messages.handedTo(describeCall(parent), where));
        return this.handedAgentPaths(file, parent, depth, visiting);
      }
      default:
        return unfollowed(UNFOLLOWED_REFERENCE.messages.value(where));
    }
  }

  /**
   * A Mastra workflow or agent registered under `key` (`new Mastra({ workflows: { key } })`, `new Mastra({
   * agents: { key } })`): it runs where the app asks the Mastra instance for it (`mastra.getWorkflow('key')`
   * then a run, `mastra.getAgent('key').generate(…)`; a key Batchwise cannot read may be any). Asked for
   * where the walk finds no entry, that place is not known to be batch work. A package that serves its
   * Mastra instance (`mastra dev`, `mastra start`) also runs each registered workflow for its API's clients
   * (open), and answers each agent over HTTP (`/api/agents/:agentId/generate`, `/stream`): whoever sends
   * that request waits for the answer.
   */
  private registeredPaths(kind: 'workflow' | 'agent', file: string, key: string, mastra: CallNode, depth: number, visiting: Set<Node>): Path[] {
    const paths: Path[] = [];
    const [asks, method] = kind === 'workflow' ? [ASKS_FOR_WORKFLOW, 'getWorkflow'] : [ASKS_FOR_AGENT, 'getAgent'];
    for (const f of this.walk.project.filesPassing(asks)) {
      const gi = this.walk.project.get(f);
      if (!gi) continue;
      for (const call of gi.memberCalls(method)) {
        const asked = call.arguments[0] ? this.walk.possibleStrings(f, call.arguments[0]) : null;
        if (asked !== null && !asked.has(key)) continue;
        const step = CALL_CHAIN.messages.askedFor(kind, key, describeCall(call), `${f}:${call.loc.start.line}`);
        const runs = this.heldPaths(f, call, kind, 0, depth, visiting);
        if (runs.length === 0) paths.push(unfollowedPath(f, call.loc.start.line, UNFOLLOWED_REFERENCE.messages.value(`${f}:${call.loc.start.line}`)));
        for (const p of runs) paths.push({ ...p, steps: [...p.steps, step] });
      }
    }
    const served = packagesAbove(this.walk.project, file).find(({ pkg }) => Object.values(pkg.scripts).some((command) => MASTRA_SERVER.test(command)));
    if (!served) return paths;
    const where = `${file}:${mastra.loc.start.line}`;
    if (kind === 'workflow') paths.push(unfollowedPath(file, mastra.loc.start.line, UNFOLLOWED_REFERENCE.messages.mastraWorkflow(key, where)));
    else paths.push(toPath(entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.mastraAgent(key, where, served.dir ? `${served.dir}/package.json` : 'package.json'), mastra), file));
    return paths;
  }

  /**
   * A value kept in a field of the class around `at` (`this.graph = …`, `graph = …`): followed from each
   * read of `this.<key>` in that class. Null when `at` is in no class or the key is computed.
   */
  private fieldPaths(file: string, at: Node, key: string | null, kind: Held, bag: number, depth: number, visiting: Set<Node>): Path[] | null {
    const fi = this.walk.project.get(file)!;
    const cls = fi.classBodyOf(at);
    if (!cls || key === null) return null;
    const reads: Node[] = [];
    visit(cls, (n) => {
      if (n.type !== T.MemberExpression || n.object.type !== T.ThisExpression || propertyName(n.property, n.computed) !== key) return;
      const outer = fi.parents.get(n);
      if (!(outer?.type === T.AssignmentExpression && outer.left === n)) reads.push(n);
    });
    const paths: Path[] = [];
    for (const read of reads) pushAll(paths, this.heldPaths(file, read, kind, bag, depth, visiting));
    return paths;
  }

  /**
   * An agent handed to a call. A constructor or an agent maker makes something that holds it (a
   * supervisor's `subAgents`, a registry), followed in turn. A call whose result is awaited or returned
   * (`return createAgentUIStreamResponse({ agent })`, `await run(agent, input)`) runs it there. Any
   * other call may keep it for later: who runs it then is unknown.
   */
  private handedAgentPaths(file: string, call: CallNode, depth: number, visiting: Set<Node>): Path[] {
    const fi = this.walk.project.get(file)!;
    const self = fi.outermost(call);
    const parent = fi.parents.get(self);
    const where = `${file}:${call.loc.start.line}`;
    const step = CALL_CHAIN.messages.ranAt(describeCall(call), where);
    const withStep = (paths: Path[]) => paths.map((p) => ({ ...p, steps: [...p.steps, step] }));
    if (isAgentMaker(call)) return withStep(this.heldPaths(file, call, 'agent', 0, depth, visiting));
    // A compiled graph added to another as a node (a subgraph) runs when that graph does.
    if (graphMemberOf(fi, call)) return this.walk.argumentPaths(file, call, depth, visiting);
    const now = parent?.type === T.AwaitExpression || parent?.type === T.ReturnStatement || (parent?.type === T.ArrowFunctionExpression && parent.body === self);
    if (!now) return [unfollowedPath(file, call.loc.start.line, UNFOLLOWED_REFERENCE.messages.handedTo(describeCall(call), where))];
    return withStep(this.walk.walkFrom(file, call, depth, visiting));
  }

  /** The flow of a tool or agent from each reference to what holds it. */
  private heldRefPaths(refs: readonly Ref[], kind: Held, bag: number, depth: number, visiting: Set<Node>): Path[] {
    const paths: Path[] = [];
    for (const ref of refs) {
      if ('unfollowed' in ref) paths.push(unfollowedPath(ref.file, ref.node.loc.start.line, ref.unfollowed));
      else if ('alias' in ref || 'entry' in ref) paths.push(unfollowedPath(ref.file, ref.node.loc.start.line, UNFOLLOWED_REFERENCE.messages.value(`${ref.file}:${ref.node.loc.start.line}`)));
      else if (ref.node.type !== T.Identifier || isValueReference(this.walk.project.get(ref.file)!, ref.node)) pushAll(paths, this.heldPaths(ref.file, ref.node, kind, bag, depth, visiting));
    }
    return paths;
  }

  /**
   * A call given tools (or sub-agents) as an option: a model call runs them before it is done; an agent
   * made with them (`new Agent({ tools })`, `createReactAgent({ tools })`) runs them when it runs. Any
   * other call (an MCP server's, a framework's) is taken as one a function is handed to in its options:
   * it may keep them for a request or an event.
   */
  private givenPaths(file: string, call: CallNode, kind: Held, depth: number, visiting: Set<Node>): Path[] {
    const step = CALL_CHAIN.messages.givenTo(kind === 'tool' ? TOOLS_KEY : AGENTS_KEY, describeCall(call), `${file}:${call.loc.start.line}`);
    const paths = isAgentMaker(call)
      ? this.heldPaths(file, call, 'agent', 0, depth, visiting)
      : call.type === T.CallExpression && this.walk.llmCallsIn(file).includes(call)
        ? this.walk.walkFrom(file, call, depth, visiting)
        : this.walk.argumentPaths(file, call, depth, visiting);
    return paths.map((p) => ({ ...p, steps: [...p.steps, step] }));
  }
}

/** The function that returns `fn` (`return async (req, res) => …`, or an arrow whose body it is). */
export function returningFunction(fi: SyntaxModel, fn: Node): FunctionLike | null {
  const parent = fi.parents.get(fn);
  if (parent && isFunctionLike(parent) && parent.body === fn) return parent;
  if (parent?.type !== T.ReturnStatement) return null;
  let cur = fi.parents.get(parent);
  while (cur && !isFunctionLike(cur)) cur = fi.parents.get(cur);
  return cur ?? null;
}

/** A script that runs Mastra's own server. */
const MASTRA_SERVER = /\bmastra\s+(dev|start)\b/;

/** Files that ask a Mastra instance for a workflow, or an agent, by its key. */
const ASKS_FOR_WORKFLOW = textTest((text) => text.includes('getWorkflow'));
const ASKS_FOR_AGENT = textTest((text) => text.includes('getAgent'));

/** The `new Mastra({ workflows: { … } })` (or `{ agents: { … } }`) whose registry object holds `prop`, or null. */
function registeringMastra(fi: SyntaxModel, prop: TSESTree.Property, kind: 'workflow' | 'agent'): CallNode | null {
  const obj = fi.parents.get(prop);
  const holder = obj?.type === T.ObjectExpression ? fi.parents.get(fi.outermost(obj)) : undefined;
  if (holder?.type !== T.Property || propertyName(holder.key, holder.computed) !== `${kind}s`) return null;
  const call = optionCall(fi, holder);
  return call && isMastraCall(fi, call, 'Mastra') ? call : null;
}
