// Does a file start a long-running server or bot? Such a file is run by `npm start` like a script is,
// but the code it registers answers requests for as long as the process lives, so the way it is
// started says nothing about who waits. See docs/rules/long-running-server.md.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit } from '../parse/walk';
import { isFunctionLike, propertyName } from '../syntax/nodes';
import { receiverName } from './entries';

/** A parsed file as far as this reads it: its path, text and tree. */
type ParsedFile = { file: string; text: string; ast: TSESTree.Program };

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

const memo = new WeakMap<ParsedFile, ServerStart | null>();

/** The call that starts a long-running server or bot in this file, if any. */
export function serverStartIn(parsed: ParsedFile): ServerStart | null {
  if (memo.has(parsed)) return memo.get(parsed)!;
  const found = PREFILTER.test(parsed.text) ? findServerStart(parsed) : null;
  memo.set(parsed, found);
  return found;
}

function findServerStart(parsed: ParsedFile): ServerStart | null {
  let found: ServerStart | null = null;
  visit(parsed.ast, (node) => {
    if (found) return false;
    const what = node.type === T.CallExpression ? startingCall(node, parsed.text) : node.type === T.NewExpression ? startingClass(node) : null;
    if (what) found = { what: `\`${what}\` at ${parsed.file}:${node.loc.start.line}`, line: node.loc.start.line };
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
