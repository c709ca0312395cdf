// The server's diagnostics, with the document version each set was computed for. The client library's
// own handler drops that version (it coalesces publishes per file), so this one replaces it: a set is
// shown only if no newer set for the same file arrived while it was being converted.
import * as vscode from 'vscode';
import type { BaseLanguageClient, PublishDiagnosticsParams } from 'vscode-languageclient';

export class DocumentDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('batchwise');
  private readonly versions = new Map<string, number | undefined>();
  private readonly latest = new Map<string, number>();
  private sequence = 0;
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's Batchwise diagnostics were replaced. */
  readonly onDidUpdate = this.emitter.event;

  constructor(
    private readonly client: BaseLanguageClient,
    /** Adjusts the converted diagnostics (rule links) before they are shown. */
    private readonly adjust: (d: vscode.Diagnostic[]) => vscode.Diagnostic[] = (d) => d,
  ) {}

  async accept(params: PublishDiagnosticsParams): Promise<void> {
    const seq = ++this.sequence;
    this.latest.set(params.uri, seq);
    const diagnostics = await this.client.protocol2CodeConverter.asDiagnostics(params.diagnostics);
    if (this.latest.get(params.uri) !== seq) return;
    this.latest.delete(params.uri);
    const uri = this.client.protocol2CodeConverter.asUri(params.uri);
    this.collection.set(uri, this.adjust(diagnostics));
    this.versions.set(uri.toString(), params.version ?? undefined);
    this.emitter.fire(uri);
  }

  /** The document version the current diagnostics of `uri` were computed for. */
  versionOf(uri: vscode.Uri): number | undefined {
    return this.versions.get(uri.toString());
  }

  dispose(): void {
    this.collection.dispose();
    this.emitter.dispose();
  }
}
