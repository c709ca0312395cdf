// Lists the JS/TS files of a folder, honouring .gitignore and the usual build/vendor folders,
// and reads them as text with size and encoding checks. The only file-system access of the engine.
import fg from 'fast-glob';
import ignore, { Ignore } from 'ignore';
import { readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isSourceFile, looksBinary, MAX_SOURCE_BYTES } from '../core/parse/parse';

export const DEFAULT_EXCLUDES = ['**/node_modules/**', '**/dist/**', '**/build/**', '**/out/**', '**/.next/**', '**/coverage/**', '**/.git/**', '**/.vscode-test/**'];

/** Files the engine must never read: secrets stay private even if a glob would match them. */
export const NEVER_READ = /(^|\/)\.env(\..*)?$|\.(pem|key|p12|pfx)$/i;

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function loadGitignore(root: string): Ignore {
  const ig = ignore();
  try {
    ig.add(readFileSync(join(root, '.gitignore'), 'utf8'));
  } catch {
    // no .gitignore: nothing extra to skip
  }
  return ig;
}

/**
 * Whether a relative path is one the engine analyses: a source file, not a secret, not ignored by the
 * folder's .gitignore or by `extraIgnores`, not under a build or vendor folder. Files open in an editor
 * go through the same test, so an ignored file gets no findings there either.
 */
export function sourceFileFilter(root: string, extraIgnores: string[] = []): (rel: string) => boolean {
  const ig = loadGitignore(root).add(extraIgnores);
  const excluded = ignore().add(DEFAULT_EXCLUDES.map((g) => g.replace(/^\*\*\//, '').replace(/\/\*\*$/, '/')));
  return (rel) => isSourceFile(rel) && !NEVER_READ.test(rel) && !ig.ignores(rel) && !excluded.ignores(rel);
}

export function listSourceFiles(root: string, extraIgnores: string[] = []): string[] {
  const wanted = sourceFileFilter(root, extraIgnores);
  // Hidden folders are skipped, except Remix / React Router's server-only and client-only module folders (`app/lib/.server/llm.ts`).
  const entries = fg.sync(['**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}', '**/.server/**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}', '**/.client/**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}'], {
    cwd: root,
    ignore: DEFAULT_EXCLUDES,
    dot: false,
    onlyFiles: true,
    followSymbolicLinks: false,
    suppressErrors: true,
  });
  return entries
    .map(toPosix)
    .filter(wanted)
    .sort();
}

/** Context files the classifier reads besides sources: scheduled CI workflows, promptfoo configs, Supabase migrations (pg_cron jobs). */
export function listConfigFiles(root: string): string[] {
  return fg
    .sync(['.github/workflows/*.{yml,yaml}', '**/promptfooconfig.{yml,yaml}', '**/supabase/migrations/*.sql', '**/cdk.json', '**/langgraph.json'], {
      cwd: root,
      dot: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      suppressErrors: true,
      ignore: DEFAULT_EXCLUDES,
    })
    .map(toPosix)
    .sort();
}

export type ReadOutcome = { ok: true; text: string } | { ok: false; message: string };

/** Reads a source file as UTF-8 text; refuses what is not worth parsing, with the reason. */
export function readSourceFile(absPath: string): ReadOutcome {
  if (NEVER_READ.test(toPosix(absPath))) return { ok: false, message: 'not read: secrets files are never read' };
  let size: number;
  try {
    size = statSync(absPath).size;
  } catch (err) {
    return { ok: false, message: `could not be read: ${(err as Error).message}` };
  }
  if (size > MAX_SOURCE_BYTES) return { ok: false, message: `skipped: ${(size / 1e6).toFixed(1)} MB is too large to be hand-written source` };
  let buf: Buffer;
  try {
    buf = readFileSync(absPath);
  } catch (err) {
    return { ok: false, message: `could not be read: ${(err as Error).message}` };
  }
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    return { ok: true, text: new TextDecoder(buf[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(buf) };
  }
  if (looksBinary(buf)) return { ok: false, message: 'skipped: the file looks binary (it contains NUL bytes)' };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return { ok: true, text: decoder.decode(buf) };
  } catch {
    // Not UTF-8: read it as Latin-1 so offsets stay stable; string literals may look odd, code does not.
    return { ok: true, text: new TextDecoder('latin1').decode(buf) };
  }
}

export function relativePosix(root: string, abs: string): string {
  return toPosix(relative(root, abs));
}
