// The SDK releases the generated helpers are checked against: the oldest each helper supports and the
// latest release of every supported major. Installed from the npm registry into a cache folder outside
// node_modules (.sdk-matrix/, or $BATCHWISE_SDK_CACHE), one folder per release, reused once complete.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { RewriteProvider as Provider } from '../../src/core/rewrite/sdkVersion';
import { SDK_PACKAGE } from '../../src/core/rewrite/sdkVersion';

export interface MatrixEntry {
  provider: Provider;
  version: string;
  /** Why this release is in the matrix. */
  why: string;
}

export const SDK_MATRIX: MatrixEntry[] = [
  { provider: 'openai', version: '4.38.0', why: 'the oldest the helper supports (batches.list)' },
  { provider: 'openai', version: '4.104.0', why: 'the latest 4.x' },
  { provider: 'openai', version: '5.23.2', why: 'the latest 5.x' },
  { provider: 'openai', version: '6.49.0', why: 'the latest 6.x' },
  { provider: 'openai', version: '7.59.0', why: 'the latest 7.x' },
  { provider: 'anthropic', version: '0.29.0', why: 'the oldest with Message Batches (beta namespace)' },
  { provider: 'anthropic', version: '0.39.0', why: 'the latest 0.3x (generally available namespace)' },
  { provider: 'anthropic', version: '0.59.0', why: 'the latest 0.5x' },
  { provider: 'anthropic', version: '0.79.0', why: 'the latest 0.7x' },
  { provider: 'anthropic', version: '1.16.0', why: 'the latest 1.x' },
];

/**
 * The @google/genai releases the Gemini helper is checked against (test/unit/rewrite/geminiSdkMatrix.test.ts).
 * 3.x needs Node 22 (its `engines`), so it is not run here, on Node 20.
 */
export const GEMINI_SDK_MATRIX: MatrixEntry[] = [
  { provider: 'google', version: '1.39.0', why: 'the oldest the helper supports (answers give back their metadata)' },
  { provider: 'google', version: '1.41.0', why: 'the first with retryOptions' },
  { provider: 'google', version: '1.52.0', why: 'the latest 1.x' },
  { provider: 'google', version: '2.30.0', why: 'the latest 2.x, the last for Node 20' },
];

/**
 * The @mistralai/mistralai releases the Mistral helper is checked against (test/unit/rewrite/mistralSdkMatrix.test.ts).
 * 1.x is CommonJS; 2.x is an ES module, which the CommonJS program loads with require() (Node 20.19 and later).
 */
export const MISTRAL_SDK_MATRIX: MatrixEntry[] = [
  { provider: 'mistral', version: '1.10.0', why: 'the oldest the helper supports (typed schemas, SDKError from request, response and body)' },
  { provider: 'mistral', version: '1.15.1', why: 'the latest 1.x' },
  { provider: 'mistral', version: '2.7.0', why: 'the latest 2.x' },
];

const ROOT = resolve(__dirname, '..', '..', '..');

export function sdkCacheDir(): string {
  return resolve(process.env.BATCHWISE_SDK_CACHE ?? join(ROOT, '.sdk-matrix'));
}

/** The folder an entry is installed in (its node_modules holds the SDK and its dependencies). */
export function sdkDir(entry: MatrixEntry): string {
  return join(sdkCacheDir(), `${SDK_PACKAGE[entry.provider].replace('/', '+')}@${entry.version}`);
}

/** The environment for a nested npm: without the npm_* variables of an outer `npm test`, which it would take as its own config. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD') env[k] = v;
  return env;
}

/** Installs an entry unless a complete install is there; a half-finished one (no marker) is started over. */
export async function ensureSdk(entry: MatrixEntry): Promise<string> {
  return ensurePackages(sdkDir(entry), [`${SDK_PACKAGE[entry.provider]}@${entry.version}`]);
}

/** Installs pinned packages (`name@version`) into `dir` unless a complete install is there; a half-finished one (no marker) is started over. */
export async function ensurePackages(dir: string, specs: string[]): Promise<string> {
  const marker = join(dir, '.installed');
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  try {
    await promisify(execFile)('npm', ['install', '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: dir, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`installing ${specs.join(' ')} into ${dir} failed: ${e.message}\n${e.stderr ?? ''}`);
  }
  writeFileSync(marker, `${specs.join('\n')}\n`);
  return dir;
}

/** Installs every entry, a few at a time (the machine is shared); resolves with each entry's folder. */
export async function ensureMatrix(entries: MatrixEntry[] = SDK_MATRIX, parallel = 3): Promise<Map<MatrixEntry, string>> {
  mkdirSync(sdkCacheDir(), { recursive: true });
  const dirs = new Map<MatrixEntry, string>();
  const queue = [...entries];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) dirs.set(entry, await ensureSdk(entry));
    }),
  );
  return dirs;
}
