// Owns one WorkspaceSession per workspace folder and the latest findings per document.
import * as vscode from 'vscode';
import type { AnalysisResult, Finding, Severity } from '../core/model';
import { WorkspaceSession } from '../workspace/session';
import { toPosix } from '../workspace/scan';
import { readSettings, Settings } from './config';
import { useTokenCounter } from '../core/estimate/tokens';
import type { TokenThread } from '../workspace/tokenThread';

export interface DocumentFindings {
  version: number;
  findings: Finding[];
}

export class Engine implements vscode.Disposable {
  private readonly sessions = new Map<string, WorkspaceSession>();
  private readonly byDocument = new Map<string, DocumentFindings>();
  settings: Settings = readSettings();
  /** Settles when token counting is set up (see `countTokensOn`); analyses wait for it. */
  private tokensReady: Promise<void> = Promise.resolve();
  /** Where token counting runs, once settled. */
  countingOn: 'worker thread' | 'extension host' = 'extension host';

  constructor(readonly log: vscode.LogOutputChannel) {}

  /**
   * Counts tokens on a worker thread, so neither loading an encoding nor a count holds the extension
   * host. Analyses started before the worker is ready wait for it. Counting never moves to this thread:
   * a worker that fails leaves counts approximated, as each estimate says.
   */
  countTokensOn(thread: TokenThread): void {
    this.tokensReady = thread.ready.then((ok) => {
      useTokenCounter(thread.counter);
      this.countingOn = 'worker thread';
      if (ok) this.log.info(`token counting runs on a worker thread (encodings loaded in ${thread.loadMs} ms)`);
      else this.log.warn('the token-counting worker did not start; token counts are approximated from the text length (never counted on the extension host)');
    });
  }

  /** Resolves when analyses can run without loading a tokenizer on this thread. */
  whenReady(): Promise<void> {
    return this.tokensReady;
  }

  reloadSettings(): void {
    this.settings = readSettings();
    for (const s of this.sessions.values()) s.setOptions(this.settings.options, { helperPath: this.settings.helperPath });
  }

  /** The folder's session and the document's path relative to it, or null outside any folder. */
  locate(uri: vscode.Uri): { session: WorkspaceSession; rel: string; folder: vscode.WorkspaceFolder } | null {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return null;
    let session = this.sessions.get(folder.uri.toString());
    if (!session) {
      session = new WorkspaceSession(folder.uri.fsPath, this.settings.options, { helperPath: this.settings.helperPath });
      this.sessions.set(folder.uri.toString(), session);
    }
    const rel = toPosix(vscode.workspace.asRelativePath(uri, false));
    return { session, rel, folder };
  }

  /** The severity of a batchable call in this document: the project file's `severity` wins over the editor setting. */
  severityFor(uri: vscode.Uri): Severity {
    return this.locate(uri)?.session.config().config.severity ?? this.settings.severity;
  }

  /** A file changed on disk (or was created or deleted): its cached text and the file list are stale. */
  invalidate(uri: vscode.Uri, listChanged = false): void {
    const where = this.locate(uri);
    where?.session.invalidate(where.rel, listChanged);
  }

  analyzeDocument(doc: vscode.TextDocument): DocumentFindings | null {
    const where = this.locate(doc.uri);
    if (!where) return null;
    where.session.setOverlay(where.rel, doc.isDirty ? doc.getText() : undefined);
    if (!doc.isDirty) where.session.invalidate(where.rel);
    const result = where.session.analyzeFiles([where.rel]);
    for (const e of result.errors) this.log.warn(`${e.file}: ${e.message}`);
    const entry = { version: doc.version, findings: result.findings.filter((f) => f.site.file === where.rel) };
    this.byDocument.set(doc.uri.toString(), entry);
    return entry;
  }

  findingsFor(uri: vscode.Uri): DocumentFindings | undefined {
    return this.byDocument.get(uri.toString());
  }

  forget(uri: vscode.Uri): void {
    this.byDocument.delete(uri.toString());
    const where = this.locate(uri);
    where?.session.setOverlay(where.rel, undefined);
  }

  /** Source files across the workspace folders (after ignores). */
  sourceFileCount(): number {
    let n = 0;
    for (const folder of vscode.workspace.workspaceFolders ?? []) n += this.locate(vscode.Uri.joinPath(folder.uri, 'package.json'))?.session.fileCount() ?? 0;
    return n;
  }

  /**
   * Every folder, whole workspace: the report's scan. Runs in slices so the extension host keeps
   * serving other work, the progress notification updates, and its Cancel button is honoured.
   */
  async analyzeWorkspace(
    isCancelled: () => boolean,
    onProgress?: (folder: vscode.WorkspaceFolder, done: number, total: number) => void,
  ): Promise<{ folder: vscode.WorkspaceFolder; result: AnalysisResult }[]> {
    await this.whenReady();
    const out: { folder: vscode.WorkspaceFolder; result: AnalysisResult }[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (isCancelled()) break;
      const where = this.locate(vscode.Uri.joinPath(folder.uri, 'package.json'));
      if (!where) continue;
      where.session.invalidate();
      for (const doc of vscode.workspace.textDocuments) {
        const d = this.locate(doc.uri);
        if (d && d.session === where.session && doc.isDirty) d.session.setOverlay(d.rel, doc.getText());
      }
      const result = await where.session.analyzeAllAsync(isCancelled, (done, total) => onProgress?.(folder, done, total));
      out.push({ folder, result });
    }
    return out;
  }

  dispose(): void {
    useTokenCounter(null);
    this.sessions.clear();
    this.byDocument.clear();
  }
}
