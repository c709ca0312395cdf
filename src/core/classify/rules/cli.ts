// Programs run from a command line: npm scripts and package bins naming the file, shebangs, main-module
// checks, top-level await or a top-level main() in a file no module imports; commander and yargs
// command handlers; and a run that makes one call from what was typed on its command line, whose
// answer the person who typed it may be waiting for.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { visit, type Node } from '../../parse/walk';
import { dirname, ProjectIndex, stripExtension, textTest } from '../../project';
import type { SyntaxModel } from '../../syntax/model';
import { isFunctionLike, propertyName, requireSource } from '../../syntax/nodes';
import type { Path } from '../path';
import type { ExportQuestion, MemberQuestion, ModuleQuestion } from './hooks';
import { defineRule, entry, EntryMatch } from './rule';
import { nextLineBreak } from '../../parse/lineNumbers';

export const NPM_SCRIPT = defineRule({
  id: 'npm-script',
  effect: 'batchable',
  title: 'Run by an npm script',
  configFiles: ['package.json'],
  messages: {
    script: (name: string, of: string, command: string) => `run by the npm script \`${name}\`${of} (\`${command}\`)`,
  },
});

export const BIN_ENTRY = defineRule({
  id: 'bin-entry',
  effect: 'batchable',
  title: 'A package bin entry',
  configFiles: ['package.json'],
  messages: {
    bin: (name: string, packageJson: string) => `the \`${name}\` bin entry of ${packageJson}`,
  },
});

export const SHEBANG_SCRIPT = defineRule({
  id: 'shebang-script',
  effect: 'batchable',
  title: 'An executable script (shebang)',
  messages: {
    shebang: (line: string) => `an executable script (${line})`,
  },
});

export const MAIN_MODULE = defineRule({
  id: 'main-module',
  effect: 'batchable',
  title: 'Runs as a main module (require.main === module)',
  messages: {
    check: (how: string) => `runs as a main module (${how})`,
    mainCall: (name: string, line: number) => `calls \`${name}()\` at the top level (line ${line}), exports nothing and no module imports it: a program run on its own`,
  },
});

export const TOP_LEVEL_AWAIT = defineRule({
  id: 'top-level-await',
  effect: 'batchable',
  title: 'A program that awaits at the top level and is imported by no module',
  messages: {
    awaits: (line: number) => `awaits at the top level (line ${line}) and no module imports it: a program run on its own`,
  },
});

export const COMMAND_LINE_INPUT = defineRule({
  id: 'command-line-input',
  effect: 'neutral',
  title: 'One call per run of a command, from what was typed on its command line',
  messages: {
    oneShot: (entry: string, input: string) =>
      `${entry}, but each run makes this call once, not per item of a collection, and ${input}: the person who typed the command may be waiting for the answer. ` +
      'If runs are unattended (a schedule, a pipeline), declare the call with `// batchwise: batch`',
    readsArgv: (where: string) => `it reads its command line (\`process.argv\` at ${where})`,
    runsAs: (command: string, call: string, where: string) => `it runs as ${command}, given the arguments typed with it (${call} at ${where})`,
    command: (name: string | null, framework: string) => `${name ? `the \`${name}\` command` : 'a command'} of a ${framework} program`,
  },
});

export const RULES = [NPM_SCRIPT, BIN_ENTRY, SHEBANG_SCRIPT, MAIN_MODULE, TOP_LEVEL_AWAIT, COMMAND_LINE_INPUT] as const;

// ---- package.json

export interface PackageInfo {
  scripts: Record<string, string>;
  bin: Record<string, string>;
}

export function readPackageJson(text: string | undefined): PackageInfo | null {
  if (!text) return null;
  try {
    const pkg = JSON.parse(text) as { scripts?: unknown; bin?: unknown; name?: unknown };
    const scripts: Record<string, string> = {};
    if (pkg.scripts && typeof pkg.scripts === 'object') {
      for (const [k, v] of Object.entries(pkg.scripts)) if (typeof v === 'string') scripts[k] = v;
    }
    const bin: Record<string, string> = {};
    if (typeof pkg.bin === 'string') bin[typeof pkg.name === 'string' ? pkg.name : 'bin'] = pkg.bin;
    else if (pkg.bin && typeof pkg.bin === 'object') {
      for (const [k, v] of Object.entries(pkg.bin)) if (typeof v === 'string') bin[k] = v;
    }
    return { scripts, bin };
  } catch {
    return null;
  }
}

/** A package.json and the folder it sits in ('' for the root): its scripts run with that folder as the working directory. */
export interface ScopedPackage {
  dir: string;
  pkg: PackageInfo;
}

const packagesByProject = new WeakMap<ProjectIndex, Map<string, PackageInfo | null>>();

/** The package.json files from the file's folder up to the root, nearest first. */
export function packagesAbove(project: ProjectIndex, file: string): ScopedPackage[] {
  let byDir = packagesByProject.get(project);
  if (!byDir) packagesByProject.set(project, (byDir = new Map()));
  const out: ScopedPackage[] = [];
  let dir = file;
  do {
    dir = dirname(dir);
    let pkg = byDir.get(dir);
    if (pkg === undefined) {
      pkg = readPackageJson(project.text(dir === '' ? 'package.json' : `${dir}/package.json`));
      byDir.set(dir, pkg);
    }
    if (pkg) out.push({ dir, pkg });
  } while (dir !== '');
  return out;
}

/** The packages above a file with the file's path as each one's scripts name it, and the scripts that run it. */
export function scriptsRunning(project: ProjectIndex, file: string): { dir: string; pkg: PackageInfo; local: string; scripts: [string, string][] }[] {
  const stem = stripExtension(file);
  return packagesAbove(project, file).map(({ dir, pkg }) => {
    const local = dir === '' ? stem : stem.slice(dir.length + 1);
    return { dir, pkg, local, scripts: Object.entries(pkg.scripts).filter(([, command]) => commandRunsFile(command, local)) };
  });
}

/** npm script names a shell command runs: `npm run x`, `npm run-script x`, `yarn x`, `pnpm x`, `bun run x`. */
export function scriptNamesIn(command: string): string[] {
  const names: string[] = [];
  for (const m of command.matchAll(/\b(?:npm\s+(?:run|run-script)|yarn(?:\s+run)?|pnpm(?:\s+run)?|bun\s+run)\s+([\w:.-]+)/g)) names.push(m[1]);
  return names;
}

/** Tools that read a file without running it: compilers, bundlers, linters, formatters, test runners. */
const NOT_RUNNERS = new Set(['tsc', 'esbuild', 'tsup', 'rollup', 'webpack', 'vite', 'swc', 'babel', 'ncc', 'parcel', 'eslint', 'prettier', 'biome', 'oxlint', 'tslint', 'jest', 'vitest', 'mocha', 'ava', 'c8', 'nyc', 'type-coverage', 'madge', 'depcheck', 'knip', 'cp', 'mv', 'rm', 'cat', 'chmod', 'git']);
/** Words that hand the rest of a command to the program after them. */
const PREFIXES = new Set(['npx', 'pnpm', 'yarn', 'bunx', 'exec', 'dlx', 'cross-env', 'dotenv', 'env', '--']);

/** The words of each program in a command line, split at `&&`, `||`, `;` and `|` outside quotes. */
function commandParts(command: string): string[][] {
  const parts: string[][] = [[]];
  for (const m of command.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|([;&|]+)|([^\s;&|'"]+)/g)) {
    if (m[3] !== undefined) parts.push([]);
    else parts[parts.length - 1].push(m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[4]);
  }
  return parts;
}

export function commandRunsFile(command: string, stem: string): boolean {
  // Each part of `a && b; c | d` is its own program: `tsc src/x.ts && node dist/x.js` runs x once.
  return commandParts(command).some((words) => {
    const program = words.find((w) => !PREFIXES.has(w) && !/^[A-Z_][A-Z0-9_]*=/.test(w) && !w.startsWith('-'));
    if (program && NOT_RUNNERS.has(program.replace(/^.*\//, ''))) return false;
    const tokens = words.map(normaliseRef);
    // Compiled output (dist/x.js) maps back to the source file by its path after the build folder.
    return tokens.some((t) => t === stem || (t.length > 0 && t.includes('/') && stem.endsWith('/' + t.replace(/^(dist|build|out|lib)\//, ''))));
  });
}

function normaliseRef(p: string): string {
  return stripExtension(p.replace(/^\.\//, ''));
}

// ---- how a file is run

/**
 * An npm script or a bin entry naming the file. The packages from the file's folder up to the root,
 * nearest first: a workspace's own scripts run its files by paths relative to it.
 */
export function packageScript(q: ModuleQuestion): EntryMatch | null {
  const scoped = scriptsRunning(q.project, q.file);
  for (const p of scoped) {
    if (p.scripts.length === 0) continue;
    const [name, command] = p.scripts[0];
    return entry(NPM_SCRIPT, NPM_SCRIPT.messages.script(name, p.dir === '' ? '' : ` of ${p.dir}/package.json`, command), q.fi.ast, { script: name });
  }
  for (const p of scoped) {
    for (const [name, target] of Object.entries(p.pkg.bin)) {
      if (normaliseRef(target) === p.local) return entry(BIN_ENTRY, BIN_ENTRY.messages.bin(name, `${p.dir === '' ? '' : p.dir + '/'}package.json`), q.fi.ast);
    }
  }
  return null;
}

/**
 * A shebang, or a main-module check: `require.main === module`, `import.meta.main`, `esMain(import.meta)`,
 * or the module's own URL or path compared with the script node was started with
 * (`import.meta.url === pathToFileURL(process.argv[1]).href`).
 */
export function executable(q: ModuleQuestion): EntryMatch | null {
  return oncePerFile(executableCache, q.file, q.fi.text, q.fi.ast, () => executableUncached(q.fi));
}

// The answers below depend on the file alone, but are asked once per call site: a file of 4,000 calls
// ran each regular expression over its whole text 4,000 times. Kept per parsed program, file name and
// text (a tree could be shared by two files of the same content).
type FileAnswers = WeakMap<TSESTree.Program, Map<string, { text: string; found: EntryMatch | null }>>;
const executableCache: FileAnswers = new WeakMap();
const topLevelAwaitCache: FileAnswers = new WeakMap();
const mainCallCache: FileAnswers = new WeakMap();

function oncePerFile(cache: FileAnswers, file: string, text: string, program: TSESTree.Program, compute: () => EntryMatch | null): EntryMatch | null {
  if (typeof program !== 'object' || program === null) return compute();
  let byFile = cache.get(program);
  if (!byFile) cache.set(program, (byFile = new Map()));
  let kept = byFile.get(file);
  if (!kept || kept.text !== text) byFile.set(file, (kept = { text, found: compute() }));
  return kept.found;
}

function executableUncached(fi: SyntaxModel): EntryMatch | null {
  const { text, ast: program } = fi;
  if (text.startsWith('#!')) return entry(SHEBANG_SCRIPT, SHEBANG_SCRIPT.messages.shebang(shebangLine(text)), program);
  const main = /require\.main\s*===?\s*module|import\.meta\.main\b|esMain\(\s*import\.meta\s*\)/.exec(text);
  if (main) return entry(MAIN_MODULE, MAIN_MODULE.messages.check(main[0].startsWith('require') ? 'require.main === module' : main[0].replace(/\s+/g, '')), program);
  const check = mainModuleCheck(fi);
  if (check) return entry(MAIN_MODULE, MAIN_MODULE.messages.check(abbreviate(text.slice(check.range[0], check.range[1]))), program);
  return null;
}

/**
 * The ES-module form of `require.main === module`: the script node (or Bun) was started with,
 * `process.argv[1]` or `Bun.main`, compared with the module's own URL or path, as in
 * `import.meta.url === pathToFileURL(process.argv[1]).href`, `` import.meta.url === `file://${process.argv[1]}` ``,
 * `fileURLToPath(import.meta.url) === path.resolve(process.argv[1])`. The first such comparison, or null.
 */
export function mainModuleCheck(fi: SyntaxModel): TSESTree.BinaryExpression | null {
  if (!/import\.meta/.test(fi.text) || !/process\.argv\s*\[\s*1\s*\]|Bun\.main/.test(fi.text)) return null;
  for (const name of ['process', 'Bun']) {
    for (const id of fi.identifiers(name)) {
      const started = startedScript(fi, id);
      const check = started && comparedWithOwnModule(fi, started);
      if (check) return check;
    }
  }
  return null;
}

/** `process.argv[1]` or `Bun.main` read at `id` (the `process` or `Bun` identifier), or null. */
function startedScript(fi: SyntaxModel, id: TSESTree.Identifier): Node | null {
  const member = fi.parents.get(id);
  if (member?.type !== T.MemberExpression || member.object !== id) return null;
  if (id.name === 'Bun') return propertyName(member.property, member.computed) === 'main' ? member : null;
  if (propertyName(member.property, member.computed) !== 'argv') return null;
  const index = fi.parents.get(member);
  return index?.type === T.MemberExpression && index.object === member && index.computed && index.property.type === T.Literal && index.property.value === 1 ? index : null;
}

/**
 * The equality `value` reaches, a few wrappers up (`pathToFileURL(…).href`, a template, `resolve(…)`,
 * `!`), whose other side reads `import.meta`; or null.
 */
function comparedWithOwnModule(fi: SyntaxModel, value: Node): TSESTree.BinaryExpression | null {
  let n: Node = value;
  for (let step = 0; step < 5; step++) {
    const parent = fi.parents.get(n);
    if (!parent) return null;
    if (parent.type === T.BinaryExpression) {
      if (parent.operator !== '===' && parent.operator !== '==') return null;
      const other = parent.left === n ? parent.right : parent.left;
      let own = false;
      visit(other, (m) => {
        if (m.type === T.MetaProperty && m.meta.name === 'import') own = true;
        return !own;
      });
      return own ? parent : null;
    }
    const wraps =
      (parent.type === T.CallExpression && parent.arguments.includes(n as never)) ||
      (parent.type === T.MemberExpression && parent.object === n) ||
      parent.type === T.TemplateLiteral ||
      parent.type === T.ChainExpression ||
      parent.type === T.TSNonNullExpression ||
      parent.type === T.TSAsExpression ||
      (parent.type === T.LogicalExpression && parent.operator === '??');
    if (!wraps) return null;
    n = parent;
  }
  return null;
}

/** One line of source for a message: whitespace runs folded, cut at 80 characters. */
function abbreviate(source: string): string {
  const line = source.replace(/\s+/g, ' ');
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** Top-level await or a top-level `main()` in a file no module imports: a program run on its own. */
export function standaloneProgram(q: ModuleQuestion): EntryMatch | null {
  const found = topLevelAwait(q.file, q.fi) ?? mainCall(q.file, q.fi);
  return found && q.importersOf(q.file).length === 0 ? found : null;
}

/**
 * Does the module export anything? A module that exports is meant to be imported or invoked by a
 * runtime (a Lambda `handler`, a Nuxt event handler), not run on its own. `export {}` exports
 * nothing: it only makes a TypeScript file a module, so that it may await at the top.
 */
export function hasExports(program: TSESTree.Program): boolean {
  return program.body.some((s) => {
    if (s.type === T.ExportDefaultDeclaration || s.type === T.ExportAllDeclaration || s.type === T.TSExportAssignment) return true;
    if (s.type === T.ExportNamedDeclaration) return s.declaration !== null || s.specifiers.length > 0;
    if (s.type !== T.ExpressionStatement || s.expression.type !== T.AssignmentExpression || s.expression.left.type !== T.MemberExpression) return false;
    const left = s.expression.left;
    const target = left.object.type === T.MemberExpression ? left.object.object : left.object;
    return target.type === T.Identifier && (target.name === 'module' || target.name === 'exports');
  });
}

/** A page's script: what it runs at the top, it runs for the person who opened the page. */
const BROWSER_CODE = /\b(document|window|localStorage|navigator)\.|dangerouslyAllowBrowser/;
/** Does the text name a browser global or make a client for the browser (the cheap half of `runsInAPage`)? */
export const namesBrowserCode = (text: string): boolean => BROWSER_CODE.test(text);
const BROWSER_GLOBALS = ['document', 'window', 'localStorage', 'navigator'];

/**
 * A page's script: it reads the browser's globals (`document.title`, not a `document` of its own, as in
 * `const document = docs[0]`), or makes a client for the browser. The text is looked at first; the
 * scopes only where it names one of them.
 */
export function runsInAPage(fi: SyntaxModel): boolean {
  // Asked for each call of the file: a file's answer is read once (the text searches cost a 700 KB file of 4,000 calls a second).
  let known = inAPage.get(fi);
  if (known === undefined) inAPage.set(fi, (known = readsAPage(fi)));
  return known;
}
const inAPage = new WeakMap<SyntaxModel, boolean>();

function readsAPage(fi: SyntaxModel): boolean {
  if (!namesBrowserCode(fi.text)) return false;
  if (fi.text.includes('dangerouslyAllowBrowser')) return true;
  return BROWSER_GLOBALS.some((name) =>
    fi.identifiers(name).some((id) => {
      const parent = fi.parents.get(id);
      if (parent?.type !== T.MemberExpression || parent.object !== id) return false;
      const b = fi.resolve(id);
      return b === null || b.kind === 'global';
    }),
  );
}

/**
 * Framework files and components: their module-level code runs when a server or page loads, which
 * says nothing about who waits, so they are never programs run on their own.
 */
export function frameworkOrComponent(file: string): boolean {
  return /\.[jt]sx$/.test(file) || /(^|\/)(app|pages|routes|src\/routes|server|api|netlify|functions)\//.test(file) || /(^|\/)\+(server|page|layout)/.test(file) || /(^|\/)(src\/)?middleware\.[cm]?[jt]s$/.test(file);
}

/**
 * A file that calls a function it declares at the top level (`main()`, `main().catch(…)`,
 * `void run()`), exports nothing, and follows no framework convention: a program run on its own,
 * like one that checks `require.main === module`. The caller checks that no module imports it.
 */
export function mainCall(file: string, fi: SyntaxModel): EntryMatch | null {
  return oncePerFile(mainCallCache, file, fi.text, fi.ast, () => mainCallUncached(file, fi));
}

function mainCallUncached(file: string, fi: SyntaxModel): EntryMatch | null {
  const program = fi.ast;
  if (frameworkOrComponent(file) || hasExports(program) || runsInAPage(fi)) return null;
  for (const stmt of program.body) {
    if (stmt.type !== T.ExpressionStatement) continue;
    let expr: Node = stmt.expression;
    if (expr.type === T.UnaryExpression && expr.operator === 'void') expr = expr.argument;
    if (expr.type === T.AwaitExpression) expr = expr.argument;
    // `main().catch(…)`, `main().then(…).finally(…)`
    while (expr.type === T.CallExpression && expr.callee.type === T.MemberExpression && ['catch', 'then', 'finally'].includes(propertyName(expr.callee.property, expr.callee.computed) ?? '')) expr = expr.callee.object;
    if (expr.type !== T.CallExpression || expr.callee.type !== T.Identifier) continue;
    const name = expr.callee.name;
    const declared = program.body.some(
      (s) =>
        (s.type === T.FunctionDeclaration && s.id?.name === name) ||
        (s.type === T.VariableDeclaration && s.declarations.some((d) => d.id.type === T.Identifier && d.id.name === name && d.init !== null && isFunctionLike(d.init))),
    );
    if (declared) return entry(MAIN_MODULE, MAIN_MODULE.messages.mainCall(name, stmt.loc.start.line), program);
  }
  return null;
}

/** A file that awaits at module level and follows no framework's file convention (the caller checks the importers). */
export function topLevelAwait(file: string, fi: SyntaxModel): EntryMatch | null {
  return oncePerFile(topLevelAwaitCache, file, fi.text, fi.ast, () => topLevelAwaitUncached(file, fi));
}

function topLevelAwaitUncached(file: string, fi: SyntaxModel): EntryMatch | null {
  const program = fi.ast;
  if (!/\bawait\b/.test(fi.text) || frameworkOrComponent(file) || runsInAPage(fi)) return null;
  let found: Node | null = null;
  visit(program, (node) => {
    if (found) return false;
    if (isFunctionLike(node)) return false; // an await inside a function runs when that function is called
    if (node.type === T.AwaitExpression || (node.type === T.ForOfStatement && node.await)) {
      found = node;
      return false;
    }
  });
  if (!found || exportsRuntimeEntry(program)) return null;
  return entry(TOP_LEVEL_AWAIT, TOP_LEVEL_AWAIT.messages.awaits((found as Node).loc.start.line), program);
}

function memberText(n: Node): string {
  if (n.type === T.Identifier) return n.name;
  if (n.type === T.MemberExpression) return `${memberText(n.object)}.${n.property.type === T.Identifier ? n.property.name : '?'}`;
  return '?';
}

/** Export names a runtime invokes (a Lambda `handler`, a route's methods, a Worker's default export): a module that awaits to set itself up, not a program. */
const RUNTIME_EXPORTS = /^(default|handler|main|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|loader|action|actions|config|fetch|scheduled|queue|load|prerender)$/;

/**
 * Does the module export something a runtime calls? A script may also export its helpers (`export
 * async function embed…` beside `await run()`); a module exporting a handler or a default is run by
 * whatever imports or invokes that.
 */
function exportsRuntimeEntry(program: TSESTree.Program): boolean {
  if (!hasExports(program)) return false;
  return program.body.some((s) => {
    if (s.type === T.ExportDefaultDeclaration || s.type === T.ExportAllDeclaration || s.type === T.TSExportAssignment) return true;
    // `module.exports = …` / `exports.x = …`: CommonJS exports of a runtime's module.
    if (s.type === T.ExpressionStatement) return s.expression.type === T.AssignmentExpression && /^(module\.)?exports\b/.test(memberText(s.expression.left));
    if (s.type !== T.ExportNamedDeclaration) return false;
    const names: string[] = s.specifiers.map((sp) => (sp.exported.type === T.Identifier ? sp.exported.name : String(sp.exported.value)));
    const d = s.declaration;
    if (d?.type === T.VariableDeclaration) for (const v of d.declarations) names.push(v.id.type === T.Identifier ? v.id.name : 'default');
    else if (d && 'id' in d && d.id?.type === T.Identifier) names.push(d.id.name);
    return names.some((n) => RUNTIME_EXPORTS.test(n));
  });
}

// ---- command handlers and command-line input

const CLI_PACKAGES: Record<string, { method: string; what: string }> = {
  commander: { method: 'action', what: 'commander' },
  yargs: { method: 'command', what: 'yargs' },
  'yargs/yargs': { method: 'command', what: 'yargs' },
  // `program.command('x', 'd').action(fn)` … `program.run()` (Caporal); `cli.command('x').action(fn)` … `cli.parse()` (cac, sade).
  '@caporal/core': { method: 'action', what: 'Caporal' },
  caporal: { method: 'action', what: 'Caporal' },
  cac: { method: 'action', what: 'cac' },
  sade: { method: 'action', what: 'sade' },
};

/** The package a file's command definitions come from, when the file also parses the command line. */
function cliPackage(fi: SyntaxModel): string | null {
  const text = fi.text;
  if (!/\b(commander|yargs|caporal|cac|sade)\b/.test(text) || !/\.(parse|parseAsync|parseSync|run)\s*\(|\.argv\b/.test(text)) return null;
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
  return COMMAND_LINE_INPUT.messages.command(name, CLI_PACKAGES[pkg].what);
}

/** Text of a module that may load a folder of yargs command modules. */
const LOADS_COMMAND_DIR = textTest((text) => text.includes('commandDir'));

/** A program's `.commandDir(folder)`: the folder (relative to the workspace) and the call a walk starts from. */
interface CommandDir {
  folder: string;
  file: string;
  call: TSESTree.CallExpression;
}
const commandDirs = new WeakMap<ProjectIndex, CommandDir[]>();

/**
 * The folders yargs programs load command modules from: `yargs(…).commandDir('commands')` in a file that
 * parses its command line, the folder read beside that file, or the same through a function of the file that
 * hands its parameter on to `.commandDir` (`commandDir(argv, 'commands')`), from each call of it with a literal.
 */
function commandDirsOf(project: ProjectIndex): CommandDir[] {
  let found = commandDirs.get(project);
  if (found) return found;
  found = [];
  for (const f of project.filesPassing(LOADS_COMMAND_DIR)) {
    const fi = project.get(f);
    const pkg = fi ? cliPackage(fi) : null;
    if (!fi || pkg === null || CLI_PACKAGES[pkg].what !== 'yargs') continue;
    const folder = (lit: string) => joinRelative(dirname(f), lit);
    visit(fi.ast, (n) => {
      if (n.type !== T.CallExpression || n.callee.type !== T.MemberExpression || propertyName(n.callee.property, n.callee.computed) !== 'commandDir') return;
      const arg = n.arguments[0];
      if (arg?.type === T.Literal && typeof arg.value === 'string') {
        found!.push({ folder: folder(arg.value), file: f, call: n });
        return;
      }
      // `function commandDir(argv, directory) { return argv.commandDir(directory, …) }`, called with a literal.
      const fn = arg?.type === T.Identifier ? fi.functionOf(n) : null;
      const index = fn ? fn.params.findIndex((p) => p.type === T.Identifier && p.name === (arg as TSESTree.Identifier).name) : -1;
      const holder = fn ? fi.parents.get(fn) : undefined;
      const name = fn?.type === T.FunctionDeclaration ? fn.id : holder?.type === T.VariableDeclarator && holder.id.type === T.Identifier ? holder.id : null;
      const binding = name ? fi.bindingOf(name) : undefined;
      if (index < 0 || !binding) return;
      for (const ref of fi.referencesOf(binding)) {
        const call = fi.parents.get(ref);
        const given = call?.type === T.CallExpression && call.callee === ref ? call.arguments[index] : undefined;
        if (given?.type === T.Literal && typeof given.value === 'string') found!.push({ folder: folder(given.value), file: f, call: call as TSESTree.CallExpression });
      }
    });
  }
  commandDirs.set(project, found);
  return found;
}

/** A relative folder under `base` ('' for the workspace root), without `.` and `..` steps. */
function joinRelative(base: string, rel: string): string {
  const parts = base === '' ? [] : base.split('/');
  for (const step of rel.split('/')) {
    if (step === '' || step === '.') continue;
    if (step === '..') parts.pop();
    else parts.push(step);
  }
  return parts.join('/');
}

/**
 * A yargs command module (`export default { command, builder, handler }`, or `handler` exported by name) in a
 * folder a program loads with `.commandDir(folder)`: the handler runs as that command, when the program parses
 * what was typed, so the program's own entry reaches it.
 */
export function yargsCommandModule(q: MemberQuestion | ExportQuestion): Path[] | null {
  const handler = 'keys' in q ? q.exportName === 'default' && q.keys.length === 1 && q.keys[0] === 'handler' : q.exportName === 'handler';
  if (!handler || /(^|\/)index\.[cm]?[jt]s$|\.test\.[cm]?[jt]s$/.test(q.file)) return null;
  const loader = commandDirsOf(q.project).find((d) => d.folder === dirname(q.file));
  if (!loader) return null;
  const name = 'keys' in q ? commandOption(q.fi, q.node) : exportedCommand(q.fi);
  const command = COMMAND_LINE_INPUT.messages.command(name, 'yargs');
  const where = `${loader.file}:${loader.call.loc.start.line}`;
  return q.walk(loader.file, loader.call).map((p) => ({ ...p, commandLine: COMMAND_LINE_INPUT.messages.runsAs(command, '`commandDir(…)`', where) }));
}

/** `export const command = 'name …'` of a command module that exports its parts by name. */
function exportedCommand(fi: SyntaxModel): string | null {
  for (const stmt of fi.ast.body) {
    const decl = stmt.type === T.ExportNamedDeclaration ? stmt.declaration : null;
    if (decl?.type !== T.VariableDeclaration) continue;
    for (const d of decl.declarations) if (d.id.type === T.Identifier && d.id.name === 'command' && d.init) return literalArg(d.init);
  }
  return null;
}

/** The `command: 'name …'` beside a handler in its command module's object. */
function commandOption(fi: SyntaxModel, handler: Node): string | null {
  const obj = fi.parents.get(handler);
  if (obj?.type !== T.ObjectExpression) return null;
  for (const p of obj.properties) {
    if (p.type === T.Property && propertyName(p.key, p.computed) === 'command') return literalArg(p.value);
  }
  return null;
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
  return firstOverlapping(argvReads, fi, range, (n) => isArgv(fi, n) && readsValue(fi, n) && !onlyPicksAMode(fi, n) && !checksMainModule(fi, n), /\bargv\b/);
}

/**
 * The nodes of a file that meet a test, in the order a walk meets them, found once per file: each
 * call of a file asks about its own span, and a walk per call made a file of many calls quadratic.
 */
function firstOverlapping(cache: WeakMap<SyntaxModel, Node[]>, fi: SyntaxModel, range: [number, number], test: (n: Node) => boolean, mention: RegExp): Node | null {
  let nodes = cache.get(fi);
  if (!nodes) {
    const found: Node[] = [];
    if (mention.test(fi.text)) visit(fi.ast, (n) => void (test(n) && found.push(n)));
    cache.set(fi, (nodes = found));
  }
  return nodes.find((n) => n.range[1] >= range[0] && n.range[0] <= range[1]) ?? null;
}
const argvReads = new WeakMap<SyntaxModel, Node[]>();
const folderReads = new WeakMap<SyntaxModel, Node[]>();

function isArgv(fi: SyntaxModel, n: Node): boolean {
  if (n.type === T.MemberExpression) return !n.computed && n.property.type === T.Identifier && n.property.name === 'argv' && n.object.type === T.Identifier && n.object.name === 'process';
  if (n.type !== T.Identifier || n.name !== 'argv') return false;
  const parent = fi.parents.get(n);
  if (parent?.type === T.MemberExpression && parent.property === n) return false;
  const b = fi.resolve(n)?.import;
  return b !== undefined && /^(node:)?process$/.test(b.source) && b.imported === 'argv';
}

/** `process.argv[1]` in a main-module check (`import.meta.url === pathToFileURL(process.argv[1]).href`) reads the script's path, not what was typed. */
function checksMainModule(fi: SyntaxModel, argv: Node): boolean {
  const index = argv.type === T.MemberExpression && argv.object.type === T.Identifier ? startedScript(fi, argv.object) : null;
  if (!index) return false;
  if (comparedWithOwnModule(fi, index) !== null) return true;
  // The guard before the check: `process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href`.
  const guard = fi.parents.get(index);
  if (guard?.type !== T.LogicalExpression || guard.operator !== '&&' || guard.left !== index) return false;
  const check = mainModuleCheck(fi);
  return check !== null && check.range[0] >= guard.right.range[0] && check.range[1] <= guard.right.range[1];
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

const EQUALITY = new Set(['===', '!==', '==', '!=']);

/**
 * A command-line value used only to pick what the program does (`const command = args[0]; if (command
 * === 'ui') …`, a `switch`, a log line) is no prompt: nothing typed reaches a request. Followed through
 * variables and `args[0]`-style reads, a few steps deep; any other use counts as input.
 */
function onlyPicksAMode(fi: SyntaxModel, argv: Node): boolean {
  let value: Node = argv;
  const parent = fi.parents.get(argv);
  if (parent?.type === T.MemberExpression && parent.object === argv) {
    value = parent;
    const call = fi.parents.get(parent);
    if (call?.type === T.CallExpression && call.callee === parent) value = call; // process.argv.slice(2)
  }
  return valuePicksAMode(fi, value, 0);
}

function valuePicksAMode(fi: SyntaxModel, value: Node, depth: number): boolean {
  if (depth > 3) return false;
  const parent = fi.parents.get(value);
  if (parent?.type === T.VariableDeclarator && parent.init === value) {
    const ids = parent.id.type === T.Identifier ? [parent.id] : parent.id.type === T.ArrayPattern ? parent.id.elements : [null];
    return ids.every((id) => {
      if (id === null) return true; // a hole in `const [, , cmd] = …`
      if (id.type !== T.Identifier) return false;
      const b = fi.bindingOf(id);
      const refs = b ? fi.referencesOf(b) : [];
      return refs.length > 0 && refs.every((r) => usePicksAMode(fi, r, depth));
    });
  }
  return usePicksAMode(fi, value, depth);
}

function usePicksAMode(fi: SyntaxModel, ref: Node, depth: number): boolean {
  const parent = fi.parents.get(ref);
  if (parent?.type === T.BinaryExpression && EQUALITY.has(parent.operator)) return (parent.left === ref ? parent.right : parent.left).type === T.Literal;
  if (parent?.type === T.SwitchStatement && parent.discriminant === ref) return true;
  // `args[0]`: the word read from the list, followed on.
  if (parent?.type === T.MemberExpression && parent.object === ref && parent.computed && parent.property.type === T.Literal) return valuePicksAMode(fi, parent, depth + 1);
  // Logged: `console.error(\`Unknown command: ${command}\`)`.
  const logged = parent?.type === T.TemplateLiteral ? fi.parents.get(parent) : parent;
  const logValue = parent?.type === T.TemplateLiteral ? parent : ref;
  return logged?.type === T.CallExpression && logged.arguments.includes(logValue as never) && logged.callee.type === T.MemberExpression && logged.callee.object.type === T.Identifier && logged.callee.object.name === 'console';
}

/** Calls that read a whole folder: one call over what they return is bulk work, whoever names the folder. */
const FOLDER_READERS = new Set(['readdir', 'readdirSync', 'opendir', 'glob', 'globSync', 'fg', 'fastGlob']);

/** Whether `range` reads a folder's files (`readdirSync(dir)`, `glob('docs/**')`). */
export function readsFolderIn(fi: SyntaxModel, range: [number, number]): boolean {
  const reader = (n: Node) => {
    if (n.type !== T.CallExpression) return false;
    const name = n.callee.type === T.Identifier ? n.callee.name : n.callee.type === T.MemberExpression ? propertyName(n.callee.property, n.callee.computed) : null;
    return name !== null && FOLDER_READERS.has(name);
  };
  return firstOverlapping(folderReads, fi, range, reader, /\b(readdir|readdirSync|opendir|glob|globSync|fg|fastGlob)\b/) !== null;
}

/**
 * A batch path that makes one call per run of a command-line program from what was typed on its
 * command line (a command's arguments, `process.argv`): the person who typed it waits for the answer,
 * or may; it is no bulk work. Open, not batchable. Null when the path is not such a run, or when the
 * run only enqueues a job that makes the call and does not wait for it.
 */
export function oneShotCommand(project: ProjectIndex, p: Path): Path | null {
  // A command that only enqueues the job making the call is done before the call runs: nobody at the terminal waits for it.
  if (p.effect !== 'batchable' || p.loops.length > 0 || p.enqueuedOnly) return null;
  const spans = [...(p.spans ?? []), { file: p.file, range: [0, Number.MAX_SAFE_INTEGER] as [number, number] }];
  // One call over every file of a folder (`embedDocuments(readdirSync(dir).map(read))`) is bulk work.
  if (spans.some((span) => { const fi = project.get(span.file); return fi != null && readsFolderIn(fi, span.range); })) return null;
  let input = p.commandLine ?? null;
  if (!input) {
    for (const span of spans) {
      const fi = project.get(span.file);
      const read = fi ? argvReadIn(fi, span.range) : null;
      if (read) {
        input = COMMAND_LINE_INPUT.messages.readsArgv(`${span.file}:${read.loc.start.line}`);
        break;
      }
    }
  }
  if (!input) return null;
  return { ...p, effect: 'open', rule: COMMAND_LINE_INPUT, entry: COMMAND_LINE_INPUT.messages.oneShot(p.entry, input) };
}

/** The `#!` line, which ends at any line break (a CR-only file's too); the whole text when it is one line. */
function shebangLine(text: string): string {
  const end = nextLineBreak(text, 0);
  return text.slice(0, end < 0 ? text.length : end).trim();
}
