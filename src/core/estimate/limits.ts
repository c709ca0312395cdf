// The bounds of every number a user can set (editor settings, batchwise.config.json, CLI flags) and of
// numbers read from code, in one place: the JSON schema, package.json's contributes.configuration and
// the CLI state the same ones (a test compares them). Within them every cost stays a finite number.

import { isProvider } from '../detect/providers';

/** A billion requests a day: more than any one call site makes. */
export const MAX_CALLS_PER_DAY = 1e9;
/** A billion tokens: far past any model's context window or output limit. */
export const MAX_TOKENS = 1e9;
/** USD per 1M tokens: two orders of magnitude above the dearest model on the price list. */
export const MAX_PRICE_PER_MTOK = 10_000;
/** OpenAI's `n` takes at most 128 choices. */
export const MAX_CHOICES = 128;
/** A savings limit for --fail-on-savings: a quadrillion USD a month. */
export const MAX_USD = 1e15;

/** The numeric settings and their largest values (all take 0 as the least). */
export const OPTION_LIMITS = {
  defaultCallsPerDay: MAX_CALLS_PER_DAY,
  interpolatedTokens: MAX_TOKENS,
  defaultOutputTokens: MAX_TOKENS,
  lowVolumeThreshold: MAX_CALLS_PER_DAY,
} as const;

export type BoundedOption = keyof typeof OPTION_LIMITS;

/** The setting's value when it is a number within its bounds, else undefined (the caller keeps its default). */
export function boundedOption(key: BoundedOption, value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= OPTION_LIMITS[key] ? value : undefined;
}

/** The price fields of a price row, each within [0, MAX_PRICE_PER_MTOK]. */
export const PRICE_FIELDS = ['input', 'output', 'batchInput', 'batchOutput', 'cachedInput'] as const;

/** Whether a value is a usable price row: provider, model, and each price a number within its bounds. */
export function isBoundedPriceRow(v: unknown): boolean {
  const r = v as Record<string, unknown> | null;
  if (!r || typeof r !== 'object' || typeof r.model !== 'string' || !isProvider(r.provider)) return false;
  return PRICE_FIELDS.every((k) => {
    const x = r[k];
    if (x === undefined) return k === 'cachedInput';
    return typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= MAX_PRICE_PER_MTOK;
  });
}
