// The Quick Fix. The action carries the document version it was offered for; the command refuses a
// stale one, recomputes the rewrite, and never overwrites an existing file.
import * as vscode from 'vscode';
import { Engine } from './engine';
import { callRange, CODES, SOURCE } from './diagnostics';
import { fixTitle } from '../core/rewrite';

export const APPLY_FIX = 'batchwise.applyFix';

export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly engine: Engine) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const entry = this.engine.findingsFor(doc.uri);
    if (!entry || entry.version !== doc.version) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diag of context.diagnostics) {
      const code = typeof diag.code === 'object' ? diag.code.value : diag.code;
      if (diag.source !== SOURCE || code !== CODES.batchable.value) continue;
      const f = entry.findings.find((x) => callRange(x).isEqual(diag.range));
      if (!f?.fix) continue;
      const title = `Batchwise: ${fixTitle(f.fix.strategy, f.site.provider)}`;
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diag];
      // Batch results arrive up to 24 hours later: a change of timing the user should choose, never a fix-all.
      action.isPreferred = false;
      action.command = { command: APPLY_FIX, title: action.title, arguments: [doc.uri, doc.version, f.site.range[0], f.site.range[1]] };
      actions.push(action);
    }
    void range;
    return actions;
  }
}

/** Applies the rewrite for the call at [start, end) of the document at `version`. Returns whether it was applied. */
export async function applyFix(engine: Engine, uri: vscode.Uri, version: number, start: number, end: number): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.version !== version) {
    void vscode.window.showWarningMessage('Batchwise: the file changed since this fix was offered; use the Quick Fix again.');
    return false;
  }
  await engine.whenReady();
  const entry = engine.analyzeDocument(doc);
  const finding = entry?.findings.find((f) => f.site.range[0] === start && f.site.range[1] === end);
  const where = engine.locate(uri);
  if (!finding || !where) {
    void vscode.window.showWarningMessage('Batchwise: the call is no longer there; nothing was changed.');
    return false;
  }
  const outcome = where.session.fixFor(finding);
  if (!outcome.ok) {
    void vscode.window.showErrorMessage(`Batchwise: no fix applied: ${outcome.reason}`);
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const file of outcome.fix.createFiles) {
    // Neither overwrite nor ignoreIfExists: if the file appeared meanwhile the whole edit fails and nothing is lost.
    edit.createFile(vscode.Uri.joinPath(where.folder.uri, file.path), { contents: new TextEncoder().encode(file.content) });
  }
  for (const e of outcome.fix.edits) {
    edit.replace(uri, new vscode.Range(doc.positionAt(e.range[0]), doc.positionAt(e.range[1])), e.newText);
  }
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) void vscode.window.showErrorMessage('Batchwise: the edit could not be applied (a file it creates may already exist); nothing was changed.');
  return applied;
}
