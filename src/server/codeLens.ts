// "Batch API: save ≈ $X/mo (1,000/day, assumed)" above each batchable call; the lens opens the report (a client command).
import type { CodeLens } from 'vscode-languageserver';
import type { Finding } from '../core/model';
import { callRange } from './diagnostics';
import { lensTitle } from './messages';

export const SHOW_REPORT_COMMAND = 'batchwise.showReport';

export function savingsLenses(findings: readonly Finding[], noiseFloor: number): CodeLens[] {
  return findings
    .filter((f) => f.classification.verdict === 'batchable' && f.estimate)
    .map((f) => ({ range: callRange(f), command: { title: lensTitle(f, noiseFloor), command: SHOW_REPORT_COMMAND, tooltip: 'Batchwise: open the savings report' } }));
}
