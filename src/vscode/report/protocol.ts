// Messages between the report webview and the extension. media/report.js follows the same shapes.

export interface ReportRow {
  file: string;
  /** Workspace folder name, when the workspace has several. */
  folder: string;
  line: number;
  column: number;
  provider: string;
  api: string;
  model: string | null;
  verdict: string;
  lowVolume: boolean;
  evidence: { rule: string; message: string; file: string; line: number }[];
  assumptions: string[];
  monthlyStandard: number | null;
  monthlyBatch: number | null;
  monthlySavings: number | null;
  fix: string | null;
}

export interface ReportTotals {
  callSites: number;
  batchable: number;
  monthlyStandard: number;
  monthlyWithBatch: number;
  monthlySavings: number;
}

export type ToWebview = { type: 'report'; rows: ReportRow[]; totals: ReportTotals; errors: { file: string; message: string }[]; generatedAt: string };

export type FromWebview = { type: 'ready' } | { type: 'reveal'; folder: string; file: string; line: number; column: number } | { type: 'refresh' };

export function isFromWebview(m: unknown): m is FromWebview {
  const msg = m as { type?: unknown; file?: unknown; line?: unknown; column?: unknown } | null;
  if (!msg || typeof msg.type !== 'string') return false;
  if (msg.type === 'ready' || msg.type === 'refresh') return true;
  return msg.type === 'reveal' && typeof msg.file === 'string' && Number.isInteger(msg.line) && Number.isInteger(msg.column);
}
