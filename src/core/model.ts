// The engine's plain data. Every stage takes and returns these; nothing here knows about
// editors, file systems or the network.

/** Every provider Batchwise names; what each one is (batch tier, hosts, env variables) is data in detect/providers.ts. */
export const PROVIDERS = [
  'openai',
  'anthropic',
  'google',
  'mistral',
  'groq',
  'together',
  'bedrock',
  'azure-openai',
  'openrouter',
  'deepseek',
  'fireworks',
  'perplexity',
  'xai',
  'cohere',
  'ollama',
  'other-openai-compatible',
] as const;
export type Provider = (typeof PROVIDERS)[number];
export type Verdict = 'batchable' | 'user-waiting' | 'unknown';
/** How loudly a batchable call is reported: the editor's diagnostic severity, SARIF's level. */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** ESTree convention: line is 1-based, column is 0-based (UTF-16 code units). */
export interface Position {
  line: number;
  column: number;
}
export interface SourceLocation {
  start: Position;
  end: Position;
}
/** Half-open [start, end) offsets into the file text. */
export type Offsets = [number, number];

/** What detection could read off the request argument without running anything. */
export interface RequestInfo {
  /** Literal prompt text (message contents, `input`, `system`, `instructions`), joined with newlines. */
  literalText: string;
  /** How many prompt parts are not literal (template holes, variables, spreads). */
  dynamicParts: number;
  /** `max_tokens` / `max_completion_tokens` / `max_output_tokens` when a numeric literal. */
  maxOutputTokens: number | null;
  /** Literal `n` (choices per request) when present. */
  choices: number | null;
}

export interface CallSite {
  /** Path relative to the audited root, '/' separators. */
  file: string;
  loc: SourceLocation;
  range: Offsets;
  provider: Provider;
  /** 'chat.completions' | 'responses' | 'embeddings' | 'messages' | ... */
  api: string;
  /** Provider batch endpoint this call maps to ('/v1/chat/completions', 'messages.batches'), or null. */
  batchEndpoint: string | null;
  /** Model id when it is a literal or a resolvable constant. */
  model: string | null;
  /** True when the call streams, or may: `stream` set to a value that cannot be read counts (see streamingUnknown). */
  streaming: boolean;
  /** The `stream` option is set to a value Batchwise cannot read (`stream: flag`), so the call may stream. */
  streamingUnknown?: boolean;
  /** The member chain as written, e.g. 'client.chat.completions.create'. */
  callee: string;
  /** Name of the function/method that contains the call, if any. */
  enclosingFunction: string | null;
  request: RequestInfo;
  /** A `// batchwise: ...` declaration above the call or at the end of its line, verbatim (without the comment marker). */
  annotation: string | null;
}

export interface Evidence {
  /** Stable kebab-case rule id (the file name of the rule), e.g. 'http-route-handler'. */
  rule: string;
  message: string;
  file: string;
  line: number;
}

export interface Classification {
  verdict: Verdict;
  confidence: number;
  evidence: Evidence[];
  /** Calls per day read from the context (a cron schedule), when every path that reaches the call states one. */
  volume?: { callsPerDay: number; source: string };
  /** Calls per run read from the code (literal loop bounds), and how often a run happens where the code says. */
  run?: RunVolume;
  /** The serverless platform a batchable path runs on ('a Vercel function'), which stops a run long before a batch ends. */
  runsIn?: string;
  /**
   * What makes the call once per run, in words, when every batch path is a run of a program or a
   * schedule with no loop between its entry and the call: the call never has company for a batch.
   */
  oncePerRun?: string;
}

/** A call made once per run, as the fix check is told it: of a cron schedule (its runs a day), or of a program (its entry, in words). */
export type RunsOnce = { schedule: string; callsPerDay: number } | { entry: string };

/**
 * A batchable call's calls per run as the code writes them: the product of the loops' literal counts
 * (1 outside any loop). With a cron schedule, runs per day multiply it; a one-off script's figure stays
 * per run; otherwise how often a run happens is not in the code and the figure is per run too.
 */
export interface RunVolume {
  /** null: a one-off script's loop has no count in the code (its calls per run are then assumed). */
  calls: number | null;
  /** Where the count came from: 'the literal list of 10 at a.ts:3', 'one call per run (no loop around it)'. */
  source: string;
  /** Runs per day, from a cron schedule. */
  runsPerDay?: number;
  /** The schedule in words ("the cron schedule '0 * * * *'"), with runsPerDay. */
  schedule?: string;
  /** Why the entry is a one-off script (a migration, a backfill, a seed). */
  oneOff?: string;
}

/**
 * Where a call site's calls per day came from. `usage-report`: the model's measured volume in the
 * provider's usage report, shared over the sites that use it (dates are UTC days, both inclusive).
 */
export type VolumeSource =
  | { kind: 'annotation'; comment: string }
  | { kind: 'schedule'; description: string }
  | { kind: 'usage-report'; from: string; to: string; files: string[] }
  /**
   * Calls per run read from code; per day with a schedule's runsPerDay, else the figure is per run (see
   * Estimate.perRun). `assumed`: a one-off script whose count is not in the code, at defaultCallsPerDay per run.
   */
  | { kind: 'code'; perRun: number; runsPerDay?: number; oneOff?: boolean; assumed?: boolean; description: string }
  | { kind: 'default' };

/** One run's calls and what they cost, standard and on batch. */
export interface PerRunCost {
  calls: number;
  standard: number;
  batch: number;
  savings: number;
}

export interface Estimate {
  callsPerDay: number;
  /** Where callsPerDay came from. */
  volume: VolumeSource;
  inputTokens: number;
  outputTokens: number;
  monthlyStandard: number;
  monthlyBatch: number;
  monthlySavings: number;
  /**
   * The figure is per run, not per month: a one-off script, or code whose calls per run are written in
   * it but not how often it runs. callsPerDay and the monthly figures are then 0, so no monthly total
   * counts it; report totals add these separately.
   */
  perRun?: PerRunCost;
  /** The provider (or this model) sells no batch tier: monthlyBatch is monthlyStandard and there is no saving to report. */
  noBatchTier?: boolean;
  /** Every number above that was not read from code, in words. */
  assumptions: string[];
}

export interface TextEdit {
  /** Offsets in the original text of the file being edited. */
  range: Offsets;
  newText: string;
}

export interface FileCreation {
  /** Path relative to the audited root, '/' separators. */
  path: string;
  content: string;
}

export interface Fix {
  strategy: string;
  safe: boolean;
  /** What an unsafe fix changes in what the program does, said before it is applied. */
  changes?: string;
  title: string;
  edits: TextEdit[];
  createFiles: FileCreation[];
  /** Changes to files that exist besides the call's own: a package.json given the SDK the batch goes through. */
  editFiles: FileEdit[];
}

/** Edits to another file of the workspace, made against the text it had when the fix was planned. */
export interface FileEdit {
  /** Path relative to the audited root, '/' separators. */
  path: string;
  /** The text the edits were computed on: a file that no longer holds it is not edited. */
  before: string;
  edits: TextEdit[];
  /** What the edit does, in words, as done (`"openai": "^7.57.0" added to the dependencies of package.json`): for a confirmation and the CLI's summary. */
  why: string;
}

export interface FixSummary {
  strategy: string;
  safe: boolean;
  /** What an unsafe fix changes in what the program does. */
  changes?: string;
}

export interface Finding {
  site: CallSite;
  classification: Classification;
  estimate: Estimate | null;
  /** Set when a rewrite strategy accepts this site; the edits are computed on demand. */
  fix: FixSummary | null;
  /** Why no fix is offered, when one was looked for and refused. */
  fixRefusal: string | null;
  /** Batchable, but below the volume where batching is worth the wait. */
  lowVolume?: boolean;
}

export interface AnalysisError {
  file: string;
  message: string;
  /** The line of the call or statement the error is about, when it is about one rather than the whole file. */
  line?: number;
}

export interface AnalysisResult {
  findings: Finding[];
  errors: AnalysisError[];
  /** Set when usage reports were given: the measured spend and how it maps onto the call sites. */
  usage?: UsageReconciliation;
}

/** One row of the price table. Prices are USD per 1M tokens. */
export interface PriceRow {
  provider: Provider;
  /** Canonical model id, e.g. 'gpt-4o'. Dated snapshots ('gpt-4o-2024-08-06') match it by prefix. */
  model: string;
  /** Other ids that mean this model ('claude-sonnet-4-0', 'claude-sonnet-4-20250514'). */
  aliases: string[];
  input: number;
  output: number;
  batchInput: number;
  batchOutput: number;
  cachedInput?: number;
  /** This model has no batch tier (batchInput/batchOutput then equal input/output). */
  noBatchTier?: boolean;
  /** Where the numbers were read, and when. */
  source: string;
  checked: string;
}

/** Everything a user can set; the VS Code settings and the CLI flags both build this. */
export interface AnalysisOptions {
  /** Calls per day assumed for a site with no annotation. */
  defaultCallsPerDay: number;
  /** Tokens assumed for each prompt part that is not a literal (a variable, a template hole). */
  interpolatedTokens: number;
  /** Output tokens assumed when the call sets no max-tokens limit. */
  defaultOutputTokens: number;
  /** Rows that replace or extend the bundled price table (matched by model id). */
  priceOverrides: PriceRow[];
  /** Below this many requests a day a batchable site is reported as low-volume, not as a saving to chase. */
  lowVolumeThreshold?: number;
}

export const DEFAULT_OPTIONS: AnalysisOptions = {
  defaultCallsPerDay: 1000,
  interpolatedTokens: 200,
  defaultOutputTokens: 300,
  priceOverrides: [],
  lowVolumeThreshold: 100,
};

/** What the engine reads: file paths relative to the root, and their text on demand. */
export interface ProjectSource {
  /** Every JS/TS source file in the project (relative, '/' separators), ignores already applied. */
  readonly files: readonly string[];
  /** Other files the engine may read for context: CI workflows (`.github/workflows/*.yml`). */
  readonly configFiles?: readonly string[];
  /** The file's text, or undefined when it cannot be read. Also used for 'package.json', 'tsconfig.json', 'vercel.json'. */
  read(path: string): string | undefined;
  /** Why `read` returned undefined, in words, when the reader knows. */
  readError?(path: string): string | undefined;
}

// ---- Usage reports (the providers' own per-model usage, saved by the user) ----

/** Token and request totals of one model over the report's period, for one pricing tier. */
export interface UsageTotals {
  /** Requests, or null where the report has no request counts (Anthropic's). */
  requests: number | null;
  /** Input tokens read neither from nor into the cache. */
  inputUncached: number;
  /** Input tokens read from the prompt cache. */
  inputCached: number;
  /** Input tokens written to the cache: Anthropic's 5-minute and 1-hour entries; OpenAI reports one kind. */
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
}

/** One model's usage in the report: what already runs on batch and what does not. */
export interface ModelUsage {
  provider: Provider;
  /** The price-table model the report's ids resolve to ('gpt-4o'), else the id as reported. */
  model: string;
  /** The ids as the report names them ('gpt-4o-2024-08-06', 'gpt-4o-2024-11-20'). */
  reportedIds: string[];
  /** Whether a price row is on file for it. */
  priced: boolean;
  standard: UsageTotals;
  batch: UsageTotals;
}

/** Per model: measured figures per day and per month, and the call sites its usage was shared over. */
export interface ModelReconciliation {
  provider: Provider;
  model: string;
  reportedIds: string[];
  /** Requests per day (batch and not), null where the report has no request counts. */
  requestsPerDay: number | null;
  tokensPerDay: number;
  /** Share of the model's tokens that already ran on batch, 0..1. */
  batchShare: number;
  /** Monthly spend measured: non-batch usage at standard price plus batch usage at batch price; null without a price. */
  monthlySpend: number | null;
  monthlyStandardSpend: number | null;
  monthlyBatchSpend: number | null;
  /** Call sites (file:line) the non-batch usage was shared over; empty when Batchwise found none. */
  sites: string[];
}

export interface UsageReconciliation {
  /** First and last UTC day covered (YYYY-MM-DD, both inclusive), and the length in days. */
  from: string;
  to: string;
  days: number;
  /** The files read, as given. */
  files: string[];
  models: ModelReconciliation[];
  /** Everything below per month (30 days), USD. */
  monthlySpend: number;
  /** Already on the batch APIs. */
  monthlyOnBatch: number;
  /** Non-batch spend shared over call sites Batchwise calls batchable (above the low-volume threshold). */
  monthlyOnBatchable: number;
  /** What moving those sites to batch saves. */
  monthlySavings: number;
  /** Non-batch spend on the other call sites (user-waiting, unknown, low volume). */
  monthlyOnOtherSites: number;
  /** Spend on models no call site uses ("spend we could not place"). */
  monthlyUnplaced: number;
  /** Models in the report with no price on file: their spend is unknown and in none of the sums. */
  unpriced: string[];
  /** Call sites whose model the report does not show: their estimates stay as they were. */
  sitesWithoutUsage: string[];
  /** Things the reader should know: pages missing, usage not grouped by batch, assumed cache prices. */
  notes: string[];
}
