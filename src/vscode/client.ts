// The language client and everything that talks to it: the diagnostics, the report panel, the fixes.
// Its own bundle (dist/client.js), loaded by extension.ts right after activation returns, so that the
// client library (most of the extension's code) is never on activation's path.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, MessageType, PublishDiagnosticsNotification, ServerOptions, ShowMessageNotification, TransportKind } from 'vscode-languageclient/node';
import { applyAction, resolveMiddleware } from './codeActions';
import { DocumentDiagnostics } from './diagnostics';
import type { Notifier } from './notify';
import { ReportController } from './report/panel';
import { withShippedRuleLinks } from './ruleLinks';
import type { SavingsStatusBar } from './statusBar';
import { REPORT_CHANGED_NOTIFICATION, ReportResult, STATUS_NOTIFICATION, StatusParams } from '../server/protocol';

const LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'];

/** What the extension's commands and API reach through, once the client is loaded. */
export interface ClientParts extends vscode.Disposable {
  client: LanguageClient;
  diagnostics: DocumentDiagnostics;
  report: ReportController;
  /** Settles when the language server answered initialize (or failed to start: then logged). */
  started: Promise<void>;
  applyFix(uri: vscode.Uri, version: number, start: number, end: number): ReturnType<typeof applyAction>;
}

/** What the thin activation hands over: the pieces it made before the client existed. */
export interface ClientHost {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  notifier: Notifier;
  status: SavingsStatusBar;
  /** Called with each document whose diagnostics were applied (the extension's public event). */
  onDiagnostics(uri: vscode.Uri): void;
}

export function startClient(host: ClientHost): ClientParts {
  const { context, log, notifier, status } = host;
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
  const diagnostics = new DocumentDiagnostics(client, (d) => withShippedRuleLinks(context.extensionUri, d));
  const forward = diagnostics.onDidUpdate((uri) => host.onDiagnostics(uri));
  const report = new ReportController(
    context,
    client,
    (r) => status.show({ state: 'ready', totals: r.totals, display: r.display }),
    notifier,
  );
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
  const running = client;
  return {
    client: running,
    diagnostics,
    report,
    started,
    applyFix: (uri, version, start, end) => applyAction(running, uri, version, start, end),
    dispose: () => {
      forward.dispose();
      report.dispose();
      diagnostics.dispose();
      void running.stop();
    },
  };
}
