// The audit cache on disk, by content hash (as ESLint's --cache and TypeScript's .tsbuildinfo): a whole
// audit's result is kept with the hash of every file the analysis read; the next audit of the same
// tree lists the files, hashes what the last one read, and when nothing differs (contents, the file
// list, the options, Batchwise's build) returns the kept result without parsing anything. A cache
// that cannot be read or written costs its speed, never a result: the audit runs as if there were none.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AnalysisResult } from '../core/model';
import { version } from '../../package.json';

/** Bumped when the file's layout changes. */
const FORMAT = 1;

export interface AuditCacheOptions {
  /** The cache file. */
  location: string;
  /** What the results depend on besides the files: the engine's build (see engineIdentity). */
  identity?: string;
}

interface CacheFile {
  format: number;
  key: string;
  /** Every file the analysis read: its path and the hash of what the read gave (text, or why there was none). */
  reads: [string, string][];
  result: AnalysisResult;
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/**
 * What a read gave, as one hash: the text, or the reason there is none (a file too large to read says
 * so in the errors, so its size matters too).
 */
export function readHash(text: string | undefined, error: string | undefined): string {
  return text !== undefined ? hashText(text) : `none:${error ?? ''}`;
}

let identityMemo: string | undefined;

/**
 * Batchwise's version and its build: the hash of the file this code runs from (the bundle, which holds
 * the whole engine), so a rebuilt engine never reads a cache an older one wrote.
 */
export function engineIdentity(): string {
  if (identityMemo === undefined) {
    let build = 'unknown-build';
    try {
      build = createHash('sha256').update(readFileSync(__filename)).digest('base64');
    } catch {
      // no readable bundle: the version alone
    }
    identityMemo = `${version}:${build}`;
  }
  return identityMemo;
}

/** The default cache file of a folder: in the user's cache folder (never inside the audited tree), one per root. */
export function defaultCacheLocation(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || (process.platform === 'win32' ? env.LOCALAPPDATA : undefined) || join(homedir(), '.cache');
  return join(base, 'batchwise', createHash('sha256').update(root).digest('hex').slice(0, 32) + '.json');
}

/** The key of everything but file contents: the engine, the root, the options, the file lists. */
export function cacheKey(parts: { identity: string; root: string; options: unknown; files: readonly string[]; configFiles: readonly string[] }): string {
  return hashText(JSON.stringify([FORMAT, parts.identity, parts.root, parts.options, parts.files, parts.configFiles]));
}

/**
 * The kept result, when the cache file holds one for `key` and every file it read hashes the same
 * now (`current` reads a path as the analysis would, returning readHash of it). Null otherwise.
 */
export function loadCachedResult(location: string, key: string, current: (path: string) => string): AnalysisResult | null {
  let data: CacheFile;
  try {
    data = JSON.parse(readFileSync(location, 'utf8')) as CacheFile;
  } catch {
    return null; // none yet, or unreadable: the audit runs
  }
  if (!data || data.format !== FORMAT || data.key !== key || !Array.isArray(data.reads) || !data.result) return null;
  for (const [path, hash] of data.reads) if (current(path) !== hash) return null;
  return data.result;
}

/** Keeps a result for the next audit; written whole (a temporary file renamed), so a reader never sees half of it. False when it could not be written. */
export function saveCachedResult(location: string, key: string, reads: ReadonlyMap<string, string>, result: AnalysisResult): boolean {
  const data: CacheFile = { format: FORMAT, key, reads: [...reads], result };
  const tmp = `${location}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(location), { recursive: true });
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, location);
    return true;
  } catch {
    return false;
  }
}
