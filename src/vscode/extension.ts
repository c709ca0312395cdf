// Activation: the thin client. The engine runs in the language server (dist/server.js), a process of
// its own; nothing heavy loads here. One owner for every disposable; commands are a table.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, MessageType, PublishDiagnosticsNotification, ServerOptions, ShowMessageNotification, TransportKind } from 'vscode-languageclient/node';
import { APPLY_FIX, applyAction, OPEN_CREATED, openCreatedBeside, resolveMiddleware } from './codeActions';
import { DocumentDiagnostics } from './diagnostics';
import { Notifier, Shown } from './notify';
import { ReportController, VIEW_TYPE } from './report/panel';
import type { ExportFormat, FromWebview } from './report/protocol';
import { withShippedRuleLinks } from './ruleLinks';
import { SavingsStatusBar } from './statusBar';
import { pickUsageFiles } from './usage';
import { REPORT_CHANGED_NOTIFICATION, ReportResult, STATUS_NOTIFICATION, StatusParams } from '../server/protocol';
import type { BatchwiseServerInfo } from '../server/server';

const LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'];
/** Set by the bundle's first line (scripts/build.mjs); absent when the sources run unbundled. */
declare const __batchwiseLoadStart: number | undefined;

/** How long activation took on the extension host: evaluating the bundle, then activate() itself. */
export interface ActivationTimes {
  loadMs: number | undefined;
  activateMs: number;
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
  const server = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: server, transport: TransportKind.ipc },
    debug: { module: server, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  let client: LanguageClient | undefined;
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    outputChannel: log,
    middleware: resolveMiddleware(() => client!),
  };
  client = new LanguageClient('batchwise', 'Batchwise', serverOptions, clientOptions);
  const notifier = new Notifier(log);
  const diagnostics = new DocumentDiagnostics(client, (d) => withShippedRuleLinks(context.extensionUri, d));
  const status = new SavingsStatusBar();
  const report = new ReportController(context, client, (r) => status.show({ state: 'ready', totals: r.totals, display: r.display }), notifier);
  // Registered before start, so it replaces the library's own handler (see diagnostics.ts).
  client.onNotification(PublishDiagnosticsNotification.type, (params) => void diagnostics.accept(params));
  client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => {
    status.show(params);
    // A scan the report asked for says so itself; one the server ran on its own (start-up, settings) is told here.
    if (params.state === 'failed' && !report.scanning) notifier.scanFailed(params.message);
  });
  client.onNotification(REPORT_CHANGED_NOTIFICATION, (params: ReportResult) => report.update(params));
  // Replaces the library's handler (as above): the server's messages are shown the same way, and kept.
  client.onNotification(ShowMessageNotification.type, (params) =>
    notifier.fromServer(params.type === MessageType.Error ? 'error' : params.type === MessageType.Warning ? 'warning' : 'information', params.message),
  );
  const started = client.start().catch((err: unknown) => log.error(`the Batchwise language server did not start: ${err instanceof Error ? err.message : String(err)}`));

  const commands: Record<string, (...args: never[]) => unknown> = {
    'batchwise.showReport': () => report.show(),
    'batchwise.exportReport': async (format?: ExportFormat, target?: vscode.Uri) => {
      const chosen = format ?? ((await vscode.window.showQuickPick(['markdown', 'csv', 'json'], { placeHolder: 'Export the savings report as' })) as ExportFormat | undefined);
      return chosen ? report.export(chosen, target) : undefined;
    },
    [APPLY_FIX]: async (uri: vscode.Uri, version: number, start: number, end: number) => {
      const outcome = await applyAction(client!, uri, version, start, end);
      if (!outcome.applied && !outcome.shown) notifier.warn(`Batchwise: no fix applied: ${outcome.reason}.`);
      return outcome.applied;
    },
    [OPEN_CREATED]: (created: vscode.Uri[], edited?: vscode.Uri) => openCreatedBeside(created, edited),
    'batchwise.pickUsageFiles': () => pickUsageFiles(),
    'batchwise.showLog': () => log.show(),
  };
  context.subscriptions.push(
    log,
    diagnostics,
    status,
    report,
    { dispose: () => void client?.stop() },
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, { deserializeWebviewPanel: async (panel) => report.revive(panel) }),
    ...Object.entries(commands).map(([id, fn]) => vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown)),
  );
  const times: ActivationTimes = {
    loadMs: typeof __batchwiseLoadStart === 'number' ? activateStart - __batchwiseLoadStart : undefined,
    activateMs: performance.now() - activateStart,
  };
  log.info(`activated: bundle loaded in ${times.loadMs?.toFixed(1) ?? '?'} ms, activate() took ${times.activateMs.toFixed(1)} ms`);
  return {
    activationTimes: () => times,
    onDidUpdateDiagnostics: diagnostics.onDidUpdate,
    analysedVersion: (uri) => diagnostics.versionOf(uri),
    showReport: () => report.show(),
    exportReport: (format, target) => report.export(format, target),
    statusText: () => status.text,
    serverProcessId: async () => {
      await started;
      return (client?.initializeResult?.batchwise as BatchwiseServerInfo | undefined)?.pid;
    },
    lastReport: () => report.latest(),
    reportMessage: (message) => report.receive(message),
    notifications: () => notifier.recent(),
    sendServerRequest: async (method, params) => {
      await started;
      return client!.sendRequest(method, params);
    },
  };
}

export function deactivate(): void {}
