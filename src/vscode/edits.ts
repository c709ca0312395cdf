// A workspace edit from the server, as VS Code applies it. LSP creates a file empty and then inserts
// its text; here such a pair becomes one file created with its content, written to disk like the rest
// of the fix, so the helper module exists on disk as soon as the fix is applied.
import * as vscode from 'vscode';
import type { TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageclient';

function range(r: TextEdit['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function isTextDocumentEdit(change: unknown): change is TextDocumentEdit {
  return !!change && typeof change === 'object' && 'textDocument' in change && 'edits' in change;
}

/**
 * The edit, or undefined when it was computed for a version of a document that has changed since
 * (it would land in the wrong place).
 */
export function toWorkspaceEdit(edit: WorkspaceEdit, parse: (uri: string) => vscode.Uri = (u) => vscode.Uri.parse(u)): vscode.WorkspaceEdit | undefined {
  const out = new vscode.WorkspaceEdit();
  const changes = edit.documentChanges ?? [];
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    if ('kind' in change && change.kind === 'create') {
      const next = changes[i + 1];
      const first = isTextDocumentEdit(next) && next.textDocument.uri === change.uri && next.edits.length === 1 ? next.edits[0] : undefined;
      const insert = first && 'newText' in first ? first : undefined;
      const atStart = insert && [insert.range.start, insert.range.end].every((p) => p.line === 0 && p.character === 0);
      const options = { overwrite: change.options?.overwrite ?? false, ignoreIfExists: change.options?.ignoreIfExists ?? false };
      if (insert && atStart) {
        out.createFile(parse(change.uri), { ...options, contents: new TextEncoder().encode(insert.newText) });
        i++;
      } else out.createFile(parse(change.uri), options);
    } else if (isTextDocumentEdit(change)) {
      const uri = parse(change.textDocument.uri);
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (open && typeof change.textDocument.version === 'number' && open.version !== change.textDocument.version) return undefined;
      // The server sends plain text edits only; a snippet's text is inserted as it is.
      for (const e of change.edits) out.replace(uri, range(e.range), 'newText' in e ? e.newText : (e as { snippet: { value: string } }).snippet.value);
    }
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) for (const e of edits) out.replace(parse(uri), range(e.range), e.newText);
  return out;
}
