// Token counting on a worker thread (what the extension host uses): the same counts as counting in
// this thread, the caller's thread stays free while the encodings load, and counting never moves to
// the caller's thread: a worker that cannot start, or does not answer in time, gives no count (the
// estimate approximates it) and a stalled one is replaced.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TokenThread } from '../../../src/workspace/tokenThread';
import { countInWorker } from '../../../src/cli/counting';
import { countPromptTokens, countTokens, countWithEncoding, EncodingName, useTokenCounter } from '../../../src/core/estimate/tokens';

// Compiled beside this test's compiled source: out/src/workspace/tokenWorker.js.
const WORKER = join(__dirname, '..', '..', '..', 'src', 'workspace', 'tokenWorker.js');
const threads: TokenThread[] = [];
after(() => {
  useTokenCounter(null);
  threads.forEach((t) => t.dispose());
});

const TEXTS = [
  'Summarize this support ticket in one sentence:',
  'Ünïcödé, 日本語のテキスト, emoji 🚀🚀 and <|endoftext|> as plain text',
  'x'.repeat(3_000),
  'a',
];

// These tests are about what is counted where, not how fast: the first count with cl100k_base builds that
// encoding in the worker, which on a loaded machine takes longer than the default wait (the count would then
// be approximated, as the product does). A generous wait keeps them about routing.
const ROUTING_WAIT_MS = 60_000;

test('the worker loads the encodings while this thread goes on, then counts exactly as this thread does', async () => {
  const thread = TokenThread.start(WORKER, { timeoutMs: ROUTING_WAIT_MS });
  threads.push(thread);
  let ticked = false;
  setTimeout(() => (ticked = true), 0);
  assert.equal(await thread.ready, true);
  assert.ok(ticked, 'a timer set after start ran before the encodings were loaded: loading did not hold this thread');
  assert.ok(typeof thread.loadMs === 'number' && thread.loadMs >= 0);
  for (const encoding of ['o200k_base', 'cl100k_base'] as EncodingName[]) {
    for (const text of TEXTS) assert.equal(thread.count(text, encoding), countWithEncoding(text, encoding), `${encoding}: ${text.slice(0, 30)}`);
  }
  // Different texts give different counts: the answers are not stale values from an earlier request.
  assert.notEqual(thread.count(TEXTS[2], 'o200k_base'), thread.count(TEXTS[3], 'o200k_base'));
});

test('the engine counts through the worker once it is installed', async () => {
  const thread = TokenThread.start(WORKER, { timeoutMs: ROUTING_WAIT_MS });
  threads.push(thread);
  assert.equal(await thread.ready, true);
  const asked: string[] = [];
  useTokenCounter((text, encoding) => {
    asked.push(encoding);
    return thread.count(text, encoding);
  });
  try {
    assert.equal(countTokens(TEXTS[0], 'gpt-4o'), countWithEncoding(TEXTS[0], 'o200k_base'));
    assert.equal(countTokens(TEXTS[1], 'text-embedding-3-small'), countWithEncoding(TEXTS[1], 'cl100k_base'));
    assert.equal(countTokens('', 'gpt-4o'), 0);
    assert.deepEqual(asked, ['o200k_base', 'cl100k_base'], 'each non-empty text went to the worker, with the model\'s encoding');
  } finally {
    useTokenCounter(null);
  }
});

test('a worker that cannot start says so; counts are then approximated, never made on this thread', async () => {
  const thread = TokenThread.start(join(__dirname, 'no-such-worker.js'));
  threads.push(thread);
  assert.equal(await thread.ready, false);
  assert.equal(thread.count('hello', 'o200k_base'), undefined);
  useTokenCounter(thread.counter);
  try {
    const text = TEXTS[0] + ' (not counted before)';
    // Not the count this thread would make: the length-based approximation, marked as such.
    assert.notEqual(countWithEncoding(text, 'o200k_base'), Math.ceil(Buffer.byteLength(text) / 4));
    assert.deepEqual(countPromptTokens(text, 'gpt-4o'), { tokens: Math.ceil(Buffer.byteLength(text) / 4), basis: 'not-counted' });
  } finally {
    useTokenCounter(null);
  }
});

test('a count that takes too long: no count (approximated), and a fresh worker takes the next ones', async () => {
  const thread = TokenThread.start(join(__dirname, 'hangingTokenWorker.js'), { timeoutMs: 300 });
  threads.push(thread);
  assert.equal(await thread.ready, true);
  assert.equal(thread.count('four', 'o200k_base'), 4);
  useTokenCounter(thread.counter);
  try {
    assert.equal(thread.count('hang', 'o200k_base'), undefined);
    assert.equal(thread.restarts, 1);
    // While the new worker starts, counts are not waited for: none.
    assert.equal(countPromptTokens('x'.repeat(5000), 'gpt-4o').basis, 'not-counted');
    assert.equal(await thread.current, true);
    assert.equal(thread.count('seven!!', 'o200k_base'), 7, 'the replacement answers');
  } finally {
    useTokenCounter(null);
  }
});

test('a disposed worker gives no counts', async () => {
  const thread = TokenThread.start(WORKER);
  assert.equal(await thread.ready, true);
  thread.dispose();
  assert.equal(thread.count('hello', 'o200k_base'), undefined);
});

test('the CLI\'s blocking counter counts on the worker as soon as it has loaded, with no turn of the event loop', () => {
  const thread = TokenThread.start(WORKER, { timeoutMs: ROUTING_WAIT_MS });
  threads.push(thread);
  const count = thread.blockingCounter(ROUTING_WAIT_MS);
  // Asked at once, synchronously: the worker's ready message cannot have been read, only the shared flag.
  for (const text of TEXTS) assert.equal(count(text, 'o200k_base'), countWithEncoding(text, 'o200k_base'), text.slice(0, 30));
  assert.equal(typeof thread.count('still synchronous', 'o200k_base'), 'number', 'the worker answers: the counts above were its own');
});

test('the blocking counter counts on this thread when the worker never loads, or stalls on a text', async () => {
  const missing = TokenThread.start(join(__dirname, 'no-such-worker.js'));
  threads.push(missing);
  const started = Date.now();
  assert.equal(missing.blockingCounter(150)(TEXTS[1], 'o200k_base'), countWithEncoding(TEXTS[1], 'o200k_base'));
  assert.ok(Date.now() - started >= 100, 'it waited for the worker first');
  // Once: a later count does not wait for it again (a wait of a second would show).
  const slow = TokenThread.start(join(__dirname, 'no-such-worker.js'));
  threads.push(slow);
  const once = slow.blockingCounter(1000);
  once(TEXTS[0], 'o200k_base');
  const again = Date.now();
  assert.equal(once(TEXTS[1], 'o200k_base'), countWithEncoding(TEXTS[1], 'o200k_base'));
  assert.ok(Date.now() - again < 1000, 'the second count waited for the worker again');
  const hanging = TokenThread.start(join(__dirname, 'hangingTokenWorker.js'), { timeoutMs: 300 });
  threads.push(hanging);
  const count = hanging.blockingCounter(ROUTING_WAIT_MS);
  assert.equal(count('four', 'o200k_base'), 4, 'the (test) worker answers with the length');
  assert.equal(count('hang', 'o200k_base'), countWithEncoding('hang', 'o200k_base'), 'no answer in time: counted here');
});

test('the CLI starts no worker where none is bundled beside it', () => {
  assert.equal(countInWorker(join(__dirname, 'no-such-worker.js')), false);
});
