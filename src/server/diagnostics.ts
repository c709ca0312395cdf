// Findings → LSP diagnostics. One function decides what a diagnostic says, as vscode-eslint does:
// source = the tool, code = the rule's code, codeDescription.href = the rule's page.
import { Diagnostic, DiagnosticSeverity, Range } from 'vscode-languageserver';
import type { Finding, Severity } from '../core/model';
import { DOCS_BASE, findingMessage, RULE_CODES } from '../core/report/message';
import { costsNothing } from '../core/report/totals';

export const SOURCE = 'batchwise';

/** What a diagnostic carries back to the server in a code action request: the call's offsets. */
export interface DiagnosticData {
  start: number;
  end: number;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function callRange(f: Finding): Range {
  const { start, end } = f.site.loc;
  return Range.create(start.line - 1, start.column, end.line - 1, end.column);
}

/**
 * The diagnostic for a finding, or null for calls a person waits for (they are fine as they are).
 * `severity` is that of a batchable call above the volume threshold; the others are hints.
 */
export function toDiagnostic(f: Finding, severity: Severity): Diagnostic | null {
  const verdict = f.classification.verdict;
  if (verdict === 'user-waiting') return null;
  const code = verdict === 'batchable' ? RULE_CODES.batchable : RULE_CODES.unknown;
  const level = f.lowVolume || verdict === 'unknown' || costsNothing(f) ? DiagnosticSeverity.Hint : SEVERITY[severity];
  const data: DiagnosticData = { start: f.site.range[0], end: f.site.range[1] };
  return {
    range: callRange(f),
    severity: level,
    source: SOURCE,
    code: code.code,
    codeDescription: { href: DOCS_BASE + code.rule + '.md' },
    message: findingMessage(f),
    data,
  };
}
