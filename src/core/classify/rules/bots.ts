// Chat bots: Slack Bolt, Telegraf and node-telegram-bot-api, discord.js event handlers and the
// discord.js guide's command and event modules, which a loader dispatches by name; WhatsApp bots
// (Baileys, whatsapp-web.js).
import { AST_NODE_TYPES as T } from '../../parse/parse';
import { isFunctionLike, Node, propertyName, unwrap } from '../../syntax/nodes';
import type { SyntaxModel } from '../../syntax/model';
import { Path, toPath } from '../path';
import type { CallNode, ExportQuestion } from './hooks';
import { exportedValues, objectProps, receiverName, stringArg } from './read';
import { defineRule, entry, EntryMatch, NO_STRINGS, StringOf } from './rule';

export const CHAT_BOT_HANDLER = defineRule({
  id: 'chat-bot-handler',
  effect: 'user-waiting',
  title: 'Chat bot handler (Slack, Discord, Telegram, WhatsApp)',
  messages: {
    event: (event: string, where: string) => `bot handler for '${event}' events at ${where}`,
    method: (method: string, first: string | null, where: string) => `bot ${method} handler${first ? ` for '${first}'` : ''} at ${where}`,
    discordCommand: (where: string) => `discord.js slash command (\`data\` built with SlashCommandBuilder, \`execute\` at ${where}): a person ran it and waits for the reply`,
    discordEvent: (event: string, where: string) => `discord.js event module for '${event}' (\`execute\` at ${where})`,
    agentChannels: (adapters: string, where: string) => `Mastra agent at ${where} that answers chat messages through its channel adapters (${adapters})`,
  },
});

export const RULES = [CHAT_BOT_HANDLER] as const;

const BOT_EVENTS = new Set([
  'messageCreate', 'interactionCreate', 'text', 'message_created', 'app_mention', 'messageReactionAdd', 'callback_query', 'inline_query',
  // WhatsApp: Baileys' `sock.ev.on('messages.upsert', fn)`, whatsapp-web.js' `client.on('message_create', fn)`
  // (its plain 'message' is every EventEmitter's, a worker's or a socket's, and is not taken for a chat).
  'messages.upsert', 'message_create',
]);
const BOT_METHODS = new Set(['message', 'command', 'action', 'event', 'shortcut', 'hears', 'view', 'options', 'start', 'help']);
/** Receivers that are Slack, Telegram or Discord apps: `app`, `bot`, `slackApp`, `this.bot`. */
const BOT_RECEIVER = /(app|bot|slack|telegraf|bolt)$/i;
/** Telegraf's update filters (`bot.on(message('text'), fn)`), from telegraf/filters. */
const TELEGRAF_FILTERS = new Set(['message', 'editedMessage', 'channelPost', 'callbackQuery', 'inlineQuery']);

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

/** `client.on('messageCreate', fn)`, `bot.command('ask', fn)`, `app.message(fn)`, Telegraf's `bot.start(fn)`. */
export function botRegistration(call: CallNode, file: string, stringOf: StringOf = NO_STRINGS): EntryMatch | null {
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression) return null;
  const method = propertyName(call.callee.property, call.callee.computed);
  if (!method) return null;
  const where = `${file}:${call.loc.start.line}`;
  const receiver = receiverName(call.callee.object);
  const first = stringArg(call.arguments[0], stringOf);
  if (method === 'on' || method === 'once') {
    const event = first ?? botEvent(call.arguments[0]);
    if (event !== null && BOT_EVENTS.has(event)) return entry(CHAT_BOT_HANDLER, CHAT_BOT_HANDLER.messages.event(event, where), call);
  }
  // Telegraf's `bot.start(fn)` is the /start command; Bolt's `app.start(port)` starts the app.
  const handed = (method === 'start' || method === 'help' ? call.arguments : call.arguments.slice(1)).some((a) => isFunctionLike(a) || a.type === T.Identifier || a.type === T.MemberExpression);
  if (BOT_METHODS.has(method) && receiver && BOT_RECEIVER.test(receiver) && handed) return entry(CHAT_BOT_HANDLER, CHAT_BOT_HANDLER.messages.method(method, first, where), call);
  return null;
}

/** `new SlashCommandBuilder()` (or ContextMenuCommandBuilder) at the root of a chain of setter calls: a discord.js command's `data`. */
/**
 * A Mastra agent that answers chats itself: `new Agent({ …, channels: { adapters: { slack: … } } })`
 * from @mastra/core. Whoever wrote the message waits for its runs (and the tools they call).
 */
export function agentChannels(fi: SyntaxModel, call: CallNode, file: string): EntryMatch | null {
  if (call.type !== T.NewExpression || call.callee.type !== T.Identifier) return null;
  const source = fi.resolve(call.callee)?.import?.source ?? '';
  if (!/^@mastra\/core(\/agent)?$/.test(source)) return null;
  const adapters = objectProps(objectProps(call.arguments[0]).get('channels')).get('adapters');
  const names = [...objectProps(adapters).keys()];
  if (names.length === 0) return null;
  return entry(CHAT_BOT_HANDLER, CHAT_BOT_HANDLER.messages.agentChannels(names.join(', '), `${file}:${call.loc.start.line}`), call);
}

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
  if (isDiscordCommandData(entries.get('data'))) return entry(CHAT_BOT_HANDLER, CHAT_BOT_HANDLER.messages.discordCommand(where), node);
  const name = entries.get('name');
  const event = name?.type === T.Literal && typeof name.value === 'string' ? name.value : botEvent(name ?? undefined);
  if (event !== null && BOT_EVENTS.has(event)) return entry(CHAT_BOT_HANDLER, CHAT_BOT_HANDLER.messages.discordEvent(event, where), node);
  return null;
}

/** A module whose `execute` export sits beside `data` or `name`: a discord.js command or event module. */
export function discordModuleExport(q: ExportQuestion): Path[] | null {
  if (q.exportName !== 'execute') return null;
  const match = matchDiscordModule(exportedValues(q.fi), q.exportName, q.file, q.value);
  return match ? [toPath(match, q.file)] : null;
}
