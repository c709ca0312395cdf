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
  forEachChild(node, (child) => {
    out.push(child);
  });
  return out;
}

/** Hands each child node to `fn` in source order, as `childrenOf` lists them, without making the list. */
export function forEachChild(node: Node, fn: (child: Node) => void): void {
  const keys = keysOf(node);
  for (let k = 0; k < keys.length; k++) {
    const value = (node as unknown as Record<string, unknown>)[keys[k]];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (isNode(value[i])) fn(value[i]);
    } else if (isNode(value)) {
      fn(value);
    }
  }
}

/**
 * Pushes a node's children onto `stack` last to first (so that popping gives them back in source order),
 * and `tag` beside each onto `tags`. No closure per node: the walks below push every node of a file.
 */
function pushChildrenReversed<T>(node: Node, stack: Node[], tags: T[], tag: T): void {
  const keys = keysOf(node);
  for (let k = keys.length - 1; k >= 0; k--) {
    const value = (node as unknown as Record<string, unknown>)[keys[k]];
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        if (isNode(value[i])) {
          stack.push(value[i]);
          tags.push(tag);
        }
      }
    } else if (isNode(value)) {
      stack.push(value);
      tags.push(tag);
    }
  }
}

export function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/**
 * A whole file's nodes in the order `visit` meets them, each with its parent's position and the
 * position just past its subtree: built in one walk the first time a file is walked whole, so that
 * the next whole-file walks (each stage has its own, and the fix check its per-file indexes) are a
 * loop over an array rather than a walk of objects.
 */
interface TreeIndex {
  nodes: Node[];
  /** The parent's position in `nodes` (-1 for the root). */
  parent: Int32Array;
  /** The position after the node's subtree: where a walk that skips the subtree goes on. */
  end: Int32Array;
}

const treeIndexes = new WeakMap<Node, TreeIndex>();

function treeIndexOf(root: Node): TreeIndex {
  const known = treeIndexes.get(root);
  if (known) return known;
  const nodes: Node[] = [];
  const parentOf: number[] = [];
  const stack: Node[] = [root];
  const stackParents: number[] = [-1];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const at = nodes.length;
    nodes.push(node);
    parentOf.push(stackParents.pop()!);
    pushChildrenReversed(node, stack, stackParents, at);
  }
  const n = nodes.length;
  const parent = Int32Array.from(parentOf);
  // A subtree's size, added up from the last node back: every child comes after its parent.
  const size = new Int32Array(n).fill(1);
  for (let i = n - 1; i > 0; i--) size[parent[i]] += size[i];
  const end = new Int32Array(n);
  for (let i = 0; i < n; i++) end[i] = i + size[i];
  const index = { nodes, parent, end };
  treeIndexes.set(root, index);
  return index;
}

/**
 * Levels of a tree below and including `root` (type annotations left out, as the walks do), where a
 * child is `step(parent)` levels below its parent.
 */
export function treeLevels(root: Node, step: (parent: Node) => number): number {
  const { nodes, parent } = treeIndexOf(root);
  const depth = new Int32Array(nodes.length);
  let max = (depth[0] = 1);
  for (let i = 1; i < nodes.length; i++) {
    const p = parent[i];
    const d = (depth[i] = depth[p] + step(nodes[p]));
    if (d > max) max = d;
  }
  return max;
}

/** Whether a node is a whole file, walked often enough to be worth an index (see TreeIndex). */
function isFile(node: Node): boolean {
  return node.type === 'Program';
}

/**
 * Depth-first walk that records parents, so later stages can walk outward from any node.
 * Returns the parent map.
 */
export function indexParents(root: Node): Map<Node, Node> {
  const { nodes, parent } = treeIndexOf(root);
  const parents = new Map<Node, Node>();
  for (let i = 1; i < nodes.length; i++) parents.set(nodes[i], nodes[parent[i]]);
  return parents;
}

/**
 * Visits every node depth-first in source order; return false from the visitor to skip a subtree.
 * Iterative: a deeply nested file must not run the walk out of stack.
 */
export function visit(root: Node, visitor: (node: Node, parent: Node | null) => boolean | void): void {
  if (isFile(root)) {
    const { nodes: all, parent, end } = treeIndexOf(root);
    for (let i = 0; i < all.length; ) {
      i = visitor(all[i], i === 0 ? null : all[parent[i]]) === false ? end[i] : i + 1;
    }
    return;
  }
  const nodes: Node[] = [root];
  const parents: (Node | null)[] = [null];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    if (visitor(node, parents.pop()!) === false) continue;
    pushChildrenReversed(node, nodes, parents, node);
  }
}
