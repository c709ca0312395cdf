// One fuzz input through everything `batchwise audit` and `batchwise fix` do, in-process, through the
// same public functions: the Analyzer over the project (with the estimate and fix-check stages the
// CLI assembles), every report format, then each offered fix planned, applied, its output re-parsed
// and the project analysed again. Never throws: what goes wrong is a Failure.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import type { AnalysisResult, Finding, ProjectSource } from '../../src/core/model';
import { parseSource, TSESTree } from '../../src/core/parse/parse';
import { parse as estreeParse } from '@typescript-eslint/typescript-estree';
import { computeTotals } from '../../src/core/report/totals';
import { toJsonReport } from '../../src/core/report/json';
import { toTable } from '../../src/core/report/table';
import { toMarkdown } from '../../src/core/report/markdown';
import { toCsv } from '../../src/core/report/csv';
import { toSarif } from '../../src/core/report/sarif';
import { applyEdits, planFix } from '../../src/core/rewrite';
import { optionsFromFlags } from '../../src/cli/options';
import { pipelineStagesFor } from '../../src/workspace/stages';
import { readSourceFile, sourceFileFilter } from '../../src/workspace/scan';
import { version } from '../../package.json';
import type { FuzzInput } from './mutate';
import { parseForShape, Range } from './shape';
import { userTextProblem } from './userText';
import { threadCpuMs } from './clock';

export type FailureKind = 'exception' | 'reparse' | 'user-text' | 'comments' | 'slow' | 'crash';

export interface Failure {
  kind: FailureKind;
  /** 'analyze', 'report', 'fix 2: plan', …: where it happened. */
  stage: string;
  message: string;
  stack?: string;
}

export interface Outcome {
  /**
   * The slowest of the audit, each fix and each analysis after a fix (what one CLI command would
   * take), in ms of CPU time of the thread that ran it; `wallMs` the same in wall time.
   */
  ms: number;
  wallMs: number;
  auditMs: number;
  /** CPU ms of each command after the audit: a fix (plan and apply), the analysis after it, … */
  fixMs: number[];
  /** Which command took `ms`: 'audit', 'fix' or 're-analyse'. */
  slowest?: string;
  /**
   * CPU ms per stage ('analyze', 'fix: plan', …), fixes added up. The pipeline stages within one
   * ('analyze: estimate', 'analyze: fix check') run once per call, thousands of times in a big file:
   * they are timed with the wall clock, which costs nothing beside the thread's CPU clock (a read of
   * /proc, which twice per call added a tenth to the analysis of a 4,000-call file), and counted in
   * their stage's time too.
   */
  stageMs: Record<string, number>;
  findings: number;
  fixesOffered: number;
  fixesApplied: number;
  /** Fixes the audit offered that planning then refused, with the reason. */
  refusals: string[];
  /** `errors` entries the analysis reported that look like an internal error kept from crashing the run. */
  containedErrors: string[];
  failures: Failure[];
}

/** Files with many calls offer many fixes: this many, spread over the file, are planned and applied per input. */
export const MAX_FIXES_PER_INPUT = 8;

/** Files on disk are decoded by the CLI's reader (odd encodings), through a temporary file in this folder. */
let scratch: string | null = null;
export function useScratchFolder(dir: string): void {
  scratch = dir;
}
function decodeAsTheCliDoes(base64: string): { text?: string; error?: string } {
  scratch ??= mkdtempSync(join(tmpdir(), 'batchwise-fuzz-'));
  mkdirSync(scratch, { recursive: true });
  const path = join(scratch, 'file');
  writeFileSync(path, Buffer.from(base64, 'base64'));
  const read = readSourceFile(path);
  return read.ok ? { text: read.text } : { error: read.message };
}

/** The project as the CLI would list it: source files past its filters, workflow and promptfoo files for context. */
function projectOf(files: Record<string, string>, decoded: Map<string, { text?: string; error?: string }>): { source: ProjectSource; read: (p: string) => string | undefined } {
  const wanted = sourceFileFilter(join(tmpdir(), 'batchwise-fuzz-no-such-root'));
  const paths = [...new Set([...Object.keys(files), ...decoded.keys()])].sort();
  const read = (p: string) => (files[p] !== undefined ? files[p] : decoded.get(p)?.text);
  return {
    read,
    source: {
      files: paths.filter(wanted),
      configFiles: paths.filter((p) => /^\.github\/workflows\/[^/]+\.ya?ml$|(^|\/)promptfooconfig\.ya?ml$/.test(p)),
      read,
      readError: (p) => decoded.get(p)?.error,
    },
  };
}

/** As WorkspaceSession.helperPathFor with the default setting. */
function helperPathFor(file: string): string {
  const base = 'batchwise/openaiBatch';
  if (/\.mjs$/.test(file)) return base + '.mjs';
  if (/\.cjs$/.test(file)) return base + '.cjs';
  return base + (/\.[cm]?tsx?$/.test(file) ? '.ts' : '.js');
}

/** Messages the engine means (a syntax error, a skipped file): anything else in `errors` is an internal error it caught. */
const DELIBERATE_ERROR = /^(syntax error|skipped|not read|could not be read)|too deeply nested|nested in one another|not valid JSON|not a JSON object|is not valid|unreadable/i;

/**
 * Renders the report in every format; returns the time of the slowest one, since an audit renders one
 * format (`--format`), not six.
 */
function report(result: AnalysisResult): { cpu: number; wall: number } {
  const formats = [
    () => JSON.stringify(toJsonReport('/fuzz', result)),
    () => toTable(result, { color: true, width: 80 }),
    () => toTable(result, { color: false }),
    () => toMarkdown(result),
    () => toCsv(result),
    () => JSON.stringify(toSarif('file:///fuzz/', result, version)),
  ];
  computeTotals(result.findings);
  let slowest = { cpu: 0, wall: 0 };
  for (const render of formats) {
    const rendering = span();
    render();
    const took = rendering();
    if (took.cpu > slowest.cpu) slowest = took;
  }
  return slowest;
}

/**
 * The comments parseSource reads off the tree (src/core/parse/comments.ts) must be the parser's own:
 * each source file up to COMMENTS_CHECKED_BYTES is parsed again by typescript-estree with its comment
 * pass, untimed, and the two lists compared.
 */
function commentsCheck(files: readonly string[], read: (p: string) => string | undefined, outcome: Outcome): void {
  for (const file of files) {
    const text = read(file);
    if (text === undefined || text.length > COMMENTS_CHECKED_BYTES) continue;
    const parsed = parseSource(file, text);
    if (!parsed.ok) continue;
    let theirs: TSESTree.Comment[];
    try {
      const jsx = !/\.[cm]?ts$/.test(file);
      theirs = estreeParse(text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text, { loc: true, range: true, comment: true, jsx, errorOnUnknownASTType: false }).comments ?? [];
    } catch {
      continue; // a file our checks let through but the plain parser refuses: nothing to compare
    }
    const key = (c: TSESTree.Comment) => `${c.type} ${c.range[0]}-${c.range[1]} ${c.loc.start.line}:${c.loc.start.column}-${c.loc.end.line}:${c.loc.end.column} ${JSON.stringify(c.value)}`;
    const ours = parsed.comments.map(key);
    const want = theirs.map(key);
    const i = ours.findIndex((k, j) => k !== want[j]);
    if (i >= 0 || ours.length !== want.length) {
      const at = i >= 0 ? i : Math.min(ours.length, want.length);
      outcome.failures.push({ kind: 'comments', stage: 'parse', message: `${file}: comment ${at + 1} is ${ours[at] ?? 'missing'}, the parser's is ${want[at] ?? 'none'} (${ours.length} against ${want.length} comments)` });
    }
  }
}
const COMMENTS_CHECKED_BYTES = 200_000;

/** Evenly spread picks, so a file with thousands of fixes has its first, last and middle ones checked. */
function spread<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]);
}

function calleeRange(file: string, text: string, call: Range): Range | null {
  // The callee is the call's text up to its argument list; found on the parsed file.
  try {
    const ast = parseForShape(file, text);
    const stack: unknown[] = [ast];
    while (stack.length) {
      const node = stack.pop() as { type?: string; range?: Range; callee?: { range: Range }; [k: string]: unknown };
      if (node.type === 'CallExpression' && node.range && node.range[0] === call[0] && node.range[1] === call[1]) return node.callee!.range;
      for (const [k, v] of Object.entries(node)) {
        if (k === 'parent' || k === 'tokens' || k === 'comments') continue;
        if (Array.isArray(v)) for (const x of v) if (x && typeof x === 'object') stack.push(x);
        if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') stack.push(v);
      }
    }
  } catch {
    // no callee: strings in it are compared like the rest
  }
  return null;
}

function failureOf(kind: FailureKind, stage: string, err: unknown): Failure {
  const e = err as { name?: string; message?: string; stack?: string };
  return { kind, stage, message: e && typeof e === 'object' ? `${e.name ?? 'Error'}: ${e.message ?? String(err)}` : String(err), stack: e?.stack };
}

const parsedHelpers = new Set<string>();

/**
 * The parts an input's time is split into: stages ('analyze' is parse, detect and classify), and the
 * pipeline stages timed within them.
 */
export const PARTS = ['analyze', 'analyze: estimate', 'analyze: fix check', 'report', 'fix: plan', 'fix: apply', 'fix: check', 'fix: re-analyse', 'fix: re-analyse: estimate', 'fix: re-analyse: fix check'] as const;

/**
 * Where the CPU time of the running input goes, shared with the pool so that an input stopped midway
 * still says what it was doing: [open part, CPU time it opened at, then the CPU ms of each part].
 */
export function partsBoard(buffer: SharedArrayBuffer): Float64Array {
  return new Float64Array(buffer);
}
export const BOARD_BYTES = (PARTS.length + 2) * 8;

/** The CPU ms per part on a board, with the open part counted up to `cpuNow`. */
export function readBoard(board: Float64Array, cpuNow: number): Record<string, number> {
  const out: Record<string, number> = {};
  PARTS.forEach((name, i) => {
    const ms = board[i + 2] + (board[0] === i ? cpuNow - board[1] : 0);
    if (ms > 0) out[name] = ms;
  });
  return out;
}

/** Tells the pool each stage as it starts, and adds up the CPU time of each part. */
class Stages {
  private stage: string | null = null;
  private open: string | null = null;
  private openedAt = 0;
  constructor(
    private readonly outcome: Outcome,
    private readonly onStage: (stage: string) => void,
    private readonly board?: Float64Array,
  ) {
    board?.fill(0);
    if (board) board[0] = -1;
  }
  private switchTo(part: string | null): void {
    const now = threadCpuMs();
    if (this.open) {
      this.outcome.stageMs[this.open] = (this.outcome.stageMs[this.open] ?? 0) + now - this.openedAt;
      const i = PARTS.indexOf(this.open as (typeof PARTS)[number]);
      if (this.board && i >= 0) this.board[i + 2] = this.outcome.stageMs[this.open];
    }
    this.open = part;
    this.openedAt = now;
    if (this.board) {
      this.board[1] = now;
      this.board[0] = part ? PARTS.indexOf(part as (typeof PARTS)[number]) : -1;
    }
  }
  enter(stage: string | null): void {
    this.stage = stage;
    this.switchTo(stage && stage.replace(/^fix \d+: /, 'fix: '));
    if (stage) this.onStage(stage);
  }
  /** Runs a part of the current stage timed on its own ('analyze: estimate'), so a slow input says which part was slow. */
  within<T>(part: string, run: () => T): T {
    const key = this.open ? `${this.open}: ${part}` : part;
    const began = performance.now();
    try {
      return run();
    } finally {
      const ms = (this.outcome.stageMs[key] = (this.outcome.stageMs[key] ?? 0) + performance.now() - began);
      const i = PARTS.indexOf(key as (typeof PARTS)[number]);
      if (this.board && i >= 0) this.board[i + 2] = ms;
    }
  }
}

/** The CLI's pipeline stages (estimate, fix check), each timed on its own within the analysis. */
function timedStages(read: (p: string) => string | undefined, stages: Stages): ReturnType<typeof pipelineStagesFor> {
  const plain = pipelineStagesFor(read);
  const { estimate, fixCheck } = plain;
  return {
    ...plain,
    ...(estimate ? { estimate: (...args: Parameters<typeof estimate>) => stages.within('estimate', () => estimate(...args)) } : {}),
    ...(fixCheck ? { fixCheck: (...args: Parameters<typeof fixCheck>) => stages.within('fix check', () => fixCheck(...args)) } : {}),
  };
}

/**
 * Each timed command starts on a heap as a CLI process starts it: what earlier commands of this input
 * (and earlier inputs) left behind is collected first, untimed, once there is enough of it to cost a
 * collection inside the next command. Without this, a re-analysis of a 640 KB file of 4,000 calls was
 * charged about 30 % more CPU than the same command takes in a process of its own (1.4–1.6 s alone,
 * 1.8–2.1 s after the input's earlier analyses). Small inputs never reach the threshold.
 */
function settleHeap(): void {
  const used = process.memoryUsage().heapUsed;
  if (used - settledAt < SETTLE_BYTES) return;
  collect()();
  settledAt = process.memoryUsage().heapUsed;
}
const SETTLE_BYTES = 64 * 1024 * 1024;
let settledAt = 0;
let gc: (() => void) | null = null;
/** V8's full collection, reachable without starting the process with --expose-gc (a worker cannot be given it). */
function collect(): () => void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  return gc;
}

/** A span of work timed in thread CPU and wall time. */
function span(): () => { cpu: number; wall: number } {
  const cpu = threadCpuMs();
  const wall = performance.now();
  return () => ({ cpu: threadCpuMs() - cpu, wall: performance.now() - wall });
}

/**
 * Runs one input. `onStage` is told each stage as it starts (the pool's per-stage time limit hangs on
 * it); `board`, when given, shows the pool where the time goes while it runs.
 */
export function runPipeline(input: FuzzInput, onStage: (stage: string) => void = () => {}, board?: Float64Array): Outcome {
  const outcome: Outcome = { ms: 0, wallMs: 0, auditMs: 0, fixMs: [], stageMs: {}, findings: 0, fixesOffered: 0, fixesApplied: 0, refusals: [], containedErrors: [], failures: [] };
  const stages = new Stages(outcome, onStage, board);
  const decoded = new Map(Object.entries(input.bytes ?? {}).map(([p, b]) => [p, decodeAsTheCliDoes(b)] as const));
  const { source, read } = projectOf(input.files, decoded);
  const options = optionsFromFlags({});
  const finish = (audit: { cpu: number; wall: number }, fixes: Command[]) => {
    stages.enter(null);
    outcome.auditMs = audit.cpu;
    outcome.fixMs = fixes.map((f) => f.cpu);
    outcome.ms = Math.max(audit.cpu, ...outcome.fixMs);
    outcome.slowest = fixes.find((f) => f.cpu === outcome.ms && f.cpu > audit.cpu)?.stage ?? 'audit';
    outcome.wallMs = Math.max(audit.wall, ...fixes.map((f) => f.wall));
    return outcome;
  };

  settleHeap();
  stages.enter('analyze');
  const audit = span();
  let analyzer: Analyzer;
  let result: AnalysisResult;
  try {
    analyzer = new Analyzer(source, options, timedStages(read, stages));
    result = analyzer.run();
  } catch (err) {
    outcome.failures.push(failureOf('exception', 'analyze', err));
    return finish(audit(), []);
  }
  const analysed = audit();
  stages.enter(null);
  commentsCheck(source.files, read, outcome);
  stages.enter('report');
  let rendered = { cpu: 0, wall: 0 };
  try {
    rendered = report(result);
  } catch (err) {
    outcome.failures.push(failureOf('exception', 'report', err));
  }
  const audited = { cpu: analysed.cpu + rendered.cpu, wall: analysed.wall + rendered.wall };
  outcome.findings = result.findings.length;
  for (const e of result.errors) if (!DELIBERATE_ERROR.test(e.message)) outcome.containedErrors.push(`${e.file}: ${e.message}`);

  const offered = result.findings.filter((f) => f.fix);
  outcome.fixesOffered = offered.length;
  const commands: Command[] = [];
  for (const [i, finding] of spread(offered, MAX_FIXES_PER_INPUT).entries()) {
    commands.push(...checkFix(input, analyzer, finding, read, i, stages, outcome));
  }
  return finish(audited, commands);
}

/**
 * Plans, applies and checks one fix, then analyses the fixed project again. Returns the time of the
 * fix (plan and apply: what `batchwise fix` adds to its analysis) and of the analysis after it; the
 * fuzzer's own checks are not timed.
 */
/** A timed command after the audit, and what it was: 'fix' (plan and apply) or 're-analyse'. */
type Command = { cpu: number; wall: number; stage: 'fix' | 're-analyse' };

function checkFix(input: FuzzInput, analyzer: Analyzer, finding: Finding, read: (p: string) => string | undefined, i: number, stages: Stages, outcome: Outcome): Command[] {
  const onStage = (stage: string) => stages.enter(stage);
  const file = finding.site.file;
  const text = read(file)!;
  let stage = `fix ${i}: plan`;
  settleHeap();
  onStage(stage);
  const fixing = span();
  let after: string;
  let plan: ReturnType<typeof planFix>;
  try {
    // As WorkspaceSession.fixFor: the call found again in the file, then planned with the project around it.
    const call = analyzer.detect(file).find((c) => c.site.range[0] === finding.site.range[0] && c.site.range[1] === finding.site.range[1]);
    if (!call) {
      outcome.refusals.push('the call is not found again in its file');
      return [{ ...fixing(), stage: 'fix' }];
    }
    const model = analyzer.project.get(file);
    plan = planFix({ file, text, site: call.site, helperPath: helperPathFor(file), helperPathExplicit: false, readExisting: read, modules: analyzer.modules, ast: model?.text === text ? model.ast : undefined });
    if (!plan.ok) {
      outcome.refusals.push(plan.reason);
      return [{ ...fixing(), stage: 'fix' }];
    }
    stage = `fix ${i}: apply`;
    onStage(stage);
    after = applyEdits(text, plan.fix.edits);
  } catch (err) {
    outcome.failures.push(failureOf('exception', stage, err));
    return [{ ...fixing(), stage: 'fix' }];
  }
  const fixed: Command = { ...fixing(), stage: 'fix' };
  outcome.fixesApplied++;

  onStage(`fix ${i}: check`);
  const parsed = parseSource(file, after);
  if (!parsed.ok && parseSource(file, text).ok && /^syntax error/.test(parsed.message)) {
    outcome.failures.push({ kind: 'reparse', stage: `fix ${i}: re-parse`, message: `the fixed ${file} does not parse: ${parsed.message}` });
  }
  for (const created of plan.fix.createFiles) {
    if (parsedHelpers.has(created.content)) continue;
    const helper = parseSource(created.path, created.content);
    if (!helper.ok) outcome.failures.push({ kind: 'reparse', stage: `fix ${i}: re-parse`, message: `the created ${created.path} does not parse: ${helper.message}` });
    else parsedHelpers.add(created.content);
  }
  const problem = userTextProblem(file, text, plan.fix.edits, after, calleeRange(file, text, finding.site.range));
  if (problem) outcome.failures.push({ kind: 'user-text', stage: `fix ${i}: apply`, message: `${file}:${finding.site.loc.start.line}: ${problem}` });

  settleHeap();
  onStage(`fix ${i}: re-analyse`);
  const reanalysing = span();
  let analysed: { cpu: number; wall: number } | undefined;
  let rendered = { cpu: 0, wall: 0 };
  try {
    const files = { ...input.files, [file]: after };
    for (const created of plan.fix.createFiles) files[created.path] = created.content;
    const bytes = { ...(input.bytes ?? {}) };
    delete bytes[file];
    const decoded = new Map(Object.entries(bytes).map(([p, b]) => [p, decodeAsTheCliDoes(b)] as const));
    const project = projectOf(files, decoded);
    const again = new Analyzer(project.source, optionsFromFlags({}), timedStages(project.read, stages)).run({ onlyFiles: [file, ...plan.fix.createFiles.map((c) => c.path)] });
    analysed = reanalysing();
    // As for the audit: the command renders one format, so it is charged the slowest, not all six.
    rendered = report(again);
  } catch (err) {
    outcome.failures.push(failureOf('exception', `fix ${i}: re-analyse`, err));
  }
  analysed ??= reanalysing();
  return [fixed, { cpu: analysed.cpu + rendered.cpu, wall: analysed.wall + rendered.wall, stage: 're-analyse' }];
}
