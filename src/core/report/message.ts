// What a finding says, in one sentence: the diagnostic, the SARIF result and the Markdown report use it.
import type { Finding } from '../model';
import { figures, money, volumeSourceText, volumeText } from './volume';
import { costsNothing } from './totals';
import { PROVIDER_INFO } from '../detect/providers';
import { DECLARED_CONTEXT, LOW_VOLUME } from '../classify/rules/calls';

const PROVIDER_NAMES: Record<string, string> = Object.fromEntries(Object.entries(PROVIDER_INFO).map(([id, info]) => [id, info.label]));

export const RULE_CODES = {
  batchable: { code: 'BW001', rule: 'batchable-llm-call', title: 'LLM call nobody waits for: move it to the Batch API' },
  unknown: { code: 'BW002', rule: 'unknown-context', title: 'LLM call whose context Batchwise cannot tell' },
} as const;

export const DOCS_BASE = 'https://github.com/batchwise/batchwise/blob/main/docs/rules/';

function sentence(s: string): string {
  return s.replace(/\.$/, '');
}

/** The main reason for a verdict: what the code shows first; a declaration comment is mentioned after it. */
export function primaryReason(f: Finding): string {
  const evidence = f.classification.evidence;
  const inferred = evidence.find((e) => e.rule !== DECLARED_CONTEXT.id && e.rule !== LOW_VOLUME.id);
  const declared = evidence.some((e) => e.rule === DECLARED_CONTEXT.id);
  return (inferred?.message ?? evidence[0]?.message ?? 'no evidence') + (declared && inferred ? ' (also declared in a comment)' : '');
}

/** '1 request a day (assumed)', '40 requests a day (from usage report, …)'. */
function lowVolumeRate(f: Finding): string {
  if (!f.estimate) return '? requests a day';
  const e = f.estimate;
  const n = Number((e.perRun ? e.perRun.calls : e.callsPerDay).toFixed(2));
  return `${n.toLocaleString('en-US')} request${n === 1 ? '' : 's'} ${e.perRun ? 'per run' : 'a day'} (${volumeSourceText(e.volume)})`;
}

/** The message for a batchable or unknown finding (user-waiting calls are not reported). */
export function findingMessage(f: Finding): string {
  const provider = PROVIDER_NAMES[f.site.provider] ?? f.site.provider;
  const wrapped = /^(ai-sdk|langchain)\.(.+)$/.exec(f.site.api);
  const call = wrapped ? `${wrapped[1] === 'ai-sdk' ? 'AI SDK' : 'LangChain'} ${wrapped[2]} call (${provider} model)` : `${provider} ${f.site.api} call`;
  const why = primaryReason(f);
  if (f.classification.verdict === 'batchable') {
    if (costsNothing(f)) {
      return `${call} is batchable (${sentence(why)}), but it costs nothing now, so the Batch API saves nothing; batch it only for throughput${f.fix ? ' (a Quick Fix is available)' : ''}.`;
    }
    if (f.estimate?.noBatchTier) {
      return `${call} is batchable (${sentence(why)}), but ${provider} has no batch tier, so batching saves nothing there (≈ ${money(f.estimate, figures(f.estimate).standard)} now at ${volumeText(f.estimate)}).`;
    }
    const saving = f.estimate ? money(f.estimate, figures(f.estimate).savings) : 'half its cost';
    return f.lowVolume
      ? `${call} is batchable (${sentence(why)}), but at about ${lowVolumeRate(f)} it is low volume: batching would save ≈ ${saving}.`
      : `${call} is batchable: ${sentence(why)}. Moving it to the Batch API saves ≈ ${saving}${f.estimate ? ` at ${volumeText(f.estimate)}` : ''}${f.fix ? '; a Quick Fix is available' : ''}.`;
  }
  return `Batchwise cannot tell whether a person waits for this ${call}: ${sentence(why)}. Add "// batchwise: batch N/day" or "// batchwise: user-waiting" above it.`;
}
