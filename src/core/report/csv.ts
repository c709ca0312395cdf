// One row per call site, for spreadsheets.
import { stringify } from 'csv-stringify/sync';
import { volumeSourceDetail } from './volume';
import type { AnalysisResult } from '../model';
import { cents, subCents } from './format';
import { findingSavings, findingWithBatch } from './totals';
import { printable } from './printable';

export const CSV_COLUMNS = [
  'file', 'line', 'column', 'provider', 'api', 'model', 'verdict', 'confidence', 'low_volume', 'calls_per_day',
  'input_tokens', 'output_tokens', 'monthly_standard_usd', 'monthly_batch_usd', 'monthly_savings_usd', 'fix', 'evidence',
  'monthly_with_batch_usd', 'volume_source', 'volume_detail',
  // A per-run figure (a one-off script, runs not in the code): its money is here, and the monthly columns are 0.
  'calls_per_run', 'per_run_standard_usd', 'per_run_batch_usd', 'per_run_savings_usd',
] as const;

/**
 * A cell a spreadsheet would run as a formula ('=', '+', '-', '@', tab, carriage return first) gets a
 * leading apostrophe, so a file or model name can never become one. Numbers stay numbers.
 */
function inert(v: string | number): string | number {
  if (typeof v !== 'string') return v;
  // Control characters are shown, not kept raw: a terminal that prints the file would obey them.
  const shown = printable(v);
  return /^[=+\-@\t\r]/.test(shown) ? `'${shown}` : shown;
}

export function toCsv(result: AnalysisResult): string {
  const rows = result.findings.map((f) => {
    const e = f.estimate;
    return [
      f.site.file, f.site.loc.start.line, f.site.loc.start.column + 1, f.site.provider, f.site.api, f.site.model ?? '',
      f.classification.verdict, f.classification.confidence, f.lowVolume ? 'yes' : 'no', e?.callsPerDay ?? '',
      e?.inputTokens ?? '', e?.outputTokens ?? '', e ? cents(e.monthlyStandard) : '', e ? cents(e.monthlyBatch) : '',
      e ? cents(findingSavings(f)) : '', f.fix?.strategy ?? '', f.classification.evidence.map((x) => `${x.rule}: ${x.message}`).join(' | '),
      e && !e.perRun ? cents(findingWithBatch(f)!) : e ? 0 : '', e?.volume.kind ?? '', e ? volumeSourceDetail(e.volume) : '',
      e?.perRun?.calls ?? '', e?.perRun ? subCents(e.perRun.standard) : '', e?.perRun ? subCents(e.perRun.batch) : '', e?.perRun ? subCents(findingSavings(f, 'run')) : '',
    ].map(inert);
  });
  return stringify([[...CSV_COLUMNS], ...rows]);
}
