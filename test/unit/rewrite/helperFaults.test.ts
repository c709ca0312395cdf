// The batch helpers under the faults a network and a provider inject (test/fake-provider/faults.ts),
// each checked for both helpers by what the run delivers: a lost or reset create never pays for a
// second batch, a process killed while creating or waiting is resumed by the next run, a cut,
// repeated, conflicting or malformed result line costs only its own request (with a code, and no
// model output on stderr) and a rerun reads it again, a stuck batch is cancelled at the deadline.
import { after, before, test, TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { BatchItemError, BatchRequestError, runChatCompletionsBatch } from '../../../src/core/rewrite/templates/openaiBatch';
import { MessageBatchItemError, MessageBatchRequestError, runMessagesBatch } from '../../../src/core/rewrite/templates/anthropicBatch';
import { Faults } from '../../fake-provider/faults';
import { startFakeOpenAI } from '../../fake-provider/openai';
import { startFakeAnthropic } from '../../fake-provider/anthropic';

interface Fake {
  url: string;
  close(): Promise<void>;
  stats: { batchesCreated: number; cancels: number; batchCustomIds: string[][] };
  faults: Faults;
  waitFor(route: string): Promise<void>;
}

interface RunOptions {
  stateDir?: string | false;
  timeoutMs?: number;
  resubmitFailed?: number;
}

interface Results {
  get(index: number): unknown;
  values(): unknown[];
  batchIds: string[];
}

interface Provider {
  name: 'openai' | 'anthropic';
  routes: { create: string; status: string; results: string };
  itemErrorClass: typeof BatchItemError | typeof MessageBatchItemError;
  requestErrorClass: typeof BatchRequestError | typeof MessageBatchRequestError;
  start(options?: { faults?: Faults }): Promise<Fake>;
  run(fake: Fake, options: RunOptions): Promise<Results>;
  sync(fake: Fake): Promise<unknown[]>;
  /** The model's words in an answer: what must never reach stderr. */
  text(answer: unknown): string;
  /** A program that runs the same batch in a process of its own (to be killed), as `node -e` source. */
  program(fake: Fake, stateDir: string): string;
}

const prompts = ['Summarize the first chapter in one line', 'List three risks of the plan', 'Translate "good night" into French'];
const openaiRequests: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming[] = prompts.map((content) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }));
const anthropicRequests: Anthropic.Messages.MessageCreateParamsNonStreaming[] = prompts.map((content) => ({ model: 'claude-haiku-4-5', max_tokens: 200, messages: [{ role: 'user', content }] }));

/** `node -e` source that runs one helper function with one SDK, compiled as these tests are. */
function program(sdk: string, helper: string, fn: string, url: string, requests: unknown, stateDir: string): string {
  return [
    `const Sdk = require(${JSON.stringify(require.resolve(sdk))});`,
    `const helper = require(${JSON.stringify(require.resolve(helper))});`,
    `const client = new (Sdk.default ?? Sdk)({ baseURL: ${JSON.stringify(url)}, apiKey: 'test-key' });`,
    `helper.${fn}(client, ${JSON.stringify(requests)}, { stateDir: ${JSON.stringify(stateDir)}, pollIntervalMs: 1 }).then(() => process.exit(0), () => process.exit(2));`,
  ].join('\n');
}

const providers: Provider[] = [
  {
    name: 'openai',
    routes: { create: 'POST /v1/batches', status: 'GET /v1/batches/:id', results: 'GET /v1/files/:id/content' },
    itemErrorClass: BatchItemError,
    requestErrorClass: BatchRequestError,
    start: (options) => startFakeOpenAI(options),
    run: (fake, options) => runChatCompletionsBatch(new OpenAI({ baseURL: fake.url, apiKey: 'test-key' }), openaiRequests, { pollIntervalMs: 1, ...options }),
    sync: (fake) => {
      const client = new OpenAI({ baseURL: fake.url, apiKey: 'test-key' });
      return Promise.all(openaiRequests.map((r) => client.chat.completions.create(r)));
    },
    text: (answer) => String((answer as OpenAI.Chat.ChatCompletion).choices[0].message.content),
    program: (fake, stateDir) => program('openai', '../../../src/core/rewrite/templates/openaiBatch', 'runChatCompletionsBatch', fake.url, openaiRequests, stateDir),
  },
  {
    name: 'anthropic',
    routes: { create: 'POST /v1/messages/batches', status: 'GET /v1/messages/batches/:id', results: 'GET /v1/messages/batches/:id/results' },
    itemErrorClass: MessageBatchItemError,
    requestErrorClass: MessageBatchRequestError,
    start: (options) => startFakeAnthropic(options),
    run: (fake, options) => runMessagesBatch(new Anthropic({ baseURL: fake.url, apiKey: 'test-key' }), anthropicRequests, { pollIntervalMs: 1, ...options }),
    sync: (fake) => {
      const client = new Anthropic({ baseURL: fake.url, apiKey: 'test-key' });
      return Promise.all(anthropicRequests.map((r) => client.messages.create(r)));
    },
    text: (answer) => {
      const block = (answer as Anthropic.Messages.Message).content[0];
      return block.type === 'text' ? block.text : '';
    },
    program: (fake, stateDir) => program('@anthropic-ai/sdk', '../../../src/core/rewrite/templates/anthropicBatch', 'runMessagesBatch', fake.url, anthropicRequests, stateDir),
  },
];

const ENV = ['BATCHWISE_STATE_DIR', 'BATCHWISE_RESUBMIT_FAILED', 'BATCHWISE_POLL_MS'];
const savedEnv = new Map(ENV.map((name) => [name, process.env[name]]));
const tempDirs: string[] = [];
before(() => {
  for (const name of ENV) delete process.env[name];
});
after(() => {
  for (const [name, value] of savedEnv) if (value !== undefined) process.env[name] = value;
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'batchwise-faults-'));
  tempDirs.push(dir);
  return dir;
}

function stateFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => name !== '.gitignore').sort() : [];
}

/** Everything the helper writes to stderr (console.warn and console.error), kept for the test to read. */
function captureStderr(t: TestContext): string[] {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  t.mock.method(console, 'warn', keep);
  t.mock.method(console, 'error', keep);
  return lines;
}

async function withFake(p: Provider, faults: Faults, body: (fake: Fake) => Promise<void>): Promise<void> {
  const fake = await p.start({ faults });
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

/** What `get(i)` throws for request i, or undefined when it answers. */
function thrown(results: Results, index: number): unknown {
  try {
    results.get(index);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Runs the batch in a process of its own and kills it (SIGKILL) once the server has acted on `route`. */
async function killAt(p: Provider, fake: Fake, stateDir: string, route: string): Promise<void> {
  const reached = fake.waitFor(route);
  const child = spawn(process.execPath, ['-e', p.program(fake, stateDir)], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  await Promise.race([reached, exited]);
  child.kill('SIGKILL');
  const [code, signal] = await exited;
  assert.equal(signal, 'SIGKILL', `the program ended on its own (exit ${String(code)}) before the server acted on ${route}`);
}

for (const p of providers) {
  test(`${p.name}: a create whose answer is lost (the connection reset after the batch was made) pays for no second batch, and says so`, async (t) => {
    const stderr = captureStderr(t);
    await withFake(p, { dropResponse: { [p.routes.create]: 1 } }, async (fake) => {
      const results = await p.run(fake, { stateDir: tempDir() });
      assert.equal(fake.stats.batchesCreated, 1, 'the batch the lost answer was about is the one used');
      assert.deepEqual(results.values(), await p.sync(fake));
      assert.equal(stderr.length, 1, stderr.join('\n'));
      assert.match(stderr[0], new RegExp(`^batchwise: the answer to creating (message )?batch ${results.batchIds[0]} was lost \\(.*\\); found it .*instead of creating a second batch$`));
    });
  });

  test(`${p.name}: a lost create answer is found without a state folder too (stateDir false)`, async (t) => {
    captureStderr(t);
    await withFake(p, { dropResponse: { [p.routes.create]: 1 } }, async (fake) => {
      const results = await p.run(fake, { stateDir: false });
      assert.equal(fake.stats.batchesCreated, 1);
      assert.deepEqual(results.values(), await p.sync(fake));
    });
  });

  test(`${p.name}: a create reset before the provider saw it is sent again, once`, async (t) => {
    const stderr = captureStderr(t);
    await withFake(p, { resetBefore: { [p.routes.create]: 1 } }, async (fake) => {
      const results = await p.run(fake, { stateDir: tempDir() });
      assert.equal(fake.stats.batchesCreated, 1);
      assert.deepEqual(results.values(), await p.sync(fake));
      assert.deepEqual(stderr, [], 'nothing was lost, so nothing to say');
    });
  });

  test(`${p.name}: a process killed while its create is unanswered is resumed by the next run from the intent in its state file`, async (t) => {
    const stderr = captureStderr(t);
    const stateDir = tempDir();
    await withFake(p, { hang: [p.routes.create] }, async (fake) => {
      await killAt(p, fake, stateDir, p.routes.create);
      assert.equal(fake.stats.batchesCreated, 1, 'the provider made the batch');
      const [file] = stateFiles(stateDir);
      const state = JSON.parse(readFileSync(join(stateDir, file), 'utf8')) as { batchId?: string; intent?: string };
      assert.equal(state.batchId, undefined, 'the batch id never arrived');
      assert.equal(typeof state.intent, 'string', 'the intent was recorded before the create');
      fake.faults = {};
      const results = await p.run(fake, { stateDir });
      assert.equal(fake.stats.batchesCreated, 1, 'no second batch');
      assert.deepEqual(results.values(), await p.sync(fake));
      assert.equal(stderr.length, 1, stderr.join('\n'));
      assert.match(stderr[0], new RegExp(`^batchwise: found (message )?batch ${results.batchIds[0]}.*an earlier run created but stopped before it heard back.*resuming it instead of creating a second batch$`));
      assert.deepEqual(stateFiles(stateDir), []);
    });
  });

  test(`${p.name}: a process killed while it polls is resumed by the next run from its state file`, async () => {
    const stateDir = tempDir();
    await withFake(p, {}, async (fake) => {
      await killAt(p, fake, stateDir, p.routes.status);
      assert.equal(fake.stats.batchesCreated, 1);
      assert.equal(stateFiles(stateDir).length, 1);
      const results = await p.run(fake, { stateDir });
      assert.equal(fake.stats.batchesCreated, 1, 'no second batch');
      assert.deepEqual(results.values(), await p.sync(fake));
      assert.deepEqual(stateFiles(stateDir), []);
    });
  });

  test(`${p.name}: a reset status check or a lost results download is retried by the SDK, and the run finishes`, async () => {
    await withFake(p, { resetBefore: { [p.routes.status]: 1 }, dropResponse: { [p.routes.results]: 1 } }, async (fake) => {
      const results = await p.run(fake, { stateDir: false });
      assert.deepEqual(results.values(), await p.sync(fake));
      assert.equal(fake.stats.batchesCreated, 1);
    });
  });

  test(`${p.name}: a results download cut mid-line once is read again, and nothing is lost`, async () => {
    await withFake(p, { cutResults: 1 }, async (fake) => {
      const results = await p.run(fake, { stateDir: false });
      assert.deepEqual(results.values(), await p.sync(fake));
    });
  });

  test(`${p.name}: a result file cut mid-line fails only the cut request (code malformed_result); the rest are delivered, and a rerun recovers it without a new batch`, async (t) => {
    const stderr = captureStderr(t);
    const stateDir = tempDir();
    await withFake(p, { cutResults: Infinity }, async (fake) => {
      const first = await p.run(fake, { stateDir });
      const sync = await p.sync(fake);
      const failed = [0, 1, 2].filter((i) => thrown(first, i) !== undefined);
      assert.equal(failed.length, 1, 'only the request on the cut line fails');
      const error = thrown(first, failed[0]);
      assert.ok(error instanceof p.itemErrorClass, String(error));
      assert.equal(error.code, 'malformed_result');
      assert.equal(error.customId, `req-${failed[0]}`);
      for (const i of [0, 1, 2].filter((i) => i !== failed[0])) assert.deepEqual(first.get(i), sync[i]);
      assert.equal(fake.stats.batchesCreated, 1, 'an answer paid for is not bought again');
      assert.equal(stateFiles(stateDir).length, 1, 'the batch is kept for a rerun');
      const said = stderr.join('\n');
      for (const answer of sync) assert.ok(!said.includes(p.text(answer)), `stderr holds model output: ${said}`);

      fake.faults.cutResults = 0;
      const second = await p.run(fake, { stateDir });
      assert.equal(fake.stats.batchesCreated, 1, 'the rerun reads the same batch');
      assert.deepEqual(second.values(), sync);
      assert.deepEqual(stateFiles(stateDir), []);
    });
  });

  test(`${p.name}: a malformed line fails its request alone, and neither stderr nor the errors hold model output`, async (t) => {
    const stderr = captureStderr(t);
    await withFake(p, { malformedLines: ['req-2'] }, async (fake) => {
      const results = await p.run(fake, { stateDir: tempDir() });
      const sync = await p.sync(fake);
      assert.deepEqual([results.get(0), results.get(1)], [sync[0], sync[1]]);
      const error = thrown(results, 2);
      assert.ok(error instanceof p.itemErrorClass && error.code === 'malformed_result', String(error));
      assert.match((error as Error).message, /\(line \d+\) is cut or malformed; the other results were delivered, and the batch is kept for a rerun to read again$/);
      assert.equal(fake.stats.batchesCreated, 1, 'not resubmitted: it was paid for');
      const aggregate = (() => {
        try {
          results.values();
        } catch (e) {
          return e as Error;
        }
        assert.fail('values() should throw');
      })();
      assert.ok(aggregate instanceof p.requestErrorClass);
      const said = [...stderr, aggregate.message, (error as Error).message].join('\n');
      assert.ok(!said.includes(p.text(sync[2])), `model output in: ${said}`);
      assert.ok(!/SyntaxError|Unexpected|JSON at position|is not valid JSON/.test(said), said);
    });
  });

  test(`${p.name}: a line written twice is one answer; two different lines for one request fail it (conflicting_results), and only it`, async () => {
    await withFake(p, { duplicateLines: ['req-0', 'req-2'], conflictingLines: ['req-1'] }, async (fake) => {
      const results = await p.run(fake, { stateDir: tempDir() });
      const sync = await p.sync(fake);
      assert.deepEqual([results.get(0), results.get(2)], [sync[0], sync[2]]);
      const error = thrown(results, 1);
      assert.ok(error instanceof p.itemErrorClass && error.code === 'conflicting_results', String(error));
      assert.deepEqual(fake.stats.batchCustomIds, [['req-0', 'req-1', 'req-2']], 'not resubmitted: it was paid for');
    });
  });

  test(`${p.name}: a batch stuck in progress is cancelled at the deadline, and the run says so`, async () => {
    const stateDir = tempDir();
    await withFake(p, { stuck: true }, async (fake) => {
      await assert.rejects(p.run(fake, { stateDir, timeoutMs: 50 }), /did not finish in time; it was cancelled/);
      assert.equal(fake.stats.batchesCreated, 1);
      assert.equal(fake.stats.cancels, 1);
      assert.deepEqual(stateFiles(stateDir), [], 'a cancelled batch is not resumed');
    });
  });
}
