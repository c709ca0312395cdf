// Reads of what a person types at a terminal: `rl.question('> ')`, inquirer/clack/prompts prompts,
// `for await (const line of rl)` over stdin, `rl.on('line', fn)`. A call made after one, in the same
// run of the code, answers that person, who waits at the prompt.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { visit, type Node } from '../../parse/walk';
import { propertyName } from '../../syntax/nodes';
import type { SyntaxModel } from '../../syntax/model';
import type { Path } from '../path';
import { isTestFile } from './calls';
import type { CallQuestion, ScopeQuestion } from './hooks';
import { describeCall } from './read';
import { defineRule } from './rule';

export const INTERACTIVE_PROMPT = defineRule({
  id: 'interactive-prompt',
  effect: 'user-waiting',
  title: 'Answers what a person types at a terminal prompt',
  messages: {
    typed: (what: string, where: string) => `it answers what a person types: ${what} at ${where} waits for their input, and they wait for the answer`,
    lines: (call: string, where: string) => `it answers what a person types: \`${call}\` at ${where} handles each line typed on stdin, and they wait for the answer`,
    question: (receiver: string, method: string) => `\`${receiver}.${method}(…)\``,
    prompt: (name: string) => `\`${name}.prompt(…)\``,
    promptFunction: (name: string, source: string) => `\`${name}(…)\` from ${source}`,
    forAwait: () => 'lines typed on stdin (`for await … of` a readline interface)',
  },
});

export const RULES = [INTERACTIVE_PROMPT] as const;

export interface PromptRead {
  node: Node;
  /** What reads the input, in words: "`rl.question(…)`". */
  what: string;
}

/** Packages whose functions ask a person a question and return the answer. */
const PROMPT_PACKAGES = /^(@inquirer\/prompts|inquirer|@clack\/prompts|prompts|enquirer|readline-sync)$/;
const PREFILTER = /readline|inquirer|@clack\/prompts|['"]prompts['"]|enquirer|process\.stdin|\bstdin\b/;

const memo = new WeakMap<SyntaxModel, PromptRead[]>();

/** Every read of terminal input in the file, in source order; kept with its parse. */
export function promptReads(fi: SyntaxModel): PromptRead[] {
  const known = memo.get(fi);
  if (known) return known;
  const out: PromptRead[] = [];
  if (PREFILTER.test(fi.text)) {
    visit(fi.ast, (node) => {
      if (node.type === T.CallExpression) {
        const what = promptCall(fi, node);
        if (what) out.push({ node, what });
      } else if (node.type === T.ForOfStatement && node.await && isStdinLines(fi, node.right)) {
        out.push({ node, what: INTERACTIVE_PROMPT.messages.forAwait() });
      }
    });
  }
  memo.set(fi, out);
  return out;
}

/** The read of terminal input that comes before `at` inside `scope` (a function body or the program). */
export function promptBefore(fi: SyntaxModel, scope: Node, at: Node): PromptRead | null {
  for (const read of promptReads(fi)) {
    if (read.node.range[0] >= scope.range[0] && read.node.range[1] <= scope.range[1] && read.node.range[0] < at.range[0]) return read;
  }
  return null;
}

function promptCall(fi: SyntaxModel, call: TSESTree.CallExpression): string | null {
  const callee = call.callee;
  if (callee.type === T.MemberExpression) {
    const method = propertyName(callee.property, callee.computed);
    // A readline interface's question(), readline-sync's question(), inquirer.prompt().
    if (method === 'question' || method === 'questionAsync') return INTERACTIVE_PROMPT.messages.question(describe(callee.object), method);
    if (method === 'prompt' && callee.object.type === T.Identifier && importSource(fi, callee.object)?.match(PROMPT_PACKAGES)) return INTERACTIVE_PROMPT.messages.prompt(callee.object.name);
    return null;
  }
  if (callee.type === T.Identifier) {
    const source = importSource(fi, callee);
    if (source && PROMPT_PACKAGES.test(source)) return INTERACTIVE_PROMPT.messages.promptFunction(callee.name, source);
  }
  return null;
}

export function importSource(fi: SyntaxModel, id: TSESTree.Identifier): string | null {
  const b = fi.resolve(id);
  if (b?.import) return b.import.source;
  const init = b?.declarator?.init;
  if (init?.type === T.CallExpression && init.callee.type === T.Identifier && init.callee.name === 'require') {
    const arg = init.arguments[0];
    return arg?.type === T.Literal && typeof arg.value === 'string' ? arg.value : null;
  }
  return null;
}

/** A readline interface over stdin: `createInterface({ input: process.stdin })`, `{ input }` imported from process. */
export function isStdinInterface(fi: SyntaxModel, node: Node, hops = 0): boolean {
  if (hops > 4) return false;
  if (node.type === T.Identifier) {
    const init = fi.resolve(node)?.declarator?.init;
    return init != null && isStdinInterface(fi, init, hops + 1);
  }
  if (node.type !== T.CallExpression) return false;
  const callee = node.callee;
  const name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
  if (name !== 'createInterface') return false;
  const options = node.arguments[0];
  if (options?.type !== T.ObjectExpression) return false;
  for (const p of options.properties) {
    if (p.type !== T.Property || propertyName(p.key, p.computed) !== 'input') continue;
    return isStdin(fi, p.value);
  }
  return false;
}

function isStdinLines(fi: SyntaxModel, node: Node): boolean {
  return isStdinInterface(fi, node);
}

export function isStdin(fi: SyntaxModel, node: Node): boolean {
  if (node.type === T.MemberExpression) return propertyName(node.property, node.computed) === 'stdin';
  if (node.type === T.Identifier) {
    if (node.name === 'stdin') return true;
    const b = fi.resolve(node);
    if (b?.import) return b.import.imported === 'stdin';
    if (b?.declarator) return b.keys?.[b.keys.length - 1] === 'stdin' || (b.declarator.init?.type === T.MemberExpression && isStdin(fi, b.declarator.init));
  }
  return false;
}

function describe(node: Node): string {
  if (node.type === T.Identifier) return node.name;
  if (node.type === T.MemberExpression) return `${describe(node.object)}.${propertyName(node.property, node.computed) ?? '…'}`;
  if (node.type === T.ThisExpression) return 'this';
  return '…';
}

/** `rl.on('line', fn)` on a readline interface over stdin: `fn` answers each line a person types. */
export function stdinLineHandler(fi: SyntaxModel, call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression) return false;
  const method = propertyName(call.callee.property, call.callee.computed);
  if (method !== 'on' && method !== 'once' && method !== 'addListener') return false;
  const event = call.arguments[0];
  return event?.type === T.Literal && event.value === 'line' && isStdinInterface(fi, call.callee.object);
}

/** A read of what a person types, earlier in the same function (or module) run: that person waits for the answer. */
export function promptRead(q: ScopeQuestion): Path | null {
  if (isTestFile(q.file)) return null;
  const read = promptBefore(q.fi, q.scope, q.at);
  if (!read) return null;
  const line = read.node.loc.start.line;
  return { effect: 'user-waiting', rule: INTERACTIVE_PROMPT, entry: INTERACTIVE_PROMPT.messages.typed(read.what, `${q.file}:${line}`), file: q.file, line, steps: [], loops: [] };
}

/** `rl.on('line', fn)` over stdin: `fn` answers each line a person types. */
export function stdinLines(q: CallQuestion): Path[] | null {
  if (!stdinLineHandler(q.fi, q.call)) return null;
  const line = q.call.loc.start.line;
  return [{ effect: 'user-waiting', rule: INTERACTIVE_PROMPT, entry: INTERACTIVE_PROMPT.messages.lines(describeCall(q.call), `${q.file}:${line}`), file: q.file, line, steps: [], loops: [] }];
}
