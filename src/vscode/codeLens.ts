// "Batch API: save ≈ $X/mo" above each batchable call; the lens opens the report.
import * as vscode from 'vscode';
import { formatUsd } from '../core/report/format';
import { costsNothing } from '../core/report/totals';
import { Engine } from './engine';
import { callRange } from './diagnostics';

export class SavingsCodeLens implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(private readonly engine: Engine) {}

  /** Findings changed (or the setting did): ask VS Code for the lenses again. */
  refresh(): void {
    this.emitter.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.engine.settings.codeLens) return [];
    const entry = this.engine.findingsFor(doc.uri);
    if (!entry || entry.version !== doc.version) return [];
    return entry.findings
      .filter((f) => f.classification.verdict === 'batchable' && f.estimate)
      .map((f) => {
        const label = costsNothing(f)
          ? 'Batch API: nothing to save (the call is free)'
          : f.lowVolume
          ? `Batch API: low volume (≈ ${f.estimate!.callsPerDay.toLocaleString('en-US')}/day), would save ${formatUsd(f.estimate!.monthlySavings)}/mo`
          : `Batch API: save ≈ ${formatUsd(f.estimate!.monthlySavings)}/mo`;
        return new vscode.CodeLens(callRange(f), { title: label, command: 'batchwise.showReport', tooltip: 'Batchwise: open the savings report' });
      });
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
