// The workspace's monthly savings in the status bar, from the last whole-workspace scan.
import * as vscode from 'vscode';
import { formatUsd } from '../core/report/format';
import type { Totals } from '../core/report/totals';

export class SavingsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('batchwise.savings', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Batchwise savings';
    this.item.command = 'batchwise.showReport';
    this.item.text = '$(graph) Batchwise';
    this.item.tooltip = 'Batchwise: scan the workspace and show the savings report';
    this.item.show();
  }

  show(totals: Totals): void {
    this.item.text = `$(graph) ${formatUsd(totals.monthlySavings)}/mo`;
    this.item.tooltip = new vscode.MarkdownString(
      `**Batchwise**: ${totals.batchable} of ${totals.callSites} LLM call sites are batchable.\n\n` +
        `${formatUsd(totals.monthlyStandard)}/mo now → ${formatUsd(totals.monthlyWithBatch)}/mo with the Batch APIs.\n\nClick for the savings report.`,
    );
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
