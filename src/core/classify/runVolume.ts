// Calls per run as the code writes them, for a call that only batch work reaches: the loops' literal
// counts multiplied (1 outside any loop), and how often a run happens when the entry says (a cron
// schedule) or that it is a one-off script.
import type { Classification } from '../model';
import type { Path } from './path';
import { BIN_ENTRY, MAIN_MODULE, NPM_SCRIPT, SHEBANG_SCRIPT, TOP_LEVEL_AWAIT } from './rules/cli';
import { CRON_SCHEDULE, cronRunsPerDay, SCHEDULED_WORKFLOW } from './rules/schedules';
import { EXAMPLE_RUNNER, STANDALONE_SCRIPT } from './rules/scripts';

/** Entries that start a run of a program or of a scheduled job: one run reaches each call on the path once, unless a loop repeats it. */
const RUN_ENTRIES: ReadonlySet<string> = new Set(
  [NPM_SCRIPT, BIN_ENTRY, SHEBANG_SCRIPT, MAIN_MODULE, TOP_LEVEL_AWAIT, STANDALONE_SCRIPT, EXAMPLE_RUNNER, CRON_SCHEDULE, SCHEDULED_WORKFLOW].map((r) => r.id),
);

/**
 * A call every batch path reaches once per run: each path starts a program or a scheduled job and has
 * no loop between its entry and the call (nor a timer that repeats it, a callback something else runs, a second way
 * in from the same entry (dedupePaths), or paths left out).
 * Nothing else is made beside it in that run, so a queue gathering such calls could only send batches
 * of one.
 */
export function oncePerRun(batch: readonly Path[]): Pick<Classification, 'oncePerRun'> {
  const once = (p: Path) => !p.more && !p.runByUnknown && !p.repeats && p.loops.length === 0 && (RUN_ENTRIES.has(p.rule.id) || p.commandLine !== undefined || p.oneOff !== undefined);
  if (batch.length === 0 || !batch.every(once)) return {};
  return { oncePerRun: [...new Set(batch.map((p) => p.entry))].join('; ') };
}

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
