// Stand-alone scripts: a file that exports nothing and that no module imports is run on its own
// (`node file`, `tsx file`), so its module-level code is a script's run, unless it, or a file it
// imports by a relative path, shows a person being answered: a prompt or stdin, a server, a bot, a UI.
// And the exports an example folder's own runner loads by path and calls (example-runner).
import { AST_NODE_TYPES as T } from '../../parse/parse';
import { visit, type Node } from '../../parse/walk';
import { dirname, scanSpecifiers, textTest, type ProjectIndex } from '../../project';
import type { SyntaxModel } from '../../syntax/model';
import { isFunctionLike, propertyName, type FunctionLike } from '../../syntax/nodes';
import type { ExportQuestion, ModuleQuestion } from './hooks';
import { COMMAND_LINE_INPUT, executable, frameworkOrComponent, hasExports, namesBrowserCode, packageScript, runsInAPage } from './cli';
import { isBreeJobFile } from './namedJobs';
import { openPath, toPath, type Path } from '../path';
import { NO_ENTRY_POINT } from './reach';
import { defineRule, entry, EntryMatch } from './rule';

export const STANDALONE_SCRIPT = defineRule({
  id: 'standalone-script',
  effect: 'batchable',
  title: 'A script run on its own: module-level code in a file no module imports',
  messages: {
    script: (file: string) => `a script run on its own: module-level code in ${file}, which exports nothing and which no module imports; nothing in it or in what it imports prompts a person, serves requests, or runs a bot or a UI`,
    convexByHand: (kind: string, ref: string, where: string) =>
      `the Convex ${kind} \`${ref}\` at ${where}, which takes no arguments and which nothing in the workspace schedules or runs: only the deployment's operators can run it (\`npx convex run\`, the dashboard), as a script is run by hand`,
  },
});

/**
 * What shows that a file's code answers a person, by a text test over the file and what it imports by
 * a relative path. Deliberately broad: a script wrongly left open costs a comment, one wrongly called
 * batchable misleads.
 */
const ANSWERS_A_PERSON: readonly { test: RegExp; what: string }[] = [
  // Terminal input: stdin, readline, prompt packages (rules/terminal.ts reads the same ones precisely).
  { test: /\bprocess\.stdin\b|\bstdin\b|\breadline\b|['"](?:@inquirer\/prompts|inquirer|@clack\/prompts|prompts|enquirer|readline-sync)['"]/, what: 'reads what a person types' },
  // A server or socket: `app.listen(…)`, `createServer`, `Bun.serve`, `serve(app)`, a WebSocket server.
  { test: /\.listen\s*\(|\bcreateServer\b|\bserve\s*\(|\bWebSocketServer\b|['"](?:express|fastify|koa|hono|@nestjs\/core|socket\.io|ws)['"]/, what: 'serves requests' },
  // Bots: their handlers answer messages.
  { test: /['"](?:discord\.js|telegraf|grammy|node-telegram-bot-api|@slack\/bolt|whatsapp-web\.js|botbuilder)['"]|\.login\s*\(|\.launch\s*\(|startPolling/, what: 'runs a bot' },
  // A UI: Electron, a terminal UI, an editor, a browser extension; a worker answers its parent's messages.
  { test: /['"](?:electron|ink|blessed|react-dom(?:\/client)?|vscode)['"]|\bchrome\.|\bbrowser\.runtime\b|\bparentPort\b|\bonmessage\b|\baddEventListener\s*\(/, what: 'runs a UI or answers messages' },
];

/** How many files the scan of relative imports reads before it gives up (and then keeps the file open). */
const MAX_SCANNED = 40;

/** Why a file is not taken for a script: what it does and the file that shows it. */
interface NotAScript {
  what: string;
  file: string;
}

const scans = new WeakMap<ProjectIndex, Map<string, NotAScript | null>>();

/** What shows the file, or a file it imports by a relative path (transitively), answering a person; null when nothing does. */
function answersAPerson(project: ProjectIndex, file: string): NotAScript | null {
  let byFile = scans.get(project);
  if (!byFile) scans.set(project, (byFile = new Map()));
  const known = byFile.get(file);
  if (known !== undefined) return known;
  const seen = new Set([file]);
  const queue = [file];
  let found: NotAScript | null = null;
  while (queue.length > 0 && !found) {
    const f = queue.shift()!;
    const text = project.text(f);
    if (text === undefined) continue;
    const shown = ANSWERS_A_PERSON.find((a) => a.test.test(text))?.what ?? (pageScript(project, f) ? 'runs in a page' : null);
    if (shown) {
      found = { what: shown, file: f };
      break;
    }
    for (const spec of scanSpecifiers(text).specifiers) {
      if (!spec.startsWith('.')) continue;
      const target = project.resolveImport(f, spec);
      if (target === null || seen.has(target)) continue;
      if (seen.size >= MAX_SCANNED) {
        found = { what: `imports more than ${MAX_SCANNED} files by relative paths, too many to read`, file };
        break;
      }
      seen.add(target);
      queue.push(target);
    }
  }
  byFile.set(file, found);
  return found;
}

/** Does a file the scan reaches run in a page? Parsed only when its text names a browser global; one that does not parse counts. */
function pageScript(project: ProjectIndex, file: string): boolean {
  const text = project.text(file) ?? '';
  if (!namesBrowserCode(text)) return false;
  const fi = project.get(file);
  return fi === null || runsInAPage(fi);
}

/**
 * Module-level code of a file that exports nothing, follows no framework's file convention and is
 * imported by no module: a script run on its own. Asked after every other module entry (a server's
 * start-up, an npm script, a shebang, top-level await…), so it only decides what nothing else does.
 */
export function standaloneScript(q: ModuleQuestion): EntryMatch | Path | null {
  if (frameworkOrComponent(q.file) || /\.config\.[cm]?[jt]s$/.test(q.file) || hasExports(q.fi.ast)) return null;
  // A job file a runner loads by its path (Bree's jobs/<name>.js) is run by that runner, when it says.
  if (q.importersOf(q.file).length > 0 || isBreeJobFile(q)) return null;
  const not = answersAPerson(q.project, q.file);
  if (not) {
    const how = not.file === q.file ? `it ${not.what}` : `${not.file}, which it imports, ${not.what}`;
    return openPath(NO_ENTRY_POINT, NO_ENTRY_POINT.messages.notAScript(q.file, how), q.file, 1, { moduleLevel: true });
  }
  return entry(STANDALONE_SCRIPT, STANDALONE_SCRIPT.messages.script(q.file), q.fi.ast);
}

// ---- a folder's own example runner

export const EXAMPLE_RUNNER = defineRule({
  id: 'example-runner',
  effect: 'batchable',
  title: "Run by the project's own runner, which loads a file by its path and calls an export",
  configFiles: ['package.json'],
  messages: {
    runner: (runner: string, how: string, exportName: string, line: number) =>
      `run by ${runner} (${how}), which loads a file of its folder by the path it is given and calls its \`${exportName}\` export (line ${line})`,
  },
});

/** A runner that loads files by a computed path (`await import(path.join(dir, name))`) and reads an export off them. */
interface PathLoader {
  file: string;
  dir: string;
  exports: Set<string>;
  line: number;
}

const loaders = new WeakMap<ProjectIndex, PathLoader[]>();

/** A dynamic import whose argument is not a plain string: a path computed at run time. */
const IMPORTS_COMPUTED_PATH = textTest((text) => text.includes('import') && /\bimport\s*\(\s*(?!['"])/.test(text));

/** Every file that imports a computed path and reads named exports off what it loads. */
function pathLoaders(project: ProjectIndex): PathLoader[] {
  let found = loaders.get(project);
  if (found) return found;
  loaders.set(project, (found = []));
  for (const file of project.filesPassing(IMPORTS_COMPUTED_PATH)) {
    const fi = project.get(file);
    if (!fi) continue;
    visit(fi.ast, (node) => {
      if (node.type !== T.ImportExpression || node.source.type === T.Literal || (node.source.type === T.TemplateLiteral && node.source.expressions.length === 0)) return;
      const names = exportsReadOff(fi, node);
      if (names.size > 0) found!.push({ file, dir: dirname(file), exports: names, line: node.loc.start.line });
    });
  }
  return found;
}

/**
 * The export names a runner calls off a module it loaded: `const { run } = await import(p); run()`,
 * `({ run: f } = await import(p)); f(args)`, `(await import(p)).run()`, `mod.run()` on
 * `const mod = await import(p)`. A name only read (a route registered by a server) does not count.
 */
function exportsReadOff(fi: SyntaxModel, load: Node): Set<string> {
  const names = new Set<string>();
  let value: Node = load;
  let parent = fi.parents.get(value);
  if (parent?.type === T.AwaitExpression) {
    value = parent;
    parent = fi.parents.get(value);
  }
  const isCallee = (n: Node) => {
    const p = fi.parents.get(n);
    return p?.type === T.CallExpression && p.callee === n;
  };
  const called = (local: Node) => {
    if (local.type !== T.Identifier) return false;
    const b = fi.resolve(local);
    return b !== null && fi.referencesOf(b).some(isCallee);
  };
  const fromPattern = (pattern: Node) => {
    if (pattern.type !== T.ObjectPattern) return;
    for (const p of pattern.properties) {
      const key = p.type === T.Property ? propertyName(p.key, p.computed) : null;
      if (key && p.type === T.Property && called(p.value.type === T.AssignmentPattern ? p.value.left : p.value)) names.add(key);
    }
  };
  const fromMember = (member: Node | undefined, object: Node) => {
    if (member?.type !== T.MemberExpression || member.object !== object || !isCallee(member)) return;
    const key = propertyName(member.property, member.computed);
    if (key) names.add(key);
  };
  if (parent?.type === T.VariableDeclarator && parent.init === value) {
    if (parent.id.type === T.ObjectPattern) fromPattern(parent.id);
    else if (parent.id.type === T.Identifier) {
      const b = fi.bindingOf(parent.id);
      for (const use of b ? fi.referencesOf(b) : []) fromMember(fi.parents.get(use), use);
    }
  } else if (parent?.type === T.AssignmentExpression && parent.right === value) fromPattern(parent.left);
  else fromMember(parent, value);
  return names;
}

/**
 * An export of a file that the project's own runner loads by path and calls (`npm start -- llms/openai.ts`
 * runs `src/index.ts`, which imports `src/llms/openai.ts` and calls its `run`): the export runs as that
 * program. The runner must itself be run as a program (an npm script, a bin, a shebang, a main check)
 * and sit at or above the file's folder. A `run` that reads the arguments it is handed answers whoever
 * typed them: the command-line rule says so.
 */
export function exampleRunnerExport(q: ExportQuestion): Path[] | null {
  for (const loader of pathLoaders(q.project)) {
    if (loader.file === q.file || !loader.exports.has(q.exportName) || (loader.dir !== '' && !q.file.startsWith(loader.dir + '/'))) continue;
    const fi = q.project.get(loader.file);
    // A server or bot that loads its handlers by path runs them for whoever calls it.
    if (!fi || answersAPerson(q.project, loader.file)) continue;
    const run = packageScript({ ...q, fi, file: loader.file }) ?? executable({ ...q, fi, file: loader.file });
    if (!run) continue;
    const how = run.script ? `the npm script \`${run.script}\`` : run.message;
    const path = toPath(entry(EXAMPLE_RUNNER, EXAMPLE_RUNNER.messages.runner(loader.file, how, q.exportName, loader.line), q.value), q.file);
    const fn = functionOf(q.fi, q.value);
    // The runner hands the function what was typed after the file's name.
    if (fn && fn.params.length > 0) path.commandLine = COMMAND_LINE_INPUT.messages.runsAs(`\`${loader.file}\``, `\`${q.exportName}\` given the arguments`, `${loader.file}:${loader.line}`);
    return [path];
  }
  return null;
}

/** The function an exported node stands for: the node itself, or a declarator's initialiser. */
function functionOf(fi: SyntaxModel, node: Node): FunctionLike | null {
  if (isFunctionLike(node)) return node;
  const parent = fi.parents.get(node);
  if (parent?.type === T.VariableDeclarator && parent.init && isFunctionLike(parent.init)) return parent.init;
  if (node.type === T.VariableDeclarator && node.init && isFunctionLike(node.init)) return node.init;
  return null;
}

export const RULES = [STANDALONE_SCRIPT, EXAMPLE_RUNNER] as const;
