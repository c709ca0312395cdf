// Running the programs the rewrite tests write, against a fake provider: the provider helpers' tests
// (one provider's base-URL variable each) share these, so a fix to how a program is run lands once.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ts from 'typescript';

const runFile = promisify(execFile);

export interface ProgramRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` in `dir` with `env` added to this process's; a failure is its exit code and output, never a throw. */
export async function runNode(dir: string, args: string[], env: Record<string, string>, timeout = 60_000): Promise<ProgramRun> {
  try {
    const { stdout, stderr } = await runFile(process.execPath, args, { cwd: dir, env: { ...process.env, ...env }, timeout });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * A rewrite fixture's folder run as the project would run it: every .ts file transpiled to CommonJS
 * beside itself, then main.js, with the queue's wait short and the helpers' state kept in the folder.
 */
export function runRewritten(dir: string, env: Record<string, string>): Promise<ProgramRun> {
  for (const file of readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'))) {
    const js = ts.transpileModule(readFileSync(join(dir, file), 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    writeFileSync(join(dir, file.replace(/\.ts$/, '.js')), js);
  }
  return runNode(dir, ['main.js'], { BATCHWISE_POLL_MS: '1', BATCHWISE_QUEUE_MAX_WAIT_MS: '200', BATCHWISE_STATE_DIR: join(dir, '.batchwise'), ...env });
}

/** Type errors of rewritten programs, as a strict CommonJS project with moduleResolution node compiles them. */
export function rewrittenTypeErrors(mains: string[]): string[] {
  const program = ts.createProgram(mains, {
    noEmit: true, strict: true, noUnusedLocals: true, noUnusedParameters: true, noImplicitReturns: true,
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true, skipLibCheck: true, types: ['node'],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.split('/').slice(-3).join('/') ?? ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
