// The hover on a call: the verdict, every piece of evidence, every assumption of the estimate, the fix.
import type { Finding } from '../core/model';
import { formatTokens, formatUsd } from '../core/report/format';

function esc(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => '\\' + c);
}

/** The hover's Markdown (plain CommonMark: no HTML, no command links, so any client can render it). */
export function hoverMarkdown(f: Finding): string {
  const c = f.classification;
  const out: string[] = [];
  out.push(`**Batchwise: ${esc(c.verdict)}**${f.lowVolume ? ' (low volume)' : ''} · confidence ${Math.round(c.confidence * 100)}% · ${esc(f.site.provider)} ${esc(f.site.api)}${f.site.model ? ` · ${esc(f.site.model)}` : ''}\n\n`);
  out.push('**Evidence**\n\n');
  for (const e of c.evidence) out.push(`- \`${e.rule}\` ${esc(e.message)} (${esc(e.file)}:${e.line})\n`);
  const est = f.estimate;
  if (est) {
    out.push(
      `\n**Estimate** · ${formatTokens(est.inputTokens)} in + ${formatTokens(est.outputTokens)} out tokens per call · ${est.callsPerDay.toLocaleString('en-US')} calls/day\n\n` +
        `${esc(formatUsd(est.monthlyStandard))}/mo now → ${esc(formatUsd(est.monthlyBatch))}/mo on batch: **saves ${esc(formatUsd(est.monthlySavings))}/mo**\n\n`,
    );
    out.push('**Assumptions**\n\n');
    for (const a of est.assumptions) out.push(`- ${esc(a)}\n`);
  }
  if (c.verdict === 'batchable') {
    out.push(f.fix ? `\n**Quick Fix:** ${esc(f.fix.strategy)} (${f.fix.safe ? 'safe' : 'review carefully'})\n` : `\n**No Quick Fix:** ${esc(f.fixRefusal ?? 'no strategy applies')}\n`);
    if (f.fix?.strategy === 'batch-queue') {
      out.push(
        '\nThe batch queue gathers the requests of concurrent callers and sends them together; each caller then waits for its batch (up to 24 hours). ' +
          'A worker that runs one job at a time sends batches of one: raise its concurrency.\n',
      );
    }
  }
  return out.join('');
}
