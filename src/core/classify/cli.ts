// Command-line programs: what runs a command's handler, and whether a run answers arguments a person
// typed. A commander `.action(fn)` or yargs `.command(…, handler)` runs when the file parses argv, as
// part of the program; a run that makes one call from what was typed on the command line (`ask
// "question"`, `process.argv[2]`) answers the person who typed it. See docs/rules/command-line-input.md.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, type Node } from '../parse/walk';
import { propertyName, requireSource } from '../syntax/nodes';
import type { SyntaxModel } from '../syntax/model';

const CLI_PACKAGES: Record<string, { method: string; what: string }> = {
  commander: { method: 'action', what: 'commander' },
  yargs: { method: 'command', what: 'yargs' },
  'yargs/yargs': { method: 'command', what: 'yargs' },
};

/** The package a file's command definitions come from, when the file also parses the command line. */
function cliPackage(fi: SyntaxModel): string | null {
  const text = fi.text;
  if (!/\b(commander|yargs)\b/.test(text) || !/\.(parse|parseAsync|parseSync)\s*\(|\.argv\b/.test(text)) return null;
  for (const stmt of fi.ast.body) {
    if (stmt.type === T.ImportDeclaration && stmt.source.value in CLI_PACKAGES) return stmt.source.value;
  }
  let found: string | null = null;
  visit(fi.ast, (n) => {
    if (!found && n.type === T.CallExpression) {
      const src = requireSource(n);
      if (src && src in CLI_PACKAGES) found = src;
    }
  });
  return found;
}

/**
 * `program.command('classify <csv>').action(fn)` (commander) or `yargs(argv).command('x', 'd', b, fn)`
 * in a file that parses the command line: the handler runs as part of the program. Returns the
 * command in words, or null.
 */
export function cliCommandHandler(fi: SyntaxModel, call: TSESTree.CallExpression | TSESTree.NewExpression): string | null {
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression) return null;
  const method = propertyName(call.callee.property, call.callee.computed);
  const pkg = method ? cliPackage(fi) : null;
  if (!pkg || CLI_PACKAGES[pkg].method !== method) return null;
  const name = commandName(call.callee.object) ?? (method === 'command' ? literalArg(call.arguments[0]) : null);
  return `${name ? `the \`${name}\` command` : 'a command'} of a ${CLI_PACKAGES[pkg].what} program`;
}

/** The name given to `.command('name …')` on the chain that ends in `.action(fn)`. */
function commandName(node: Node): string | null {
  let cur: Node = node;
  while (cur.type === T.CallExpression && cur.callee.type === T.MemberExpression) {
    if (propertyName(cur.callee.property, cur.callee.computed) === 'command') return literalArg(cur.arguments[0]);
    cur = cur.callee.object;
  }
  return null;
}

function literalArg(node: Node | undefined): string | null {
  return node?.type === T.Literal && typeof node.value === 'string' ? node.value.split(' ')[0] : null;
}

/**
 * The first read of a value off the command line inside `range` (`process.argv[2]`,
 * `process.argv.slice(2)`, `const [, , q] = process.argv`, `hideBin(process.argv)`, the same on `argv`
 * imported from node:process), or null. A test for a flag (`process.argv.includes('--live')`) reads no value.
 */
export function argvReadIn(fi: SyntaxModel, range: [number, number]): Node | null {
  if (!/\bargv\b/.test(fi.text.slice(range[0], range[1]))) return null;
  let found: Node | null = null;
  visit(fi.ast, (n) => {
    if (found || n.range[1] < range[0] || n.range[0] > range[1]) return false;
    if (isArgv(fi, n) && readsValue(fi, n)) found = n;
  });
  return found;
}

function isArgv(fi: SyntaxModel, n: Node): boolean {
  if (n.type === T.MemberExpression) return !n.computed && n.property.type === T.Identifier && n.property.name === 'argv' && n.object.type === T.Identifier && n.object.name === 'process';
  if (n.type !== T.Identifier || n.name !== 'argv') return false;
  const parent = fi.parents.get(n);
  if (parent?.type === T.MemberExpression && parent.property === n) return false;
  const b = fi.resolve(n)?.import;
  return b !== undefined && /^(node:)?process$/.test(b.source) && b.imported === 'argv';
}

const VALUE_METHODS = new Set(['slice', 'at', 'splice', 'pop', 'shift']);

function readsValue(fi: SyntaxModel, argv: Node): boolean {
  const parent = fi.parents.get(argv);
  if (!parent) return false;
  if (parent.type === T.MemberExpression && parent.object === argv) {
    if (parent.computed) return true;
    const method = propertyName(parent.property, parent.computed);
    return method !== null && VALUE_METHODS.has(method);
  }
  // `const [, , question] = process.argv`, `hideBin(process.argv)`, `yargs(process.argv.slice(2))`.
  if (parent.type === T.VariableDeclarator && parent.init === argv) return parent.id.type === T.ArrayPattern;
  return parent.type === T.CallExpression && parent.arguments.includes(argv as never);
}

/** Calls that read a whole folder: one call over what they return is bulk work, whoever names the folder. */
const FOLDER_READERS = new Set(['readdir', 'readdirSync', 'opendir', 'glob', 'globSync', 'fg', 'fastGlob']);

/** Whether `range` reads a folder's files (`readdirSync(dir)`, `glob('docs/**')`). */
export function readsFolderIn(fi: SyntaxModel, range: [number, number]): boolean {
  let found = false;
  visit(fi.ast, (n) => {
    if (found || n.range[1] < range[0] || n.range[0] > range[1]) return false;
    if (n.type !== T.CallExpression) return;
    const name = n.callee.type === T.Identifier ? n.callee.name : n.callee.type === T.MemberExpression ? propertyName(n.callee.property, n.callee.computed) : null;
    if (name && FOLDER_READERS.has(name)) found = true;
  });
  return found;
}
