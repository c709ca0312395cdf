// Assembles the pipeline stages that come after classification.
import type { PipelineStages } from '../core/analyze';
import type { CallSite } from '../core/model';

export const PIPELINE_STAGES: PipelineStages = {};

export interface RewriteRequest {
  file: string;
  text: string;
  site: CallSite;
  helperPath: string;
  existingHelper?: string;
}

export function planRewrite(_req: RewriteRequest): { ok: true; fix: import('../core/model').Fix } | { ok: false; reason: string } {
  return { ok: false, reason: 'no rewrite strategy is available yet' };
}
