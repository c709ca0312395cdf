// Findings → report rows and the message the page renders. Pure: no vscode import, so the page can be
// tested in a plain browser with the same data the extension sends.
import type { Finding, UsageReconciliation } from '../core/model';
import { toJsonFinding } from '../core/report/json';
import { computeTotals, findingSavings, findingWithBatch } from '../core/report/totals';
import { volumeRate, volumeSourceDetail, volumeSourceLabel, volumeSourceText } from '../core/report/volume';
import type { ReportRow } from './protocol';
import type { ToWebview } from '../vscode/report/protocol';

export function toRow(folder: string, f: Finding): ReportRow {
  const row = toJsonFinding(f);
  const e = f.estimate;
  // The row's figures add up to the totals: a call that stays as it is costs the same with batch.
  return {
    ...row,
    folder,
    monthlyStandard: e ? e.monthlyStandard : null,
    // A per-run row's monthly money is 0 (see perRun); findingWithBatch gives its own unit's.
    monthlyBatch: e?.perRun ? 0 : findingWithBatch(f),
    monthlySavings: e ? findingSavings(f) : null,
    wouldSave: e && f.classification.verdict === 'batchable' ? e.monthlySavings : null,
    volume: e
      ? { callsPerDay: e.callsPerDay, perDay: volumeRate(e), source: volumeSourceText(e.volume), label: volumeSourceLabel(e.volume), detail: volumeSourceDetail(e.volume) }
      : null,
    perRun: e?.perRun
      ? {
          calls: e.perRun.calls,
          standard: e.perRun.standard,
          withBatch: e.perRun.standard - findingSavings(f, 'run'),
          savings: findingSavings(f, 'run'),
          wouldSave: f.classification.verdict === 'batchable' ? e.perRun.savings : null,
        }
      : null,
  };
}

export interface ReportFolderFindings {
  name: string;
  findings: Finding[];
  errors: { file: string; message: string }[];
  usage?: UsageReconciliation;
}

/** `stale(folder, file)`: why the rows of that file are out of date, if they are. */
export function reportMessage(folders: ReportFolderFindings[], generatedAt: string, stale: (folder: string, file: string) => string | undefined = () => undefined): ToWebview {
  const all = folders.flatMap((f) => f.findings);
  const t = computeTotals(all);
  return {
    type: 'report',
    rows: folders.flatMap((f) =>
      f.findings.map((x) => {
        const row = toRow(f.name, x);
        const reason = stale(f.name, x.site.file);
        return reason ? { ...row, stale: reason } : row;
      }),
    ),
    totals: {
      callSites: t.callSites,
      batchable: t.batchable,
      monthlyStandard: t.monthlyStandard,
      monthlyWithBatch: t.monthlyWithBatch,
      monthlySavings: t.monthlySavings,
      perRunSites: t.perRunSites,
      perRunStandard: t.perRunStandard,
      perRunSavings: t.perRunSavings,
    },
    errors: folders.flatMap((f) => f.errors),
    generatedAt,
    usage: folders.flatMap((f) => (f.usage ? [{ folder: f.name, reconciliation: f.usage }] : [])),
  };
}
