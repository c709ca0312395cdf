// Findings → report rows and the message the page renders. Pure: no vscode import, so the page can be
// tested in a plain browser with the same data the extension sends.
import type { Finding } from '../core/model';
import { toJsonFinding } from '../core/report/json';
import { computeTotals, findingSavings, findingWithBatch } from '../core/report/totals';
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
    monthlyBatch: findingWithBatch(f),
    monthlySavings: e ? findingSavings(f) : null,
  };
}

export function reportMessage(folders: { name: string; findings: Finding[]; errors: { file: string; message: string }[] }[], generatedAt: string): ToWebview {
  const all = folders.flatMap((f) => f.findings);
  const t = computeTotals(all);
  return {
    type: 'report',
    rows: folders.flatMap((f) => f.findings.map((x) => toRow(f.name, x))),
    totals: { callSites: t.callSites, batchable: t.batchable, monthlyStandard: t.monthlyStandard, monthlyWithBatch: t.monthlyWithBatch, monthlySavings: t.monthlySavings },
    errors: folders.flatMap((f) => f.errors),
    generatedAt,
  };
}
