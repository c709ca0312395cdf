// One row per call site, for spreadsheets.
import { stringify } from 'csv-stringify/sync';
import type { AnalysisResult } from '../model';
import { cents } from './format';
import { findingSavings } from './totals';

export const CSV_COLUMNS = [
  'file', 'line', 'column', 'provider', 'api', 'model', 'verdict', 'confidence', 'low_volume', 'calls_per_day',
  'input_tokens', 'output_tokens', 'monthly_standard_usd', 'monthly_batch_usd', 'monthly_savings_usd', 'fix', 'evidence',
] as const;

export function toCsv(result: AnalysisResult): string {
  const rows = result.findings.map((f) => {
    const e = f.estimate;
    return [
      f.site.file, f.site.loc.start.line, f.site.loc.start.column + 1, f.site.provider, f.site.api, f.site.model ?? '',
      f.classification.verdict, f.classification.confidence, f.lowVolume ? 'yes' : 'no', e?.callsPerDay ?? '',
      e?.inputTokens ?? '', e?.outputTokens ?? '', e ? cents(e.monthlyStandard) : '', e ? cents(e.monthlyBatch) : '',
      e ? cents(findingSavings(f)) : '', f.fix?.strategy ?? '', f.classification.evidence.map((x) => `${x.rule}: ${x.message}`).join(' | '),
    ];
  });
  return stringify([[...CSV_COLUMNS], ...rows]);
}
