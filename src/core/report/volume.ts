// Where a figure's volume came from, in words: every renderer says it beside the money.
import type { Estimate, Finding, VolumeSource } from '../model';
import type { Totals } from './totals';
import { formatUsd } from './format';

// Made once (see format.ts).
const SMALL_PER_DAY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const PER_DAY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** '1,000/day', '0.33/day'. */
export function perDay(n: number): string {
  return `${(n < 10 ? SMALL_PER_DAY : PER_DAY).format(n)}/day`;
}

/** '10/run', '1/run'. */
export function perRun(n: number): string {
  return `${PER_DAY.format(n)}/run`;
}

/** The volume alone, per day or per run: '1,000/day', '10/run'. */
export function volumeRate(e: Estimate): string {
  return e.perRun ? perRun(e.perRun.calls) : perDay(e.callsPerDay);
}

/**
 * The source alone: 'assumed', 'from a comment', 'from a cron schedule', 'from usage report, 2026-11-01 – 2026-11-30',
 * 'from code: 10 per run × 24 runs/day (cron)', 'one-off script', 'from code (runs per day unknown)'; the per-run ones follow a '10/run'.
 */
export function volumeSourceText(v: VolumeSource): string {
  switch (v.kind) {
    case 'annotation':
      return 'from a comment';
    case 'schedule':
      return 'from a cron schedule';
    case 'usage-report':
      return `from usage report, ${v.from} – ${v.to}`;
    case 'code':
      if (v.runsPerDay !== undefined) return `from code: ${PER_DAY.format(v.perRun)} per run × ${SMALL_PER_DAY.format(v.runsPerDay)} runs/day (cron)`;
      return v.oneOff ? `one-off script${v.assumed ? ', calls per run assumed' : ''}` : 'from code (runs per day unknown)';
    default:
      return 'assumed';
  }
}

/** '1,000/day, assumed', '10/run, one-off script': the volume and where it came from. */
export function volumeText(e: Estimate): string {
  return `${volumeRate(e)}, ${volumeSourceText(e.volume)}`;
}

/** A short label for narrow columns: 'assumed', 'comment', 'schedule', 'usage report', 'code', 'one-off'. */
export function volumeSourceLabel(v: VolumeSource): string {
  if (v.kind === 'code') return v.oneOff ? 'one-off' : 'code';
  return { annotation: 'comment', schedule: 'schedule', 'usage-report': 'usage report', default: 'assumed' }[v.kind];
}

/** The source's detail for machine formats: the comment, the schedule, the report's dates and files, what the code says. */
export function volumeSourceDetail(v: VolumeSource): string {
  switch (v.kind) {
    case 'annotation':
      return v.comment;
    case 'schedule':
    case 'code':
      return v.description;
    case 'usage-report':
      return `${v.from} – ${v.to} (${v.files.join(', ')})`;
    default:
      return 'setting defaultCallsPerDay';
  }
}

/** The unit a finding's money is in: '/mo', or ' per run' for a per-run figure. */
export function moneyUnit(e: Estimate): string {
  return e.perRun ? ' per run' : '/mo';
}

/** '$3.40/mo', '$0.12 per run'. */
export function money(e: Estimate, amount: number): string {
  return `${formatUsd(amount)}${moneyUnit(e)}`;
}

/** The estimate's figures in its own unit: a month's, or one run's. */
export function figures(e: Estimate): { standard: number; batch: number; savings: number } {
  return e.perRun ? { standard: e.perRun.standard, batch: e.perRun.batch, savings: e.perRun.savings } : { standard: e.monthlyStandard, batch: e.monthlyBatch, savings: e.monthlySavings };
}

/** One line for a whole report: 'Volumes: 3 assumed, 1 from a comment, 2 from usage report, 2026-11-01 – 2026-11-30.' */
export function volumeSummary(findings: readonly Finding[]): string | null {
  const counts = new Map<string, number>();
  for (const f of findings) {
    if (!f.estimate) continue;
    const v = f.estimate.volume;
    // One entry for all code volumes: their per-run counts differ from site to site.
    const key = v.kind === 'code' ? (v.runsPerDay !== undefined ? 'from code × a cron schedule' : v.oneOff ? 'per run (one-off scripts)' : 'per run (runs per day unknown)') : volumeSourceText(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  return `Volumes: ${[...counts].map(([source, n]) => `${n} ${source}`).join(', ')}.`;
}

/** 'Per run, not in the monthly figures: 2 call sites cost $0.40 a run, batching saves $0.20 a run.' — null when no figure is per run. */
export function perRunTotalsLine(t: Pick<Totals, 'perRunSites' | 'perRunStandard' | 'perRunSavings'>): string | null {
  if (t.perRunSites === 0) return null;
  const sites = `${t.perRunSites} call site${t.perRunSites === 1 ? '' : 's'}`;
  return `Per run, not in the monthly figures: ${sites} (one-off scripts, or runs per day not in the code) cost ${formatUsd(t.perRunStandard)} for one run of each; batching saves ${formatUsd(t.perRunSavings)} per run.`;
}
