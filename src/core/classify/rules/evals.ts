// Evals: files under evals/ or named *.eval.*, code a promptfoo config runs, and the tasks evalite,
// braintrust (its Eval and its node:test suites), vitest-evals, viteval and VoltAgent experiments run
// once per case, and the module-level code of a file that defines such an eval.
import { parse as parseYaml } from 'yaml';
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import type { ProjectIndex } from '../../project';
import { resolveExport, type ModuleLookup } from '../../syntax/modules';
import { Path, toPath } from '../path';
import type { CallNode, CallQuestion, FunctionQuestion, ModuleQuestion } from './hooks';
import { defineRule, entry, EntryMatch } from './rule';

export const EVAL_HARNESS = defineRule({
  id: 'eval-harness',
  effect: 'batchable',
  title: 'An eval harness',
  configFiles: ['promptfooconfig.yaml', 'promptfooconfig.yml'],
  messages: {
    file: (file: string) => `an eval harness (${file})`,
    promptfoo: (file: string) => `code a promptfoo config runs (${file})`,
    runner: (runner: string, where: string) => `an eval task run by \`${runner}\` at ${where}`,
    defines: (file: string, runner: string, line: number) => `module-level code of ${file}, which defines an eval with \`${runner}\` (line ${line}): the eval's runner loads it`,
  },
});

export const RULES = [EVAL_HARNESS] as const;

export function isEvalFile(file: string): boolean {
  return /(^|\/)evals?\//.test(file) || /\.eval\.[cm]?[jt]sx?$/.test(file);
}

/** Source files a promptfoo config names with file:// (custom providers, prompt functions): eval harness code. */
export function readPromptfooFiles(files: readonly string[], read: (p: string) => string | undefined, resolve: (from: string, spec: string) => string | null): Set<string> {
  const out = new Set<string>();
  for (const file of files) {
    if (!/(^|\/)promptfooconfig\.ya?ml$/.test(file)) continue;
    let doc: unknown;
    try {
      doc = parseYaml(read(file) ?? '');
    } catch {
      continue;
    }
    const refs: string[] = [];
    const collect = (v: unknown) => {
      if (typeof v === 'string' && v.startsWith('file://')) refs.push(v.slice('file://'.length).split(':')[0]);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(doc);
    for (const ref of refs) {
      const target = resolve(file, ref.startsWith('.') ? ref : './' + ref);
      if (target) out.add(target);
    }
  }
  return out;
}

const promptfooByProject = new WeakMap<ProjectIndex, Set<string>>();

function promptfooFiles(project: ProjectIndex): Set<string> {
  let found = promptfooByProject.get(project);
  if (!found) {
    found = readPromptfooFiles(project.source.configFiles ?? [], (p) => project.configText(p), (from, spec) => project.resolveImport(from, spec));
    promptfooByProject.set(project, found);
  }
  return found;
}

/** Module-level code of an eval file. */
export function evalFile(q: ModuleQuestion): EntryMatch | null {
  return isEvalFile(q.file) ? entry(EVAL_HARNESS, EVAL_HARNESS.messages.file(q.file), q.fi.ast) : null;
}

/** A function nothing calls, in an eval file or in code a promptfoo config runs: the harness runs it. */
export function evalFunction(q: FunctionQuestion): EntryMatch | null {
  if (promptfooFiles(q.project).has(q.file)) return entry(EVAL_HARNESS, EVAL_HARNESS.messages.promptfoo(q.file), q.fn);
  return isEvalFile(q.file) ? entry(EVAL_HARNESS, EVAL_HARNESS.messages.file(q.file), q.fn) : null;
}

/**
 * Eval frameworks' entry calls, by the package they are imported from: the functions handed to them
 * (a task, a scorer, a dataset generator) run once per case of the eval, with nobody waiting.
 * `member` is a method of the export that returns the entry call (`evalite.each(variants)(name, opts)`).
 */
const EVAL_RUNNERS: readonly { source: string; name: string; member?: string }[] = [
  { source: 'evalite', name: 'evalite' },
  { source: 'evalite', name: 'evalite', member: 'each' },
  { source: 'braintrust', name: 'Eval' },
  { source: 'vitest-evals', name: 'describeEval' },
  { source: 'viteval', name: 'evaluate' },
  // A dataset's `data()` generates the eval's cases, run by `viteval data`.
  { source: 'viteval/dataset', name: 'defineDataset' },
  { source: '@voltagent/evals', name: 'createExperiment' },
];

/**
 * Eval suites a test runner runs: `suite.eval(case, task)`, `suite` made by the maker imported under
 * `name`, runs the task once per case. From the package, or from the package's own source (its
 * examples import the maker by a relative path).
 */
const EVAL_SUITES: readonly { source: string; name: string; method: string }[] = [
  // braintrust's node:test wrapper: test('x', suite.eval({ input, scorers }, task)) in a *.test.ts file.
  { source: 'braintrust', name: 'initNodeTestSuite', method: 'eval' },
];

/** `suite.eval(…)` when `suite` is made by an eval suite maker (EVAL_SUITES); the call's text, else null. */
function evalSuiteCall(fi: CallQuestion['fi'], call: TSESTree.CallExpression): string | null {
  const callee = call.callee;
  if (callee.type !== T.MemberExpression || callee.computed || callee.property.type !== T.Identifier || callee.object.type !== T.Identifier) return null;
  const method = callee.property.name;
  const made = fi.resolve(callee.object)?.declarator?.init;
  if (made?.type !== T.CallExpression || made.callee.type !== T.Identifier) return null;
  const maker = fi.resolve(made.callee)?.import;
  const known = maker && EVAL_SUITES.some((s) => s.name === maker.imported && s.method === method && (maker.source === s.source || maker.source.startsWith('.')));
  return known ? `${callee.object.name}.${method}(…)` : null;
}

/**
 * Whether `fn` is a task handed to an eval runner's entry call or an eval suite's case: eval work even
 * in a test file (a suite run by `node --test` is an eval, not a unit test of the code).
 */
export function isEvalTask(fi: CallQuestion['fi'], fn: TSESTree.Node, module?: ModuleLookup): boolean {
  const self = fi.outermost(fn);
  const call = fi.parents.get(self);
  return call?.type === T.CallExpression && call.arguments.includes(self as never) && evalRunnerCall(fi, call, module) !== null;
}

/** The entry call's text (`evalite.each(…)(…)`) when `call` is an eval runner's entry call, else null. */
function evalRunnerCall(fi: CallQuestion['fi'], call: CallNode, module?: ModuleLookup): string | null {
  if (call.type !== T.CallExpression) return null;
  const suite = evalSuiteCall(fi, call);
  if (suite) return suite;
  let callee = call.callee;
  let member: string | undefined;
  // `evalite.each([...])('name', opts)`: the call of what `evalite.each(…)` returns.
  if (callee.type === T.CallExpression && callee.callee.type === T.MemberExpression && !callee.callee.computed && callee.callee.property.type === T.Identifier) {
    member = callee.callee.property.name;
    callee = callee.callee.object;
  }
  if (callee.type !== T.Identifier) return null;
  const b = fi.resolve(callee)?.import;
  const origin = b && (module ? runnerOrigin(module, fi.file, b) : b);
  if (!origin || !EVAL_RUNNERS.some((r) => r.source === origin.source && r.name === origin.imported && r.member === member)) return null;
  return member ? `${callee.name}.${member}(…)(…)` : `${callee.name}(…)`;
}

/**
 * The package export an import of the workspace stands for: `import { Eval } from '../braintrust'`, where
 * that module does `export * from 'braintrust'` (or `export { Eval } from 'braintrust'`), is braintrust's
 * `Eval`. The import itself when it names a package or leads nowhere Batchwise can read.
 */
function runnerOrigin(module: ModuleLookup, file: string, b: { source: string; imported: string }): { source: string; imported: string } {
  // Only a runner's name is looked for: other imports are not followed (that would parse their modules).
  if (!EVAL_RUNNERS.some((r) => r.name === b.imported)) return b;
  const target = module(file, b.source);
  if (!target) return b;
  const found = resolveExport(module, target, b.imported, (source, name) => EVAL_RUNNERS.some((r) => r.source === source && r.name === name));
  return found?.kind === 'external' ? { source: found.source, imported: found.imported } : b;
}

/**
 * A function kept in the options an eval runner's entry call is given (`evalite('x', { task })`):
 * what it returns goes to the runner (a stream it drains for scoring), not to a person. Null when not.
 */
export function evalRunnerOption(fi: FunctionQuestion['fi'], fn: FunctionQuestion['fn'], module?: ModuleLookup): string | null {
  const prop = fi.parents.get(fi.outermost(fn));
  const options = prop?.type === T.Property && prop.value === fi.outermost(fn) ? fi.parents.get(prop) : undefined;
  const call = options?.type === T.ObjectExpression ? fi.parents.get(options) : undefined;
  return call?.type === T.CallExpression && call.arguments.includes(options as never) ? evalRunnerCall(fi, call, module) : null;
}

/** `evalite('x', { task })`, braintrust `Eval(…)`, viteval `evaluate(…)`: the task is eval work. */
export function evalRunner(q: CallQuestion): Path[] | null {
  const runner = evalRunnerCall(q.fi, q.call, q.project.moduleLookup);
  if (!runner) return null;
  return [toPath(entry(EVAL_HARNESS, EVAL_HARNESS.messages.runner(runner, `${q.file}:${q.call.loc.start.line}`), q.call), q.file)];
}

/**
 * Module-level code of a file that defines an eval at its top level (`evalite(…)`, `export default
 * createExperiment(…)`): the eval's runner loads the file, so what it does at the top (building
 * scorers, a judge) is eval work too.
 */
export function evalDefinitionFile(q: ModuleQuestion): EntryMatch | null {
  for (const stmt of q.fi.ast.body) {
    const expr = stmt.type === T.ExpressionStatement ? stmt.expression : stmt.type === T.ExportDefaultDeclaration ? stmt.declaration : null;
    const call = expr?.type === T.AwaitExpression ? expr.argument : expr;
    if (call?.type !== T.CallExpression) continue;
    const runner = evalRunnerCall(q.fi, call, q.project.moduleLookup);
    if (runner) return entry(EVAL_HARNESS, EVAL_HARNESS.messages.defines(q.file, runner, call.loc.start.line), q.fi.ast);
  }
  return null;
}
