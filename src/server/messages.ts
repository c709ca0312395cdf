// What the editor says about a finding, in one place: the diagnostic (the saving and the verdict first,
// since the Problems panel cuts long lines, then the reason), the CodeLens title and the hover's first
// line. Every figure says where its volume came from. Pinned by test/unit/server/messages.test.ts.
import type { Finding } from '../core/model';
import { formatUsd } from '../core/report/format';
import { primaryReason } from '../core/report/message';
import { costsNothing } from '../core/report/totals';
import { figures, money, volumeText } from '../core/report/volume';

const PROVIDER_NAMES: Record<string, string> = { openai: 'OpenAI', anthropic: 'Anthropic' };

/**
 * How a batchable call's saving counts: `saving` is worth a warning; the others are hints. `low-volume`:
 * under lowVolumeThreshold requests a day (not counted in the totals); `noise`: counted, but under the
 * noiseFloor setting ($/mo); `free`: the call costs nothing now.
 */
export type Weight = 'saving' | 'noise' | 'low-volume' | 'free';

export function weightOf(f: Finding, noiseFloor: number): Weight {
  if (costsNothing(f)) return 'free';
  if (f.lowVolume) return 'low-volume';
  // A per-run saving is held to the same floor: one run that saves less is noise too.
  if (f.estimate && figures(f.estimate).savings < noiseFloor) return 'noise';
  return 'saving';
}

/** '1,000/day, assumed', '10/run, one-off script': how many calls a day (or a run), and where that figure came from. */
export function volumeOf(f: Finding): string {
  return f.estimate ? volumeText(f.estimate) : 'volume unknown';
}

/** '≈ $13.70/mo at 1,000/day, assumed', '≈ $0.12 per run at 10/run, one-off script'. */
function savingAt(f: Finding): string {
  const e = f.estimate;
  if (e?.noBatchTier) return `no batch tier (≈ ${money(e, figures(e).standard)} now at ${volumeOf(f)})`;
  return e ? `≈ ${money(e, figures(e).savings)} at ${volumeOf(f)}` : 'half its cost';
}

/** '$1.00/mo', or '$1.00' against a per-run saving. */
function floorText(f: Finding, noiseFloor: number): string {
  return f.estimate?.perRun ? formatUsd(noiseFloor) : `${formatUsd(noiseFloor)}/mo`;
}

function callName(f: Finding): string {
  const provider = PROVIDER_NAMES[f.site.provider] ?? f.site.provider;
  const wrapped = /^(ai-sdk|langchain)\.(.+)$/.exec(f.site.api);
  return wrapped ? `${wrapped[1] === 'ai-sdk' ? 'AI SDK' : 'LangChain'} ${wrapped[2]} call (${provider} model)` : `${provider} ${f.site.api} call`;
}

function reason(f: Finding): string {
  return primaryReason(f).replace(/\.$/, '');
}

/** The diagnostic's message for a batchable or unknown finding (user-waiting calls get none). */
export function diagnosticMessage(f: Finding, noiseFloor: number): string {
  const call = callName(f);
  if (f.classification.verdict !== 'batchable') {
    return `Unknown context, would save ${savingAt(f)} if nobody waits for it: ${reason(f)}. Batchwise cannot tell whether a person waits for this ${call}; add "// batchwise: batch N/day" or "// batchwise: user-waiting" above it.`;
  }
  const fix = f.fix ? '; a Quick Fix is available' : '';
  switch (weightOf(f, noiseFloor)) {
    case 'free':
      return `Batchable, saves nothing (the call is free): ${reason(f)}. ${call}; batch it only for throughput${fix}.`;
    case 'low-volume':
      return `Batchable, low volume: would save ${savingAt(f)}, not counted (under the low-volume threshold): ${reason(f)}. ${call}${fix}.`;
    case 'noise':
      return `Batchable, saves ${savingAt(f)} (under the ${floorText(f, noiseFloor)} noise floor): ${reason(f)}. ${call}${fix}.`;
    default:
      return `Batchable, saves ${savingAt(f)}: ${reason(f)}. ${call}${fix}.`;
  }
}

/** The CodeLens title above a batchable call. */
export function lensTitle(f: Finding, noiseFloor: number): string {
  const weight = weightOf(f, noiseFloor);
  if (weight === 'free' || !f.estimate) return 'Batch API: nothing to save (the call is free)';
  const amount = money(f.estimate, figures(f.estimate).savings);
  if (weight === 'low-volume') return `Batch API: low volume, would save ≈ ${amount} (${volumeOf(f)})`;
  if (weight === 'noise') return `Batch API: save ≈ ${amount} (${volumeOf(f)}), under the ${floorText(f, noiseFloor)} noise floor`;
  return `Batch API: save ≈ ${amount} (${volumeOf(f)})`;
}
