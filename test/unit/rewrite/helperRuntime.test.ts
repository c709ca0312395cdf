// The batch helpers at run time, in-process with the real SDK clients against the local fake
// providers: a restarted process resumes its batch from the state file instead of paying for a new
// one, state files live exactly as long as something is worth resuming, and resubmission sends only
// the requests that failed — each behaviour checked for both helpers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { BatchItemError, BatchRequestError, BatchResults, batchwiseRequest, runChatCompletionsBatch, runEmbeddingsBatch, runModerationsBatch, UnbuiltRequest } from '../../../src/core/rewrite/templates/openaiBatch';
import { batchwiseRequest as anthropicBatchwiseRequest, MessageBatchItemError, MessageBatchRequestError, MessageBatchResults, runMessagesBatch, UnbuiltRequest as AnthropicUnbuiltRequest } from '../../../src/core/rewrite/templates/anthropicBatch';
import { BatchQueue } from '../../../src/core/rewrite/templates/batchQueue';
import { startFakeOpenAI } from '../../fake-provider/openai';
import { startFakeAnthropic } from '../../fake-provider/anthropic';
import { REPO_ROOT } from '../helpers';

interface Fake {
  url: string;
  close(): Promise<void>;
  stats: { batchesCreated: number; cancels: number; batchCustomIds: string[][] };
}

interface RunOptions {
  pollIntervalMs?: number;
  stateDir?: string | false;
  resubmitFailed?: number;
  onProgress?: (batch: { id: string }) => void;
  signal?: AbortSignal;
}

type Results = BatchResults<unknown> | MessageBatchResults;

/** What the tests need of a provider: its fake, its helper, the sync endpoint to compare with. */
interface Provider {
  name: 'openai' | 'anthropic';
  endpoint: string;
  /** What `values()` throws when a request failed. */
  errorClass: typeof BatchRequestError | typeof MessageBatchRequestError;
  /** The SDK's own classes: what a request that failed throws, as the synchronous call would. */
  sdk: { APIError: typeof OpenAI.APIError | typeof Anthropic.APIError; BadRequestError: typeof OpenAI.BadRequestError | typeof Anthropic.BadRequestError; InternalServerError: typeof OpenAI.InternalServerError | typeof Anthropic.InternalServerError; APIUserAbortError: typeof OpenAI.APIUserAbortError | typeof Anthropic.APIUserAbortError };
  itemErrorClass: typeof BatchItemError | typeof MessageBatchItemError;
  /** The start of the helper's aggregate error message. */
  errorPrefix: string;
  /** The message of a request that failed once with a transient server error. */
  transientMessage: string;
  start(options?: { failCustomIds?: string[]; failCustomIdsOnce?: string[]; failCustomIdsTimes?: Record<string, number>; expireAfter?: number; rejectText?: string; progressSteps?: number }): Promise<Fake>;
  /** `client` adds to the options the client is made with (maxRetries). */
  run(fake: Fake, options: RunOptions, client?: { maxRetries?: number }): Promise<Results>;
  sync(fake: Fake): Promise<unknown[]>;
  /** Each request on its own at the synchronous endpoint: answered or rejected. */
  syncSettled(fake: Fake): Promise<PromiseSettledResult<unknown>[]>;
  /** Input files uploaded (OpenAI); Message Batches take their requests inline, so always 0 there. */
  uploads(fake: Fake): number;
  /** Makes an ended batch's results unavailable, as time does: OpenAI deletes the output file, Anthropic archives the batch. */
  dropResults(fake: Fake, batchId: string): Promise<void>;
}

const prompts = ['Summarize the first chapter in one line', 'List three risks of the plan', 'Translate "good night" into French'];

const openaiRequests: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming[] = prompts.map((content) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
}));
const anthropicRequests: Anthropic.Messages.MessageCreateParamsNonStreaming[] = prompts.map((content) => ({
  model: 'claude-haiku-4-5',
  max_tokens: 200,
  messages: [{ role: 'user', content }],
}));

const providers: Provider[] = [
  {
    name: 'openai',
    endpoint: '/v1/chat/completions',
    errorClass: BatchRequestError,
    sdk: OpenAI,
    itemErrorClass: BatchItemError,
    errorPrefix: 'batch request(s) failed',
    transientMessage: '500 The server had an error while processing your request. Sorry about that!',
    start: (options) => startFakeOpenAI(options),
    run: (fake, options, client) => runChatCompletionsBatch(new OpenAI({ baseURL: fake.url, apiKey: 'test-key', ...client }), openaiRequests, { pollIntervalMs: 1, ...options }),
    sync: (fake) => {
      const client = new OpenAI({ baseURL: fake.url, apiKey: 'test-key' });
      return Promise.all(openaiRequests.map((r) => client.chat.completions.create(r)));
    },
    syncSettled: (fake) => {
      const client = new OpenAI({ baseURL: fake.url, apiKey: 'test-key', maxRetries: 0 });
      return Promise.allSettled(openaiRequests.map((r) => client.chat.completions.create(r)));
    },
    uploads: (fake) => (fake as Fake & { stats: { fileUploads: number } }).stats.fileUploads,
    dropResults: async (fake, batchId) => {
      const client = new OpenAI({ baseURL: fake.url, apiKey: 'test-key' });
      const batch = await client.batches.retrieve(batchId);
      assert.ok(batch.output_file_id);
      assert.equal((await client.files.delete(batch.output_file_id)).deleted, true);
    },
  },
  {
    name: 'anthropic',
    endpoint: '/v1/messages',
    errorClass: MessageBatchRequestError,
    sdk: Anthropic,
    itemErrorClass: MessageBatchItemError,
    errorPrefix: 'message batch request(s) failed',
    transientMessage: '500 {"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"',
    start: (options) => startFakeAnthropic(options),
    run: (fake, options, client) => runMessagesBatch(new Anthropic({ baseURL: fake.url, apiKey: 'test-key', ...client }), anthropicRequests, { pollIntervalMs: 1, ...options }),
    sync: (fake) => {
      const client = new Anthropic({ baseURL: fake.url, apiKey: 'test-key' });
      return Promise.all(anthropicRequests.map((r) => client.messages.create(r)));
    },
    syncSettled: (fake) => {
      const client = new Anthropic({ baseURL: fake.url, apiKey: 'test-key', maxRetries: 0 });
      return Promise.allSettled(anthropicRequests.map((r) => client.messages.create(r)));
    },
    uploads: () => 0,
    dropResults: async (fake, batchId) => (fake as Fake & { archive(id: string): void }).archive(batchId),
  },
];

const ALL = ['req-0', 'req-1', 'req-2'];
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
  const dir = mkdtempSync(join(tmpdir(), 'batchwise-state-'));
  tempDirs.push(dir);
  return dir;
}

/** The state files in a folder (none when it does not exist), leaving out the .gitignore of a folder the helper made. */
function stateFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => name !== '.gitignore').sort() : [];
}

async function withFake(p: Provider, options: Parameters<Provider['start']>[0], body: (fake: Fake) => Promise<void>): Promise<void> {
  const fake = await p.start(options);
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

/** A run that dies (as a killed process would) after its batch was created and checked once. */
async function crashAfterCreate(p: Provider, fake: Fake, stateDir: string | false): Promise<string> {
  let batchId = '';
  await assert.rejects(
    p.run(fake, {
      stateDir,
      onProgress: (batch) => {
        batchId = batch.id;
        throw new Error('simulated crash');
      },
    }),
    /simulated crash/,
  );
  assert.notEqual(batchId, '');
  return batchId;
}

for (const p of providers) {
  test(`${p.name}: a restarted run resumes the batch named in the state file instead of creating one`, async () => {
    const stateDir = tempDir();
    await withFake(p, {}, async (fake) => {
      const batchId = await crashAfterCreate(p, fake, stateDir);
      const files = stateFiles(stateDir);
      assert.equal(files.length, 1, `state files: ${files.join(', ')}`);
      assert.match(files[0], new RegExp(`^${p.name}-[0-9a-f]{16}\\.json$`));
      const state = JSON.parse(readFileSync(join(stateDir, files[0]), 'utf8')) as Record<string, unknown>;
      const { createdAt, inputFileId, intent, ...rest } = state;
      assert.deepEqual(rest, { version: 1, provider: p.name, endpoint: p.endpoint, batchId, requests: 3 });
      assert.match(String(intent), /^[0-9a-f-]{36}$/, 'the tag recorded before the batch was created');
      assert.ok(typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt)), `createdAt: ${String(createdAt)}`);
      assert.equal(typeof inputFileId, p.name === 'openai' ? 'string' : 'undefined');
      assert.equal(fake.stats.batchesCreated, 1);
      const uploads = p.uploads(fake);

      const results = await p.run(fake, { stateDir });
      assert.equal(fake.stats.batchesCreated, 1, 'no second batch');
      assert.equal(p.uploads(fake), uploads, 'no second upload');
      assert.deepEqual(results.values(), await p.sync(fake));
      assert.deepEqual(stateFiles(stateDir), [], 'the state file is gone once every request succeeded');
    });
  });

  test(`${p.name}: the state file exists while the batch runs and is removed after full success`, async () => {
    const stateDir = tempDir();
    await withFake(p, {}, async (fake) => {
      const seen: string[][] = [];
      const results = await p.run(fake, { stateDir, onProgress: () => seen.push(stateFiles(stateDir)) });
      assert.ok(seen.length > 0);
      assert.ok(seen.every((files) => files.length === 1 && files[0].startsWith(`${p.name}-`)), JSON.stringify(seen));
      assert.deepEqual(stateFiles(stateDir), []);
      assert.deepEqual(results.values(), await p.sync(fake));
    });
  });

  test(`${p.name}: a failed request fails alone, with the SDK's error; the state is kept and a rerun with resubmitFailed sends only that request`, async (t) => {
    const stateDir = tempDir();
    const warnings: string[] = [];
    t.mock.method(console, 'warn', (message: string) => String(message).startsWith('batchwise:') && warnings.push(message));
    await withFake(p, { failCustomIdsOnce: ['req-1'] }, async (fake) => {
      const first = await p.run(fake, { stateDir, resubmitFailed: 0 });
      const sync = await p.sync(fake);
      // The others are answered; the failed one throws what the synchronous call throws for a 500.
      assert.deepEqual([first.get(0), first.get(2)], [sync[0], sync[2]]);
      const err = (() => {
        try {
          first.get(1);
        } catch (e) {
          return e;
        }
        assert.fail('get(1) should throw');
      })();
      assert.ok(err instanceof p.sdk.InternalServerError, String(err));
      assert.ok(err instanceof p.sdk.APIError);
      assert.equal((err as { status?: number }).status, 500);
      assert.ok((err as Error).message.startsWith(p.transientMessage), (err as Error).message);
      assert.equal((err as { customId?: string }).customId, 'req-1');
      // values() names every failure and says what a rerun does, since the state that makes it cheap is kept.
      assert.throws(() => first.values(), (e: unknown) => {
        assert.ok(e instanceof p.errorClass);
        assert.deepEqual([...e.failures.keys()], ['req-1']);
        assert.ok(e.message.startsWith(`1 ${p.errorPrefix} (batch ${first.batchIds[0]}): req-1: ${p.transientMessage}`), e.message);
        assert.ok(e.message.includes('. The results that arrived are kept: a rerun reuses them and resends only the failed requests that may succeed ('), e.message);
        return true;
      });
      assert.equal(warnings.length, 1, 'one warning says the same on stderr');
      assert.match(warnings[0], /^batchwise: 1 of 3 .*resends only the failed requests that may succeed \(.*\)$/);
      const files = stateFiles(stateDir);
      assert.equal(files.length, 1, 'kept: the other requests were paid for');
      assert.equal((JSON.parse(readFileSync(join(stateDir, files[0]), 'utf8')) as { batchId: string }).batchId, first.batchIds[0]);

      const results = await p.run(fake, { stateDir, resubmitFailed: 1 });
      assert.deepEqual(fake.stats.batchCustomIds, [ALL, ['req-1']], 'the finished requests are never sent again');
      assert.deepEqual(results.values(), sync);
      assert.deepEqual(stateFiles(stateDir), []);
    });
  });

  test(`${p.name}: an expired request throws the helper's item error; a rejected one the SDK's BadRequestError, as the sync call does`, async () => {
    await withFake(p, { expireAfter: 2, rejectText: 'risks' }, async (fake) => {
      const results = await p.run(fake, { stateDir: false, resubmitFailed: 0 });
      const sync = await p.syncSettled(fake);
      assert.equal(sync[0].status, 'fulfilled');
      assert.deepEqual(results.get(0), (sync[0] as PromiseFulfilledResult<unknown>).value);
      const syncError = (sync[1] as PromiseRejectedResult).reason as Error & { status: number };
      assert.ok(syncError instanceof p.sdk.BadRequestError, 'the fake rejects the request synchronously too');
      assert.throws(
        () => results.get(1),
        (e: unknown) => {
          assert.equal((e as Error).constructor, syncError.constructor, 'the same SDK class as the synchronous call');
          assert.equal((e as { status: number }).status, syncError.status);
          // OpenAI's message is the body's; Anthropic's quotes the whole body, request id included, which differs per request.
          if (p.name === 'openai') assert.equal((e as Error).message, syncError.message);
          else assert.equal((e as Error).message.replace(/"request_id":"[^"]*"/, ''), syncError.message.replace(/"request_id":"[^"]*"/, ''));
          return true;
        },
      );
      assert.throws(() => results.get(2), (e: unknown) => e instanceof p.itemErrorClass && e.code === (p.name === 'openai' ? 'batch_expired' : 'expired') && e.customId === 'req-2');
      assert.throws(() => results.get(3), RangeError);
      assert.equal(results.length, 3);
    });
  });

  test(`${p.name}: resubmitFailed sends a request that failed once again, alone, and the run succeeds`, async () => {
    const stateDir = tempDir();
    await withFake(p, { failCustomIdsOnce: ['req-1'] }, async (fake) => {
      const results = await p.run(fake, { stateDir, resubmitFailed: 1 });
      assert.deepEqual(fake.stats.batchCustomIds, [ALL, ['req-1']]);
      assert.equal(p.uploads(fake), p.name === 'openai' ? 2 : 0);
      assert.deepEqual(results.values(), await p.sync(fake));
      assert.deepEqual(stateFiles(stateDir), []);
    });
  });

  test(`${p.name}: a run restarted during a resubmission resumes both batches, using up no resubmission`, async () => {
    const stateDir = tempDir();
    await withFake(p, { failCustomIdsOnce: ['req-1'] }, async (fake) => {
      let firstBatch = '';
      const onProgress = (batch: { id: string }) => {
        firstBatch ||= batch.id;
        if (batch.id !== firstBatch) throw new Error('simulated crash');
      };
      await assert.rejects(p.run(fake, { stateDir, resubmitFailed: 1, onProgress }), /simulated crash/);
      assert.deepEqual(fake.stats.batchCustomIds, [ALL, ['req-1']]);
      assert.equal(stateFiles(stateDir).length, 2);

      const results = await p.run(fake, { stateDir, resubmitFailed: 0 });
      assert.deepEqual(fake.stats.batchCustomIds, [ALL, ['req-1']], 'no batch beyond the two already paid for');
      assert.deepEqual(results.values(), await p.sync(fake));
      assert.deepEqual(stateFiles(stateDir), []);
    });
  });

  test(`${p.name}: a request the provider rejected as invalid is not resubmitted`, async () => {
    const stateDir = tempDir();
    await withFake(p, { failCustomIds: ['req-1'] }, async (fake) => {
      const results = await p.run(fake, { stateDir, resubmitFailed: 2 });
      assert.throws(() => results.values(), (err: unknown) => {
        assert.ok(err instanceof p.errorClass);
        assert.deepEqual([...err.failures.keys()], ['req-1']);
        assert.ok(err.message.startsWith(`1 ${p.errorPrefix} `), err.message);
        assert.match(err.message, /req-1: .*invalid/i);
        return true;
      });
      assert.throws(() => results.get(1), p.sdk.BadRequestError);
      assert.deepEqual(fake.stats.batchCustomIds, [ALL]);
      assert.equal(stateFiles(stateDir).length, 1);
    });
  });

  test(`${p.name}: a state file naming a batch the provider does not know leads to a new batch`, async () => {
    const stateDir = tempDir();
    await withFake(p, {}, async (fake) => {
      await crashAfterCreate(p, fake, stateDir);
      const [file] = stateFiles(stateDir);
      const state = JSON.parse(readFileSync(join(stateDir, file), 'utf8')) as { batchId: string };
      writeFileSync(join(stateDir, file), JSON.stringify({ ...state, batchId: `${state.batchId}_gone` }));
      const results = await p.run(fake, { stateDir });
      assert.equal(fake.stats.batchesCreated, 2);
      assert.deepEqual(results.values(), await p.sync(fake));
      assert.deepEqual(stateFiles(stateDir), []);
    });
  });

  test(`${p.name}: an aborted run cancels its batch and forgets it`, async () => {
    const stateDir = tempDir();
    await withFake(p, {}, async (fake) => {
      const controller = new AbortController();
      const seen: string[][] = [];
      const onProgress = () => {
        seen.push(stateFiles(stateDir));
        controller.abort();
      };
      await assert.rejects(p.run(fake, { stateDir, onProgress, signal: controller.signal }), (e: unknown) => e instanceof p.sdk.APIUserAbortError && /cancelled: the run was aborted/.test((e as Error).message));
      assert.equal(seen[0]?.length, 1, 'the state file existed before the abort');
      assert.equal(fake.stats.cancels, 1);
      assert.deepEqual(stateFiles(stateDir), []);
    });
  });

  test(`${p.name}: an abort during the wait between checks stops at once; an aborted signal creates no batch`, async () => {
    await withFake(p, { progressSteps: 1000 }, async (fake) => {
      const controller = new AbortController();
      const started = Date.now();
      // The first wait is ten minutes: only the abort can end it.
      const run = p.run(fake, { stateDir: false, signal: controller.signal, onProgress: () => undefined, pollIntervalMs: 600_000 });
      await new Promise<void>((resolve) => {
        const check = () => (fake.stats.batchesCreated > 0 ? resolve() : setTimeout(check, 5));
        check();
      });
      controller.abort();
      await assert.rejects(run, p.sdk.APIUserAbortError);
      assert.ok(Date.now() - started < 30_000, 'the wait ended with the abort');
      assert.equal(fake.stats.cancels, 1, 'the batch was cancelled');
      const before = fake.stats.batchesCreated;
      await assert.rejects(p.run(fake, { stateDir: false, signal: AbortSignal.abort() }), p.sdk.APIUserAbortError);
      assert.equal(fake.stats.batchesCreated, before, 'nothing is created under an aborted signal');
    });
  });

  test(`${p.name}: a state folder that cannot be written does not fail the run`, async (t) => {
    const notADir = join(tempDir(), 'a-file');
    writeFileSync(notADir, 'not a folder\n');
    const warnings: string[] = [];
    // Only the helper's own warnings count (the SDK warns about models it deprecates).
    t.mock.method(console, 'warn', (message: string) => String(message).startsWith('batchwise:') && warnings.push(message));
    await withFake(p, {}, async (fake) => {
      const results = await p.run(fake, { stateDir: join(notADir, 'state') });
      assert.deepEqual(results.values(), await p.sync(fake));
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], /^batchwise: cannot write .*a-file.*will not resume/);
    });
  });

  test(`${p.name}: a state folder the helper makes keeps itself out of git; a folder that was there gets nothing`, async () => {
    const repo = tempDir();
    execFileSync('git', ['init', '-q', repo]);
    const made = join(repo, 'jobs', '.batchwise');
    await withFake(p, {}, async (fake) => {
      await crashAfterCreate(p, fake, made);
      const [file] = stateFiles(made);
      assert.ok(file, 'a state file was written');
      assert.match(readFileSync(join(made, '.gitignore'), 'utf8'), /^\*$/m);
      // git itself agrees: the state file is ignored (check-ignore exits 0 only for ignored paths).
      execFileSync('git', ['-C', repo, 'check-ignore', '-q', join('jobs', '.batchwise', file)]);
      const existing = tempDir();
      await crashAfterCreate(p, fake, existing);
      assert.equal(stateFiles(existing).length, 1);
      assert.equal(existsSync(join(existing, '.gitignore')), false, 'a folder the user chose is left as it was');
    });
  });

  test(`${p.name}: results the provider no longer has fail the rerun with the way out, and nothing is paid twice`, async () => {
    const stateDir = tempDir();
    await withFake(p, { failCustomIdsOnce: ['req-1'] }, async (fake) => {
      const err = await p.run(fake, { stateDir, resubmitFailed: 0 });
      assert.throws(() => err.get(1));
      const [file] = stateFiles(stateDir);
      await p.dropResults(fake, err.batchIds[0]);
      const rerun = (await p.run(fake, { stateDir, resubmitFailed: 1 }).catch((e: unknown) => e)) as Error;
      assert.ok(rerun instanceof Error, 'the rerun must fail');
      assert.match(rerun.message, new RegExp(`^the results of (message )?batch ${err.batchIds[0]} can no longer be downloaded \\(.+\\); nothing was sent again`));
      assert.ok(rerun.message.endsWith(`delete ${join(stateDir, file)} and run again to send the requests as a new batch`), rerun.message);
      assert.equal(fake.stats.batchesCreated, 1, 'no new batch on a guess');
      assert.deepEqual(stateFiles(stateDir), [file], 'the state stays until the user deletes it');
      // Doing what the message says works.
      rmSync(join(stateDir, file));
      assert.deepEqual((await p.run(fake, { stateDir })).values(), await p.sync(fake));
    });
  });

  test(`${p.name}: the environment supplies the defaults, and stateDir false keeps no state`, async () => {
    const envDir = tempDir();
    process.env.BATCHWISE_STATE_DIR = envDir;
    process.env.BATCHWISE_RESUBMIT_FAILED = '1';
    try {
      await withFake(p, { failCustomIdsOnce: ['req-1'] }, async (fake) => {
        const seen: string[][] = [];
        const results = await p.run(fake, { onProgress: () => seen.push(stateFiles(envDir)) });
        assert.deepEqual(fake.stats.batchCustomIds, [ALL, ['req-1']]);
        assert.deepEqual(results.values(), await p.sync(fake));
        assert.ok(seen.some((files) => files.length > 0), 'state went to BATCHWISE_STATE_DIR');
        assert.deepEqual(stateFiles(envDir), []);
      });
      await withFake(p, {}, async (fake) => {
        await crashAfterCreate(p, fake, false);
        assert.deepEqual(stateFiles(envDir), []);
        await p.run(fake, { stateDir: false });
        assert.equal(fake.stats.batchesCreated, 2, 'nothing to resume from');
      });
    } finally {
      delete process.env.BATCHWISE_STATE_DIR;
      delete process.env.BATCHWISE_RESUBMIT_FAILED;
    }
  });
}

for (const p of providers) {
  test(`${p.name}: requests that failed for a passing reason are sent again twice by default, as the SDK retries a synchronous call`, async () => {
    const stateDir = tempDir();
    await withFake(p, { failCustomIdsOnce: ['req-1'] }, async (fake) => {
      const results = await p.run(fake, { stateDir });
      assert.deepEqual(fake.stats.batchCustomIds, [ALL, ['req-1']]);
      assert.deepEqual(results.values(), await p.sync(fake));
      assert.deepEqual(stateFiles(stateDir), []);
    });
    await withFake(p, { failCustomIdsTimes: { 'req-1': 5 } }, async (fake) => {
      const results = await p.run(fake, { stateDir: false });
      assert.deepEqual(fake.stats.batchCustomIds, [ALL, ['req-1'], ['req-1']], 'two resubmissions, then the failure stands');
      assert.throws(() => results.get(1), p.sdk.InternalServerError);
    });
    // The client's own retry setting is the default: a client made not to retry asks for no resubmission, one made to retry more for more.
    await withFake(p, { failCustomIdsOnce: ['req-1'] }, async (fake) => {
      const results = await p.run(fake, { stateDir: false }, { maxRetries: 0 });
      assert.deepEqual(fake.stats.batchCustomIds, [ALL], 'maxRetries 0: none sent again');
      assert.throws(() => results.get(1), p.sdk.InternalServerError);
    });
    await withFake(p, { failCustomIdsTimes: { 'req-1': 3 } }, async (fake) => {
      const results = await p.run(fake, { stateDir: false }, { maxRetries: 3 });
      assert.deepEqual(fake.stats.batchCustomIds, [ALL, ['req-1'], ['req-1'], ['req-1']], 'maxRetries 3: three resubmissions');
      assert.deepEqual(results.values(), await p.sync(fake));
    });
    process.env.BATCHWISE_RESUBMIT_FAILED = '0';
    try {
      await withFake(p, { failCustomIdsOnce: ['req-1'] }, async (fake) => {
        const results = await p.run(fake, { stateDir: false }, { maxRetries: 5 });
        assert.deepEqual(fake.stats.batchCustomIds, [ALL], 'BATCHWISE_RESUBMIT_FAILED=0 turns it off, whatever the client retries');
        assert.throws(() => results.get(1), p.sdk.InternalServerError);
      });
    } finally {
      delete process.env.BATCHWISE_RESUBMIT_FAILED;
    }
  });

  test(`${p.name}: a rerun after a passing failure resumes the kept batch and resends only the failed request`, async (t) => {
    t.mock.method(console, 'warn', () => undefined);
    const stateDir = tempDir();
    // Fails in the first batch and in both resubmissions of the first run, then succeeds.
    await withFake(p, { failCustomIdsTimes: { 'req-1': 3 } }, async (fake) => {
      const first = await p.run(fake, { stateDir });
      assert.throws(() => first.get(1), p.sdk.InternalServerError);
      assert.equal(stateFiles(stateDir).length, 1, 'the batch with the answers is kept');
      const rerun = await p.run(fake, { stateDir });
      assert.deepEqual(fake.stats.batchCustomIds, [ALL, ['req-1'], ['req-1'], ['req-1']], 'the kept batch is resumed, not sent again');
      assert.deepEqual(rerun.values(), await p.sync(fake));
      assert.deepEqual(stateFiles(stateDir), []);
    });
  });

  test(`${p.name}: a request whose construction threw is not sent, and get(i) throws what building it threw`, async () => {
    await withFake(p, {}, async (fake) => {
      const docs: { body?: string }[] = [{ body: prompts[0] }, {}, { body: prompts[2] }];
      const built = p.name === 'openai'
        ? docs.map(batchwiseRequest((d) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: d.body!.slice(0, 100) }] })))
        : docs.map(anthropicBatchwiseRequest((d) => ({ model: 'claude-haiku-4-5', max_tokens: 200, messages: [{ role: 'user' as const, content: d.body!.slice(0, 100) }] })));
      assert.ok(built[1] instanceof (p.name === 'openai' ? UnbuiltRequest : AnthropicUnbuiltRequest));
      const results = p.name === 'openai'
        ? await runChatCompletionsBatch(new OpenAI({ baseURL: fake.url, apiKey: 'test-key' }), built as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming[], { pollIntervalMs: 1, stateDir: false })
        : await runMessagesBatch(new Anthropic({ baseURL: fake.url, apiKey: 'test-key' }), built as Anthropic.Messages.MessageCreateParamsNonStreaming[], { pollIntervalMs: 1, stateDir: false });
      assert.deepEqual(fake.stats.batchCustomIds, [['req-0', 'req-2']], 'only the requests that were built are sent, under their own index');
      const sync = await p.sync(fake);
      assert.deepEqual([results.get(0), results.get(2)], [sync[0], sync[2]]);
      assert.throws(() => results.get(1), (e: unknown) => e instanceof TypeError && /reading 'slice'/.test(e.message));
      assert.throws(() => results.values(), (e: unknown) => e instanceof p.errorClass && [...e.failures.keys()].join() === 'req-1');
    });
  });
}

test('openai: a result carries the request id of its output line as _request_id, not enumerable, as the SDK\'s own results do', async () => {
  const fake = await startFakeOpenAI();
  try {
    const client = new OpenAI({ baseURL: fake.url, apiKey: 'test-key' });
    const results = await runChatCompletionsBatch(client, openaiRequests, { pollIntervalMs: 1, stateDir: false });
    const sync = await client.chat.completions.create(openaiRequests[0]);
    const first = results.get(0);
    assert.match(first._request_id ?? '', /^req_[0-9a-f]{12}$/);
    assert.match(sync._request_id ?? '', /^req_[0-9a-f]{12}$/);
    assert.deepEqual(Object.getOwnPropertyDescriptor(first, '_request_id')?.enumerable, Object.getOwnPropertyDescriptor(sync, '_request_id')?.enumerable);
    assert.equal(JSON.stringify(first), JSON.stringify(sync));
  } finally {
    await fake.close();
  }
});

test('openai: batches of different models are all submitted first and polled side by side', async () => {
  const fake = await startFakeOpenAI({ progressSteps: 3 });
  try {
    const client = new OpenAI({ baseURL: fake.url, apiKey: 'test-key' });
    const requests = openaiRequests.map((r, i) => ({ ...r, model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini' }));
    const seen: string[] = [];
    const results = await runChatCompletionsBatch(client, requests, { pollIntervalMs: 1, stateDir: false, onProgress: (b) => seen.push(`${b.id} ${b.status}`) });
    // Submitted side by side, they are created in whichever order their uploads finish.
    assert.deepEqual(fake.stats.batchCustomIds.map((ids) => [...ids].sort()).sort(), [['req-0', 'req-2'], ['req-1']]);
    const firstEnd = seen.findIndex((s) => s.endsWith(' completed'));
    const ids = new Set(seen.slice(0, firstEnd).map((s) => s.split(' ')[0]));
    assert.equal(ids.size, 2, `both batches were running before either ended: ${seen.join(', ')}`);
    assert.deepEqual(results.values(), await Promise.all(requests.map((r) => client.chat.completions.create(r))));
  } finally {
    await fake.close();
  }
});

test('openai: when one batch of a run fails, the others stop waiting without being cancelled, and a rerun resumes every one', async () => {
  const fake = await startFakeOpenAI({ progressSteps: 3 });
  const stateDir = tempDir();
  try {
    const client = new OpenAI({ baseURL: fake.url, apiKey: 'test-key' });
    const requests = openaiRequests.map((r, i) => ({ ...r, model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini' }));
    let crashed = '';
    const onProgress = (b: { id: string }) => {
      crashed ||= b.id;
      if (b.id === crashed) throw new Error('simulated crash');
    };
    await assert.rejects(runChatCompletionsBatch(client, requests, { pollIntervalMs: 1, stateDir, onProgress }), /simulated crash/);
    assert.equal(fake.stats.cancels, 0, 'nothing was cancelled');
    assert.equal(stateFiles(stateDir).length, 2, 'both batches can be resumed');
    const results = await runChatCompletionsBatch(client, requests, { pollIntervalMs: 1, stateDir });
    assert.equal(fake.stats.batchesCreated, 2, 'no batch sent twice');
    assert.deepEqual(results.values(), await Promise.all(requests.map((r) => client.chat.completions.create(r))));
    assert.deepEqual(stateFiles(stateDir), []);
  } finally {
    await fake.close();
  }
});

// ---- the batch queue over each helper

for (const p of providers) {
  const queueFor = (fake: Fake, options: { maxRequests?: number; maxWaitMs?: number }) => {
    const run = (requests: unknown[]) =>
      p.name === 'openai'
        ? runChatCompletionsBatch(new OpenAI({ baseURL: fake.url, apiKey: 'test-key' }), requests as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming[], { pollIntervalMs: 1, stateDir: false })
        : runMessagesBatch(new Anthropic({ baseURL: fake.url, apiKey: 'test-key' }), requests as Anthropic.Messages.MessageCreateParamsNonStreaming[], { pollIntervalMs: 1, stateDir: false });
    return new BatchQueue<unknown, unknown>(run, options);
  };
  const requests = p.name === 'openai' ? openaiRequests : anthropicRequests;

  test(`${p.name} queue: concurrent callers share one batch and each gets its own result`, async () => {
    await withFake(p, {}, async (fake) => {
      const queue = queueFor(fake, { maxWaitMs: 20 });
      const results = await Promise.all(requests.map((r) => queue.add(r)));
      assert.deepEqual(fake.stats.batchCustomIds, [ALL]);
      assert.deepEqual(results, await p.sync(fake));
    });
  });

  test(`${p.name} queue: a full queue goes out at once, the rest when the oldest has waited long enough`, async () => {
    await withFake(p, {}, async (fake) => {
      const queue = queueFor(fake, { maxRequests: 2, maxWaitMs: 30 });
      const results = await Promise.all(requests.map((r) => queue.add(r)));
      // Two batches (the full one and the late one), created in whichever order their uploads finish.
      assert.deepEqual([...fake.stats.batchCustomIds].sort((a, b) => b.length - a.length), [['req-0', 'req-1'], ['req-0']]);
      assert.deepEqual(results, await p.sync(fake));
    });
  });

  test(`${p.name} queue: a request that failed rejects only its own caller`, async () => {
    await withFake(p, { failCustomIds: ['req-1'] }, async (fake) => {
      const queue = queueFor(fake, { maxWaitMs: 10 });
      const settled = await Promise.allSettled(requests.map((r) => queue.add(r)));
      assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled']);
      // The caller whose request failed gets the SDK's error, as from a direct call: catch (e instanceof APIError) still works.
      const reason = (settled[1] as PromiseRejectedResult).reason as unknown;
      assert.ok(reason instanceof p.sdk.BadRequestError, String(reason));
      assert.equal((reason as { status?: number }).status, 400);
      assert.equal((reason as { customId?: string }).customId, 'req-1');
      // The others get exactly what the synchronous endpoint answers (the fake fails req-1 only inside batches).
      const sync = await p.sync(fake);
      assert.deepEqual([(settled[0] as PromiseFulfilledResult<unknown>).value, (settled[2] as PromiseFulfilledResult<unknown>).value], [sync[0], sync[2]]);
    });
  });

  test(`${p.name} queue: flush sends what waits now, and an empty flush sends nothing`, async () => {
    await withFake(p, {}, async (fake) => {
      const queue = queueFor(fake, { maxWaitMs: 60_000 });
      await queue.flush();
      assert.equal(fake.stats.batchesCreated, 0);
      const pending = queue.add(requests[0]);
      await queue.flush();
      assert.deepEqual(await pending, (await p.sync(fake))[0]);
      assert.deepEqual(fake.stats.batchCustomIds, [['req-0']]);
    });
  });

  // The hook the batch-queue fix writes beside a BullMQ worker. The queue waits an hour and has room for
  // more, so only the flush on 'closing' can send these requests: without it close() would not return
  // (the timeout turns that hang into a failure; it measures nothing).
  test(`${p.name} queue: a BullMQ worker's close() sends what waits through the flush on 'closing', and each job ends with its own result`, { timeout: 30_000 }, async () => {
    await withFake(p, {}, async (fake) => {
      const queue = queueFor(fake, { maxRequests: 10, maxWaitMs: 3_600_000 });
      const bullmq = require(join(REPO_ROOT, 'test', 'fake-provider', 'bullmq')) as typeof import('../../fake-provider/bullmq/index');
      const name = `summaries-${p.name}`;
      const worker = new bullmq.Worker(name, (job) => queue.add(job.data), { concurrency: 10 });
      worker.on('closing', () => void queue.flush());
      const results: unknown[] = [];
      worker.on('completed', (job, result) => (results[Number(job.id) - 1] = result));
      const jobs = new bullmq.Queue(name);
      for (const r of requests) await jobs.add('summarize', r);
      assert.equal(fake.stats.batchesCreated, 0, 'nothing is sent before the worker closes');
      await worker.close();
      assert.deepEqual(fake.stats.batchCustomIds, [ALL]);
      assert.deepEqual(results, await p.sync(fake));
    });
  });
}

// ---- OpenAI endpoints with limits and shapes of their own

test('openai: embeddings batches hold at most 50,000 inputs, counted across requests', async () => {
  const fake = await startFakeOpenAI();
  try {
    const client = new OpenAI({ baseURL: fake.url, apiKey: 'test-key' });
    const inputs = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i}`);
    const requests: OpenAI.EmbeddingCreateParams[] = [
      { model: 'text-embedding-3-small', input: inputs(30_000, 'a') },
      { model: 'text-embedding-3-small', input: inputs(30_000, 'b') },
      { model: 'text-embedding-3-small', input: 'one more' },
    ];
    const results = await runEmbeddingsBatch(client, requests, { pollIntervalMs: 1, stateDir: false });
    // 60,001 inputs: the first request alone, then the second with the third (30,001), created in either order.
    assert.deepEqual([...fake.stats.batchCustomIds].sort(), [['req-0'], ['req-1', 'req-2']]);
    assert.equal(results.get(1).data.length, 30_000);
    assert.deepEqual(results.get(2), await client.embeddings.create(requests[2]));
  } finally {
    await fake.close();
  }
});

test('openai: moderations go through the batch endpoint and answer as the synchronous call does', async () => {
  const fake = await startFakeOpenAI();
  try {
    const client = new OpenAI({ baseURL: fake.url, apiKey: 'test-key' });
    const requests: OpenAI.ModerationCreateParams[] = [{ input: 'a knife in the kitchen' }, { model: 'omni-moderation-latest', input: ['hello there', 'a gun'] }];
    const results = await runModerationsBatch(client, requests, { pollIntervalMs: 1, stateDir: false });
    assert.deepEqual(results.values(), await Promise.all(requests.map((r) => client.moderations.create(r))));
    assert.equal(results.get(0).results[0].flagged, true);
  } finally {
    await fake.close();
  }
});
