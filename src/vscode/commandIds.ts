// Command ids the thin activation registers and the client's code refers to, and the one command that
// needs no language client: kept apart from codeActions.ts so that activation loads no client library.
import * as vscode from 'vscode';

export const APPLY_FIX = 'batchwise.applyFix';
/** Run by VS Code after a fix's edit (a code action's command follows its edit): opens the files it created. */
export const OPEN_CREATED = 'batchwise.openCreatedFiles';
/** The savings report's webview type (its serializer is registered at activation). */
export const VIEW_TYPE = 'batchwise.report';

/**
 * Opens the files a fix created beside the edited file (its editor keeps the focus): the helper module is
 * there to read, without covering the rewritten call.
 */
export async function openCreatedBeside(created: readonly vscode.Uri[], edited: vscode.Uri | undefined): Promise<void> {
  const editor = edited ? vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === edited.toString()) : vscode.window.activeTextEditor;
  const column = editor?.viewColumn ?? vscode.ViewColumn.Active;
  const beside = vscode.window.tabGroups.all.find((g) => g.viewColumn !== column && !g.tabs.some((t) => t.input instanceof vscode.TabInputWebview))?.viewColumn ?? vscode.ViewColumn.Beside;
  for (const uri of created) {
    if (!/\.[cm]?[jt]sx?$/.test(uri.path)) continue;
    await vscode.window.showTextDocument(uri, { viewColumn: beside, preserveFocus: true, preview: false });
  }
  if (editor) await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
}

