import type { Finding } from '../model';

export interface Totals {
  callSites: number;
  batchable: number;
  userWaiting: number;
  unknown: number;
  /** Batchable sites below the volume threshold: shown, not counted as savings. */
  lowVolume: number;
  /** What every call site costs a month now. */
  monthlyStandard: number;
  /** What the batchable sites (above the threshold) cost a month now. */
  monthlyBatchableStandard: number;
  /** What everything would cost if those sites moved to the Batch APIs. */
  monthlyWithBatch: number;
  monthlySavings: number;
  /**
   * Sites whose figure is per run (one-off scripts; code that says its calls per run but not how often
   * it runs): their money is in the per-run sums below, never in the monthly ones.
   */
  perRunSites: number;
  /** One run of each of those sites, now. */
  perRunStandard: number;
  /** What one run of each batchable one (above the threshold) saves on batch. */
  perRunSavings: number;
}

/** Savings count only batchable sites above the low-volume threshold. */
export function computeTotals(findings: readonly Finding[]): Totals {
  const t: Totals = {
    callSites: findings.length,
    batchable: 0,
    userWaiting: 0,
    unknown: 0,
    lowVolume: 0,
    monthlyStandard: 0,
    monthlyBatchableStandard: 0,
    monthlyWithBatch: 0,
    monthlySavings: 0,
    perRunSites: 0,
    perRunStandard: 0,
    perRunSavings: 0,
  };
  for (const f of findings) {
    const verdict = f.classification.verdict;
    if (verdict === 'batchable') t.batchable++;
    else if (verdict === 'user-waiting') t.userWaiting++;
    else t.unknown++;
    if (f.lowVolume) t.lowVolume++;
    const e = f.estimate;
    if (!e) continue;
    if (e.perRun) {
      t.perRunSites++;
      t.perRunStandard += e.perRun.standard;
      t.perRunSavings += findingSavings(f, 'run');
      continue;
    }
    t.monthlyStandard += e.monthlyStandard;
    if (verdict === 'batchable' && !f.lowVolume) {
      t.monthlyBatchableStandard += e.monthlyStandard;
      t.monthlySavings += e.monthlySavings;
    }
  }
  t.monthlyWithBatch = t.monthlyStandard - t.monthlySavings;
  return t;
}

/**
 * Savings a finding contributes to the totals (0 unless batchable and above the threshold): a month's,
 * or with 'run' one run's. A per-run figure has no monthly saving, a monthly one no per-run saving.
 */
export function findingSavings(f: Finding, unit: 'month' | 'run' = 'month'): number {
  if (f.classification.verdict !== 'batchable' || f.lowVolume || !f.estimate) return 0;
  if (unit === 'run') return f.estimate.perRun ? f.estimate.perRun.savings : 0;
  return f.estimate.monthlySavings;
}

/** The saving a finding's own row shows, in its own unit (a month, or one run): counted as findingSavings counts it. */
export function rowSavings(f: Finding): number {
  return findingSavings(f, f.estimate?.perRun ? 'run' : 'month');
}

/** What a finding costs once the advice is followed, in its own unit (a month, or one run): on batch if it counts as a saving, else as now. */
export function findingWithBatch(f: Finding): number | null {
  const e = f.estimate;
  if (!e) return null;
  return e.perRun ? e.perRun.standard - rowSavings(f) : e.monthlyStandard - rowSavings(f);
}

/** A call that costs nothing now (moderation is free): batching it saves nothing, whatever its volume. */
export function costsNothing(f: Finding): boolean {
  const e = f.estimate;
  return e !== null && (e.perRun ? e.perRun.standard : e.monthlyStandard) === 0;
}
