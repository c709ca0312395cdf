// Findings → diagnostics. One function decides what a diagnostic says; a controller keeps them
// current for open documents, debounced, and drops results computed for an older document version.
import * as vscode from 'vscode';
import type { Finding, Severity } from '../core/model';
import { DOCS_BASE, findingMessage, RULE_CODES } from '../core/report/message';
import { costsNothing } from '../core/report/totals';
import { Engine } from './engine';
import { toVscodeSeverity } from './config';

export const SOURCE = 'batchwise';
export const CODES = {
  batchable: { value: RULE_CODES.batchable.code, rule: RULE_CODES.batchable.rule },
  unknown: { value: RULE_CODES.unknown.code, rule: RULE_CODES.unknown.rule },
} as const;
const LANGUAGES = new Set(['javascript', 'javascriptreact', 'typescript', 'typescriptreact']);

export function isAnalysable(doc: vscode.TextDocument): boolean {
  return LANGUAGES.has(doc.languageId) && !doc.uri.path.endsWith('.d.ts');
}

export function callRange(f: Finding): vscode.Range {
  const { start, end } = f.site.loc;
  return new vscode.Range(start.line - 1, start.column, end.line - 1, end.column);
}

/**
 * The diagnostic for a finding, or null for calls a person waits for (they are fine as they are).
 * `severity` is that of a batchable call above the volume threshold; the others are hints.
 */
export function toDiagnostic(f: Finding, severity: Severity): vscode.Diagnostic | null {
  const verdict = f.classification.verdict;
  if (verdict === 'user-waiting') return null;
  const code = verdict === 'batchable' ? CODES.batchable : CODES.unknown;
  const level = f.lowVolume || verdict === 'unknown' || costsNothing(f) ? vscode.DiagnosticSeverity.Hint : toVscodeSeverity(severity);
  const d = new vscode.Diagnostic(callRange(f), findingMessage(f), level);
  d.source = SOURCE;
  d.code = { value: code.value, target: vscode.Uri.parse(DOCS_BASE + code.rule + '.md') };
  return d;
}

export class DiagnosticsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(SOURCE);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private othersTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's Batchwise diagnostics were (re)computed. */
  readonly onDidUpdate = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly delayMs = 300,
  ) {
    this.subscriptions.push(
      this.collection,
      this.emitter,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        this.schedule(e.document);
        // A verdict depends on the callers: an edit here can change the calls of every other open file.
        this.scheduleOthers(e.document);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
    );
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  /** Re-analyse every open document (settings or project files changed). */
  refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  /**
   * Re-analyse the open documents other than `changed`, once typing there has paused for a while
   * (longer than the edited file's own delay: they matter less, and parses of unchanged files are
   * kept, so this costs the classification only).
   */
  scheduleOthers(changed?: vscode.TextDocument): void {
    clearTimeout(this.othersTimer);
    this.othersTimer = setTimeout(() => {
      this.othersTimer = undefined;
      for (const doc of vscode.workspace.textDocuments) if (doc !== changed) this.schedule(doc, 0);
    }, this.delayMs * 4);
  }

  schedule(doc: vscode.TextDocument, delay = this.delayMs): void {
    if (!isAnalysable(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.update(doc);
      }, delay),
    );
  }

  private async update(doc: vscode.TextDocument): Promise<void> {
    await this.engine.whenReady();
    if (doc.isClosed) return;
    const version = doc.version;
    try {
      const entry = this.engine.analyzeDocument(doc);
      if (doc.version !== version) return; // typed since: a newer run is scheduled
      const severity = this.engine.severityFor(doc.uri);
      const diagnostics = (entry?.findings ?? []).map((f) => toDiagnostic(f, severity)).filter((d): d is vscode.Diagnostic => d !== null);
      this.collection.set(doc.uri, diagnostics);
    } catch (err) {
      this.engine.log.error(`analysis of ${doc.uri.fsPath} failed: ${(err as Error).stack ?? String(err)}`);
      this.collection.delete(doc.uri);
    }
    this.emitter.fire(doc.uri);
  }

  private clear(uri: vscode.Uri): void {
    clearTimeout(this.timers.get(uri.toString()));
    this.collection.delete(uri);
    this.engine.forget(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    clearTimeout(this.othersTimer);
    this.subscriptions.forEach((s) => s.dispose());
  }
}
