// The helper Batchwise writes for each release of the SDK matrix (test/support/sdkMatrix.ts: the oldest
// supported and the latest of every supported major, installed into .sdk-matrix/), type-checked with
// --strict and the strictest settings against that release and run with it against the fake providers: answers equal to the
// synchronous endpoint's, a rejected request failing alone with that SDK's own error class, a lost
// create answer paying no second batch, a malformed result line failing only its request (and no
// model output on stderr), and a process killed while it waits resumed by the next run.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { helperModuleFor } from '../../../src/core/rewrite/helper';
import { helperVariantFor, SDK_PACKAGE } from '../../../src/core/rewrite/sdkVersion';
import { Faults } from '../../fake-provider/faults';
import { startFakeAnthropic } from '../../fake-provider/anthropic';
import { startFakeOpenAI } from '../../fake-provider/openai';
import { ensureMatrix, MatrixEntry, SDK_MATRIX } from '../../support/sdkMatrix';
import { STRICTEST, transpile, typeErrors } from '../../support/typecheck';
import { FIXTURES } from '../helpers';

let dirs: Map<MatrixEntry, string>;
before(async () => {
  dirs = await ensureMatrix();
});

interface Outcome {
  code: number;
  stderr: string;
  out?: { sync: Answer[]; batch: Answer[]; batchIds: string[] };
}
type Answer = { answer?: unknown; text?: string; requestId?: string; error?: { class: string; code?: string; status?: number } };

async function runProgram(work: string, scenario: string, stateDir: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['main.js', scenario, stateDir], { cwd: work, env: { ...process.env, ...env, BATCHWISE_POLL_MS: '1' } });
    return { code: 0, stderr, out: JSON.parse(stdout.trim().split('\n').pop()!) };
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stderr: e.stderr ?? '' };
  }
}

for (const entry of SDK_MATRIX) {
  const pkg = SDK_PACKAGE[entry.provider];
  const helperName = entry.provider === 'openai' ? 'openaiBatch' : 'anthropicBatch';
  const createRoute = entry.provider === 'openai' ? 'POST /v1/batches' : 'POST /v1/messages/batches';
  test(`${pkg}@${entry.version} (${entry.why}): the helper written for it type-checks with --strict and behaves against the fake`, async (t) => {
    const work = join(dirs.get(entry)!, 'work');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(join(work, 'batchwise'), { recursive: true });
    const fits = helperVariantFor(entry.provider, { version: entry.version, source: 'the SDK matrix' });
    assert.ok(fits.ok, !fits.ok ? fits.reason : '');
    writeFileSync(join(work, 'batchwise', `${helperName}.ts`), helperModuleFor(`batchwise/${helperName}.ts`, 'cjs', entry.provider, fits.variant));
    writeFileSync(join(work, 'main.ts'), readFileSync(join(FIXTURES, 'sdk-matrix', `${entry.provider}.ts`), 'utf8'));
    assert.deepEqual(typeErrors([join(work, 'main.ts')], STRICTEST), []);
    transpile(join(work, 'main.ts'), join(work, 'main.js'));
    transpile(join(work, 'batchwise', `${helperName}.ts`), join(work, 'batchwise', `${helperName}.js`));

    /** Runs the program against a fresh fake with these options; `body` checks the outcome. */
    const scenario = (name: string, options: { rejectText?: string; faults?: Faults }, body: (outcome: Outcome, stats: { batchesCreated: number }, stateDir: string, rerun: () => Promise<Outcome>) => Promise<void> | void) =>
      t.test(name, async () => {
        const fake = entry.provider === 'openai' ? await startFakeOpenAI(options) : await startFakeAnthropic(options);
        const env = entry.provider === 'openai' ? { OPENAI_BASE_URL: fake.url } : { ANTHROPIC_BASE_URL: fake.url };
        const stateDir = join(work, `state-${name.replace(/\W+/g, '-')}`);
        try {
          await body(await runProgram(work, name.startsWith('killed') ? 'killed' : 'plain', stateDir, env), fake.stats, stateDir, () => runProgram(work, 'plain', stateDir, env));
        } finally {
          await fake.close();
        }
      });
    const answers = (list: Answer[]) => list.map((a) => a.answer);

    await scenario('answers as the synchronous endpoint does', {}, (outcome, stats) => {
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.deepEqual(answers(outcome.out!.batch), answers(outcome.out!.sync));
      if (entry.provider === 'openai') assert.deepEqual(outcome.out!.batch.map((a) => a.requestId), ['string', 'string', 'string']);
      assert.equal(stats.batchesCreated, 1);
    });
    await scenario('a rejected request fails alone, with the SDK\'s own error class', { rejectText: 'risks' }, (outcome) => {
      assert.equal(outcome.code, 0, outcome.stderr);
      const { sync, batch } = outcome.out!;
      assert.deepEqual(sync[1].error, { class: 'BadRequestError', status: 400 });
      assert.deepEqual(batch[1].error, sync[1].error);
      assert.deepEqual(answers([batch[0], batch[2]]), answers([sync[0], sync[2]]));
    });
    await scenario('a lost create answer pays for no second batch', { faults: { dropResponse: { [createRoute]: 1 } } }, (outcome, stats) => {
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.equal(stats.batchesCreated, 1);
      assert.deepEqual(answers(outcome.out!.batch), answers(outcome.out!.sync));
      assert.match(outcome.stderr, /batchwise: the answer to creating (message )?batch \S+ was lost .*instead of creating a second batch/);
    });
    await scenario('a malformed result line fails only its request, and no model output reaches stderr', { faults: { malformedLines: ['req-1'] } }, (outcome) => {
      assert.equal(outcome.code, 0, outcome.stderr);
      const { sync, batch } = outcome.out!;
      assert.deepEqual(batch[1].error, { class: 'BatchItemError', code: 'malformed_result', customId: 'req-1' });
      assert.deepEqual(answers([batch[0], batch[2]]), answers([sync[0], sync[2]]));
      const said = JSON.stringify(sync[1].answer).match(/\[(gpt|claude)[^"\]]*\][^"]*/)![0];
      assert.ok(!outcome.stderr.includes(said), `stderr holds the model's answer: ${outcome.stderr}`);
      assert.match(outcome.stderr, /batchwise: 1 of 3 .*request\(s\) failed/);
    });
    await scenario('killed while it waits, the next run resumes its batch', {}, async (outcome, stats, stateDir, rerun) => {
      assert.equal(outcome.code, 3, outcome.stderr);
      assert.equal(stats.batchesCreated, 1);
      const again = await rerun();
      assert.equal(again.code, 0, again.stderr);
      assert.equal(stats.batchesCreated, 1, 'no second batch');
      assert.deepEqual(answers(again.out!.batch), answers(again.out!.sync));
      assert.equal(again.out!.batchIds.length, 1);
      rmSync(stateDir, { recursive: true, force: true });
    });
  });
}
