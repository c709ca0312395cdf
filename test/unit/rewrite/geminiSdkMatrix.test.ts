// The Gemini helper Batchwise writes, for each @google/genai release of the matrix (the oldest supported
// and the latest of each major that runs on Node 20, installed into .sdk-matrix/), type-checked with
// --strict and the strictest settings against that release and run with it against the fake Gemini API:
// answers equal to the synchronous endpoint's, a rejected request failing alone with the SDK's ApiError,
// a lost create answer paying no second batch, a malformed answer failing only its request, and a
// process killed while it waits resumed by the next run.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helperModuleFor } from '../../../src/core/rewrite/helper';
import { helperVariantFor } from '../../../src/core/rewrite/sdkVersion';
import { Faults } from '../../fake-provider/faults';
import { startFakeGemini } from '../../fake-provider/gemini';
import { ensureMatrix, GEMINI_SDK_MATRIX, MatrixEntry } from '../../support/sdkMatrix';
import { STRICTEST, transpile, typeErrors } from '../../support/typecheck';
import { runNode } from '../../support/runProgram';
import { FIXTURES } from '../helpers';

let dirs: Map<MatrixEntry, string>;
before(async () => {
  dirs = await ensureMatrix(GEMINI_SDK_MATRIX);
});

type Answer = { answer?: unknown; error?: { class: string; status?: number; code?: string; key?: string; message?: string } };
interface Outcome {
  code: number;
  stderr: string;
  out?: { sync: Answer[]; batch: Answer[]; batchNames: string[] };
}

async function runProgram(work: string, scenario: string, stateDir: string, url: string): Promise<Outcome> {
  const run = await runNode(work, ['main.js', scenario, stateDir], { GEMINI_BASE_URL: url, BATCHWISE_POLL_MS: '1' });
  return run.code === 0 ? { code: 0, stderr: run.stderr, out: JSON.parse(run.stdout.trim().split('\n').pop()!) } : { code: run.code, stderr: run.stderr };
}

const CREATE = 'POST /v1beta/models/gemini-2.5-flash:batchGenerateContent';

for (const entry of GEMINI_SDK_MATRIX) {
  test(`@google/genai@${entry.version} (${entry.why}): the Gemini helper type-checks with --strict and behaves against the fake`, async (t) => {
    const work = join(dirs.get(entry)!, 'work');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(join(work, 'batchwise'), { recursive: true });
    const fits = helperVariantFor('google', { version: entry.version, source: 'the SDK matrix' });
    assert.ok(fits.ok, !fits.ok ? fits.reason : '');
    writeFileSync(join(work, 'batchwise', 'geminiBatch.ts'), helperModuleFor('batchwise/geminiBatch.ts', 'cjs', 'google', fits.variant));
    writeFileSync(join(work, 'main.ts'), readFileSync(join(FIXTURES, 'sdk-matrix', 'google.ts'), 'utf8'));
    // DOM types as well: @google/genai's declarations name Blob, Response and the like, as a project that uses it compiles them.
    assert.deepEqual(typeErrors([join(work, 'main.ts')], { lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], ...STRICTEST }), []);
    transpile(join(work, 'main.ts'), join(work, 'main.js'));
    transpile(join(work, 'batchwise', 'geminiBatch.ts'), join(work, 'batchwise', 'geminiBatch.js'));

    const scenario = (name: string, options: { rejectText?: string; faults?: Faults }, body: (outcome: Outcome, stats: { batchesCreated: number }, rerun: () => Promise<Outcome>) => Promise<void> | void) =>
      t.test(name, async () => {
        const fake = await startFakeGemini(options);
        const stateDir = join(work, `state-${name.replace(/\W+/g, '-')}`);
        try {
          await body(await runProgram(work, name.startsWith('killed') ? 'killed' : 'plain', stateDir, fake.url), fake.stats, () => runProgram(work, 'plain', stateDir, fake.url));
        } finally {
          await fake.close();
        }
      });
    const answers = (list: Answer[]) => list.map((a) => a.answer);

    await scenario('answers as the synchronous endpoint does', {}, (outcome, stats) => {
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.deepEqual(answers(outcome.out!.batch), answers(outcome.out!.sync));
      assert.match(JSON.stringify(outcome.out!.batch[0]), /system: Be brief\./);
      assert.equal(stats.batchesCreated, 1);
    });
    await scenario("a rejected request fails alone, with the SDK's ApiError", { rejectText: 'risks' }, (outcome) => {
      assert.equal(outcome.code, 0, outcome.stderr);
      const { sync, batch } = outcome.out!;
      assert.equal(sync[1]!.error?.class, 'ApiError');
      assert.equal(sync[1]!.error?.status, 400);
      assert.deepEqual(batch[1]!.error, sync[1]!.error);
      assert.deepEqual(answers([batch[0]!, batch[2]!]), answers([sync[0]!, sync[2]!]));
    });
    await scenario('a lost create answer pays for no second batch', { faults: { dropResponse: { [CREATE]: 1 } } }, (outcome, stats) => {
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.equal(stats.batchesCreated, 1);
      assert.deepEqual(answers(outcome.out!.batch), answers(outcome.out!.sync));
      assert.match(outcome.stderr, /batchwise: the answer to creating Gemini batch \S+ was lost .*instead of creating a second batch/);
    });
    await scenario('a malformed answer fails only its request', { faults: { malformedLines: ['req-1'] } }, (outcome) => {
      assert.equal(outcome.code, 0, outcome.stderr);
      const { sync, batch } = outcome.out!;
      assert.deepEqual(batch[1]!.error, { class: 'GeminiBatchItemError', code: 'malformed_result', key: 'req-1' });
      assert.deepEqual(answers([batch[0]!, batch[2]!]), answers([sync[0]!, sync[2]!]));
    });
    await scenario('killed while it waits, the next run resumes its batch', {}, async (outcome, stats, rerun) => {
      assert.equal(outcome.code, 3, outcome.stderr);
      assert.equal(stats.batchesCreated, 1);
      const again = await rerun();
      assert.equal(again.code, 0, again.stderr);
      assert.equal(stats.batchesCreated, 1, 'no second batch');
      assert.deepEqual(answers(again.out!.batch), answers(again.out!.sync));
    });
  });
}
