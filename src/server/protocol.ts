// What the Batchwise language server speaks beyond LSP: its custom requests and notifications, and the
// data of its code actions. Shared by the server and the VS Code client, so it imports no engine code
// (only types, which the bundles erase).
import type { UsageReconciliation } from '../core/model';
import type { JsonFinding } from '../core/report/json';

/** A row of the report: the CLI's JSON finding, plus the folder and flat money columns to sort on. */
export interface ReportRow extends JsonFinding {
  /** Workspace folder name, for multi-root workspaces. */
  folder: string;
  monthlyStandard: number | null;
  /** What the site costs after the move (its current cost unless it is batchable). */
  monthlyBatch: number | null;
  /** Counted savings: 0 unless batchable and above the volume threshold. */
  monthlySavings: number | null;
  /** What moving a batchable call would save, counted or not (a low-volume call's too): the CodeLens's figure. */
  wouldSave: number | null;
  /** Calls per day (0 for a per-run figure, whose `perDay` says '10/run') and where that figure came from, worded as everywhere else ('1,000/day', 'assumed'). */
  volume: { callsPerDay: number; perDay: string; source: string; label: string; detail: string } | null;
  /**
   * A per-run figure (a one-off script, runs per day not in the code): one run's money, shown instead of
   * the monthly columns, which are 0 for it so that they add up to the monthly totals.
   */
  perRun: { calls: number; standard: number; withBatch: number; savings: number; wouldSave: number | null } | null;
  /** Set when the row's file changed since the row was computed: why its *Apply fix* is unavailable. */
  stale?: string;
}

export interface ReportTotals {
  callSites: number;
  batchable: number;
  monthlyStandard: number;
  monthlyWithBatch: number;
  monthlySavings: number;
  /** Per-run figures, kept out of the monthly ones: how many sites, one run of each now, and what batching saves per run. */
  perRunSites: number;
  perRunStandard: number;
  perRunSavings: number;
}

/** `batchwise/report` (client → server): the workspace's savings report, scanning when asked or when there is none yet. */
export const REPORT_REQUEST = 'batchwise/report';
export interface ReportParams {
  /** Scan again even when the server has a report (the Refresh button). */
  rescan?: boolean;
  /** A client-initiated progress token (LSP work done progress); without one the server creates its own where the client supports it. */
  workDoneToken?: string | number;
}
export interface ReportFolder {
  name: string;
  uri: string;
}
export interface ReportResult {
  /** False when the scan was cancelled: the rest is then empty. */
  complete: boolean;
  folders: ReportFolder[];
  rows: ReportRow[];
  /**
   * Per row (same order): the call's document and offsets, for opening it and fixing it from the report,
   * and the version of the open document they were computed for (null: the file as it is on disk).
   */
  locations: { uri: string; start: number; end: number; version: number | null }[];
  totals: ReportTotals;
  /** The totals as the editor shows them (money formatted by the engine, one way everywhere). */
  display: StatusDisplay;
  errors: { file: string; message: string }[];
  generatedAt: string;
  /** Per folder with usage reports: the measured spend and how it maps onto the call sites. */
  usage: { folder: string; reconciliation: UsageReconciliation }[];
}

/**
 * `batchwise/reportChanged` (server → client): the last report changed without a scan (a file was edited
 * or fixed: its rows were replaced, or marked stale until it is analysed). Params: the ReportResult.
 */
export const REPORT_CHANGED_NOTIFICATION = 'batchwise/reportChanged';

/** `batchwise/exportReport` (client → server): the last report (or a fresh one) as a file's text. */
export const EXPORT_REQUEST = 'batchwise/exportReport';
export type ExportFormat = 'markdown' | 'csv' | 'json';
export interface ExportParams {
  format: ExportFormat;
}
export interface ExportResult {
  text: string;
}

/** `batchwise/status` (server → client): what the status bar shows. */
export const STATUS_NOTIFICATION = 'batchwise/status';
export interface StatusDisplay {
  monthlySavings: string;
  monthlyStandard: string;
  monthlyWithBatch: string;
}
export type StatusParams =
  | { state: 'scanning' }
  | { state: 'ready'; totals: ReportTotals; display: StatusDisplay }
  /** The scan failed: `message` says why; the log has the details. */
  | { state: 'failed'; message: string };

/** What a code action does once chosen. */
export type ActionKind = 'rewrite' | 'preview-rewrite' | 'rewrite-unknown' | 'declare-batch' | 'declare-user-waiting' | 'ignore-line' | 'ignore-file';

/**
 * The `data` of every Batchwise code action: the call it is about, and the version of the document it
 * was offered for. Resolving it for another version is refused.
 */
export interface ActionData {
  uri: string;
  version: number;
  /** The call's offsets in that version of the document. */
  start: number;
  end: number;
  action: ActionKind;
}

/** The command a client without `codeAction/resolve` runs (on the server) to apply an action: arguments `[ActionData]`. */
export const APPLY_ACTION_COMMAND = 'batchwise.applyCodeAction';

export function isActionData(v: unknown): v is ActionData {
  const d = v as Partial<ActionData> | null;
  return (
    !!d &&
    typeof d.uri === 'string' &&
    Number.isInteger(d.version) &&
    Number.isInteger(d.start) &&
    Number.isInteger(d.end) &&
    ['rewrite', 'preview-rewrite', 'rewrite-unknown', 'declare-batch', 'declare-user-waiting', 'ignore-line', 'ignore-file'].includes(String(d.action))
  );
}
