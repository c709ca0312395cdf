// The hover on a call: the verdict, every piece of evidence, every assumption of the estimate, the fix.
import * as vscode from 'vscode';
import type { Finding } from '../core/model';
import { formatTokens, formatUsd } from '../core/report/format';
import { Engine } from './engine';
import { callRange } from './diagnostics';

function esc(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => '\\' + c);
}

export function hoverMarkdown(f: Finding): vscode.MarkdownString {
  const c = f.classification;
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.appendMarkdown(`**Batchwise: ${esc(c.verdict)}**${f.lowVolume ? ' (low volume)' : ''} · confidence ${Math.round(c.confidence * 100)}% · ${esc(f.site.provider)} ${esc(f.site.api)}${f.site.model ? ` · ${esc(f.site.model)}` : ''}\n\n`);
  md.appendMarkdown('**Evidence**\n\n');
  for (const e of c.evidence) md.appendMarkdown(`- \`${e.rule}\` ${esc(e.message)} (${esc(e.file)}:${e.line})\n`);
  const est = f.estimate;
  if (est) {
    md.appendMarkdown(
      `\n**Estimate** · ${formatTokens(est.inputTokens)} in + ${formatTokens(est.outputTokens)} out tokens per call · ${est.callsPerDay.toLocaleString('en-US')} calls/day\n\n` +
        `${esc(formatUsd(est.monthlyStandard))}/mo now → ${esc(formatUsd(est.monthlyBatch))}/mo on batch: **saves ${esc(formatUsd(est.monthlySavings))}/mo**\n\n`,
    );
    md.appendMarkdown('**Assumptions**\n\n');
    for (const a of est.assumptions) md.appendMarkdown(`- ${esc(a)}\n`);
  }
  if (c.verdict === 'batchable') {
    md.appendMarkdown(f.fix ? `\n**Quick Fix:** ${esc(f.fix.strategy)} (${f.fix.safe ? 'safe' : 'review carefully'})\n` : `\n**No Quick Fix:** ${esc(f.fixRefusal ?? 'no strategy applies')}\n`);
    if (f.fix?.strategy === 'batch-queue') {
      md.appendMarkdown(
        '\nThe batch queue gathers the requests of concurrent callers and sends them together; each caller then waits for its batch (up to 24 hours). ' +
          'A worker that runs one job at a time sends batches of one: raise its concurrency.\n',
      );
    }
  }
  return md;
}

export class HoverProvider implements vscode.HoverProvider {
  constructor(private readonly engine: Engine) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const entry = this.engine.findingsFor(doc.uri);
    if (!entry || entry.version !== doc.version) return undefined;
    const f = entry.findings.find((x) => callRange(x).contains(position));
    return f ? new vscode.Hover(hoverMarkdown(f), callRange(f)) : undefined;
  }
}
