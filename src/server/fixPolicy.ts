// What the editor offers beyond the engine's own checks. A batch queue gathers the requests of callers
// that run at the same time; a call that runs once per run of a cron schedule has no such company, so
// the queue would send it as a batch of one and the run would wait up to a day for it.
import type { Finding } from '../core/model';
import { perDay } from '../core/report/volume';

export const QUEUE_OF_ONE = (schedule: string, callsPerDay: number) =>
  `no batch queue: the call is made once per run of ${schedule}, ${perDay(callsPerDay)}, so the queue would send every request as a batch of one and the run would wait up to 24 hours for its answer. Collect a run's work and send it as one batch (a loop over the items gets the loop-hoist fix), or leave the call as it is`;

/** The finding as the editor shows and fixes it: a batch queue that could only send batches of one is withdrawn, with the reason. */
export function withEditorPolicy(f: Finding): Finding {
  const scheduled = f.classification.volume;
  if (f.fix?.strategy === 'batch-queue' && scheduled) {
    return { ...f, fix: null, fixRefusal: QUEUE_OF_ONE(scheduled.source, scheduled.callsPerDay) };
  }
  return f;
}
