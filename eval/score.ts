// Scores the CLI on the real-world corpus: public repositories pinned to a commit, labelled
// before Batchwise ran on them (eval/LABELLING.md). Rebuilds each tree from its fetched git
// snapshot, runs `batchwise audit --format json` on it, matches findings to labels and prints
// the figures per split, category, framework, provider and call style, with every miss of the
// dev split listed. The held-out split only ever shows its totals.
//
//   node out/eval/score.js [--snapshots DIR] [--trees DIR] [--sdks DIR] [--only owner/name,…] [--split dev|held-out] [--jobs N] [--json FILE] [--cli dist/cli.js]
import { createHash } from 'node:crypto';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { applyPatch, parsePatch } from 'diff';
import { parseSource } from '../src/core/parse/parse';
import { isProvider, providerInfo } from '../src/core/detect/providers';
import { packageOf, typeCheckRewrite } from './typecheck';
import { scanSpecifiers } from '../src/core/textScan';
import { packageVersionFor } from '../src/core/rewrite/sdkVersion';

const ROOT = resolve(__dirname, '..', '..');
const LABELS = join(ROOT, 'eval', 'corpus', 'labels');

export type Label = 'batchable' | 'user-waiting' | 'sequential' | 'ambiguous' | 'not-a-call';
export type Predicted = 'batchable' | 'user-waiting' | 'unknown' | 'undetected';

export interface LabelledSite {
  file: string;
  line: number;
  callee?: string;
  provider?: string;
  via?: string;
  api?: string;
  label: Label;
  entry?: string;
  rationale: string;
}

export interface RepoLabels {
  repo: string;
  commit: string;
  category: string;
  frameworks?: string[];
  jsTsFiles?: number;
  files: string[];
  sites: LabelledSite[];
}

/** What the audit's JSON report says of one call. */
export interface AuditFinding {
  file: string;
  line: number;
  provider: string;
  api: string;
  model: string | null;
  verdict: 'batchable' | 'user-waiting' | 'unknown';
  evidence: { rule: string; message: string }[];
  fix: { strategy: string; safe: boolean } | null;
  fixRefusal: string | null;
}

export interface Scored {
  repo: string;
  split: Split;
  category: string;
  frameworks: string[];
  site: LabelledSite;
  predicted: Predicted;
  finding: AuditFinding | null;
}

export type Split = 'dev' | 'held-out';

/** 30 % of repositories are held out, chosen by a hash of the name: fixed before any labelling. */
export function splitOf(repo: string): Split {
  const h = parseInt(createHash('sha1').update(repo.toLowerCase()).digest('hex').slice(0, 8), 16);
  return h % 100 < 30 ? 'held-out' : 'dev';
}

/** Findings are matched to labels in the same file, nearest line first, within a few lines, one to one. */
export function match(sites: LabelledSite[], findings: AuditFinding[], slack = 3): Map<LabelledSite, AuditFinding> {
  const pairs: { site: LabelledSite; finding: AuditFinding; d: number }[] = [];
  for (const site of sites) {
    for (const finding of findings) {
      if (finding.file !== site.file) continue;
      const d = Math.abs(finding.line - site.line);
      if (d <= slack) pairs.push({ site, finding, d });
    }
  }
  pairs.sort((a, b) => a.d - b.d);
  const out = new Map<LabelledSite, AuditFinding>();
  const used = new Set<AuditFinding>();
  for (const p of pairs) {
    if (out.has(p.site) || used.has(p.finding)) continue;
    out.set(p.site, p.finding);
    used.add(p.finding);
  }
  return out;
}

export interface Figures {
  sites: number;
  detected: number;
  batchableLabelled: number;
  batchableFound: number;
  predictedBatchable: number;
  falseBatchable: { userWaiting: number; sequential: number; ambiguous: number };
  unknown: number;
  fixOffered: number;
  fixSafe: number;
}

export function figures(rows: Scored[]): Figures {
  const f: Figures = {
    sites: 0,
    detected: 0,
    batchableLabelled: 0,
    batchableFound: 0,
    predictedBatchable: 0,
    falseBatchable: { userWaiting: 0, sequential: 0, ambiguous: 0 },
    unknown: 0,
    fixOffered: 0,
    fixSafe: 0,
  };
  for (const r of rows) {
    if (r.site.label === 'not-a-call') continue;
    f.sites++;
    if (r.predicted !== 'undetected') f.detected++;
    if (r.predicted === 'unknown') f.unknown++;
    if (r.site.label === 'batchable') f.batchableLabelled++;
    if (r.predicted === 'batchable') {
      f.predictedBatchable++;
      if (r.site.label === 'batchable') {
        f.batchableFound++;
        if (r.finding?.fix) {
          f.fixOffered++;
          if (r.finding.fix.safe) f.fixSafe++;
        }
      } else if (r.site.label === 'user-waiting') f.falseBatchable.userWaiting++;
      else if (r.site.label === 'sequential') f.falseBatchable.sequential++;
      else f.falseBatchable.ambiguous++;
    }
  }
  return f;
}

const ratio = (n: number, d: number): string => (d === 0 ? '—' : (n / d).toFixed(3));

function row(name: string, f: Figures): string {
  const falseB = f.falseBatchable.userWaiting + f.falseBatchable.sequential + f.falseBatchable.ambiguous;
  return [
    name,
    String(f.sites),
    `${f.detected} (${ratio(f.detected, f.sites)})`,
    `${ratio(f.batchableFound, f.predictedBatchable)} (${f.batchableFound}/${f.predictedBatchable})`,
    `${ratio(f.batchableFound, f.batchableLabelled)} (${f.batchableFound}/${f.batchableLabelled})`,
    `${f.falseBatchable.userWaiting}/${f.falseBatchable.sequential}/${f.falseBatchable.ambiguous}${falseB ? ' ✗' : ''}`,
    `${f.unknown} (${ratio(f.unknown, f.sites)})`,
    `${f.fixOffered}/${f.fixSafe}`,
  ].join(' | ');
}

const HEADER =
  'group | sites | detected | batchable precision | batchable recall | user-waiting/sequential/ambiguous called batchable | unknown | fixes (any/safe) on found batchable\n' +
  '--- | --- | --- | --- | --- | --- | --- | ---';

export function table(title: string, groups: Map<string, Scored[]>): string {
  const lines = [`### ${title}`, '', HEADER];
  for (const [name, rows] of [...groups].sort((a, b) => b[1].length - a[1].length)) lines.push('| ' + row(name, figures(rows)) + ' |');
  return lines.join('\n') + '\n';
}

function groupBy(rows: Scored[], keys: (r: Scored) => string[]): Map<string, Scored[]> {
  const out = new Map<string, Scored[]>();
  for (const r of rows) for (const k of keys(r)) out.set(k, [...(out.get(k) ?? []), r]);
  return out;
}

function gitDir(snapshots: string, repo: string): string | null {
  const base = join(snapshots, repo.replace('/', '+'), 'repo');
  if (existsSync(join(base, '.git', 'HEAD'))) return join(base, '.git');
  if (existsSync(join(base, 'HEAD'))) return base;
  return null;
}

/**
 * The tree at the pinned commit, extracted once and reused; null when no snapshot is here.
 * Snapshots lack their largest blobs, so files are written one by one and a missing blob is
 * skipped (git archive would stop at the first). Shared with bench/.
 */
export async function tree(snapshots: string, trees: string, labels: Pick<RepoLabels, 'repo' | 'commit'>): Promise<string | null> {
  const dir = join(trees, `${labels.repo.replace('/', '+')}@${labels.commit.slice(0, 12)}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  const git = gitDir(snapshots, labels.repo);
  if (!git) return null;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const listing = execFileSync('git', ['--git-dir', git, 'ls-tree', '-r', '-z', labels.commit], { maxBuffer: 2 ** 30 }).toString('utf8');
  const blobs: { sha: string; path: string }[] = [];
  for (const entry of listing.split('\0')) {
    const m = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (m && m[1] !== '120000' && m[1] !== '160000') blobs.push({ sha: m[2], path: m[3] });
  }
  await writeBlobs(git, dir, blobs);
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

/** Streams `git cat-file --batch` and writes each blob that the snapshot has. */
function writeBlobs(git: string, dir: string, blobs: { sha: string; path: string }[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('git', ['--git-dir', git, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let pending: Buffer = Buffer.alloc(0);
    let next = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const eol = pending.indexOf(10);
        if (eol < 0) return;
        const header = pending.subarray(0, eol).toString('utf8');
        if (header.endsWith(' missing')) {
          pending = pending.subarray(eol + 1);
          next++;
          continue;
        }
        const size = Number(header.split(' ')[2]);
        if (pending.length < eol + 1 + size + 1) return;
        const target = join(dir, blobs[next++].path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, pending.subarray(eol + 1, eol + 1 + size));
        pending = pending.subarray(eol + 1 + size + 1);
      }
    });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`git cat-file exited ${code}`))));
    child.stdin.end(blobs.map((b) => b.sha).join('\n') + '\n');
  });
}

interface AuditRun {
  findings: AuditFinding[];
  errors: { file: string; message: string }[];
  status: number | null;
  seconds: number;
  peakMb: number | null;
  failure: string | null;
}

/** Runs the CLI's audit on a tree (a child process; several may run at once). */
function audit(dir: string, timeoutSec: number, cli: string): Promise<AuditRun> {
  const started = Date.now();
  const useTime = existsSync('/usr/bin/time');
  const [cmd, args] = useTime
    ? ['/usr/bin/time', ['-f', 'peak-kb %M', process.execPath, cli, 'audit', dir, '--format', 'json']]
    : [process.execPath, [cli, 'audit', dir, '--format', 'json']];
  return new Promise((done) => {
    const child = spawn(cmd, args as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSec * 1000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const finish = (status: number | null, error?: Error) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const seconds = (Date.now() - started) / 1000;
      const peak = /peak-kb (\d+)/.exec(stderr);
      const base = { status, seconds, peakMb: peak ? Math.round(Number(peak[1]) / 1024) : null };
      if (error || timedOut || (status !== 0 && status !== 1)) {
        const why = error ? String(error.message) : timedOut ? `timed out after ${timeoutSec} s` : `exit ${status}: ${stderr.split('\n').filter((l) => !l.startsWith('peak-kb')).slice(-3).join(' ')}`;
        return done({ findings: [], errors: [], failure: why, ...base });
      }
      try {
        const report = JSON.parse(stdout) as { findings: AuditFinding[]; errors?: { file: string; message: string }[] };
        done({ findings: report.findings, errors: report.errors ?? [], failure: null, ...base });
      } catch (e) {
        done({ findings: [], errors: [], failure: `unreadable JSON report: ${(e as Error).message}`, ...base });
      }
    };
    child.on('error', (e) => finish(null, e));
    child.on('close', (code) => finish(code));
  });
}

/** What the fix does on one found batchable site: offered safe or unsafe, or refused with its reason. */
export function fixKind(f: AuditFinding): 'safe' | 'unsafe' | 'refused' {
  return f.fix ? (f.fix.safe ? 'safe' : 'unsafe') : 'refused';
}

/** A refusal's reason, cut to its first clause, so that alike reasons count together. */
export function refusalKind(reason: string): string {
  return reason.replace(/`[^`]*`/g, '`…`').split(/[;:(]/)[0].trim().slice(0, 120);
}

/** A file the type-check compiles, among those a fix writes (not a package.json it edits). */
const SOURCE = /\.[cm]?[jt]sx?$/;

/** What applying an offered fix to a copy gave: whether the copy re-parses, and the errors the rewrite adds when type-checked. */
export interface AppliedFix {
  reparses: boolean;
  detail: string;
  /** Null when the copy did not re-parse (nothing to type-check). */
  typeErrors: string[] | null;
}

/**
 * The fix `batchwise fix` prints for a call (a diff; nothing is written), applied to a copy of the file
 * in a temporary folder (with the helper modules the diff creates), whether the copy re-parses, and
 * what type-checking it with the SDKs' types finds that the original did not have (eval/typecheck.ts).
 * Null when the CLI planned no fix.
 */
export function applyFixCopy(cli: string, dir: string, file: string, line: number, work: string, sdks: string): AppliedFix | null {
  const r = spawnSync(process.execPath, [cli, 'fix', join(dir, file), '--line', String(line), '--root', dir], { encoding: 'utf8', maxBuffer: 2 ** 28, timeout: 300_000 });
  if (r.status !== 0) return null;
  const patches = parsePatch(r.stdout);
  if (!patches.some((p) => p.oldFileName === `a/${file}`)) return { reparses: false, detail: 'the printed diff has no change to the file', typeErrors: null };
  const changed = new Map<string, string>();
  const created = new Set<string>();
  for (const patch of patches) {
    const target = (patch.newFileName ?? '').replace(/^b\//, '');
    const isNew = patch.oldFileName === '/dev/null';
    const after = applyPatch(isNew ? '' : readFileSync(join(dir, target), 'utf8'), patch);
    if (after === false) return { reparses: false, detail: `the printed diff does not apply to ${target}`, typeErrors: null };
    changed.set(target, after);
    if (isNew) created.add(target);
  }
  for (const [target, after] of changed) {
    const copy = join(work, target);
    mkdirSync(dirname(copy), { recursive: true });
    writeFileSync(copy, after);
  }
  const copy = join(work, file);
  const parsed = parseSource(file, changed.get(file)!);
  if (!parsed.ok) return { reparses: false, detail: `${copy}: ${parsed.message}`, typeErrors: null };
  // Sources only: a package.json the fix gives a package is not compiled (packageHomes reads it).
  const sources = new Map([...changed].filter(([path]) => SOURCE.test(path)));
  return { reparses: true, detail: copy, typeErrors: typeCheckRewrite(dir, sources, created, packageHomes(dir, file, changed, sdks)).added };
}

/**
 * Where each package the fix's files import is installed for the check: the version the project around
 * the rewritten file has (Batchwise's own reading: its node_modules, else its lockfile, else the lowest
 * version its package.json allows; `packageVersionFor`), with its @types package when the project has
 * one, installed once from the npm registry into `cache`. A package the project has no version of (the
 * workspace's own, or an SDK a helper needs that the project does not list) gets no home: the SDKs are
 * then Batchwise's own versions, anything else stays `any`.
 */
function packageHomes(dir: string, file: string, changed: Map<string, string>, cache: string): Map<string, string> {
  // The project as the fix leaves it: a package.json it gave a package names that package's version.
  const read = (path: string): string | undefined => {
    if (changed.has(path)) return changed.get(path);
    try {
      return readFileSync(join(dir, path), 'utf8');
    } catch {
      return undefined;
    }
  };
  const homes = new Map<string, string>();
  const imported = new Set([...changed].filter(([path]) => SOURCE.test(path)).map(([, text]) => text).flatMap((text) => scanSpecifiers(text).specifiers).filter((s) => !/^[./]/.test(s) && !s.startsWith('node:')).map(packageOf));
  for (const pkg of imported) {
    if (builtinModules.includes(pkg)) continue;
    const version = packageVersionFor(pkg, file, read)?.version;
    if (!version) continue;
    const typesName = `@types/${pkg.startsWith('@') ? pkg.slice(1).replace('/', '__') : pkg}`;
    const typesVersion = packageVersionFor(typesName, file, read)?.version;
    const specs = [`${pkg}@${version}`, ...(typesVersion ? [`${typesName}@${typesVersion}`] : [])];
    const home = join(cache, specs.join(' ').replace(/\//g, '+'));
    const done = join(home, '.installed');
    if (!existsSync(done)) {
      mkdirSync(home, { recursive: true });
      writeFileSync(join(home, 'package.json'), '{ "private": true }\n');
      const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--legacy-peer-deps', '--prefix', home, ...specs], { stdio: 'ignore', timeout: 300_000 });
      writeFileSync(done, r.status === 0 ? 'ok' : 'failed');
    }
    if (readFileSync(done, 'utf8') === 'ok') homes.set(pkg, home);
  }
  return homes;
}

/** Of the labelled batchable dev sites found batchable: the share offered a fix, safe or not, the refusals by reason, and the offered fixes applied to copies. */
function fixCoverage(dev: Scored[], treeOf: Map<string, string>, cli: string, sdks: string): string {
  const found = dev.filter((r) => r.site.label === 'batchable' && r.predicted === 'batchable' && r.finding);
  const count = (k: string) => found.filter((r) => fixKind(r.finding!) === k).length;
  const pct = (n: number) => (found.length ? `${Math.round((100 * n) / found.length)} %` : '-');
  const out = [`### Fix coverage (dev: labelled batchable, found batchable: ${found.length})
`];
  out.push(`offered ${count('safe') + count('unsafe')} (${pct(count('safe') + count('unsafe'))}): safe ${count('safe')} (${pct(count('safe'))}), unsafe ${count('unsafe')} (${pct(count('unsafe'))}); refused ${count('refused')}
`);
  // A call to a provider that sells no batch tier has nothing to move to: the same figures without those calls.
  const tiered = found.filter((r) => !isProvider(r.finding!.provider) || providerInfo(r.finding!.provider).batchTier);
  const inTier = (k: string) => tiered.filter((r) => fixKind(r.finding!) === k).length;
  const tierPct = (n: number) => (tiered.length ? `${Math.round((100 * n) / tiered.length)} %` : '-');
  out.push(`of the ${tiered.length} on a provider that sells a batch tier: offered ${inTier('safe') + inTier('unsafe')} (${tierPct(inTier('safe') + inTier('unsafe'))}), safe ${inTier('safe')} (${tierPct(inTier('safe'))})
`);
  const reasons = new Map<string, number>();
  for (const r of found) if (!r.finding!.fix) reasons.set(refusalKind(r.finding!.fixRefusal ?? 'no reason given'), (reasons.get(refusalKind(r.finding!.fixRefusal ?? 'no reason given')) ?? 0) + 1);
  out.push('Refusals by reason:');
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1])) out.push(`- ${n} × ${reason}`);
  out.push('\nRefused sites:');
  for (const r of found.filter((x) => !x.finding!.fix)) out.push(`- ${r.repo} ${r.finding!.file}:${r.finding!.line} \`${r.finding!.api}\` (${r.finding!.provider}): ${r.finding!.fixRefusal ?? 'no reason given'}`);
  const work = mkdtempSync(join(tmpdir(), 'batchwise-fix-coverage-'));
  const applied = found.filter((r) => r.finding!.fix && treeOf.has(r.repo)).map((r) => ({ r, got: applyFixCopy(cli, treeOf.get(r.repo)!, r.finding!.file, r.finding!.line, join(work, r.repo.replace('/', '+')), sdks) }));
  const reparsed = applied.filter((a) => a.got?.reparses).length;
  out.push(`
Offered fixes applied to copies (${work}): ${applied.length}, re-parse ${reparsed}, planned but not re-parsing or not applying ${applied.filter((a) => a.got && !a.got.reparses).length}, not planned by \`batchwise fix\` ${applied.filter((a) => !a.got).length}`);
  for (const a of applied.filter((x) => !x.got?.reparses)) out.push(`- ${a.r.repo} ${a.r.finding!.file}:${a.r.finding!.line} (${fixKind(a.r.finding!)}): ${a.got ? a.got.detail : 'no fix planned'}`);
  const typed = applied.filter((a) => a.got?.typeErrors);
  const clean = typed.filter((a) => a.got!.typeErrors!.length === 0).length;
  out.push(`
Type-checked with the SDKs' types (the rewritten file and the helpers it creates; errors the original had are not counted): ${typed.length}, adding no error ${clean}, adding errors ${typed.length - clean}`);
  for (const a of typed.filter((x) => x.got!.typeErrors!.length)) out.push(`- ${a.r.repo} ${a.r.finding!.file}:${a.r.finding!.line} (${fixKind(a.r.finding!)}): ${a.got!.typeErrors!.slice(0, 5).join('; ')}${a.got!.typeErrors!.length > 5 ? ` (and ${a.got!.typeErrors!.length - 5} more)` : ''}`);
  return out.join('\n') + '\n';
}

export function readLabels(dir = LABELS): RepoLabels[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RepoLabels);
}

/** A folder beside the checkout, or beside the folder of worktrees the checkout is in (…/wt/<branch>). */
function besideCheckout(name: string): string {
  const near = resolve(ROOT, '..', name);
  const far = resolve(ROOT, '..', '..', name);
  return existsSync(near) || !existsSync(far) ? near : far;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      snapshots: { type: 'string', default: process.env.BATCHWISE_SNAPSHOTS ?? besideCheckout('.mirror') },
      trees: { type: 'string', default: process.env.BATCHWISE_EVAL_TREES ?? besideCheckout('.eval-trees') },
      sdks: { type: 'string', default: process.env.BATCHWISE_EVAL_SDKS ?? besideCheckout('.eval-sdks') },
      only: { type: 'string' },
      json: { type: 'string' },
      timeout: { type: 'string', default: '900' },
      split: { type: 'string' },
      jobs: { type: 'string', default: '1' },
      // Another build's CLI bundle, to score it with this scorer (a before/after on the same repositories).
      cli: { type: 'string', default: join(ROOT, 'dist', 'cli.js') },
    },
  });
  const only = values.only ? new Set(values.only.split(',')) : null;
  if (values.split && values.split !== 'dev' && values.split !== 'held-out') throw new Error(`--split is dev or held-out, not ${values.split}`);
  const jobs = Math.max(1, Number(values.jobs) || 1);
  const all = readLabels().filter((l) => (!only || only.has(l.repo)) && (!values.split || splitOf(l.repo) === values.split));
  const treeOf = new Map<string, string>();
  // Trees are extracted one at a time (git is the bottleneck there); audits run `jobs` at a time.
  const audits = new Map<RepoLabels, Promise<AuditRun | null>>();
  const pending: (() => void)[] = [];
  let running = 0;
  const slot = () => (running < jobs ? (running++, Promise.resolve()) : new Promise<void>((r) => pending.push(r)));
  const release = () => (pending.length ? pending.shift()!() : running--);
  const prepared = (async () => {
    for (const labels of all) {
      await slot();
      const dir = await tree(values.snapshots!, values.trees!, labels);
      if (dir) treeOf.set(labels.repo, dir);
      audits.set(labels, dir ? audit(dir, Number(values.timeout), resolve(values.cli!)).finally(release) : (release(), Promise.resolve(null)));
    }
  })();
  const rows: Scored[] = [];
  const runs: { repo: string; split: Split; files: number | undefined; run: AuditRun | null }[] = [];
  const unlabelled: { repo: string; split: Split; finding: AuditFinding }[] = [];
  for (const labels of all) {
    const split = splitOf(labels.repo);
    while (!audits.has(labels)) await Promise.race([prepared, new Promise((r) => setTimeout(r, 200))]);
    const run = await audits.get(labels)!;
    if (!run) {
      runs.push({ repo: labels.repo, split, files: labels.jsTsFiles, run: null });
      process.stderr.write(`${labels.repo}: no snapshot under ${values.snapshots}; skipped\n`);
      continue;
    }
    runs.push({ repo: labels.repo, split, files: labels.jsTsFiles, run });
    process.stderr.write(`${labels.repo} [${split}]: ${run.failure ? 'FAILED ' + run.failure : `${run.findings.length} findings`} in ${run.seconds.toFixed(1)} s${run.peakMb ? `, ${run.peakMb} MB` : ''}\n`);
    const matched = match(labels.sites, run.findings);
    for (const site of labels.sites) {
      const finding = matched.get(site) ?? null;
      rows.push({ repo: labels.repo, split, category: labels.category, frameworks: labels.frameworks ?? [], site, finding, predicted: finding ? finding.verdict : 'undetected' });
    }
    const labelledFiles = new Set(labels.files);
    const used = new Set(matched.values());
    for (const finding of run.findings) if (labelledFiles.has(finding.file) && !used.has(finding)) unlabelled.push({ repo: labels.repo, split, finding });
  }

  const out: string[] = [];
  const date = new Date().toISOString().slice(0, 10);
  const repos = (s: Split) => runs.filter((r) => r.split === s).length;
  out.push(`## Batchwise on the real-world corpus (${date}): ${all.length} repositories (dev ${repos('dev')}, held-out ${repos('held-out')}), ${rows.filter((r) => r.site.label !== 'not-a-call').length} labelled sites\n`);
  out.push(table('By split', groupBy(rows, (r) => [r.split, 'all'])));
  const dev = rows.filter((r) => r.split === 'dev');
  out.push(table('Dev split by category', groupBy(dev, (r) => [r.category])));
  out.push(table('Dev split by framework', groupBy(dev, (r) => (r.frameworks.length ? r.frameworks : ['(none)']))));
  out.push(table('Dev split by provider', groupBy(dev, (r) => [r.site.provider ?? '?'])));
  out.push(table('Dev split by call style', groupBy(dev, (r) => [r.site.via ?? 'sdk'])));
  out.push(table('Dev split by label', groupBy(dev, (r) => [r.site.label])));

  const failed = runs.filter((r) => r.run?.failure);
  out.push(`### Audits\n\n${runs.length} trees; ${failed.length} failed${failed.length ? ': ' + failed.map((r) => `${r.repo} (${r.run!.failure})`).join('; ') : ''}. ` +
    `Slowest: ${[...runs].filter((r) => r.run).sort((a, b) => b.run!.seconds - a.run!.seconds).slice(0, 5).map((r) => `${r.repo} ${r.run!.seconds.toFixed(1)} s${r.run!.peakMb ? ` / ${r.run!.peakMb} MB` : ''}`).join(', ')}.\n`);
  const errorCount = runs.reduce((n, r) => n + (r.run?.errors.length ?? 0), 0);
  out.push(`Files reported as errors across all trees: ${errorCount}.\n`);

  out.push(fixCoverage(dev, treeOf, resolve(values.cli!), resolve(values.sdks!)));

  // Every miss of the dev split, so it can be fixed; the held-out split shows counts only.
  const misses = dev.filter((r) => {
    if (r.site.label === 'not-a-call') return r.predicted !== 'undetected';
    if (r.predicted === 'undetected') return true;
    if (r.site.label === 'batchable') return r.predicted !== 'batchable';
    if (r.site.label === 'user-waiting') return r.predicted !== 'user-waiting';
    return r.predicted === 'batchable';
  });
  out.push(`### Dev misses (${misses.length})\n`);
  for (const m of misses) {
    const why = m.finding ? `${m.finding.verdict} [${m.finding.evidence.map((e) => e.rule).join(', ')}] ${m.finding.evidence[0]?.message ?? ''}` : 'not detected';
    out.push(`- ${m.repo} ${m.site.file}:${m.site.line} \`${m.site.callee ?? ''}\` labelled ${m.site.label} (${m.site.rationale}) → ${why.slice(0, 300)}`);
  }
  const heldMisses = rows.filter((r) => r.split === 'held-out').length - 0;
  out.push(`\nHeld-out: ${heldMisses} sites scored; its misses are not listed.\n`);
  const devUnlabelled = unlabelled.filter((u) => u.split === 'dev');
  out.push(`### Findings in labelled dev files with no label (${devUnlabelled.length}; held-out: ${unlabelled.length - devUnlabelled.length})\n`);
  for (const u of devUnlabelled) out.push(`- ${u.repo} ${u.finding.file}:${u.finding.line} ${u.finding.provider} ${u.finding.api} → ${u.finding.verdict}`);
  process.stdout.write(out.join('\n') + '\n');
  if (values.json) {
    const byRepo = runs.map((r) => ({ repo: r.repo, split: r.split, files: r.files, seconds: r.run?.seconds ?? null, peakMb: r.run?.peakMb ?? null, failure: r.run?.failure ?? (r.run ? null : 'no snapshot') }));
    writeFileSync(values.json, JSON.stringify({ date, figures: { dev: figures(dev), heldOut: figures(rows.filter((r) => r.split === 'held-out')), all: figures(rows) }, runs: byRepo }, null, 2));
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
