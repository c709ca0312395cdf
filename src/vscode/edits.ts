// A workspace edit from the server, as VS Code applies it. LSP creates a file empty and then inserts
// its text; here such a pair becomes one file created with its content, written to disk like the rest
// of the fix, so the helper module exists on disk as soon as the fix is applied. Change annotations
// become VS Code's entry metadata: a label per group in the refactor preview, and `needsConfirmation`,
// which makes VS Code show the preview before anything changes.
import * as vscode from 'vscode';
import type { ChangeAnnotation, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageclient';

function range(r: TextEdit['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function isTextDocumentEdit(change: unknown): change is TextDocumentEdit {
  return !!change && typeof change === 'object' && 'textDocument' in change && 'edits' in change;
}

/** What a converted edit does: the files it creates and the documents it edits. */
export interface EditSummary {
  edit: vscode.WorkspaceEdit;
  created: vscode.Uri[];
  edited: vscode.Uri[];
}

/**
 * The edit, or undefined when it was computed for a version of a document that has changed since
 * (it would land in the wrong place).
 */
export function toWorkspaceEdit(edit: WorkspaceEdit, parse: (uri: string) => vscode.Uri = (u) => vscode.Uri.parse(u)): vscode.WorkspaceEdit | undefined {
  return convertEdit(edit, parse)?.edit;
}

export function convertEdit(edit: WorkspaceEdit, parse: (uri: string) => vscode.Uri = (u) => vscode.Uri.parse(u)): EditSummary | undefined {
  const out = new vscode.WorkspaceEdit();
  const created: vscode.Uri[] = [];
  const edited: vscode.Uri[] = [];
  const annotations = edit.changeAnnotations ?? {};
  const metadata = (id: unknown): vscode.WorkspaceEditEntryMetadata | undefined => {
    const a: ChangeAnnotation | undefined = typeof id === 'string' ? annotations[id] : undefined;
    return a ? { label: a.label, description: a.description, needsConfirmation: a.needsConfirmation ?? false } : undefined;
  };
  const changes = edit.documentChanges ?? [];
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    if ('kind' in change && change.kind === 'create') {
      const next = changes[i + 1];
      const first = isTextDocumentEdit(next) && next.textDocument.uri === change.uri && next.edits.length === 1 ? next.edits[0] : undefined;
      const insert = first && 'newText' in first ? first : undefined;
      const atStart = insert && [insert.range.start, insert.range.end].every((p) => p.line === 0 && p.character === 0);
      const options = { overwrite: change.options?.overwrite ?? false, ignoreIfExists: change.options?.ignoreIfExists ?? false };
      const uri = parse(change.uri);
      created.push(uri);
      if (insert && atStart) {
        out.createFile(uri, { ...options, contents: new TextEncoder().encode(insert.newText) }, metadata(change.annotationId));
        i++;
      } else out.createFile(uri, options, metadata(change.annotationId));
    } else if (isTextDocumentEdit(change)) {
      const uri = parse(change.textDocument.uri);
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (open && typeof change.textDocument.version === 'number' && open.version !== change.textDocument.version) return undefined;
      edited.push(uri);
      // The server sends plain text edits only; a snippet's text is inserted as it is.
      for (const e of change.edits) {
        const text = 'newText' in e ? e.newText : (e as { snippet: { value: string } }).snippet.value;
        out.replace(uri, range(e.range), text, metadata((e as { annotationId?: unknown }).annotationId));
      }
    }
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    edited.push(parse(uri));
    for (const e of edits) out.replace(parse(uri), range(e.range), e.newText);
  }
  return { edit: out, created, edited };
}
