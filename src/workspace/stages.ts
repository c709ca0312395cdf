// Assembles the pipeline stages that come after classification.
import type { PipelineStages } from '../core/analyze';
import { estimateSite } from '../core/estimate';
import { fixableStrategy, planFix } from '../core/rewrite';

export const PIPELINE_STAGES: PipelineStages = { estimate: estimateSite, fixCheck: fixableStrategy };

export const planRewrite = planFix;
export type { FixRequest as RewriteRequest } from '../core/rewrite';
