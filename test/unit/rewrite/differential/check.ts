// The differential check: each generated program goes through Batchwise's fix as `batchwise fix` plans
// it; a refusal is recorded with its reason; an accepted rewrite is type-checked (TypeScript) and run
// against the fake providers' batch endpoints next to the original against their sync endpoints, once
// with every request answered and once with the provider rejecting the requests that mention one word.
// Any difference in what the two print, or in how they exit, is a wrong rewrite.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { Analyzer, runsOnce } from '../../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../../src/core/model';
import { parseSource } from '../../../../src/core/parse/parse';
import { applyEdits, planFix } from '../../../../src/core/rewrite';
import { startFakeOpenAI } from '../../../fake-provider/openai';
import { startFakeAnthropic } from '../../../fake-provider/anthropic';
import { startFakeGemini } from '../../../fake-provider/gemini';
import { GeneratedProgram, REJECT_TEXT } from './generate';
import { LANGCHAIN_PROJECT } from '../../../support/aiSdkReleases';

export interface Rewrite {
  after: string;
  /** The files the fix creates (the helper modules). */
  files: Record<string, string>;
}

export type Outcome =
  | { program: GeneratedProgram; status: 'refused'; reason: string }
  /** `rejectionShown`: the rejected request changed what the original printed (the rejection run tested something). */
  | { program: GeneratedProgram; status: 'equivalent'; rewrite: Rewrite; rejectionShown: boolean }
  | { program: GeneratedProgram; status: 'different'; rewrite: Rewrite; detail: string }
  /** The generated program itself is broken (it does not type-check, or fails on its own): a generator bug, not Batchwise's. */
  | { program: GeneratedProgram; status: 'invalid'; detail: string };

const AI_SDK_PROJECT = '{ "private": true, "dependencies": { "ai": "5.0.277", "@ai-sdk/openai": "2.0.130", "@ai-sdk/anthropic": "2.0.112", "openai": "7.57.0", "@anthropic-ai/sdk": "1.13.0" } }';

function helperPathFor(file: string): string {
  const ext = file.slice(file.indexOf('.'));
  return 'batchwise/openaiBatch' + (ext === '.ts' ? '.ts' : ext === '.mjs' ? '.mjs' : '.js');
}

/** The fix for the program's one LLM call, planned as the CLI plans it, or why there is none. */
export function fixProgram(p: GeneratedProgram): { ok: true; rewrite: Rewrite } | { ok: false; reason: string; invalid?: boolean } {
  const project = { files: [p.file], read: (f: string) => (f === p.file ? p.text : undefined) };
  const analyzer = new Analyzer(project, DEFAULT_OPTIONS);
  const findings = analyzer.run().findings.filter((f) => f.site.file === p.file);
  if (findings.length !== 1) return { ok: false, reason: `${findings.length} findings`, invalid: true };
  const finding = findings[0];
  // As WorkspaceSession.fixFor: a refusal the analysis made from the call's context stands.
  if (!finding.fix && finding.fixRefusal) return { ok: false, reason: finding.fixRefusal };
  // An AI SDK or LangChain program's project lists the official client its batch goes through (the fix needs it).
  const readExisting = (f: string) => (f !== 'package.json' ? undefined : p.aiSdk ? AI_SDK_PROJECT : p.langchain ? LANGCHAIN_PROJECT : undefined);
  const plan = planFix({ file: p.file, text: p.text, site: finding.site, helperPath: helperPathFor(p.file), modules: analyzer.modules, runsOnce: runsOnce(finding.classification), readExisting });
  if (!plan.ok) return { ok: false, reason: plan.reason };
  p.features.push(`strategy:${plan.fix.strategy}`);
  const after = applyEdits(p.text, plan.fix.edits);
  if (!parseSource(p.file, after).ok) return { ok: true, rewrite: { after, files: {} } };
  return { ok: true, rewrite: { after, files: Object.fromEntries(plan.fix.createFiles.map((f) => [f.path, f.content])) } };
}

const STRICTER: ts.CompilerOptions = {
  strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noUnusedLocals: true, noUnusedParameters: true,
  noPropertyAccessFromIndexSignature: true, noImplicitOverride: true, noImplicitReturns: true,
};

/** Type errors per program name, for each TypeScript program's original or rewrite, with the helpers beside it. */
export function typeErrors(work: string, programs: { p: GeneratedProgram; rewrite: Rewrite }[], variant: 'before' | 'after', options: ts.CompilerOptions): Map<string, string[]> {
  const files: string[] = [];
  const owner = new Map<string, string>();
  for (const { p, rewrite } of programs.filter((x) => x.p.lang === 'ts')) {
    const dir = join(work, 'typecheck', variant, p.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'batchwise'), { recursive: true });
    writeFileSync(join(dir, p.file), variant === 'after' ? rewrite.after : p.text);
    for (const [path, content] of Object.entries(rewrite.files)) writeFileSync(join(dir, path), content);
    files.push(join(dir, p.file));
    owner.set(dir, p.name);
  }
  const out = new Map<string, string[]>();
  if (files.length === 0) return out;
  const program = ts.createProgram(files, {
    noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true, skipLibCheck: true, types: ['node'], ...options,
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const name = d.file ? owner.get(dirname(d.file.fileName)) ?? owner.get(dirname(dirname(d.file.fileName))) : undefined;
    const text = `${d.file ? d.file.fileName.split('/').pop() : ''} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    const key = name ?? '(global)';
    out.set(key, [...(out.get(key) ?? []), text]);
  }
  return out;
}

/** Writes a program (and the helper modules) into a folder of its own, TypeScript transpiled to CommonJS. */
export function stage(work: string, name: string, variant: string, file: string, text: string, extra: Record<string, string>): string {
  const dir = join(work, 'run', name, variant);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [rel, source] of Object.entries(extra)) writeRunnable(dir, rel, source);
  return writeRunnable(dir, file, text);
}

/** Writes one file of a program to run under Node: TypeScript transpiled to CommonJS beside it as .js, anything else as it is. Returns the path written. */
export function writeRunnable(dir: string, rel: string, source: string): string {
  const target = join(dir, rel.replace(/\.ts$/, '.js'));
  mkdirSync(dirname(target), { recursive: true });
  const js = rel.endsWith('.ts')
    ? ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText
    : source;
  writeFileSync(target, js);
  return target;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program under Node against the fake providers (asynchronously: the fakes answer from this
 * process), with the helpers' waits shortened; killed after 60 s. `cwd` defaults to the entry's folder.
 */
export function run(entry: string, openaiURL: string, anthropicURL?: string, options: { env?: Record<string, string>; cwd?: string } = {}): Promise<RunResult> {
  const began = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], {
      cwd: options.cwd ?? dirname(entry),
      env: {
        ...process.env,
        OPENAI_BASE_URL: openaiURL,
        ...(anthropicURL ? { ANTHROPIC_BASE_URL: anthropicURL } : {}),
        BATCHWISE_POLL_MS: '5',
        BATCHWISE_QUEUE_MAX_WAIT_MS: '50',
        OPENAI_API_KEY: 'test-key',
        ANTHROPIC_API_KEY: 'test-key',
        ...options.env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (process.env.DIFF_SLOW && Date.now() - began > Number(process.env.DIFF_SLOW)) process.stderr.write(`slow run ${Date.now() - began} ms: ${entry}\n`);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Ids the providers make up per request (Anthropic's request_id in an error body) are not the program's doing. */
function normalise(text: string): string {
  return text.replace(/"request_id":"[^"]*"/g, '"request_id":"…"').replace(/\breq_[A-Za-z0-9]+/g, 'req_…');
}

/**
 * Where two runs differ, or null. Lines a concurrent callback prints (`~ …`) may come in any order
 * (they follow the answers' arrival), so they are compared as a multiset; every other line in order.
 * The helper's own warning on stderr (results kept for a rerun) is the one line the original lacks.
 */
export function difference(p: GeneratedProgram, original: RunResult, rewritten: RunResult): string | null {
  if (original.code !== rewritten.code) return `exit code ${original.code} vs ${rewritten.code}\n--- original stdout\n${original.stdout}--- rewritten stdout\n${rewritten.stdout}--- rewritten stderr\n${rewritten.stderr}`;
  const stderr = (t: string) => normalise(t.split('\n').filter((l) => !l.startsWith('batchwise: ')).join('\n'));
  if (stderr(original.stderr) !== stderr(rewritten.stderr)) return `stderr differs\n--- original\n${original.stderr}--- rewritten\n${rewritten.stderr}`;
  const a = normalise(original.stdout).split('\n');
  const b = normalise(rewritten.stdout).split('\n');
  if (p.concurrent) {
    const ordered = (xs: string[]) => xs.filter((l) => !l.startsWith('~ '));
    const loose = (xs: string[]) => xs.filter((l) => l.startsWith('~ ')).sort();
    if (ordered(a).join('\n') === ordered(b).join('\n') && loose(a).join('\n') === loose(b).join('\n')) return null;
  } else if (a.join('\n') === b.join('\n')) return null;
  return `stdout differs\n--- original\n${original.stdout}--- rewritten\n${rewritten.stdout}`;
}

/** Runs tasks with at most `limit` at a time, keeping their order in the results. */
export async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i]);
      }
    }),
  );
  return out;
}

export interface CheckOptions {
  /** Where programs are written and run. */
  work: string;
  /** Node processes at a time. */
  concurrency?: number;
  /** Replaces each rewrite before it is checked (the checker's own test: a wrong rewrite must be caught). */
  tamper?: (p: GeneratedProgram, rewrite: Rewrite) => Rewrite;
}

/** Plans, type-checks and runs every program; one outcome each. */
export async function checkPrograms(programs: GeneratedProgram[], options: CheckOptions): Promise<Outcome[]> {
  const outcomes = new Map<string, Outcome>();
  const accepted: { p: GeneratedProgram; rewrite: Rewrite }[] = [];
  for (const p of programs) {
    const fix = fixProgram(p);
    if (!fix.ok) outcomes.set(p.name, fix.invalid ? { program: p, status: 'invalid', detail: fix.reason } : { program: p, status: 'refused', reason: fix.reason });
    else accepted.push({ p, rewrite: options.tamper ? options.tamper(p, fix.rewrite) : fix.rewrite });
  }
  // Type-check in one program per variant (creating a TypeScript program is the slow part).
  const before = typeErrors(options.work, accepted, 'before', { strict: true });
  const after = typeErrors(options.work, accepted, 'after', { strict: true });
  const strictBefore = typeErrors(options.work, accepted, 'before', STRICTER);
  const strictAfter = typeErrors(options.work, accepted, 'after', STRICTER);
  // Errors of a kind the original does not have (an unused name, a type the helper makes worse). One the
  // original has already may come twice (the request's code is copied into the function that builds it).
  const added = (after: string[] = [], before: string[] = []) => after.filter((e) => !before.includes(e));
  const toRun: { p: GeneratedProgram; rewrite: Rewrite }[] = [];
  for (const a of accepted) {
    if (before.has(a.p.name)) outcomes.set(a.p.name, { program: a.p, status: 'invalid', detail: `the original does not type-check: ${before.get(a.p.name)!.join('; ')}` });
    else if (after.has(a.p.name)) outcomes.set(a.p.name, { program: a.p, status: 'different', rewrite: a.rewrite, detail: `the rewrite does not type-check: ${after.get(a.p.name)!.join('; ')}` });
    else if (added(strictAfter.get(a.p.name), strictBefore.get(a.p.name)).length > 0) {
      outcomes.set(a.p.name, { program: a.p, status: 'different', rewrite: a.rewrite, detail: `under stricter settings the rewrite adds type errors: ${added(strictAfter.get(a.p.name), strictBefore.get(a.p.name)).join('; ')}` });
    } else toRun.push(a);
  }

  const fakes = {
    ok: { openai: await startFakeOpenAI(), anthropic: await startFakeAnthropic(), gemini: await startFakeGemini() },
    reject: { openai: await startFakeOpenAI({ rejectText: REJECT_TEXT }), anthropic: await startFakeAnthropic({ rejectText: REJECT_TEXT }), gemini: await startFakeGemini({ rejectText: REJECT_TEXT }) },
  };
  try {
    await pool(toRun, options.concurrency ?? 2, async ({ p, rewrite }) => {
      const printed: string[] = [];
      for (const mode of ['ok', 'reject'] as const) {
        const f = fakes[mode];
        const gemini = { env: { GEMINI_BASE_URL: f.gemini.url } };
        // The AI SDK's Anthropic provider takes its base URL with /v1 (the official client adds it itself).
        const anthropicURL = p.aiSdk ? `${f.anthropic.url}/v1` : f.anthropic.url;
        const original = await run(stage(options.work, p.name, `before-${mode}`, p.file, p.text, rewrite.files), f.openai.url, anthropicURL, gemini);
        if (mode === 'ok' && (original.code !== 0 || original.stdout.includes('failed:') || original.stderr.trim() !== '')) {
          outcomes.set(p.name, { program: p, status: 'invalid', detail: `the original fails on its own (${original.code}):\n${original.stdout}${original.stderr}` });
          return;
        }
        const rewritten = await run(stage(options.work, p.name, `after-${mode}`, p.file, rewrite.after, rewrite.files), f.openai.url, anthropicURL, gemini);
        printed.push(original.stdout);
        const diff = difference(p, original, rewritten);
        if (diff) {
          outcomes.set(p.name, { program: p, status: 'different', rewrite, detail: `${mode === 'reject' ? `with requests mentioning '${REJECT_TEXT}' rejected: ` : ''}${diff}` });
          return;
        }
      }
      outcomes.set(p.name, { program: p, status: 'equivalent', rewrite, rejectionShown: printed[0] !== printed[1] });
    });
  } finally {
    for (const f of Object.values(fakes)) {
      await f.openai.close();
      await f.anthropic.close();
      await f.gemini.close();
    }
  }
  return programs.map((p) => outcomes.get(p.name)!);
}

/** The first clause of a refusal reason, with quoted code and line numbers taken out: refusals grouped by kind. */
export function reasonKind(reason: string): string {
  return reason
    .split(/[;:]/)[0]
    .replace(/`[^`]*`/g, '`…`')
    .replace(/line \d+/g, 'line N')
    .trim();
}

export interface Summary {
  generated: number;
  accepted: number;
  refused: number;
  equivalent: number;
  different: number;
  invalid: number;
  byReason: [string, number][];
  /** Per feature: programs with it, how many were refused. */
  byFeature: [string, { total: number; refused: number }][];
}

export function summarise(outcomes: Outcome[]): Summary {
  const count = (s: Outcome['status']) => outcomes.filter((o) => o.status === s).length;
  const reasons = new Map<string, number>();
  const features = new Map<string, { total: number; refused: number }>();
  for (const o of outcomes) {
    if (o.status === 'refused') reasons.set(reasonKind(o.reason), (reasons.get(reasonKind(o.reason)) ?? 0) + 1);
    if (o.status === 'invalid') continue;
    for (const f of o.program.features) {
      const e = features.get(f) ?? { total: 0, refused: 0 };
      e.total++;
      if (o.status === 'refused') e.refused++;
      features.set(f, e);
    }
  }
  return {
    generated: outcomes.length,
    accepted: count('equivalent') + count('different'),
    refused: count('refused'),
    equivalent: count('equivalent'),
    different: count('different'),
    invalid: count('invalid'),
    byReason: [...reasons].sort((a, b) => b[1] - a[1]),
    byFeature: [...features].sort((a, b) => a[0].localeCompare(b[0])),
  };
}
