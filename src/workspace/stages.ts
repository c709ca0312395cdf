// Assembles the pipeline stages that come after classification.
import type { PipelineStages } from '../core/analyze';
import { estimateSite, fileCountBudget } from '../core/estimate';
import type { CountBudget } from '../core/estimate/tokens';
import { fixableStrategy, ModuleStyle, moduleStyleFor, planFix } from '../core/rewrite';
import { packageVersionFor, RewriteProvider, SdkVersion, sdkVersionFor } from '../core/rewrite/sdkVersion';

export const PIPELINE_STAGES: PipelineStages = { estimate: estimateSite, fixCheck: fixableStrategy };

/**
 * The stages with a fix check that knows how the project loads modules (package.json "type", tsconfig)
 * and which SDK versions it has, read through `read` once per folder: whether a .js loop may await at
 * the top level depends on the one, whether a helper fits on the other.
 */
export function pipelineStagesFor(read: (path: string) => string | undefined): PipelineStages {
  const styles = new Map<string, ModuleStyle>();
  // Each file counts its prompts' tokens up to a budget per analysis (this object lives for one analysis).
  const budgets = new Map<string, CountBudget>();
  const sdks = new Map<string, SdkVersion | undefined>();
  return {
    ...PIPELINE_STAGES,
    estimate: (site, options, context) => {
      let budget = budgets.get(site.file);
      if (!budget) budgets.set(site.file, (budget = fileCountBudget()));
      return estimateSite(site, options, { ...context, countBudget: budget });
    },
    fixCheck: (input) => {
      const dir = input.file.slice(0, input.file.lastIndexOf('/') + 1);
      let style = styles.get(dir);
      if (!style) {
        style = moduleStyleFor(input.file, read);
        styles.set(dir, style);
      }
      const sdkFor = (provider: RewriteProvider) => {
        const key = `${provider}:${dir}`;
        if (!sdks.has(key)) sdks.set(key, sdkVersionFor(provider, input.file, read));
        return sdks.get(key);
      };
      const packageFor = (pkg: string) => {
        const key = `package ${pkg}:${dir}`;
        if (!sdks.has(key)) sdks.set(key, packageVersionFor(pkg, input.file, read));
        return sdks.get(key);
      };
      return fixableStrategy({ ...input, projectModuleStyle: style, sdkFor, packageFor, read });
    },
  };
}

export const planRewrite = planFix;
export type { FixRequest as RewriteRequest } from '../core/rewrite';
