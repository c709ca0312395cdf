// Where the walk asks the rule families, and what it tells them. A family answers at the places it
// knows (a call a function is handed to, an export's file convention, module-level code…); the
// registry (rules/index.ts) lists the answers in the order they are asked.
import type { TSESTree } from '../../parse/parse';
import type { ProjectIndex } from '../../project';
import type { Value } from '../../detect/resolve';
import type { SyntaxModel } from '../../syntax/model';
import type { FunctionLike, Node } from '../../syntax/nodes';
import type { Path } from '../path';
import type { EntryMatch, StringOf } from './rule';

/** What the walk offers a family while it asks. */
export interface RuleContext {
  readonly project: ProjectIndex;
  /** Every family's answers, for a family that asks the others (a server's file registers their handlers). */
  readonly hooks: Hooks;
  /** Reads a constant string of `file` (a route path, a queue name): the one string it is, or null. */
  stringOf(file: string): StringOf;
  /** Every string an expression of `file` may be (both branches of a conditional), or null for any. */
  possibleStrings(file: string, node: Node): Set<string> | null;
  /** What an expression of `file` evaluates to, as far as static reading can tell. */
  evaluate(file: string, node: Node): Value | null;
  /** The paths from entry points to `node` of `file`, one call further out (a job's producer, a poller). */
  walk(file: string, node: Node): Path[];
  /** Files that import `file`. */
  importersOf(file: string): readonly string[];
}

export type CallNode = TSESTree.CallExpression | TSESTree.NewExpression;

/** Module-level code of a file: how the file itself is run. */
export interface ModuleQuestion extends RuleContext {
  readonly fi: SyntaxModel;
  readonly file: string;
}

/** A function, by what it is: its directives, decorators, name, body. */
export interface FunctionQuestion extends ModuleQuestion {
  readonly fn: FunctionLike;
  readonly name: string | null;
}

/** A call a function is handed to (directly, or inside an options object). */
export interface CallQuestion extends ModuleQuestion {
  readonly call: CallNode;
}

/** A function under `key` of an options object handed to a call. */
export interface OptionQuestion extends CallQuestion {
  readonly prop: TSESTree.Property;
  /** The property's key (null when computed). */
  readonly key: string | null;
  /** The options object's properties. */
  readonly props: ReadonlyMap<string, Node>;
}

/** A value a module exports under `exportName` (`value` is the exported node, for its line). */
export interface ExportQuestion extends ModuleQuestion {
  readonly exportName: string;
  readonly value: Node;
}

/** A function kept in an exported object, under `keys` from the export. */
export interface MemberQuestion extends ModuleQuestion {
  readonly exportName: string;
  readonly keys: readonly string[];
  readonly node: Node;
}

/** The code before the call inside one scope (a function body, the module): what a person typed there. */
export interface ScopeQuestion extends ModuleQuestion {
  readonly scope: Node;
  readonly at: Node;
}

/** A function's own entry: `step` says whether its name joins the path's chain of calls. */
export interface FunctionEntry {
  match: EntryMatch;
  step: boolean;
}

/** The places the walk asks, each an ordered list of answers; the first that answers decides. */
export interface Hooks {
  /** How module-level code is run: a server's start-up, an npm script, a shebang… */
  moduleEntries: readonly ((q: ModuleQuestion) => Path | EntryMatch | null)[];
  /** A read of what a person types earlier in the same scope. */
  scopeEntries: readonly ((q: ScopeQuestion) => Path | null)[];
  /** Marks on the function itself, asked before how it is used: a 'use server' directive. */
  functionMarks: readonly ((q: FunctionQuestion) => EntryMatch | null)[];
  /** What the function is, asked when it is not handed to a call: a decorated handler, a resolver, a component. */
  functionEntries: readonly ((q: FunctionQuestion) => FunctionEntry | null)[];
  /** Paths a family traces itself, besides the function's uses: a job processor kept in a registry under its job's name. */
  functionPaths: readonly ((q: FunctionQuestion) => Path[])[];
  /** Asked last, when nothing uses the function: an eval harness's file. */
  functionFallbacks: readonly ((q: FunctionQuestion) => EntryMatch | null)[];
  /** A call that registers the functions handed to it: a route, a worker, a schedule, a hook. */
  callEntries: readonly ((q: CallQuestion) => Path[] | null)[];
  /** A function in an options object: a job definition, a consumer, a route's handler. */
  optionEntries: readonly ((q: OptionQuestion) => Path[] | null)[];
  /** An export's file conventions: a route file, a scheduled function, a Lambda handler. */
  exportConventions: readonly ((q: ExportQuestion) => Path[] | null)[];
  /** What an export may also be, without deciding (a Lambda handler no template maps). */
  exportHints: readonly ((q: ExportQuestion) => Path[])[];
  /** Conventions for a function kept in an exported object (a Worker's `fetch`, SvelteKit actions). */
  memberConventions: readonly ((q: MemberQuestion) => Path | Path[] | null)[];
  /** Registrations of a handler by a call, as one file's server or bot code makes them. */
  registrations: readonly ((call: CallNode, file: string, stringOf: StringOf, fi?: SyntaxModel) => EntryMatch | null)[];
}
