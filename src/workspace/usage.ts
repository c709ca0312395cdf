// Reads the usage reports the user saved (batchwise.config.json "usage", the CLI's --usage, the
// editor's setting): files on disk only, never the network, never a key. Each file that cannot be
// read or is no usage report becomes an error entry naming it.
import fg from 'fast-glob';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { AnalysisError } from '../core/model';
import { parseUsageFile, UsageFile } from '../core/estimate/usage';
import { NEVER_READ, toPosix } from './scan';

/** A month of daily pages grouped by model and batch is kilobytes; this only stops a wrong file. */
export const MAX_USAGE_BYTES = 64 * 1024 * 1024;

/** A usage report to read: a path (absolute, or relative to the root), or a path with the name to show for it. */
export type UsagePath = string | { path: string; name: string };

export interface LoadedUsage {
  files: UsageFile[];
  errors: AnalysisError[];
  /** Absolute paths read: a change to one of them makes the usage stale. */
  paths: string[];
}

/** How a path is shown: relative to the root when inside it, else as it is. */
function displayName(root: string, abs: string): string {
  const rel = relative(root, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? toPosix(rel) : abs;
}

/**
 * `fromConfig`: entries of the project file, relative to the root, globs allowed ('usage/*.json').
 * `given`: paths from the command line or the editor, absolute or relative to the root.
 */
export function loadUsage(root: string, fromConfig: readonly string[], given: readonly UsagePath[]): LoadedUsage {
  const out: LoadedUsage = { files: [], errors: [], paths: [] };
  const targets: { abs: string; name: string }[] = [];
  for (const entry of fromConfig) {
    if (fg.isDynamicPattern(entry)) {
      const matches = fg.sync(entry, { cwd: root, onlyFiles: true, dot: false, followSymbolicLinks: false, suppressErrors: true }).sort();
      if (matches.length === 0) out.errors.push({ file: entry, message: 'usage report: no file matches this pattern (batchwise.config.json "usage")' });
      for (const m of matches) targets.push({ abs: join(root, m), name: toPosix(m) });
    } else {
      targets.push({ abs: join(root, entry), name: toPosix(entry) });
    }
  }
  for (const entry of given) {
    const abs = resolve(root, typeof entry === 'string' ? entry : entry.path);
    targets.push({ abs, name: typeof entry === 'string' ? displayName(root, abs) : entry.name });
  }
  const seen = new Set<string>();
  for (const { abs, name } of targets) {
    if (seen.has(abs)) continue;
    seen.add(abs);
    out.paths.push(abs);
    if (NEVER_READ.test(abs.split(sep).join('/'))) {
      out.errors.push({ file: name, message: 'usage report: Batchwise never reads .env or key files' });
      continue;
    }
    let text: string;
    try {
      const stat = statSync(abs);
      if (!stat.isFile()) {
        out.errors.push({ file: name, message: 'usage report: not a file' });
        continue;
      }
      if (stat.size > MAX_USAGE_BYTES) {
        out.errors.push({ file: name, message: `usage report: ${stat.size.toLocaleString('en-US')} bytes, over the ${MAX_USAGE_BYTES.toLocaleString('en-US')}-byte limit` });
        continue;
      }
      text = readFileSync(abs, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      out.errors.push({ file: name, message: `usage report: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (err as Error).message})`}` });
      continue;
    }
    const parsed = parseUsageFile(name, text);
    if (parsed.ok) out.files.push(parsed.value);
    else out.errors.push({ file: name, message: `usage report: ${parsed.message}` });
  }
  return out;
}
