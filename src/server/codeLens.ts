// "Batch API: save ≈ $X/mo" above each batchable call; the lens opens the report (a client command).
import type { CodeLens } from 'vscode-languageserver';
import type { Finding } from '../core/model';
import { formatUsd } from '../core/report/format';
import { costsNothing } from '../core/report/totals';
import { callRange } from './diagnostics';

export const SHOW_REPORT_COMMAND = 'batchwise.showReport';

export function savingsLenses(findings: readonly Finding[]): CodeLens[] {
  return findings
    .filter((f) => f.classification.verdict === 'batchable' && f.estimate)
    .map((f) => {
      const title = costsNothing(f)
        ? 'Batch API: nothing to save (the call is free)'
        : f.lowVolume
          ? `Batch API: low volume (≈ ${f.estimate!.callsPerDay.toLocaleString('en-US')}/day), would save ${formatUsd(f.estimate!.monthlySavings)}/mo`
          : `Batch API: save ≈ ${formatUsd(f.estimate!.monthlySavings)}/mo`;
      return { range: callRange(f), command: { title, command: SHOW_REPORT_COMMAND, tooltip: 'Batchwise: open the savings report' } };
    });
}
