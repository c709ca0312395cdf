// The two figures that nobody would put in a plan — a 2-case eval at $6.75/mo, a one-off
// 10-row migration at $76.50/mo, both from an assumed 1,000 calls a day — as fixtures: their figures
// are now per run, with the count read from the code, in every format, and out of the monthly totals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { Analyzer } from '../../../src/core/analyze';
import { AnalysisResult, DEFAULT_OPTIONS, Finding } from '../../../src/core/model';
import { findPrice } from '../../../src/core/estimate';
import { PIPELINE_STAGES } from '../../../src/workspace/stages';
import { computeTotals } from '../../../src/core/report/totals';
import { toTable } from '../../../src/core/report/table';
import { toMarkdown } from '../../../src/core/report/markdown';
import { toCsv } from '../../../src/core/report/csv';
import { toJsonReport } from '../../../src/core/report/json';
import { toSarif } from '../../../src/core/report/sarif';
import { findingMessage } from '../../../src/core/report/message';
import { diagnosticMessage, lensTitle } from '../../../src/server/messages';
import { hoverMarkdown } from '../../../src/server/hover';
import { toRow } from '../../../src/server/reportRows';

const FILES: Record<string, string> = {
  // The eval: two cases, graded once per run of `npm run eval`.
  'evals/run-evals.ts': `import Anthropic from '@anthropic-ai/sdk';
const claude = new Anthropic();
const cases = [
  { question: 'What is 2 + 2?', expected: '4' },
  { question: 'Capital of France?', expected: 'Paris' },
];
export async function runEvals() {
  await Promise.all(cases.map((c) => claude.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: c.question }] })));
}
runEvals();
`,
  // The migration: ten rows, summarised once.
  'db/migrations/0007-summaries.ts': `import OpenAI from 'openai';
import { PrismaClient } from '@prisma/client';
const openai = new OpenAI();
const prisma = new PrismaClient();
const rows = await prisma.note.findMany({ where: { summary: null }, take: 10 });
for (const row of rows) {
  await openai.chat.completions.create({ model: 'gpt-4o', max_tokens: 300, messages: [{ role: 'user', content: 'Summarise: ' + row.body }] });
}
export {};
`,
  // A site on the assumed default, for contrast.
  'scripts/tag.ts': `import OpenAI from 'openai';
const openai = new OpenAI();
async function main(notes: string[]) {
  for (const n of notes) await openai.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 30, messages: [{ role: 'user', content: n }] });
}
main(process.argv.slice(2));
`,
  'package.json': JSON.stringify({ scripts: { eval: 'tsx evals/run-evals.ts', tag: 'tsx scripts/tag.ts' } }),
};

// Threshold 1: the per-run savings count (2 and 10 calls a run are under the default 100).
const OPTIONS = { ...DEFAULT_OPTIONS, lowVolumeThreshold: 1 };
const result: AnalysisResult = new Analyzer({ files: Object.keys(FILES).filter((f) => f.endsWith('.ts')), read: (p) => FILES[p] }, OPTIONS, PIPELINE_STAGES).run();
const at = (file: string): Finding => result.findings.find((f) => f.site.file === file)!;
const evals = at('evals/run-evals.ts');
const migration = at('db/migrations/0007-summaries.ts');
const tag = at('scripts/tag.ts');

/** One call at the estimate's token counts, from the price table row: standard and batch. */
function perCall(f: Finding): { standard: number; batch: number } {
  const price = findPrice(f.site.model!)!;
  const e = f.estimate!;
  return { standard: (e.inputTokens * price.input + e.outputTokens * price.output) / 1e6, batch: (e.inputTokens * price.batchInput + e.outputTokens * price.batchOutput) / 1e6 };
}

test('the 2-case eval: 2 calls per run from its literal list, priced per run, no monthly figure', () => {
  assert.equal(evals.classification.verdict, 'batchable');
  const e = evals.estimate!;
  assert.equal(e.perRun!.calls, 2);
  assert.ok(Math.abs(e.perRun!.standard - 2 * perCall(evals).standard) < 1e-12);
  assert.equal(e.monthlyStandard, 0);
  assert.equal(e.volume.kind === 'code' && e.volume.oneOff, undefined, 'an eval is not a one-off script');
  const message = findingMessage(evals);
  assert.match(message, /saves ≈ \S+ per run at 2\/run, from code \(runs per day unknown\)/);
  assert.doesNotMatch(message, /\/mo|1,000\/day/);
});

test('the 10-row migration: a one-off, 10 calls per run from take: 10, never monthly', () => {
  const e = migration.estimate!;
  assert.deepEqual(e.volume.kind === 'code' ? [e.volume.perRun, e.volume.oneOff] : e.volume, [10, true]);
  assert.match(e.volume.kind === 'code' ? e.volume.description : '', /^10 per run \(take: 10 at db\/migrations\/0007-summaries\.ts:6\); db\/migrations\/0007-summaries\.ts, a one-off script \(under migrations\/\)$/);
  const one = perCall(migration);
  assert.ok(Math.abs(e.perRun!.savings - 10 * (one.standard - one.batch)) < 1e-12);
  assert.equal(e.monthlySavings, 0);
  assert.match(findingMessage(migration), /saves ≈ \$\d+\.\d\d per run at 10\/run, one-off script/);
});

test('totals: the monthly ones are the assumed site alone; the per-run ones the eval and the migration', () => {
  const t = computeTotals(result.findings);
  assert.ok(Math.abs(t.monthlySavings - tag.estimate!.monthlySavings) < 1e-12);
  assert.ok(Math.abs(t.monthlyStandard - tag.estimate!.monthlyStandard) < 1e-12);
  assert.equal(t.perRunSites, 2);
  assert.ok(Math.abs(t.perRunSavings - (evals.estimate!.perRun!.savings + migration.estimate!.perRun!.savings)) < 1e-12);
});

test('every format says per run where the figure is per run', () => {
  const table = toTable(result, { color: false });
  const line = (file: string) => table.split('\n').find((l) => l.startsWith(file))!;
  assert.match(line('db/migrations/0007-summaries.ts:7'), /10\/run one-off\s+\$\d+\.\d\d\/run\s+\$\d+\.\d\d\/run\s+\$\d+\.\d\d\/run$/);
  assert.match(line('evals/run-evals.ts:8'), /2\/run code /);
  assert.match(line('scripts/tag.ts:4'), /1,000\/day assumed\s+\$\d+\.\d\d\s/);
  assert.match(table, /^Per run, not in the monthly figures: 2 call sites/m);

  const md = toMarkdown(result);
  assert.match(md, /\| 10\/run, one-off script \| \$\d+\.\d\d per run \| \$\d+\.\d\d per run \|/);
  assert.match(md, /\| Per-run call sites \(not in the monthly figures\) \| 2 \|/);

  const rows: Record<string, string>[] = parse(toCsv(result), { columns: true });
  const csv = rows.find((r) => r.file === 'db/migrations/0007-summaries.ts')!;
  assert.equal(csv.volume_source, 'code');
  assert.equal(csv.calls_per_run, '10');
  assert.equal(Number(csv.monthly_savings_usd), 0);
  assert.ok(Math.abs(Number(csv.per_run_savings_usd) - migration.estimate!.perRun!.savings) < 1e-4);

  const json = toJsonReport('/x', result);
  const j = json.findings.find((f) => f.file === 'evals/run-evals.ts')!;
  assert.equal(j.estimate!.perRun!.calls, 2);
  assert.equal(j.estimate!.volume.kind, 'code');
  assert.equal(json.totals.perRunSites, 2);

  const sarif = toSarif('file:///x/', result, '0.0.0');
  const props = sarif.runs[0].results!.map((r) => r.properties!).find((p) => p.volumeSource === 'code' && (p.perRun as { calls: number }).calls === 10)!;
  assert.equal(props.volume, '10/run, one-off script');
  assert.equal(props.monthlySavingsUsd, 0);
});

test('the editor says per run too: diagnostic, CodeLens, hover, report row', () => {
  assert.match(diagnosticMessage(migration, 0), /^Batchable, saves ≈ \$\d+\.\d\d per run at 10\/run, one-off script: /);
  assert.match(lensTitle(migration, 0), /^Batch API: save ≈ \$\d+\.\d\d per run \(10\/run, one-off script\)$/);
  // Read as rendered: Markdown's escapes removed.
  assert.match(hoverMarkdown(migration, 0).split('\n')[0].replace(/\\/g, ''), /^\*\*Volume:\*\* 10 calls per run, from code: 10 per run \(take: 10 at .*\$\d+\.\d\d per run now → \$\d+\.\d\d per run on batch \(not in the monthly totals\)$/);
  const row = toRow('f', migration);
  assert.equal(row.monthlyStandard, 0);
  assert.equal(row.monthlyBatch, 0);
  assert.equal(row.perRun!.calls, 10);
  assert.equal(row.volume!.perDay, '10/run');
  assert.equal(row.volume!.label, 'one-off');
});
