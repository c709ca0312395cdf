// Rewrite fixtures, RuleTester style: before → hand-written after (or the reason shown to the user).
// Every after re-parses, is idempotent, type-checks against the installed openai package, and runs
// against the local fake provider printing exactly what the original printed against the sync endpoint.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { Analyzer, runsOnce } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS, Finding } from '../../../src/core/model';
import { parseSource } from '../../../src/core/parse/parse';
import { applyEdits, moduleStyleFor, planFix } from '../../../src/core/rewrite';
import { checkLoopHoist } from '../../../src/core/rewrite/loopHoist';
import { ANTHROPIC_BATCH_HELPER_TS, BATCH_QUEUE_HELPER_TS, OPENAI_BATCH_HELPER_TS } from '../../../src/core/rewrite/templates.generated';
import { FIXTURES, REPO_ROOT } from '../helpers';
import { FakeOpenAI, startFakeOpenAI } from '../../fake-provider/openai';
import { run as runAgainstFakes, RunResult, writeRunnable } from './differential/check';
import { FakeAnthropic, startFakeAnthropic } from '../../fake-provider/anthropic';

const root = join(FIXTURES, 'rewrite');
/** In-process stand-ins for job libraries (BullMQ without Redis, p-queue), installed beside a fixture that imports them. */
function withFakePackages(dir: string, source: string): void {
  for (const pkg of ['bullmq', 'p-queue']) {
    if (source.includes(`from '${pkg}'`) || source.includes(`require('${pkg}')`)) cpSync(join(REPO_ROOT, 'test', 'fake-provider', pkg), join(dir, 'node_modules', pkg), { recursive: true });
  }
}
const cases = readdirSync(root).sort();
const WORK = join(REPO_ROOT, 'test-output', 'rewrite');

function mainFile(dir: string): string {
  return readdirSync(dir).find((f) => /^main\.[cm]?[jt]s$/.test(f))!;
}

function helperPathFor(main: string): string {
  const ext = main.slice(main.indexOf('.'));
  return 'batchwise/openaiBatch' + (ext === '.ts' ? '.ts' : ext === '.mjs' ? '.mjs' : '.js');
}

/** The first finding in the fixture's main file; the fixture's other modules are part of the project. */
function detectOne(file: string, text: string, dir?: string): Finding {
  const others = dir ? readdirSync(dir).filter((f) => /\.[cm]?[jt]s$/.test(f) && !/^(main|expected)\./.test(f)) : [];
  const project = { files: [file, ...others], read: (p: string) => (p === file ? text : others.includes(p) ? readFileSync(join(dir!, p), 'utf8') : undefined) };
  const findings = new Analyzer(project, DEFAULT_OPTIONS).run().findings.filter((f) => f.site.file === file);
  assert.ok(findings.length >= 1, 'the fixture has an LLM call');
  return findings[0];
}

interface Rewritten {
  name: string;
  main: string;
  after: string;
  /** The provider's batch helper (where the fix puts it). */
  helperPath: string;
  strategy: string;
  /** Every file the fix creates: the provider's helper, and the queue module for the batch queue. */
  files: Record<string, string>;
}
const accepted: Rewritten[] = [];

test('rewrite fixture set: at least 25 accepted shapes and 12 refusals', () => {
  assert.ok(cases.filter((c) => !c.startsWith('refuse-')).length >= 25);
  assert.ok(cases.filter((c) => c.startsWith('refuse-')).length >= 12);
});

for (const name of cases) {
  const dir = join(root, name);
  const main = mainFile(dir);
  const text = readFileSync(join(dir, main), 'utf8');
  // A fixture's package.json or tsconfig.json is its project's.
  const projectModuleStyle = moduleStyleFor(main, (p) => (existsSync(join(dir, p)) ? readFileSync(join(dir, p), 'utf8') : undefined));
  if (name.startsWith('refuse-')) {
    test(`refuses: ${name}`, () => {
      const finding = detectOne(main, text, dir);
      const plan = planFix({ file: main, text, site: finding.site, helperPath: helperPathFor(main), projectModuleStyle, runsOnce: runsOnce(finding.classification) });
      assert.equal(plan.ok, false);
      assert.equal(!plan.ok && plan.reason, readFileSync(join(dir, 'reason.txt'), 'utf8').trim());
    });
    continue;
  }
  test(`rewrites: ${name}`, () => {
    const finding = detectOne(main, text, dir);
    assert.equal(finding.classification.verdict === 'user-waiting', false);
    const helperPath = helperPathFor(main);
    // As the session plans it: told when the analysis found the call made once per run.
    const once = runsOnce(finding.classification);
    const plan = planFix({ file: main, text, site: finding.site, helperPath, projectModuleStyle, runsOnce: once });
    assert.ok(plan.ok, !plan.ok ? plan.reason : '');
    // An editor may order two insertions at one offset either way: the engine never emits them.
    const inserts = plan.fix.edits.filter((e) => e.range[0] === e.range[1]).map((e) => e.range[0]);
    assert.equal(new Set(inserts).size, inserts.length);
    const out = applyEdits(text, plan.fix.edits);
    const expected = readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith('expected.'))!), 'utf8');
    assert.equal(out, expected);
    // Re-parses, and auditing the output finds no LLM call left in the file (the loop now calls the helper),
    // but in an exported helper the fix split and kept for the modules importing it (kept.txt: its call's text).
    assert.ok(parseSource(main, out).ok);
    const left = new Analyzer({ files: [main], read: (p) => (p === main ? out : undefined) }, DEFAULT_OPTIONS).run().findings;
    const kept = existsSync(join(dir, 'kept.txt')) ? [readFileSync(join(dir, 'kept.txt'), 'utf8').trim()] : [];
    assert.deepEqual(left.map((f) => out.slice(f.site.range[0], f.site.range[1])), kept);
    // The helper files come with the fix, once (the Anthropic one and the queue beside the OpenAI one);
    // identical existing helpers are reused; a different one is never overwritten.
    const expectedHelper = finding.site.provider === 'anthropic' ? helperPath.replace('openaiBatch', 'anthropicBatch') : helperPath;
    const queuePath = helperPath.replace('openaiBatch', 'batchQueue');
    const expectedFiles = plan.fix.strategy === 'batch-queue' ? [expectedHelper, queuePath] : [expectedHelper];
    // A fixture whose fix is unsafe says what it changes in changes.txt; only such a fix may be unsafe, and only it says so.
    const changes = existsSync(join(dir, 'changes.txt')) ? readFileSync(join(dir, 'changes.txt'), 'utf8').trim() : undefined;
    assert.equal(plan.fix.changes, changes);
    assert.equal(plan.fix.safe, plan.fix.strategy === 'loop-hoist' && changes === undefined, 'only the loop hoist is marked safe: the queue and a batch of one change how long callers wait');
    assert.deepEqual(plan.fix.createFiles.map((f) => f.path), expectedFiles);
    const files = Object.fromEntries(plan.fix.createFiles.map((f) => [f.path, f.content]));
    const again = planFix({ file: main, text, site: finding.site, helperPath, projectModuleStyle, runsOnce: once, readExisting: (p) => files[p] });
    assert.ok(again.ok && again.fix.createFiles.length === 0);
    for (const path of expectedFiles) {
      const clash = planFix({ file: main, text, site: finding.site, helperPath, projectModuleStyle, runsOnce: once, readExisting: (p) => (p === path ? '// mine\n' : files[p]) });
      assert.ok(!clash.ok && clash.reason.startsWith(`${path} already exists with other content; Batchwise will not overwrite it`));
    }
    // The generated helpers themselves hold no call Batchwise would report.
    for (const [path, content] of Object.entries(files)) {
      assert.deepEqual(new Analyzer({ files: [path], read: () => content }, DEFAULT_OPTIONS).run().findings, []);
    }
    accepted.push({ name, main, after: out, helperPath: expectedHelper, strategy: plan.fix.strategy, files });
  });
}

function typeErrors(variant: 'before' | 'after', options: ts.CompilerOptions): string[] {
  const files: string[] = [];
  for (const c of accepted.filter((a) => a.main.endsWith('.ts'))) {
    const dir = join(WORK, 'typecheck', variant, c.name);
    mkdirSync(join(dir, 'batchwise'), { recursive: true });
    writeFileSync(join(dir, c.main), variant === 'after' ? c.after : readFileSync(join(root, c.name, c.main), 'utf8'));
    withFakePackages(dir, c.after);
    for (const [path, content] of Object.entries(c.files)) writeFileSync(join(dir, path), content);
    for (const f of readdirSync(join(root, c.name)).filter((f) => f.endsWith('.ts') && !/^(main|expected)\./.test(f))) {
      copyFileSync(join(root, c.name, f), join(dir, f));
      files.push(join(dir, f));
    }
    files.push(join(dir, c.main));
  }
  const program = ts.createProgram(files, {
    noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true, skipLibCheck: true, types: ['node'], ...options,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.split('/').slice(-2).join('/')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

test('every rewritten TypeScript program type-checks against the installed openai package', () => {
  assert.ok(accepted.filter((c) => c.main.endsWith('.ts')).length >= 3);
  assert.deepEqual(typeErrors('after', { strict: true }), []);
  // Under stricter settings the rewrite adds no error the original did not already have: no unused name
  // (a loop variable only the request read, a prelude const), nothing the helpers' types make worse.
  const stricter = {
    strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noUnusedLocals: true, noUnusedParameters: true,
    noPropertyAccessFromIndexSignature: true, noImplicitOverride: true, noImplicitReturns: true,
  };
  const withoutLines = (list: string[]) => list.map((d) => d.replace(/:\d+ /, ' ')).sort();
  // Each of the rewrite's errors takes one the original had; what is left over, the rewrite added. (It may
  // have fewer: names the original never read and the rewrite leaves out, ts-promise-all-unread-names.)
  const before = withoutLines(typeErrors('before', stricter));
  const added = withoutLines(typeErrors('after', stricter)).filter((e) => {
    const i = before.indexOf(e);
    if (i < 0) return true;
    before.splice(i, 1);
    return false;
  });
  assert.deepEqual(added, []);
});

/** checkJs over the JavaScript fixtures, with each helper's TypeScript source beside main so results are typed. */
function jsTypeErrors(variant: 'before' | 'after'): string[] {
  const sources: Record<string, string> = { openaiBatch: OPENAI_BATCH_HELPER_TS, anthropicBatch: ANTHROPIC_BATCH_HELPER_TS, batchQueue: BATCH_QUEUE_HELPER_TS };
  const mains: string[] = [];
  for (const c of accepted.filter((a) => !a.main.endsWith('.ts'))) {
    const dir = join(WORK, 'checkjs', variant, c.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'batchwise'), { recursive: true });
    writeFileSync(join(dir, c.main), variant === 'after' ? c.after : readFileSync(join(root, c.name, c.main), 'utf8'));
    withFakePackages(dir, c.after);
    // ./batchwise/openaiBatch.mjs resolves to openaiBatch.mts under NodeNext; a require of ./batchwise/openaiBatch to .ts.
    for (const path of Object.keys(c.files)) {
      const base = path.replace(/^batchwise\//, '').replace(/\.[cm]?[jt]s$/, '');
      writeFileSync(join(dir, 'batchwise', base + (path.endsWith('.mjs') ? '.mts' : '.ts')), sources[base]);
    }
    for (const f of readdirSync(join(root, c.name)).filter((f) => (/\.m?js$/.test(f) || f === 'package.json') && !/^(main|expected)\./.test(f))) copyFileSync(join(root, c.name, f), join(dir, f));
    mains.push(join(dir, c.main));
  }
  const program = ts.createProgram(mains, {
    noEmit: true, allowJs: true, checkJs: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: ['node'],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && mains.includes(d.file.fileName))
    .map((d) => `${d.file!.fileName.split('/').slice(-2).join('/')} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
    .sort();
}

test('every rewritten JavaScript program adds no type error under checkJs, with the helpers typed', () => {
  assert.ok(accepted.filter((c) => !c.main.endsWith('.ts')).length >= 5);
  const before = jsTypeErrors('before');
  const after = jsTypeErrors('after');
  assert.deepEqual(after, before);
});

// ---- equivalence against the fake provider

let fake: FakeOpenAI;
let fakeAnthropic: FakeAnthropic;
before(async () => {
  fake = await startFakeOpenAI();
  fakeAnthropic = await startFakeAnthropic();
});
after(async () => {
  await fake.close();
  await fakeAnthropic.close();
});

function stage(name: string, variant: string, main: string, text: string, extra: Record<string, string> = {}): string {
  const dir = join(WORK, 'run', name, variant);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Other files of the fixture come along (TypeScript ones transpiled like main).
  const others: Record<string, string> = {};
  for (const f of readdirSync(join(root, name))) {
    if (/^(main|expected)\./.test(f) || f === 'reason.txt') continue;
    if (f.endsWith('.ts')) others[f] = readFileSync(join(root, name, f), 'utf8');
    else copyFileSync(join(root, name, f), join(dir, f));
  }
  for (const [rel, source] of Object.entries({ ...others, ...extra })) writeRunnable(dir, rel, source);
  withFakePackages(dir, text);
  return writeRunnable(dir, main, text);
}

/** A program run against the fakes (the Anthropic one unless told). */
function run(entry: string, baseURL: string, anthropicURL = fakeAnthropic.url, env: Record<string, string> = {}): Promise<RunResult> {
  return runAgainstFakes(entry, baseURL, anthropicURL, { env });
}

test('each rewritten program prints exactly what the original prints (sync endpoint vs Batch API, out-of-order results)', async () => {
  assert.ok(accepted.length >= 5);
  for (const c of accepted) {
    const original = await run(stage(c.name, 'before', c.main, readFileSync(join(root, c.name, c.main), 'utf8'), c.files), fake.url);
    const rewritten = await run(stage(c.name, 'after', c.main, c.after, c.files), fake.url);
    assert.equal(original.code, 0, `${c.name} original: ${original.stderr}`);
    assert.equal(rewritten.code, 0, `${c.name} rewritten: ${rewritten.stderr}`);
    assert.ok(original.stdout.length > 0, `${c.name} printed nothing`);
    sameOutput(c, rewritten.stdout, original.stdout);
  }
  const anthropicCases = accepted.filter((c) => c.helperPath.includes('anthropicBatch')).length;
  assert.ok(anthropicCases >= 2);
  assert.ok(fake.stats.chatCompletions > 0 && fake.stats.batchesCreated >= accepted.length - anthropicCases, JSON.stringify(fake.stats));
  assert.ok(fakeAnthropic.stats.messages > 0 && fakeAnthropic.stats.batchesCreated >= anthropicCases && fakeAnthropic.stats.resultDownloads >= anthropicCases, JSON.stringify(fakeAnthropic.stats));
});

/**
 * Lines printed from callbacks that run concurrently (Promise.all, p-map, p-limit with a limit above one)
 * come in whatever order the answers arrive: the original program does not define that order, so for
 * those fixtures the lines must be the same lines, and the last line (printed after the fan-out) the same.
 * Every other fixture must print exactly the same text.
 */
function sameOutput(c: Rewritten, rewritten: string, original: string): void {
  const source = readFileSync(join(root, c.name, c.main), 'utf8');
  if (rewritten === original || !/Promise\.all|pMap|pLimit|concurrency:/.test(source)) {
    assert.equal(rewritten, original, c.name);
    return;
  }
  const lines = (s: string) => s.trimEnd().split('\n');
  assert.deepEqual([...lines(rewritten)].sort(), [...lines(original)].sort(), `${c.name}: the same lines`);
  assert.equal(lines(rewritten).at(-1), lines(original).at(-1), `${c.name}: the same last line`);
}

test('a batch queue beside a BullMQ worker or an event handler sends what waits when the worker closes or the process gets SIGTERM', async () => {
  // An hour's wait before a batch goes out, and room for more: only the flush on shutdown ends these
  // programs (without it they would hang until the runner kills them).
  for (const name of ['ts-queue-bullmq-worker', 'ts-queue-bullmq-named-processor', 'js-queue-event-sigterm']) {
    const { original, rewritten } = await runBoth(name, { env: { BATCHWISE_QUEUE_MAX_WAIT_MS: '3600000' } });
    assert.equal(original.code, 0, `${name} original: ${original.stderr}`);
    assert.equal(rewritten.code, 0, `${name} rewritten: ${rewritten.stderr}`);
    sameOutput(accepted.find((a) => a.name === name)!, rewritten.stdout, original.stdout);
  }
});

/** Runs a fixture's original against fakes that answer synchronously and its rewrite against the same fakes' batches. */
async function runBoth(name: string, options: { openai?: Parameters<typeof startFakeOpenAI>[0]; anthropic?: Parameters<typeof startFakeAnthropic>[0]; env?: Record<string, string> }) {
  const c = accepted.find((a) => a.name === name);
  assert.ok(c, `${name} is an accepted fixture`);
  const openai = await startFakeOpenAI(options.openai);
  const anthropic = await startFakeAnthropic(options.anthropic);
  try {
    const original = await run(stage(c.name, 'before-fail', c.main, readFileSync(join(root, c.name, c.main), 'utf8'), c.files), openai.url, anthropic.url, options.env);
    const rewritten = await run(stage(c.name, 'after-fail', c.main, c.after, c.files), openai.url, anthropic.url, options.env);
    // The helper's own warning (the results that arrived are kept for a rerun) is the one line the original lacks.
    const warnings = rewritten.stderr.split('\n').filter((l) => l.startsWith('batchwise: '));
    assert.ok(warnings.length <= 1 && warnings.every((w) => /request\(s\) failed .*resends only the failed requests that may succeed \(.*\)$/.test(w)), warnings.join('\n'));
    rewritten.stderr = rewritten.stderr.split('\n').filter((l) => !l.startsWith('batchwise: ')).join('\n');
    return { original, rewritten };
  } finally {
    await openai.close();
    await anthropic.close();
  }
}

test('a request the provider rejects fails the rewritten program where the original failed, with the same error', async () => {
  // The fake rejects the third ticket (400) at the sync endpoint and inside the batch alike.
  const { original, rewritten } = await runBoth('js-commonjs', { openai: { rejectText: 'refund' } });
  assert.equal(original.code, 1);
  assert.match(original.stderr, /^400 Invalid prompt: requests mentioning 'refund' are rejected\.$/m);
  assert.equal(rewritten.code, original.code);
  assert.equal(rewritten.stdout, original.stdout, 'the tickets before it are printed, as before');
  assert.ok(original.stdout.includes('cannot log in ->') && !original.stdout.includes('refund please ->'));
  assert.equal(rewritten.stderr, original.stderr);
});

test('a call in a try block: the request the provider rejects is caught by the same catch, in the same iteration, and the loop goes on', async () => {
  const { original, rewritten } = await runBoth('ts-try-catch', { openai: { rejectText: 'refund' } });
  assert.equal(original.code, 0);
  assert.ok(original.stdout.includes("failed b2 400 Invalid prompt: requests mentioning 'refund' are rejected.\nc3 "), original.stdout);
  assert.ok(original.stdout.endsWith('done\n'), original.stdout);
  assert.equal(rewritten.code, original.code);
  assert.equal(rewritten.stdout, original.stdout);
  // An index loop whose catch skips the failed ticket (continue): the tickets after it are still labelled.
  const skipped = await runBoth('js-try-continue', { openai: { rejectText: 'refund' } });
  assert.ok(skipped.original.stdout.startsWith("skipped 2 400 Invalid prompt: requests mentioning 'refund' are rejected.\n"), skipped.original.stdout);
  assert.ok(skipped.original.stdout.includes('\n3: '), skipped.original.stdout);
  assert.equal(skipped.rewritten.stdout, skipped.original.stdout);
  // try/finally: the finally runs for the failed note, then the failure ends the loop, as before.
  const ended = await runBoth('ts-try-finally', { anthropic: { rejectText: 'backend' } });
  assert.ok(ended.original.stdout.includes('done 2 of 3\nstopped: 400'), ended.original.stdout);
  assert.ok(!ended.original.stdout.includes('Fix the export button'), ended.original.stdout);
  const withoutId = (t: string) => t.replace(/"request_id":"[^"]*"/g, '"request_id":"…"');
  assert.equal(withoutId(ended.rewritten.stdout), withoutId(ended.original.stdout));
});

test('a call whose answer is discarded still fails the rewritten loop where the original failed (for…of and forEach)', async () => {
  const loop = await runBoth('ts-moderation-discard', { openai: { rejectText: 'refund' } });
  assert.equal(loop.original.stdout, "checked hello there\nfailed: 400 Invalid prompt: requests mentioning 'refund' are rejected.\n");
  assert.equal(loop.rewritten.stdout, loop.original.stdout);
  // forEach's callbacks settle as their answers arrive: the same lines, in an order the network decides.
  const fanOut = await runBoth('ts-foreach-discard', { openai: { rejectText: 'refund' } });
  const lines = (t: string) => t.split('\n').filter(Boolean).sort();
  assert.ok(fanOut.original.stdout.includes("failed: 400 Invalid prompt: requests mentioning 'refund' are rejected."), fanOut.original.stdout);
  assert.deepEqual(lines(fanOut.rewritten.stdout), lines(fanOut.original.stdout));
});

test('a p-map whose request fails: the mappers in flight beside it still print their answers after the rewrite, as they did before', async () => {
  // p-map stops starting mappers at the first failure; the original had started them all before any answer came.
  const { original, rewritten } = await runBoth('ts-p-map-failure', { openai: { rejectText: 'refund' } });
  const lines = (t: string) => t.split('\n').filter(Boolean).sort();
  assert.ok(original.stdout.includes("failed: 400 Invalid prompt: requests mentioning 'refund' are rejected."), original.stdout);
  assert.ok(['cannot log in ->', 'dark mode when ->', 'export is slow ->'].every((t) => original.stdout.includes(t)), original.stdout);
  assert.deepEqual(lines(rewritten.stdout), lines(original.stdout));
  assert.equal(rewritten.code, original.code);
  // With a concurrency of two and the failure caught in its mapper, p-map goes on: every ticket prints,
  // its answer or its failure. (Uncaught, which tickets run after the failure is the network's timing,
  // which a batch cannot keep: refused, fixture refuse-p-map-limited-uncaught.)
  const limited = await runBoth('ts-p-map-limited-failure', { openai: { rejectText: 'refund' } });
  assert.ok(limited.original.stdout.includes('refund please failed:') && limited.original.stdout.includes('export is slow ->'), limited.original.stdout);
  assert.deepEqual(lines(limited.rewritten.stdout), lines(limited.original.stdout));
});

test('an expired batch: the requests it did not finish are sent again (as the SDK retries a call), so the rewritten program prints what the original prints', async () => {
  const { original, rewritten } = await runBoth('js-commonjs', { openai: { expireAfter: 2 } });
  assert.equal(original.code, 0);
  assert.equal(rewritten.code, 0, rewritten.stderr);
  assert.equal(rewritten.stdout, original.stdout);
});

test('an expired batch with resubmission turned off fails the rewritten program at the first request it did not finish, after printing the ones before', async () => {
  const { original, rewritten } = await runBoth('js-commonjs', { openai: { expireAfter: 2 }, env: { BATCHWISE_RESUBMIT_FAILED: '0' } });
  assert.equal(original.code, 0, 'the synchronous endpoint answers every request');
  assert.equal(rewritten.code, 1);
  const lines = original.stdout.split('\n');
  // Both tickets answered, and the third one announced, before the error.
  assert.equal(rewritten.stdout, lines.slice(0, 5).join('\n') + '\n');
  assert.equal(rewritten.stderr.trim(), 'This request could not be executed before the completion window expired.');
});

test('Anthropic: an errored request fails the rewritten program with the SDK error the sync call throws; an expired one with the helper\'s', async () => {
  const rejected = await runBoth('js-anthropic-promise-all', { anthropic: { rejectText: 'France' } });
  assert.equal(rejected.original.code, 1);
  assert.equal(rejected.rewritten.code, 1);
  assert.equal(rejected.rewritten.stdout, rejected.original.stdout);
  const withoutId = (t: string) => t.replace(/"request_id":"[^"]*"/g, '"request_id":"…"');
  assert.match(rejected.original.stderr, /^400 \{"type":"error","error":\{"type":"invalid_request_error","message":"messages: requests mentioning 'France' are rejected"\}/);
  assert.equal(withoutId(rejected.rewritten.stderr), withoutId(rejected.original.stderr));

  const expired = await runBoth('js-anthropic-promise-all', { anthropic: { expireAfter: 2 }, env: { BATCHWISE_RESUBMIT_FAILED: '0' } });
  assert.equal(expired.original.code, 0);
  assert.equal(expired.rewritten.code, 1);
  assert.match(expired.rewritten.stderr, /^expired before it was processed \(message batch msgbatch_\w+\)$/m);
});

test('the helper is generated from the type-checked template', () => {
  const template = readFileSync(join(REPO_ROOT, 'src', 'core', 'rewrite', 'templates', 'openaiBatch.ts'), 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const generated = require('../../../src/core/rewrite/templates.generated') as { OPENAI_BATCH_HELPER_TS: string };
  assert.equal(generated.OPENAI_BATCH_HELPER_TS, template, 'run scripts/gen-templates.mjs');
  assert.ok(existsSync(join(REPO_ROOT, 'scripts', 'gen-templates.mjs')));
});

test('the helper templates type-check under the strictest settings projects use (@tsconfig/strictest, erasable syntax for Node\'s type stripping)', () => {
  const strictest: ts.CompilerOptions = {
    noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: ['node'], esModuleInterop: true,
    exactOptionalPropertyTypes: true, noFallthroughCasesInSwitch: true, noImplicitOverride: true, noImplicitReturns: true,
    noPropertyAccessFromIndexSignature: true, noUncheckedIndexedAccess: true, noUnusedLocals: true, noUnusedParameters: true,
    isolatedModules: true, allowUnreachableCode: false, erasableSyntaxOnly: true,
  };
  const sources = { 'openaiBatch.ts': OPENAI_BATCH_HELPER_TS, 'anthropicBatch.ts': ANTHROPIC_BATCH_HELPER_TS, 'batchQueue.ts': BATCH_QUEUE_HELPER_TS };
  // verbatimModuleSyntax applies to ES modules (in a CommonJS one it forbids import statements altogether).
  for (const [variant, extra, pkg] of [
    ['esm', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, verbatimModuleSyntax: true }, '{ "type": "module" }'],
    ['cjs', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }, '{}'],
  ] as const) {
    const dir = join(WORK, 'strictest', variant);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), pkg);
    for (const [name, text] of Object.entries(sources)) writeFileSync(join(dir, name), text);
    const program = ts.createProgram(Object.keys(sources).map((n) => join(dir, n)), { ...strictest, ...extra });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.split('/').pop()} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    assert.deepEqual(errors, [], variant);
  }
});

test('forEach(async …) over an array stays fire-and-forget under the loop hoist; what the hoist cannot keep goes to the batch queue; a limited fan-out gets neither', () => {
  const plan = (body: string, head = '') => {
    const text = `import OpenAI from 'openai';\n${head}const openai = new OpenAI();\n${body}`;
    const finding = detectOne('main.ts', text);
    return { hoist: checkLoopHoist('main.ts', text, finding.site, 'batchwise/openaiBatch.ts'), fix: planFix({ file: 'main.ts', text, site: finding.site, helperPath: 'batchwise/openaiBatch.ts' }) };
  };
  const call = `await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: item }] });`;
  // The batch is not awaited where forEach stood: statements after it, and callers, run on at once as before.
  const notLast = plan(`export async function tag(items: string[]) {\n  items.forEach(async (item) => {\n    ${call}\n  });\n  console.log('queued');\n}\n`);
  assert.equal(notLast.fix.ok && notLast.fix.fix.strategy, 'loop-hoist');
  const notAsync = plan(`export function tag(items: string[]) {\n  items.forEach(async (item) => {\n    ${call}\n  });\n}\n`);
  assert.equal(notAsync.fix.ok && notAsync.fix.fix.strategy, 'loop-hoist');
  // A Map's forEach passes (value, key): rebuilt over an array it would pass indexes.
  const map = plan(`export function tag(items: Map<string, string>) {\n  items.forEach(async (item) => {\n    ${call}\n  });\n}\n`);
  assert.match(!map.hoist.ok ? map.hoist.reason : '', /is not known to be an array/);
  assert.equal(map.fix.ok && map.fix.fix.strategy, 'batch-queue');
  const unawaited = plan(`export function tag(items: string[]) {\n  items.map(async (item) => {\n    ${call}\n  });\n}\n`);
  assert.match(!unawaited.hoist.ok ? unawaited.hoist.reason : '', /not awaited through Promise.all/);
  assert.equal(unawaited.fix.ok && unawaited.fix.fix.strategy, 'batch-queue');
  // Two calls per item (the second may depend on the first): no hoist; and a limiter caps what a queue could gather.
  const twoCalls = `const a = ${call}\n    const b = ${call.replace('content: item', 'content: a.id')}\n    return b.id;`;
  const limited = plan(`export async function tag(items: string[]) {\n  await Promise.all(items.map((item) => limit(async () => {\n    ${twoCalls}\n  })));\n}\n`, `import pLimit from 'p-limit';\nconst limit = pLimit(2);\n`);
  assert.equal(!limited.hoist.ok && limited.hoist.reason, 'the loop body makes more than one LLM call; the later calls may depend on earlier answers');
  assert.equal(
    !limited.fix.ok && limited.fix.reason,
    'the loop body makes more than one LLM call; the later calls may depend on earlier answers; the fan-out limits its concurrency (p-map options or a p-limit limiter), so a queue would gather only that many requests per batch',
  );
  // Without the limiter, each item's calls run concurrently: the queue gathers every first call, then every second.
  const unlimited = plan(`export async function tag(items: string[]) {\n  await Promise.all(items.map(async (item) => {\n    ${twoCalls}\n  }));\n}\n`);
  assert.equal(unlimited.fix.ok && unlimited.fix.fix.strategy, 'batch-queue');
});

test('batch queue: a second call site reuses the file\'s queue, and no two edits insert at one offset', () => {
  const head = `import OpenAI from 'openai';\nconst openai = new OpenAI();\n`;
  const handler = (name: string) => `export async function ${name}(text: string) {\n  const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });\n  return res.id;\n}\n`;
  const text = head + handler('first') + handler('second');
  const fixAt = (source: string) => {
    const finding = detectOne('main.ts', source);
    const plan = planFix({ file: 'main.ts', text: source, site: finding.site, helperPath: 'batchwise/openaiBatch.ts' });
    assert.ok(plan.ok && plan.fix.strategy === 'batch-queue', !plan.ok ? plan.reason : '');
    const starts = plan.fix.edits.filter((e) => e.range[0] === e.range[1]).map((e) => e.range[0]);
    assert.equal(new Set(starts).size, starts.length, 'an editor may order insertions at one offset either way');
    return applyEdits(source, plan.fix.edits);
  };
  const once = fixAt(text);
  const twice = fixAt(once);
  assert.equal(twice.match(/new BatchQueue\(/g)?.length, 1);
  assert.equal(twice.match(/^import \{ BatchQueue \}/gm)?.length, 1);
  assert.equal(twice.match(/batchwiseChatCompletionsQueue\.add\(/g)?.length, 2);
  assert.equal(twice.match(/openai\.chat\.completions\.create\(/g), null);
  assert.ok(parseSource('main.ts', twice).ok);
});

test('batch queue with a client of a function: a second call site reuses the queue in that scope; the client made per run goes to module level only from constant settings', () => {
  const fixAt = (source: string) => {
    const finding = detectOne('main.ts', source);
    return planFix({ file: 'main.ts', text: source, site: finding.site, helperPath: 'batchwise/openaiBatch.ts' });
  };
  const call = (name: string) => `  async function ${name}(text: string) {\n    const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });\n    return res.id;\n  }\n`;
  // Two handlers nested in the function that makes the client: one queue, right after the client, for both.
  const scoped = `import OpenAI from 'openai';\nexport function start(on: (f: (t: string) => Promise<string>) => void) {\n  const openai = new OpenAI();\n${call('first')}${call('second')}  on(first);\n  on(second);\n}\n`;
  const once = fixAt(scoped);
  assert.ok(once.ok, !once.ok ? once.reason : '');
  const after = applyEdits(scoped, once.fix.edits);
  assert.match(after, /const openai = new OpenAI\(\);\n  const batchwiseChatCompletionsQueue = new BatchQueue\(\(requests: [^)]*\]\) => runChatCompletionsBatch\(openai, requests\)\);/);
  const twice = fixAt(after);
  assert.ok(twice.ok, !twice.ok ? twice.reason : '');
  const both = applyEdits(after, twice.fix.edits);
  assert.equal(both.match(/new BatchQueue\(/g)?.length, 1);
  assert.equal(both.match(/batchwiseChatCompletionsQueue\.add\(/g)?.length, 2);
  assert.ok(parseSource('main.ts', both).ok);
  // A SIGTERM listener at module level could not reach a queue inside start(): no fix.
  const withHook = fixAt(`${scoped}process.on('SIGTERM', () => process.exit(0));\n`);
  assert.ok(!withHook.ok && /out of reach of the shutdown hook/.test(withHook.reason), withHook.ok ? 'fixed' : withHook.reason);
  // Made per run: from a literal and process.env it is made again at module level (unsafe, saying so); the local declaration goes.
  const perRun = (settings: string) => `import OpenAI from 'openai';\nexport async function handle(event: { text: string; key: string }) {\n  const openai = new OpenAI(${settings});\n  const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: event.text }] });\n  return res.id;\n}\n`;
  const remade = fixAt(perRun(`{ apiKey: process.env.OPENAI_API_KEY, timeout: 60_000 }`));
  assert.ok(remade.ok && !remade.fix.safe && /made again from the same settings/.test(remade.fix.changes ?? ''), !remade.ok ? remade.reason : '');
  const moved = applyEdits(perRun(`{ apiKey: process.env.OPENAI_API_KEY, timeout: 60_000 }`), remade.fix.edits);
  assert.match(moved, /runChatCompletionsBatch\(new OpenAI\(\{ apiKey: process\.env\.OPENAI_API_KEY, timeout: 60_000 \}\), requests\)/);
  assert.equal(moved.match(/new OpenAI\(/g)?.length, 1);
  // From the event (another key per run), a call, or a local: refused, naming what differs.
  for (const [settings, named] of [[`{ apiKey: event.key }`, '`event`'], [`{ apiKey: readKey() }`, '`readKey()`'], [`{ apiKey: \`${'${event.key}'}\` }`, '`event`']]) {
    const refused = fixAt(perRun(settings));
    assert.ok(!refused.ok && refused.reason.includes(`made on every run of the function, with ${named}`), refused.ok ? `fixed ${settings}` : refused.reason);
  }
});

test('batch queue beside a runner: a second call site adds no second shutdown hook; a concurrency Batchwise cannot read leaves the defaults', () => {
  const fixAt = (source: string) => {
    const finding = detectOne('main.ts', source);
    const plan = planFix({ file: 'main.ts', text: source, site: finding.site, helperPath: 'batchwise/openaiBatch.ts' });
    assert.ok(plan.ok && plan.fix.strategy === 'batch-queue', !plan.ok ? plan.reason : '');
    return applyEdits(source, plan.fix.edits);
  };
  const call = (v: string) => `await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: ${v} }] })`;
  const worker = (options: string) =>
    `import OpenAI from 'openai';\nimport { Worker } from 'bullmq';\nconst openai = new OpenAI();\n` +
    `export const worker = new Worker('docs', async (job) => {\n  const a = ${call('job.data.title')};\n  const b = ${call('job.data.body')};\n  return [a.id, b.id];\n}, ${options});\n` +
    `process.on('SIGTERM', () => void worker.close());\n`;
  const twice = fixAt(fixAt(worker('{ concurrency: 8 }')));
  assert.equal(twice.match(/openai\.chat\.completions\.create\(/g), null);
  assert.equal(twice.match(/new BatchQueue\(.*\{ maxRequests: 8 \}\);$/gm)?.length, 1);
  assert.equal(twice.match(/^worker\.on\('closing', \(\) => void batchwiseChatCompletionsQueue\.flush\(\)\);$/gm)?.length, 1);
  // The worker's own 'closing' covers the file's SIGTERM listener, which closes it: no second hook there.
  assert.equal(twice.match(/process\.on\('SIGTERM'/g)?.length, 1);
  assert.ok(parseSource('main.ts', twice).ok);
  const unread = fixAt(worker('{ concurrency: Number(process.env.CONCURRENCY) }'));
  assert.match(unread, /new BatchQueue\(\(requests: Parameters<typeof runChatCompletionsBatch>\[1\]\) => runChatCompletionsBatch\(openai, requests\)\);$/m);
  assert.match(unread, /^worker\.on\('closing'/m);
  // A processor that calls the function once per item of a job makes many requests per job: the worker's concurrency (1 here) is no measure of them.
  const fanOut =
    `import OpenAI from 'openai';\nimport { Worker } from 'bullmq';\nconst openai = new OpenAI();\n` +
    `async function tag(text: string) {\n  const r = ${call('text')};\n  return r.id;\n}\n` +
    `export const worker = new Worker('docs', async (job) => {\n  const pending: Promise<string>[] = [];\n  for (const t of job.data.texts) pending.push(tag(t));\n  return Promise.all(pending);\n});\n`;
  const perItem = fixAt(fanOut);
  assert.match(perItem, /new BatchQueue\(\(requests: Parameters<typeof runChatCompletionsBatch>\[1\]\) => runChatCompletionsBatch\(openai, requests\)\);$/m);
  assert.doesNotMatch(perItem, /\.on\('closing'/);
});

test('batch queue in a Bull processor: its concurrency argument caps the queue, and the file\'s SIGTERM listener gets a flush added before it', () => {
  const call = (target: string) => `${target}({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: job.data.text }] })`;
  const program = (head: string, queueLine: string, target: string, hook: string) =>
    `const Queue = require('bull');\nconst OpenAI = require('openai');\n${head}\nconst openai = new OpenAI();\n${queueLine}const summaries = new Queue('summaries');\n\n` +
    `summaries.process('summary', 4, async (job) => {\n  const c = await ${call(target)};\n  return c.id;\n});\n\n` +
    `${hook}// Finish the running jobs first.\nprocess.on('SIGTERM', () => summaries.close().then(() => process.exit(0)));\n`;
  const before = program('', '', 'openai.chat.completions.create', '');
  const expected = program(
    "const { runChatCompletionsBatch } = require('./batchwise/openaiBatch');\nconst { BatchQueue } = require('./batchwise/batchQueue');\n",
    'const batchwiseChatCompletionsQueue = new BatchQueue((requests) => runChatCompletionsBatch(openai, requests), { maxRequests: 4 });\n',
    'batchwiseChatCompletionsQueue.add',
    "process.on('SIGTERM', () => void batchwiseChatCompletionsQueue.flush());\n",
  );
  const finding = detectOne('main.js', before);
  const plan = planFix({ file: 'main.js', text: before, site: finding.site, helperPath: 'batchwise/openaiBatch.js' });
  assert.ok(plan.ok && plan.fix.strategy === 'batch-queue', !plan.ok ? plan.reason : '');
  assert.equal(applyEdits(before, plan.fix.edits), expected);
});

test('module settings inherited as tsc reads them: from a package base (@tsconfig/node20 style) and through an extends array', () => {
  const text = `import OpenAI from 'openai';\nconst openai = new OpenAI();\nexport async function run(items: string[]) {\n  for (const item of items) {\n    const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: item }] });\n    console.log(res.choices[0].message.content);\n  }\n}\n`;
  const importOf = (files: Record<string, string>) => {
    const finding = detectOne('src/main.ts', text);
    const plan = planFix({ file: 'src/main.ts', text, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', readExisting: (p) => files[p] });
    assert.ok(plan.ok, !plan.ok ? plan.reason : '');
    return /^import \{ runChatCompletionsBatch \} from '([^']+)';$/m.exec(applyEdits(text, plan.fix.edits))?.[1];
  };
  const base = '{ "compilerOptions": { "module": "node16", "moduleResolution": "node16", "target": "es2022" } }';
  const pkg = '{ "type": "module" }';
  // A base from node_modules, named by package: tsc resolves it through node_modules as it does a module.
  assert.equal(importOf({ 'package.json': pkg, 'tsconfig.json': '{ "extends": "@tsconfig/node20/tsconfig.json" }', 'node_modules/@tsconfig/node20/tsconfig.json': base }), '../batchwise/openaiBatch.js');
  // The last base of an array wins, and the file's own setting wins over both.
  const two = { 'package.json': pkg, 'configs/esm.json': base, 'configs/cjs.json': '{ "compilerOptions": { "module": "commonjs", "moduleResolution": "node10" } }' };
  assert.equal(importOf({ ...two, 'tsconfig.json': '{ "extends": ["./configs/cjs.json", "./configs/esm.json"] }' }), '../batchwise/openaiBatch.js');
  assert.equal(importOf({ ...two, 'tsconfig.json': '{ "extends": ["./configs/esm.json", "./configs/cjs.json"] }' }), '../batchwise/openaiBatch');
  assert.equal(importOf({ ...two, 'tsconfig.json': '{ "extends": ["./configs/cjs.json", "./configs/esm.json"], "compilerOptions": { "module": "commonjs", "moduleResolution": "node10" } }' }), '../batchwise/openaiBatch');
  // A base that is not there changes nothing.
  assert.equal(importOf({ 'package.json': pkg, 'tsconfig.json': '{ "extends": "@tsconfig/missing/tsconfig.json" }' }), '../batchwise/openaiBatch');
});

test('a "type": "module" package under moduleResolution nodenext gets the helper import with its .js extension, even with no relative import to copy', () => {
  const text = `import OpenAI from 'openai';\nconst openai = new OpenAI();\nexport async function run(items: string[]) {\n  for (const item of items) {\n    const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: item }] });\n    console.log(res.choices[0].message.content);\n  }\n}\n`;
  const project: Record<string, string> = {
    'package.json': '{ "type": "module" }',
    'tsconfig.json': '{\n  // comments and trailing commas, as tsc allows\n  "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", },\n}\n',
  };
  const fix = (files: Record<string, string>) => {
    const finding = detectOne('src/main.ts', text);
    const plan = planFix({ file: 'src/main.ts', text, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', readExisting: (p) => files[p] });
    assert.ok(plan.ok, !plan.ok ? plan.reason : '');
    return { out: applyEdits(text, plan.fix.edits), created: plan.fix.createFiles };
  };
  const esm = fix(project);
  assert.match(esm.out, /^import \{ runChatCompletionsBatch \} from '\.\.\/batchwise\/openaiBatch\.js';$/m);
  // tsc agrees: without the extension this is TS2835 under nodenext.
  const dir = join(WORK, 'nodenext');
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of [['src/main.ts', esm.out], ['package.json', project['package.json']], ...esm.created.map((f) => [f.path, f.content])]) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const program = ts.createProgram([join(dir, 'src/main.ts')], {
    noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: ['node'],
  });
  assert.deepEqual(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
  // In a CommonJS package the same settings compile the file to require(): no extension needed, none added.
  const cjs = fix({ 'tsconfig.json': project['tsconfig.json'] });
  assert.match(cjs.out, /^import \{ runChatCompletionsBatch \} from '\.\.\/batchwise\/openaiBatch';$/m);
});
