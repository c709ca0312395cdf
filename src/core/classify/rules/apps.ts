// Apps a person is using: UI components and React hooks (and JSX props), editor commands, Electron
// IPC handlers, browser-extension listeners.
import { AST_NODE_TYPES as T } from '../../parse/parse';
import { propertyName } from '../../syntax/nodes';
import type { SyntaxModel } from '../../syntax/model';
import { Path, toPath } from '../path';
import type { CallNode, CallQuestion, FunctionEntry, FunctionQuestion } from './hooks';
import { chainNames, rootIdentifier, stringArg } from './read';
import { defineRule, entry, EntryMatch, NO_STRINGS, StringOf } from './rule';
import { importSource } from './terminal';

export const UI_COMPONENT = defineRule({
  id: 'ui-component',
  effect: 'user-waiting',
  title: 'UI component or hook',
  messages: {
    named: (kind: string, name: string, where: string) => `${kind} \`${name}\` in ${where}`,
    hookCallback: (hook: string, where: string) => `a callback of the React hook \`${hook}\` at ${where}, which runs in the UI a person is using`,
    jsxProp: (prop: string, where: string) => `handed to the JSX prop \`${prop}\` at ${where}: it runs when a person uses the page`,
  },
});

export const EDITOR_COMMAND = defineRule({
  id: 'editor-command',
  effect: 'user-waiting',
  title: 'Editor command or webview message handler',
  messages: {
    handler: (where: string) => `editor command handler at ${where}`,
    command: (name: string | null, where: string) => `editor command${name ? ` '${name}'` : ''} at ${where}`,
    webview: (where: string) => `VS Code webview message handler at ${where}: a person acted in the extension's panel and waits for the answer`,
  },
});

export const ELECTRON_IPC = defineRule({
  id: 'electron-ipc',
  effect: 'user-waiting',
  title: 'Electron IPC handler',
  messages: {
    handler: (channel: string | null, where: string) => `Electron IPC handler${channel ? ` for '${channel}'` : ''} at ${where}`,
  },
});

export const EXTENSION_EVENT = defineRule({
  id: 'extension-event',
  effect: 'user-waiting',
  title: 'Browser extension event handler (a message from a page, a click)',
  messages: {
    listener: (root: string, event: string, where: string) =>
      `browser extension ${root}.${event} listener at ${where}: ${/^runtime\./.test(event) ? 'the page or popup that sent the message waits for the answer' : 'a person clicked or typed and waits for the result'}`,
  },
});

export const RULES = [UI_COMPONENT, EDITOR_COMMAND, ELECTRON_IPC, EXTENSION_EVENT] as const;

/**
 * Browser extension events a person (or a page answering one) waits on: messages from content scripts
 * and popups, clicks, keyboard commands, the omnibox. Alarms and other timers are not among them.
 */
const EXTENSION_EVENTS = new Set([
  'runtime.onMessage', 'runtime.onMessageExternal', 'runtime.onConnect', 'runtime.onConnectExternal', 'action.onClicked', 'browserAction.onClicked',
  'contextMenus.onClicked', 'menus.onClicked', 'commands.onCommand', 'omnibox.onInputEntered', 'omnibox.onInputChanged',
]);

/** `registerCommand('x', fn)`, `webview.onDidReceiveMessage(fn)`, `chrome.runtime.onMessage.addListener(fn)`, `ipcMain.handle('x', fn)`. */
export function appRegistration(call: CallNode, file: string, stringOf: StringOf = NO_STRINGS): EntryMatch | null {
  if (call.type !== T.CallExpression) return null;
  const where = `${file}:${call.loc.start.line}`;
  if (call.callee.type === T.Identifier) {
    return ['registerCommand', 'registerTextEditorCommand'].includes(call.callee.name) ? entry(EDITOR_COMMAND, EDITOR_COMMAND.messages.handler(where), call) : null;
  }
  if (call.callee.type !== T.MemberExpression) return null;
  const method = propertyName(call.callee.property, call.callee.computed);
  if (!method) return null;
  const object = call.callee.object;
  const root = rootIdentifier(object);
  const first = stringArg(call.arguments[0], stringOf);
  if (method === 'addListener' && root && /^(chrome|browser)$/.test(root)) {
    // chrome.runtime.onMessage.addListener(fn): the namespace and event under the extension API root.
    const chain = chainNames(object); // outermost first: onMessage, runtime, chrome
    const event = `${chain[1]}.${chain[0]}`;
    if (chain.length === 3 && EXTENSION_EVENTS.has(event)) return entry(EXTENSION_EVENT, EXTENSION_EVENT.messages.listener(root, event, where), call);
  }
  if (root === 'ipcMain' && ['handle', 'handleOnce', 'on', 'once'].includes(method)) return entry(ELECTRON_IPC, ELECTRON_IPC.messages.handler(first, where), call);
  if (method === 'registerCommand' || method === 'registerTextEditorCommand') return entry(EDITOR_COMMAND, EDITOR_COMMAND.messages.command(first, where), call);
  // `webview.onDidReceiveMessage(fn)`: the messages a VS Code webview (a panel, a sidebar view) posts
  // when a person clicks or types in it.
  if (method === 'onDidReceiveMessage') return entry(EDITOR_COMMAND, EDITOR_COMMAND.messages.webview(where), call);
  return null;
}

/** A component (a capitalised function of a .jsx/.tsx file) or a hook (`useX`): it runs in the UI a person is using. */
export function componentOrHook(q: FunctionQuestion): FunctionEntry | null {
  const { name, fn, file } = q;
  if (!name || !(/^use[A-Z]/.test(name) || (/^[A-Z]/.test(name) && /\.[jt]sx$/.test(file)))) return null;
  const kind = name.startsWith('use') ? 'React hook' : 'UI component';
  return { match: entry(UI_COMPONENT, UI_COMPONENT.messages.named(kind, name, `${file}:${fn.loc.start.line}`), fn), step: true };
}

/** React's hooks that take a callback: it runs in a component, for the person using the UI. */
const REACT_HOOKS = /^use(Callback|Effect|LayoutEffect|InsertionEffect|Memo|Transition)$/;
const REACT_MODULES = /^(react|preact\/hooks|preact\/compat)$/;

function reactHookCallback(fi: SyntaxModel, call: CallNode): string | null {
  if (call.type !== T.CallExpression) return null;
  const callee = call.callee;
  if (callee.type === T.Identifier) return REACT_HOOKS.test(callee.name) && REACT_MODULES.test(importSource(fi, callee) ?? '') ? callee.name : null;
  if (callee.type === T.MemberExpression && callee.object.type === T.Identifier && !callee.computed && callee.property.type === T.Identifier) {
    return REACT_HOOKS.test(callee.property.name) && REACT_MODULES.test(importSource(fi, callee.object) ?? '') ? `${callee.object.name}.${callee.property.name}` : null;
  }
  return null;
}

/** `useCallback(fn)`, `React.useEffect(fn)`: a callback a component runs. */
export function reactHook(q: CallQuestion): Path[] | null {
  const hook = reactHookCallback(q.fi, q.call);
  return hook ? [toPath(entry(UI_COMPONENT, UI_COMPONENT.messages.hookCallback(hook, `${q.file}:${q.call.loc.start.line}`), q.call), q.file)] : null;
}
