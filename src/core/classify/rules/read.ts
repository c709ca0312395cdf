// Small readings of code the recognisers share: a string argument, the name of a receiver or a
// callee, an object literal's properties, a directive.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { Node, propertyName } from '../../syntax/nodes';
import type { SyntaxModel } from '../../syntax/model';
import { resolveExport, type ModuleLookup } from '../../syntax/modules';
import { NO_STRINGS, StringOf } from './rule';

export function stringArg(node: Node | undefined, stringOf: StringOf = NO_STRINGS): string | null {
  if (!node) return null;
  if (node.type === T.Literal && typeof node.value === 'string') return node.value;
  if (node.type === T.TemplateLiteral && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? null;
  return stringOf(node);
}

export function literal(node: Node | undefined): string | undefined {
  if (node?.type === T.Literal) return typeof node.value === 'string' ? node.value : undefined;
  // A template literal with nothing substituted is a string as constant as a quoted one: `answer-question`.
  if (node?.type === T.TemplateLiteral && node.expressions.length === 0) return node.quasis[0].value.cooked ?? undefined;
  return undefined;
}

export function looksLikeCronSpec(s: string): boolean {
  const fields = s.trim().split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((f) => /^[\d*/,\-?LW#A-Za-z]+$/.test(f));
}

/** The last name in a receiver chain: `this.app` → 'app', `slackApp` → 'slackApp'. */
export function receiverName(node: Node): string | null {
  if (node.type === T.Identifier) return node.name;
  if (node.type === T.MemberExpression) return propertyName(node.property, node.computed);
  return null;
}

/** Every name along a member and call chain: `t.procedure.input(x).mutation` → mutation, input, procedure, t. */
export function chainNames(node: Node): string[] {
  const names: string[] = [];
  let cur: Node = node;
  for (;;) {
    if (cur.type === T.Identifier) {
      names.push(cur.name);
      return names;
    }
    if (cur.type === T.MemberExpression) {
      const p = propertyName(cur.property, cur.computed);
      if (p) names.push(p);
      cur = cur.object;
    } else if (cur.type === T.CallExpression) cur = cur.callee;
    else return names;
  }
}

/** The identifier a member chain or call chain starts from: `publicProcedure.input(x).query` → 'publicProcedure'. */
export function rootIdentifier(node: Node): string | null {
  let cur: Node = node;
  for (;;) {
    if (cur.type === T.Identifier) return cur.name;
    if (cur.type === T.MemberExpression) cur = cur.object;
    else if (cur.type === T.CallExpression) cur = cur.callee;
    else return null;
  }
}

/** A member chain in words: `paths.ask`, `…` for what is not a name. */
export function describeNode(node: Node): string {
  if (node.type === T.Identifier) return node.name;
  if (node.type === T.MemberExpression) {
    const p = propertyName(node.property, node.computed);
    return `${describeNode(node.object)}.${p ?? '…'}`;
  }
  return '…';
}

/** A reference in words, calls included: `db.items`, `makeClient(…)`, `this`. */
export function describeRef(node: Node): string {
  if (node.type === T.Identifier) return node.name;
  if (node.type === T.MemberExpression) return `${describeRef(node.object)}.${propertyName(node.property, node.computed) ?? '[…]'}`;
  if (node.type === T.ThisExpression) return 'this';
  if (node.type === T.CallExpression) return `${describeRef(node.callee)}(…)`;
  return '…';
}

export function describeCall(call: TSESTree.CallExpression | TSESTree.NewExpression): string {
  const callee = call.callee;
  const head = callee.type === T.MemberExpression ? `${describeRef(callee.object)}.${propertyName(callee.property, callee.computed) ?? '[…]'}` : describeRef(callee);
  return `${call.type === T.NewExpression ? 'new ' : ''}${head}(…)`;
}

/** The name a call is made by: the method, or the function's name. */
export function calleeName(call: TSESTree.CallExpression | TSESTree.NewExpression): string | null {
  return call.callee.type === T.MemberExpression ? propertyName(call.callee.property, call.callee.computed) : call.callee.type === T.Identifier ? call.callee.name : null;
}

/** An object literal's plain properties by name, the last one winning (spreads and computed keys left out). */
export function objectProps(node: Node | null | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  if (node?.type !== T.ObjectExpression) return out;
  for (const p of node.properties) {
    if (p.type !== T.Property) continue;
    const key = propertyName(p.key, p.computed);
    if (key) out.set(key, p.value);
  }
  return out;
}

export function hasDirective(body: readonly Node[], directive: string): boolean {
  for (const stmt of body) {
    if (stmt.type !== T.ExpressionStatement) return false;
    if (stmt.directive === directive) return true;
    if (!stmt.directive) return false;
  }
  return false;
}

/** A module's `export const x = …` values and exported functions, by name. */
export function exportedValues(fi: SyntaxModel): Map<string, Node | null> {
  const out = new Map<string, Node | null>();
  for (const e of fi.exports()) {
    if (e.kind !== 'declaration') continue;
    if (e.declaration.type === T.VariableDeclarator && e.declaration.id === e.id) out.set(e.exported, e.declaration.init);
    else if (e.declaration.type === T.FunctionDeclaration) out.set(e.exported, e.declaration);
  }
  return out;
}

/** A regular expression that finds `name` as a whole identifier (`$`-safe), optionally followed by `suffix` (a pattern). */
export function identifierPattern(name: string, suffix = ''): RegExp {
  return new RegExp(`(?<![\\w$])${name.replace(/[$]/g, '\\$&')}(?![\\w$])${suffix}`);
}

export { escapeRegExp } from '../../textScan';

/** The identifier node a member chain or call chain starts from (`os.$context<C>().use(m)` → `os`). */
function rootNode(node: Node): TSESTree.Identifier | null {
  let cur: Node = node;
  for (;;) {
    if (cur.type === T.Identifier) return cur;
    if (cur.type === T.MemberExpression) cur = cur.object;
    else if (cur.type === T.CallExpression) cur = cur.callee;
    else if (cur.type === T.TSNonNullExpression || cur.type === T.TSAsExpression) cur = cur.expression;
    else return null;
  }
}

/** How many definitions the search for a chain's package follows (a builder is rarely more than a few aliases deep). */
const MAX_ORIGIN_STEPS = 8;

/**
 * The package a builder chain starts from, through the workspace's constants and imports:
 * `authenticatedProcedure.input(x).handler` where `authenticatedProcedure = publicProcedure.use(auth)`,
 * `publicProcedure = os.use(log)` in another package and `os` is imported from '@orpc/server' gives
 * '@orpc/server', with each definition on the way (`name at file:line`). Null when the chain starts
 * from anything else (a parameter, a call of a local function, a module Batchwise cannot read).
 */
export function chainPackage(
  module: ModuleLookup,
  fi: SyntaxModel,
  node: Node,
): { source: string; imported: string; steps: string[] } | null {
  const steps: string[] = [];
  let model = fi;
  let at = node;
  for (let i = 0; i < MAX_ORIGIN_STEPS; i++) {
    const root = rootNode(at);
    const b = root ? model.resolve(root) : null;
    if (!root || !b) return null;
    if (b.import) {
      const target = module(model.file, b.import.source);
      if (!target) return { source: b.import.source, imported: b.import.imported, steps };
      const found = resolveExport(module, target, b.import.imported);
      if (found?.kind === 'external') return { source: found.source, imported: found.imported, steps };
      if (found?.kind !== 'binding' || !found.binding?.declarator?.init || found.binding.declarator.id.type !== T.Identifier) return null;
      model = found.model;
      at = found.binding.declarator.init;
    } else if (b.kind !== 'param' && b.declarator?.init && b.declarator.id.type === T.Identifier) {
      at = b.declarator.init;
    } else return null;
    steps.push(`\`${root.name}\` at ${model.file}:${at.loc.start.line}`);
  }
  return null;
}
