// Builds the engine's options from command-line flags, the same object the VS Code settings build.
import { InvalidArgumentError } from 'commander';
import { DEFAULT_OPTIONS, AnalysisOptions } from '../core/model';
import { MAX_TOKENS, MAX_USD, OPTION_LIMITS } from '../core/estimate/limits';
import { printable } from '../core/report/printable';

/** A flag's number: finite, at least 0 and at most `max` (the bounds the settings have, see core/estimate/limits). */
export function boundedNumber(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value.replace(/[_,]/g, ''));
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`'${printable(value)}' is not a non-negative number.`);
    if (n > max) throw new InvalidArgumentError(`'${printable(value)}' is more than ${max.toLocaleString('en-US')}, the largest value this option takes.`);
    return n;
  };
}

export const callsPerDay = boundedNumber(OPTION_LIMITS.defaultCallsPerDay);
export const tokens = boundedNumber(MAX_TOKENS);
export const usd = boundedNumber(MAX_USD);

export interface VolumeFlags {
  callsPerDay?: number;
  interpolatedTokens?: number;
  outputTokens?: number;
}

/** Only what the user typed: these win over batchwise.config.json. */
export function volumeOverrides(flags: VolumeFlags): Partial<AnalysisOptions> {
  const out: Partial<AnalysisOptions> = {};
  if (flags.callsPerDay !== undefined) out.defaultCallsPerDay = flags.callsPerDay;
  if (flags.interpolatedTokens !== undefined) out.interpolatedTokens = flags.interpolatedTokens;
  if (flags.outputTokens !== undefined) out.defaultOutputTokens = flags.outputTokens;
  return out;
}

export function optionsFromFlags(flags: VolumeFlags): AnalysisOptions {
  return {
    ...DEFAULT_OPTIONS,
    defaultCallsPerDay: flags.callsPerDay ?? DEFAULT_OPTIONS.defaultCallsPerDay,
    interpolatedTokens: flags.interpolatedTokens ?? DEFAULT_OPTIONS.interpolatedTokens,
    defaultOutputTokens: flags.outputTokens ?? DEFAULT_OPTIONS.defaultOutputTokens,
  };
}
