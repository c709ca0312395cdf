// The engine's plain data. Every stage takes and returns these; nothing here knows about
// editors, file systems or the network.

export type Provider = 'openai' | 'anthropic';
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
  /** The serverless platform a batchable path runs on ('a Vercel function'), which stops a run long before a batch ends. */
  runsIn?: string;
}

export interface Estimate {
  callsPerDay: number;
  inputTokens: number;
  outputTokens: number;
  monthlyStandard: number;
  monthlyBatch: number;
  monthlySavings: number;
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
  title: string;
  edits: TextEdit[];
  createFiles: FileCreation[];
}

export interface FixSummary {
  strategy: string;
  safe: boolean;
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
