// Below a volume a batch is not worth the wait: the one place that decides it and says why, used when
// a finding is made and again when a usage report changes its volume.
import type { CallSite, Estimate, Evidence, Verdict } from '../model';

export function isLowVolume(verdict: Verdict, estimate: Estimate | null, threshold: number): boolean {
  return verdict === 'batchable' && estimate !== null && estimate.callsPerDay < threshold;
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
