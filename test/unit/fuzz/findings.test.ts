// What the fuzzer found, distilled to the smallest input that showed it (bench/fuzz-findings.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../fuzz/pipeline';
import { unparseableReason } from '../../../src/core/parse/parse';
import { FIXTURES } from '../helpers';
import { formatTokens, formatUsd } from '../../../src/core/report/format';
import { perDay } from '../../../src/core/report/volume';
import { callsPerDayText } from '../../../src/core/estimate/estimate';

function analyse(files: Record<string, string>) {
  const project = { files: Object.keys(files).filter((f) => /\.[cm]?[jt]sx?$/.test(f)), read: (p: string) => files[p] };
  return new Analyzer(project, DEFAULT_OPTIONS).run();
}

test('a file nested deeper than the parser can follow is skipped as too deeply nested, not called a syntax error', () => {
  // 10,000 parentheses, one a line: valid JavaScript the parser runs out of stack on.
  const deep = `import OpenAI from 'openai';\nconst x = ${'(\n'.repeat(10_000)}1${')\n'.repeat(10_000)};\n`;
  const result = analyse({ 'deep.ts': deep, 'ok.ts': `import OpenAI from 'openai';\nawait new OpenAI().chat.completions.create({ model: 'gpt-4o', messages: [] });\n` });
  const error = result.errors.find((e) => e.file === 'deep.ts');
  assert.ok(error, 'the deep file is reported');
  assert.match(error.message, /too deeply nested/);
  assert.doesNotMatch(error.message, /syntax error/);
  assert.equal(result.findings.length, 1, 'the other file is still analysed');
});

test('a file with 1,000 LLM calls, each in its own loop, is audited, every call found and offered its fix', () => {
  // Each call's fix check walked the whole file for the names in use, and every node-type test went
  // through three module getters: 12 s for this file before.
  const calls = Array.from({ length: 1000 }, (_, i) => `for (const item of ['a${i}']) { await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: item }] }); }`);
  const text = `import OpenAI from 'openai';\nconst client = new OpenAI();\n${calls.join('\n')}\n`;
  const outcome = runPipeline({ seed: 0, index: 0, origin: 'distilled', files: { 'loops.mjs': text }, target: 'loops.mjs', kinds: [], mutations: [] });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.findings, 1000);
  assert.equal(outcome.fixesOffered, 1000);
  // How long it takes is bench/fuzz.ts's figure (the slice fails any input over 2 s of CPU).
});

test('a CRLF file with 1,000 LLM calls, each in its own loop: every call is found and offered its fix, through one LF view', () => {
  // Seed 20261207, input 587: each call's fix check converted the whole file to LF and parsed it again
  // (2,000 calls: over 13 minutes); the view and its parse are now made once for the file.
  const calls = Array.from({ length: 1000 }, (_, i) => `for (const item of ['a${i}']) { await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: item }] }); }`);
  const text = `import OpenAI from 'openai';\r\nconst client = new OpenAI();\r\n${calls.join('\r\n')}\r\n`;
  const outcome = runPipeline({ seed: 0, index: 0, origin: 'distilled', files: { 'loops.mjs': text }, target: 'loops.mjs', kinds: [], mutations: [] });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.findings, 1000);
  assert.equal(outcome.fixesOffered, 1000);
});

test('a workflow file larger than hand-written configuration is reported and not read; the audit goes on', () => {
  // Seed 20261206, input 63336: a 1 MB .github/workflows/ci.yml (JSON in YAML) took 5.6 s to parse.
  const huge = `{"name": "ci", "on": {"schedule": [{"cron": "0 3 * * *"}]}, "jobs": {"a": {"steps": [${Array.from({ length: 16000 }, (_, i) => `{"run": "echo step ${i}"}`).join(', ')}]}}}`;
  assert.ok(huge.length > 256_000);
  const files: Record<string, string> = {
    '.github/workflows/ci.yml': huge,
    'app/api/cron/digest/route.ts': `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport async function GET() {\n  const r = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'digest' }] });\n  return Response.json(r);\n}\n`,
  };
  const project = { files: ['app/api/cron/digest/route.ts'], configFiles: ['.github/workflows/ci.yml'], read: (p: string) => files[p] };
  const result = new Analyzer(project, DEFAULT_OPTIONS).run();
  assert.equal(result.findings.length, 1);
  const error = result.errors.find((e) => e.file === '.github/workflows/ci.yml');
  assert.ok(error, JSON.stringify(result.errors));
  assert.match(error.message, /too large for a hand-written configuration file/);
});

test('a tsconfig.json nested deeper than TypeScript’s parser follows does not stop the audit', () => {
  // Reading the module settings for the fix check ran TypeScript's config parser out of stack.
  const files = {
    'tsconfig.json': `{"compilerOptions": ${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
    'scripts/run.ts': `import OpenAI from 'openai';\nconst client = new OpenAI();\nasync function main(items: string[]) {\n  for (const x of items) {\n    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: x }] });\n  }\n}\nmain(['a']);\n`,
  };
  const outcome = runPipeline({ seed: 0, index: 0, origin: 'distilled', files, target: 'scripts/run.ts', kinds: [], mutations: [] });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.findings, 1);
});

test('in a queue handler making 400 Anthropic calls, every call is found and checked for a fix', () => {
  // Each call's fix check walked the whole handler for `_request_id` and the whole file for a
  // shadowed client (the batch queue), once per call.
  const call = `  await claude.messages.create({ model: 'claude-haiku-4-5', max_tokens: 20, messages: [{ role: 'user', content: job.data.text }] });`;
  const files = {
    'worker.ts': `import { Queue, Worker } from 'bullmq';\nimport Anthropic from '@anthropic-ai/sdk';\nconst claude = new Anthropic();\nexport const queue = new Queue('tagging');\nnew Worker('tagging', async (job) => {\n${Array(400).fill(call).join('\n')}\n});\n`,
    // A script fills the queue: nobody waits for the jobs, so each call is batchable and gets a fix check.
    'enqueue.ts': `import { Queue } from 'bullmq';\nconst queue = new Queue('tagging');\nasync function main() {\n  await queue.addBulk([{ name: 'a', data: { text: 'x' } }]);\n}\nmain();\n`,
    'package.json': '{ "name": "x", "scripts": { "enqueue": "tsx enqueue.ts" } }',
  };
  const outcome = runPipeline({ seed: 0, index: 0, origin: 'distilled', files, target: 'worker.ts', kinds: [], mutations: [] });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.findings, 400);
  assert.ok(outcome.stageMs['analyze: fix check'] !== undefined, 'the fix check ran');
});

test('a file with old Mac line endings (a lone CR) is read as many lines, not skipped as minified', () => {
  // The fuzzer's line-ending mutation made a fixture CR-only; the helper a fix created followed the
  // file's line endings and was then taken for a minified bundle (lines were counted at LF only).
  const lines = Array.from({ length: 800 }, (_, i) => `const note${i} = 'line ${i} of a long but ordinary file';`);
  const text = `import OpenAI from 'openai';\rconst client = new OpenAI();\r${lines.join('\r')}\rfor (const x of ['a']) { await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: x }] }); }\r`;
  assert.ok(text.length > 20_000, 'long enough for the minified check to look at it');
  assert.equal(unparseableReason(text), null);
  assert.equal(unparseableReason(text.replace(/\r/g, ' ')), 'skipped: the file looks minified (very long lines)');
  const result = analyse({ 'mac.mjs': text });
  assert.deepEqual(result.errors, []);
  assert.equal(result.findings.length, 1);
});

test('thousands of `let x; x = y;` aliases and thousands of top-level calls are followed to the client', () => {
  // Each let's assignments were found by walking the whole file (2,000 walks), and each call's
  // command-line checks walked the whole file again: both quadratic; bench/fuzz.ts times them.
  const lets = Array.from({ length: 2000 }, (_, i) => `let c${i + 1}; c${i + 1} = c${i};`);
  const chain = `import OpenAI from 'openai';\nconst c0 = new OpenAI();\n${lets.join('\n')}\nexport async function run(items: string[]) {\n  for (const item of items) {\n    await c2000.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: item }] });\n  }\n}\n`;
  const lazy = `import OpenAI from 'openai';\nlet client: OpenAI | undefined;\nexport async function run(items: string[]) {\n  client ??= new OpenAI();\n  for (const item of items) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: item }] });\n}\n`;
  const calls = Array.from({ length: 2000 }, (_, i) => `await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'q${i}' }] });`);
  const many = `import OpenAI from 'openai';\nconst client = new OpenAI();\n${calls.join('\n')}\n`;
  const result = analyse({ 'chain.ts': chain, 'lazy.ts': lazy, 'many.mjs': many });
  assert.deepEqual(result.errors, []);
  assert.equal(result.findings.filter((f) => f.site.file === 'chain.ts').length, 1);
  assert.equal(result.findings.filter((f) => f.site.file === 'lazy.ts').length, 1, 'a client assigned with ??= is still followed');
  assert.equal(result.findings.filter((f) => f.site.file === 'many.mjs').length, 2000);
});

test('a report of a 1,000-call file formats its figures with formatters made once, the same text as toLocaleString gives', () => {
  // Seed 20261204, input 127 (1,000 loops in one file): 2.2 s of CPU, 0.58 s of it the six report
  // formats, most of that building a number formatter per figure. The figures must not change.
  const figures = [0, 0.004, 0.005, 0.333, 1, 9.999, 10, 12.5, 1234.5, 1_000_000.126, 1e21];
  for (const n of figures) {
    assert.equal(formatUsd(n), n > 0 && n < 0.005 ? '<$0.01' : '$' + n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }), `formatUsd(${n})`);
    assert.equal(perDay(n), `${n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 })}/day`, `perDay(${n})`);
    if (n < 1e4) assert.equal(formatTokens(n), n.toLocaleString('en-US'), `formatTokens(${n})`);
  }
  assert.equal(callsPerDayText(1234), '1,234 calls/day');
});

test('in a project whose lines end in CR alone, the helper a fix writes to match it is not taken for minified', () => {
  // Seed 20261204, input 425: a project with CR line endings got a fix whose new helper module (written
  // with CR endings, like the file it serves) was then skipped as "minified": only LF counted as a line end.
  const dir = join(FIXTURES, 'analyze', 'ctx-csv-stream-script');
  const files = Object.fromEntries(['scripts/enrich.ts', 'package.json'].map((f) => [f, readFileSync(join(dir, f), 'utf8').replace(/\r?\n/g, '\r')]));
  const outcome = runPipeline({ seed: 0, index: 0, origin: 'distilled', files, target: 'scripts/enrich.ts', kinds: [], mutations: [] });
  assert.deepEqual(outcome.failures, []);
  assert.ok(outcome.fixesApplied >= 1, 'the fix was applied and its helper parsed');
});

test('a loop hoist that copies a prelude declaration into the request builder does not copy its comments', () => {
  // Seed 20261204, input 852: `const // note\nprompt = …` before the call was copied with its comment
  // into the request builder and kept in the loop: the fix showed the comment twice.
  const text = readFileSync(join(FIXTURES, 'rewrite', 'ts-pure-prelude', 'main.ts'), 'utf8').replace(
    '    const prompt = item.trim().toLowerCase();',
    '    const // keep-me\nprompt = item.trim() /* and me */ .toLowerCase();',
  );
  assert.match(text, /keep-me/);
  const outcome = runPipeline({ seed: 0, index: 0, origin: 'distilled', files: { 'main.ts': text }, target: 'main.ts', kinds: [], mutations: [] });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.fixesApplied, 1);
});

test('an index loop hoist copies the loop bound without its comments, which stay in the loop head', () => {
  // Seed 20261206, input 5464: `i < tickets/* c */.length` was copied with its comment into
  // `Array.from({ length: … })` while the loop head kept it too: the fix showed the comment twice.
  const text = readFileSync(join(FIXTURES, 'rewrite', 'js-try-continue', 'main.js'), 'utf8').replace('i < tickets.length', 'i < tickets/* keep-a */.// keep-b\nlength');
  assert.match(text, /keep-a/);
  const outcome = runPipeline({ seed: 0, index: 0, origin: 'distilled', files: { 'main.js': text }, target: 'main.js', kinds: [], mutations: [] });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.fixesApplied, 1);
});

test('a fix in a file whose lines end in LINE SEPARATOR (U+2028) keeps the code before a moved declaration', () => {
  // Seed 20261206, input 19986: `try {\u2028 const prompt = …` – the declaration moved into the request
  // builder was cut from the last LF before it, which took `try {` with it, and the fixed file did not parse.
  const text = readFileSync(join(FIXTURES, 'rewrite', 'js-try-continue', 'main.js'), 'utf8').replace(/try \{\n\s*/, 'try {\u2028      ');
  assert.match(text, /try \{\u2028 +const prompt/);
  const outcome = runPipeline({ seed: 0, index: 0, origin: 'distilled', files: { 'main.js': text }, target: 'main.js', kinds: [], mutations: [] });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.fixesApplied, 1);
});

test('a moved declaration that shares its line with other code leaves that code where it was', () => {
  // The same cut, with a plain LF file: `let answer; const prompt = …` lost `let answer;`.
  const text = readFileSync(join(FIXTURES, 'rewrite', 'js-try-continue', 'main.js'), 'utf8').replace(/try \{\n\s*/, 'try { void 0; ');
  assert.match(text, /try \{ void 0; const prompt/);
  const outcome = runPipeline({ seed: 0, index: 0, origin: 'distilled', files: { 'main.js': text }, target: 'main.js', kinds: [], mutations: [] });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.fixesApplied, 1);
});

test('a loop body of 1,000 independent calls: every call is found, none is a sequential dependency, each is checked for a fix', () => {
  // The sequential-dependency check of each call's fix walked the whole file for its LLM calls (a
  // thousand walks); the list is now made once per file. bench/fuzz.ts times it.
  const calls = Array.from({ length: 1000 }, (_, i) => `  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'question ${i}' + item }] });`);
  const text = `import OpenAI from 'openai';\nconst client = new OpenAI();\nfor (const item of ['a', 'b']) {\n${calls.join('\n')}\n}\n`;
  const outcome = runPipeline({ seed: 0, index: 0, origin: 'distilled', files: { 'loop.mjs': text }, target: 'loop.mjs', kinds: [], mutations: [] });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.findings, 1000);
  const result = analyse({ 'loop.mjs': text });
  assert.ok(result.findings.every((f) => !f.classification.evidence.some((e) => e.rule === 'sequential-dependency')));
});
