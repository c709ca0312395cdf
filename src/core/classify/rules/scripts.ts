// Stand-alone scripts: a file that exports nothing and that no module imports is run on its own
// (`node file`, `tsx file`), so its module-level code is a script's run, unless it, or a file it
// imports by a relative path, shows a person being answered: a prompt or stdin, a server, a bot, a UI.
import { scanSpecifiers, type ProjectIndex } from '../../project';
import type { ModuleQuestion } from './hooks';
import { BROWSER_CODE, frameworkOrComponent, hasExports } from './cli';
import { isBreeJobFile } from './namedJobs';
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
const ANSWERS_A_PERSON: readonly RegExp[] = [
  // Terminal input: stdin, readline, prompt packages (rules/terminal.ts reads the same ones precisely).
  /\bprocess\.stdin\b|\bstdin\b|\breadline\b|['"](?:@inquirer\/prompts|inquirer|@clack\/prompts|prompts|enquirer|readline-sync)['"]/,
  // A server or socket: `app.listen(…)`, `createServer`, `Bun.serve`, `serve(app)`, a WebSocket server.
  /\.listen\s*\(|\bcreateServer\b|\bserve\s*\(|\bWebSocketServer\b|['"](?:express|fastify|koa|hono|@nestjs\/core|socket\.io|ws)['"]/,
  // Bots: their handlers answer messages.
  /['"](?:discord\.js|telegraf|grammy|node-telegram-bot-api|@slack\/bolt|whatsapp-web\.js|botbuilder)['"]|\.login\s*\(|\.launch\s*\(|startPolling/,
  // A UI: Electron, a terminal UI, a page, an editor, a browser extension; a worker answers its parent's messages.
  /['"](?:electron|ink|blessed|react-dom(?:\/client)?|vscode)['"]|\bchrome\.|\bbrowser\.runtime\b|\bparentPort\b|\bonmessage\b|\baddEventListener\s*\(/,
];

/** How many files the scan of relative imports reads before it gives up (and then keeps the file open). */
const MAX_SCANNED = 40;

const scans = new WeakMap<ProjectIndex, Map<string, boolean>>();

/** Whether the file, or a file it imports by a relative path (transitively), shows a person being answered. */
function answersAPerson(project: ProjectIndex, file: string): boolean {
  let byFile = scans.get(project);
  if (!byFile) scans.set(project, (byFile = new Map()));
  const known = byFile.get(file);
  if (known !== undefined) return known;
  const seen = new Set([file]);
  const queue = [file];
  let found = false;
  while (queue.length > 0 && !found) {
    const f = queue.shift()!;
    const text = project.text(f);
    if (text === undefined) continue;
    if (ANSWERS_A_PERSON.some((re) => re.test(text)) || BROWSER_CODE.test(text)) {
      found = true;
      break;
    }
    for (const spec of scanSpecifiers(text).specifiers) {
      if (!spec.startsWith('.')) continue;
      const target = project.resolveImport(f, spec);
      if (target === null || seen.has(target)) continue;
      if (seen.size >= MAX_SCANNED) {
        found = true; // too much to read: not shown to be a script
        break;
      }
      seen.add(target);
      queue.push(target);
    }
  }
  byFile.set(file, found);
  return found;
}

/**
 * Module-level code of a file that exports nothing, follows no framework's file convention and is
 * imported by no module: a script run on its own. Asked after every other module entry (a server's
 * start-up, an npm script, a shebang, top-level await…), so it only decides what nothing else does.
 */
export function standaloneScript(q: ModuleQuestion): EntryMatch | null {
  if (frameworkOrComponent(q.file) || /\.config\.[cm]?[jt]s$/.test(q.file) || hasExports(q.fi.ast)) return null;
  // A job file a runner loads by its path (Bree's jobs/<name>.js) is run by that runner, when it says.
  if (q.importersOf(q.file).length > 0 || isBreeJobFile(q) || answersAPerson(q.project, q.file)) return null;
  return entry(STANDALONE_SCRIPT, STANDALONE_SCRIPT.messages.script(q.file), q.fi.ast);
}
