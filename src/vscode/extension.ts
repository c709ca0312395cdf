// Activation: the thin client. The engine runs in the language server (dist/server.js), a process of
// its own; the language client and all that talks to it (dist/client.js, see client.ts) load right after
// activate() returns, so activation itself loads nothing but this file. One owner for every disposable;
// commands are a table, each waiting for the client where it needs one.
import * as vscode from 'vscode';
import type { ClientParts } from './client';
import { APPLY_FIX, OPEN_CREATED, openCreatedBeside, VIEW_TYPE } from './commandIds';
import { Notifier, Shown } from './notify';
import type { ExportFormat, FromWebview } from './report/protocol';
import { SavingsStatusBar } from './statusBar';
import { pickUsageFiles } from './usage';
import type { ReportResult } from '../server/protocol';
import type { BatchwiseServerInfo } from '../server/server';
/** Set by the bundle's first line (scripts/build.mjs); absent when the sources run unbundled. */
declare const __batchwiseLoadStart: number | undefined;
declare const __batchwiseLoadEnd: number | undefined;

/** How long activation took on the extension host: evaluating the bundle, then activate() itself; then,
 * after activation, loading and starting the language client (undefined until it has). */
export interface ActivationTimes {
  /** Evaluating the bundle (VS Code's "code loading"). */
  loadMs: number | undefined;
  /** The extension host's own time between the bundle's evaluation and its call of activate() (not the extension's). */
  hostMs?: number;
  activateMs: number;
  clientLoadMs?: number;
  /** Of which: evaluating the client's bundle, then starting the client (each a turn of its own). */
  clientRequireMs?: number;
  clientStartMs?: number;
}

/** What the extension hands to other extensions and to its integration tests. */
export interface BatchwiseApi {
  onDidUpdateDiagnostics: vscode.Event<vscode.Uri>;
  /** The document version the current diagnostics of `uri` were computed for. */
  analysedVersion(uri: vscode.Uri): number | undefined;
  showReport(): Promise<number>;
  exportReport(format: ExportFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined>;
  statusText(): string;
  /** The language server's process id, once it runs: never the extension host's. */
  serverProcessId(): Promise<number | undefined>;
  activationTimes(): ActivationTimes;
  /** The report as the extension holds it (the last scan, updated after edits and fixes). */
  lastReport(): ReportResult | undefined;
  /** Handles a message as if the report page had sent it (a click on a file link or *Apply fix*). */
  reportMessage(message: FromWebview): Promise<void>;
  /** The notifications the extension showed last, oldest first. */
  notifications(): readonly Shown[];
  /** Sends a request to the language server (test hooks; `batchwise/…` requests). */
  sendServerRequest(method: string, params: unknown): Promise<unknown>;
}

export function activate(context: vscode.ExtensionContext): BatchwiseApi {
  const activateStart = performance.now();
  const log = vscode.window.createOutputChannel('Batchwise', { log: true });
  const notifier = new Notifier(log);
  const status = new SavingsStatusBar();
  const updated = new vscode.EventEmitter<vscode.Uri>();
  const times: ActivationTimes = { loadMs: undefined, activateMs: 0 };

  // The client loads on the next turn of the event loop, not inside activate(): the extension host
  // finishes activating (and other extensions theirs) first. A command run before then waits for it.
  let parts: ClientParts | undefined;
  let disposed = false;
  // Loading the client's bundle and starting it are two turns: each holds the host for a while, and
  // between them the host runs whatever else is waiting.
  const loaded = new Promise<ClientParts>((resolve, reject) => {
    const failed = (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      log.error(`the Batchwise language client did not load: ${message}`);
      notifier.warn(`Batchwise: the language client did not load: ${message}`);
      reject(err);
    };
    setImmediate(() => {
      if (disposed) return reject(new Error('the extension was deactivated before its client loaded'));
      let startClient: typeof import('./client').startClient;
      const loadStart = performance.now();
      try {
        startClient = (require('./client.js') as typeof import('./client')).startClient;
      } catch (err) {
        return failed(err);
      }
      times.clientRequireMs = performance.now() - loadStart;
      setImmediate(() => {
        if (disposed) return reject(new Error('the extension was deactivated before its client started'));
        const startStart = performance.now();
        try {
          parts = startClient({ context, log, notifier, status, onDiagnostics: (uri) => updated.fire(uri) });
        } catch (err) {
          return failed(err);
        }
        times.clientStartMs = performance.now() - startStart;
        times.clientLoadMs = times.clientRequireMs! + times.clientStartMs;
        log.info(`language client loaded in ${times.clientRequireMs!.toFixed(1)} ms and started in ${times.clientStartMs.toFixed(1)} ms, two turns after activation`);
        resolve(parts);
      });
    });
  });
  // A failure is logged and shown above; the commands that wait for the client report it themselves.
  loaded.catch(() => undefined);
  const client = async () => loaded;

  const commands: Record<string, (...args: never[]) => unknown> = {
    'batchwise.showReport': async () => (await client()).report.show(),
    'batchwise.exportReport': async (format?: ExportFormat, target?: vscode.Uri) => {
      const chosen = format ?? ((await vscode.window.showQuickPick(['markdown', 'csv', 'json'], { placeHolder: 'Export the savings report as' })) as ExportFormat | undefined);
      return chosen ? (await client()).report.export(chosen, target) : undefined;
    },
    [APPLY_FIX]: async (uri: vscode.Uri, version: number, start: number, end: number) => {
      const outcome = await (await client()).applyFix(uri, version, start, end);
      if (!outcome.applied && !outcome.shown) notifier.warn(`Batchwise: no fix applied: ${outcome.reason}.`);
      return outcome.applied;
    },
    [OPEN_CREATED]: (created: vscode.Uri[], edited?: vscode.Uri) => openCreatedBeside(created, edited),
    'batchwise.pickUsageFiles': () => pickUsageFiles(),
    'batchwise.showLog': () => log.show(),
  };
  context.subscriptions.push(
    log,
    status,
    updated,
    {
      dispose: () => {
        disposed = true;
        parts?.dispose();
      },
    },
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, { deserializeWebviewPanel: async (panel) => (await client()).report.revive(panel) }),
    ...Object.entries(commands).map(([id, fn]) => vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown)),
  );
  // Where the footer ran (a bundle): evaluation ends there; the host's own work before it calls activate() is apart.
  const loadEnd = typeof __batchwiseLoadEnd === 'number' ? __batchwiseLoadEnd : activateStart;
  times.loadMs = typeof __batchwiseLoadStart === 'number' ? loadEnd - __batchwiseLoadStart : undefined;
  if (typeof __batchwiseLoadEnd === 'number') times.hostMs = activateStart - __batchwiseLoadEnd;
  times.activateMs = performance.now() - activateStart;
  log.info(`activated: bundle loaded in ${times.loadMs?.toFixed(1) ?? '?'} ms, activate() took ${times.activateMs.toFixed(1)} ms`);
  return {
    activationTimes: () => ({ ...times }),
    onDidUpdateDiagnostics: updated.event,
    analysedVersion: (uri) => parts?.diagnostics.versionOf(uri),
    showReport: async () => (await client()).report.show(),
    exportReport: async (format, target) => (await client()).report.export(format, target),
    statusText: () => status.text,
    serverProcessId: async () => {
      const { started, client: running } = await client();
      await started;
      return (running.initializeResult?.batchwise as BatchwiseServerInfo | undefined)?.pid;
    },
    lastReport: () => parts?.report.latest(),
    reportMessage: async (message) => (await client()).report.receive(message),
    notifications: () => notifier.recent(),
    sendServerRequest: async (method, params) => {
      const { started, client: running } = await client();
      await started;
      return running.sendRequest(method, params);
    },
  };
}

export function deactivate(): void {}
