// Evals: files under evals/ or named *.eval.*, code a promptfoo config runs, and the tasks evalite,
// braintrust, vitest-evals, viteval and VoltAgent experiments run once per case, and the module-level
// code of a file that defines such an eval.
import { parse as parseYaml } from 'yaml';
import { AST_NODE_TYPES as T } from '../../parse/parse';
import type { ProjectIndex } from '../../project';
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

/** The entry call's text (`evalite.each(…)(…)`) when `call` is an eval runner's entry call, else null. */
function evalRunnerCall(fi: CallQuestion['fi'], call: CallNode): string | null {
  if (call.type !== T.CallExpression) return null;
  let callee = call.callee;
  let member: string | undefined;
  // `evalite.each([...])('name', opts)`: the call of what `evalite.each(…)` returns.
  if (callee.type === T.CallExpression && callee.callee.type === T.MemberExpression && !callee.callee.computed && callee.callee.property.type === T.Identifier) {
    member = callee.callee.property.name;
    callee = callee.callee.object;
  }
  if (callee.type !== T.Identifier) return null;
  const b = fi.resolve(callee)?.import;
  if (!b || !EVAL_RUNNERS.some((r) => r.source === b.source && r.name === b.imported && r.member === member)) return null;
  return member ? `${callee.name}.${member}(…)(…)` : `${callee.name}(…)`;
}

/**
 * A function kept in the options an eval runner's entry call is given (`evalite('x', { task })`):
 * what it returns goes to the runner (a stream it drains for scoring), not to a person. Null when not.
 */
export function evalRunnerOption(fi: FunctionQuestion['fi'], fn: FunctionQuestion['fn']): string | null {
  const prop = fi.parents.get(fi.outermost(fn));
  const options = prop?.type === T.Property && prop.value === fi.outermost(fn) ? fi.parents.get(prop) : undefined;
  const call = options?.type === T.ObjectExpression ? fi.parents.get(options) : undefined;
  return call?.type === T.CallExpression && call.arguments.includes(options as never) ? evalRunnerCall(fi, call) : null;
}

/** `evalite('x', { task })`, braintrust `Eval(…)`, viteval `evaluate(…)`: the task is eval work. */
export function evalRunner(q: CallQuestion): Path[] | null {
  const runner = evalRunnerCall(q.fi, q.call);
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
    const runner = evalRunnerCall(q.fi, call);
    if (runner) return entry(EVAL_HARNESS, EVAL_HARNESS.messages.defines(q.file, runner, call.loc.start.line), q.fi.ast);
  }
  return null;
}
