// The CLI's JSON document. Stable: fields are added, never renamed.
import type { AnalysisResult, Estimate, Evidence, Finding, UsageReconciliation } from '../model';
import { cents, subCents } from './format';
import { computeTotals, Totals } from './totals';
import { usageJson } from './usage';

export interface JsonReport {
  version: 1;
  root: string;
  findings: JsonFinding[];
  totals: Totals;
  errors: { file: string; message: string }[];
  /** Present when usage reports were given: the measured spend, split (money in cents). */
  usage?: UsageReconciliation;
}

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  provider: string;
  api: string;
  model: string | null;
  verdict: string;
  confidence: number;
  evidence: Evidence[];
  /** Money rounded to cents (per-run money, perRun, to a hundredth of a cent). */
  estimate: Estimate | null;
  /** `changes`: what an unsafe fix changes in what the program does, when it changes more than when answers come. */
  fix: { strategy: string; safe: boolean; changes?: string } | null;
  endLine: number;
  endColumn: number;
  streaming: boolean;
  batchEndpoint: string | null;
  lowVolume: boolean;
  fixRefusal: string | null;
}

export function toJsonFinding(f: Finding): JsonFinding {
  const e = f.estimate;
  return {
    file: f.site.file,
    line: f.site.loc.start.line,
    column: f.site.loc.start.column + 1,
    provider: f.site.provider,
    api: f.site.api,
    model: f.site.model,
    verdict: f.classification.verdict,
    confidence: f.classification.confidence,
    evidence: f.classification.evidence.map(({ rule, message, file, line }) => ({ rule, message, file, line })),
    estimate: e
      ? {
          callsPerDay: e.callsPerDay,
          volume: e.volume,
          inputTokens: e.inputTokens,
          outputTokens: e.outputTokens,
          monthlyStandard: cents(e.monthlyStandard),
          monthlyBatch: cents(e.monthlyBatch),
          monthlySavings: cents(e.monthlySavings),
          ...(e.perRun ? { perRun: { calls: e.perRun.calls, standard: subCents(e.perRun.standard), batch: subCents(e.perRun.batch), savings: subCents(e.perRun.savings) } } : {}),
          assumptions: [...e.assumptions],
        }
      : null,
    fix: f.fix ? { strategy: f.fix.strategy, safe: f.fix.safe, ...(f.fix.changes ? { changes: f.fix.changes } : {}) } : null,
    endLine: f.site.loc.end.line,
    endColumn: f.site.loc.end.column + 1,
    streaming: f.site.streaming,
    batchEndpoint: f.site.batchEndpoint,
    lowVolume: Boolean(f.lowVolume),
    fixRefusal: f.fixRefusal,
  };
}

export function toJsonReport(root: string, result: AnalysisResult): JsonReport {
  const totals = computeTotals(result.findings);
  return {
    version: 1,
    root,
    findings: result.findings.map(toJsonFinding),
    totals: {
      ...totals,
      monthlyStandard: cents(totals.monthlyStandard),
      monthlyBatchableStandard: cents(totals.monthlyBatchableStandard),
      monthlyWithBatch: cents(totals.monthlyWithBatch),
      monthlySavings: cents(totals.monthlySavings),
      perRunStandard: subCents(totals.perRunStandard),
      perRunSavings: subCents(totals.perRunSavings),
    },
    errors: result.errors.map(({ file, message }) => ({ file, message })),
    ...(result.usage ? { usage: usageJson(result.usage) } : {}),
  };
}
