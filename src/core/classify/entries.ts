// Recognisers for the places code is entered from: framework registrations, file conventions,
// package scripts. Each returns the rule id it matched and a sentence, or null.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, type Node } from '../parse/walk';
import { isFunctionLike, propertyName, unwrap } from '../syntax/nodes';
import { parse as parseYaml } from 'yaml';
import { joinPath, stripExtension } from '../project';

export interface EntryMatch {
  rule: string;
  message: string;
  node: Node;
  /** A cron expression, when the entry runs on one. */
  schedule?: string;
  /** The serverless platform that runs it ('a Vercel function'): it stops a run after minutes. */
  platform?: string;
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'options', 'head']);
const ROUTE_EXPORTS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const SOCKET_EVENTS = new Set(['message', 'connection', 'connect', 'data']);
/**
 * Browser extension events a person (or a page answering one) waits on: messages from content scripts
 * and popups, clicks, keyboard commands, the omnibox. Alarms and other timers are not among them.
 */
const EXTENSION_EVENTS = new Set([
  'runtime.onMessage', 'runtime.onMessageExternal', 'runtime.onConnect', 'runtime.onConnectExternal', 'action.onClicked', 'browserAction.onClicked',
  'contextMenus.onClicked', 'menus.onClicked', 'commands.onCommand', 'omnibox.onInputEntered', 'omnibox.onInputChanged',
]);

const BOT_EVENTS = new Set(['messageCreate', 'interactionCreate', 'text', 'message_created', 'app_mention', 'messageReactionAdd', 'callback_query', 'inline_query']);
const BOT_METHODS = new Set(['message', 'command', 'action', 'event', 'shortcut', 'hears', 'view', 'options', 'start', 'help']);
/** Receivers that are Slack, Telegram or Discord apps: `app`, `bot`, `slackApp`, `this.bot`. */
const BOT_RECEIVER = /(app|bot|slack|telegraf|bolt)$/i;
/** Receivers that hold HTTP routes, for route paths Batchwise cannot read (`app.post(paths.ask, h)`). */
const ROUTER_RECEIVER = /^(app|router|server|api|fastify|hono|koa|express|routes?)$|(App|Router|Routes|Server|Api)$/;
/** Telegraf's update filters (`bot.on(message('text'), fn)`), from telegraf/filters. */
const TELEGRAF_FILTERS = new Set(['message', 'editedMessage', 'channelPost', 'callbackQuery', 'inlineQuery']);

/** Reads a constant string the recognisers cannot see on their own (`ROUTES.ask`, `QUEUE_NAME`). */
export type StringOf = (node: Node) => string | null;
const NO_STRINGS: StringOf = () => null;

function stringArg(node: Node | undefined, stringOf: StringOf = NO_STRINGS): string | null {
  if (!node) return null;
  if (node.type === T.Literal && typeof node.value === 'string') return node.value;
  if (node.type === T.TemplateLiteral && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? null;
  return stringOf(node);
}

/** A route path as far as it can be read: `'/x'`, `ROUTES.ask` (resolved), `` `${BASE}/chat` `` (holes kept as `…`). */
function routePath(node: Node | undefined, stringOf: StringOf): string | null {
  if (!node) return null;
  const plain = stringArg(node, stringOf);
  if (plain !== null) return plain.startsWith('/') || plain === '*' ? plain : null;
  if (node.type === T.TemplateLiteral) {
    let out = '';
    node.quasis.forEach((q, i) => {
      out += q.value.cooked ?? '';
      const hole = node.expressions[i];
      if (hole) out += stringOf(hole) ?? '…';
    });
    return out.includes('/') ? out : null;
  }
  return null;
}

function looksLikeCronSpec(s: string): boolean {
  const fields = s.trim().split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((f) => /^[\d*/,\-?LW#A-Za-z]+$/.test(f));
}

/** The last name in a receiver chain: `this.app` → 'app', `slackApp` → 'slackApp'. */
export function receiverName(node: Node): string | null {
  if (node.type === T.Identifier) return node.name;
  if (node.type === T.MemberExpression) return propertyName(node.property, node.computed);
  return null;
}

/** Every name along a member and call chain: `t.procedure.input(x).mutation` → t, procedure, input, mutation. */
function chainNames(node: Node): string[] {
  const names: string[] = [];
  let cur: Node = node;
  for (;;) {
    if (cur.type === T.Identifier) {
      names.push(cur.name);
      return names;
    }
    if (cur.type === T.MemberExpression) {
      const p = propertyName(cur.property, cur.computed);
      if (p) names.push(p);
      cur = cur.object;
    } else if (cur.type === T.CallExpression) cur = cur.callee;
    else return names;
  }
}

/**
 * A bot event named by a constant (`Events.MessageCreate` in discord.js) or a Telegraf filter
 * (`message('text')`): the event in the spelling BOT_EVENTS uses.
 */
function botEvent(node: Node | undefined): string | null {
  if (!node) return null;
  if (node.type === T.MemberExpression && !node.computed && node.property.type === T.Identifier) {
    const name = node.property.name;
    return name.charAt(0).toLowerCase() + name.slice(1);
  }
  if (node.type === T.CallExpression && node.callee.type === T.Identifier && TELEGRAF_FILTERS.has(node.callee.name)) return 'text';
  return null;
}

/** A function handed to a registration call: `app.post('/x', fn)`, `cron.schedule('0 * * * *', fn)`, `ws.on('message', fn)`. */
export function matchRegistration(call: TSESTree.CallExpression | TSESTree.NewExpression, file: string, stringOf: StringOf = NO_STRINGS): EntryMatch | null {
  const line = call.loc.start.line;
  const where = `${file}:${line}`;
  if (call.type === T.NewExpression) {
    if (call.callee.type === T.Identifier && call.callee.name === 'CronJob') {
      const spec = stringArg(call.arguments[0], stringOf);
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
    if (call.callee.type === T.Identifier && call.callee.name === 'createServer') {
      return { rule: 'http-route-handler', message: `HTTP request handler passed to createServer at ${where}`, node: call };
    }
    return null;
  }
  const method = propertyName(call.callee.property, call.callee.computed);
  if (!method) return null;
  const object = call.callee.object;
  const receiver = receiverName(object);
  const first = stringArg(call.arguments[0], stringOf);
  if (HTTP_METHODS.has(method)) {
    const route = httpRoute(call, receiver, stringOf);
    if (route) return { rule: 'http-route-handler', message: `${method.toUpperCase()} ${route} route handler at ${where}`, node: call };
  }
  if (method === 'createServer') {
    return { rule: 'http-route-handler', message: `HTTP request handler passed to ${receiver ?? ''}.createServer at ${where}`, node: call };
  }
  if (method === 'serve' && (receiver === 'Bun' || receiver === 'Deno')) {
    return { rule: 'http-route-handler', message: `HTTP request handler of ${receiver}.serve at ${where}`, node: call };
  }
  // Hono: `app.on('POST', '/x', h)` and `app.on(['GET', 'POST'], '/x', h)`.
  if (method === 'on' && call.arguments.length >= 3) {
    const verbs = call.arguments[0].type === T.ArrayExpression ? call.arguments[0].elements.map((e) => stringArg(e ?? undefined, stringOf)) : [first];
    const path = routePath(call.arguments[1], stringOf);
    if (path && verbs.length > 0 && verbs.every((v) => v !== null && /^[A-Z]+$/.test(v))) {
      return { rule: 'http-route-handler', message: `${verbs.join('/')} ${path} route handler at ${where}`, node: call };
    }
  }
  if (method === 'scheduleJob' || (method === 'schedule' && first !== null && looksLikeCronSpec(first))) {
    return { rule: 'cron-schedule', message: `runs on the ${first ? `schedule '${first}'` : 'node-schedule job'} at ${where}`, node: call, schedule: first ?? undefined };
  }
  if (method === 'on' || method === 'once') {
    const event = first ?? botEvent(call.arguments[0]);
    if (event !== null && BOT_EVENTS.has(event)) return { rule: 'chat-bot-handler', message: `bot handler for '${event}' events at ${where}`, node: call };
    if (first !== null && SOCKET_EVENTS.has(first)) return { rule: 'websocket-handler', message: `socket handler for '${first}' events at ${where}`, node: call };
  }
  const root = rootIdentifier(object);
  if (method === 'use' && root && /^(app|router|server|api|koa|hono)$/i.test(root) && first === null) {
    return { rule: 'http-route-handler', message: `HTTP middleware (${root}.use) at ${where}`, node: call };
  }
  if ((method === 'query' || method === 'mutation' || method === 'subscription') && chainNames(object).some((n) => /procedure/i.test(n))) {
    return { rule: 'rpc-procedure', message: `tRPC ${method} procedure at ${where}`, node: call };
  }
  if (method === 'addService' && call.arguments.length >= 2) {
    return { rule: 'rpc-procedure', message: `gRPC service handler (${receiver ?? ''}.addService) at ${where}`, node: call };
  }
  if (method === 'addListener' && root && /^(chrome|browser)$/.test(root)) {
    // chrome.runtime.onMessage.addListener(fn): the namespace and event under the extension API root.
    const chain = chainNames(object); // outermost first: onMessage, runtime, chrome
    const event = `${chain[1]}.${chain[0]}`;
    if (chain.length === 3 && EXTENSION_EVENTS.has(event)) {
      return { rule: 'extension-event', message: `browser extension ${root}.${event} listener at ${where}: ${/^runtime\./.test(event) ? 'the page or popup that sent the message waits for the answer' : 'a person clicked or typed and waits for the result'}`, node: call };
    }
  }
  if (root === 'ipcMain' && ['handle', 'handleOnce', 'on', 'once'].includes(method)) {
    return { rule: 'electron-ipc', message: `Electron IPC handler${first ? ` for '${first}'` : ''} at ${where}`, node: call };
  }
  if (method === 'registerCommand' || method === 'registerTextEditorCommand') {
    return { rule: 'editor-command', message: `editor command${first ? ` '${first}'` : ''} at ${where}`, node: call };
  }
  // Telegraf's `bot.start(fn)` is the /start command; Bolt's `app.start(port)` starts the app.
  const handed = (method === 'start' || method === 'help' ? call.arguments : call.arguments.slice(1)).some((a) => isFunctionLike(a) || a.type === T.Identifier || a.type === T.MemberExpression);
  if (BOT_METHODS.has(method) && receiver && BOT_RECEIVER.test(receiver) && handed) {
    return { rule: 'chat-bot-handler', message: `bot ${method} handler${first ? ` for '${first}'` : ''} at ${where}`, node: call };
  }
  return null;
}

/**
 * The path of an HTTP method registration, in words: `app.post('/x', h)`, `app.post(ROUTES.x, h)`,
 * `` app.post(`${BASE}/x`, h) ``, Express `app.route('/x').post(h)`; or the path as written when a
 * router-like receiver registers a handler under a name Batchwise cannot read.
 */
function httpRoute(call: TSESTree.CallExpression, receiver: string | null, stringOf: StringOf): string | null {
  const callee = call.callee as TSESTree.MemberExpression;
  const path = routePath(call.arguments[0], stringOf);
  if (path) return path;
  const object = callee.object;
  if (object.type === T.CallExpression && object.callee.type === T.MemberExpression && propertyName(object.callee.property, object.callee.computed) === 'route') {
    return routePath(object.arguments[0], stringOf) ?? 'route';
  }
  const first = call.arguments[0];
  const handed = call.arguments.slice(1).some((a) => isFunctionLike(a) || a.type === T.Identifier || a.type === T.MemberExpression || a.type === T.CallExpression);
  if (receiver && ROUTER_RECEIVER.test(receiver) && handed && (first?.type === T.Identifier || first?.type === T.MemberExpression)) {
    return `(${describeNode(first)})`;
  }
  return null;
}

function describeNode(node: Node): string {
  if (node.type === T.Identifier) return node.name;
  if (node.type === T.MemberExpression) {
    const p = propertyName(node.property, node.computed);
    return `${describeNode(node.object)}.${p ?? '…'}`;
  }
  return '…';
}

/**
 * A handler inside an options object handed to a registration: Fastify `fastify.route({ method, url,
 * handler })`, cron's `CronJob.from({ cronTime, onTick })`, `Bun.serve({ fetch })`, `Deno.serve({ handler })`.
 */
export function matchOptionRegistration(call: TSESTree.CallExpression | TSESTree.NewExpression, key: string, props: Map<string, Node>, file: string, stringOf: StringOf = NO_STRINGS): EntryMatch | null {
  const where = `${file}:${call.loc.start.line}`;
  const callee = call.callee;
  const method = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : callee.type === T.Identifier ? callee.name : null;
  const receiver = callee.type === T.MemberExpression ? receiverName(callee.object) : null;
  if (method === 'route' && key === 'handler' && (props.has('url') || props.has('path'))) {
    const verb = stringArg(props.get('method'), stringOf) ?? 'HTTP';
    const url = stringArg(props.get('url') ?? props.get('path'), stringOf) ?? '…';
    return { rule: 'http-route-handler', message: `${verb.toUpperCase()} ${url} route handler (${receiver ?? ''}.route) at ${where}`, node: call };
  }
  if (key === 'onTick' && (method === 'from' || method === 'CronJob') && (receiver === 'CronJob' || method === 'CronJob')) {
    const spec = stringArg(props.get('cronTime'), stringOf);
    return { rule: 'cron-schedule', message: `runs on the cron schedule ${spec ? `'${spec}'` : ''} (CronJob.from) at ${where}`.replace('  ', ' '), node: call, schedule: spec ?? undefined };
  }
  if (method === 'addService' && call.arguments.length >= 2) {
    return { rule: 'rpc-procedure', message: `gRPC service method \`${key}\` (${receiver ?? ''}.addService) at ${where}`, node: call };
  }
  if ((key === 'fetch' || key === 'handler') && (method === 'serve' || method === 'createServer')) {
    return { rule: 'http-route-handler', message: `HTTP request handler (${receiver ? `${receiver}.` : ''}${method} ${key}) at ${where}`, node: call };
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
  if (/(^|\/)pages\//.test(base) && exportName === 'getServerSideProps') {
    return { rule: 'nextjs-route-handler', message: `Next.js getServerSideProps in ${where}: it runs on each request for the page`, node };
  }
  if (/(^|\/)(src\/)?middleware$/.test(base) && (exportName === 'middleware' || exportName === 'default')) {
    return { rule: 'nextjs-route-handler', message: `Next.js middleware in ${where}: it runs before the requests it matches`, node };
  }
  if (/(^|\/)\+(page|layout)(\.server)?$/.test(base) && exportName === 'load') {
    return { rule: 'http-route-handler', message: `SvelteKit load function in ${where}: it runs when a person opens the page`, node };
  }
  if (/(^|\/)src\/pages\//.test(base) && (ROUTE_EXPORTS.has(exportName) || exportName === 'ALL')) {
    return { rule: 'http-route-handler', message: `Astro ${exportName} endpoint in ${where}`, node };
  }
  if (/(^|\/)server\/(api|routes|middleware)\//.test(base) && exportName === 'default') {
    return { rule: 'http-route-handler', message: `Nuxt/Nitro server ${/\/middleware\//.test(base) ? 'middleware' : 'route'} in ${where}`, node };
  }
  if (/(^|\/)netlify\/(edge-)?functions\//.test(base) && (exportName === 'default' || exportName === 'handler')) {
    return { rule: 'http-route-handler', message: `Netlify function in ${where}`, node };
  }
  if (/^api\//.test(base) && (exportName === 'default' || ROUTE_EXPORTS.has(exportName))) {
    return { rule: 'http-route-handler', message: `Vercel function in ${where}`, node };
  }
  return null;
}

/** `new SlashCommandBuilder()` (or ContextMenuCommandBuilder) at the root of a chain of setter calls: a discord.js command's `data`. */
function isDiscordCommandData(n: Node | null | undefined): boolean {
  let cur = n;
  while (cur) {
    if (cur.type === T.NewExpression) return cur.callee.type === T.Identifier && /^(SlashCommandBuilder|ContextMenuCommandBuilder)$/.test(cur.callee.name);
    if (cur.type === T.CallExpression && cur.callee.type === T.MemberExpression) cur = cur.callee.object;
    else if (unwrap(cur) !== cur) cur = unwrap(cur);
    else return false;
  }
  return false;
}

/**
 * The discord.js guide's module conventions for a function kept beside its description, which a
 * loader (a readdir loop, a Map of commands) dispatches by name: an object (or module) with
 * `data: new SlashCommandBuilder()…` and `execute` is a slash command, one with `name: 'messageCreate'`
 * (or `Events.MessageCreate`) and `execute` an event handler. `entries` are the object's properties
 * or the module's exports, by name.
 */
export function matchDiscordModule(entries: ReadonlyMap<string, Node | null>, key: string, file: string, node: Node): EntryMatch | null {
  if (key !== 'execute') return null;
  const where = `${file}:${node.loc.start.line}`;
  if (isDiscordCommandData(entries.get('data'))) return { rule: 'chat-bot-handler', message: `discord.js slash command (\`data\` built with SlashCommandBuilder, \`execute\` at ${where}): a person ran it and waits for the reply`, node };
  const name = entries.get('name');
  const event = name?.type === T.Literal && typeof name.value === 'string' ? name.value : botEvent(name ?? undefined);
  if (event !== null && BOT_EVENTS.has(event)) return { rule: 'chat-bot-handler', message: `discord.js event module for '${event}' (\`execute\` at ${where})`, node };
  return null;
}

/**
 * File conventions for a function kept in an exported object: SvelteKit's `actions` in
 * +page.server, and the `fetch` handler of a default-exported object (Cloudflare Workers, Bun, Deno).
 * `keys` lead from the export to the function.
 */
export function matchMemberConvention(file: string, exportName: string, keys: readonly string[], node: Node): EntryMatch | null {
  const where = `${file}:${node.loc.start.line}`;
  const base = stripExtension(file);
  if (/(^|\/)\+page\.server$/.test(base) && exportName === 'actions' && keys.length === 1) {
    return { rule: 'http-route-handler', message: `SvelteKit form action \`${keys[0]}\` in ${where}`, node };
  }
  if (exportName === 'default' && keys.length === 1 && keys[0] === 'fetch') {
    return { rule: 'http-route-handler', message: `the fetch handler of the default export in ${where} (Cloudflare Workers, Bun, Deno): it answers HTTP requests`, node };
  }
  return null;
}

/**
 * Firebase Cloud Functions triggers (v2 `onCall(fn)`, v1 `functions.https.onRequest(fn)`): HTTPS and
 * callable functions answer a client; schedules are cron jobs; document, storage and Pub/Sub events
 * come from whoever caused them, which is not traced.
 */
export function matchFirebaseTrigger(call: TSESTree.CallExpression | TSESTree.NewExpression, file: string, text: string, stringOf: StringOf = NO_STRINGS): EntryMatch | null {
  if (call.type !== T.CallExpression || !text.includes('firebase-functions')) return null;
  const callee = call.callee;
  const name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
  if (!name) return null;
  const where = `${file}:${call.loc.start.line}`;
  if (name === 'onRequest' || name === 'onCall') return { rule: 'http-route-handler', message: `Firebase HTTPS function (${name}) at ${where}`, node: call };
  if (name === 'onSchedule') {
    const first = call.arguments[0];
    const spec = stringArg(first, stringOf) ?? (first?.type === T.ObjectExpression ? stringArg(objectValue(first, 'schedule'), stringOf) : null);
    return { rule: 'cron-schedule', message: `Firebase scheduled function${spec ? ` ('${spec}')` : ''} at ${where}`, node: call, platform: 'a Firebase function', ...(spec && looksLikeCronSpec(spec) ? { schedule: spec } : {}) };
  }
  if (name === 'onRun' && callee.type === T.MemberExpression && callee.object.type === T.CallExpression) {
    const inner = callee.object;
    if (inner.callee.type === T.MemberExpression && propertyName(inner.callee.property, inner.callee.computed) === 'schedule') {
      const spec = stringArg(inner.arguments[0], stringOf);
      return { rule: 'cron-schedule', message: `Firebase scheduled function${spec ? ` ('${spec}')` : ''} at ${where}`, node: call, platform: 'a Firebase function', ...(spec && looksLikeCronSpec(spec) ? { schedule: spec } : {}) };
    }
  }
  if (/^on(Document|Value|Object|Message|Task|Custom|New|Alert|Create|Update|Write|Delete|Finalize|Publish|Archive|MetadataUpdate)/.test(name)) {
    return { rule: 'queue-worker', message: `Firebase event trigger (${name}) at ${where}: whoever causes the event (a person's write, a bulk import) is not traced, so who waits is unclear`, node: call };
  }
  return null;
}

function objectValue(obj: TSESTree.ObjectExpression, key: string): Node | undefined {
  for (const p of obj.properties) if (p.type === T.Property && propertyName(p.key, p.computed) === key) return p.value;
  return undefined;
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

/** The words of a shell command, quotes removed: `tsx 'scripts/my file.ts' && x` → tsx, scripts/my file.ts, x. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const m of command.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|([^\s;&|'"]+)/g)) words.push(m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3]);
  return words;
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

function commandRunsFile(command: string, stem: string): boolean {
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

/** A package.json and the folder it sits in ('' for the root): its scripts run with that folder as the working directory. */
export interface ScopedPackage {
  dir: string;
  pkg: PackageInfo;
}

/**
 * File-level entries: npm scripts and bin entries naming the file, shebangs, main-module checks.
 * `packages` are the package.json files from the file's folder up to the root, nearest first: a
 * workspace's own scripts run its files by paths relative to it.
 */
export function matchFileEntry(
  file: string,
  text: string,
  program: TSESTree.Program,
  packages: readonly ScopedPackage[],
  workflows: readonly ScheduledWorkflow[] = [],
): EntryMatch | null {
  const stem = stripExtension(file);
  const scoped = packages.map(({ dir, pkg }) => {
    const local = dir === '' ? stem : stem.slice(dir.length + 1);
    return { dir, pkg, local, scripts: Object.entries(pkg.scripts).filter(([, command]) => commandRunsFile(command, local)) };
  });
  const root = scoped.find((p) => p.dir === '');
  const scriptsRunningFile = root?.scripts ?? [];
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
  for (const p of scoped) {
    if (p.scripts.length === 0) continue;
    const [name, command] = p.scripts[0];
    const of = p.dir === '' ? '' : ` of ${p.dir}/package.json`;
    return { rule: 'npm-script', message: `run by the npm script \`${name}\`${of} (\`${command}\`)`, node: program };
  }
  for (const p of scoped) {
    for (const [name, target] of Object.entries(p.pkg.bin)) {
      if (normaliseRef(target) === p.local) return { rule: 'bin-entry', message: `the \`${name}\` bin entry of ${p.dir === '' ? '' : p.dir + '/'}package.json`, node: program };
    }
  }
  if (isEvalFile(file)) return { rule: 'eval-harness', message: `an eval harness (${file})`, node: program };
  if (text.startsWith('#!')) return { rule: 'shebang-script', message: `an executable script (${text.slice(0, text.indexOf('\n')).trim()})`, node: program };
  const main = /require\.main\s*===?\s*module|import\.meta\.main/.exec(text);
  if (main) return { rule: 'main-module', message: `runs as a main module (${main[0].startsWith('import') ? 'import.meta.main' : 'require.main === module'})`, node: program };
  return null;
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

/**
 * A file that awaits at module level, is imported by no other module and follows no framework's file
 * convention is a program run on its own (`node x.mjs`, `tsx x.ts`). The caller checks the importers;
 * this checks the file. Framework files and components are left out: their module-level code runs
 * when a server or page loads, which says nothing about who waits.
 */
/** A page's script: what it runs at the top, it runs for the person who opened the page. */
const BROWSER_CODE = /\b(document|window|localStorage|navigator)\.|dangerouslyAllowBrowser/;

function frameworkOrComponent(file: string): boolean {
  return /\.[jt]sx$/.test(file) || /(^|\/)(app|pages|routes|src\/routes|server|api|netlify|functions)\//.test(file) || /(^|\/)\+(server|page|layout)/.test(file) || /(^|\/)(src\/)?middleware\.[cm]?[jt]s$/.test(file);
}

/**
 * A file that calls a function it declares at the top level (`main()`, `main().catch(…)`,
 * `void run()`), exports nothing, and follows no framework convention: a program run on its own,
 * like one that checks `require.main === module`. The caller checks that no module imports it.
 */
export function mainCall(file: string, text: string, program: TSESTree.Program): EntryMatch | null {
  if (frameworkOrComponent(file) || BROWSER_CODE.test(text) || hasExports(program)) return null;
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
    if (declared) return { rule: 'main-module', message: `calls \`${name}()\` at the top level (line ${stmt.loc.start.line}), exports nothing and no module imports it: a program run on its own`, node: program };
  }
  return null;
}

export function topLevelAwait(file: string, text: string, program: TSESTree.Program): EntryMatch | null {
  if (!/\bawait\b/.test(text) || frameworkOrComponent(file) || BROWSER_CODE.test(text)) return null;
  let found: Node | null = null;
  visit(program, (node) => {
    if (found) return false;
    if (isFunctionLike(node)) return false; // an await inside a function runs when that function is called
    if (node.type === T.AwaitExpression || (node.type === T.ForOfStatement && node.await)) {
      found = node;
      return false;
    }
  });
  if (!found || hasExports(program)) return null;
  return { rule: 'top-level-await', message: `awaits at the top level (line ${(found as Node).loc.start.line}) and no module imports it: a program run on its own`, node: program };
}

/** What invokes an AWS Lambda handler, read from a serverless.yml or a SAM template. */
export interface LambdaFunction {
  /** The template, a project path. */
  template: string;
  /** The handler's module as a project path without extension, and its export. */
  stem: string;
  exportName: string;
  events: LambdaEvent[];
}

export interface LambdaEvent {
  kind: 'http' | 'socket' | 'schedule' | 'event';
  /** The event as the template names it: `httpApi`, `schedule`, `sqs`, `Api`, `Schedule`. */
  type: string;
  /** A five-field cron spec, when the schedule can be written as one. */
  schedule?: string;
  /** The schedule as written (`rate(1 day)`, `cron(0 6 * * ? *)`). */
  expression?: string;
}

const SLS_HTTP = new Set(['http', 'httpApi', 'alb', 'cloudFront', 'alexaSkill', 'alexaSmartHome']);

/** The functions of a serverless.yml (`functions.<name>.handler: src/x.handler`, `events: [...]`) in folder `dir`. */
export function readServerlessFunctions(template: string, text: string | undefined, dir: string): LambdaFunction[] {
  const doc = parseYamlLoosely(text) as { functions?: Record<string, { handler?: unknown; events?: unknown }> } | null;
  const out: LambdaFunction[] = [];
  for (const fn of Object.values(doc?.functions ?? {})) {
    if (!fn || typeof fn.handler !== 'string') continue;
    const target = handlerTarget(dir, fn.handler);
    if (!target) continue;
    const events: LambdaEvent[] = [];
    for (const e of Array.isArray(fn.events) ? fn.events : []) {
      if (!e || typeof e !== 'object') continue;
      const [type, value] = Object.entries(e as Record<string, unknown>)[0] ?? [];
      if (!type) continue;
      if (SLS_HTTP.has(type)) events.push({ kind: 'http', type });
      else if (type === 'websocket') events.push({ kind: 'socket', type });
      else if (type === 'schedule' || (type === 'eventBridge' && value && typeof value === 'object' && 'schedule' in value)) {
        const raw = type === 'schedule' ? (typeof value === 'string' ? value : (value as { rate?: unknown })?.rate) : (value as { schedule?: unknown }).schedule;
        const expression = Array.isArray(raw) ? String(raw[0]) : typeof raw === 'string' ? raw : undefined;
        events.push({ kind: 'schedule', type, expression, schedule: expression ? awsScheduleToCron(expression) : undefined });
      } else events.push({ kind: 'event', type });
    }
    out.push({ template, ...target, events });
  }
  return out;
}

/** The functions of a SAM template (`AWS::Serverless::Function` with `Handler`, `CodeUri`, `Events`) in folder `dir`. */
export function readSamFunctions(template: string, text: string | undefined, dir: string): LambdaFunction[] {
  if (!text || !/AWS::(Serverless::Function|Lambda::Function)/.test(text)) return [];
  const doc = parseYamlLoosely(text) as { Globals?: { Function?: { CodeUri?: unknown } }; Resources?: Record<string, { Type?: unknown; Properties?: Record<string, unknown> }> } | null;
  const out: LambdaFunction[] = [];
  const globalUri = typeof doc?.Globals?.Function?.CodeUri === 'string' ? doc.Globals.Function.CodeUri : '';
  for (const res of Object.values(doc?.Resources ?? {})) {
    const props = res?.Properties;
    if (!props || typeof props.Handler !== 'string' || !/Function$/.test(String(res.Type))) continue;
    const codeUri = typeof props.CodeUri === 'string' ? props.CodeUri : globalUri;
    const target = handlerTarget(joinPath(dir, codeUri), props.Handler);
    if (!target) continue;
    const events: LambdaEvent[] = [];
    for (const e of Object.values((props.Events ?? {}) as Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>)) {
      const type = String(e?.Type ?? '');
      if (type === 'Api' || type === 'HttpApi') events.push({ kind: 'http', type });
      else if (type === 'Schedule' || type === 'ScheduleV2') {
        const raw = e.Properties?.Schedule ?? e.Properties?.ScheduleExpression;
        const expression = typeof raw === 'string' ? raw : undefined;
        events.push({ kind: 'schedule', type, expression, schedule: expression ? awsScheduleToCron(expression) : undefined });
      } else if (type) events.push({ kind: 'event', type });
    }
    out.push({ template, ...target, events });
  }
  return out;
}

function parseYamlLoosely(text: string | undefined): unknown {
  if (!text) return null;
  try {
    // CloudFormation tags (`!Ref`, `!GetAtt`) are kept as plain values.
    return parseYaml(text, { customTags: CFN_TAGS, logLevel: 'silent' });
  } catch {
    return null;
  }
}

const CFN_TAGS = ['Ref', 'GetAtt', 'Sub', 'Join', 'If', 'Equals', 'Not', 'And', 'Or', 'FindInMap', 'Select', 'Split', 'ImportValue', 'GetAZs', 'Base64', 'Cidr', 'Condition'].flatMap((name) =>
  (['scalar', 'seq', 'map'] as const).map((collection) => ({ tag: `!${name}`, collection: collection === 'scalar' ? undefined : collection, resolve: (v: unknown) => v })),
) as never;

/** `src/handlers/chat.handler` → module `src/handlers/chat`, export `handler`. */
function handlerTarget(dir: string, handler: string): { stem: string; exportName: string } | null {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) return null;
  return { stem: joinPath(dir, handler.slice(0, dot)), exportName: handler.slice(dot + 1) };
}

/** AWS `cron(0 6 * * ? *)` and simple `rate(5 minutes)` as a five-field cron spec, for the volume estimate. */
export function awsScheduleToCron(expression: string): string | undefined {
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    return fields.length === 6 ? fields.slice(0, 5).join(' ') : undefined;
  }
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!rate) return undefined;
  const n = Number(rate[1]);
  if (rate[2].startsWith('minute')) return n === 1 ? '* * * * *' : `*/${n} * * * *`;
  if (rate[2].startsWith('hour')) return n === 1 ? '0 * * * *' : `0 */${n} * * *`;
  return n === 1 ? '0 0 * * *' : undefined;
}

/** Netlify's and others' schedule shorthands as cron specs. */
export function scheduleShorthand(spec: string): string | undefined {
  const known: Record<string, string> = { '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *' };
  return known[spec.trim()] ?? (looksLikeCronSpec(spec) ? spec : undefined);
}

/** `crons = ["0 3 * * *"]` under `[triggers]` in wrangler.toml, or `triggers.crons` in wrangler.json(c). */
export function readWranglerCrons(toml: string | undefined, json: unknown): { crons: string[]; main: string | null } | null {
  if (toml !== undefined) {
    const crons = /^\s*crons\s*=\s*\[([^\]]*)\]/m.exec(toml);
    const main = /^\s*main\s*=\s*["']([^"']+)["']/m.exec(toml);
    return { crons: crons ? [...crons[1].matchAll(/["']([^"']+)["']/g)].map((m) => m[1]) : [], main: main ? main[1] : null };
  }
  if (json && typeof json === 'object') {
    const cfg = json as { triggers?: { crons?: unknown }; main?: unknown };
    const crons = Array.isArray(cfg.triggers?.crons) ? cfg.triggers!.crons.filter((c): c is string => typeof c === 'string') : [];
    return { crons, main: typeof cfg.main === 'string' ? cfg.main : null };
  }
  return null;
}
