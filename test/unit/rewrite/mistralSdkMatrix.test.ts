// The Mistral helper Batchwise writes, for each @mistralai/mistralai release of the matrix (the oldest
// supported and the latest of each major, installed into .sdk-matrix/), type-checked with --strict and
// the strictest settings against that release and run with it against the fake Mistral API: answers
// equal to the synchronous endpoint's, a rejected request failing alone with the SDK's SDKError, a lost
// create answer paying no second job, a malformed line failing only its request, and a process killed
// while it waits resumed by the next run.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { helperModuleFor } from '../../../src/core/rewrite/helper';
import { helperVariantFor } from '../../../src/core/rewrite/sdkVersion';
import { Faults } from '../../fake-provider/faults';
import { startFakeMistral } from '../../fake-provider/mistral';
import { ensureMatrix, MatrixEntry, MISTRAL_SDK_MATRIX } from '../../support/sdkMatrix';
import { STRICTEST, transpile, typeErrors } from '../../support/typecheck';
import { runNode } from '../../support/runProgram';
import { FIXTURES } from '../helpers';

let dirs: Map<MatrixEntry, string>;
before(async () => {
  dirs = await ensureMatrix(MISTRAL_SDK_MATRIX);
});

type Answer = { answer?: unknown; error?: { class: string; status?: number; code?: string; customId?: string; message?: string } };
interface Outcome {
  code: number;
  stderr: string;
  out?: { sync: Answer[]; batch: Answer[]; jobIds: string[] };
}

async function runProgram(work: string, scenario: string, stateDir: string, url: string): Promise<Outcome> {
  const run = await runNode(work, ['main.js', scenario, stateDir], { MISTRAL_BASE_URL: url, BATCHWISE_POLL_MS: '1' });
  return run.code === 0 ? { code: 0, stderr: run.stderr, out: JSON.parse(run.stdout.trim().split('\n').pop()!) } : { code: run.code, stderr: run.stderr };
}

const CREATE = 'POST /v1/batch/jobs';

for (const entry of MISTRAL_SDK_MATRIX) {
  test(`@mistralai/mistralai@${entry.version} (${entry.why}): the Mistral helper type-checks with --strict and behaves against the fake`, async (t) => {
    const work = join(dirs.get(entry)!, 'work');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(join(work, 'batchwise'), { recursive: true });
    const fits = helperVariantFor('mistral', { version: entry.version, source: 'the SDK matrix' });
    assert.ok(fits.ok, !fits.ok ? fits.reason : '');
    writeFileSync(join(work, 'batchwise', 'mistralBatch.ts'), helperModuleFor('batchwise/mistralBatch.ts', 'cjs', 'mistral', fits.variant));
    writeFileSync(join(work, 'main.ts'), readFileSync(join(FIXTURES, 'sdk-matrix', 'mistral.ts'), 'utf8'));
    // As a CommonJS project with moduleResolution node compiles it (2.x, an ES module, is loaded with require() from Node 20.19), and as one with node20 does.
    assert.deepEqual(typeErrors([join(work, 'main.ts')], { lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], ...STRICTEST }), []);
    assert.deepEqual(typeErrors([join(work, 'main.ts')], { module: ts.ModuleKind.Node20, moduleResolution: ts.ModuleResolutionKind.Node16, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], ...STRICTEST }), []);
    transpile(join(work, 'main.ts'), join(work, 'main.js'));
    transpile(join(work, 'batchwise', 'mistralBatch.ts'), join(work, 'batchwise', 'mistralBatch.js'));

    const scenario = (name: string, options: { rejectText?: string; faults?: Faults }, body: (outcome: Outcome, stats: { jobsCreated: number }, rerun: () => Promise<Outcome>) => Promise<void> | void) =>
      t.test(name, async () => {
        const fake = await startFakeMistral(options);
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
      assert.equal(stats.jobsCreated, 1);
    });
    await scenario("a rejected request fails alone, with the SDK's SDKError", { rejectText: 'risks' }, (outcome) => {
      assert.equal(outcome.code, 0, outcome.stderr);
      const { sync, batch } = outcome.out!;
      assert.equal(sync[1]!.error?.class, 'SDKError');
      assert.equal(sync[1]!.error?.status, 400);
      assert.deepEqual(batch[1]!.error, sync[1]!.error);
      assert.deepEqual(answers([batch[0]!, batch[2]!]), answers([sync[0]!, sync[2]!]));
    });
    await scenario('a lost create answer pays for no second job', { faults: { dropResponse: { [CREATE]: 1 } } }, (outcome, stats) => {
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.equal(stats.jobsCreated, 1);
      assert.deepEqual(answers(outcome.out!.batch), answers(outcome.out!.sync));
      assert.match(outcome.stderr, /batchwise: the answer to creating Mistral batch job \S+ was lost .*instead of creating a second job/);
    });
    await scenario('a malformed line fails only its request', { faults: { malformedLines: ['req-1'] } }, (outcome) => {
      assert.equal(outcome.code, 0, outcome.stderr);
      const { sync, batch } = outcome.out!;
      assert.deepEqual(batch[1]!.error, { class: 'MistralBatchItemError', code: 'malformed_result', customId: 'req-1' });
      assert.deepEqual(answers([batch[0]!, batch[2]!]), answers([sync[0]!, sync[2]!]));
    });
    await scenario('killed while it waits, the next run resumes its job', {}, async (outcome, stats, rerun) => {
      assert.equal(outcome.code, 3, outcome.stderr);
      assert.equal(stats.jobsCreated, 1);
      const again = await rerun();
      assert.equal(again.code, 0, again.stderr);
      assert.equal(stats.jobsCreated, 1, 'no second job');
      assert.deepEqual(answers(again.out!.batch), answers(again.out!.sync));
    });
  });
}
