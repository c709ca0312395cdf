// Runs the integration suite in desktop VS Code through @vscode/test-electron, which downloads VS Code
// (into .vscode-test/, or $BATCHWISE_VSCODE_CACHE) — for machines that can reach its download servers.
// The same suite entry and environment as the offline code-server runner (suiteEntry.ts).
//
//   npm run test:electron                               # VS Code 1.96.0, the oldest engines.vscode allows
//   BATCHWISE_VSCODE_VERSION=stable npm run test:electron
//   BATCHWISE_VSCODE_EXECUTABLE=/path/to/code npm run test:electron   # an installed VS Code, no download
//
// Where VS Code cannot be downloaded it stops at once with exit code 2 and says so, instead of waiting on
// the network: the download host is looked up first.
import { lookup } from 'node:dns/promises';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TestOptions } from '@vscode/test-electron/out/runTest';
import { DEFAULT_RESULT, prepareRun, ROOT, SUITE_ENTRY, suiteEnv } from './suiteEntry';

/** The oldest VS Code the extension supports (package.json engines.vscode): tested unless another is asked for. */
export const DEFAULT_VERSION = '1.96.0';
/** Where @vscode/test-electron downloads VS Code from (its update service). */
export const DOWNLOAD_HOST = 'update.code.visualstudio.com';
/** Exit code when VS Code cannot be had: not a test failure. */
export const UNAVAILABLE = 2;

/** The options the suite runs with: the same entry and environment as code-server's run. */
export function electronOptions(run: { workspace: string; userData: string; extensionsDir: string }, resultFile: string, env: NodeJS.ProcessEnv = process.env): TestOptions {
  return {
    version: env.BATCHWISE_VSCODE_VERSION || DEFAULT_VERSION,
    vscodeExecutablePath: env.BATCHWISE_VSCODE_EXECUTABLE || undefined,
    cachePath: resolve(env.BATCHWISE_VSCODE_CACHE ?? join(ROOT, '.vscode-test')),
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: SUITE_ENTRY,
    extensionTestsEnv: suiteEnv(resultFile),
    launchArgs: [run.workspace, '--user-data-dir', run.userData, '--extensions-dir', run.extensionsDir, '--disable-workspace-trust', '--disable-telemetry', '--skip-welcome', '--skip-release-notes'],
  };
}

/** Null when VS Code can be downloaded (its host resolves), else why not. */
export async function downloadProblem(host: string, timeoutMs = 5000): Promise<string | null> {
  const timeout = new Promise<string>((res) => setTimeout(() => res(`no answer within ${timeoutMs / 1000} s`), timeoutMs).unref());
  const answer = lookup(host).then(
    () => null,
    (err: NodeJS.ErrnoException) => err.code ?? err.message,
  );
  const problem = await Promise.race([answer, timeout]);
  return problem === null ? null : `${host} cannot be reached (${problem})`;
}

async function main(): Promise<number> {
  const { values: args } = parseArgs({ options: { result: { type: 'string', default: DEFAULT_RESULT }, workspace: { type: 'string' } } });
  const resultFile = resolve(args.result!);
  rmSync(resultFile, { force: true });
  mkdirSync(resolve(resultFile, '..'), { recursive: true });
  if (!existsSync(SUITE_ENTRY)) {
    console.error(`runElectron: ${SUITE_ENTRY} is missing; compile the tests first (npx tsc -p tsconfig.test.json)`);
    return 1;
  }
  if (!process.env.BATCHWISE_VSCODE_EXECUTABLE) {
    const problem = await downloadProblem(process.env.BATCHWISE_VSCODE_DOWNLOAD_HOST || DOWNLOAD_HOST);
    if (problem) {
      console.error(
        `runElectron: VS Code cannot be downloaded here: ${problem}.\n` +
          `Run the suite offline in code-server instead (npm test, or node out/test/integration/runVSCode.js), ` +
          `or point BATCHWISE_VSCODE_EXECUTABLE at an installed VS Code.`,
      );
      return UNAVAILABLE;
    }
  }
  const run = prepareRun(args.workspace);
  try {
    const { runTests } = await import('@vscode/test-electron');
    const code = await runTests(electronOptions({ ...run, extensionsDir: join(run.runDir, 'extensions') }, resultFile));
    if (existsSync(resultFile)) {
      const { passes, failures } = JSON.parse(readFileSync(resultFile, 'utf8')) as { passes: number; failures: number };
      console.log(`integration (VS Code ${process.env.BATCHWISE_VSCODE_VERSION || DEFAULT_VERSION}): ${passes} passed, ${failures} failed`);
    }
    return code === 0 ? 0 : 1;
  } finally {
    rmSync(run.runDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`runElectron: ${(err as Error).stack ?? err}`);
      process.exit(1);
    },
  );
}
