// Types a JavaScript file states in JSDoc (`@param {string[]} prompts`, `@type {Doc[]}`): read with
// comment-parser, the type itself parsed as a TypeScript type, so the same checks read both.
import { parse as parseComment } from 'comment-parser';
import { parseSource, TSESTree, AST_NODE_TYPES as T } from '../parse/parse';
import type { FunctionLike } from '../syntax/nodes';

type Node = TSESTree.Node;

/** The JSDoc block comment right before `n` (only whitespace between), or null. */
function jsdocBefore(n: Node, text: string, comments: readonly TSESTree.Comment[]): string | null {
  let best: TSESTree.Comment | null = null;
  for (const c of comments) {
    if (c.range[1] > n.range[0]) break;
    best = c;
  }
  if (!best || best.type !== 'Block' || !best.value.startsWith('*')) return null;
  if (text.slice(best.range[1], n.range[0]).trim() !== '') return null;
  return text.slice(best.range[0], best.range[1]);
}

/** The statement a JSDoc for this function or declarator sits above: through `const f = …` and `export`. */
function documentedNode(n: Node, parents: ReadonlyMap<Node, Node>): Node {
  let cur = n;
  const up = parents.get(cur);
  if (up?.type === T.VariableDeclarator && up.init === cur) cur = up;
  if (cur.type === T.VariableDeclarator) {
    const decl = parents.get(cur);
    // A JSDoc above `const a = 1, b = …` speaks of the first declarator only.
    if (decl?.type === T.VariableDeclaration && decl.declarations[0] === cur) cur = decl;
  }
  if (up?.type === T.Property || up?.type === T.MethodDefinition) cur = up;
  const outer = parents.get(cur);
  if (outer?.type === T.ExportNamedDeclaration || outer?.type === T.ExportDefaultDeclaration) cur = outer;
  return cur;
}

/** A JSDoc type as a TypeScript type node, or null where it is not one TypeScript reads (`Array.<string>`, `?T`). */
function typeNode(type: string): Node | null {
  const wrapped = type.trim().replace(/^\{|\}$/g, '');
  if (!wrapped || /[\n;=]/.test(wrapped)) return null;
  const parsed = parseSource('jsdoc-type.ts', `let x: ${wrapped};`);
  if (!parsed.ok || parsed.ast.body.length !== 1) return null;
  const s = parsed.ast.body[0];
  const id = s.type === T.VariableDeclaration ? s.declarations[0]?.id : undefined;
  return id?.type === T.Identifier ? id.typeAnnotation?.typeAnnotation ?? null : null;
}

function tagsOf(comment: string): { tag: string; name: string; type: string }[] {
  return parseComment(comment, { spacing: 'preserve' }).flatMap((block) => block.tags.map((t) => ({ tag: t.tag, name: t.name, type: t.type })));
}

export interface JsdocSource {
  text: string;
  comments: readonly TSESTree.Comment[];
  parents: ReadonlyMap<Node, Node>;
}

/** The type a JSDoc `@param {T} name` gives a function's parameter (a plain identifier parameter only). */
export function jsdocParamType(fn: FunctionLike, paramIndex: number, src: JsdocSource): Node | null {
  let param: Node | undefined = fn.params[paramIndex];
  if (param?.type === T.AssignmentPattern) param = param.left;
  if (param?.type !== T.Identifier) return null;
  const comment = jsdocBefore(documentedNode(fn, src.parents), src.text, src.comments);
  if (!comment) return null;
  const tag = tagsOf(comment).find((t) => (t.tag === 'param' || t.tag === 'arg' || t.tag === 'argument') && t.name === (param as TSESTree.Identifier).name);
  return tag?.type ? typeNode(tag.type) : null;
}

/** The type a JSDoc `@type {T}` above a variable's declaration gives it. */
export function jsdocVariableType(declarator: TSESTree.VariableDeclarator, src: JsdocSource): Node | null {
  const comment = jsdocBefore(documentedNode(declarator, src.parents), src.text, src.comments);
  if (!comment) return null;
  const tag = tagsOf(comment).find((t) => t.tag === 'type');
  return tag?.type ? typeNode(tag.type) : null;
}
