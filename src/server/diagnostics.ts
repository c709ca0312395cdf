// Findings → LSP diagnostics. One function decides what a diagnostic says, as vscode-eslint does:
// source = the tool, code = the rule's code, codeDescription.href = the rule's page.
import { Diagnostic, DiagnosticSeverity, Range } from 'vscode-languageserver';
import type { Finding, Severity } from '../core/model';
import { DOCS_BASE, RULE_CODES } from '../core/report/message';
import { diagnosticMessage, weightOf } from './messages';
import { nextLineBreak } from '../core/parse/lineNumbers';

export const SOURCE = 'batchwise';

/** What a diagnostic carries back to the server in a code action request: the call's offsets. */
export interface DiagnosticData {
  start: number;
  end: number;
}

/** What decides how loud a finding is: the settings of its folder. */
export interface DiagnosticSettings {
  /** The severity of a batchable call worth a saving. */
  severity: Severity;
  /** Savings under this many dollars a month are hints. */
  noiseFloor: number;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The whole call, from its callee to its closing parenthesis. */
export function callRange(f: Finding): Range {
  const { start, end } = f.site.loc;
  return Range.create(start.line - 1, start.column, end.line - 1, end.column);
}

/** A member chain as written: names, `.`/`?.` with any spacing, `[…]` and `!` between them. */
const CHAIN = /(?:[A-Za-z_$\u00a0-\uffff][\w$\u00a0-\uffff]*|\s*\??\.\s*|\[[^\]\n]*\]|!)+/y;

/**
 * The offsets of the call's callee (`openai.chat.completions.create`), which the diagnostic marks instead
 * of the whole call: a squiggle under eight lines hides the code. Falls back to the call's first line.
 */
export function calleeOffsets(f: Finding, text: string): [number, number] {
  const [start, end] = f.site.range;
  if (f.site.callee && text.startsWith(f.site.callee, start)) return [start, start + f.site.callee.length];
  CHAIN.lastIndex = start;
  const m = CHAIN.exec(text);
  const chainEnd = m ? start + m[0].replace(/[\s?.]+$/, '').length : start;
  if (chainEnd > start && chainEnd <= end) return [start, chainEnd];
  const newline = nextLineBreak(text, start);
  return [start, newline > start && newline < end ? newline : end];
}

/**
 * The diagnostic for a finding, or null for calls a person waits for (they are fine as they are).
 * `positionAt` turns the document's offsets into positions. Calls under the low-volume threshold or the
 * noise floor, free calls and unknown contexts are hints.
 */
export function toDiagnostic(f: Finding, settings: DiagnosticSettings, text: string, positionAt: (offset: number) => { line: number; character: number }): Diagnostic | null {
  const verdict = f.classification.verdict;
  if (verdict === 'user-waiting') return null;
  const code = verdict === 'batchable' ? RULE_CODES.batchable : RULE_CODES.unknown;
  const level = verdict === 'unknown' || weightOf(f, settings.noiseFloor) !== 'saving' ? DiagnosticSeverity.Hint : SEVERITY[settings.severity];
  const data: DiagnosticData = { start: f.site.range[0], end: f.site.range[1] };
  const [from, to] = calleeOffsets(f, text);
  return {
    range: { start: positionAt(from), end: positionAt(to) },
    severity: level,
    source: SOURCE,
    code: code.code,
    codeDescription: { href: DOCS_BASE + code.rule + '.md' },
    message: diagnosticMessage(f, settings.noiseFloor),
    data,
  };
}
