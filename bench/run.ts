// `npm run bench`: Batchwise on real trees, with the ratios of issue 11 measured in one run.
// Per tree: JS/TS files, files with SDK tokens, a ripgrep floor, parse-all (typescript-estree over
// every file the audit considers), `batchwise audit` cold and warm, peak RSS of each child, the
// ratios and whether each goal is met. Then single-file inputs for the quadratic-cost goals, and
// the editor figures' place. Prints Markdown; asserts nothing. See bench/README.md.
//
//   node out/bench/run.js [--largest N] [--only owner/name,…] [--no-trees] [--no-synthetic]
//                         [--timeout SEC] [--synthetic-timeout SEC] [--json FILE]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SDK_MARKERS } from './engine';
import { runChild, ChildRun, peakMethod } from './measure';
import { BenchTree, corpusTrees, extract, hasSnapshot, manifestTrees, ROOT, selectTrees, snapshotsDir } from './trees';
import { GOALS, judgeSynthetic, judgeTree, TreeJudgement, Verdict } from './goals';
import { BASELINE_SOURCE, FAMILIES, growthExponent, writeInput } from './synthetic';
import { editorFigures } from './editor';
import type { ParseAllReport } from './parseAll';
import type { ReanalysisReport } from './reanalysis';

const CLI = join(ROOT, 'dist', 'cli.js');
const PARSE_ALL = join(__dirname, 'parseAll.js');
const REANALYSIS = join(__dirname, 'reanalysis.js');
const SOURCE_GLOB = '*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}';
const EXCLUDED_DIRS = ['node_modules', 'dist', 'build', 'out', '.next', 'coverage', '.vscode-test'];

interface Floor {
  tool: string;
  run(dir: string, timeoutSec: number): Promise<{ run: ChildRun; files: number | null }>;
}

function ripgrep(): string | null {
  const r = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : null;
}

/** ripgrep over the same tree for the same fixed strings, honouring .gitignore; else a Node scan of the audit's file list. */
function floor(): Floor {
  const rg = ripgrep();
  if (rg) {
    const args = (dir: string) => [
      '--files-with-matches',
      '--no-messages',
      '--no-require-git',
      '--fixed-strings',
      ...SDK_MARKERS.flatMap((m) => ['-e', m]),
      '--glob',
      SOURCE_GLOB,
      ...['*.d.ts', '*.d.mts', '*.d.cts'].flatMap((g) => ['--glob', `!${g}`]),
      ...EXCLUDED_DIRS.flatMap((d) => ['--glob', `!**/${d}/**`]),
      dir,
    ];
    return {
      tool: `${rg} (\`rg -l -F\`, all cores)`,
      async run(dir, timeoutSec) {
        const run = await runChild('rg', args(dir), { timeoutSec });
        const ok = run.status === 0 || run.status === 1;
        return { run, files: ok ? run.stdout.split('\n').filter(Boolean).length : null };
      },
    };
  }
  return {
    tool: 'a Node scan of the audit file list with the same fixed strings (ripgrep is not installed)',
    async run(dir, timeoutSec) {
      const run = await runChild(process.execPath, [PARSE_ALL, dir, '--scan-only'], { timeoutSec });
      return { run, files: run.status === 0 ? (JSON.parse(run.stdout) as ParseAllReport).sdkFiles : null };
    },
  };
}

interface AuditOutcome {
  run: ChildRun;
  findings: number | null;
  errors: number | null;
  failure: string | null;
  /** The files with findings, most findings first. */
  files?: string[];
}

/** How many files with calls the re-analysis measure edits (each EDITS times, see reanalysis.ts). */
const REANALYSED_FILES = 8;

/** One audit; with `cacheFile`, the cache there (cold: a file that does not exist yet), else none. */
async function audit(dir: string, timeoutSec: number, cacheFile?: string): Promise<AuditOutcome> {
  const cacheArgs = cacheFile ? ['--cache-location', cacheFile] : ['--no-cache'];
  const run = await runChild(process.execPath, [CLI, 'audit', dir, '--format', 'json', ...cacheArgs], { timeoutSec });
  if (run.timedOut) return { run, findings: null, errors: null, failure: `over ${timeoutSec} s` };
  if (run.status !== 0 && run.status !== 1) return { run, findings: null, errors: null, failure: `exit ${run.status}: ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}` };
  try {
    const report = JSON.parse(run.stdout) as { findings: { file?: unknown }[]; errors?: unknown[] };
    const perFile = new Map<string, number>();
    for (const f of report.findings) if (typeof f.file === 'string') perFile.set(f.file, (perFile.get(f.file) ?? 0) + 1);
    const files = [...perFile].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([file]) => file);
    return { run, findings: report.findings.length, errors: report.errors?.length ?? 0, failure: null, files };
  } catch (e) {
    return { run, findings: null, errors: null, failure: `unreadable report: ${(e as Error).message}` };
  }
}

interface TreeResult {
  repo: string;
  commit: string;
  source: BenchTree['source'] | 'sample';
  skipped?: string;
  files?: number;
  mb?: number;
  sdkFiles?: number;
  floorSdkFiles?: number | null;
  parsed?: number;
  notParsed?: number;
  findings?: number | null;
  auditErrors?: number | null;
  floor?: ChildRun;
  parseAll?: ChildRun;
  cold?: AuditOutcome;
  warm?: AuditOutcome;
  /** Edits re-analysed as the language server does, in files with calls; null when it failed or found none. */
  reanalysis?: { p95Ratio: number | null; p95Ms: number | null; samples: number; worstOpenOverParseMs?: number | null; opened?: number; failure?: string } | null;
  judgement?: TreeJudgement;
}

/** The editor's re-analysis of edited files with calls (bench/reanalysis.ts, a child process). */
async function reanalysis(dir: string, files: readonly string[], timeoutSec: number): Promise<TreeResult['reanalysis']> {
  if (files.length === 0) return null;
  const run = await runChild(process.execPath, [REANALYSIS, dir, ...files.slice(0, REANALYSED_FILES)], { timeoutSec });
  if (run.timedOut || run.status !== 0) return { p95Ratio: null, p95Ms: null, samples: 0, failure: run.timedOut ? `over ${timeoutSec} s` : `exit ${run.status}` };
  try {
    const r = JSON.parse(run.stdout) as ReanalysisReport;
    return { p95Ratio: r.p95Ratio, p95Ms: r.p95Ms, samples: r.samples.length, worstOpenOverParseMs: r.worstOpenOverParseMs, opened: r.opened.length };
  } catch (e) {
    return { p95Ratio: null, p95Ms: null, samples: 0, failure: `unreadable: ${(e as Error).message}` };
  }
}

async function measureTree(t: { repo: string; commit: string; source: TreeResult['source'] }, dir: string, fl: Floor, timeoutSec: number): Promise<TreeResult> {
  await fl.run(dir, timeoutSec); // untimed: brings the tree into the page cache for every measurement after it
  const f = await fl.run(dir, timeoutSec);
  const parseAll = await runChild(process.execPath, [PARSE_ALL, dir], { timeoutSec });
  let pa: ParseAllReport | null = null;
  try {
    pa = parseAll.status === 0 ? (JSON.parse(parseAll.stdout) as ParseAllReport) : null;
  } catch {
    pa = null;
  }
  // Cold writes a cache file of its own (none before it); warm is the second audit of the unchanged tree, answered from it.
  const cacheDir = mkdtempSync(join(tmpdir(), 'batchwise-bench-cache-'));
  const cacheFile = join(cacheDir, 'audit.json');
  const cold = await audit(dir, timeoutSec, cacheFile);
  const warm = await audit(dir, timeoutSec, cacheFile);
  rmSync(cacheDir, { recursive: true, force: true });
  const edits = await reanalysis(dir, cold.files ?? [], timeoutSec);
  const ok = (r: ChildRun) => r.status === 0 && !r.timedOut;
  const seconds = (a: AuditOutcome) => (a.failure ? null : a.run.seconds);
  const peaks = [cold, warm].filter((a) => !a.failure && a.run.peakMb !== null).map((a) => a.run.peakMb!);
  return {
    ...t,
    files: pa?.files,
    mb: pa ? pa.bytes / 1e6 : undefined,
    sdkFiles: pa?.sdkFiles,
    floorSdkFiles: f.files,
    parsed: pa?.parsed,
    notParsed: pa?.notParsed,
    findings: cold.findings,
    auditErrors: cold.errors,
    floor: f.run,
    parseAll,
    cold,
    warm,
    reanalysis: edits,
    judgement: judgeTree({
      files: pa?.files ?? 0,
      auditColdSec: seconds(cold),
      auditWarmSec: seconds(warm),
      parseAllSec: pa && ok(parseAll) ? parseAll.seconds : null,
      floorSec: f.files !== null ? f.run.seconds : null,
      auditPeakMb: peaks.length ? Math.max(...peaks) : null,
    }),
  };
}

const num = (n: number | undefined | null, digits = 0) => (n === undefined || n === null ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const secs = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(1));
const mark = (v: Verdict) => (v === 'met' ? 'met' : v === 'not met' ? '**not met**' : 'n/a');

function timing(r: ChildRun | undefined, failure?: string | null): string {
  if (!r) return '—';
  if (failure) return `failed (${failure.slice(0, 60)})`;
  if (r.timedOut) return 'timed out';
  return `${secs(r.seconds)} s${r.cpuSeconds === null ? '' : ` (cpu ${secs(r.cpuSeconds)})`} · ${r.peakMb === null ? '?' : num(r.peakMb)} MB`;
}

/** The same ratio on CPU seconds: steadier than wall time when the machine is shared. */
function cpuRatio(a: ChildRun | undefined, b: ChildRun | undefined): number | null {
  return a?.cpuSeconds && b?.cpuSeconds ? a.cpuSeconds / b.cpuSeconds : null;
}

const times = (v: number) => `${v < 0.1 ? v.toFixed(3) : v.toFixed(2)}×`;

function ratioCell(value: number | null | undefined, verdict: Verdict | undefined, cpu: number | null = null): string {
  if (value === null || value === undefined || !verdict) return '—';
  return `${times(value)}${cpu === null ? '' : ` (cpu ${times(cpu)})`} ${mark(verdict)}`;
}

function treeTable(rows: TreeResult[]): string {
  const out = [
    `| tree | JS/TS files | MB | files with SDK tokens (rg) | findings | floor | parse-all | audit cold | audit warm | audit/parse-all (goal ≤ ${(1 / GOALS.coldVsParseAll).toFixed(2)}×) | audit/floor (goal ≤ ${GOALS.coldVsFloor}×) | warm/parse-all (goal ≤ ${(1 / GOALS.warmVsParseAll).toFixed(2)}×) | peak ≤ ${GOALS.peakMb} MB | re-analysis after an edit, p95 (goal ≤ ${GOALS.editor.reanalysisP95OverParse}× parse); first analysis of a file opened with the engine warm (goal ≤ parse + ${GOALS.editor.firstDiagnosticsOverParseMs} ms) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const name = `${r.repo}${r.source === 'monorepo' ? ' (manifest)' : ''} @${r.commit.slice(0, 7)}`;
    if (r.skipped) {
      out.push(`| ${name} | skipped: ${r.skipped} |||||||||||| `);
      continue;
    }
    const j = r.judgement!;
    out.push(
      `| ${name} | ${num(r.files)} | ${num(r.mb, r.mb !== undefined && r.mb < 1 ? 2 : 1)} | ${num(r.sdkFiles)} (${num(r.floorSdkFiles)}) | ${num(r.findings)} | ${timing(r.floor)} | ${timing(r.parseAll)} | ${timing(r.cold?.run, r.cold?.failure)} | ${timing(r.warm?.run, r.warm?.failure)} | ${ratioCell(j.auditOverParseAll, j.coldVsParseAll, cpuRatio(r.cold?.run, r.parseAll))} | ${ratioCell(j.auditOverFloor, j.coldVsFloor, cpuRatio(r.cold?.run, r.floor))} | ${ratioCell(j.warmOverParseAll, j.warmVsParseAll, cpuRatio(r.warm?.run, r.parseAll))} | ${mark(j.peak)} | ${reanalysisCell(r.reanalysis)} |`,
    );
  }
  return out.join('\n');
}

function reanalysisCell(r: TreeResult['reanalysis']): string {
  if (r === undefined || r === null) return '—';
  if (r.failure || r.p95Ratio === null || r.p95Ms === null) return `failed: ${r.failure ?? 'no samples'}`;
  const met = r.p95Ratio <= GOALS.editor.reanalysisP95OverParse;
  const open = typeof r.worstOpenOverParseMs === 'number' ? `; a file opened warm: at most parse + ${r.worstOpenOverParseMs.toFixed(0)} ms (${r.opened} files) ${r.worstOpenOverParseMs <= GOALS.editor.firstDiagnosticsOverParseMs ? 'met' : '**not met**'}` : '';
  return `${r.p95Ms.toFixed(0)} ms = ${r.p95Ratio.toFixed(1)}× parse (${r.samples} edits) ${met ? 'met' : '**not met**'}${open}`;
}

function goalSummary(rows: TreeResult[]): string {
  const measured = rows.filter((r) => r.judgement);
  const count = (pick: (j: TreeJudgement) => Verdict, among = measured) => {
    const judged = among.filter((r) => pick(r.judgement!) !== 'n/a');
    return `${judged.filter((r) => pick(r.judgement!) === 'met').length} of ${judged.length} trees`;
  };
  const big = measured.filter((r) => (r.files ?? 0) >= 10_000);
  const edited = measured.filter((r) => typeof r.reanalysis?.p95Ratio === 'number');
  return [
    `- cold audit ≥ ${GOALS.coldVsParseAll}× faster than parse-all: met on ${count((j) => j.coldVsParseAll)}`,
    `- cold audit ≤ ${GOALS.coldVsFloor}× the floor: met on ${count((j) => j.coldVsFloor)}`,
    `- warm audit ≥ ${GOALS.warmVsParseAll}× faster than parse-all: met on ${count((j) => j.warmVsParseAll)}`,
    `- peak RSS ≤ ${GOALS.peakMb} MB: met on ${count((j) => j.peak)}; on the ≥ 10,000-file trees: ${count((j) => j.peak, big)}`,
    `- re-analysis after an edit ≤ ${GOALS.editor.reanalysisP95OverParse}× the file's raw parse (p95): met on ${edited.filter((r) => r.reanalysis!.p95Ratio! <= GOALS.editor.reanalysisP95OverParse).length} of ${edited.length} trees`,
  ].join('\n');
}

interface SyntheticRow {
  family: string;
  size: number;
  unit: string;
  seconds: number | null;
  cpuSeconds: number | null;
  peakMb: number | null;
  timedOut: boolean;
  skipped?: string;
  findings: number | null;
  errors: string[];
  exponent: number | null;
  goal: Verdict | null;
}

async function synthetic(timeoutSec: number): Promise<{ baseline: number; baselineCpu: number | null; rows: SyntheticRow[] }> {
  const base = writeInput(BASELINE_SOURCE);
  const baseRun = await audit(base.dir, timeoutSec);
  base.dispose();
  const baseline = baseRun.failure ? 0 : baseRun.run.seconds;
  const baselineCpu = baseRun.failure ? null : baseRun.run.cpuSeconds;
  const rows: SyntheticRow[] = [];
  for (const family of FAMILIES) {
    let previous: { size: number; seconds: number; cpuSeconds: number | null } | null = null;
    let stopped = false;
    for (const [i, size] of family.sizes.entries()) {
      const isGoal = i === family.sizes.length - 1;
      if (stopped) {
        rows.push({ family: family.name, size, unit: family.unit, seconds: null, cpuSeconds: null, peakMb: null, timedOut: false, skipped: 'a smaller input ran past the limit', findings: null, errors: [], exponent: null, goal: isGoal ? 'not met' : null });
        continue;
      }
      process.stderr.write(`synthetic: ${family.name}, ${size} ${family.unit}…\n`);
      const input = writeInput(family.source(size));
      const run = await runChild(process.execPath, [CLI, 'audit', input.dir, '--format', 'json', '--no-cache'], { timeoutSec });
      input.dispose();
      let findings: number | null = null;
      let errors: string[] = [];
      if (!run.timedOut && run.status !== 0 && run.status !== 1) errors = [`audit failed, exit ${run.status}: ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}`];
      else if (!run.timedOut) {
        try {
          const report = JSON.parse(run.stdout) as { findings: unknown[]; errors?: { message: string }[] };
          findings = report.findings.length;
          errors = (report.errors ?? []).map((e) => e.message);
        } catch (e) {
          errors = [`unreadable report: ${(e as Error).message}`];
        }
      }
      const seconds = run.timedOut ? null : run.seconds;
      const cpuSeconds = run.timedOut ? null : run.cpuSeconds;
      // On CPU seconds where known: on a shared machine wall time is too noisy to read growth from.
      const onCpu = baselineCpu !== null && cpuSeconds !== null && previous?.cpuSeconds != null;
      const exponent = !previous || seconds === null ? null : onCpu ? growthExponent(previous.size, previous.cpuSeconds!, size, cpuSeconds!, baselineCpu!) : growthExponent(previous.size, previous.seconds, size, seconds, baseline);
      const analysed = findings !== null && findings > 0;
      rows.push({ family: family.name, size, unit: family.unit, seconds, cpuSeconds, peakMb: run.peakMb, timedOut: run.timedOut, findings, errors, exponent, goal: isGoal ? judgeSynthetic({ seconds, baselineSeconds: baseline, timedOut: run.timedOut, analysed }) : null });
      if (run.timedOut) stopped = true;
      previous = seconds !== null && analysed ? { size, seconds, cpuSeconds } : null;
    }
  }
  return { baseline, baselineCpu, rows };
}

function syntheticTable(s: { baseline: number; baselineCpu: number | null; rows: SyntheticRow[] }, timeoutSec: number): string {
  const out = [
    `Start-up baseline (one ordinary call in one file): ${secs(s.baseline)} s${s.baselineCpu === null ? '' : ` (cpu ${secs(s.baselineCpu)})`}. The goal is judged on the audit's wall time less this baseline, and only for a file the audit analysed (one skipped as too large or minified has not had its prompt counted). Growth exponent = log(Δtime)/log(Δsize) against the previous size, CPU times less the baseline's (1 linear, 2 quadratic). Time limit ${timeoutSec} s per input.`,
    '',
    `| input | size | audit | findings | reported errors | growth exponent | goal < ${GOALS.syntheticSec} s beyond start-up |`,
    '| --- | ---: | ---: | ---: | --- | ---: | --- |',
  ];
  for (const r of s.rows) {
    const cpu = r.cpuSeconds === null ? '' : ` (cpu ${secs(r.cpuSeconds)})`;
    const time = r.skipped ? `not run (${r.skipped})` : r.timedOut ? `> ${timeoutSec} s (killed)` : `${secs(r.seconds!)} s${cpu} · ${r.peakMb === null ? '?' : num(r.peakMb)} MB`;
    out.push(`| ${r.family} | ${num(r.size)} ${r.unit} | ${time} | ${num(r.findings)} | ${r.errors.map((e) => e.slice(0, 70)).join('; ') || '—'} | ${r.exponent === null ? '—' : r.exponent.toFixed(2)} | ${r.goal ? mark(r.goal) : ''} |`);
  }
  return out.join('\n');
}

async function editorSection(rows: readonly TreeResult[]): Promise<string> {
  const e = await editorFigures();
  // Re-analysis is the language server's work, measured here on the real trees: the worst tree's p95.
  const edited = rows.filter((r) => typeof r.reanalysis?.p95Ratio === 'number').sort((a, b) => b.reanalysis!.p95Ratio! - a.reanalysis!.p95Ratio!);
  const worst = edited[0];
  const g = GOALS.editor;
  const cell = (v: number | null | undefined, unit = ' ms') => (v === null || v === undefined ? 'not measured' : `${v.toFixed(0)}${unit}`);
  const lines = [
    '| figure | measured | goal |',
    '| --- | --- | --- |',
    `| activation | ${cell(e?.activationMs)} | ≤ ${g.activationMs} ms |`,
    `| first diagnostics on a freshly opened file (engine warm) | ${cell(e?.firstDiagnosticsMs)}${e?.rawParseMs ? ` (raw parse ${cell(e.rawParseMs)})` : ''} | ≤ raw parse + ${g.firstDiagnosticsOverParseMs} ms |`,
    `| re-analysis after an edit, p95 | ${worst ? `${reanalysisCell(worst.reanalysis)} on ${worst.repo}, the worst of ${edited.length} trees` : 'not measured (no real tree with calls was measured)'} | ≤ ${g.reanalysisP95OverParse}× raw parse |`,
    `| longest extension-host block | ${cell(e?.longestBlockMs)} | ≤ ${g.longestBlockMs} ms |`,
  ];
  if (!e) lines.unshift('No figures: the real-VS-Code runner writes them to test-output/editor-figures.json when the integration suite runs (`npm test`), and none is here yet.', '');
  else lines.unshift(`From ${e.source}; the raw parse is measured here, and so is re-analysis (the session the language server runs, on the trees above). First diagnostics count from the editor having the document (its didOpen), not from the open request, whose time is the editor's own.`, '');
  return lines.join('\n');
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      largest: { type: 'string' },
      only: { type: 'string' },
      'no-trees': { type: 'boolean', default: false },
      'no-synthetic': { type: 'boolean', default: false },
      timeout: { type: 'string', default: '1800' },
      'synthetic-timeout': { type: 'string', default: '60' },
      json: { type: 'string' },
    },
  });
  if (!existsSync(CLI)) {
    process.stderr.write(`bench: ${CLI} is missing; build first (npm run bench does).\n`);
    process.exitCode = 2;
    return;
  }
  const timeoutSec = Number(values.timeout);
  const syntheticTimeoutSec = Number(values['synthetic-timeout']);
  const largest = values.largest === undefined ? undefined : Number(values.largest);
  for (const [flag, v] of [['--timeout', timeoutSec], ['--synthetic-timeout', syntheticTimeoutSec], ['--largest', largest ?? 1]] as const) {
    if (!Number.isFinite(v) || v <= 0) {
      process.stderr.write(`bench: ${flag} takes a positive number.\n`);
      process.exitCode = 2;
      return;
    }
  }
  const fl = floor();
  const loadBefore = loadavg();
  const out: string[] = [];
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  out.push(`## Batchwise bench, ${date} UTC, Batchwise ${gitCommit()}`, '');
  out.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; load average before ${loadBefore.map((l) => l.toFixed(2)).join(' / ')} (1/5/15 min).`);
  out.push(`Floor: ${fl.tool}. Peak RSS: ${peakMethod()}. Each figure is one run of a child process: wall time including start-up (CPU seconds, all threads, in brackets); goals are judged on wall time.`, '');

  const rows: TreeResult[] = [];
  if (!values['no-trees']) {
    const snapshots = snapshotsDir();
    const chosen = selectTrees([...corpusTrees(), ...manifestTrees()], (t) => hasSnapshot(snapshots, t.repo), {
      only: values.only?.split(',').map((s) => s.trim()).filter(Boolean),
      largest,
    });
    if (chosen.length === 0) {
      process.stderr.write(`bench: no snapshot under ${snapshots}; measuring the bundled sample (examples/) instead.\n`);
      out.push(`No snapshot of a real tree under ${snapshots}: these figures are for the bundled sample (examples/), far too small to judge the goals by.`, '');
      rows.push(await measureTree({ repo: 'examples (bundled sample)', commit: gitCommit(), source: 'sample' }, join(ROOT, 'examples'), fl, timeoutSec));
    }
    for (const [i, t] of chosen.entries()) {
      process.stderr.write(`[${i + 1}/${chosen.length}] ${t.repo}: extracting…\n`);
      const where = await extract(snapshots, t);
      if ('skipped' in where) {
        rows.push({ repo: t.repo, commit: t.commit, source: t.source, skipped: where.skipped });
        continue;
      }
      const r = await measureTree(t, where.dir, fl, timeoutSec);
      rows.push(r);
      if (values.json) writeJson(values.json, { date, commit: gitCommit(), loadBefore, floor: fl.tool, trees: rows, partial: true });
      process.stderr.write(`  ${num(r.files)} files, ${num(r.sdkFiles)} with SDK tokens; floor ${timing(r.floor)}; parse-all ${timing(r.parseAll)}; audit ${timing(r.cold?.run, r.cold?.failure)} / warm ${timing(r.warm?.run, r.warm?.failure)}\n`);
    }
    out.push('### Real trees', '', treeTable(rows), '', goalSummary(rows), '');
    out.push('Files with SDK tokens: files of the audit list that contain one of the prefilter markers (ripgrep\'s count over its own walk in brackets). Floor, parse-all and audits run on the same extracted tree, one after another.', '');
  }
  let synth: Awaited<ReturnType<typeof synthetic>> | null = null;
  if (!values['no-synthetic']) {
    synth = await synthetic(syntheticTimeoutSec);
    out.push('### Single-file inputs (quadratic-cost goals)', '', syntheticTable(synth, syntheticTimeoutSec), '');
  }
  out.push('### Editor (real VS Code)', '', await editorSection(rows), '');
  const loadAfter = loadavg();
  out.push(`Load average after: ${loadAfter.map((l) => l.toFixed(2)).join(' / ')}.`);
  process.stdout.write(out.join('\n') + '\n');
  if (values.json) writeJson(values.json, { date, commit: gitCommit(), loadBefore, loadAfter, floor: fl.tool, trees: rows, synthetic: synth });
}

/** The figures as data, without the children's output; written after each tree too, so a run cut short leaves what it measured. */
function writeJson(file: string, data: { trees: TreeResult[] } & Record<string, unknown>): void {
  const strip = (r: ChildRun | undefined) => (r ? { seconds: r.seconds, cpuSeconds: r.cpuSeconds, peakMb: r.peakMb, status: r.status, timedOut: r.timedOut } : null);
  const trees = data.trees.map((r) => ({ ...r, floor: strip(r.floor), parseAll: strip(r.parseAll), cold: r.cold ? { ...r.cold, run: strip(r.cold.run) } : null, warm: r.warm ? { ...r.warm, run: strip(r.warm.run) } : null }));
  writeFileSync(file, JSON.stringify({ ...data, trees }, null, 2) + '\n');
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
