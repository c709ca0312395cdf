// Recognisers for the places code is entered from: framework registrations, file conventions,
// package scripts. Each returns the rule id it matched and a sentence, or null.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, type Node } from '../parse/walk';
import { isFunctionLike, propertyName } from '../detect/resolve';
import { parse as parseYaml } from 'yaml';
import { stripExtension } from '../project';

export interface EntryMatch {
  rule: string;
  message: string;
  node: Node;
  /** A cron expression, when the entry runs on one. */
  schedule?: string;
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'options', 'head']);
const ROUTE_EXPORTS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const SOCKET_EVENTS = new Set(['message', 'connection', 'data']);
const BOT_EVENTS = new Set(['messageCreate', 'interactionCreate', 'text', 'message_created', 'app_mention']);
const BOT_METHODS = new Set(['message', 'command', 'action', 'event', 'shortcut', 'hears', 'view']);

function stringArg(node: Node | undefined): string | null {
  if (!node) return null;
  if (node.type === T.Literal && typeof node.value === 'string') return node.value;
  if (node.type === T.TemplateLiteral && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? null;
  return null;
}

function looksLikeCronSpec(s: string): boolean {
  const fields = s.trim().split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((f) => /^[\d*/,\-?LW#A-Za-z]+$/.test(f));
}

/** A function handed to a registration call: `app.post('/x', fn)`, `cron.schedule('0 * * * *', fn)`, `ws.on('message', fn)`. */
export function matchRegistration(call: TSESTree.CallExpression | TSESTree.NewExpression, file: string): EntryMatch | null {
  const line = call.loc.start.line;
  const where = `${file}:${line}`;
  if (call.type === T.NewExpression) {
    if (call.callee.type === T.Identifier && call.callee.name === 'CronJob') {
      const spec = stringArg(call.arguments[0]);
      return { rule: 'cron-schedule', message: `runs on the cron schedule ${spec ? `'${spec}'` : ''} (new CronJob) at ${where}`.replace('  ', ' '), node: call, schedule: spec ?? undefined };
    }
    return null;
  }
  if (call.callee.type !== T.MemberExpression) {
    if (call.callee.type === T.Identifier && ['registerCommand', 'registerTextEditorCommand'].includes(call.callee.name)) {
      return { rule: 'editor-command', message: `editor command handler at ${where}`, node: call };
    }
    if (call.callee.type === T.Identifier && call.callee.name === 'scheduleJob') {
      return { rule: 'cron-schedule', message: `runs on a node-schedule job at ${where}`, node: call };
    }
    return null;
  }
  const method = propertyName(call.callee.property, call.callee.computed);
  if (!method) return null;
  const first = stringArg(call.arguments[0]);
  if (HTTP_METHODS.has(method) && first !== null && first.startsWith('/')) {
    return { rule: 'http-route-handler', message: `${method.toUpperCase()} ${first} route handler at ${where}`, node: call };
  }
  if (method === 'scheduleJob' || (method === 'schedule' && first !== null && looksLikeCronSpec(first))) {
    return { rule: 'cron-schedule', message: `runs on the ${first ? `schedule '${first}'` : 'node-schedule job'} at ${where}`, node: call, schedule: first ?? undefined };
  }
  if ((method === 'on' || method === 'once') && first !== null) {
    if (BOT_EVENTS.has(first)) return { rule: 'chat-bot-handler', message: `bot handler for '${first}' events at ${where}`, node: call };
    if (SOCKET_EVENTS.has(first)) return { rule: 'websocket-handler', message: `socket handler for '${first}' events at ${where}`, node: call };
  }
  const receiver = rootIdentifier(call.callee.object);
  if (method === 'use' && receiver && /^(app|router|server|api|koa|hono)$/i.test(receiver) && first === null) {
    return { rule: 'http-route-handler', message: `HTTP middleware (${receiver}.use) at ${where}`, node: call };
  }
  if ((method === 'query' || method === 'mutation' || method === 'subscription') && receiver && /procedure/i.test(receiver)) {
    return { rule: 'rpc-procedure', message: `tRPC ${method} procedure at ${where}`, node: call };
  }
  if (receiver === 'ipcMain' && ['handle', 'handleOnce', 'on', 'once'].includes(method)) {
    return { rule: 'electron-ipc', message: `Electron IPC handler${first ? ` for '${first}'` : ''} at ${where}`, node: call };
  }
  if (method === 'registerCommand' || method === 'registerTextEditorCommand') {
    return { rule: 'editor-command', message: `editor command${first ? ` '${first}'` : ''} at ${where}`, node: call };
  }
  if (BOT_METHODS.has(method) && call.callee.object.type === T.Identifier && /^(app|bot|slack|telegraf|bolt)$/i.test(call.callee.object.name)) {
    return { rule: 'chat-bot-handler', message: `bot ${method} handler at ${where}`, node: call };
  }
  return null;
}

/** The identifier a member chain or call chain starts from: `publicProcedure.input(x).query` → 'publicProcedure'. */
export function rootIdentifier(node: Node): string | null {
  let cur: Node = node;
  for (;;) {
    if (cur.type === T.Identifier) return cur.name;
    if (cur.type === T.MemberExpression) cur = cur.object;
    else if (cur.type === T.CallExpression) cur = cur.callee;
    else return null;
  }
}

/** The URL path a Next.js route file serves: app/api/x/route.ts and pages/api/x.ts → /api/x. */
export function nextRoutePath(file: string): string | null {
  const base = stripExtension(file);
  const app = /(?:^|\/)app(\/.*)?\/route$/.exec(base);
  if (app) return (app[1] ?? '/').replace(/\/\([^/]+\)/g, '') || '/';
  const pages = /(?:^|\/)pages(\/api\/.*)$/.exec(base);
  if (pages) return pages[1].replace(/\/index$/, '');
  return null;
}

export function isEvalFile(file: string): boolean {
  return /(^|\/)evals?\//.test(file) || /\.eval\.[cm]?[jt]sx?$/.test(file);
}

/** Code that streams to an HTTP client: the function holding it answers a person who is reading. */
export const STREAM_TO_CLIENT = /\bres\.write\(|text\/event-stream|\bstreamText\(|toDataStreamResponse\(|toTextStreamResponse\(|\.pipe\(\s*res\b/;

/** File-convention entries for an exported function: Next.js route.ts / pages/api, SvelteKit +server.ts. */
export function matchExportConvention(file: string, exportName: string, node: Node): EntryMatch | null {
  const where = `${file}:${node.loc.start.line}`;
  const base = stripExtension(file);
  if (/(^|\/)app\/(.*\/)?route$/.test(base) && ROUTE_EXPORTS.has(exportName)) {
    return { rule: 'nextjs-route-handler', message: `Next.js ${exportName} route handler in ${where}`, node };
  }
  if (/(^|\/)\+server$/.test(base) && ROUTE_EXPORTS.has(exportName)) {
    return { rule: 'http-route-handler', message: `SvelteKit ${exportName} endpoint in ${where}`, node };
  }
  if (/(^|\/)app\/routes\//.test(base) && (exportName === 'loader' || exportName === 'action')) {
    return { rule: 'remix-loader', message: `Remix ${exportName} in ${where}`, node };
  }
  if (/(^|\/)pages\/api\//.test(base) && exportName === 'default') {
    return { rule: 'nextjs-api-route', message: `Next.js API route handler in ${where}`, node };
  }
  return null;
}

export function hasDirective(body: readonly Node[], directive: string): boolean {
  for (const stmt of body) {
    if (stmt.type !== T.ExpressionStatement) return false;
    if (stmt.directive === directive) return true;
    if (!stmt.directive) return false;
  }
  return false;
}

export function isTestFile(file: string): boolean {
  return /(^|\/)(__tests__|__mocks__|test|tests|spec)\//.test(file) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(file);
}

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

export interface ScheduledWorkflow {
  file: string;
  crons: string[];
  /** The `run:` commands of its steps. */
  runs: string[];
}

/** GitHub Actions workflows triggered by `on: schedule`. Unreadable YAML names no workflow. */
export function readScheduledWorkflows(files: readonly string[], read: (p: string) => string | undefined): ScheduledWorkflow[] {
  const out: ScheduledWorkflow[] = [];
  for (const file of files) {
    if (!/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(file)) continue;
    const text = read(file);
    if (!text) continue;
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch {
      continue;
    }
    const wf = doc as { on?: unknown; true?: unknown; jobs?: Record<string, { steps?: { run?: unknown }[] }> } | null;
    const on = (wf?.on ?? wf?.true) as { schedule?: { cron?: unknown }[] } | undefined;
    if (!on || typeof on !== 'object' || !Array.isArray(on.schedule)) continue;
    const crons = on.schedule.map((s) => String(s?.cron ?? '')).filter(Boolean);
    const runs: string[] = [];
    for (const job of Object.values(wf?.jobs ?? {})) {
      for (const step of job?.steps ?? []) if (typeof step?.run === 'string') runs.push(step.run);
    }
    out.push({ file, crons, runs });
  }
  return out;
}

/** Source files a promptfoo config names with file:// (custom providers, prompt functions): eval harness code. */
export function readPromptfooFiles(files: readonly string[], read: (p: string) => string | undefined, resolve: (from: string, spec: string) => string | null): Set<string> {
  const out = new Set<string>();
  for (const file of files) {
    if (!/(^|\/)promptfooconfig\.ya?ml$/.test(file)) continue;
    let doc: unknown;
    try {
      doc = parseYaml(read(file) ?? '');
    } catch {
      continue;
    }
    const refs: string[] = [];
    const collect = (v: unknown) => {
      if (typeof v === 'string' && v.startsWith('file://')) refs.push(v.slice('file://'.length).split(':')[0]);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(doc);
    for (const ref of refs) {
      const target = resolve(file, ref.startsWith('.') ? ref : './' + ref);
      if (target) out.add(target);
    }
  }
  return out;
}

/** npm script names a shell command runs: `npm run x`, `npm run-script x`, `yarn x`, `pnpm x`, `bun run x`. */
function scriptNamesIn(command: string): string[] {
  const names: string[] = [];
  for (const m of command.matchAll(/\b(?:npm\s+(?:run|run-script)|yarn(?:\s+run)?|pnpm(?:\s+run)?|bun\s+run)\s+([\w:.-]+)/g)) names.push(m[1]);
  return names;
}

function commandRunsFile(command: string, stem: string): boolean {
  const tokens = command.split(/[\s;&|]+/).map(normaliseRef);
  // Compiled output (dist/x.js) maps back to the source file by its path after the build folder.
  return tokens.some((t) => t === stem || (t.length > 0 && t.includes('/') && stem.endsWith('/' + t.replace(/^(dist|build|out|lib)\//, ''))));
}

function normaliseRef(p: string): string {
  return stripExtension(p.replace(/^\.\//, ''));
}

/** File-level entries: npm scripts and bin entries naming the file, shebangs, main-module checks. */
export function matchFileEntry(
  file: string,
  text: string,
  program: TSESTree.Program,
  pkg: PackageInfo | null,
  workflows: readonly ScheduledWorkflow[] = [],
): EntryMatch | null {
  const stem = stripExtension(file);
  const scriptsRunningFile = pkg ? Object.entries(pkg.scripts).filter(([, command]) => commandRunsFile(command, stem)) : [];
  for (const wf of workflows) {
    for (const run of wf.runs) {
      const viaScript = scriptsRunningFile.find(([name]) => scriptNamesIn(run).includes(name));
      if (viaScript || commandRunsFile(run, stem)) {
        const how = viaScript ? `the npm script \`${viaScript[0]}\`` : `\`${run.trim().split('\n')[0]}\``;
        const when = wf.crons.length ? ` on the schedule '${wf.crons.join("', '")}'` : '';
        return { rule: 'scheduled-workflow', message: `run by ${how} in the scheduled GitHub Actions workflow ${wf.file}${when}`, node: program };
      }
    }
  }
  if (scriptsRunningFile.length > 0) {
    const [name, command] = scriptsRunningFile[0];
    return { rule: 'npm-script', message: `run by the npm script \`${name}\` (\`${command}\`)`, node: program };
  }
  if (pkg) {
    for (const [name, target] of Object.entries(pkg.bin)) {
      if (normaliseRef(target) === stem) return { rule: 'bin-entry', message: `the \`${name}\` bin entry of package.json`, node: program };
    }
  }
  if (isEvalFile(file)) return { rule: 'eval-harness', message: `an eval harness (${file})`, node: program };
  if (text.startsWith('#!')) return { rule: 'shebang-script', message: `an executable script (${text.slice(0, text.indexOf('\n')).trim()})`, node: program };
  const main = /require\.main\s*===?\s*module|import\.meta\.main/.exec(text);
  if (main) return { rule: 'main-module', message: `runs as a main module (${main[0].startsWith('import') ? 'import.meta.main' : 'require.main === module'})`, node: program };
  return null;
}

/**
 * A file that awaits at module level, is imported by no other module and follows no framework's file
 * convention is a program run on its own (`node x.mjs`, `tsx x.ts`). The caller checks the importers;
 * this checks the file. Framework files and components are left out: their module-level code runs
 * when a server or page loads, which says nothing about who waits.
 */
export function topLevelAwait(file: string, text: string, program: TSESTree.Program): EntryMatch | null {
  if (!/\bawait\b/.test(text) || /\.[jt]sx$/.test(file) || /(^|\/)(app|pages|routes|src\/routes)\//.test(file) || /(^|\/)\+(server|page|layout)/.test(file)) return null;
  let found: Node | null = null;
  visit(program, (node) => {
    if (found) return false;
    if (isFunctionLike(node)) return false; // an await inside a function runs when that function is called
    if (node.type === T.AwaitExpression || (node.type === T.ForOfStatement && node.await)) {
      found = node;
      return false;
    }
  });
  if (!found) return null;
  return { rule: 'top-level-await', message: `awaits at the top level (line ${(found as Node).loc.start.line}) and no module imports it: a program run on its own`, node: program };
}
