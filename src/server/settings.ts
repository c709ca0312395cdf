// One typed reader of the batchwise.* settings, as any LSP client sends them (workspace/configuration,
// didChangeConfiguration or initializationOptions); mirrors contributes.configuration in package.json.
// Whatever arrives is checked: a value of the wrong type falls back to its default, never throws.
import { DEFAULT_OPTIONS, AnalysisOptions, PriceRow, Severity } from '../core/model';
import { boundedOption, BoundedOption, isBoundedPriceRow } from '../core/estimate/limits';

export interface Settings {
  options: AnalysisOptions;
  severity: Severity;
  helperPath: string;
  codeLens: boolean;
  scanOnStartup: boolean;
  /** Batchable calls that save less than this many dollars a month are hints (`noiseFloor`). */
  noiseFloor: number;
  /** Saved usage reports (`usage`): absolute paths, or relative to the folder. */
  usage: string[];
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** The settings in `raw` (the `batchwise` section, an object with the keys without prefix); defaults for the rest. */
export function toSettings(raw: unknown): Settings {
  const c = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  // The bounds of contributes.configuration (core/estimate/limits), which clients show but do not enforce.
  const num = (key: BoundedOption, fallback: number) => boundedOption(key, c[key]) ?? fallback;
  const overrides = c.priceOverrides;
  return {
    options: {
      defaultCallsPerDay: num('defaultCallsPerDay', DEFAULT_OPTIONS.defaultCallsPerDay),
      interpolatedTokens: num('interpolatedTokens', DEFAULT_OPTIONS.interpolatedTokens),
      defaultOutputTokens: num('defaultOutputTokens', DEFAULT_OPTIONS.defaultOutputTokens),
      lowVolumeThreshold: num('lowVolumeThreshold', DEFAULT_OPTIONS.lowVolumeThreshold ?? 100),
      priceOverrides: Array.isArray(overrides) ? (overrides.filter(isBoundedPriceRow) as PriceRow[]) : [],
    },
    severity: SEVERITIES.find((s) => s === c.severity) ?? 'warning',
    helperPath: typeof c.helperPath === 'string' && c.helperPath.trim() !== '' ? c.helperPath : 'batchwise/openaiBatch',
    codeLens: typeof c.codeLens === 'boolean' ? c.codeLens : true,
    scanOnStartup: typeof c.scanOnStartup === 'boolean' ? c.scanOnStartup : true,
    ...editorSettings(c),
  };
}

export const DEFAULT_SETTINGS: Settings = toSettings(undefined);

/**
 * The `batchwise` section out of what a client sent: `{ batchwise: {...} }` (VS Code, nvim-lspconfig's
 * `settings`) or the section itself (Helix's `config`).
 */
export function batchwiseSection(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && 'batchwise' in raw) return (raw as { batchwise: unknown }).batchwise;
  return raw;
}

/** The settings only the editor has (the project file does not): the noise floor and the usage reports. */
function editorSettings(c: Record<string, unknown>): Pick<Settings, 'noiseFloor' | 'usage'> {
  const floor = c.noiseFloor;
  const usage = Array.isArray(c.usage) ? c.usage.filter((u): u is string => typeof u === 'string' && u.trim() !== '') : [];
  return { noiseFloor: typeof floor === 'number' && Number.isFinite(floor) && floor >= 0 ? floor : 1, usage };
}
