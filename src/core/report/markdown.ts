// A Markdown report for pull-request comments and job summaries.
import type { AnalysisResult } from '../model';
import { usageMarkdownLines } from './usage';
import { volumeText } from './volume';
import { formatUsd } from './format';
import { primaryReason } from './message';
import { computeTotals, rowSavings } from './totals';
import { printable } from './printable';

/**
 * Text from the workspace (paths, models, evidence) as literal table text: HTML would be rendered (a
 * file named `<!--` hides the rest of the table on GitHub), Markdown punctuation would format it, and
 * a pipe would end the cell.
 */
function cell(s: string): string {
  // Control characters first (a raw ESC reaches a terminal that prints the file), then Markdown and HTML.
  return printable(s.replace(/\r?\n/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => '\\' + c);
}

export function toMarkdown(result: AnalysisResult): string {
  const t = computeTotals(result.findings);
  const out = [
    '# Batchwise savings report',
    '',
    `**${formatUsd(t.monthlySavings)}/month** to save by moving ${t.batchable - t.lowVolume} batchable call site${t.batchable - t.lowVolume === 1 ? '' : 's'} to the Batch APIs.`,
    '',
    '| | |',
    '| --- | ---: |',
    `| Call sites | ${t.callSites} |`,
    `| Batchable | ${t.batchable}${t.lowVolume ? ` (${t.lowVolume} low volume)` : ''} |`,
    `| User-waiting | ${t.userWaiting} |`,
    `| Unknown | ${t.unknown} |`,
    `| Monthly cost now | ${formatUsd(t.monthlyStandard)} |`,
    `| Monthly cost with batch | ${formatUsd(t.monthlyWithBatch)} |`,
    `| Monthly savings | ${formatUsd(t.monthlySavings)} |`,
    ...(t.perRunSites > 0
      ? [
          `| Per-run call sites (not in the monthly figures) | ${t.perRunSites} |`,
          `| One run of each, now | ${formatUsd(t.perRunStandard)} |`,
          `| Savings per run | ${formatUsd(t.perRunSavings)} |`,
        ]
      : []),
    '',
  ];
  if (result.findings.length > 0) {
    out.push('| File | Line | Provider | Model | Verdict | Volume | Now /mo | Savings /mo | Why |', '| --- | ---: | --- | --- | --- | --- | ---: | ---: | --- |');
    for (const f of result.findings) {
      const e = f.estimate;
      const why = primaryReason(f);
      out.push(
        `| ${cell(f.site.file)} | ${f.site.loc.start.line} | ${cell(`${f.site.provider} ${f.site.api}`)} | ${cell(f.site.model ?? '?')} | ${f.classification.verdict}${f.lowVolume ? ' (low volume)' : ''} | ${e ? cell(volumeText(e)) : '–'} | ${e ? formatUsd(e.perRun ? e.perRun.standard : e.monthlyStandard) + (e.perRun ? ' per run' : '') : '–'} | ${f.classification.verdict === 'batchable' ? formatUsd(rowSavings(f)) + (e?.perRun ? ' per run' : '') : '–'} | ${cell(why)} |`,
      );
    }
    out.push('');
  }
  if (result.usage) out.push(...usageMarkdownLines(result.usage, cell));
  if (result.errors.length > 0) {
    out.push('**Files not analysed**', '');
    for (const e of result.errors) out.push(`- ${cell(e.file)}: ${cell(e.message)}`);
    out.push('');
  }
  return out.join('\n');
}
