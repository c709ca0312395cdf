// The hover on a call: first the volume and what the call costs (the figures the diagnostic's sentence
// does not give), then the verdict, every piece of evidence, every assumption of the estimate, the fix.
// It does not restate the diagnostic: an editor shows that message in the same hover.
import type { Finding } from '../core/model';
import { formatTokens, formatUsd } from '../core/report/format';
import { figures, moneyUnit, volumeSourceDetail, volumeSourceText } from '../core/report/volume';
import { weightOf } from './messages';

const URL = /https?:\/\/[^\s<>()"'`]*[^\s<>()"'`.,;:!?]/g;

/** Text as CommonMark shows it literally: punctuation escaped, except web addresses, which become links. */
export function markdownText(s: string): string {
  const escape = (t: string) => t.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => '\\' + c);
  let out = '';
  let last = 0;
  for (const m of s.matchAll(URL)) {
    out += escape(s.slice(last, m.index)) + `<${m[0]}>`;
    last = m.index! + m[0].length;
  }
  return out + escape(s.slice(last));
}

/** An evidence fact's sentence and its place, the place left out when the sentence already names it. */
export function evidenceLine(e: { message: string; file: string; line: number }): string {
  const place = `${e.file}:${e.line}`;
  return e.message.includes(place) ? e.message : `${e.message} (${place})`;
}

function callsPerRun(n: number): string {
  return `${n.toLocaleString('en-US')} call${n === 1 ? '' : 's'} per run`;
}

function calls(n: number): string {
  const v = Number(n.toFixed(n < 10 ? 2 : 0));
  return `${v.toLocaleString('en-US')} call${v === 1 ? '' : 's'}/day`;
}

/** The hover's Markdown (plain CommonMark: no HTML, no command links, so any client can render it). */
export function hoverMarkdown(f: Finding, noiseFloor: number): string {
  const c = f.classification;
  const est = f.estimate;
  const out: string[] = [];
  if (est) {
    const v = est.volume;
    const source =
      v.kind === 'annotation'
        ? `from the comment "${v.comment}"`
        : v.kind === 'schedule'
          ? `from ${v.description}`
          : v.kind === 'code'
            ? `from code: ${v.description}`
            : v.kind === 'default'
              ? `assumed (${volumeSourceDetail(v)})`
              : volumeSourceText(v);
    const money = figures(est);
    const unit = moneyUnit(est);
    out.push(
      `**Volume:** ${markdownText(`${est.perRun ? callsPerRun(est.perRun.calls) : calls(est.callsPerDay)}, ${source}`)} · ` +
        `${markdownText(formatUsd(money.standard))}${unit} now → ${markdownText(formatUsd(money.batch))}${unit} on batch${est.perRun ? ' (not in the monthly totals)' : ''}\n\n`,
    );
  }
  const weight = c.verdict === 'batchable' ? weightOf(f, noiseFloor) : null;
  const note = weight === 'low-volume' ? ' (low volume)' : weight === 'noise' ? ' (under the noise floor)' : '';
  out.push(
    `**Batchwise: ${markdownText(c.verdict)}**${note} · confidence ${Math.round(c.confidence * 100)}% · ${markdownText(f.site.provider)} ${markdownText(f.site.api)}` +
      `${f.site.model ? ` · \`${f.site.model.replace(/`/g, "'")}\`` : ''}\n\n`,
  );
  out.push('**Evidence**\n\n');
  for (const e of c.evidence) out.push(`- \`${e.rule}\` ${markdownText(evidenceLine(e))}\n`);
  if (est) {
    out.push(`\n**Estimate** · ${formatTokens(Math.round(est.inputTokens))} in + ${formatTokens(Math.round(est.outputTokens))} out tokens per call\n\n`);
    out.push('**Assumptions**\n\n');
    for (const a of est.assumptions) out.push(`- ${markdownText(a)}\n`);
  }
  if (c.verdict === 'batchable') {
    out.push(f.fix ? `\n**Quick Fix:** ${markdownText(f.fix.strategy)} (${f.fix.safe ? 'safe' : 'review carefully'})${f.fix.changes ? `: ${markdownText(f.fix.changes)}` : ''}\n` : `\n**No Quick Fix:** ${markdownText(f.fixRefusal ?? 'no strategy applies')}\n`);
    if (f.fix?.strategy === 'batch-queue') {
      out.push(
        '\nThe batch queue gathers the requests of concurrent callers and sends them together; each caller then waits for its batch (up to 24 hours). ' +
          'A worker that runs one job at a time sends batches of one: raise its concurrency.\n',
      );
    }
  }
  return out.join('');
}
