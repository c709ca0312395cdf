// Activation: one owner for every disposable; commands are a table.
import * as vscode from 'vscode';
import { Engine } from './engine';
import { DiagnosticsController } from './diagnostics';
import { HoverProvider } from './hover';
import { ANNOTATE, applyAnnotation, APPLY_FIX, applyFix, QuickFixProvider } from './codeActions';
import { AnnotationKind, isAnnotationKind } from '../core/rewrite/annotate';
import { ReportController, VIEW_TYPE } from './report/panel';
import type { ExportFormat } from './report/protocol';
import { SavingsCodeLens } from './codeLens';
import { SavingsStatusBar } from './statusBar';
import { TokenThread } from '../workspace/tokenThread';

const SELECTOR: vscode.DocumentSelector = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'].map((language) => ({ language }));
/** The start-up scan runs only where it is cheap; larger workspaces scan when the report is opened. */
const STARTUP_SCAN_MAX_FILES = 5000;

/** What the extension hands to other extensions and to its integration tests. */
export interface BatchwiseApi {
  onDidUpdateDiagnostics: vscode.Event<vscode.Uri>;
  /** The document version the current diagnostics of `uri` were computed for. */
  analysedVersion(uri: vscode.Uri): number | undefined;
  showReport(): Promise<number>;
  exportReport(format: ExportFormat, target: vscode.Uri): Promise<vscode.Uri | undefined>;
  statusText(): string;
  /** Where token counting runs, once it is set up. */
  tokenCounting(): Promise<'worker thread' | 'extension host'>;
}

export function activate(context: vscode.ExtensionContext): BatchwiseApi {
  const log = vscode.window.createOutputChannel('Batchwise', { log: true });
  const engine = new Engine(log);
  const tokens = TokenThread.start(context.asAbsolutePath('dist/tokenWorker.js'));
  engine.countTokensOn(tokens);
  const diagnostics = new DiagnosticsController(engine);
  const status = new SavingsStatusBar();
  const lens = new SavingsCodeLens(engine);
  const report = new ReportController(context, engine, (totals) => status.show(totals));

  const commands: Record<string, (...args: never[]) => unknown> = {
    'batchwise.showReport': () => report.show(),
    'batchwise.exportReport': async (format?: ExportFormat, target?: vscode.Uri) => {
      const chosen = format ?? ((await vscode.window.showQuickPick(['markdown', 'csv', 'json'], { placeHolder: 'Export the savings report as' })) as ExportFormat | undefined);
      return chosen ? report.export(chosen, target) : undefined;
    },
    [APPLY_FIX]: (uri: vscode.Uri, version: number, start: number, end: number) => applyFix(engine, uri, version, start, end),
    [ANNOTATE]: (uri: vscode.Uri, version: number, start: number, end: number, kind: AnnotationKind) =>
      isAnnotationKind(kind) ? applyAnnotation(engine, uri, version, start, end, kind) : false,
    'batchwise.showLog': () => log.show(),
  };
  context.subscriptions.push(
    log,
    engine,
    tokens,
    diagnostics,
    status,
    lens,
    report,
    diagnostics.onDidUpdate(() => lens.refresh()),
    vscode.languages.registerHoverProvider(SELECTOR, new HoverProvider(engine)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new QuickFixProvider(engine), { providedCodeActionKinds: QuickFixProvider.providedCodeActionKinds }),
    vscode.languages.registerCodeLensProvider(SELECTOR, lens),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, { deserializeWebviewPanel: async (panel) => report.revive(panel) }),
    // A file changed on disk (a checkout, another tool): its callers' verdicts in open files may change too.
    ...watch('**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}', (uri, kind) => {
      engine.invalidate(uri, kind !== 'change');
      diagnostics.scheduleOthers();
    }),
    // Project context: the config file, scripts, crons, path aliases, workflows and eval configs change verdicts in every open file.
    ...watch('**/{batchwise.config.json,package.json,tsconfig*.json,jsconfig.json,vercel.json,wrangler.toml,serverless.yml,.github/workflows/*.{yml,yaml},promptfooconfig.{yml,yaml}}', (uri) => {
      engine.invalidate(uri);
      diagnostics.refreshAll();
      report.refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('batchwise')) return;
      engine.reloadSettings();
      diagnostics.refreshAll();
      lens.refresh();
      report.refresh();
    }),
    ...Object.entries(commands).map(([id, fn]) => vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown)),
  );
  if (vscode.workspace.getConfiguration('batchwise').get<boolean>('scanOnStartup', true)) {
    const timer = setTimeout(() => {
      if (engine.sourceFileCount() <= STARTUP_SCAN_MAX_FILES) report.scanQuietly();
    }, 1500);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
  log.info('Batchwise activated');
  return {
    onDidUpdateDiagnostics: diagnostics.onDidUpdate,
    analysedVersion: (uri) => engine.findingsFor(uri)?.version,
    showReport: () => report.show(),
    exportReport: (format, target) => report.export(format, target),
    statusText: () => status.text,
    tokenCounting: () => engine.whenReady().then(() => engine.countingOn),
  };
}

function watch(glob: string, onEvent: (uri: vscode.Uri, kind: 'create' | 'change' | 'delete') => void): vscode.Disposable[] {
  const watcher = vscode.workspace.createFileSystemWatcher(glob);
  return [
    watcher,
    watcher.onDidCreate((u) => onEvent(u, 'create')),
    watcher.onDidChange((u) => onEvent(u, 'change')),
    watcher.onDidDelete((u) => onEvent(u, 'delete')),
  ];
}

export function deactivate(): void {}
