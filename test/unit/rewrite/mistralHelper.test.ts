// The Mistral batch helper at run time, in-process with the real @mistralai/mistralai client against the
// local fake Mistral API: answers are the SDK's own ChatCompletionResponse / EmbeddingResponse, as the
// synchronous call gives them; a rejected request fails alone with the SDKError the synchronous call
// throws; a lost create answer is found by its tag instead of paid twice; a cut, malformed or
// conflicting line fails only its request and keeps the state file; a restarted process resumes its job.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mistral } from '@mistralai/mistralai';
import { batchwiseRequest, MistralBatchItemError, MistralBatchRequestError, runMistralChatBatch, runMistralEmbeddingsBatch, UnbuiltRequest } from '../../../src/core/rewrite/templates/mistralBatch';
import { FakeMistral, FakeMistralOptions, startFakeMistral } from '../../fake-provider/mistral';

type ChatCompletionRequest = Parameters<Mistral['chat']['complete']>[0];
/** The SDK's error for an HTTP status (SDKError), as the synchronous call throws it: the package root does not export its class. */
type SDKError = Error & { statusCode: number; body: string };

const prompts = ['Summarize the first chapter in one line', 'List three risks of the plan', 'Translate "good night" into French'];
const requests: ChatCompletionRequest[] = prompts.map((content) => ({ model: 'mistral-small-latest', maxTokens: 64, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content }] }));
const CREATE = 'POST /v1/batch/jobs';

let dir: string;
const fakes: FakeMistral[] = [];
const warnings: string[] = [];
const warn = console.warn;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'batchwise-mistral-'));
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

async function fake(options: FakeMistralOptions = {}): Promise<{ fake: FakeMistral; client: Mistral; stateDir: string }> {
  const f = await startFakeMistral(options);
  fakes.push(f);
  return { fake: f, client: new Mistral({ apiKey: 'test-key', serverURL: f.url }), stateDir: mkdtempSync(join(dir, 'state-')) };
}

const stateFiles = (stateDir: string) => readdirSync(stateDir).filter((n) => n.endsWith('.json'));

test('each chat answer is what client.chat.complete returns (the SDK\'s ChatCompletionResponse, camelCase usage and all), through one job of one uploaded file', async () => {
  const { fake: f, client, stateDir } = await fake();
  const sync = await Promise.all(requests.map((r) => client.chat.complete(r)));
  const results = await runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir });
  assert.equal(f.stats.uploads, 1);
  assert.equal(f.stats.jobsCreated, 1);
  assert.deepEqual(f.stats.jobKeys, [['req-0', 'req-1', 'req-2']]);
  for (let i = 0; i < requests.length; i++) {
    assert.deepEqual(results.get(i), sync[i]);
    assert.match(String(results.get(i).choices[0]?.message?.content), /\(system: Be brief\.\)$/, 'the whole request reached the job');
  }
  assert.equal(typeof results.get(0).usage.promptTokens, 'number');
  assert.deepEqual(stateFiles(stateDir), [], 'nothing left to resume once every answer was read');
});

test('embeddings answers are what client.embeddings.create returns', async () => {
  const { client, stateDir } = await fake();
  const reqs = [{ model: 'mistral-embed', inputs: ['What is the best French cheese?'] }, { model: 'mistral-embed', inputs: ['one', 'two words'] }];
  const sync = await Promise.all(reqs.map((r) => client.embeddings.create(r)));
  const results = await runMistralEmbeddingsBatch(client, reqs, { pollIntervalMs: 1, stateDir });
  assert.deepEqual(results.values(), sync);
});

test('a rejected request fails alone, with the SDKError (status, message, body) the synchronous call throws', async () => {
  const { client, stateDir } = await fake({ rejectText: 'risks' });
  const syncError = await client.chat.complete(requests[1]!).then(() => null, (e: unknown) => e);
  assert.ok(syncError instanceof Error && syncError.name === 'SDKError');
  const sdkError = syncError as SDKError;
  const results = await runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir });
  assert.match(String(results.get(0).choices[0]?.message?.content), /first: Summarize/);
  assert.throws(() => results.get(1), (e: unknown) => e instanceof Error && e.constructor === sdkError.constructor && (e as SDKError).statusCode === sdkError.statusCode && e.message === sdkError.message && (e as SDKError).body === sdkError.body);
  assert.throws(() => results.values(), MistralBatchRequestError);
});

test('a request the job could not process fails alone (request_failed); a request whose building threw fails alone and is never sent', async () => {
  const { fake: f, client, stateDir } = await fake({ failKeys: ['req-0'] });
  const build = batchwiseRequest((p: string | null): ChatCompletionRequest => ({ model: 'mistral-small-latest', messages: [{ role: 'user', content: p!.trim() }] }));
  const built = ['one two', null, 'three'].map(build);
  assert.ok(built[1] instanceof UnbuiltRequest);
  const results = await runMistralChatBatch(client, built, { pollIntervalMs: 1, stateDir });
  assert.deepEqual(f.stats.jobKeys, [['req-0', 'req-2']]);
  assert.throws(() => results.get(0), (e: unknown) => e instanceof MistralBatchItemError && e.code === 'request_failed');
  assert.throws(() => results.get(1), TypeError);
  assert.match(String(results.get(2).choices[0]?.message?.content), /first: three/);
});

test('a lost answer to creating the job: the job is found by its tag, not made and paid for twice', async () => {
  const { fake: f, client, stateDir } = await fake({ faults: { dropResponse: { [CREATE]: 1 } } });
  const results = await runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir });
  assert.equal(f.stats.jobsCreated, 1);
  assert.ok(f.stats.lists >= 1);
  assert.equal(results.values().length, 3);
  assert.equal(typeof f.stats.jobMetadata[0]?.['batchwise_intent'], 'string');
  assert.ok(warnings.some((w) => /was lost .*found it by its tag/.test(w)), warnings.join('\n'));
});

test('a process that stopped before it heard back from create: the rerun finds that job by the intent in the state file', async () => {
  // The create's answer is lost and so is the connection of the search that follows: the run fails as a process killed there would, leaving only the intent behind.
  const { fake: f, client, stateDir } = await fake({ faults: { dropResponse: { [CREATE]: 1 }, resetBefore: { 'GET /v1/batch/jobs': 1 } } });
  await assert.rejects(runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir }));
  const [file] = stateFiles(stateDir);
  assert.ok(file, 'the intent was recorded before the create');
  const state = JSON.parse(readFileSync(join(stateDir, file), 'utf8')) as { intent?: string; jobId?: string };
  assert.equal(typeof state.intent, 'string');
  assert.equal(state.jobId, undefined);
  const results = await runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir });
  assert.equal(f.stats.jobsCreated, 1, 'the rerun resumed the job the first run made');
  assert.equal(results.values().length, 3);
  assert.ok(warnings.some((w) => /found Mistral batch job .*resuming it/.test(w)));
});

test('a malformed line fails only its request (malformed_result); the others are delivered and the state file kept for a rerun, which makes no second job', async () => {
  const { fake: f, client, stateDir } = await fake({ faults: { malformedLines: ['req-1'] } });
  const results = await runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir });
  assert.throws(() => results.get(1), (e: unknown) => e instanceof MistralBatchItemError && e.code === 'malformed_result' && e.customId === 'req-1');
  assert.match(String(results.get(0).choices[0]?.message?.content), /first: Summarize/);
  assert.match(String(results.get(2).choices[0]?.message?.content), /first: Translate/);
  assert.equal(stateFiles(stateDir).length, 1);
  await runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir });
  assert.equal(f.stats.jobsCreated, 1);
});

test('an output file cut mid-line: the cut request fails alone, and the rerun reads the whole file', async () => {
  const { fake: f, client, stateDir } = await fake({ faults: { cutResults: 1 } });
  const first = await runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir });
  const failed = [...first.errors.values()];
  assert.equal(failed.length, 1);
  assert.ok(failed[0] instanceof MistralBatchItemError && failed[0].code === 'malformed_result');
  const second = await runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir });
  assert.equal(second.values().length, 3);
  assert.equal(f.stats.jobsCreated, 1);
});

test('a repeated line is one answer; two different lines for one request fail that request (conflicting_results)', async () => {
  const { client, stateDir } = await fake({ faults: { duplicateLines: ['req-0'], conflictingLines: ['req-2'] } });
  const results = await runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir });
  assert.match(String(results.get(0).choices[0]?.message?.content), /first: Summarize/);
  assert.match(String(results.get(1).choices[0]?.message?.content), /first: List/);
  assert.throws(() => results.get(2), (e: unknown) => e instanceof MistralBatchItemError && e.code === 'conflicting_results');
});

test('a job that timed out: its answered request is delivered, the others fail with job_timeout, and the run itself resolves', async () => {
  const { client, stateDir } = await fake({ endStatus: 'TIMEOUT_EXCEEDED' });
  const results = await runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir });
  assert.match(String(results.get(0).choices[0]?.message?.content), /first: Summarize/);
  for (const i of [1, 2]) assert.throws(() => results.get(i), (e: unknown) => e instanceof MistralBatchItemError && e.code === 'job_timeout');
});

test('requests for two models go out as two jobs (a job takes one model), answers still in request order', async () => {
  const { fake: f, client, stateDir } = await fake();
  const mixed = [requests[0]!, { ...requests[1]!, model: 'mistral-large-latest' }, requests[2]!];
  const results = await runMistralChatBatch(client, mixed, { pollIntervalMs: 1, stateDir });
  assert.equal(f.stats.jobsCreated, 2);
  assert.match(String(results.get(1).choices[0]?.message?.content), /^\[mistral-large-latest\]/);
  assert.match(String(results.get(2).choices[0]?.message?.content), /^\[mistral-small-latest\]/);
});

test('aborting cancels the job it made and rejects, leaving nothing to resume', async () => {
  const { fake: f, client, stateDir } = await fake({ faults: { stuck: true } });
  const controller = new AbortController();
  const run = runMistralChatBatch(client, requests, { pollIntervalMs: 1, stateDir, signal: controller.signal, onProgress: () => controller.abort() });
  await assert.rejects(run, (e: unknown) => e instanceof Error && e.name === 'AbortError');
  assert.equal(f.stats.cancels, 1);
  assert.deepEqual(stateFiles(stateDir), []);
});

test('a group that fails stops the run: the other group stops waiting, is not cancelled, and both state files are kept for a rerun', async () => {
  // The large model's job cannot be created (its create never gets through: both models' creates share a route, so the client is wrapped); the small one never ends.
  const { fake: f, client, stateDir } = await fake({ faults: { stuck: true } });
  const mixed = [requests[0]!, { ...requests[1]!, model: 'mistral-large-latest' }, requests[2]!];
  const real = client.batch.jobs.create.bind(client.batch.jobs);
  client.batch.jobs.create = (async (...args: Parameters<typeof real>) => {
    if (args[0].model === 'mistral-large-latest') throw new TypeError('fetch failed');
    return real(...args);
  }) as typeof real;
  await assert.rejects(runMistralChatBatch(client, mixed, { pollIntervalMs: 1, stateDir, createRetries: 1 }), (e: unknown) => e instanceof Error && !/another Mistral batch job/.test(e.message));
  assert.equal(f.stats.jobsCreated, 1, 'the small model\'s job was made');
  assert.equal(f.stats.cancels, 0, 'and left to run');
  const states = stateFiles(stateDir).map((n) => JSON.parse(readFileSync(join(stateDir, n), 'utf8')) as { jobId?: string; intent?: string });
  assert.deepEqual(states.map((st) => (st.jobId ? 'named' : 'intent')).sort(), ['intent', 'named']);
});

test('the fake takes inline batch requests as the SDK sends them, and gives their outputs with inline=true (the SDK parses both answers)', async () => {
  const { client } = await fake({ progressSteps: 0 });
  const created = await client.batch.jobs.create({ requests: [{ customId: 'a', body: { messages: [{ role: 'user', content: 'one two' }] } }], model: 'mistral-small-latest', endpoint: '/v1/chat/completions', metadata: { run: 'x' } });
  assert.equal(created.status, 'QUEUED');
  const done = await client.batch.jobs.get({ jobId: created.id, inline: true });
  assert.equal(done.status, 'SUCCESS');
  assert.equal(done.outputs?.[0]?.['custom_id'], 'a');
  assert.match(JSON.stringify(done.outputs?.[0]?.['response']), /"status_code":200.*first: one/);
  const listed = await client.batch.jobs.list({ metadata: { run: 'x' } });
  assert.deepEqual(listed.data?.map((j) => j.id), [created.id]);
  assert.equal((await client.batch.jobs.list({ metadata: { run: 'y' } })).total, 0);
});
