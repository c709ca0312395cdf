// Below a volume a batch is not worth the wait: decided again when a usage report changes a site's
// volume, in the analyzer's words (once the rule registry holds the message, this reads it from there).
import type { CallSite, Estimate, Evidence, Verdict } from '../model';
import { volumeCalls } from './estimate';

export function isLowVolume(verdict: Verdict, estimate: Estimate | null, threshold: number): boolean {
  // A per-run figure's calls are one run's: at most one batch, whatever the day.
  return verdict === 'batchable' && estimate !== null && volumeCalls(estimate) < threshold;
}

export function lowVolumeEvidence(site: CallSite, callsPerDay: number, threshold: number): Evidence {
  const n = Number(callsPerDay.toFixed(2));
  return {
    rule: 'low-volume',
    message: `about ${n.toLocaleString('en-US')} request${n === 1 ? '' : 's'} a day is below the ${threshold.toLocaleString('en-US')}/day threshold where a batch is worth the wait; reported as low-volume, not as a saving to chase`,
    file: site.file,
    line: site.loc.start.line,
  };
}
