// Stand-alone scripts: a file that exports nothing and that no module imports is run on its own
// (`node file`, `tsx file`), so its module-level code is a script's run, unless it, or a file it
// imports by a relative path, shows a person being answered: a prompt or stdin, a server, a bot, a UI.
import { AST_NODE_TYPES as T } from '../../parse/parse';
import { scanSpecifiers, type ProjectIndex } from '../../project';
import type { ModuleQuestion } from './hooks';
import { BROWSER_CODE, frameworkOrComponent, hasExports } from './cli';
import { isBreeJobFile } from './namedJobs';
import { openPath, type Path } from '../path';
import { NO_ENTRY_POINT } from './reach';
import { defineRule, entry, EntryMatch } from './rule';

export const STANDALONE_SCRIPT = defineRule({
  id: 'standalone-script',
  effect: 'batchable',
  title: 'A script run on its own: module-level code in a file no module imports',
  messages: {
    script: (file: string) => `a script run on its own: module-level code in ${file}, which exports nothing and which no module imports; nothing in it or in what it imports prompts a person, serves requests, or runs a bot or a UI`,
  },
});

export const RULES = [STANDALONE_SCRIPT] as const;

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
    const shown = ANSWERS_A_PERSON.find((a) => a.test.test(text))?.what ?? (BROWSER_CODE.test(text) && runsInAPage(project, f, text) ? 'runs in a page' : null);
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

const BROWSER_GLOBALS = ['document', 'window', 'localStorage', 'navigator'];

/**
 * A page's script: it reads the browser's globals (`document.title`, not a `document` of its own, as in
 * `const document = docs[0]`), or makes a client for the browser. A file that does not parse counts.
 */
function runsInAPage(project: ProjectIndex, file: string, text: string): boolean {
  if (text.includes('dangerouslyAllowBrowser')) return true;
  const fi = project.get(file);
  if (!fi) return true;
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
