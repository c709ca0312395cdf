// Builds the engine's options from command-line flags, the same object the VS Code settings build.
import { InvalidArgumentError } from 'commander';
import { DEFAULT_OPTIONS, AnalysisOptions } from '../core/model';

export function positiveNumber(value: string): number {
  const n = Number(value.replace(/[_,]/g, ''));
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`'${value}' is not a non-negative number.`);
  return n;
}

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
