// The workspace's monthly savings in the status bar, from the server's last whole-workspace scan.
import * as vscode from 'vscode';
import type { StatusParams } from '../server/protocol';

export class SavingsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('batchwise.savings', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Batchwise savings';
    this.item.command = 'batchwise.showReport';
    this.item.text = '$(graph) Batchwise';
    this.item.tooltip = 'Batchwise: scan the workspace and show the savings report';
    this.item.show();
  }

  show(status: StatusParams): void {
    switch (status.state) {
      case 'scanning':
        // The figures stay until the new ones arrive.
        this.item.tooltip = 'Batchwise: scanning the workspace…';
        return;
      case 'failed':
        this.item.text = '$(warning) Batchwise: scan failed';
        this.item.tooltip = `Batchwise: the workspace scan failed: ${status.message}. Click to try again; the log (Batchwise: Show Log) has the details.`;
        return;
      case 'ready': {
        const { totals, display } = status;
        this.item.text = `$(graph) ${display.monthlySavings}/mo`;
        this.item.tooltip = new vscode.MarkdownString(
          `**Batchwise**: ${totals.batchable} of ${totals.callSites} LLM call sites are batchable.\n\n` +
            `${display.monthlyStandard}/mo now → ${display.monthlyWithBatch}/mo with the Batch APIs.\n\n` +
            // Older servers send no per-run totals.
            (totals.perRunSites ? `${totals.perRunSites} call site${totals.perRunSites === 1 ? ' is' : 's are'} priced per run (one-off scripts, or runs per day not in the code), not in these monthly figures.\n\n` : '') +
            'Click for the savings report.',
        );
      }
    }
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
