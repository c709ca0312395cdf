import type { TSESTree } from '@typescript-eslint/typescript-estree';

import { visitorKeys } from '@typescript-eslint/visitor-keys';

export type Node = TSESTree.Node;

// Keys never walked: type annotations never call anything.
const SKIP_KEYS = new Set(['parent', 'loc', 'range', 'tokens', 'comments', 'typeAnnotation', 'returnType', 'typeParameters', 'typeArguments']);

/**
 * The keys of a node type's children in source order, from the parser's own visitor keys (the object's
 * keys are alphabetical: `arguments` before `callee`, `alternate` before `test`). A type the table
 * lacks falls back to the object's keys.
 */
const KEYS = new Map<string, readonly string[]>(Object.entries(visitorKeys).map(([type, keys]) => [type, (keys ?? []).filter((k) => !SKIP_KEYS.has(k))]));

function keysOf(node: Node): readonly string[] {
  return KEYS.get(node.type) ?? Object.keys(node).filter((k) => !SKIP_KEYS.has(k));
}

/** Child nodes in source order (type annotations skipped: they never call anything). */
export function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  for (const key of keysOf(node)) {
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
  const nodes: Node[] = [root];
  const parents: (Node | null)[] = [null];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    if (visitor(node, parents.pop()!) === false) continue;
    // The children pushed last to first, so that they come off the stack in source order.
    const keys = keysOf(node);
    for (let k = keys.length - 1; k >= 0; k--) {
      const value = (node as unknown as Record<string, unknown>)[keys[k]];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) {
          if (!isNode(value[i])) continue;
          nodes.push(value[i]);
          parents.push(node);
        }
      } else if (isNode(value)) {
        nodes.push(value);
        parents.push(node);
      }
    }
  }
}
