// Differential test of the rewrites: a fixed slice of generated programs (seeded, so the same every run),
// each fixed as `batchwise fix` would fix it; every rewrite Batchwise accepts must type-check and print
// exactly what its original prints (sync endpoint vs Batch API, with and without a rejected request).
// The larger sweep is bench/differential.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';
import { aiSdkModules, langchainModules } from '../../support/aiSdkReleases';
import { generateProgram, GeneratedProgram, generateSingleProgram } from './differential/generate';
import { checkPrograms, Outcome, Rewrite, summarise, Summary } from './differential/check';

const SEED = 20_251;
const COUNT = 56;
const WORK = join(REPO_ROOT, 'test-output', 'differential', 'unit');

const describe = (o: Outcome) => `${o.program.name} (${o.program.features.join(' ')})\n${o.program.text}\n${'rewrite' in o ? `--- rewrite\n${o.rewrite.after}\n` : ''}${'detail' in o ? o.detail : ''}`;

let outcomes: Outcome[] = [];

test(`generated programs (seed ${SEED}, ${COUNT}): every rewrite Batchwise accepts behaves as the original`, async () => {
  const programs = Array.from({ length: COUNT }, (_, n) => generateProgram(SEED, n));
  outcomes = await checkPrograms(programs, { work: WORK, concurrency: 2 });
  const invalid = outcomes.filter((o) => o.status === 'invalid');
  assert.deepEqual(invalid.map(describe), [], 'the generator writes programs that type-check and run');
  const different = outcomes.filter((o) => o.status === 'different');
  assert.deepEqual(different.map(describe), []);
  // Not vacuous: a good share is accepted, of both kinds of loop, and the rejected request showed in some runs.
  const s = summarise(outcomes);
  const equivalent = outcomes.filter((o): o is Extract<Outcome, { status: 'equivalent' }> => o.status === 'equivalent');
  assert.ok(s.accepted >= COUNT * 0.3, `${s.accepted} of ${COUNT} accepted`);
  assert.ok(equivalent.filter((o) => o.program.concurrent).length >= 4, 'concurrent fan-outs accepted');
  assert.ok(equivalent.filter((o) => !o.program.concurrent).length >= 8, 'sequential loops accepted');
  assert.ok(new Set(equivalent.map((o) => o.program.api)).size === 5, 'every API among the accepted');
  assert.ok(new Set(equivalent.map((o) => o.program.lang)).size === 3, 'TypeScript, CommonJS and ES modules among the accepted');
  assert.ok(equivalent.filter((o) => o.rejectionShown).length >= 8, 'the rejected request changed what originals printed');
  const throughHelper = equivalent.filter((o) => o.program.features.includes('via-helper') && o.program.features.includes('strategy:loop-hoist'));
  assert.ok(throughHelper.length >= 2, 'calls made in a helper the loop awaits, hoisted at the loop');
});

test('the checker catches a wrong rewrite: results handed to the wrong items are reported as different', async () => {
  const hoisted = outcomes.filter(
    (o): o is Extract<Outcome, { status: 'equivalent' }> =>
      o.status === 'equivalent' && o.program.features.includes('strategy:loop-hoist') && o.program.features.includes('print') && !o.program.features.includes('result-discarded'),
  );
  assert.ok(hoisted.length >= 4);
  const picked: GeneratedProgram[] = hoisted.slice(0, 4).map((o) => ({ ...o.program, features: o.program.features.filter((f) => !f.startsWith('strategy:')) }));
  // Each item gets the next item's answer (its request's result swapped with a neighbour's).
  const tamper = (_p: GeneratedProgram, r: Rewrite): Rewrite => ({ ...r, after: r.after.replace(/\.get\((\w+)\)/, '.get(($1 + 1) % batchwiseItems.length)') });
  const tampered = await checkPrograms(picked, { work: join(WORK, 'tampered'), concurrency: 2, tamper });
  assert.deepEqual(tampered.map((o) => o.status), picked.map(() => 'different'));
});

const SINGLE_SEED = 20_271;
const SINGLE_COUNT = 16;

test(`generated single-call programs (seed ${SINGLE_SEED}, ${SINGLE_COUNT}): every batch of one Batchwise accepts behaves as the original`, async () => {
  const programs = Array.from({ length: SINGLE_COUNT }, (_, n) => generateSingleProgram(SINGLE_SEED, n));
  const single = await checkPrograms(programs, { work: join(WORK, 'single'), concurrency: 2 });
  assert.deepEqual(single.filter((o) => o.status === 'invalid').map(describe), [], 'the generator writes programs that type-check and run');
  assert.deepEqual(single.filter((o) => o.status === 'different').map(describe), []);
  const equivalent = single.filter((o): o is Extract<Outcome, { status: 'equivalent' }> => o.status === 'equivalent');
  // Not vacuous: nearly all are accepted, as a batch of one, of every API and place, and the rejection showed.
  assert.ok(equivalent.length >= SINGLE_COUNT * 0.75, `${equivalent.length} of ${SINGLE_COUNT} accepted: ${single.filter((o) => o.status === 'refused').map((o) => ('reason' in o ? o.reason : '')).join(' | ')}`);
  assert.ok(equivalent.every((o) => o.program.features.includes('strategy:single-batch')));
  assert.equal(new Set(equivalent.map((o) => o.program.api)).size, 5, 'every API among the accepted');
  assert.equal(new Set(equivalent.map((o) => o.program.features.find((f) => f.startsWith('place:')))).size, 3, 'main(), top-level await and a top-level promise chain among the accepted');
  assert.ok(equivalent.filter((o) => o.rejectionShown).length >= 4, 'the rejected request changed what originals printed');
});

const AI_SEED = 20_266;
const AI_COUNT = 40;

/** Refused of generated, per value of a feature (`shape:for-of-set 3/5`). */
function refusalRates(s: Summary, prefix: string): string {
  return s.byFeature
    .filter(([f]) => f.startsWith(prefix))
    .map(([f, { total, refused }]) => `${f.slice(prefix.length)} ${refused}/${total}`)
    .join(', ');
}

test(`generated AI SDK programs (seed ${AI_SEED}, ${AI_COUNT}): generateText, generateObject, embed and embedMany in every loop shape; every rewrite accepted behaves as the original`, async (t) => {
  const work = join(WORK, 'ai-sdk');
  // The programs resolve the AI SDK (v5) from here; the official clients and p-map from the repository's node_modules.
  await aiSdkModules('v5', work);
  const programs = Array.from({ length: AI_COUNT }, (_, n) => generateProgram(AI_SEED, n, 'ai-sdk'));
  const ai = await checkPrograms(programs, { work, concurrency: 2 });
  assert.deepEqual(ai.filter((o) => o.status === 'invalid').map(describe), [], 'the generator writes programs that type-check and run');
  assert.deepEqual(ai.filter((o) => o.status === 'different').map(describe), []);
  const s = summarise(ai);
  t.diagnostic(`AI SDK programs: ${s.accepted} of ${s.generated} accepted; refused by shape: ${refusalRates(s, 'shape:')}; by function: ${refusalRates(s, 'ai:')}; by model: ${refusalRates(s, 'model:')}; accepted by strategy: ${['loop-hoist', 'batch-queue'].map((st) => `${st} ${ai.filter((o) => o.status === 'equivalent' && o.program.features.includes(`strategy:${st}`)).length}`).join(', ')}`);
  const equivalent = ai.filter((o): o is Extract<Outcome, { status: 'equivalent' }> => o.status === 'equivalent');
  const has = (feature: string) => equivalent.some((o) => o.program.features.includes(feature));
  assert.ok(s.accepted >= AI_COUNT * 0.25, `${s.accepted} of ${AI_COUNT} accepted`);
  assert.ok(equivalent.some((o) => o.program.concurrent) && equivalent.some((o) => !o.program.concurrent), 'concurrent fan-outs and sequential loops accepted');
  for (const f of ['ai:generateText', 'ai:generateObject', 'ai:embed', 'ai:embedMany', 'model:inline', 'model:const', 'model:helper', 'model:instance', 'api:anthropic', 'api:chat', 'api:responses']) assert.ok(has(f), `${f} among the accepted`);
  assert.ok(equivalent.filter((o) => o.rejectionShown).length >= 4, 'the rejected request changed what originals printed');
  // The AI SDK's own batch queue (a single call per run of a concurrent callback) is among the rewrites run against the fakes.
  assert.ok(has('strategy:batch-queue'), 'an AI SDK batch-queue rewrite among the accepted');
});

const LC_SEED = 20_270;
const LC_COUNT = 40;

test(`generated LangChain programs (seed ${LC_SEED}, ${LC_COUNT}): model.invoke, chains (pipe and RunnableSequence), withStructuredOutput and embedQuery in every loop shape, and vector stores made of the documents; every rewrite accepted behaves as the original`, async (t) => {
  const work = join(WORK, 'langchain');
  // The programs resolve LangChain's release (and the official clients it brings) from here.
  await langchainModules(work);
  const programs = Array.from({ length: LC_COUNT }, (_, n) => generateProgram(LC_SEED, n, 'langchain'));
  const lc = await checkPrograms(programs, { work, concurrency: 2 });
  assert.deepEqual(lc.filter((o) => o.status === 'invalid').map(describe), [], 'the generator writes programs that type-check and run');
  assert.deepEqual(lc.filter((o) => o.status === 'different').map(describe), []);
  const s = summarise(lc);
  t.diagnostic(`LangChain programs: ${s.accepted} of ${s.generated} accepted; refused by shape: ${refusalRates(s, 'shape:')}; by form: ${refusalRates(s, 'lc:')}`);
  const equivalent = lc.filter((o): o is Extract<Outcome, { status: 'equivalent' }> => o.status === 'equivalent');
  const has = (feature: string) => equivalent.some((o) => o.program.features.includes(feature));
  assert.ok(s.accepted >= LC_COUNT * 0.2, `${s.accepted} of ${LC_COUNT} accepted`);
  for (const f of ['lc:model', 'lc:chain', 'lc:sequence', 'lc:structured', 'lc:embedQuery', 'lc:store-fromTexts', 'lc:store-fromDocuments', 'api:anthropic', 'api:chat']) assert.ok(has(f), `${f} among the accepted`);
  assert.ok(equivalent.some((o) => o.program.concurrent) && equivalent.some((o) => !o.program.concurrent), 'concurrent fan-outs and sequential loops accepted');
  assert.ok(equivalent.filter((o) => o.rejectionShown).length >= 3, 'the rejected request changed what originals printed');
  // No refusal is LangChain's own: every one is for what the loop body does, as the official clients' programs get.
  const refusals = lc.filter((o): o is Extract<Outcome, { status: 'refused' }> => o.status === 'refused').map((o) => o.reason);
  assert.deepEqual(refusals.filter((r) => /LangChain|chain|withStructuredOutput|model `/.test(r)), []);
});
