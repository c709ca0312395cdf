// Applying the server's fixes in VS Code. The server offers them (with the document version they were
// computed for) and computes their edits when one is chosen (codeAction/resolve), refusing a stale one
// and saying why; here the edit is turned into VS Code's, with the helper files written to disk.
import * as vscode from 'vscode';
import { BaseLanguageClient, CodeActionResolveRequest, Middleware } from 'vscode-languageclient';
import { ActionData, isActionData } from '../server/protocol';
import { toWorkspaceEdit } from './edits';

export const APPLY_FIX = 'batchwise.applyFix';

/** Middleware for codeAction/resolve: the raw edit from the server, converted by `toWorkspaceEdit`. */
export function resolveMiddleware(client: () => BaseLanguageClient): Pick<Middleware, 'resolveCodeAction'> {
  return {
    resolveCodeAction: async (item, token, next) => {
      const data = (item as { data?: unknown }).data;
      if (!isActionData(data)) return next(item, token);
      const resolved = await client().sendRequest(CodeActionResolveRequest.type, { title: item.title, data }, token);
      if (resolved?.edit) item.edit = toWorkspaceEdit(resolved.edit, (u) => client().protocol2CodeConverter.asUri(u));
      return item;
    },
  };
}

/**
 * Applies the action for the call at [start, end) of the document at `version` (the report's *Apply
 * fix*, and the rewrite offered as a command). Returns whether it was applied; a refusal is shown by the server.
 */
export async function applyAction(client: BaseLanguageClient, uri: vscode.Uri, version: number, start: number, end: number, action: ActionData['action'] = 'rewrite'): Promise<boolean> {
  const data: ActionData = { uri: client.code2ProtocolConverter.asUri(uri), version, start, end, action };
  const resolved = await client.sendRequest(CodeActionResolveRequest.type, { title: 'Batchwise', data });
  if (!resolved?.edit) return false;
  const edit = toWorkspaceEdit(resolved.edit, (u) => client.protocol2CodeConverter.asUri(u));
  if (!edit) {
    void vscode.window.showWarningMessage('Batchwise: the file changed since this fix was offered; use the Quick Fix again.');
    return false;
  }
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) void vscode.window.showErrorMessage('Batchwise: the edit could not be applied (a file it creates may already exist); nothing was changed.');
  return applied;
}
