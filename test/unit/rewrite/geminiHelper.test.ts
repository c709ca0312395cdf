// The Gemini batch helper at run time, in-process with the real @google/genai client against the local
// fake Gemini API: answers are the SDK's own GenerateContentResponse, as the synchronous call gives
// them; a rejected request fails alone with the ApiError the synchronous call throws; a lost create
// answer is found by its tag instead of paid twice; a malformed or conflicting answer fails only its
// request and keeps the state file; a restarted process resumes its batch.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, GenerateContentResponse, GoogleGenAI } from '@google/genai';
import type { GenerateContentParameters } from '@google/genai';
import { batchwiseRequest, GeminiBatchItemError, GeminiBatchRequestError, runGenerateContentBatch, UnbuiltRequest } from '../../../src/core/rewrite/templates/geminiBatch';
import { FakeGemini, FakeGeminiOptions, startFakeGemini } from '../../fake-provider/gemini';

const prompts = ['Summarize the first chapter in one line', 'List three risks of the plan', 'Translate "good night" into French'];
const requests: GenerateContentParameters[] = prompts.map((contents) => ({ model: 'gemini-2.5-flash', contents, config: { temperature: 0, systemInstruction: 'Be brief.' } }));
const CREATE = 'POST /v1beta/models/gemini-2.5-flash:batchGenerateContent';

let dir: string;
const fakes: FakeGemini[] = [];
const warnings: string[] = [];
const warn = console.warn;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'batchwise-gemini-'));
  console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
});
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  warnings.length = 0;
});
after(() => {
  console.warn = warn;
  rmSync(dir, { recursive: true, force: true });
});

async function fake(options: FakeGeminiOptions = {}): Promise<{ fake: FakeGemini; ai: GoogleGenAI; stateDir: string }> {
  const f = await startFakeGemini(options);
  fakes.push(f);
  return { fake: f, ai: new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: f.url } }), stateDir: mkdtempSync(join(dir, 'state-')) };
}

const stateFiles = (stateDir: string) => readdirSync(stateDir).filter((n) => n.endsWith('.json'));

test('each answer is what the synchronous call returns: a GenerateContentResponse whose .text, candidates and usageMetadata match', async () => {
  const { fake: f, ai, stateDir } = await fake();
  const sync = await Promise.all(requests.map((r) => ai.models.generateContent(r)));
  const results = await runGenerateContentBatch(ai, requests, { pollIntervalMs: 1, stateDir });
  assert.equal(f.stats.batchesCreated, 1);
  assert.deepEqual(f.stats.batchKeys, [['req-0', 'req-1', 'req-2']]);
  for (let i = 0; i < requests.length; i++) {
    const got = results.get(i);
    assert.ok(got instanceof GenerateContentResponse);
    assert.equal(got.text, sync[i]!.text);
    assert.match(got.text ?? '', /\(system: Be brief\.\)$/, 'the system instruction reached the batch request');
    assert.deepEqual(got.candidates, sync[i]!.candidates);
    assert.deepEqual(got.usageMetadata, sync[i]!.usageMetadata);
  }
  assert.deepEqual(stateFiles(stateDir), [], 'nothing left to resume once every request succeeded');
});

test('a rejected request fails alone, with the ApiError (status and message) the synchronous call throws', async () => {
  const { ai, stateDir } = await fake({ rejectText: 'risks' });
  const syncError = await ai.models.generateContent(requests[1]!).then(() => null, (e: unknown) => e);
  assert.ok(syncError instanceof ApiError);
  const results = await runGenerateContentBatch(ai, requests, { pollIntervalMs: 1, stateDir });
  assert.match(results.get(0).text ?? '', /^\[gemini-2\.5-flash\] 7 words/);
  assert.match(results.get(2).text ?? '', /first: Translate/);
  assert.throws(() => results.get(1), (e: unknown) => e instanceof ApiError && e.status === syncError.status && e.message === syncError.message);
  assert.throws(() => results.values(), GeminiBatchRequestError);
});

test('a request whose building threw fails alone, and is never sent', async () => {
  const { fake: f, ai, stateDir } = await fake();
  const build = batchwiseRequest((p: string | null) => ({ model: 'gemini-2.5-flash', contents: p!.trim() }));
  const built = ['one two', null, 'three'].map(build);
  assert.ok(built[1] instanceof UnbuiltRequest);
  const results = await runGenerateContentBatch(ai, built, { pollIntervalMs: 1, stateDir });
  assert.deepEqual(f.stats.batchKeys, [['req-0', 'req-2']]);
  assert.throws(() => results.get(1), TypeError);
  assert.match(results.get(2).text ?? '', /first: three/);
});

test('a lost answer to creating the batch: the batch is found by its tag, not made and paid for twice', async () => {
  const { fake: f, ai, stateDir } = await fake({ faults: { dropResponse: { [CREATE]: 1 } } });
  const results = await runGenerateContentBatch(ai, requests, { pollIntervalMs: 1, stateDir });
  assert.equal(f.stats.batchesCreated, 1);
  assert.ok(f.stats.lists >= 1);
  assert.equal(results.values().length, 3);
  assert.ok(warnings.some((w) => /was lost .*found it by its tag/.test(w)), warnings.join('\n'));
});

test('a process that stopped before it heard back from create: the rerun finds that batch by the intent in the state file', async () => {
  // The create's answer is lost and so is the connection of the search that follows: the run fails as a process killed there would, leaving only the intent behind.
  const { fake: f, ai, stateDir } = await fake({ faults: { dropResponse: { [CREATE]: 1 }, resetBefore: { 'GET /v1beta/batches': 1 } } });
  await assert.rejects(runGenerateContentBatch(ai, requests, { pollIntervalMs: 1, stateDir }));
  const [file] = stateFiles(stateDir);
  assert.ok(file, 'the intent was recorded before the create');
  const state = JSON.parse(readFileSync(join(stateDir, file), 'utf8')) as { intent?: string; batchName?: string };
  assert.equal(typeof state.intent, 'string');
  assert.equal(state.batchName, undefined);
  const results = await runGenerateContentBatch(ai, requests, { pollIntervalMs: 1, stateDir });
  assert.equal(f.stats.batchesCreated, 1, 'the rerun resumed the batch the first run made');
  assert.equal(results.values().length, 3);
  assert.ok(warnings.some((w) => /found Gemini batch .*resuming it/.test(w)));
});

test('a malformed answer fails only its request (malformed_result); the others are delivered and the state file kept for a rerun, which makes no second batch', async () => {
  const { fake: f, ai, stateDir } = await fake({ faults: { malformedLines: ['req-1'] } });
  const results = await runGenerateContentBatch(ai, requests, { pollIntervalMs: 1, stateDir });
  assert.throws(() => results.get(1), (e: unknown) => e instanceof GeminiBatchItemError && e.code === 'malformed_result' && e.key === 'req-1');
  assert.match(results.get(0).text ?? '', /first: Summarize/);
  assert.match(results.get(2).text ?? '', /first: Translate/);
  assert.equal(stateFiles(stateDir).length, 1);
  await runGenerateContentBatch(ai, requests, { pollIntervalMs: 1, stateDir });
  assert.equal(f.stats.batchesCreated, 1);
});

test('a repeated answer is one answer; two different answers for one request fail that request (conflicting_results)', async () => {
  const { ai, stateDir } = await fake({ faults: { duplicateLines: ['req-0'], conflictingLines: ['req-2'] } });
  const results = await runGenerateContentBatch(ai, requests, { pollIntervalMs: 1, stateDir });
  assert.match(results.get(0).text ?? '', /first: Summarize/);
  assert.match(results.get(1).text ?? '', /first: List/);
  assert.throws(() => results.get(2), (e: unknown) => e instanceof GeminiBatchItemError && e.code === 'conflicting_results');
});

test('an expired batch: each request fails with batch_expired, and the run itself resolves', async () => {
  const { ai, stateDir } = await fake({ endState: 'BATCH_STATE_EXPIRED' });
  const results = await runGenerateContentBatch(ai, requests, { pollIntervalMs: 1, stateDir });
  for (let i = 0; i < 3; i++) assert.throws(() => results.get(i), (e: unknown) => e instanceof GeminiBatchItemError && e.code === 'batch_expired');
});

test('requests for two models go out as two batches (the model is in the URL), answers still in request order', async () => {
  const { fake: f, ai, stateDir } = await fake();
  const mixed = [requests[0]!, { ...requests[1]!, model: 'gemini-2.5-pro' }, requests[2]!];
  const results = await runGenerateContentBatch(ai, mixed, { pollIntervalMs: 1, stateDir });
  assert.equal(f.stats.batchesCreated, 2);
  assert.match(results.get(1).text ?? '', /^\[gemini-2\.5-pro\]/);
  assert.match(results.get(2).text ?? '', /^\[gemini-2\.5-flash\]/);
});

test('aborting cancels the batch it made and rejects', async () => {
  const { fake: f, ai, stateDir } = await fake({ faults: { stuck: true } });
  const controller = new AbortController();
  const run = runGenerateContentBatch(ai, requests, { pollIntervalMs: 1, stateDir, signal: controller.signal, onProgress: () => controller.abort() });
  await assert.rejects(run, (e: unknown) => e instanceof Error && e.name === 'AbortError');
  assert.equal(f.stats.cancels, 1);
  assert.ok(!existsSync(join(stateDir, stateFiles(stateDir)[0] ?? 'none')), 'a cancelled batch is not resumed');
});

test('a group that fails stops the run: the other group stops waiting, is not cancelled, and both state files are kept for a rerun', async () => {
  // The pro model's batch cannot be created (every connection reset); the flash one never ends.
  const PRO = 'POST /v1beta/models/gemini-2.5-pro:batchGenerateContent';
  const { fake: f, ai, stateDir } = await fake({ faults: { resetBefore: { [PRO]: 10 }, stuck: true } });
  const mixed = [requests[0]!, { ...requests[1]!, model: 'gemini-2.5-pro' }, requests[2]!];
  await assert.rejects(runGenerateContentBatch(ai, mixed, { pollIntervalMs: 1, stateDir, createRetries: 1 }), (e: unknown) => e instanceof Error && !/another Gemini batch/.test(e.message));
  assert.equal(f.stats.batchesCreated, 1, 'the flash batch was made');
  assert.equal(f.stats.cancels, 0, 'and left to run');
  const states = stateFiles(stateDir).map((n) => JSON.parse(readFileSync(join(stateDir, n), 'utf8')) as { batchName?: string; intent?: string });
  // The flash batch's name, kept for a rerun to resume; the pro create's intent, kept since its answer may have been lost.
  assert.deepEqual(states.map((st) => (st.batchName ? 'named' : 'intent')).sort(), ['intent', 'named']);
});
