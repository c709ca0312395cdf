// Messages between the report webview and the extension. media/report.js follows the same shapes.
import type { UsageReconciliation } from '../../core/model';
import type { ExportFormat, ReportRow, ReportTotals } from '../../server/protocol';

export type { ExportFormat, ReportRow, ReportTotals };

export type ToWebview = {
  type: 'report';
  rows: ReportRow[];
  totals: ReportTotals;
  errors: { file: string; message: string }[];
  generatedAt: string;
  usage: { folder: string; reconciliation: UsageReconciliation }[];
};

export type FromWebview =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'reveal'; folder: string; file: string; line: number; column: number }
  | { type: 'applyFix'; folder: string; file: string; line: number; column: number }
  | { type: 'export'; format: ExportFormat };

export function isFromWebview(m: unknown): m is FromWebview {
  const msg = m as { type?: unknown; file?: unknown; line?: unknown; column?: unknown } | null;
  if (!msg || typeof msg.type !== 'string') return false;
  if (msg.type === 'ready' || msg.type === 'refresh') return true;
  if (msg.type === 'export') return ['markdown', 'csv', 'json'].includes(String((m as { format?: unknown }).format));
  return (msg.type === 'reveal' || msg.type === 'applyFix') && typeof msg.file === 'string' && Number.isInteger(msg.line) && Number.isInteger(msg.column);
}
