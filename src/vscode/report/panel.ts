// The Savings Report webview: a strict CSP, assets only from media/, data by postMessage. The report
// comes from the language server (batchwise/report, with work done progress and cancellation); the
// last one is kept so rows can be revealed and fixed without scanning again.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { BaseLanguageClient, WorkDoneProgress } from 'vscode-languageclient';
import { renderReportHtml } from './html';
import { ExportFormat, isFromWebview, ToWebview } from './protocol';
import { EXPORT_REQUEST, ExportParams, ExportResult, REPORT_REQUEST, ReportParams, ReportResult } from '../../server/protocol';
import { applyAction } from '../codeActions';
import type { Notifier } from '../notify';
import { VIEW_TYPE } from '../commandIds';

export { VIEW_TYPE };

/** Owns the panel (at most one), the last report, and what is done with it. */
export class ReportController implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private last: ReportResult | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Whether a scan this controller asked for is under way (its failure is told by the request). */
  scanning = false;
  /** Reveals run one after another: quick clicks must not each decide on a group of their own. */
  private revealing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: BaseLanguageClient,
    private readonly onReport: (report: ReportResult) => void,
    private readonly notifier: Notifier,
  ) {}

  /** The last report (a scan's, or as the server updated it after an edit or a fix). */
  latest(): ReportResult | undefined {
    return this.last;
  }

  /** The server changed the last report without a scan (a file was edited or fixed): the page follows. */
  update(report: ReportResult): void {
    if (!report.complete) return;
    this.last = report;
    this.onReport(report);
    void this.panel?.webview.postMessage(toWebview(report));
  }

  /** Scans under a cancellable progress notification and shows the panel. Returns the number of rows. */
  async show(): Promise<number> {
    const report = await this.scan();
    if (!report) return 0;
    if (!this.panel) this.attach(vscode.window.createWebviewPanel(VIEW_TYPE, 'Batchwise: Savings Report', vscode.ViewColumn.Active, this.webviewOptions()));
    else this.panel.reveal();
    void this.panel!.webview.postMessage(toWebview(report));
    return report.rows.length;
  }

  /** Restores a panel after a window reload. */
  revive(panel: vscode.WebviewPanel): void {
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
    void this.scan().then((r) => r && this.panel?.webview.postMessage(toWebview(r)));
  }

  /** Writes the last report (or a fresh one) as Markdown, CSV or JSON; asks where unless `target` is given. */
  async export(format: ExportFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const ext = { markdown: 'md', csv: 'csv', json: 'json' }[format];
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder, `batchwise-report.${ext}`) : undefined,
        filters: { [format.toUpperCase()]: [ext] },
        saveLabel: 'Export report',
      }));
    if (!uri) return undefined;
    const result = await this.withProgress((token, workDoneToken) =>
      this.client.sendRequest<ExportResult | null>(EXPORT_REQUEST, { format, workDoneToken } satisfies ExportParams & { workDoneToken: string }, token),
    );
    if (!result) return undefined;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(result.text));
    return uri;
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'media')], retainContextWhenHidden: false };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    const media = (name: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'media', name)).toString();
    panel.webview.html = renderReportHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: media('report.js'),
      styleUri: media('report.css'),
    });
    panel.onDidDispose(() => (this.panel = undefined), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m), null, this.disposables);
  }

  /** Handles a message from the page (also how the integration tests click in it). */
  async receive(m: unknown): Promise<void> {
    if (!isFromWebview(m)) return;
    switch (m.type) {
      case 'ready':
        if (this.last) void this.panel?.webview.postMessage(toWebview(this.last));
        return;
      case 'refresh': {
        const report = await this.scan();
        if (report) void this.panel?.webview.postMessage(toWebview(report));
        return;
      }
      case 'export': {
        const uri = await this.export(m.format);
        if (uri) void vscode.window.showInformationMessage(`Batchwise: report written to ${vscode.workspace.asRelativePath(uri)}`);
        return;
      }
      case 'reveal':
      case 'applyFix': {
        const index = this.last?.rows.findIndex((r) => r.folder === m.folder && r.file === m.file && r.line === m.line && r.column === m.column) ?? -1;
        const row = index >= 0 ? this.last!.rows[index] : undefined;
        const location = index >= 0 ? this.last!.locations[index] : undefined;
        if (!row || !location) return;
        const uri = this.client.protocol2CodeConverter.asUri(location.uri);
        const editor = await this.reveal(uri, new vscode.Position(Math.max(0, m.line - 1), Math.max(0, m.column - 1)));
        // The page offers the button on safe fixes only; a message asking for another one is not obeyed.
        if (m.type !== 'applyFix' || !row.fix?.safe) return;
        const doc = editor.document;
        const stale = row.stale ?? (location.version !== null && location.version !== doc.version ? 'the file changed since this report; refresh it' : undefined);
        if (stale) {
          this.notifier.warn(`Batchwise: no fix applied: ${stale}.`);
          return;
        }
        const outcome = await applyAction(this.client, uri, doc.version, location.start, location.end);
        // The server updates the rows of the edited file once it has analysed it (batchwise/reportChanged).
        if (!outcome.applied && !outcome.shown) this.notifier.warn(`Batchwise: no fix applied: ${outcome.reason}.`);
        return;
      }
    }
  }

  /**
   * Opens the call in one editor group beside the report, the same group for every click (a group that
   * already shows a text editor, else a new one beside the report), never over the report itself.
   */
  private reveal(uri: vscode.Uri, pos: vscode.Position): Promise<vscode.TextEditor> {
    const next = this.revealing.then(async () => {
      const reportColumn = this.panel?.viewColumn;
      const groups = vscode.window.tabGroups.all.filter((g) => g.viewColumn !== reportColumn);
      const target = groups.find((g) => g.isActive) ?? groups.find((g) => g.tabs.length > 0) ?? groups[0];
      const viewColumn = target?.viewColumn ?? vscode.ViewColumn.Beside;
      return vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), viewColumn, preview: true });
    });
    this.revealing = next.catch(() => undefined);
    return next;
  }

  /** A fresh report from the server, under a cancellable progress notification; undefined when cancelled or failed. */
  private async scan(): Promise<ReportResult | undefined> {
    this.scanning = true;
    try {
      const report = await this.withProgress((token, workDoneToken) =>
        this.client.sendRequest<ReportResult>(REPORT_REQUEST, { rescan: true, workDoneToken } satisfies ReportParams, token),
      );
      if (!report?.complete) return undefined;
      this.last = report;
      this.onReport(report);
      return report;
    } catch (err) {
      if (isCancelledError(err)) return undefined;
      const message = err instanceof Error ? err.message : String(err);
      this.notifier.scanFailed(message.replace(/^Request \S+ failed with message: /, ''));
      return undefined;
    } finally {
      this.scanning = false;
    }
  }

  /** Runs a request under a notification whose progress the server reports on `workDoneToken` and whose Cancel cancels it. */
  private withProgress<T>(send: (token: vscode.CancellationToken, workDoneToken: string) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Batchwise: scanning the workspace for LLM calls', cancellable: true },
        async (progress, cancel) => {
          const workDoneToken = `batchwise-${randomBytes(8).toString('hex')}`;
          let shown = 0;
          const sub = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
            if (value.kind === 'end') return;
            const percentage = value.percentage ?? shown;
            progress.report({ message: value.message, increment: Math.max(0, percentage - shown) });
            shown = Math.max(shown, percentage);
          });
          try {
            return await send(cancel, workDoneToken);
          } finally {
            sub.dispose();
          }
        },
      ),
    );
  }

  dispose(): void {
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

/** A request the user cancelled rejects with LSP's RequestCancelled (-32800). */
function isCancelledError(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === -32800;
}

function toWebview(r: ReportResult): ToWebview {
  return { type: 'report', rows: r.rows, totals: r.totals, errors: r.errors, generatedAt: r.generatedAt, usage: r.usage };
}
