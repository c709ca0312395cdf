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
  };
  for (const f of findings) {
    const verdict = f.classification.verdict;
    if (verdict === 'batchable') t.batchable++;
    else if (verdict === 'user-waiting') t.userWaiting++;
    else t.unknown++;
    if (f.lowVolume) t.lowVolume++;
    const e = f.estimate;
    if (!e) continue;
    t.monthlyStandard += e.monthlyStandard;
    if (verdict === 'batchable' && !f.lowVolume) {
      t.monthlyBatchableStandard += e.monthlyStandard;
      t.monthlySavings += e.monthlySavings;
    }
  }
  t.monthlyWithBatch = t.monthlyStandard - t.monthlySavings;
  return t;
}

/** Savings a finding contributes to the totals (0 unless batchable and above the threshold). */
export function findingSavings(f: Finding): number {
  return f.classification.verdict === 'batchable' && !f.lowVolume && f.estimate ? f.estimate.monthlySavings : 0;
}

/** What a finding costs a month once the advice is followed: on batch if it counts as a saving, else as now. */
export function findingWithBatch(f: Finding): number | null {
  return f.estimate ? f.estimate.monthlyStandard - findingSavings(f) : null;
}

/** A call that costs nothing now (moderation is free): batching it saves nothing, whatever its volume. */
export function costsNothing(f: Finding): boolean {
  return f.estimate !== null && f.estimate.monthlyStandard === 0;
}
