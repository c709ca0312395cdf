// Where an audit's time and memory go on one tree: runs the unbundled CLI (out/src, so every frame
// names its source file) under `node --cpu-prof`, with bench/countCalls.ts preloaded, and prints
// Markdown: time by package or engine folder, the top functions by self and by inclusive time, how
// many files were parsed against how many hold SDK tokens, and the heap still in use at exit (what
// the audit kept). A --heap-prof is no help here: it is written after the session is released.
//
//   node out/bench/profile.js <tree-dir> [--out DIR] [--top N] [--timeout SEC]
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runChild } from './measure';
import { ROOT } from './trees';
import type { EngineCounts } from './countCalls';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Which package, engine folder or V8 bucket a frame belongs to. */
export function categoryOf(frame: CallFrame): string {
  const url = frame.url.replace(/\\/g, '/');
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const src = /\/out\/src\/(core\/[^/.]+|workspace|cli|[^/]+)/.exec(url);
  if (src) return `engine: ${src[1].replace(/^core\/(analyze|project|model)$/, 'core/$1.ts')}`;
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  return url;
}

function frameName(f: CallFrame): string {
  const url = f.url.replace(/\\/g, '/');
  const short = url.replace(/^.*\/out\//, '').replace(/^.*\/node_modules\//, '').replace(/^file:\/\//, '');
  return `${f.functionName || '(anonymous)'} ${short ? `${short}:${f.lineNumber + 1}` : ''}`.trim();
}

export interface CpuSummary {
  totalMs: number;
  byCategory: [string, number][];
  selfTop: [string, number][];
  inclusiveTop: [string, number][];
}

export function summariseCpu(p: CpuProfile, top: number, inclusiveFilter: (f: CallFrame) => boolean): CpuSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const category = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const node = byId.get(id);
    if (!node) return;
    const f = node.callFrame;
    self.set(frameName(f), (self.get(frameName(f)) ?? 0) + ms);
    category.set(categoryOf(f), (category.get(categoryOf(f)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (!inclusiveFilter(cf)) continue;
      const key = frameName(cf);
      if (seen.has(key)) continue; // recursion counts once per sample
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  });
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs, byCategory: sorted(category), selfTop: sorted(self).slice(0, top), inclusiveTop: sorted(inclusive).slice(0, top) };
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      top: { type: 'string', default: '20' },
      timeout: { type: 'string', default: '3600' },
    },
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node out/bench/profile.js <tree-dir> [--out DIR] [--top N] [--timeout SEC]\n');
    process.exitCode = 2;
    return;
  }
  const dir = resolve(positionals[0]);
  const out = resolve(values.out ?? join(ROOT, 'test-output', 'profile', dir.split('/').pop()!));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const top = Number(values.top);
  const countFile = join(out, 'counts.json');
  const flags = ['--cpu-prof', `--cpu-prof-dir=${out}`];
  const run = await runChild(process.execPath, [...flags, '--require', join(__dirname, 'countCalls.js'), join(ROOT, 'out', 'src', 'cli', 'main.js'), 'audit', dir, '--format', 'json', '--no-cache'], {
    timeoutSec: Number(values.timeout),
    env: { ...process.env, BENCH_COUNT_FILE: countFile },
  });
  if (run.timedOut || (run.status !== 0 && run.status !== 1)) {
    process.stderr.write(`profile: the audit failed (${run.timedOut ? 'timed out' : `exit ${run.status}`}): ${run.stderr.slice(-500)}\n`);
    process.exitCode = 1;
    return;
  }
  const report = JSON.parse(run.stdout) as { findings: unknown[]; errors?: unknown[] };
  const counts = JSON.parse(readFileSync(countFile, 'utf8')) as EngineCounts;
  const cpuFile = readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
  const cpu = summariseCpu(JSON.parse(readFileSync(join(out, cpuFile!), 'utf8')) as CpuProfile, top, (f) => /\/out\/src\//.test(f.url));
  const lines: string[] = [];
  lines.push(`#### Profile of \`batchwise audit\` on ${dir.split('/').pop()}`, '');
  lines.push(
    `Unbundled CLI under --cpu-prof (slower than the bundle): ${run.seconds.toFixed(1)} s wall, ${run.cpuSeconds?.toFixed(1) ?? '?'} s CPU, peak RSS ${run.peakMb?.toFixed(0) ?? '?'} MB, heap in use at exit ${counts.heapUsedAtExitMb.toFixed(0)} MB; ${report.findings.length} findings, ${report.errors?.length ?? 0} reported errors.`,
    '',
    `Files: ${counts.prefilterCalls} went through the prefilter (non-test files), ${counts.sdkTokenFiles} of them contain an SDK marker, ${counts.prefilterPassed} passed it; **${counts.parsedFiles} files were parsed** (${(counts.parsedBytes / 1e6).toFixed(1)} MB, ${counts.parseCalls} parse calls, ${(counts.parseMs / 1000).toFixed(1)} s of wall time in parseSource).`,
    '',
    `CPU by package or engine folder (self time, of ${(cpu.totalMs / 1000).toFixed(1)} s sampled):`,
    '',
    '| where | self time | share |',
    '| --- | ---: | ---: |',
    ...cpu.byCategory.slice(0, 12).map(([k, ms]) => `| ${k} | ${(ms / 1000).toFixed(1)} s | ${pct(ms, cpu.totalMs)} |`),
    '',
    `Engine functions by inclusive time (top ${top}):`,
    '',
    '| function | inclusive | share |',
    '| --- | ---: | ---: |',
    ...cpu.inclusiveTop.map(([k, ms]) => `| \`${k}\` | ${(ms / 1000).toFixed(1)} s | ${pct(ms, cpu.totalMs)} |`),
    '',
    `Functions by self time (top ${top}):`,
    '',
    '| function | self | share |',
    '| --- | ---: | ---: |',
    ...cpu.selfTop.map(([k, ms]) => `| \`${k}\` | ${(ms / 1000).toFixed(1)} s | ${pct(ms, cpu.totalMs)} |`),
  );
  lines.push('', `Raw profiles: ${out}`);
  process.stdout.write(lines.join('\n') + '\n');
}

if (require.main === module)
  main().catch((e) => {
    process.stderr.write(`profile: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
