// Messages for the user that need an answer or a way to the details: a failed scan names its error and
// offers *Show Log*; a refused fix says why, once. What was shown is kept (the last few, the language
// server's messages too), for the integration tests and other extensions.
import * as vscode from 'vscode';

export interface Shown {
  severity: 'error' | 'warning' | 'information';
  message: string;
  actions: string[];
}

const KEPT = 20;

export class Notifier {
  private readonly shown: Shown[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** A scan that failed: the error, logged, and a notification whose *Show Log* opens the log. */
  scanFailed(message: string): void {
    this.log.error(`the workspace scan failed: ${message}`);
    const text = `Batchwise: the workspace scan failed: ${message}`;
    this.record({ severity: 'error', message: text, actions: ['Show Log'] });
    void vscode.window.showErrorMessage(text, 'Show Log').then((choice) => choice === 'Show Log' && this.log.show());
  }

  warn(message: string): void {
    this.record({ severity: 'warning', message, actions: [] });
    void vscode.window.showWarningMessage(message);
  }

  /**
   * A message of the language server's (window/showMessage: a fix it refused, and why), shown as the
   * client library would show it, and kept with the others.
   */
  fromServer(severity: Shown['severity'], message: string): void {
    this.record({ severity, message, actions: [] });
    const show = { error: vscode.window.showErrorMessage, warning: vscode.window.showWarningMessage, information: vscode.window.showInformationMessage }[severity];
    void show(message);
  }

  /** The last notifications shown, oldest first. */
  recent(): readonly Shown[] {
    return this.shown;
  }

  private record(s: Shown): void {
    this.shown.push(s);
    if (this.shown.length > KEPT) this.shown.shift();
  }
}
