// Assembles the pipeline stages that come after classification.
import type { PipelineStages } from '../core/analyze';
import type { CallSite, Fix } from '../core/model';
import { estimateSite } from '../core/estimate';

export const PIPELINE_STAGES: PipelineStages = { estimate: estimateSite };

export interface RewriteRequest {
  file: string;
  text: string;
  site: CallSite;
  helperPath: string;
  existingHelper?: string;
}

export function planRewrite(_req: RewriteRequest): { ok: true; fix: Fix } | { ok: false; reason: string } {
  return { ok: false, reason: 'no rewrite strategy is available yet' };
}
