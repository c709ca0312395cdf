// One typed reader of the batchwise.* settings; mirrors contributes.configuration in package.json.
import * as vscode from 'vscode';
import { DEFAULT_OPTIONS, AnalysisOptions, PriceRow, Severity } from '../core/model';
import { boundedOption, BoundedOption, isBoundedPriceRow } from '../core/estimate/limits';

export interface Settings {
  options: AnalysisOptions;
  severity: Severity;
  helperPath: string;
  codeLens: boolean;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('batchwise', scope);
  // The bounds of contributes.configuration, which VS Code shows but does not enforce.
  const num = (key: BoundedOption, fallback: number) => boundedOption(key, c.get<unknown>(key)) ?? fallback;
  const overrides = c.get<unknown>('priceOverrides');
  return {
    options: {
      defaultCallsPerDay: num('defaultCallsPerDay', DEFAULT_OPTIONS.defaultCallsPerDay),
      interpolatedTokens: num('interpolatedTokens', DEFAULT_OPTIONS.interpolatedTokens),
      defaultOutputTokens: num('defaultOutputTokens', DEFAULT_OPTIONS.defaultOutputTokens),
      lowVolumeThreshold: num('lowVolumeThreshold', DEFAULT_OPTIONS.lowVolumeThreshold ?? 100),
      priceOverrides: Array.isArray(overrides) ? (overrides.filter(isBoundedPriceRow) as PriceRow[]) : [],
    },
    severity: (['error', 'warning', 'information', 'hint'] as const).find((s) => s === c.get('severity')) ?? 'warning',
    helperPath: c.get<string>('helperPath') || 'batchwise/openaiBatch',
    codeLens: c.get<boolean>('codeLens') ?? true,
  };
}

export function toVscodeSeverity(s: Severity): vscode.DiagnosticSeverity {
  return { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, information: vscode.DiagnosticSeverity.Information, hint: vscode.DiagnosticSeverity.Hint }[s];
}
