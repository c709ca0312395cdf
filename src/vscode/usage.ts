// The usage reports the user saved from the providers (OpenAI's Usage API pages, Anthropic's usage
// report, the consoles' CSV exports): picked in a file dialog and kept in the folder's `batchwise.usage`
// setting, relative to the folder when inside it. The language server reads them; nothing is fetched.
import * as vscode from 'vscode';

/** Asks for usage report files and stores them in the workspace folder's setting. Returns the paths stored. */
export async function pickUsageFiles(): Promise<string[] | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('Batchwise: open a folder first; usage reports calibrate the call sites of a workspace folder.');
    return undefined;
  }
  const folder =
    folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder do these usage reports belong to?' });
  if (!folder) return undefined;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    defaultUri: folder.uri,
    filters: { 'Usage reports (JSON, CSV)': ['json', 'csv'] },
    openLabel: 'Use these usage reports',
    title: 'Batchwise: the usage reports you saved from OpenAI or Anthropic',
  });
  if (!picked || picked.length === 0) return undefined;
  return setUsageFiles(folder, picked);
}

/** Stores `files` as the folder's usage reports (the paths inside it relative to it). */
export async function setUsageFiles(folder: vscode.WorkspaceFolder, files: readonly vscode.Uri[]): Promise<string[]> {
  const paths = files.map((u) => {
    const rel = vscode.workspace.asRelativePath(u, false);
    return rel !== u.fsPath && vscode.workspace.getWorkspaceFolder(u)?.uri.toString() === folder.uri.toString() ? rel : u.fsPath;
  });
  await vscode.workspace.getConfiguration('batchwise', folder.uri).update('usage', paths, vscode.ConfigurationTarget.WorkspaceFolder);
  return paths;
}
