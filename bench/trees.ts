// Which real trees the bench measures: every labelled corpus repository (eval/corpus/labels) and
// every tree of bench/monorepos.json whose snapshot is on this machine, largest first, extracted at
// the pinned commit the way the corpus scorer does it.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readLabels, tree } from '../eval/score';

export interface BenchTree {
  repo: string;
  commit: string;
  /** JS/TS files at the pinned commit as recorded in the labels or the manifest (for ordering). */
  jsTsFiles: number;
  source: 'corpus' | 'monorepo';
}

export const ROOT = resolve(__dirname, '..', '..');

export function manifestTrees(path = join(ROOT, 'bench', 'monorepos.json')): BenchTree[] {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { trees: { repo: string; commit: string; jsTsFiles: number }[] };
  return manifest.trees.map((t) => ({ repo: t.repo, commit: t.commit, jsTsFiles: t.jsTsFiles, source: 'monorepo' as const }));
}

export function corpusTrees(): BenchTree[] {
  return readLabels().map((l) => ({ repo: l.repo, commit: l.commit, jsTsFiles: l.jsTsFiles ?? 0, source: 'corpus' as const }));
}

export interface Selection {
  /** owner/name list; when set, only these. */
  only?: string[];
  /** Keep the N largest corpus trees; manifest monorepos are always kept. */
  largest?: number;
}

/** The trees to measure, largest first. Trees named in both lists are measured once. */
export function selectTrees(all: BenchTree[], available: (t: BenchTree) => boolean, sel: Selection): BenchTree[] {
  const seen = new Set<string>();
  const unique = all.filter((t) => !seen.has(t.repo.toLowerCase()) && seen.add(t.repo.toLowerCase()));
  let picked = unique.filter(available).sort((a, b) => b.jsTsFiles - a.jsTsFiles || a.repo.localeCompare(b.repo));
  if (sel.only) {
    const wanted = new Set(sel.only.map((r) => r.toLowerCase()));
    picked = picked.filter((t) => wanted.has(t.repo.toLowerCase()));
  } else if (sel.largest !== undefined) {
    const corpus = picked.filter((t) => t.source === 'corpus').slice(0, sel.largest);
    picked = picked.filter((t) => t.source === 'monorepo' || corpus.includes(t));
  }
  return picked;
}

/** Where the snapshots are: $BATCHWISE_SNAPSHOTS, else the first .mirror beside or above the checkout. */
export function snapshotsDir(): string {
  if (process.env.BATCHWISE_SNAPSHOTS) return process.env.BATCHWISE_SNAPSHOTS;
  const candidates = [resolve(ROOT, '..', '.mirror'), resolve(ROOT, '..', '..', '.mirror')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

/** Extracted trees live beside the snapshots (as the corpus scorer's do when run from the main checkout). */
export function treesDir(snapshots: string): string {
  return process.env.BATCHWISE_EVAL_TREES ?? resolve(snapshots, '..', '.eval-trees');
}

export function hasSnapshot(snapshots: string, repo: string): boolean {
  const base = join(snapshots, repo.replace('/', '+'), 'repo');
  return existsSync(join(base, 'HEAD')) || existsSync(join(base, '.git', 'HEAD'));
}

/** The extracted tree, or why there is none. */
export async function extract(snapshots: string, t: BenchTree): Promise<{ dir: string } | { skipped: string }> {
  try {
    const dir = await tree(snapshots, treesDir(snapshots), t);
    return dir ? { dir } : { skipped: 'no snapshot' };
  } catch (e) {
    return { skipped: `could not be extracted: ${(e as Error).message.split('\n')[0].slice(0, 200)}` };
  }
}
