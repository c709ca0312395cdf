// The Savings Report webview: a strict CSP, assets only from media/, data by postMessage.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Finding } from '../../core/model';
import { computeTotals } from '../../core/report/totals';
import { toJsonFinding } from '../../core/report/json';
import { renderReportHtml } from './html';
import { isFromWebview, ReportRow, ToWebview } from './protocol';
import { Engine } from '../engine';

export const VIEW_TYPE = 'batchwise.report';

function toRow(folder: string, f: Finding): ReportRow {
  const row = toJsonFinding(f);
  const e = row.estimate;
  const batchable = row.verdict === 'batchable';
  return {
    ...row,
    folder,
    monthlyStandard: e ? e.monthlyStandard : null,
    monthlyBatch: e ? (batchable ? e.monthlyBatch : e.monthlyStandard) : null,
    monthlySavings: e ? (batchable && !row.lowVolume ? e.monthlySavings : 0) : null,
  };
}

export class ReportPanel implements vscode.Disposable {
  private static current: ReportPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private last: ToWebview | null = null;

  static async show(context: vscode.ExtensionContext, engine: Engine): Promise<number> {
    const message = await scan(engine);
    if (!message) return 0;
    if (!ReportPanel.current) {
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Batchwise: Savings Report', vscode.ViewColumn.Active, ReportPanel.webviewOptions(context));
      ReportPanel.current = new ReportPanel(panel, context, engine);
    } else {
      ReportPanel.current.panel.reveal();
    }
    ReportPanel.current.post(message);
    return message.rows.length;
  }

  /** Restores a panel after a window reload. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, engine: Engine): void {
    panel.webview.options = ReportPanel.webviewOptions(context);
    ReportPanel.current = new ReportPanel(panel, context, engine);
    void scan(engine).then((m) => m && ReportPanel.current?.post(m));
  }

  private static webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')], retainContextWhenHidden: false };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly engine: Engine,
  ) {
    const media = (name: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', name)).toString();
    panel.webview.html = renderReportHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: media('report.js'),
      styleUri: media('report.css'),
    });
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m), null, this.disposables);
  }

  private post(message: ToWebview): void {
    this.last = message;
    void this.panel.webview.postMessage(message);
  }

  private async receive(m: unknown): Promise<void> {
    if (!isFromWebview(m)) return;
    if (m.type === 'ready' && this.last) void this.panel.webview.postMessage(this.last);
    if (m.type === 'refresh') {
      const message = await scan(this.engine);
      if (message) this.post(message);
    }
    if (m.type === 'reveal') {
      const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === m.folder) ?? vscode.workspace.workspaceFolders?.[0];
      if (!folder) return;
      const uri = vscode.Uri.joinPath(folder.uri, ...m.file.split('/'));
      const pos = new vscode.Position(Math.max(0, m.line - 1), Math.max(0, m.column - 1));
      await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One });
    }
  }

  dispose(): void {
    ReportPanel.current = undefined;
    this.panel.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

/** Scans the workspace under a cancellable progress notification. */
async function scan(engine: Engine): Promise<ToWebview | null> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Batchwise: scanning the workspace for LLM calls', cancellable: true },
    async (_progress, token) => {
      const results = engine.analyzeWorkspace(() => token.isCancellationRequested);
      if (token.isCancellationRequested) return null;
      const rows = results.flatMap(({ folder, result }) => result.findings.map((f) => toRow(folder.name, f)));
      const t = computeTotals(results.flatMap((r) => r.result.findings));
      const errors = results.flatMap((r) => r.result.errors);
      for (const e of errors) engine.log.warn(`${e.file}: ${e.message}`);
      return {
        type: 'report',
        rows,
        totals: { callSites: t.callSites, batchable: t.batchable, monthlyStandard: t.monthlyStandard, monthlyWithBatch: t.monthlyWithBatch, monthlySavings: t.monthlySavings },
        errors,
        generatedAt: new Date().toISOString(),
      } satisfies ToWebview;
    },
  );
}
