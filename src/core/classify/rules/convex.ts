// Convex: functions defined with `action`, `internalAction`, `mutation`… from `convex/_generated/server`
// (or with a convex-helpers custom function made from one), decided by what refers to them through the
// generated `api` / `internal` objects: `crons.ts` schedules, `ctx.scheduler`, `ctx.runAction`, the
// React hooks. See docs/rules/convex-function.md.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import type { SyntaxModel } from '../../syntax/model';
import { openPath, Path, toPath } from '../path';
import { UI_COMPONENT } from './apps';
import type { CallQuestion, OptionQuestion, RuleContext } from './hooks';
import { HTTP_ROUTE_HANDLER } from './httpServers';
import { calleeName, stringArg } from './read';
import { defineRule, entry } from './rule';
import { CRON_SCHEDULE } from './schedules';
import { STANDALONE_SCRIPT } from './scripts';

export const CONVEX_FUNCTION = defineRule({
  id: 'convex-function',
  effect: 'neutral',
  title: 'A Convex function, decided by what refers to it',
  configFiles: ['convex/crons.ts', 'convex/crons.js'],
  messages: {
    cron: (ref: string, how: string, where: string) => `the Convex cron job at ${where} runs \`${ref}\` (${how})`,
    scheduledFromBatch: (entry: string, ref: string, where: string) => `${entry}; it schedules \`${ref}\` with ctx.scheduler at ${where}`,
    scheduledByPerson: (entry: string, ref: string, where: string) =>
      `\`${ref}\` is scheduled with ctx.scheduler at ${where} by code a person runs (${entry}); a Convex page reads what it stores reactively, so whether the person watches for it is unclear. ` +
      'Declare the call with `// batchwise: batch` or `// batchwise: user-waiting`',
    scheduledByUnknown: (entry: string, ref: string, where: string) => `\`${ref}\` is scheduled with ctx.scheduler at ${where}, but nothing shows who runs that code (${entry})`,
    hook: (hook: string, ref: string, where: string) => `\`${ref}\` is called from the page with ${hook} at ${where}, and the page waits for its result`,
    client: (method: string, ref: string, where: string) => `\`${ref}\` is called with ${method} at ${where}, which waits for its result`,
    referenced: (ref: string, where: string) => `\`${ref}\` is referred to at ${where} in a way Batchwise does not follow`,
    unreferenced: (kind: string, ref: string, where: string) =>
      kind.startsWith('internal')
        ? `the Convex ${kind} \`${ref}\` at ${where}; nothing in the workspace schedules or runs it`
        : `the Convex ${kind} \`${ref}\` at ${where}; no code in the workspace calls it, but any client of the deployment may (\`npx convex run\`, another app)`,
    http: (where: string) => `a Convex HTTP action at ${where}: whoever sends the request waits for the answer`,
  },
});

export const RULES = [CONVEX_FUNCTION] as const;

const KINDS = new Set(['action', 'internalAction', 'mutation', 'internalMutation', 'query', 'internalQuery', 'httpAction']);
const CRON_METHODS = new Set(['interval', 'cron', 'hourly', 'daily', 'weekly', 'monthly']);
const HOOKS = new Set(['useAction', 'useMutation', 'useQuery', 'usePaginatedQuery', 'useConvexAction']);
/** Calls that run a function and wait for it: from another function, or a client of the deployment. */
const RUNS = new Set(['runAction', 'runMutation', 'runQuery', 'action', 'mutation', 'query', 'fetchAction', 'fetchMutation', 'fetchQuery']);

/** convex-helpers' makers of custom functions, given the kind they wrap first: `customMutation(mutation, …)`. */
const CUSTOM_FUNCTIONS = new Set(['customQuery', 'customMutation', 'customAction', 'zCustomQuery', 'zCustomMutation', 'zCustomAction']);
const CONVEX_HELPERS = /^convex-helpers\/server\/(customFunctions|zod\d*)$/;

/** `internalAction({ handler })` as the options holder of the function. */
export function convexOption(q: OptionQuestion): Path[] | null {
  return q.key === 'handler' ? convexPaths(q) : null;
}

/** `internalAction(async (ctx) => …)`: the function handed directly. */
export function convexCall(q: CallQuestion): Path[] | null {
  return convexPaths(q);
}

function convexPaths(q: CallQuestion): Path[] | null {
  const { call, fi, file } = q;
  if (call.type !== T.CallExpression || call.callee.type !== T.Identifier) return null;
  const kind = convexKind(q, fi, call.callee);
  if (kind === null) return null;
  const where = `${file}:${call.loc.start.line}`;
  if (kind === 'httpAction') return [toPath(entry(HTTP_ROUTE_HANDLER, CONVEX_FUNCTION.messages.http(where), call), file)];
  const holder = fi.parents.get(fi.outermost(call));
  const name = holder?.type === T.VariableDeclarator && holder.id.type === T.Identifier ? holder.id.name : null;
  const module = moduleName(file);
  if (!name || module === null) return [openPath(CONVEX_FUNCTION, CONVEX_FUNCTION.messages.unreferenced(kind, name ?? 'default', where), file, call.loc.start.line)];
  const ref = `${module.split('/').join('.')}.${name}`;
  const paths = referencePaths(q, ref, name);
  // An internal function no code runs and no one can hand input to: a task its operators start by hand.
  if (paths.length === 0 && (kind === 'internalAction' || kind === 'internalMutation') && takesNoArguments(call)) {
    paths.push(toPath(entry(STANDALONE_SCRIPT, STANDALONE_SCRIPT.messages.convexByHand(kind, ref, where), call), file));
  }
  if (paths.length === 0) paths.push(openPath(CONVEX_FUNCTION, CONVEX_FUNCTION.messages.unreferenced(kind, ref, where), file, call.loc.start.line));
  return paths;
}

/**
 * Whether a Convex function is defined without arguments: no `args` validator (or `args: {}`), and a
 * handler that reads none (`async (ctx) => …`).
 */
function takesNoArguments(call: TSESTree.CallExpression): boolean {
  const [first] = call.arguments;
  const handlerOf = (n: TSESTree.Node | undefined) => (n?.type === T.ArrowFunctionExpression || n?.type === T.FunctionExpression ? n : null);
  if (handlerOf(first)) return handlerOf(first)!.params.length <= 1;
  if (first?.type !== T.ObjectExpression) return false;
  let handler: ReturnType<typeof handlerOf> = null;
  for (const p of first.properties) {
    if (p.type !== T.Property || p.computed || p.key.type !== T.Identifier) {
      if (p.type === T.SpreadElement) return false;
      continue;
    }
    if (p.key.name === 'args' && !(p.value.type === T.ObjectExpression && p.value.properties.length === 0)) return false;
    if (p.key.name === 'handler') handler = handlerOf(p.value) ?? (p.method && p.value.type === T.FunctionExpression ? p.value : null);
  }
  return handler !== null && handler.params.length <= 1;
}

/**
 * The kind of Convex function a call of `id` defines: `action`, `mutation`… from the generated server,
 * or a convex-helpers custom function made from one (`export const mutationWithUser =
 * customMutation(mutation, customCtx(…))`, in this module or imported from the workspace).
 */
function convexKind(q: RuleContext, fi: SyntaxModel, id: TSESTree.Identifier): string | null {
  if (KINDS.has(id.name)) return fromConvexServer(fi, id) ? id.name : null;
  const found = q.project.declarationOf(fi, fi.resolve(id));
  if (!found) return null;
  const init = found.binding?.declarator?.init;
  if (init?.type !== T.CallExpression || init.callee.type !== T.Identifier || !CUSTOM_FUNCTIONS.has(init.callee.name)) return null;
  const made = found.model.resolve(init.callee);
  const base = init.arguments[0];
  if (!made?.import || !CONVEX_HELPERS.test(made.import.source) || base?.type !== T.Identifier || !KINDS.has(base.name)) return null;
  return fromConvexServer(found.model, base) ? base.name : null;
}

function fromConvexServer(fi: SyntaxModel, id: TSESTree.Identifier): boolean {
  const b = fi.resolve(id);
  return b?.import !== undefined && /(^|\/)_generated\/server(\.js)?$|^convex\/server$/.test(b.import.source);
}

/** `convex/notes/summary.ts` → 'notes/summary': the path `api.notes.summary.x` names it by. */
function moduleName(file: string): string | null {
  const m = /(?:^|\/)convex\/(.+)\.[cm]?[jt]sx?$/.exec(file);
  return m && !m[1].startsWith('_generated/') ? m[1] : null;
}

/** Every `api.<ref>` / `internal.<ref>` in the workspace, judged by the call it is handed to. */
function referencePaths(q: RuleContext, ref: string, name: string): Path[] {
  const { project } = q;
  const pattern = new RegExp(`\\b(api|internal)\\s*\\.\\s*${ref.replace(/\./g, '\\s*\\.\\s*')}\\b`);
  const paths: Path[] = [];
  for (const f of project.files) {
    const text = project.text(f);
    if (!text || !text.includes(name) || !pattern.test(text)) continue;
    const fi = project.get(f);
    if (!fi) continue;
    for (const id of fi.identifiers(name)) {
      const member = fi.parents.get(id);
      if (member?.type !== T.MemberExpression || member.property !== id || !pattern.test(fi.src(member))) continue;
      for (const p of usePaths(q, f, fi, member, ref)) paths.push(p);
    }
  }
  return paths;
}

function usePaths(q: RuleContext, file: string, fi: SyntaxModel, member: TSESTree.MemberExpression, ref: string): Path[] {
  const m = CONVEX_FUNCTION.messages;
  const call = fi.parents.get(member);
  const line = member.loc.start.line;
  const where = `${file}:${line}`;
  if (call?.type !== T.CallExpression || !call.arguments.includes(member as never)) return [openPath(CONVEX_FUNCTION, m.referenced(ref, where), file, line)];
  const method = calleeName(call);
  if (method && CRON_METHODS.has(method) && call.callee.type === T.MemberExpression) {
    const spec = method === 'cron' ? stringArg(call.arguments[1]) : null;
    return [toPath(entry(CRON_SCHEDULE, m.cron(ref, spec ? `'${spec}'` : `crons.${method}`, where), call, spec ? { schedule: spec } : {}), file)];
  }
  if (method === 'runAfter' || method === 'runAt') return q.walk(file, call).map((p) => scheduled(p, ref, where));
  if (method && HOOKS.has(method)) return [toPath(entry(UI_COMPONENT, m.hook(method, ref, where), call), file)];
  // The caller waits for the function: its own paths decide.
  if (method && RUNS.has(method)) return q.walk(file, call);
  return [openPath(CONVEX_FUNCTION, m.referenced(ref, where), file, line)];
}

/** A scheduled run: nobody waits on the scheduler, but a person who caused it may be watching the page. */
function scheduled(p: Path, ref: string, where: string): Path {
  const m = CONVEX_FUNCTION.messages;
  if (p.effect === 'batchable') return { ...p, rule: CONVEX_FUNCTION, entry: m.scheduledFromBatch(p.entry, ref, where) };
  if (p.effect === 'user-waiting') return { ...p, effect: 'open', rule: CONVEX_FUNCTION, entry: m.scheduledByPerson(p.entry, ref, where) };
  if (p.effect === 'excluded' || p.effect === 'blocked') return p;
  return { ...p, effect: 'open', rule: CONVEX_FUNCTION, entry: m.scheduledByUnknown(p.entry, ref, where) };
}
