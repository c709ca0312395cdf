// Where a figure's volume came from, in words: every renderer says it beside the money.
import type { Estimate, Finding, VolumeSource } from '../model';

// Made once (see format.ts).
const SMALL_PER_DAY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const PER_DAY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** '1,000/day', '0.33/day'. */
export function perDay(n: number): string {
  return `${(n < 10 ? SMALL_PER_DAY : PER_DAY).format(n)}/day`;
}

/** The source alone: 'assumed', 'from a comment', 'from a cron schedule', 'from usage report, 2026-11-01 – 2026-11-30'. */
export function volumeSourceText(v: VolumeSource): string {
  switch (v.kind) {
    case 'annotation':
      return 'from a comment';
    case 'schedule':
      return 'from a cron schedule';
    case 'usage-report':
      return `from usage report, ${v.from} – ${v.to}`;
    default:
      return 'assumed';
  }
}

/** '1,000/day, assumed': the volume and where it came from. */
export function volumeText(e: Estimate): string {
  return `${perDay(e.callsPerDay)}, ${volumeSourceText(e.volume)}`;
}

/** A short label for narrow columns: 'assumed', 'comment', 'schedule', 'usage report'. */
export function volumeSourceLabel(v: VolumeSource): string {
  return { annotation: 'comment', schedule: 'schedule', 'usage-report': 'usage report', default: 'assumed' }[v.kind];
}

/** The source's detail for machine formats: the comment, the schedule, the report's dates and files. */
export function volumeSourceDetail(v: VolumeSource): string {
  switch (v.kind) {
    case 'annotation':
      return v.comment;
    case 'schedule':
      return v.description;
    case 'usage-report':
      return `${v.from} – ${v.to} (${v.files.join(', ')})`;
    default:
      return 'setting defaultCallsPerDay';
  }
}

/** One line for a whole report: 'Volumes: 3 assumed, 1 from a comment, 2 from usage report, 2026-11-01 – 2026-11-30.' */
export function volumeSummary(findings: readonly Finding[]): string | null {
  const counts = new Map<string, number>();
  for (const f of findings) {
    if (!f.estimate) continue;
    const key = volumeSourceText(f.estimate.volume);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  return `Volumes: ${[...counts].map(([source, n]) => `${n} ${source}`).join(', ')}.`;
}
