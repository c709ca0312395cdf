// Volumes read from code: calls per run from literal loop bounds, runs per day from a cron schedule,
// one-off scripts counted per run. Expected figures are worked out here from the price table row and
// the estimate's own token counts, never copied from a run of the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS, Finding } from '../../../src/core/model';
import { findPrice } from '../../../src/core/estimate';
import { PIPELINE_STAGES } from '../../../src/workspace/stages';
import { computeTotals } from '../../../src/core/report/totals';

const HEAD = `import OpenAI from 'openai';\nconst client = new OpenAI();\n`;
const CALL = `client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: 'Summarise: ' + x }] })`;

/** The findings of a project of files (and a package.json), estimated by the real estimate stage. */
function analyze(files: Record<string, string>, options = DEFAULT_OPTIONS): Finding[] {
  const sources = Object.keys(files).filter((f) => /\.[cm]?[jt]s$/.test(f));
  return new Analyzer({ files: sources, read: (p) => files[p] }, options, PIPELINE_STAGES).run().findings;
}

function only(files: Record<string, string>): Finding {
  const found = analyze(files);
  assert.equal(found.length, 1, `one call site expected, got ${found.length}`);
  return found[0];
}

/** One call's price at the estimate's own token counts, standard and batch, from the price table row. */
function perCall(f: Finding): { standard: number; batch: number } {
  const price = findPrice('gpt-4o-mini')!;
  const e = f.estimate!;
  return {
    standard: (e.inputTokens * price.input + e.outputTokens * price.output) / 1e6,
    batch: (e.inputTokens * price.batchInput + e.outputTokens * price.batchOutput) / 1e6,
  };
}

const SCRIPT = (name: string) => JSON.stringify({ scripts: { [name]: 'tsx scripts/job.ts' } });

test('a literal list of 3 in a for…of: 3 calls per run, and the figure is per run (how often it runs is not in the code)', () => {
  const f = only({
    'scripts/job.ts': `${HEAD}async function main() {\n  for (const x of ['a', 'b', 'c']) await ${CALL};\n}\nmain();\n`,
    'package.json': SCRIPT('tones'),
  });
  assert.equal(f.classification.verdict, 'batchable');
  const e = f.estimate!;
  assert.equal(e.volume.kind, 'code');
  assert.ok(e.perRun, 'a per-run figure');
  assert.equal(e.perRun!.calls, 3);
  assert.equal(e.callsPerDay, 0);
  assert.equal(e.monthlyStandard, 0, 'no monthly figure for code whose runs per day are unknown');
  const one = perCall(f);
  assert.ok(Math.abs(e.perRun!.standard - 3 * one.standard) < 1e-12);
  assert.ok(Math.abs(e.perRun!.savings - 3 * (one.standard - one.batch)) < 1e-12);
  assert.match(e.assumptions.join('\n'), /3 per run \(the literal list of 3 at scripts\/job\.ts:4\)/);
  assert.match(e.assumptions.join('\n'), /not in the code/);
});

test('a query with take: 10 gives 10 per run', () => {
  const f = only({
    'scripts/job.ts': `${HEAD}import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nasync function main() {\n  const rows = await prisma.ticket.findMany({ where: { open: true }, take: 10 });\n  for (const row of rows) { const x = row.body; await ${CALL}; }\n}\nmain();\n`,
    'package.json': SCRIPT('summaries'),
  });
  assert.equal(f.estimate!.perRun?.calls, 10);
  assert.match(f.estimate!.assumptions.join('\n'), /take: 10/);
});

test('.slice(0, 50) of lines read from disk gives 50 per run; .limit(25) and LIMIT 100 too', () => {
  const slice = only({
    'scripts/job.ts': `${HEAD}import { readFileSync } from 'node:fs';\nasync function main() {\n  const lines = readFileSync('data.txt', 'utf8').split('\\n');\n  for (const x of lines.slice(0, 50)) await ${CALL};\n}\nmain();\n`,
    'package.json': SCRIPT('summaries'),
  });
  assert.equal(slice.estimate!.perRun?.calls, 50);
  const limit = only({
    'scripts/job.ts': `${HEAD}import { db, posts } from './db';\nasync function main() {\n  const rows = await db.select().from(posts).limit(25);\n  await Promise.all(rows.map((r) => { const x = r.body; return ${CALL}; }));\n}\nmain();\n`,
    'scripts/db.ts': `export const db: any = {}; export const posts = {};\n`,
    'package.json': SCRIPT('summaries'),
  });
  assert.equal(limit.estimate!.perRun?.calls, 25);
  const sql = only({
    'scripts/job.ts': `${HEAD}import { pool } from './db';\nasync function main() {\n  const { rows } = await pool.query('SELECT body FROM posts ORDER BY id LIMIT 100');\n  for (const r of rows) { const x = r.body; await ${CALL}; }\n}\nmain();\n`,
    'scripts/db.ts': `export const pool: any = {};\n`,
    'package.json': SCRIPT('summaries'),
  });
  assert.equal(sql.estimate!.perRun?.calls, 100);
});

test('an index loop to 30, and [a, b].map under Promise.all, and nested literal loops multiply', () => {
  const index = only({
    'scripts/job.ts': `${HEAD}async function main() {\n  for (let i = 0; i < 30; i++) { const x = String(i); await ${CALL}; }\n}\nmain();\n`,
    'package.json': SCRIPT('fill'),
  });
  assert.equal(index.estimate!.perRun?.calls, 30);
  const pair = only({
    'scripts/job.ts': `${HEAD}const a = 'one';\nconst b = 'two';\nasync function main() {\n  await Promise.all([a, b].map((x) => ${CALL}));\n}\nmain();\n`,
    'package.json': SCRIPT('pair'),
  });
  assert.equal(pair.estimate!.perRun?.calls, 2);
  const nested = only({
    'scripts/job.ts': `${HEAD}const TONES = ['warm', 'formal', 'terse'] as const;\nasync function main() {\n  for (const t of TONES) {\n    for (let i = 1; i <= 4; i++) { const x = t + i; await ${CALL}; }\n  }\n}\nmain();\n`,
    'package.json': SCRIPT('tones'),
  });
  assert.equal(nested.estimate!.perRun?.calls, 12);
});

test('a cron schedule hourly over a literal list of 10: 240 calls a day, the source says both', () => {
  const list = JSON.stringify(Array.from({ length: 10 }, (_, i) => `topic ${i}`));
  const f = only({
    'jobs/digest.ts': `${HEAD}import cron from 'node-cron';\ncron.schedule('0 * * * *', async () => {\n  for (const x of ${list}) await ${CALL};\n});\n`,
  });
  assert.equal(f.classification.verdict, 'batchable');
  const e = f.estimate!;
  assert.equal(e.callsPerDay, 240);
  assert.equal(e.perRun, undefined, 'a schedule makes it a monthly figure');
  assert.deepEqual({ kind: e.volume.kind, perRun: e.volume.kind === 'code' ? e.volume.perRun : null, runs: e.volume.kind === 'code' ? e.volume.runsPerDay : null }, { kind: 'code', perRun: 10, runs: 24 });
  assert.match(e.volume.kind === 'code' ? e.volume.description : '', /^10 per run \(the literal list of 10 at jobs\/digest\.ts:5\) × 24 runs\/day \(the cron schedule '0 \* \* \* \*'\)$/);
  const one = perCall(f);
  assert.ok(Math.abs(e.monthlyStandard - 240 * 30 * one.standard) < 1e-9);
});

test('a backfill script is per run: its saving is not in the monthly total, but in the per-run one', () => {
  const files = {
    'scripts/backfill-summaries.ts': `${HEAD}async function main() {\n  for (const x of ['a', 'b', 'c', 'd']) await ${CALL};\n}\nmain();\n`,
    'jobs/digest.ts': `${HEAD}import cron from 'node-cron';\ncron.schedule('0 0 * * *', async () => {\n  const x = 'daily';\n  await ${CALL};\n});\n`,
  };
  const found = analyze(files);
  assert.equal(found.length, 2);
  const backfill = found.find((f) => f.site.file.includes('backfill'))!;
  const daily = found.find((f) => f.site.file.includes('digest'))!;
  const e = backfill.estimate!;
  assert.equal(e.volume.kind, 'code');
  assert.equal(e.volume.kind === 'code' && e.volume.oneOff, true);
  assert.equal(e.perRun!.calls, 4);
  assert.equal(e.monthlySavings, 0);
  assert.match(e.volume.kind === 'code' ? e.volume.description : '', /one-off script/);
  // A one-off run of 4 calls is under the low-volume threshold (100): lower it so that the saving counts.
  const counted = analyze(files, { ...DEFAULT_OPTIONS, lowVolumeThreshold: 1 });
  const t = computeTotals(counted);
  const dailySaving = counted.find((f) => f.site.file.includes('digest'))!.estimate!.monthlySavings;
  assert.ok(Math.abs(t.monthlySavings - dailySaving) < 1e-12, 'the monthly total is the scheduled job alone');
  assert.equal(t.perRunSites, 1);
  const one = perCall(backfill);
  assert.ok(Math.abs(t.perRunSavings - 4 * (one.standard - one.batch)) < 1e-12);
  assert.equal(daily.estimate!.callsPerDay, 1);
});

test('a seed npm script and a file under migrations/ are one-offs with no loop: 1 call per run', () => {
  const seed = only({
    'scripts/job.ts': `${HEAD}async function main() {\n  const x = 'first';\n  await ${CALL};\n}\nmain();\n`,
    'package.json': JSON.stringify({ scripts: { 'db:seed': 'tsx scripts/job.ts' } }),
  });
  assert.equal(seed.estimate!.perRun?.calls, 1);
  assert.match(seed.estimate!.volume.kind === 'code' ? seed.estimate!.volume.description : '', /npm script `db:seed`/);
  const migration = only({
    'db/migrations/0042-embed.ts': `${HEAD}async function main() {\n  const x = 'row';\n  await ${CALL};\n}\nawait main();\nexport {};\n`,
  });
  assert.equal(migration.estimate!.perRun?.calls, 1);
});

test('an annotation still wins over a count read from code', () => {
  const f = only({
    'scripts/job.ts': `${HEAD}async function main() {\n  for (const x of ['a', 'b', 'c']) {\n    // batchwise: batch 500/day\n    await ${CALL};\n  }\n}\nmain();\n`,
    'package.json': SCRIPT('tones'),
  });
  assert.equal(f.estimate!.callsPerDay, 500);
  assert.equal(f.estimate!.volume.kind, 'annotation');
  assert.equal(f.estimate!.perRun, undefined);
});

test('a dynamic collection keeps the assumed default, and a changed const list gives no count', () => {
  const dynamic = only({
    'scripts/job.ts': `${HEAD}async function main(items: string[]) {\n  for (const x of items) await ${CALL};\n}\nmain(process.argv.slice(2));\n`,
    'package.json': SCRIPT('tag'),
  });
  assert.equal(dynamic.estimate!.volume.kind, 'default');
  assert.equal(dynamic.estimate!.callsPerDay, DEFAULT_OPTIONS.defaultCallsPerDay);
  const pushed = only({
    'scripts/job.ts': `${HEAD}const xs = ['a'];\nxs.push(...process.argv.slice(2));\nasync function main() {\n  for (const x of xs) await ${CALL};\n}\nmain();\n`,
    'package.json': SCRIPT('tag'),
  });
  assert.equal(pushed.estimate!.volume.kind, 'default');
});
