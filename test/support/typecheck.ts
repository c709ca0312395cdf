// Type-checking generated and rewritten programs in tests: the settings of @tsconfig/strictest beyond
// --strict (a project may use them), the diagnostics of a set of files, and a file transpiled to run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..', '..');

/** @tsconfig/strictest's settings beyond --strict. */
export const STRICTEST: ts.CompilerOptions = {
  exactOptionalPropertyTypes: true, noFallthroughCasesInSwitch: true, noImplicitOverride: true, noImplicitReturns: true,
  noPropertyAccessFromIndexSignature: true, noUncheckedIndexedAccess: true, noUnusedLocals: true, noUnusedParameters: true,
  allowUnreachableCode: false,
};

/** Type errors of the files under --strict and `extra`, as a CommonJS Node project without DOM types compiles them ('dir/file:line message'). */
export function typeErrors(files: string[], extra: ts.CompilerOptions = {}): string[] {
  const program = ts.createProgram(files, {
    noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true, skipLibCheck: true, types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')], ...extra,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.split('/').slice(-2).join('/')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/** `from` transpiled to CommonJS JavaScript at `to`. */
export function transpile(from: string, to: string): void {
  const { outputText } = ts.transpileModule(readFileSync(from, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  writeFileSync(to, outputText);
}
