// The long fuzz run: `npm run fuzz -- --seed 7 --count 100000 [--start 0] [--workers 2] [--out DIR]
// [--limit-ms 2000] [--cpu-limit-ms 3000] [--kill-ms 120000] [--no-shrink]`, or `npm run fuzz -- --replay DIR` to run one
// reproducer again. Mutated fixture projects go through the whole pipeline in worker threads (see
// test/fuzz/); prints inputs run, exceptions, slow inputs, time per input and each failure's reproducer.
// Exit code 1 when anything failed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, fuzz } from '../test/fuzz/run';
import { runPipeline } from '../test/fuzz/pipeline';
import type { FuzzInput } from '../test/fuzz/mutate';
import { REPO_ROOT } from '../test/unit/helpers';

const USAGE = `usage: npm run fuzz -- [options]
  --seed N           the campaign's seed (default 1)
  --count N          inputs to run (default 100000)
  --start N          first input index (default 0)
  --workers N        worker threads (default 2)
  --out DIR          where reproducers go (default test-output/fuzz/seed-N)
  --limit-ms N       an input over this much CPU time is slow (default 2000)
  --cpu-limit-ms N   a command stopped after this much CPU time (default 3000)
  --kill-ms N        a stage stopped after this much wall time, then run again with three times as long (default 120000)
  --shrink-ms N      time to shrink each failure's first input (default 120000)
  --no-shrink        keep reproducers as found
  --replay DIR       run one reproducer (DIR/input.json) again and print its outcome
  --help             this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      count: { type: 'string', default: '100000' },
      start: { type: 'string', default: '0' },
      workers: { type: 'string', default: '2' },
      out: { type: 'string' },
      'limit-ms': { type: 'string', default: '2000' },
      'kill-ms': { type: 'string', default: '120000' },
      'cpu-limit-ms': { type: 'string', default: '3000' },
      'shrink-ms': { type: 'string', default: '120000' },
      'no-shrink': { type: 'boolean', default: false },
      replay: { type: 'string' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const num = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} '${values[name]}' is not a number`);
    return n;
  };
  if (values.replay) {
    process.setSourceMapsEnabled(true);
    const input = JSON.parse(readFileSync(join(values.replay, 'input.json'), 'utf8')) as FuzzInput;
    const outcome = runPipeline(input, (stage) => process.stderr.write(`  ${stage}\n`));
    console.log(JSON.stringify(outcome, null, 2));
    process.exitCode = outcome.failures.length || outcome.ms > num('limit-ms') ? 1 : 0;
    return;
  }
  const seed = num('seed');
  const outDir = values.out ?? join(REPO_ROOT, 'test-output', 'fuzz', `seed-${seed}`);
  // A long run that ends without its summary says how it ended (a run of seed 20261209 once stopped
  // after 95 minutes with nothing on stdout or stderr). Only a SIGKILL (the OOM killer's) stays silent.
  let finished = false;
  process.on('beforeExit', () => {
    if (!finished) console.error('fuzz: the event loop emptied before the run ended (a promise nothing will settle: a bug in the pool)');
  });
  process.on('exit', (code) => {
    if (!finished) console.error(`fuzz: exiting with code ${code} before the summary; the figures so far are in ${join(outDir, 'progress.json')}`);
  });
  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    process.once(signal, () => {
      console.error(`fuzz: stopped by ${signal}`);
      process.exit(130);
    });
  }
  console.error(`fuzz: seed ${seed}, ${num('count')} inputs from ${num('start')}, ${Math.max(1, num('workers'))} workers; reproducers and progress in ${outDir}`);
  const summary = await fuzz({
    seed,
    count: num('count'),
    start: num('start'),
    workers: Math.max(1, num('workers')),
    outDir,
    limitMs: num('limit-ms'),
    killMs: num('kill-ms'),
    cpuLimitMs: num('cpu-limit-ms'),
    shrink: !values['no-shrink'],
    shrinkMs: num('shrink-ms'),
    log: (line) => process.stderr.write(line + '\n'),
  });
  finished = true;
  console.log(formatSummary(summary));
  process.exitCode = summary.failures.length ? 1 : 0;
}

main().catch((e: unknown) => {
  // A mistyped flag is a usage error, said in a line with the usage, not a stack trace.
  if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')) console.error(`${(e as Error).message}\n${USAGE}`);
  else console.error(e);
  process.exitCode = 2;
});
