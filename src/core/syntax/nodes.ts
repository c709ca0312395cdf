// Small facts about single nodes that every stage asks: what a function is, what a property is
// called, and what an expression is once the wrappers that do not change its value are taken off.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import type { Node } from '../parse/walk';

export type { Node };
export type FunctionLike = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;

/** The loop statements: `for`, `for…of`, `for…in`, `while`, `do…while`. */
export const LOOP_STATEMENTS: ReadonlySet<string> = new Set<string>([T.ForStatement, T.ForOfStatement, T.ForInStatement, T.WhileStatement, T.DoWhileStatement]);

export function isFunctionLike(node: Node): node is FunctionLike {
  return node.type === T.FunctionDeclaration || node.type === T.FunctionExpression || node.type === T.ArrowFunctionExpression;
}

/** The name of a property key: `a`, `'a'`, `#a`; null for a computed key that is not a string literal. */
export function propertyName(node: Node, computed: boolean): string | null {
  if (!computed && node.type === T.Identifier) return node.name;
  if (node.type === T.Literal && typeof node.value === 'string') return node.value;
  if (node.type === T.PrivateIdentifier) return '#' + node.name;
  return null;
}

/** Wrappers that only tell the type checker something: `x as T`, `<T>x`, `x!`, `x satisfies T`, `f<T>`. */
export const TYPE_WRAPPERS: ReadonlySet<string> = new Set<string>([T.TSAsExpression, T.TSNonNullExpression, T.TSSatisfiesExpression, T.TSTypeAssertion, T.TSInstantiationExpression]);

/**
 * An expression without the wrappers around it that leave its value as it is: the type-only ones; and,
 * with `'value'`, also `await` and an optional chain's wrapper, for what the expression yields once
 * settled (what a name is bound to, not when).
 */
export function unwrap(node: Node, mode: 'type' | 'value' = 'type'): Node {
  let n = node;
  for (;;) {
    if (TYPE_WRAPPERS.has(n.type)) n = (n as TSESTree.TSAsExpression).expression;
    else if (mode === 'value' && n.type === T.AwaitExpression) n = n.argument;
    else if (mode === 'value' && n.type === T.ChainExpression) n = n.expression;
    else return n;
  }
}

/** `require('x')` → 'x'. */
export function requireSource(node: TSESTree.CallExpression): string | null {
  if (node.callee.type !== T.Identifier || node.callee.name !== 'require' || node.arguments.length !== 1) return null;
  const arg = node.arguments[0];
  return arg.type === T.Literal && typeof arg.value === 'string' ? packageSpecifier(arg.value) : null;
}

/** JSR packages published under another name than on npm, by the npm name whose API they carry. */
const JSR_AS_NPM: Record<string, string> = { '@openai/openai': 'openai', '@anthropic/sdk': '@anthropic-ai/sdk' };

/**
 * A package as Deno and CDN imports name it, as npm names it: `npm:openai@4.20.1` and
 * `https://esm.sh/openai@4` are 'openai', `npm:@anthropic-ai/sdk@0.30/resources` is
 * '@anthropic-ai/sdk/resources', `jsr:@openai/openai` is 'openai' (Supabase Edge Functions and Deno
 * code import SDKs so). Every other specifier is returned as it is.
 */
export function packageSpecifier(spec: string): string {
  // OpenAI's own Deno build.
  if (/^https:\/\/deno\.land\/x\/openai(@[^/]*)?\/mod\.ts$/.test(spec)) return 'openai';
  const m = /^(?:npm:|jsr:|https?:\/\/(?:esm\.sh|cdn\.skypack\.dev|esm\.run|cdn\.jsdelivr\.net\/npm)\/)\/?((?:@[\w.-]+\/)?[\w.-]+?)(?:@[^/?#]*)?((?:\/[^?#]*)?)(?:[?#].*)?$/.exec(spec);
  if (!m) return spec;
  const name = spec.startsWith('jsr:') ? (JSR_AS_NPM[m[1]] ?? m[1]) : m[1];
  return name + m[2].replace(/\/\+esm$/, '');
}

/** The name an import or export specifier gives (`a`, or `'a-b'` as a string literal). */
export function moduleExportName(node: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return node.type === T.Identifier ? node.name : String(node.value);
}

export function within(inner: Node, outer: Node): boolean {
  return inner.range[0] >= outer.range[0] && inner.range[1] <= outer.range[1];
}
