// The fuzzer's seeds: every fixture project (test/fixtures/analyze/*, test/fixtures/rewrite/*) and the
// example workspace, read once into memory as path → text.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isSourceFile } from '../../src/core/parse/parse';
import { REPO_ROOT } from '../unit/helpers';

export interface SeedProject {
  /** Where it came from, relative to the repository ('test/fixtures/analyze/ctx-cronjob'). */
  name: string;
  /** Every file of the project, relative to its root with '/' separators. */
  files: Record<string, string>;
  /** Its JS/TS source files, sorted. */
  sources: string[];
}

function readProject(dir: string): SeedProject {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const abs = join(d, name);
      if (name === 'node_modules') continue;
      if (statSync(abs).isDirectory()) walk(abs);
      else files[relative(dir, abs).split(sep).join('/')] = readFileSync(abs, 'utf8');
    }
  };
  walk(dir);
  return { name: relative(REPO_ROOT, dir).split(sep).join('/'), files, sources: Object.keys(files).filter(isSourceFile).sort() };
}

let cached: SeedProject[] | null = null;

/** The seed projects in a fixed order (the same seed gives the same inputs on every machine). */
export function loadCorpus(): SeedProject[] {
  if (cached) return cached;
  const projects: SeedProject[] = [];
  for (const group of ['test/fixtures/analyze', 'test/fixtures/rewrite']) {
    const root = join(REPO_ROOT, group);
    for (const d of readdirSync(root).sort()) {
      if (statSync(join(root, d)).isDirectory()) projects.push(readProject(join(root, d)));
    }
  }
  projects.push(readProject(join(REPO_ROOT, 'examples')));
  cached = projects.filter((p) => p.sources.length > 0);
  return cached;
}
