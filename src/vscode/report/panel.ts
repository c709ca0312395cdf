// The Savings Report webview: a strict CSP, assets only from media/, data by postMessage. The last
// scan is kept so rows can be revealed, fixed and exported without scanning again.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { AnalysisResult } from '../../core/model';
import { computeTotals, Totals } from '../../core/report/totals';
import { toJsonReport } from '../../core/report/json';
import { reportMessage } from './rows';
import { toMarkdown } from '../../core/report/markdown';
import { toCsv } from '../../core/report/csv';
import { renderReportHtml } from './html';
import { ExportFormat, isFromWebview, ToWebview } from './protocol';
import { Engine } from '../engine';
import { applyFix } from '../codeActions';

export const VIEW_TYPE = 'batchwise.report';

interface Scan {
  results: { folder: vscode.WorkspaceFolder; result: AnalysisResult }[];
  message: ToWebview;
}

/** Owns the panel (at most one), the last scan, and what is done with it. */
export class ReportController implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private last: Scan | undefined;
  /** The scan under way: scans take turns, since each one refreshes the same sessions. */
  private running: Promise<Scan | undefined> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly engine: Engine,
    private readonly onTotals: (totals: Totals) => void,
  ) {}

  /** Scans under a cancellable progress notification and shows the panel. Returns the number of rows. */
  async show(): Promise<number> {
    const scan = await this.scan(true);
    if (!scan) return 0;
    if (!this.panel) this.attach(vscode.window.createWebviewPanel(VIEW_TYPE, 'Batchwise: Savings Report', vscode.ViewColumn.Active, this.webviewOptions()));
    else this.panel.reveal();
    void this.panel!.webview.postMessage(scan.message);
    return scan.message.rows.length;
  }

  /** Restores a panel after a window reload. */
  revive(panel: vscode.WebviewPanel): void {
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
    void this.scan(true).then((s) => s && this.panel?.webview.postMessage(s.message));
  }

  /** A scan without UI, for the status bar. */
  scanQuietly(): void {
    if (!this.running) void this.scan(false);
  }

  /**
   * Settings or the project file changed: the figures of the last scan are stale. Scan again without a
   * notification (only if there was a scan), so the status bar and an open report show the new figures.
   */
  refresh(): void {
    if (!this.last && !this.panel) return;
    // A checkout can change several project files at once: one scan for the lot.
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      void this.scan(false).then((scan) => scan && this.panel?.webview.postMessage(scan.message));
    }, 500);
  }

  /** Writes the last scan (or a fresh one) as Markdown, CSV or JSON; asks where unless `target` is given. */
  async export(format: ExportFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const scan = this.last ?? (await this.scan(true));
    if (!scan) return undefined;
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
    const merged: AnalysisResult = {
      findings: scan.results.flatMap((r) => r.result.findings),
      errors: scan.results.flatMap((r) => r.result.errors),
    };
    const text =
      format === 'markdown'
        ? toMarkdown(merged)
        : format === 'csv'
          ? toCsv(merged)
          : JSON.stringify(scan.results.length === 1 ? toJsonReport(scan.results[0].folder.uri.fsPath, merged) : scan.results.map((r) => toJsonReport(r.folder.uri.fsPath, r.result)), null, 2) + '\n';
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
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

  private async receive(m: unknown): Promise<void> {
    if (!isFromWebview(m)) return;
    switch (m.type) {
      case 'ready':
        if (this.last) void this.panel?.webview.postMessage(this.last.message);
        return;
      case 'refresh': {
        const scan = await this.scan(true);
        if (scan) void this.panel?.webview.postMessage(scan.message);
        return;
      }
      case 'export': {
        const uri = await this.export(m.format);
        if (uri) void vscode.window.showInformationMessage(`Batchwise: report written to ${vscode.workspace.asRelativePath(uri)}`);
        return;
      }
      case 'reveal':
      case 'applyFix': {
        const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === m.folder) ?? vscode.workspace.workspaceFolders?.[0];
        if (!folder) return;
        const uri = vscode.Uri.joinPath(folder.uri, ...m.file.split('/'));
        const pos = new vscode.Position(Math.max(0, m.line - 1), Math.max(0, m.column - 1));
        // The call opens beside the report, never over it.
        const viewColumn = this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
        const editor = await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), viewColumn });
        if (m.type === 'applyFix') {
          await this.engine.whenReady();
          const entry = this.engine.analyzeDocument(editor.document);
          const f = entry?.findings.find((x) => x.site.loc.start.line === m.line && x.site.loc.start.column + 1 === m.column);
          // The page offers the button on safe fixes only; a message asking for another one is not obeyed.
          if (f?.fix?.safe && (await applyFix(this.engine, uri, editor.document.version, f.site.range[0], f.site.range[1]))) {
            const scan = await this.scan(true);
            if (scan) void this.panel?.webview.postMessage(scan.message);
          }
        }
        return;
      }
    }
  }

  private async scan(withProgress: boolean): Promise<Scan | undefined> {
    while (this.running) await this.running.catch(() => undefined);
    const scan = this.scanNow(withProgress);
    this.running = scan;
    try {
      return await scan;
    } finally {
      if (this.running === scan) this.running = undefined;
    }
  }

  private async scanNow(withProgress: boolean): Promise<Scan | undefined> {
    const run = async (isCancelled: () => boolean, progress?: vscode.Progress<{ message?: string; increment?: number }>): Promise<Scan | undefined> => {
      let shown = 0;
      const results = await this.engine.analyzeWorkspace(isCancelled, (folder, done, total) => {
        // The bar moves by increments; each folder gets an equal share of it.
        const share = 100 / Math.max(1, vscode.workspace.workspaceFolders?.length ?? 1);
        const index = vscode.workspace.workspaceFolders?.indexOf(folder) ?? 0;
        const target = share * index + (share * done) / Math.max(1, total);
        progress?.report({ message: `${folder.name}: ${done} of ${total} files`, increment: Math.max(0, target - shown) });
        shown = Math.max(shown, target);
      });
      if (isCancelled()) return undefined;
      const errors = results.flatMap((r) => r.result.errors);
      for (const e of errors) this.engine.log.warn(`${e.file}: ${e.message}`);
      this.onTotals(computeTotals(results.flatMap((r) => r.result.findings)));
      const message = reportMessage(
        results.map((r) => ({ name: r.folder.name, findings: r.result.findings, errors: r.result.errors })),
        new Date().toISOString(),
      );
      return { results, message };
    };
    const scan = withProgress
      ? await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Batchwise: scanning the workspace for LLM calls', cancellable: true },
          (progress, token) => run(() => token.isCancellationRequested, progress),
        )
      : await run(() => false);
    if (scan) this.last = scan;
    return scan;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
