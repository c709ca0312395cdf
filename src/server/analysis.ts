// The findings of each open document, kept current: analysed on open at once and after edits once
// typing pauses (debounced); a result computed for a version the document has left is thrown away.
// An edit also re-decides the other open documents (a verdict depends on the callers), later.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../core/model';
import { Located, Workspaces } from './workspaces';

export interface DocumentFindings {
  /** The document version the findings were computed for. */
  version: number;
  findings: Finding[];
  where: Located;
  /** The text they were computed for (the diagnostics mark ranges in it). */
  text: string;
}

export interface AnalysisHost {
  /** The open document, as the client last sent it. */
  document(uri: string): TextDocument | undefined;
  openDocuments(): readonly TextDocument[];
  /** Resolves when analyses may run (settings read, token counting set up). */
  ready(): Promise<void>;
  /** A document's findings (null: not analysed, e.g. outside every folder) replaced its previous ones. */
  publish(uri: string, entry: DocumentFindings | null): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

const ANALYSED = /\.(?:[cm]?[jt]sx?)$/;

export function isAnalysable(uri: string): boolean {
  const path = uri.replace(/[?#].*$/, '');
  return ANALYSED.test(path) && !/\.d\.[cm]?ts$/.test(path);
}

export class DocumentAnalyses {
  private readonly results = new Map<string, DocumentFindings>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private othersTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly workspaces: Workspaces,
    private readonly host: AnalysisHost,
    /** Pause after the last keystroke before a document is analysed again. */
    private readonly delayMs = 300,
  ) {}

  /** The findings of the document's current version, or undefined when they are not (yet) known. */
  current(uri: string): DocumentFindings | undefined {
    const entry = this.results.get(uri);
    const doc = this.host.document(uri);
    return entry && doc && entry.version === doc.version ? entry : undefined;
  }

  /** The text of a document open in the editor (saved or not), or undefined when it is not open. */
  openText(uri: string): string | undefined {
    return this.host.document(uri)?.getText();
  }

  schedule(uri: string, delay = this.delayMs): void {
    if (!isAnalysable(uri)) return;
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.update(uri);
      }, delay),
    );
  }

  /** Re-analyse every open document (settings or project files changed). */
  refreshAll(): void {
    for (const doc of this.host.openDocuments()) this.schedule(doc.uri, 0);
  }

  /**
   * Re-analyse the open documents other than `changed` once typing there has paused for a while (longer
   * than the edited document's own delay: they matter less, and unchanged files keep their parses).
   */
  scheduleOthers(changed?: string): void {
    clearTimeout(this.othersTimer);
    this.othersTimer = setTimeout(() => {
      this.othersTimer = undefined;
      for (const doc of this.host.openDocuments()) if (doc.uri !== changed) this.schedule(doc.uri, 0);
    }, this.delayMs * 4);
  }

  /**
   * Analyses the document's current text now and keeps the result (for fixes, which must see the
   * version they edit). Null outside every folder.
   */
  analyzeNow(doc: TextDocument): DocumentFindings | null {
    const where = this.workspaces.locate(doc.uri);
    if (!where) return null;
    // The client owns the text of an open document: the engine reads it instead of the disk.
    const text = doc.getText();
    where.session.setOverlay(where.rel, text);
    const result = where.session.analyzeFiles([where.rel]);
    for (const e of result.errors) this.host.log('warn', `${e.file}: ${e.message}`);
    const findings = result.findings.filter((f) => f.site.file === where.rel);
    const entry = { version: doc.version, findings, where, text };
    this.results.set(doc.uri, entry);
    return entry;
  }

  /** The document was closed: its findings go, and the engine reads the file from disk again. */
  forget(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.results.delete(uri);
    const where = this.workspaces.locate(uri);
    if (where) {
      where.session.setOverlay(where.rel, undefined);
      where.session.invalidate(where.rel);
    }
  }

  private async update(uri: string): Promise<void> {
    await this.host.ready();
    const doc = this.host.document(uri);
    if (!doc) return;
    const version = doc.version;
    let entry: DocumentFindings | null;
    try {
      const started = Date.now();
      entry = this.analyzeNow(doc);
      if (entry) this.host.log('info', `analysed ${entry.where.rel} (version ${version}) in ${Date.now() - started} ms`);
    } catch (err) {
      // Contained per file: logged, its diagnostics cleared, the server carries on.
      this.host.log('error', `analysis of ${uri} failed: ${(err as Error).stack ?? String(err)}`);
      this.results.delete(uri);
      entry = null;
    }
    // Messages that arrived while the analysis held the thread (an edit, a close) are handled first.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    const now = this.host.document(uri);
    if (!now || now.version !== version) return; // closed, or edited since: a newer run is scheduled
    this.host.publish(uri, entry);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    clearTimeout(this.othersTimer);
  }
}
