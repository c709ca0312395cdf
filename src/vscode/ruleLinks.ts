// Rule links that work offline: a diagnostic's code links to the rule's page shipped in the extension
// (docs/rules/<rule>.md, which the package carries), not to the web, so it opens without a network and
// shows the page of the installed version. Other LSP clients keep the server's web address.
import * as vscode from 'vscode';

const RULE_PAGE = /\/docs\/rules\/([a-z0-9-]+)\.md$/;

/** The shipped page for a rule's web address, or undefined when the address is no rule page of ours. */
export function shippedRulePage(extensionUri: vscode.Uri, href: string): vscode.Uri | undefined {
  const m = RULE_PAGE.exec(href);
  return m ? vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${m[1]}.md`) : undefined;
}

/** Points the code link of each Batchwise diagnostic at the shipped page. */
export function withShippedRuleLinks(extensionUri: vscode.Uri, diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] {
  for (const d of diagnostics) {
    if (d.source !== 'batchwise' || typeof d.code !== 'object' || !d.code) continue;
    const page = shippedRulePage(extensionUri, d.code.target.toString(true));
    if (page) d.code = { value: d.code.value, target: page };
  }
  return diagnostics;
}
