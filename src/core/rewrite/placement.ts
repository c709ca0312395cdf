// Where the helper module goes, and whether a file already there stands in its way. The default,
// `batchwise/` at the workspace root, breaks a TypeScript project whose tsconfig.json keeps its sources
// in one folder: outside `rootDir` tsc fails (TS6059), and outside the folder `include` names, with an
// outDir, the output moves (dist/index.js becomes dist/src/index.js). So the helper goes inside that
// folder instead (src/batchwise/openaiBatch.ts); a path the user chose is kept, or the fix refused.
import { minimatch } from 'minimatch';
import { joinPath, TsProject, tsProjectFor } from './moduleStyle';

export type Placement = { ok: true; helperPath: string } | { ok: false; reason: string };

const TS_SOURCE = /\.(d\.)?[cm]?tsx?$/;
const JS_SOURCE = /\.[cm]?jsx?$/;

/**
 * Where the helper for `file` goes: `helperPath` (relative to the workspace root, with its extension)
 * when the project's tsconfig allows it there, else inside the project's source folder, unless the
 * user chose the path (`explicit`), which is then refused with the reason.
 */
export function placeHelper(file: string, helperPath: string, explicit: boolean, read: (path: string) => string | undefined): Placement {
  const project = tsProjectFor(file, read);
  if (!project || !compiles(project, file)) return { ok: true, helperPath };
  const bound = sourceFolder(project);
  if (!bound || inside(helperPath, bound.dir)) return { ok: true, helperPath };
  const where = bound.dir || 'the workspace root';
  if (explicit) {
    const name = helperPath.slice(helperPath.lastIndexOf('/') + 1).replace(/\.[cm]?[jt]s$/, '');
    return {
      ok: false,
      reason: `batchwise.helperPath puts the helper at ${helperPath}, outside ${where}, ${bound.why} in ${project.configPath}; tsc would ${bound.rootDir ? 'fail on it (TS6059: not under rootDir)' : 'move the compiled output to fit it in'}, so set batchwise.helperPath inside ${where} (e.g. ${bound.dir ? `${bound.dir}/` : ''}batchwise/${name}) to get a fix`,
    };
  }
  return { ok: true, helperPath: `${bound.dir ? `${bound.dir}/` : ''}batchwise/${helperPath.slice(helperPath.lastIndexOf('/') + 1)}` };
}

/** Whether tsc compiles the file, by the nearest tsconfig.json. */
export function compiledByTsc(file: string, read: (path: string) => string | undefined): boolean {
  const project = tsProjectFor(file, read);
  return Boolean(project && compiles(project, file));
}

/** Whether tsc compiles the file as part of this project (so the helper it imports is compiled too). */
function compiles(project: TsProject, file: string): boolean {
  if (!TS_SOURCE.test(file) && !(project.allowJs && JS_SOURCE.test(file))) return false;
  const named = project.files.includes(file) || project.include.some((p) => matches(p, file));
  return named && !project.exclude.some((p) => matches(p, file));
}

/** The folder the helper must be in: rootDir, or (when the output's layout follows the sources) the folder the sources have in common. */
function sourceFolder(project: TsProject): { dir: string; why: string; rootDir: boolean } | null {
  if (project.rootDir !== undefined) return { dir: project.rootDir, why: `its rootDir`, rootDir: true };
  if (!project.emitsLayout) return null;
  const folders = [...project.include.map(staticFolder), ...project.files.map((f) => f.split('/').slice(0, -1).join('/'))];
  if (folders.length === 0) return null;
  let common = folders[0].split('/').filter(Boolean);
  for (const f of folders.slice(1)) {
    const parts = f.split('/').filter(Boolean);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return { dir: common.join('/'), why: 'the folder its sources share (include, with an outDir)', rootDir: false };
}

function inside(path: string, dir: string): boolean {
  return dir === '' || path.startsWith(`${dir}/`);
}

/** The part of an include pattern before its first wildcard, as a folder (`src/**\/*.ts` → `src`). */
function staticFolder(pattern: string): string {
  const parts = pattern.split('/');
  const wild = parts.findIndex((p) => /[*?]/.test(p));
  const fixed = wild < 0 ? parts : parts.slice(0, wild);
  // A last part with an extension names a file.
  if (wild < 0 && /\.[^/]+$/.test(fixed[fixed.length - 1] ?? '')) fixed.pop();
  return fixed.join('/');
}

/** tsconfig's include semantics: glob patterns, and a pattern whose last part has no wildcard or extension names a folder. */
export function matches(pattern: string, file: string): boolean {
  let p = joinPath('', pattern);
  const last = p.split('/').pop() ?? '';
  if (!/[*?]/.test(last) && !/\.[^/]+$/.test(last)) p = p ? `${p}/**/*` : '**/*';
  return minimatch(file, p);
}

/**
 * The files an import of the helper module could load, whatever resolves it (tsc, Node, a bundler):
 * the module's path with each source extension, a declaration file, or an index file in a folder of
 * that name.
 */
export function resolutionCandidates(helperPath: string): string[] {
  const base = helperPath.replace(/\.[cm]?[jt]s$/, '');
  const exts = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.d.mts', '.d.cts', '.js', '.jsx', '.mjs', '.cjs'];
  return [...exts.map((e) => base + e), ...['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs'].map((e) => `${base}/index${e}`)];
}
