// Calls per run as the code writes them, for a call that only batch work reaches: the loops' literal
// counts multiplied (1 outside any loop), and how often a run happens when the entry says (a cron
// schedule) or that it is a one-off script.
import type { Classification } from '../model';
import type { Path } from './path';
import { cronRunsPerDay } from './rules/schedules';

export function runVolume(batch: readonly Path[]): Pick<Classification, 'run'> {
  // Paths that differ in their counts or their runs would need a figure for each: left assumed.
  if (batch.length !== 1 || batch[0].more) return {};
  const p = batch[0];
  const counts = p.loops.map((l) => (l.count ? { ...l.count, where: `${l.file}:${l.line}` } : null));
  const uncounted = p.loops.find((l) => !l.count);
  if (uncounted) {
    // A one-off script is per run whatever its loops hold: its calls per run are then assumed.
    return p.oneOff && !p.schedule ? { run: { calls: null, source: `the loop at ${uncounted.file}:${uncounted.line} has no count in the code`, oneOff: p.oneOff } } : {};
  }
  const calls = counts.reduce((n, c) => n * c!.n, 1);
  const source = counts.length === 0 ? 'one call per run (no loop around it)' : counts.map((c) => `${c!.what} at ${c!.where}`).join(' × ');
  if (p.schedule) {
    // A schedule with no loop between it and the call is scheduledVolume's: one call per run.
    const runsPerDay = cronRunsPerDay(p.schedule);
    return runsPerDay === null || counts.length === 0 ? {} : { run: { calls, source, runsPerDay, schedule: `the cron schedule '${p.schedule}'` } };
  }
  if (p.oneOff) return { run: { calls, source, oneOff: p.oneOff } };
  return counts.length === 0 ? {} : { run: { calls, source } };
}
