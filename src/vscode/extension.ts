// Activation: one owner for every disposable; commands are a table.
import * as vscode from 'vscode';
import { Engine } from './engine';
import { DiagnosticsController } from './diagnostics';
import { HoverProvider } from './hover';
import { APPLY_FIX, applyFix, QuickFixProvider } from './codeActions';
import { ReportPanel, VIEW_TYPE } from './report/panel';

const SELECTOR: vscode.DocumentSelector = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'].map((language) => ({ language }));

/** What the extension hands to other extensions and to its integration tests. */
export interface BatchwiseApi {
  onDidUpdateDiagnostics: vscode.Event<vscode.Uri>;
  showReport(): Promise<number>;
}

export function activate(context: vscode.ExtensionContext): BatchwiseApi {
  const log = vscode.window.createOutputChannel('Batchwise', { log: true });
  const engine = new Engine(log);
  const diagnostics = new DiagnosticsController(engine);
  const showReport = () => ReportPanel.show(context, engine);

  const commands: Record<string, (...args: never[]) => unknown> = {
    'batchwise.showReport': showReport,
    [APPLY_FIX]: (uri: vscode.Uri, version: number, start: number, end: number) => applyFix(engine, uri, version, start, end),
    'batchwise.showLog': () => log.show(),
  };
  context.subscriptions.push(
    log,
    engine,
    diagnostics,
    vscode.languages.registerHoverProvider(SELECTOR, new HoverProvider(engine)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new QuickFixProvider(engine), { providedCodeActionKinds: QuickFixProvider.providedCodeActionKinds }),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => ReportPanel.revive(panel, context, engine),
    }),
    ...watch('**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}', (uri, kind) => engine.invalidate(uri, kind !== 'change')),
    // Project context: the config file, scripts, crons and path aliases change verdicts in every open file.
    ...watch('**/{batchwise.config.json,package.json,tsconfig.json,vercel.json,.github/workflows/*.yml}', (uri) => {
      engine.invalidate(uri);
      diagnostics.refreshAll();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('batchwise')) return;
      engine.reloadSettings();
      diagnostics.refreshAll();
    }),
    ...Object.entries(commands).map(([id, fn]) => vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown)),
  );
  log.info('Batchwise activated');
  return { onDidUpdateDiagnostics: diagnostics.onDidUpdate, showReport };
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
