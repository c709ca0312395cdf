import type { TSESTree } from '@typescript-eslint/typescript-estree';

export type Node = TSESTree.Node;

const SKIP_KEYS = new Set(['parent', 'loc', 'range', 'tokens', 'comments', 'typeAnnotation', 'returnType', 'typeParameters', 'typeArguments']);

/** Child nodes in source order (type annotations skipped: they never call anything). */
export function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  for (const key of Object.keys(node)) {
    if (SKIP_KEYS.has(key)) continue;
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      for (const v of value) if (isNode(v)) out.push(v);
    } else if (isNode(value)) {
      out.push(value);
    }
  }
  return out;
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/**
 * Depth-first walk that records parents, so later stages can walk outward from any node.
 * Returns the parent map.
 */
export function indexParents(root: Node): Map<Node, Node> {
  const parents = new Map<Node, Node>();
  const stack: Node[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    for (const child of childrenOf(node)) {
      parents.set(child, node);
      stack.push(child);
    }
  }
  return parents;
}

/**
 * Visits every node depth-first in source order; return false from the visitor to skip a subtree.
 * Iterative: a deeply nested file must not run the walk out of stack.
 */
export function visit(root: Node, visitor: (node: Node, parent: Node | null) => boolean | void): void {
  const stack: [Node, Node | null][] = [[root, null]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop()!;
    if (visitor(node, parent) === false) continue;
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], node]);
  }
}
