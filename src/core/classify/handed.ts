// A function handed to a call no rule knows: whether the call runs it now, as part of the caller, keeps it
// for an event, or hands it on to a call a rule does know (a wrapper of the workspace around a queue
// worker, a schedule, an HTTP action). Split from the walk (walker.ts), which asks it last.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import type { Binding, SyntaxModel } from '../syntax/model';
import { FunctionLike, isFunctionLike } from '../syntax/nodes';
import type { Node } from '../parse/walk';
import { optionCall } from './uses';
import type { WalkSteps } from './values';
import type { Path } from './path';
import { cliCommandHandler, COMMAND_LINE_INPUT } from './rules/cli';
import type { CallNode } from './rules/hooks';
import { LONG_RUNNING_SERVER } from './rules/httpServers';
import { NO_ENTRY_POINT } from './rules/reach';
import { calleeName, describeCall, describeRef } from './rules/read';

/** Callbacks that run where they are written, inside the code that receives them, not later for an event. */
export const INLINE_CALLBACKS = new Set(['map', 'forEach', 'flatMap', 'filter', 'reduce', 'some', 'every', 'find', 'then', 'catch', 'finally', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'pMap']);

/** Calls that run a callback before they are done with it even when their result is dropped: p-queue `add`, a transaction, a span. */
const RUNS_NOW = new Set(['add', 'addAll', 'limit', 'transaction', '$transaction', 'startActiveSpan', 'pRetry', 'retry', 'Promise',
  // Tracing contexts run the function inside them at once and return what it returns: OpenTelemetry's
  // `context.with(ctx, fn)`, Traceloop's `withWorkflow`/`withTask`/`withAgent`/`withTool`/`withAssociationProperties`,
  // Sentry's `startSpan`/`withScope`, Langfuse's `startActiveObservation`.
  'with', 'withWorkflow', 'withTask', 'withAgent', 'withTool', 'withAssociationProperties', 'startSpan', 'startSpanManual', 'withScope', 'withIsolationScope', 'startActiveObservation',
  // A test runner's suites and cases run as part of the run (an eval harness's vitest cases).
  'describe', 'it', 'test', 'suite', 'bench', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach']);
/** Method names that register a callback for events: `on('x', fn)`, `onText(re, fn)`, `subscribe(topic, fn)`, gRPC `addService`. */
const EVENT_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener', 'subscribe', 'psubscribe', 'addService', 'handle', 'action', 'hears', 'command']);
/** Option keys that hold an event handler: `{ onMessage }`, `{ eachMessage }`, `{ handleEvent }`. */
export const EVENT_KEY = /^(on[A-Z]|each[A-Z]|handle[A-Z]?)/;

/** The entries the walk knows a call or an option makes of a function (Walker's, asked by HandedWalk). */
export interface EntrySteps {
  /** A LangGraph node the call adds (see GraphNodeWalk.nodePaths), or null. */
  nodePaths(file: string, call: CallNode, depth: number, visiting: Set<Node>): Path[] | null;
  /** The entry a call makes of the functions handed to it (a queue worker, a job), or null. */
  callEntryPaths(fi: SyntaxModel, file: string, call: CallNode, depth: number, visiting: Set<Node>): Path[] | null;
  /** The entry a function in an options object handed to a call gets, or null. */
  optionPaths(file: string, prop: TSESTree.Property, depth: number, visiting: Set<Node>): Path[] | null;
}

export class HandedWalk {
  constructor(
    private readonly walk: WalkSteps,
    private readonly entries: EntrySteps,
  ) {}

  /**
   * A function handed to a call Batchwise has no rule for. A callback the call runs before it returns
   * (`pRetry(fn)`, `limit(fn)`, `.map(fn)`) runs where the call does. One it keeps for later, for an
   * event or a request (`bot.onText(re, fn)`, `client.on('message', fn)`, a registration whose result
   * is dropped), does not run as part of the code that registers it: a script's or schedule's entry
   * says nothing about who waits for it, so that path is open; in a file that starts a server or bot
   * it is taken as a handler (user-waiting).
   */
  unknownCallPaths(fi: SyntaxModel, file: string, call: CallNode, eventKey: string | undefined, depth: number, visiting: Set<Node>): Path[] {
    const handed = this.handedParameters(fi, call);
    const handedOn = handed && this.handedOnPaths(fi, call, handed, depth, visiting);
    if (handedOn) return handedOn;
    const callee = calleeName(call);
    const paths = this.walk.walkFrom(file, call, depth + 1, visiting);
    if (callee === 'setInterval') return paths.map((p) => ({ ...p, repeats: `\`setInterval(…)\` at ${file}:${call.loc.start.line}` }));
    if (callee && INLINE_CALLBACKS.has(callee)) return paths;
    // A project function that calls the function it is given in its own body (`runScript(main)`) runs it now, as part of the caller.
    if (handed && callsHandedNow(handed)) return paths;
    const label = `\`${describeCall(call)}\``;
    const where = `${file}:${call.loc.start.line}`;
    // A command's handler runs when the program parses its command line, as part of the program.
    const command = cliCommandHandler(fi, call);
    if (command) return paths.map((p) => ({ ...p, commandLine: COMMAND_LINE_INPUT.messages.runsAs(command, label, where) }));
    const deferred = eventKey !== undefined || isEventRegistration(call) || (resultDropped(fi, call) && !(callee && RUNS_NOW.has(callee)));
    // `app.listen(port, () => …)`: the callback runs once, when the server is listening, as start-up code does.
    const listening = callee === 'listen' && call.callee.type === T.MemberExpression;
    return paths.map((p) => {
      if (p.startup && listening) return { ...p, line: call.loc.start.line, entry: LONG_RUNNING_SERVER.messages.listening(label, where, p.file) };
      if (p.startup) {
        const { startup, ...rest } = p;
        return { ...rest, effect: 'user-waiting' as const, entry: LONG_RUNNING_SERVER.messages.handler(where, label, p.file, startup) };
      }
      if (p.moduleLevel && p.file === file && p.steps.length === 0) return { ...p, runByUnknown: true, line: call.loc.start.line, entry: NO_ENTRY_POINT.messages.handedToUnknownHere(label, where, p.file) };
      if (deferred && p.effect === 'batchable') {
        return { ...p, effect: 'open' as const, rule: NO_ENTRY_POINT, line: call.loc.start.line, file, runByUnknown: true, entry: NO_ENTRY_POINT.messages.handedToUnknownLater(label, where, p.file, p.entry) };
      }
      // Run as part of the caller, but by code Batchwise does not know, which may run it once per row of a
      // dataset (`client.experiment.run(task, { datasetSlug })`): not known to run once.
      return { ...p, repeats: p.repeats ?? `${label} at ${where}` };
    });
  }

  /**
   * A function of the workspace that hands on the function it is given to a call of its own that
   * Batchwise knows as an entry: `withErrors(fn)` whose body is `return httpAction(async (ctx, req) => fn(ctx, req))`,
   * `every(spec, job)` whose body is `cron.schedule(spec, () => job())`, `startWorker(name, fn)` whose
   * body is `new Worker(name, fn)`. The function runs where that entry runs it, whoever calls the
   * wrapper. Null unless every use of the parameter is such a hand-on, each to a call a rule knows: a
   * wrapper that also calls it, returns it, or hands it to code Batchwise does not know leaves the
   * function to the caller's side (unknownCallPaths), since the walk out of the wrapper would reach every
   * caller of the wrapper, not this one.
   */
  private handedOnPaths(fi: SyntaxModel, call: CallNode, handed: HandedParameters, depth: number, visiting: Set<Node>): Path[] | null {
    const { model, fn, bindings } = handed;
    /** Each use of the parameter: the call in the wrapper's own body that takes it, or takes the function (or the options holding it) that calls it. */
    const receivers: { call: CallNode; prop: TSESTree.Property | null }[] = [];
    const ownCall = (n: Node | undefined): n is CallNode => !!n && (n.type === T.CallExpression || n.type === T.NewExpression) && model.functionOf(n) === fn;
    for (const b of bindings) {
      for (const ref of model.referencesOf(b)) {
        const parent = model.parents.get(ref);
        if (ownCall(parent) && parent.arguments.includes(ref as never)) {
          receivers.push({ call: parent, prop: null });
          continue;
        }
        // `fn(…)` inside a function that is itself an argument of a call in the wrapper, or a value in an options object handed to one.
        const inner = parent?.type === T.CallExpression && parent.callee === ref ? model.functionOf(parent) : null;
        if (!inner || inner === fn) return null;
        const held = model.outermost(inner);
        const holder = model.parents.get(held);
        if (ownCall(holder) && holder.arguments.includes(held as never)) receivers.push({ call: holder, prop: null });
        else if (holder?.type === T.Property && holder.value === held) {
          const options = optionCall(model, holder);
          if (!ownCall(options ?? undefined)) return null;
          receivers.push({ call: options!, prop: holder });
        } else return null;
      }
    }
    if (receivers.length === 0) return null;
    const where = `${fi.file}:${call.loc.start.line}`;
    const found: Path[] = [];
    for (const { call: receiver, prop } of receivers) {
      const entry = prop
        ? this.entries.optionPaths(model.file, prop, depth + 1, visiting)
        : (this.entries.nodePaths(model.file, receiver, depth + 1, visiting) ?? this.entries.callEntryPaths(model, model.file, receiver, depth + 1, visiting));
      if (!entry) return null;
      const step = `handed to \`${describeRef(call.callee)}\` (${where}), which hands it to \`${describeCall(receiver)}\` at ${model.file}:${receiver.loc.start.line}`;
      for (const p of entry) found.push({ ...p, steps: [...p.steps, step] });
    }
    return found;
  }

  /**
   * The parameters of a function of the workspace (of this file, or imported from one) that `call` gives
   * a function to (a function written there, or a name), with the callee's model and declaration. Null
   * when the callee is no such function or is given none.
   */
  private handedParameters(fi: SyntaxModel, call: CallNode): HandedParameters | null {
    if (call.type !== T.CallExpression || call.callee.type !== T.Identifier) return null;
    const defined = this.walk.graph.definitionOf(fi, call.callee);
    if (!defined) return null;
    const { model, fn } = defined;
    const bindings: Binding[] = [];
    call.arguments.forEach((arg, i) => {
      const param = fn.params[i];
      const id = param?.type === T.AssignmentPattern ? param.left : param;
      const b = id?.type === T.Identifier && (isFunctionLike(arg) || arg.type === T.Identifier) ? model.bindingOf(id) : undefined;
      if (b) bindings.push(b);
    });
    return bindings.length > 0 ? { model, fn, bindings } : null;
  }
}

function isEventRegistration(call: CallNode): boolean {
  const name = calleeName(call);
  return name !== null && (EVENT_METHODS.has(name) || /^on[A-Z]/.test(name));
}

/** Is the call's result thrown away (`x.register(fn);`, `program.command('a').action(fn);`), so it cannot be what runs the callback now? */
function resultDropped(fi: SyntaxModel, call: Node): boolean {
  let value = fi.outermost(call);
  for (;;) {
    const parent = fi.parents.get(value);
    const outer = parent ? fi.parents.get(parent) : undefined;
    // A chained call (`.action(fn).option(…)`) hands its receiver on.
    if (parent?.type === T.MemberExpression && parent.object === value && outer?.type === T.CallExpression && outer.callee === parent) {
      value = fi.outermost(outer);
      continue;
    }
    return parent?.type === T.ExpressionStatement || (parent?.type === T.UnaryExpression && parent.operator === 'void');
  }
}

/** Parameters of a function of the workspace that a call gives functions to (see HandedWalk.handedParameters). */
interface HandedParameters {
  model: SyntaxModel;
  fn: FunctionLike;
  bindings: Binding[];
}

/**
 * Whether the function calls one of the parameters in its own body, not in a function it defines
 * (`export const runScript = (script) => { script().catch(…) }`): what it is handed runs now, as part
 * of the call, not later for an event.
 */
function callsHandedNow({ model, fn, bindings }: HandedParameters): boolean {
  return bindings.some((b) =>
    model.referencesOf(b).some((ref) => {
      const parent = model.parents.get(ref);
      return parent?.type === T.CallExpression && parent.callee === ref && model.functionOf(parent) === fn;
    }),
  );
}
