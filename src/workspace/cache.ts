// The audit cache on disk, by content hash (as ESLint's --cache and TypeScript's .tsbuildinfo): a whole
// audit's result is kept with the hash of every file the analysis read; the next audit of the same
// tree lists the files, hashes what the last one read, and when nothing differs (contents, the file
// list, the options, Batchwise's build) returns the kept result without parsing anything. A file whose
// size and modification time are those it had when it was read, and which had not been written for a
// while then, is taken as unchanged without reading it (git's index does the same, racy writes aside):
// the prefilter reads every file of a tree, and reading them all again was most of a warm audit. A cache
// that cannot be read or written costs its speed, never a result: the audit runs as if there were none.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AnalysisResult } from '../core/model';
import { version } from '../../package.json';

/** Bumped when the file's layout changes. */
const FORMAT = 2;

export interface AuditCacheOptions {
  /** The cache file. */
  location: string;
  /** What the results depend on besides the files: the engine's build (see engineIdentity). */
  identity?: string;
}

interface CacheFile {
  format: number;
  key: string;
  /** Every file the analysis read: its path, the hash of what the read gave (text, or why there was none), and its stamp then if it had one. */
  reads: ([string, string] | [string, string, number, number])[];
  result: AnalysisResult;
}

/** A file's size and modification time, as stat gave them just before a read; both -1 for no file there. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** The stamp of a path where there is no file (the analysis looks for many: tsconfig.json beside each file, index files …). */
const ABSENT: FileStamp = { size: -1, mtimeMs: -1 };

/**
 * How long a file must have gone unwritten before its read for its stamp to vouch for its content: a
 * write in the same tick of the file system's clock as the one before it can leave size and time as
 * they were (git calls such entries racy and compares their content).
 */
export const SETTLED_MS = 2000;

/** The stamp of a file about to be read; none when it cannot be stat'ed or was written too lately to vouch for what is read next. */
export function stampBeforeRead(path: string, now = Date.now()): FileStamp | undefined {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return ABSENT;
    return st.isFile() && st.mtimeMs < now - SETTLED_MS ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** A file's stamp now, for comparing with a recorded one; none when it cannot be stat'ed. */
export function currentStamp(path: string): FileStamp | undefined {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return ABSENT;
    return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** A read the analysis made: the hash of what it gave, and the file's stamp when it vouches for it. */
export interface RecordedRead {
  hash: string;
  stamp?: FileStamp;
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
 * the engine) and of the vendored libraries' manifest, so a rebuilt engine never reads a cache an older one wrote.
 */
export function engineIdentity(): string {
  if (identityMemo === undefined) {
    let build = 'unknown-build';
    try {
      build = createHash('sha256').update(readFileSync(__filename)).digest('base64');
    } catch {
      // no readable bundle: the version alone
    }
    try {
      // The libraries a bundle loads on first use (the parser, TypeScript, the tokenizer's ranks) are files of their own.
      build += ':' + createHash('sha256').update(readFileSync(join(dirname(__filename), 'vendor', 'manifest.json'))).digest('base64');
    } catch {
      // not bundled (the tests run the compiled sources): the libraries come from node_modules
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
 * The kept result, when the cache file holds one for `key` and every file it read is as it was: its
 * stamp the same (`stamp` gives it now, undefined when it has none), else its hash the same (`current`
 * reads a path as the analysis would, returning readHash of it). Null otherwise.
 */
export function loadCachedResult(
  location: string,
  key: string,
  current: (path: string) => string,
  stamp: (path: string) => FileStamp | undefined = () => undefined,
): AnalysisResult | null {
  let data: CacheFile;
  try {
    data = JSON.parse(readFileSync(location, 'utf8')) as CacheFile;
  } catch {
    return null; // none yet, or unreadable: the audit runs
  }
  if (!data || data.format !== FORMAT || data.key !== key || !Array.isArray(data.reads) || !data.result) return null;
  for (const [path, hash, size, mtimeMs] of data.reads) {
    if (size !== undefined) {
      const now = stamp(path);
      if (now && now.size === size && now.mtimeMs === mtimeMs) continue;
    }
    if (current(path) !== hash) return null;
  }
  return data.result;
}

/** Keeps a result for the next audit; written whole (a temporary file renamed), so a reader never sees half of it. False when it could not be written. */
export function saveCachedResult(location: string, key: string, reads: ReadonlyMap<string, RecordedRead>, result: AnalysisResult): boolean {
  const data: CacheFile = {
    format: FORMAT,
    key,
    reads: [...reads].map(([path, { hash, stamp }]) => (stamp ? [path, hash, stamp.size, stamp.mtimeMs] : [path, hash])),
    result,
  };
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
