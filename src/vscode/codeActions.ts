// The Quick Fix. The action carries the document version it was offered for; the command refuses a
// stale one, recomputes the rewrite, and never overwrites an existing file.
import * as vscode from 'vscode';
import { Engine } from './engine';
import { callRange, CODES, SOURCE } from './diagnostics';
import { fixTitle } from '../core/rewrite';
import { gateFixWithConfirmation } from '../core/rewrite/gate';
import { AnnotationKind, ANNOTATIONS, planAnnotation } from '../core/rewrite/annotate';

export const APPLY_FIX = 'batchwise.applyFix';
export const ANNOTATE = 'batchwise.annotate';

/** The comments offered on each diagnostic: a verdict the user knows better than inference, or silence. */
const ANNOTATION_KINDS: Record<string, AnnotationKind[]> = {
  [CODES.batchable.value]: ['declare-user-waiting', 'ignore-line', 'ignore-file'],
  [CODES.unknown.value]: ['declare-batch', 'declare-user-waiting', 'ignore-line', 'ignore-file'],
};

export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly engine: Engine) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const entry = this.engine.findingsFor(doc.uri);
    if (!entry || entry.version !== doc.version) return [];
    const actions: vscode.CodeAction[] = [];
    const comments: vscode.CodeAction[] = [];
    for (const diag of context.diagnostics) {
      const code = String(typeof diag.code === 'object' ? diag.code.value : diag.code);
      if (diag.source !== SOURCE || !ANNOTATION_KINDS[code]) continue;
      const f = entry.findings.find((x) => callRange(x).isEqual(diag.range));
      if (!f) continue;
      const call = [doc.uri, doc.version, f.site.range[0], f.site.range[1]];
      if (code === CODES.batchable.value && f.fix) {
        const title = `Batchwise: ${fixTitle(f.fix.strategy, f.site.provider)}`;
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diag];
        // Batch results arrive up to 24 hours later: a change of timing the user should choose, never a fix-all.
        action.isPreferred = false;
        action.command = { command: APPLY_FIX, title: action.title, arguments: call };
        actions.push(action);
      }
      // The comments are computed (and checked by a parse) only when chosen: this runs on every cursor move.
      for (const kind of ANNOTATION_KINDS[code]) {
        const { title, comment } = ANNOTATIONS[kind];
        const action = new vscode.CodeAction(`Batchwise: ${title} (// ${comment})`, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diag];
        action.command = { command: ANNOTATE, title: action.title, arguments: [...call, kind] };
        comments.push(action);
      }
    }
    void range;
    return [...actions, ...comments];
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
  // The gate every fix passes (Quick Fix, the report's Apply fix, this command): an unknown context only once confirmed.
  const rewrite = 'Rewrite anyway';
  const gate = await gateFixWithConfirmation(finding, async (reason) => (await vscode.window.showWarningMessage(`Batchwise: ${reason}.`, { modal: true }, rewrite)) === rewrite);
  if (!gate.ok || doc.version !== version) {
    if (!gate.ok && !gate.allowable) void vscode.window.showErrorMessage(`Batchwise: no fix applied: ${gate.reason}.`);
    return false;
  }
  const outcome = where.session.fixFor(finding, gate.permit);
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

/** Inserts the comment of `kind` for the call at [start, end) of the document at `version`. Returns whether it was inserted. */
export async function applyAnnotation(engine: Engine, uri: vscode.Uri, version: number, start: number, end: number, kind: AnnotationKind): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const finding = engine.findingsFor(uri)?.findings.find((f) => f.site.range[0] === start && f.site.range[1] === end);
  if (doc.version !== version || !finding) {
    void vscode.window.showWarningMessage('Batchwise: the file changed since this fix was offered; use the Quick Fix again.');
    return false;
  }
  const plan = planAnnotation(finding.site.file, doc.getText(), finding.site, kind);
  if (!plan.ok) {
    void vscode.window.showErrorMessage(`Batchwise: no comment added: ${plan.reason}`);
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, doc.positionAt(plan.edit.range[0]), plan.edit.newText);
  return vscode.workspace.applyEdit(edit);
}
