// The savings report over every workspace folder: a scan in slices (so the server keeps answering,
// reports progress and honours cancellation between them), the last scan kept for exports, and the
// status the client shows.
import type { AnalysisResult, Finding } from '../core/model';
import { computeTotals, Totals } from '../core/report/totals';
import { formatUsd } from '../core/report/format';
import { toJsonReport } from '../core/report/json';
import { toMarkdown } from '../core/report/markdown';
import { toCsv } from '../core/report/csv';
import { reportMessage } from './reportRows';
import { Folder, Located, pathToUri, uriToPath, Workspaces } from './workspaces';
import type { ExportFormat, ReportResult, StatusDisplay, StatusParams } from './protocol';
import { join } from 'node:path';

export interface Scan {
  results: { folder: Folder; result: AnalysisResult }[];
  report: ReportResult;
}

export interface ScanProgress {
  isCancelled(): boolean;
  report(message: string, percentage: number): void;
}

export interface ReportHost {
  /** Open documents, whose text the client owns (the scan reads them instead of the disk). */
  overlays(): { uri: string; text: string; version: number }[];
  status(params: StatusParams): void;
  /** The last report changed without a scan (rows replaced or marked stale). */
  changed(report: ReportResult): void;
  /** A scan completed; `calibrated`: usage reports were read, so the open documents' figures may change. */
  scanned(calibrated: boolean): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export function display(t: Pick<Totals, 'monthlySavings' | 'monthlyStandard' | 'monthlyWithBatch'>): StatusDisplay {
  return { monthlySavings: formatUsd(t.monthlySavings), monthlyStandard: formatUsd(t.monthlyStandard), monthlyWithBatch: formatUsd(t.monthlyWithBatch) };
}

export class Reports {
  private last: Scan | undefined;
  /** The scan under way: scans take turns, since each one refreshes the same sessions. */
  private running: Promise<Scan | undefined> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** The version of each open document (by path: clients spell URIs differently) the last report's rows of it were computed for. */
  private readonly versions = new Map<string, number>();
  /** Files (by path) whose rows are out of date, and why. */
  private readonly stale = new Map<string, string>();
  /** Set by the test hook: the next scan fails with this message, as a scan that throws would. */
  private failure: string | undefined;
  private changedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly workspaces: Workspaces,
    private readonly host: ReportHost,
  ) {}

  /** The last complete scan, if any. */
  latest(): Scan | undefined {
    return this.last;
  }

  /** The report: the last scan unless `rescan` (or there is none). Undefined when cancelled. */
  async report(rescan: boolean, progress: ScanProgress): Promise<Scan | undefined> {
    if (!rescan && this.last) return this.last;
    return this.scan(progress);
  }

  /** A scan without progress, for the status bar (start-up, settings changed). */
  scanQuietly(): void {
    if (!this.running) void this.scan({ isCancelled: () => false, report: () => undefined });
  }

  /**
   * Settings or project files changed: the figures of the last scan are stale. Scan again quietly (only
   * if there was a scan); a checkout can change several files at once, so one scan for the lot.
   */
  refresh(evenWithoutReport = false): void {
    if (!this.last && !evenWithoutReport) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.scanQuietly(), 500);
  }

  /** The last scan (or a fresh one) as Markdown, CSV or JSON text. */
  async export(format: ExportFormat, progress: ScanProgress): Promise<string | undefined> {
    const scan = this.last ?? (await this.scan(progress));
    if (!scan) return undefined;
    const merged: AnalysisResult = { findings: scan.results.flatMap((r) => r.result.findings), errors: scan.results.flatMap((r) => r.result.errors) };
    if (format === 'markdown') return toMarkdown(merged);
    if (format === 'csv') return toCsv(merged);
    const json = scan.results.length === 1 ? toJsonReport(scan.results[0].folder.root, merged) : scan.results.map((r) => toJsonReport(r.folder.root, r.result));
    return JSON.stringify(json, null, 2) + '\n';
  }

  private async scan(progress: ScanProgress): Promise<Scan | undefined> {
    while (this.running) await this.running.catch(() => undefined);
    const scan = this.scanNow(progress);
    this.running = scan;
    try {
      return await scan;
    } finally {
      if (this.running === scan) this.running = undefined;
    }
  }

  private async scanNow(progress: ScanProgress): Promise<Scan | undefined> {
    this.host.status({ state: 'scanning' });
    try {
      const failure = this.failure;
      this.failure = undefined;
      if (failure !== undefined) throw new Error(failure);
      const folders = this.workspaces.list();
      const results: Scan['results'] = [];
      const versions = new Map<string, number>();
      for (const [index, folder] of folders.entries()) {
        if (progress.isCancelled()) break;
        const session = this.workspaces.session(folder);
        session.invalidate();
        for (const o of this.host.overlays()) {
          const where = this.workspaces.locate(o.uri);
          if (where && where.session === session) {
            session.setOverlay(where.rel, o.text);
            versions.set(pathKey(o.uri), o.version);
          }
        }
        // Each folder gets an equal share of the bar.
        const share = 100 / Math.max(1, folders.length);
        const result = await session.analyzeAllAsync(progress.isCancelled, (done, total) =>
          progress.report(`${folder.name}: ${done} of ${total} files`, Math.round(share * index + (share * done) / Math.max(1, total))),
        );
        results.push({ folder, result: result });
      }
      if (progress.isCancelled()) {
        // The status bar keeps the last figures it had.
        if (this.last) this.host.status({ state: 'ready', totals: this.last.report.totals, display: this.last.report.display });
        return undefined;
      }
      for (const r of results) for (const e of r.result.errors) this.host.log('warn', `${e.file}: ${e.message}`);
      this.versions.clear();
      for (const [uri, version] of versions) this.versions.set(uri, version);
      this.stale.clear();
      this.last = { results, report: this.build(results, new Date().toISOString()) };
      this.host.status({ state: 'ready', totals: this.last.report.totals, display: this.last.report.display });
      this.host.scanned(results.some((r) => r.result.usage !== undefined));
      return this.last;
    } catch (err) {
      this.host.log('error', `the workspace scan failed: ${(err as Error).stack ?? String(err)}`);
      this.host.status({ state: 'failed', message: (err as Error).message ?? String(err) });
      throw err;
    }
  }

  /**
   * An open document was analysed: its findings replace its file's rows in the last report, so the report,
   * the status bar and the exports follow an edit or a fix without a scan. Other files keep their rows.
   */
  updateDocument(where: Located, uri: string, version: number, findings: readonly Finding[]): void {
    const scan = this.last;
    const entry = scan?.results.find((r) => r.folder.root === where.folder.root);
    if (!scan || !entry) return;
    const kept = entry.result.findings.filter((f) => f.site.file !== where.rel);
    const merged = [...kept, ...findings].sort((a, b) => (a.site.file < b.site.file ? -1 : a.site.file > b.site.file ? 1 : a.site.range[0] - b.site.range[0]));
    entry.result = { ...entry.result, findings: merged };
    this.versions.set(pathKey(uri), version);
    this.stale.delete(pathKey(uri));
    this.rebuild();
  }

  /** A document's text changed (an edit, a fix): its rows are out of date until it is analysed again. */
  markStale(uri: string, reason: string): void {
    const where = this.workspaces.locate(uri);
    if (!this.last || !where || this.stale.get(pathKey(uri)) === reason) return;
    if (!this.last.results.some((r) => r.folder.root === where.folder.root && r.result.findings.some((f) => f.site.file === where.rel))) return;
    this.stale.set(pathKey(uri), reason);
    this.rebuild();
  }

  /** A document closed: the file's rows now stand for the file on disk. */
  forget(uri: string): void {
    this.versions.delete(pathKey(uri));
  }

  /**
   * Test hook (BATCHWISE_TEST_HOOKS=1): the next scan fails with `message`. A quiet refresh that an earlier
   * change scheduled, or a scan still running, would otherwise take the failure meant for the caller's scan:
   * the pending refresh is dropped and the running scan awaited first.
   */
  async failNextScan(message: string): Promise<void> {
    clearTimeout(this.refreshTimer);
    while (this.running) await this.running.catch(() => undefined);
    this.failure = message;
  }

  private rebuild(): void {
    const scan = this.last!;
    scan.report = this.build(scan.results, new Date().toISOString());
    // A burst of edits and analyses sends one update.
    clearTimeout(this.changedTimer);
    this.changedTimer = setTimeout(() => {
      if (!this.last) return;
      this.host.status({ state: 'ready', totals: this.last.report.totals, display: this.last.report.display });
      this.host.changed(this.last.report);
    }, 50);
  }

  private build(results: Scan['results'], generatedAt: string): ReportResult {
    const staleReason = (name: string, file: string) => {
      const folder = results.find((r) => r.folder.name === name)?.folder;
      return folder ? this.stale.get(join(folder.root, file)) : undefined;
    };
    const message = reportMessage(
      results.map((r) => ({ name: r.folder.name, findings: r.result.findings, errors: r.result.errors, usage: r.result.usage })),
      generatedAt,
      staleReason,
    );
    const totals = computeTotals(results.flatMap((r) => r.result.findings));
    return {
      complete: true,
      folders: results.map((r) => ({ name: r.folder.name, uri: r.folder.uri })),
      rows: message.rows,
      locations: results.flatMap((r) =>
        r.result.findings.map((f) => {
          const path = join(r.folder.root, f.site.file);
          return { uri: pathToUri(path), start: f.site.range[0], end: f.site.range[1], version: this.versions.get(path) ?? null };
        }),
      ),
      totals: message.totals,
      display: display(totals),
      errors: message.errors,
      generatedAt: message.generatedAt,
      usage: message.usage,
    };
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    clearTimeout(this.changedTimer);
  }
}

function pathKey(uri: string): string {
  return uriToPath(uri) ?? uri;
}
