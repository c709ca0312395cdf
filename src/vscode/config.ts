// One typed reader of the batchwise.* settings; mirrors contributes.configuration in package.json.
import * as vscode from 'vscode';
import { DEFAULT_OPTIONS, AnalysisOptions, PriceRow, Severity } from '../core/model';

export interface Settings {
  options: AnalysisOptions;
  severity: Severity;
  helperPath: string;
  codeLens: boolean;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('batchwise', scope);
  const num = (key: string, fallback: number) => {
    const v = c.get<number>(key);
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  const overrides = c.get<unknown>('priceOverrides');
  return {
    options: {
      defaultCallsPerDay: num('defaultCallsPerDay', DEFAULT_OPTIONS.defaultCallsPerDay),
      interpolatedTokens: num('interpolatedTokens', DEFAULT_OPTIONS.interpolatedTokens),
      defaultOutputTokens: num('defaultOutputTokens', DEFAULT_OPTIONS.defaultOutputTokens),
      lowVolumeThreshold: num('lowVolumeThreshold', DEFAULT_OPTIONS.lowVolumeThreshold ?? 100),
      priceOverrides: Array.isArray(overrides) ? (overrides.filter(isPriceRow) as PriceRow[]) : [],
    },
    severity: (['error', 'warning', 'information', 'hint'] as const).find((s) => s === c.get('severity')) ?? 'warning',
    helperPath: c.get<string>('helperPath') || 'batchwise/openaiBatch',
    codeLens: c.get<boolean>('codeLens') ?? true,
  };
}

function isPriceRow(v: unknown): boolean {
  const r = v as Partial<PriceRow> | null;
  return Boolean(r && typeof r.model === 'string' && ['input', 'output', 'batchInput', 'batchOutput'].every((k) => typeof (r as Record<string, unknown>)[k] === 'number'));
}

export function toVscodeSeverity(s: Severity): vscode.DiagnosticSeverity {
  return { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, information: vscode.DiagnosticSeverity.Information, hint: vscode.DiagnosticSeverity.Hint }[s];
}
