// Evals: files under evals/ or named *.eval.*, code a promptfoo config runs, and the tasks evalite,
// braintrust and vitest-evals run once per case.
import { parse as parseYaml } from 'yaml';
import { AST_NODE_TYPES as T } from '../../parse/parse';
import type { ProjectIndex } from '../../project';
import { Path, toPath } from '../path';
import type { CallQuestion, FunctionQuestion, ModuleQuestion } from './hooks';
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
    found = readPromptfooFiles(project.source.configFiles ?? [], (p) => project.text(p), (from, spec) => project.resolveImport(from, spec));
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

/** Eval frameworks' entry calls (package → export): the task they are given runs once per case of the eval. */
const EVAL_RUNNERS: Record<string, string[]> = { evalite: ['evalite'], braintrust: ['Eval'], 'vitest-evals': ['describeEval'] };

/** `evalite('x', { task })`, braintrust `Eval(…)`: the task is eval work. */
export function evalRunner(q: CallQuestion): Path[] | null {
  const { call, fi } = q;
  if (call.type !== T.CallExpression || call.callee.type !== T.Identifier) return null;
  const b = fi.resolve(call.callee)?.import;
  if (!b || !EVAL_RUNNERS[b.source]?.includes(b.imported)) return null;
  return [toPath(entry(EVAL_HARNESS, EVAL_HARNESS.messages.runner(`${call.callee.name}(…)`, `${q.file}:${call.loc.start.line}`), call), q.file)];
}
