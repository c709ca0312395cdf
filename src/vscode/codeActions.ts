// Applying the server's fixes in VS Code. The server offers them (with the document version they were
// computed for) and computes their edits when one is chosen (codeAction/resolve), refusing a stale one
// and saying why; here the edit is turned into VS Code's, with the helper files written to disk, and the
// helper a fix creates is opened beside the edited file once the edit is applied.
import * as vscode from 'vscode';
import { BaseLanguageClient, CodeActionResolveRequest, Middleware } from 'vscode-languageclient';
import { ActionData, isActionData } from '../server/protocol';
import { convertEdit } from './edits';
import { OPEN_CREATED, openCreatedBeside } from './commandIds';

export { APPLY_FIX, OPEN_CREATED } from './commandIds';

/** Middleware for codeAction/resolve: the raw edit from the server, converted by `convertEdit`. */
export function resolveMiddleware(client: () => BaseLanguageClient): Pick<Middleware, 'resolveCodeAction'> {
  return {
    resolveCodeAction: async (item, token, next) => {
      const data = (item as { data?: unknown }).data;
      if (!isActionData(data)) return next(item, token);
      const resolved = await client().sendRequest(CodeActionResolveRequest.type, { title: item.title, data }, token);
      const converted = resolved?.edit ? convertEdit(resolved.edit, (u) => client().protocol2CodeConverter.asUri(u)) : undefined;
      if (converted) {
        item.edit = converted.edit;
        if (converted.created.length > 0) item.command = { title: 'Open the created files', command: OPEN_CREATED, arguments: [converted.created, converted.edited[0]] };
      }
      return item;
    },
  };
}

/** `shown`: the server has told the user why already (its refusal). */
export type ApplyOutcome = { applied: true } | { applied: false; reason: string; shown?: boolean };

/**
 * Applies the action for the call at [start, end) of the document at `version` (the report's *Apply
 * fix*, and the rewrite offered as a command). A refusal of the server's is shown by the server; any
 * other refusal is returned with its reason, and the caller tells the user once.
 */
export async function applyAction(client: BaseLanguageClient, uri: vscode.Uri, version: number, start: number, end: number, action: ActionData['action'] = 'rewrite'): Promise<ApplyOutcome> {
  const data: ActionData = { uri: client.code2ProtocolConverter.asUri(uri), version, start, end, action };
  const resolved = await client.sendRequest(CodeActionResolveRequest.type, { title: 'Batchwise', data });
  if (!resolved?.edit) return { applied: false, reason: 'the language server refused the fix (its message says why)', shown: true };
  const converted = convertEdit(resolved.edit, (u) => client.protocol2CodeConverter.asUri(u));
  if (!converted) {
    return { applied: false, reason: 'the file changed since this fix was offered; use the Quick Fix again' };
  }
  const applied = await vscode.workspace.applyEdit(converted.edit);
  if (!applied) {
    return { applied: false, reason: 'the edit could not be applied (a file it creates may already exist); nothing was changed' };
  }
  await openCreatedBeside(converted.created, converted.edited[0]);
  return { applied: true };
}
