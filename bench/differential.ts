// The large differential sweep: `node out/bench/differential.js --count 1000 --seed 7 [--concurrency 3] [--show-refusals] [--only 3,17] [--ai-sdk [--ai-sdk-release v6] | --langchain | --single]`.
// Generates programs, plans Batchwise's fix for each, and checks every accepted rewrite against its
// original (type-check, sync endpoint vs Batch API, with and without rejected requests). Prints the
// counts; each difference (and each program the generator got wrong) is written out under
// test-output/differential/sweep/ with the original, the rewrite and what differed.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateProgram, generateSingleProgram } from '../test/unit/rewrite/differential/generate';
import { aiSdkModules, langchainModules } from '../test/support/aiSdkReleases';
import { checkPrograms, Outcome, summarise } from '../test/unit/rewrite/differential/check';
import { REPO_ROOT } from '../test/unit/helpers';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const count = arg('count', 300);
  const seed = arg('seed', 1);
  const start = arg('start', 0);
  const concurrency = arg('concurrency', 3);
  const chunk = arg('chunk', 100);
  const work = join(REPO_ROOT, 'test-output', 'differential', 'sweep');
  rmSync(work, { recursive: true, force: true });
  // --ai-sdk: the programs call the Vercel AI SDK (v5 unless --ai-sdk-release says), resolved from the sweep's own node_modules.
  // --langchain: they call LangChain.js (model.invoke, chains, withStructuredOutput, embedQuery), its release resolved the same way.
  const family = process.argv.includes('--ai-sdk') ? 'ai-sdk' : process.argv.includes('--langchain') ? 'langchain' : 'official';
  // --ai-sdk-release v6 (or v4): the AI SDK programs run against that release instead of v5.
  const release = process.argv.includes('--ai-sdk-release') ? process.argv[process.argv.indexOf('--ai-sdk-release') + 1] : 'v5';
  if (release !== 'v4' && release !== 'v5' && release !== 'v6') throw new Error(`--ai-sdk-release is v4, v5 or v6, not ${release}`);
  // --single: programs that make one call per run, no loop (the batch of one), official clients.
  const single = process.argv.includes('--single');
  if (family === 'ai-sdk') await aiSdkModules(release, work);
  if (family === 'langchain') await langchainModules(work);
  const began = Date.now();
  const outcomes: Outcome[] = [];
  const out = join(work, 'findings');
  mkdirSync(out, { recursive: true });
  const written = new Set<string>();
  const writeFindings = (quiet: boolean) => {
    for (const o of outcomes) {
      if ((o.status !== 'different' && o.status !== 'invalid') || written.has(o.program.name)) continue;
      written.add(o.program.name);
      const dir = join(out, `${o.status}-${o.program.name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, o.program.file), o.program.text);
      if (o.status === 'different') writeFileSync(join(dir, `after.${o.program.file.split('.').pop()}`), o.rewrite.after);
      writeFileSync(join(dir, 'detail.txt'), `${o.program.features.join(' ')}\n\n${o.detail}\n`);
      if (!quiet) console.log(`\n${o.status}: ${o.program.name} (${o.program.features.join(' ')})\n  ${o.detail.split('\n').slice(0, 3).join('\n  ')}`);
    }
  };
  // In chunks, so a type-check program stays small and progress shows.
  for (let from = start; from < start + count; from += chunk) {
    const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',').map(Number) : null;
    const programs = Array.from({ length: Math.min(chunk, start + count - from) }, (_, k) => from + k)
      .filter((n) => !only || only.includes(n))
      .map((n) => (single ? generateSingleProgram(seed, n) : generateProgram(seed, n, family)));
    outcomes.push(...(await checkPrograms(programs, { work, concurrency })));
    writeFindings(true);
    const s = summarise(outcomes);
    process.stderr.write(`… ${s.generated} generated, ${s.accepted} accepted, ${s.different} different, ${s.invalid} invalid (${Math.round((Date.now() - began) / 1000)} s)\n`);
  }
  const s = summarise(outcomes);
  console.log(`seed ${seed}, programs ${start}..${start + count - 1}, ${Math.round((Date.now() - began) / 1000)} s`);
  console.log(`generated ${s.generated}, accepted ${s.accepted} (equivalent ${s.equivalent}, different ${s.different}), refused ${s.refused}, invalid programs ${s.invalid}`);
  console.log('\nrefused by reason:');
  for (const [reason, n] of s.byReason) console.log(`  ${String(n).padStart(5)}  ${reason}`);
  console.log('\nrefusal rate per feature (programs with the feature, refused):');
  for (const [feature, { total, refused }] of s.byFeature) {
    console.log(`  ${feature.padEnd(28)} ${String(total).padStart(5)} ${String(refused).padStart(5)}  ${Math.round((100 * refused) / total)}%`);
  }
  written.clear();
  writeFindings(false);
  if (process.argv.includes('--show-refusals')) {
    for (const o of outcomes) if (o.status === 'refused') console.log(`\nrefused ${o.program.name} (${o.program.features.join(' ')}): ${o.reason}`);
  }
  process.exitCode = s.different > 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
