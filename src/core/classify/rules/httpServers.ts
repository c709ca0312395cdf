// HTTP servers and their kin: route handlers (Express, Fastify, Koa, Hono, node:http, Bun and Deno),
// sockets, tRPC and gRPC procedures, GraphQL resolvers, NestJS controllers, code that streams to a
// client, and files that start a long-running server (whose module-level code runs once, at start-up).
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { visit } from '../../parse/walk';
import { isFunctionLike, Node, propertyName } from '../../syntax/nodes';
import type { SyntaxModel } from '../../syntax/model';
import { Path, toPath } from '../path';
import { fileStreamEvent } from './data';
import type { CallNode, CallQuestion, FunctionEntry, FunctionQuestion, Hooks, ModuleQuestion, OptionQuestion } from './hooks';
import { CRON_SCHEDULE } from './schedules';
import { QUEUE_WORKER } from './jobs';
import { evalRunnerOption } from './evals';
import { chainNames, chainPackage, describeNode, receiverName, rootIdentifier, stringArg } from './read';
import { defineRule, entry, EntryMatch, NO_STRINGS, StringOf } from './rule';

export const HTTP_ROUTE_HANDLER = defineRule({
  id: 'http-route-handler',
  effect: 'user-waiting',
  title: 'HTTP route handler (Express, Fastify, Koa, Hono)',
  configFiles: ['serverless.yml', 'serverless.yaml', 'template.yaml', 'template.yml'],
  messages: {
    route: (method: string, route: string, where: string) => `${method} ${route} route handler at ${where}`,
    mastraAgent: (key: string, where: string, pkg: string) => `the Mastra agent '${key}', registered at ${where}, which Mastra's server (\`mastra dev\`, \`mastra start\` in ${pkg}) answers over HTTP (POST /api/agents/:agentId/generate, /stream): whoever sends that request waits for the answer`,
    createServer: (where: string) => `HTTP request handler passed to createServer at ${where}`,
    createServerOf: (receiver: string, where: string) => `HTTP request handler passed to ${receiver}.createServer at ${where}`,
    serve: (receiver: string, where: string) => `HTTP request handler of ${receiver}.serve at ${where}`,
    middleware: (root: string, where: string) => `HTTP middleware (${root}.use) at ${where}`,
    routeOption: (verb: string, url: string, receiver: string, where: string) => `${verb} ${url} route handler (${receiver}.route) at ${where}`,
    serveOption: (call: string, key: string, where: string) => `HTTP request handler (${call} ${key}) at ${where}`,
    nest: (decorator: string, where: string) => `NestJS @${decorator}() handler at ${where}`,
    sveltekitEndpoint: (exportName: string, where: string) => `SvelteKit ${exportName} endpoint in ${where}`,
    sveltekitLoad: (where: string) => `SvelteKit load function in ${where}: it runs when a person opens the page`,
    sveltekitAction: (key: string, where: string) => `SvelteKit form action \`${key}\` in ${where}`,
    astro: (exportName: string, where: string) => `Astro ${exportName} endpoint in ${where}`,
    nuxt: (kind: string, where: string) => `Nuxt/Nitro server ${kind} in ${where}`,
    netlify: (where: string) => `Netlify function in ${where}`,
    vercel: (where: string) => `Vercel function in ${where}`,
    workerFetch: (where: string) => `the fetch handler of the default export in ${where} (Cloudflare Workers, Bun, Deno): it answers HTTP requests`,
    firebase: (name: string, where: string) => `Firebase HTTPS function (${name}) at ${where}`,
    lambda: (what: string) => `${what}: an HTTP request`,
    lambdaAppUsers: (exportName: string, where: string, grant: string, template: string) =>
      `AWS Lambda \`${exportName}\` in ${where}, which ${template} lets the app's users invoke directly (\`${grant}\`, a Cognito identity pool's role): a person's request`,
  },
});

export const WEBSOCKET_HANDLER = defineRule({
  id: 'websocket-handler',
  effect: 'user-waiting',
  title: 'WebSocket message handler',
  messages: {
    socket: (event: string, where: string) => `socket handler for '${event}' events at ${where}`,
    lambda: (what: string) => `${what}: a WebSocket message`,
  },
});

export const RPC_PROCEDURE = defineRule({
  id: 'rpc-procedure',
  effect: 'user-waiting',
  title: 'tRPC procedure or gRPC service method',
  messages: {
    trpc: (method: string, where: string) => `tRPC ${method} procedure at ${where}`,
    built: (framework: string, method: string, where: string, origin: string, steps: readonly string[]) =>
      `${framework} procedure (\`.${method}(…)\` at ${where}), built from ${[...steps, origin].join(', from ')}`,
    grpcService: (receiver: string, where: string) => `gRPC service handler (${receiver}.addService) at ${where}`,
    grpcMethod: (key: string, receiver: string, where: string) => `gRPC service method \`${key}\` (${receiver}.addService) at ${where}`,
  },
});

export const GRAPHQL_RESOLVER = defineRule({
  id: 'graphql-resolver',
  effect: 'user-waiting',
  title: 'GraphQL resolver',
  messages: {
    resolver: (type: string, field: string | null, where: string) => `GraphQL ${type}${field ? `.${field}` : ''} resolver at ${where}`,
    nestField: (decorator: string, where: string) => `GraphQL @${decorator}() field resolver at ${where}: it runs for the query that asks for it`,
  },
});

export const LONG_RUNNING_SERVER = defineRule({
  id: 'long-running-server',
  effect: 'user-waiting',
  title: 'Set up by a file that starts a long-running server or bot',
  messages: {
    startup: (file: string, what: string) =>
      `module-level code in ${file}, which sets up a long-running server or bot (${what}): it runs once at start-up, not per request, and how the file is started says nothing about who waits; if it is batch work, move it to a script or declare it with \`// batchwise: batch\``,
    handler: (where: string, call: string, file: string, startup: string) =>
      `a handler set up at ${where} (${call}) while ${file} sets up a long-running server or bot (${startup}); a callback registered there answers requests or events`,
    registers: (message: string) => `it registers the ${message}`,
    listening: (call: string, where: string, file: string) =>
      `the callback of ${call} at ${where}, which ${file} runs once, when its server is listening: start-up code, not per request, and how the file is started says nothing about who waits; if it is batch work, move it to a script or declare it with \`// batchwise: batch\``,
    starts: (call: string, where: string) => `\`${call}\` at ${where}`,
  },
});

export const STREAM_TO_CLIENT = defineRule({
  id: 'stream-to-client',
  effect: 'user-waiting',
  title: 'Streams to a client (SSE, res.write, streamText)',
  messages: {
    streams: (label: string, where: string) => `${label} streams its answer to an HTTP client (${where})`,
  },
});

export const RULES = [HTTP_ROUTE_HANDLER, WEBSOCKET_HANDLER, RPC_PROCEDURE, GRAPHQL_RESOLVER, LONG_RUNNING_SERVER, STREAM_TO_CLIENT] as const;

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'options', 'head']);
const SOCKET_EVENTS = new Set(['message', 'connection', 'connect', 'data']);
/** Receivers that hold HTTP routes, for route paths Batchwise cannot read (`app.post(paths.ask, h)`). */
const ROUTER_RECEIVER = /^(app|router|server|api|fastify|hono|koa|express|routes?)$|(App|Router|Routes|Server|Api)$/;

/** Receivers of 'message' events that are no socket: a process's IPC channel, worker threads, a child process. */
const NOT_A_SOCKET = /^(process|parentPort|port\d*|worker|workers?\w*|child|childProcess|cluster)$/i;
/** What a 'data' event is a socket's, not any stream's (a file, a CSV parser, stdin): a receiver so named. */
const SOCKET_NAME = /sock|^ws$|^conn(ection)?$|^client$|^peer$/i;

/** Whether `object.on(event, …)` listens to a socket: 'data' only on one named so, other events on anything but a process or worker. */
function socketReceiver(object: Node, event: string): boolean {
  const name = receiverName(object);
  if (event === 'data') return name !== null && SOCKET_NAME.test(name);
  return !(name !== null && NOT_A_SOCKET.test(name));
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

/** RPC server packages whose procedure builders end in the method that takes the procedure's body, by the package the chain starts from. */
const RPC_SERVERS: readonly { source: RegExp; framework: string; methods: ReadonlySet<string> }[] = [
  { source: /^@orpc\/server$/, framework: 'oRPC', methods: new Set(['handler']) },
  { source: /^@trpc\/server(\/|$)/, framework: 'tRPC', methods: new Set(['query', 'mutation', 'subscription']) },
];

/**
 * A procedure body handed to the end of an RPC builder chain that starts from an RPC server package,
 * through the workspace's constants and imports (`authenticatedProcedure.input(s).handler(fn)` with
 * `authenticatedProcedure` built from `os` of @orpc/server in another package): the client that called
 * the procedure waits for it.
 */
export function rpcBuilder(q: CallQuestion): Path[] | null {
  const { call, fi, file, project } = q;
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression) return null;
  const method = propertyName(call.callee.property, call.callee.computed);
  if (!method || !RPC_SERVERS.some((s) => s.methods.has(method))) return null;
  const origin = chainPackage(project.moduleLookup, fi, call.callee.object);
  const server = origin && RPC_SERVERS.find((s) => s.methods.has(method) && s.source.test(origin.source));
  if (!origin || !server) return null;
  const where = `${file}:${call.loc.start.line}`;
  return [toPath(entry(RPC_PROCEDURE, RPC_PROCEDURE.messages.built(server.framework, method, where, `\`${origin.imported}\` of ${origin.source}`, origin.steps), call), file)];
}

/** A route handler, a socket handler, a procedure: a function handed to a registration call. */
export function httpRegistration(call: CallNode, file: string, stringOf: StringOf = NO_STRINGS): EntryMatch | null {
  if (call.type === T.NewExpression) return null;
  const where = `${file}:${call.loc.start.line}`;
  if (call.callee.type !== T.MemberExpression) {
    return call.callee.type === T.Identifier && call.callee.name === 'createServer' ? entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.createServer(where), call) : null;
  }
  const method = propertyName(call.callee.property, call.callee.computed);
  if (!method) return null;
  const object = call.callee.object;
  const receiver = receiverName(object);
  const first = stringArg(call.arguments[0], stringOf);
  if (HTTP_METHODS.has(method)) {
    const route = httpRoute(call, receiver, stringOf);
    if (route) return entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.route(method.toUpperCase(), route, where), call);
  }
  if (method === 'createServer') return entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.createServerOf(receiver ?? '', where), call);
  if (method === 'serve' && (receiver === 'Bun' || receiver === 'Deno')) return entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.serve(receiver, where), call);
  // Hono: `app.on('POST', '/x', h)` and `app.on(['GET', 'POST'], '/x', h)`.
  if (method === 'on' && call.arguments.length >= 3) {
    const verbs = call.arguments[0].type === T.ArrayExpression ? call.arguments[0].elements.map((e) => stringArg(e ?? undefined, stringOf)) : [first];
    const path = routePath(call.arguments[1], stringOf);
    if (path && verbs.length > 0 && verbs.every((v) => v !== null && /^[A-Z]+$/.test(v))) return entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.route(verbs.join('/'), path, where), call);
  }
  if ((method === 'on' || method === 'once') && first !== null && SOCKET_EVENTS.has(first) && socketReceiver(object, first)) {
    return entry(WEBSOCKET_HANDLER, WEBSOCKET_HANDLER.messages.socket(first, where), call);
  }
  const root = rootIdentifier(object);
  if (method === 'use' && root && /^(app|router|server|api|koa|hono)$/i.test(root) && first === null) return entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.middleware(root, where), call);
  if ((method === 'query' || method === 'mutation' || method === 'subscription') && chainNames(object).some((n) => /procedure/i.test(n))) {
    return entry(RPC_PROCEDURE, RPC_PROCEDURE.messages.trpc(method, where), call);
  }
  if (method === 'addService' && call.arguments.length >= 2) return entry(RPC_PROCEDURE, RPC_PROCEDURE.messages.grpcService(receiver ?? '', where), call);
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

/** Fastify `fastify.route({ method, url, handler })`, gRPC `addService(def, { method })`, `Bun.serve({ fetch })`, `Deno.serve({ handler })`. */
export function httpOption(q: OptionQuestion): Path[] | null {
  const { call, key, props, file } = q;
  if (key === null) return null;
  const stringOf = q.stringOf(file);
  const where = `${file}:${call.loc.start.line}`;
  const callee = call.callee;
  const method = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : callee.type === T.Identifier ? callee.name : null;
  const receiver = callee.type === T.MemberExpression ? receiverName(callee.object) : null;
  let match: EntryMatch | null = null;
  if (method === 'route' && key === 'handler' && (props.has('url') || props.has('path'))) {
    const verb = stringArg(props.get('method'), stringOf) ?? 'HTTP';
    const url = stringArg(props.get('url') ?? props.get('path'), stringOf) ?? '…';
    match = entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.routeOption(verb.toUpperCase(), url, receiver ?? '', where), call);
  } else if (method === 'addService' && call.arguments.length >= 2) {
    match = entry(RPC_PROCEDURE, RPC_PROCEDURE.messages.grpcMethod(key, receiver ?? '', where), call);
  } else if ((key === 'fetch' || key === 'handler') && (method === 'serve' || method === 'createServer')) {
    match = entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.serveOption(`${receiver ? `${receiver}.` : ''}${method}`, key, where), call);
  }
  return match ? [toPath(match, file)] : null;
}

/** NestJS-style decorators on a class method, as data: which decorators make which entry. */
const NEST_DECORATORS: { names: RegExp; match: (name: string, where: string, node: Node) => EntryMatch }[] = [
  { names: /^(Get|Post|Put|Patch|Delete|All|Sse|MessagePattern|SubscribeMessage|Query|Mutation)$/, match: (n, w, node) => entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.nest(n, w), node) },
  { names: /^(ResolveField|ResolveProperty|FieldResolver|Subscription)$/, match: (n, w, node) => entry(GRAPHQL_RESOLVER, GRAPHQL_RESOLVER.messages.nestField(n, w), node) },
  // An event, not a request: whoever emits it is not traced.
  { names: /^(EventPattern|OnEvent|Process|OnQueueActive|OnWorkerEvent)$/, match: (n, w, node) => entry(QUEUE_WORKER, QUEUE_WORKER.messages.nestEvent(n, w), node) },
  { names: /^(Cron|Interval|Timeout)$/, match: (n, w, node) => entry(CRON_SCHEDULE, CRON_SCHEDULE.messages.nest(n, w), node) },
];

/** `@Get()`, `@Cron()`, `@OnEvent()` on a class method: a request handler, a schedule, an event handler. */
export function nestDecorator(q: FunctionQuestion): FunctionEntry | null {
  const method = q.fi.parents.get(q.fn);
  if (!method || method.type !== T.MethodDefinition) return null;
  for (const d of method.decorators ?? []) {
    const expr = d.expression.type === T.CallExpression ? d.expression.callee : d.expression;
    const name = expr.type === T.Identifier ? expr.name : null;
    if (!name) continue;
    const row = NEST_DECORATORS.find((r) => r.names.test(name));
    if (row) return { match: row.match(name, `${q.file}:${d.loc.start.line}`, d), step: false };
  }
  return null;
}

const GRAPHQL_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** `const Query = {…}`, `mutationResolvers`: the GraphQL type a variable's name says its resolvers are for. */
function graphqlTypeOfName(name: string): string | null {
  const m = /^(query|mutation|subscription)(Resolvers?)?$/i.exec(name);
  return m ? m[1].charAt(0).toUpperCase() + m[1].slice(1).toLowerCase() : null;
}

/**
 * A GraphQL resolver answers a query someone sent: `resolvers = { Query: { field() {} } }`, or a
 * type's resolvers kept in their own object (`const Query = { field() {} }`, `mutationResolvers`) and
 * put together elsewhere.
 */
export function graphqlResolver(q: FunctionQuestion): FunctionEntry | null {
  const { fi, fn } = q;
  const prop = fi.parents.get(fn);
  if (prop?.type !== T.Property && prop?.type !== T.MethodDefinition) return null;
  const obj = fi.parents.get(prop);
  if (obj?.type !== T.ObjectExpression) return null;
  const holder = fi.parents.get(fi.outermost(obj));
  let type: string | null = null;
  if (holder?.type === T.Property) type = propertyName(holder.key, holder.computed);
  else if (holder?.type === T.VariableDeclarator && holder.id.type === T.Identifier) type = graphqlTypeOfName(holder.id.name);
  if (!type || !GRAPHQL_TYPES.has(type)) return null;
  const field = prop.type === T.Property ? propertyName(prop.key, prop.computed) : null;
  return { match: entry(GRAPHQL_RESOLVER, GRAPHQL_RESOLVER.messages.resolver(type, field, `${q.file}:${fn.loc.start.line}`), fn), step: true };
}

/** A function stored in a GraphQL resolver map by reference: `{ Query: { ask: askResolver } }`, `const Mutation = { send }`. */
export function graphqlField(file: string, keys: readonly string[], holder: Node | undefined, at: Node): EntryMatch | null {
  let type: string | null = keys.length >= 2 && GRAPHQL_TYPES.has(keys[keys.length - 2]) ? keys[keys.length - 2] : null;
  if (!type && keys.length === 1 && holder?.type === T.VariableDeclarator && holder.id.type === T.Identifier) type = graphqlTypeOfName(holder.id.name);
  if (!type) return null;
  return entry(GRAPHQL_RESOLVER, GRAPHQL_RESOLVER.messages.resolver(type, keys[keys.length - 1], `${file}:${at.loc.start.line}`), at);
}

/** Code that streams to an HTTP client: the function holding it answers a person who is reading. */
const STREAMS_TO_CLIENT = /\bres\.write\(|text\/event-stream|\bstreamText\(|toDataStreamResponse\(|toTextStreamResponse\(|\.pipe\(\s*res\b/;

/** Whether a function's body streams to a client, by function: each walk that reaches a function asks. */
const streamingBodies = new WeakMap<Node, boolean>();

export function streamsToClient(q: FunctionQuestion): FunctionEntry | null {
  const { fn, fi, name } = q;
  if (!fn.body) return null;
  let streams = streamingBodies.get(fn);
  if (streams === undefined) streamingBodies.set(fn, (streams = STREAMS_TO_CLIENT.test(fi.text.slice(fn.body.range[0], fn.body.range[1]))));
  if (!streams) return null;
  // An eval's task hands what it streams to the eval runner, which drains it to score it.
  if (evalRunnerOption(fi, fn, q.project.moduleLookup)) return null;
  const label = name ? `\`${name}\`` : 'the enclosing function';
  return { match: entry(STREAM_TO_CLIENT, STREAM_TO_CLIENT.messages.streams(label, `${q.file}:${fn.loc.start.line}`), fn), step: true };
}

// ---- long-running servers

export interface ServerStart {
  /** What starts it, in words: "`app.listen(…)` at server.js:12". */
  what: string;
  line: number;
}

/** Receivers whose `.start()` runs a server or bot: Slack Bolt `app.start()`, hapi `server.start()`. */
const START_RECEIVER = /(app|bot|server|slack|bolt|receiver)$/i;
/** Receivers whose `.login()` connects a bot: discord.js `client.login(token)`. */
const LOGIN_RECEIVER = /(client|bot|discord)$/i;
/** Telegraf `bot.launch()`; puppeteer's `launch()` starts a browser, not a server, so the receiver counts. */
const LAUNCH_RECEIVER = /(bot|telegraf)$/i;
const SERVER_CLASSES = new Set(['WebSocketServer', 'ApolloServer']);

const PREFILTER = /\.(listen|start|login|launch|serve|bindAsync|initialize)\s*\(|createServer\s*\(|\bserve\s*\(|WebSocketServer|ApolloServer|new\s+Server\s*\(|\bpolling\s*:/;
/** whatsapp-web.js and Baileys clients connect with `client.initialize()`; other SDKs' initialize() start nothing. */
const WHATSAPP = /['"](whatsapp-web\.js|@whiskeysockets\/baileys)['"]/;

/** A parsed file as far as this reads it: its path, text and tree. */
type ParsedFile = { file: string; text: string; ast: TSESTree.Program };

const starts = new WeakMap<ParsedFile, ServerStart | null>();

/** The call that starts a long-running server or bot in this file, if any. */
export function serverStartIn(parsed: ParsedFile): ServerStart | null {
  if (starts.has(parsed)) return starts.get(parsed)!;
  const found = PREFILTER.test(parsed.text) ? findServerStart(parsed) : null;
  starts.set(parsed, found);
  return found;
}

function findServerStart(parsed: ParsedFile): ServerStart | null {
  let found: ServerStart | null = null;
  visit(parsed.ast, (node) => {
    if (found) return false;
    const what = node.type === T.CallExpression ? startingCall(node, parsed.text) : node.type === T.NewExpression ? startingClass(node) : null;
    if (what) found = { what: LONG_RUNNING_SERVER.messages.starts(what, `${parsed.file}:${node.loc.start.line}`), line: node.loc.start.line };
  });
  return found;
}

function startingCall(call: TSESTree.CallExpression, text: string): string | null {
  const callee = call.callee;
  if (callee.type === T.Identifier) {
    // `createServer(handler)` from node:http, `serve({ fetch })` from @hono/node-server or Deno's std.
    if (callee.name === 'createServer' || callee.name === 'serve') return `${callee.name}(…)`;
    return null;
  }
  if (callee.type !== T.MemberExpression) return null;
  const method = propertyName(callee.property, callee.computed);
  const receiver = receiverName(callee.object);
  const label = `${receiver ?? '…'}.${method}(…)`;
  switch (method) {
    case 'listen':
      // Nothing that is not a server has a listen() that takes a port or a callback.
      return label;
    case 'createServer':
      return label;
    case 'serve':
      return receiver === 'Bun' || receiver === 'Deno' ? label : null;
    case 'start':
      return receiver && START_RECEIVER.test(receiver) && !isFunctionArgumentOnly(call) ? label : null;
    case 'login':
      return receiver && LOGIN_RECEIVER.test(receiver) ? label : null;
    case 'launch':
      return receiver && LAUNCH_RECEIVER.test(receiver) ? label : null;
    case 'bindAsync':
      // gRPC: `server.bindAsync(address, credentials, cb)` starts serving.
      return call.arguments.length >= 2 ? label : null;
    case 'initialize':
      return receiver && LOGIN_RECEIVER.test(receiver) && WHATSAPP.test(text) ? label : null;
    default:
      return null;
  }
}

/** `something.start(() => …)` registers a start hook; it does not start a server itself. */
function isFunctionArgumentOnly(call: TSESTree.CallExpression): boolean {
  return call.arguments.length === 1 && isFunctionLike(call.arguments[0]);
}

function startingClass(node: TSESTree.NewExpression): string | null {
  const callee = node.callee;
  const name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
  if (!name) return null;
  // node-telegram-bot-api `new TelegramBot(token, { polling: true })` polls for messages as long as it lives.
  if (node.arguments.some((a) => a.type === T.ObjectExpression && a.properties.some((p) => p.type === T.Property && propertyName(p.key, p.computed) === 'polling' && !(p.value.type === T.Literal && p.value.value === false)))) {
    return `new ${name}(…, { polling })`;
  }
  // socket.io's `new Server(httpServer)`; `new WebSocket.Server({ port })` from ws.
  if (SERVER_CLASSES.has(name) || (name === 'Server' && (callee.type === T.MemberExpression || node.arguments.length > 0))) return `new ${name}(…)`;
  return null;
}

const registered = new WeakMap<SyntaxModel, ServerStart | null>();

/** A route, bot or socket handler registered anywhere in the file makes it a server's file. */
function registeredHandler(fi: SyntaxModel, file: string, hooks: Hooks): ServerStart | null {
  if (registered.has(fi)) return registered.get(fi)!;
  let found: ServerStart | null = null;
  visit(fi.ast, (node) => {
    if (found) return false;
    if (node.type !== T.CallExpression || !node.arguments.some((a) => isFunctionLike(a) || a.type === T.Identifier || a.type === T.MemberExpression)) return;
    if (fileStreamEvent(fi, file, node)) return;
    for (const match of hooks.registrations) {
      const e = match(node, file, NO_STRINGS, fi);
      if (!e) continue;
      if (e.rule.effect === 'user-waiting') found = { what: LONG_RUNNING_SERVER.messages.registers(e.message), line: node.loc.start.line };
      break;
    }
  });
  registered.set(fi, found);
  return found;
}

/** What starts a long-running server in a file: a listen/serve/login… call, or handlers it registers. */
export function serverStart(fi: SyntaxModel, file: string, hooks: Hooks): ServerStart | null {
  return serverStartIn(fi) ?? registeredHandler(fi, file, hooks);
}

/**
 * Module-level code of a file that starts a server runs once at start-up, whoever starts the file.
 * Checked before the npm script or top-level await that starts the file: those say how the process
 * starts, not who waits on the handlers it serves.
 */
export function serverStartup(q: ModuleQuestion): Path | null {
  const server = serverStart(q.fi, q.file, q.hooks);
  if (!server) return null;
  return { effect: 'open', rule: LONG_RUNNING_SERVER, entry: LONG_RUNNING_SERVER.messages.startup(q.file, server.what), file: q.file, line: server.line, steps: [], loops: [], startup: server.what };
}
