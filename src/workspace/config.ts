// The project's own configuration: batchwise.config.json, or the "batchwise" key of package.json.
// Read by the CLI and the extension alike so both report the same findings. Invalid entries are
// reported and skipped, never thrown.
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import schema from '../../schemas/batchwise.config.schema.json';
import type { AnalysisOptions, PriceRow, Severity } from '../core/model';
import { helperPathProblem } from '../core/rewrite/helper';

export const CONFIG_FILE = 'batchwise.config.json';

export interface ProjectConfig {
  defaultCallsPerDay?: number;
  interpolatedTokens?: number;
  defaultOutputTokens?: number;
  lowVolumeThreshold?: number;
  severity?: Severity;
  ignore?: string[];
  priceOverrides?: PriceRow[];
  /** Where the batch helpers go, relative to the root, without extension. */
  helperPath?: string;
  /** Saved usage reports of the providers (JSON pages or console CSV exports), relative to the root; globs allowed. */
  usage?: string[];
}

export interface LoadedConfig {
  /** Where it came from: 'batchwise.config.json', 'package.json#batchwise', or null when there is none. */
  source: string | null;
  config: ProjectConfig;
  /** Problems in words, each naming the file and the setting. */
  problems: string[];
  /** The `helperPath` the file set and validation dropped: a fix is refused rather than write elsewhere. */
  rejectedHelperPath?: unknown;
}

/** The schema's validator, compiled when a project first has settings (compiling costs ~50 ms of every start otherwise). */
let compiled: ValidateFunction<ProjectConfig> | undefined;
const validator = (): ValidateFunction<ProjectConfig> => (compiled ??= new Ajv({ allErrors: true, strict: false }).compile<ProjectConfig>(schema));

function describe(source: string, e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(top level)';
  if (e.keyword === 'additionalProperties') return `${source}: unknown setting '${String(e.params.additionalProperty)}' in ${where}`;
  return `${source}: ${where} ${e.message ?? 'is invalid'}`;
}

function readJson(path: string): { value?: unknown; error?: string; missing?: boolean } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { missing: true };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Reads and validates the project configuration. Valid settings are kept even when others are not. */
export function loadProjectConfig(root: string): LoadedConfig {
  let source: string | null = null;
  let raw: unknown;
  const file = readJson(join(root, CONFIG_FILE));
  if (file.error) return { source: CONFIG_FILE, config: {}, problems: [`${CONFIG_FILE}: not valid JSON (${file.error})`] };
  if (!file.missing) {
    source = CONFIG_FILE;
    raw = file.value;
  } else {
    const pkg = readJson(join(root, 'package.json'));
    const key = (pkg.value as { batchwise?: unknown } | undefined)?.batchwise;
    if (key !== undefined) {
      source = 'package.json#batchwise';
      raw = key;
    }
  }
  if (source === null) return { source, config: {}, problems: [] };
  const validate = validator();
  if (validate(raw)) return { source, config: raw, problems: [] };
  const problems = (validate.errors ?? []).map((e) => describe(source!, e));
  // Keep what is valid: drop each top-level setting that an error points into.
  const bad = new Set((validate.errors ?? []).map((e) => e.instancePath.split('/')[1] ?? (e.params as { additionalProperty?: string }).additionalProperty));
  const kept: Record<string, unknown> = {};
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [k, v] of Object.entries(raw)) if (!bad.has(k) && k in schema.properties) kept[k] = v;
  }
  const rejectedHelperPath = raw && typeof raw === 'object' && 'helperPath' in raw && !('helperPath' in kept) ? (raw as { helperPath: unknown }).helperPath : undefined;
  return { source, config: validate(kept) ? kept : {}, problems, ...(rejectedHelperPath !== undefined ? { rejectedHelperPath } : {}) };
}

/** Where the helpers go unless a setting says otherwise. */
export const DEFAULT_HELPER_PATH = 'batchwise/openaiBatch';

export interface HelperPathChoice {
  /** The path, relative to the root, without extension (the default when the chosen one has a problem). */
  path: string;
  /** Which setting chose it, in words; null for the default. */
  source: string | null;
  /** Why the chosen value cannot be used (the fix is refused with it), or null. */
  problem: string | null;
}

/**
 * The helper path and where it came from. The project file wins over the editor setting (one place
 * the whole team shares); every source gets the same check (helperPathProblem), and a value that
 * fails it is a refusal, never a silent move to the default.
 */
export function chooseHelperPath(loaded: LoadedConfig, editorSetting: string | undefined): HelperPathChoice {
  const fileSource = loaded.source === 'package.json#batchwise' ? 'the "batchwise" key of package.json' : (loaded.source ?? CONFIG_FILE);
  const [value, source] =
    loaded.rejectedHelperPath !== undefined
      ? [loaded.rejectedHelperPath, fileSource]
      : loaded.config.helperPath !== undefined
        ? [loaded.config.helperPath, fileSource]
        : editorSetting !== undefined && editorSetting !== ''
          ? [editorSetting, 'the editor setting batchwise.helperPath']
          : [DEFAULT_HELPER_PATH, null];
  const problem = helperPathProblem(value);
  if (!problem) return { path: value as string, source, problem: null };
  return { path: DEFAULT_HELPER_PATH, source, problem: `batchwise.helperPath ${JSON.stringify(value)} (from ${source}) ${problem}; nothing was written: set it to a folder inside the project, e.g. ${DEFAULT_HELPER_PATH}` };
}

/** The project file's settings over `base` (editor settings or CLI defaults). */
export function applyProjectConfig(base: AnalysisOptions, config: ProjectConfig): AnalysisOptions {
  return {
    ...base,
    defaultCallsPerDay: config.defaultCallsPerDay ?? base.defaultCallsPerDay,
    interpolatedTokens: config.interpolatedTokens ?? base.interpolatedTokens,
    defaultOutputTokens: config.defaultOutputTokens ?? base.defaultOutputTokens,
    lowVolumeThreshold: config.lowVolumeThreshold ?? base.lowVolumeThreshold,
    priceOverrides: [...(config.priceOverrides ?? []), ...base.priceOverrides],
  };
}
