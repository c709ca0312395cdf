// What the mutators need to know about a file to damage it where it matters: where statements start,
// where string literals and LLM-looking calls are, and the gaps between tokens. Read with the parser
// (iteratively: the fuzzer's own inputs are 10,000 levels deep); null when the text does not parse.
import { parse } from '@typescript-eslint/typescript-estree';
import { asyncFunctionNesting, bracketDepth, MAX_ASYNC_FUNCTION_NESTING, MAX_BRACKET_DEPTH, MAX_TREE_DEPTH, treeDepth } from '../../src/core/parse/parse';

export type Range = [number, number];

export interface Shape {
  /** Offsets where a statement can be inserted: the start of each statement in a body, and each body's end. */
  statementStarts: number[];
  /** String literals and template literals. */
  strings: Range[];
  /** The same, inside the arguments of an LLM-looking call. */
  requestStrings: Range[];
  /** Numeric literals inside the arguments of an LLM-looking call. */
  requestNumbers: Range[];
  /** The innermost statement around each LLM-looking call. */
  callStatements: Range[];
  /** LLM-looking calls. */
  calls: Range[];
  /** Offsets between two tokens (where a comment can go without changing the program). */
  tokenGaps: number[];
}

/** A callee that looks like an SDK request: `x.chat.completions.create`, `generateText`, `model.invoke`… */
const LLM_CALLEE = /(\.create|\.parse|\.stream|\.invoke|\.batch|\.embedQuery|\.embedDocuments|\bgenerateText|\bstreamText|\bgenerateObject|\bstreamObject|\bembedMany|\bembed)$/;

/**
 * Parses as the engine does: JSX for .jsx/.tsx and plain JavaScript. The last parse is kept: the checks
 * after each fix of an input (up to eight) read the same original text, and a 700 KB file took 1.3 s
 * to parse with its tokens each time (untimed, but most of the fuzzer's own time on such inputs).
 */
export function parseForShape(file: string, text: string): ReturnType<typeof parse> {
  if (lastShapeParse && lastShapeParse.file === file && lastShapeParse.text === text) return lastShapeParse.ast;
  const jsx = /\.(jsx|tsx|js|mjs|cjs)$/i.test(file);
  const ast = parse(text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text, { range: true, tokens: true, comment: true, jsx, loc: false });
  lastShapeParse = { file, text, ast };
  return ast;
}
let lastShapeParse: { file: string; text: string; ast: ReturnType<typeof parse> } | null = null;

const SKIP = new Set(['parent', 'range', 'loc', 'tokens', 'comments']);

export function shapeOf(file: string, text: string): Shape | null {
  // The engine's nesting limits, so that a deep file has no shape whatever ran before in this process
  // (past them, whether the parser's stack lasts depends on how warm the JIT is; inputs must not).
  if (bracketDepth(text) > MAX_BRACKET_DEPTH) return null;
  // And the engine's bound on nested `async function` bodies, whose parse time doubles per level.
  if (asyncFunctionNesting(text) > MAX_ASYNC_FUNCTION_NESTING) return null;
  let ast: ReturnType<typeof parseForShape>;
  try {
    ast = parseForShape(file, text);
  } catch {
    return null;
  }
  if (treeDepth(ast) > MAX_TREE_DEPTH) return null;
  const shape: Shape = { statementStarts: [], strings: [], requestStrings: [], requestNumbers: [], callStatements: [], calls: [], tokenGaps: [] };
  const statements: Range[] = [];
  const stack: unknown[] = [ast];
  while (stack.length) {
    const node = stack.pop() as { type: string; range: Range; [k: string]: unknown };
    if (node.type === 'Literal' && typeof node.value === 'string') shape.strings.push(node.range);
    if (node.type === 'TemplateLiteral') shape.strings.push(node.range);
    if (node.type === 'CallExpression') {
      const callee = node.callee as { range: Range };
      if (LLM_CALLEE.test(text.slice(callee.range[0], callee.range[1]))) shape.calls.push(node.range);
    }
    for (const key of Object.keys(node)) {
      if (SKIP.has(key)) continue;
      const value = node[key];
      const children = Array.isArray(value) ? value : [value];
      const isBody = Array.isArray(value) && (key === 'body' || key === 'consequent');
      for (const child of children) {
        if (!child || typeof child !== 'object' || typeof (child as { type?: unknown }).type !== 'string') continue;
        if (isBody) {
          const r = (child as { range: Range }).range;
          shape.statementStarts.push(r[0]);
          statements.push(r);
        }
        stack.push(child);
      }
      if (isBody && node.type !== 'ClassBody') shape.statementStarts.push(node.range[1] - (node.type === 'Program' ? 0 : 1));
    }
  }
  for (const s of shape.strings) {
    if (shape.calls.some((c) => c[0] < s[0] && s[1] <= c[1])) shape.requestStrings.push(s);
  }
  for (const t of ast.tokens ?? []) {
    if (t.type === 'Numeric' && shape.calls.some((c) => c[0] < t.range[0] && t.range[1] <= c[1])) shape.requestNumbers.push(t.range);
  }
  for (const c of shape.calls) {
    let best: Range | null = null;
    for (const s of statements) if (s[0] <= c[0] && c[1] <= s[1] && (!best || s[1] - s[0] < best[1] - best[0])) best = s;
    if (best) shape.callStatements.push(best);
  }
  const tokens = ast.tokens ?? [];
  for (let i = 1; i < tokens.length; i++) if (tokens[i - 1].range[1] <= tokens[i].range[0]) shape.tokenGaps.push(tokens[i].range[0]);
  shape.statementStarts.sort((a, b) => a - b);
  return shape;
}
