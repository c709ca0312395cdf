// The usage report's section of the table and Markdown reports: per model what was measured, then the
// measured spend split into what runs on batch, on batchable sites, on the other sites, and unplaced.
import type { UsageReconciliation } from '../model';
import { cents, formatTokens, formatUsd } from './format';

const PROVIDER: Record<string, string> = { openai: 'OpenAI', anthropic: 'Anthropic' };

function requests(n: number | null): string {
  return n === null ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 });
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function days(n: number): string {
  const d = Number(n.toFixed(2));
  return `${d.toLocaleString('en-US')} day${d === 1 ? '' : 's'}`;
}

/** The rows of the model table: model, requests/day, tokens/day, on batch, spend/mo, call sites. */
function modelRows(u: UsageReconciliation): string[][] {
  return u.models.map((m) => [
    `${PROVIDER[m.provider]} ${m.model}`,
    requests(m.requestsPerDay),
    formatTokens(Math.round(m.tokensPerDay)),
    percent(m.batchShare),
    m.monthlySpend === null ? 'no price' : formatUsd(m.monthlySpend),
    m.sites.length === 0 ? 'none found' : String(m.sites.length),
  ]);
}

/** The reconciliation's lines, label and amount. */
function splitLines(u: UsageReconciliation): [string, string][] {
  const unplaced = u.models.filter((m) => m.sites.length === 0 && m.monthlySpend !== null).map((m) => m.model);
  return [
    ['Measured spend', `${formatUsd(u.monthlySpend)}/mo`],
    ['  already on batch', `${formatUsd(u.monthlyOnBatch)}/mo`],
    ['  on call sites Batchwise calls batchable', `${formatUsd(u.monthlyOnBatchable)}/mo; moving them saves ${formatUsd(u.monthlySavings)}/mo`],
    ['  on other call sites', `${formatUsd(u.monthlyOnOtherSites)}/mo`],
    ['  spend we could not place', `${formatUsd(u.monthlyUnplaced)}/mo${unplaced.length ? ` (no call site found for ${unplaced.join(', ')})` : ''}`],
  ];
}

export function usageTitle(u: UsageReconciliation): string {
  return `Usage report, ${u.from} – ${u.to} (${days(u.days)}; ${u.files.join(', ')})`;
}

/** Plain text for the terminal table. */
export function usageTableLines(u: UsageReconciliation): string[] {
  const headers = ['MODEL', 'REQ/DAY', 'TOKENS/DAY', 'ON BATCH', 'SPEND/MO', 'CALL SITES'];
  const rows = modelRows(u);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [usageTitle(u)];
  if (rows.length > 0) out.push(line(headers), ...rows.map(line));
  const split = splitLines(u);
  const labelWidth = Math.max(...split.map(([l]) => l.length)) + 1;
  out.push(...split.map(([label, value]) => `${(label + ':').padEnd(labelWidth + 1)} ${value}`));
  if (u.unpriced.length) out.push(`No price on file, spend unknown: ${u.unpriced.join(', ')} (add it with priceOverrides)`);
  if (u.sitesWithoutUsage.length) out.push(`Call sites the report shows no usage for (their estimates are as before): ${u.sitesWithoutUsage.join(', ')}`);
  for (const n of u.notes) out.push(`Note: ${n}`);
  return out;
}

/** Markdown, each piece of text from the files passed through `cell`. */
export function usageMarkdownLines(u: UsageReconciliation, cell: (s: string) => string): string[] {
  const out = [`## ${cell(usageTitle(u))}`, ''];
  if (u.models.length > 0) {
    out.push('| Model | Requests/day | Tokens/day | On batch | Spend/mo | Call sites |', '| --- | ---: | ---: | ---: | ---: | --- |');
    for (const r of modelRows(u)) out.push(`| ${r.map(cell).join(' | ')} |`);
    out.push('');
  }
  out.push('| | |', '| --- | ---: |');
  for (const [label, value] of splitLines(u)) out.push(`| ${cell(label.trim())} | ${cell(value)} |`);
  out.push('');
  if (u.unpriced.length) out.push(`No price on file, spend unknown: ${cell(u.unpriced.join(', '))}.`, '');
  if (u.sitesWithoutUsage.length) out.push(`Call sites the report shows no usage for (their estimates are as before): ${cell(u.sitesWithoutUsage.join(', '))}.`, '');
  for (const n of u.notes) out.push(`- ${cell(n)}`);
  if (u.notes.length) out.push('');
  return out;
}

/** The reconciliation with money rounded to cents, for JSON and SARIF. */
export function usageJson(u: UsageReconciliation): UsageReconciliation {
  return {
    ...u,
    models: u.models.map((m) => ({
      ...m,
      monthlySpend: m.monthlySpend === null ? null : cents(m.monthlySpend),
      monthlyStandardSpend: m.monthlyStandardSpend === null ? null : cents(m.monthlyStandardSpend),
      monthlyBatchSpend: m.monthlyBatchSpend === null ? null : cents(m.monthlyBatchSpend),
    })),
    monthlySpend: cents(u.monthlySpend),
    monthlyOnBatch: cents(u.monthlyOnBatch),
    monthlyOnBatchable: cents(u.monthlyOnBatchable),
    monthlySavings: cents(u.monthlySavings),
    monthlyOnOtherSites: cents(u.monthlyOnOtherSites),
    monthlyUnplaced: cents(u.monthlyUnplaced),
  };
}
