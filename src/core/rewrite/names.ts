// The identifier names a file uses, read once per parsed file: each rewrite picks fresh names against
// them, and the analysis checks a rewrite for every call (thousands, in a generated file).
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit } from '../parse/walk';

/** Names a rewrite must not reuse: the file's own, and those it has picked itself. */
export interface NameSet {
  has(name: string): boolean;
  add(name: string): unknown;
}

const namesByFile = new WeakMap<TSESTree.Program, ReadonlySet<string>>();

/** The file's names (read once per AST), plus what is added through this set only. */
export function fileNames(ast: TSESTree.Program): NameSet {
  let names = namesByFile.get(ast);
  if (!names) {
    const found = new Set<string>();
    visit(ast, (n) => void (n.type === T.Identifier && found.add(n.name)));
    namesByFile.set(ast, found);
    names = found;
  }
  const file = names;
  const picked = new Set<string>();
  return { has: (name) => file.has(name) || picked.has(name), add: (name) => picked.add(name) };
}
