// The savings report over every workspace folder: a scan in slices (so the server keeps answering,
// reports progress and honours cancellation between them), the last scan kept for exports, and the
// status the client shows.
import type { AnalysisResult } from '../core/model';
import { computeTotals, Totals } from '../core/report/totals';
import { formatUsd } from '../core/report/format';
import { toJsonReport } from '../core/report/json';
import { toMarkdown } from '../core/report/markdown';
import { toCsv } from '../core/report/csv';
import { reportMessage } from './reportRows';
import { Folder, pathToUri, Workspaces } from './workspaces';
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
  overlays(): { uri: string; text: string }[];
  status(params: StatusParams): void;
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
  refresh(): void {
    if (!this.last) return;
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
      const folders = this.workspaces.list();
      const results: Scan['results'] = [];
      for (const [index, folder] of folders.entries()) {
        if (progress.isCancelled()) break;
        const session = this.workspaces.session(folder);
        session.invalidate();
        for (const o of this.host.overlays()) {
          const where = this.workspaces.locate(o.uri);
          if (where && where.session === session) session.setOverlay(where.rel, o.text);
        }
        // Each folder gets an equal share of the bar.
        const share = 100 / Math.max(1, folders.length);
        const result = await session.analyzeAllAsync(progress.isCancelled, (done, total) =>
          progress.report(`${folder.name}: ${done} of ${total} files`, Math.round(share * index + (share * done) / Math.max(1, total))),
        );
        results.push({ folder, result });
      }
      if (progress.isCancelled()) {
        // The status bar keeps the last figures it had.
        if (this.last) this.host.status({ state: 'ready', totals: this.last.report.totals, display: this.last.report.display });
        return undefined;
      }
      for (const r of results) for (const e of r.result.errors) this.host.log('warn', `${e.file}: ${e.message}`);
      const message = reportMessage(
        results.map((r) => ({ name: r.folder.name, findings: r.result.findings, errors: r.result.errors })),
        new Date().toISOString(),
      );
      const totals = computeTotals(results.flatMap((r) => r.result.findings));
      const report: ReportResult = {
        complete: true,
        folders: results.map((r) => ({ name: r.folder.name, uri: r.folder.uri })),
        rows: message.rows,
        locations: results.flatMap((r) =>
          r.result.findings.map((f) => ({ uri: pathToUri(join(r.folder.root, f.site.file)), start: f.site.range[0], end: f.site.range[1] })),
        ),
        totals: message.totals,
        display: display(totals),
        errors: message.errors,
        generatedAt: message.generatedAt,
      };
      this.last = { results, report };
      this.host.status({ state: 'ready', totals: report.totals, display: report.display });
      return this.last;
    } catch (err) {
      this.host.log('error', `the workspace scan failed: ${(err as Error).stack ?? String(err)}`);
      this.host.status({ state: 'failed', message: (err as Error).message ?? String(err) });
      throw err;
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
  }
}
