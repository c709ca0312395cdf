// A terminal table: aligned columns, money right-aligned, colour only when asked (the CLI asks on a TTY).
import type { AnalysisResult, Finding, Verdict } from '../model';
import { usageTableLines } from './usage';
import { perRunTotalsLine, volumeRate, volumeSourceLabel, volumeSummary } from './volume';
import { formatUsd } from './format';
import { computeTotals, findingWithBatch, rowSavings } from './totals';
import { printable } from './printable';

export interface TableOptions {
  color: boolean;
  /** Terminal width; paths are shortened from the left to fit. */
  width?: number;
}

const ANSI = { reset: '\u001b[0m', bold: '\u001b[1m', dim: '\u001b[2m', green: '\u001b[32m', yellow: '\u001b[33m', cyan: '\u001b[36m', red: '\u001b[31m' };
const VERDICT_COLOUR: Record<Verdict, string> = { batchable: ANSI.green, 'user-waiting': ANSI.cyan, unknown: ANSI.yellow };

/**
 * The widest a provider/API or model cell gets, whatever the terminal: a column is as wide as its
 * widest cell, so one model string of 600,000 characters padded every row to that (2,000 rows: over a
 * billion characters, past what a string can hold). The JSON and SARIF reports keep the whole string.
 */
const MAX_TEXT_CELL = 120;

function clip(s: string, max = MAX_TEXT_CELL): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

function truncateLeft(s: string, max: number): string {
  return s.length <= max ? s : '…' + s.slice(s.length - max + 1);
}

export function toTable(result: AnalysisResult, options: TableOptions): string {
  const paint = (code: string, s: string) => (options.color ? code + s + ANSI.reset : s);
  // WITH BATCH is what the call costs once the batchable calls have moved, so the column sums to the total.
  const headers = ['LOCATION', 'PROVIDER', 'MODEL', 'VERDICT', 'VOLUME', 'NOW/MO', 'WITH BATCH', 'SAVES/MO'];
  const rows = result.findings.map((f: Finding) => {
    const e = f.estimate;
    // Workspace text is shown, never obeyed by the terminal (see printable).
    return [
      `${printable(f.site.file)}:${f.site.loc.start.line}`,
      clip(printable(`${f.site.provider} ${f.site.api}`)),
      f.site.model === null ? '?' : clip(printable(f.site.model)),
      f.classification.verdict + (f.lowVolume ? ' (low volume)' : ''),
      e ? `${volumeRate(e)} ${volumeSourceLabel(e.volume)}` : '-',
      // A per-run figure says so in each cell: the columns are monthly.
      e ? formatUsd(e.perRun ? e.perRun.standard : e.monthlyStandard) + (e.perRun ? '/run' : '') : '-',
      e ? formatUsd(findingWithBatch(f)!) + (e.perRun ? '/run' : '') : '-',
      f.classification.verdict === 'batchable' ? formatUsd(rowSavings(f)) + (e?.perRun ? '/run' : '') : '-',
    ];
  });
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Too wide for the terminal: shrink the path (from the left), then provider/API and model (from the right).
  const shrinkable: [number, number][] = [[0, 16], [1, 10], [2, 10]];
  let excess = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) - (options.width ?? Infinity);
  for (const [col, min] of shrinkable) {
    if (excess <= 0) break;
    const cut = Math.min(excess, Math.max(0, widths[col] - min));
    widths[col] -= cut;
    excess -= cut;
  }
  // Still too wide: the volume column goes; the line under the table still says where the volumes came from.
  const VOLUME = 4;
  const volumeShown = excess <= 0 || rows.length === 0;
  if (!volumeShown) {
    headers.splice(VOLUME, 1);
    widths.splice(VOLUME, 1);
    for (const r of rows) r.splice(VOLUME, 1);
  }
  const right = new Set(volumeShown ? [5, 6, 7] : [4, 5, 6]);
  const fit = (i: number, c: string) => (i === 0 ? truncateLeft(c, widths[0]) : c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c);
  const line = (cells: string[], colour?: (i: number, s: string) => string) =>
    cells
      .map((c, i) => {
        const text = fit(i, c);
        const padded = right.has(i) ? text.padStart(widths[i]) : text.padEnd(widths[i]);
        return colour ? colour(i, padded) : padded;
      })
      .join('  ')
      .trimEnd();

  const out: string[] = [];
  if (rows.length === 0) out.push('No LLM API calls found.');
  else {
    out.push(paint(ANSI.bold, line(headers)));
    result.findings.forEach((f, idx) => {
      out.push(line(rows[idx], (i, s) => (i === 3 ? paint(VERDICT_COLOUR[f.classification.verdict], s) : s)));
    });
  }
  const t = computeTotals(result.findings);
  out.push('');
  out.push(
    `${t.callSites} call site${t.callSites === 1 ? '' : 's'}: ${t.batchable} batchable${t.lowVolume ? ` (${t.lowVolume} low volume)` : ''}, ${t.userWaiting} user-waiting, ${t.unknown} unknown`,
  );
  const volumes = volumeSummary(result.findings);
  if (volumes) out.push(volumes);
  out.push(`Monthly cost now:         ${formatUsd(t.monthlyStandard).padStart(12)}`);
  out.push(`Monthly cost with batch:  ${formatUsd(t.monthlyWithBatch).padStart(12)}`);
  out.push(paint(ANSI.bold + ANSI.green, `Monthly savings:          ${formatUsd(t.monthlySavings).padStart(12)}`));
  const perRun = perRunTotalsLine(t);
  if (perRun) out.push(perRun);
  if (result.usage) out.push('', ...usageTableLines(result.usage));
  if (result.errors.length > 0) {
    out.push('');
    out.push(paint(ANSI.yellow, `${result.errors.length} file${result.errors.length === 1 ? '' : 's'} not analysed:`));
    for (const e of result.errors) out.push(`  ${printable(e.file)}: ${printable(e.message)}`);
  }
  return out.join('\n') + '\n';
}
