// The helper module's text in the language and module system the project uses.
import { transpileModule, ModuleKind, ScriptTarget } from 'typescript';
import { ANTHROPIC_BATCH_HELPER_TS, BATCH_QUEUE_HELPER_TS, OPENAI_BATCH_HELPER_TS } from './templates.generated';

export function helperModuleFor(helperPath: string, moduleKind: 'cjs' | 'esm', kind: 'openai' | 'anthropic' | 'queue' = 'openai'): string {
  const source = kind === 'anthropic' ? ANTHROPIC_BATCH_HELPER_TS : kind === 'queue' ? BATCH_QUEUE_HELPER_TS : OPENAI_BATCH_HELPER_TS;
  if (/\.[cm]?ts$/.test(helperPath)) return source;
  const esm = moduleKind === 'esm' || /\.mjs$/.test(helperPath);
  const { outputText } = transpileModule(source, {
    compilerOptions: { module: esm ? ModuleKind.ESNext : ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true, removeComments: false },
  });
  return outputText;
}

/**
 * Why a `helperPath` setting cannot be used, or null: it must be a plain relative path inside the
 * project root (letters, digits, `_ @ . / -`; no `..` segment, no leading `/`, no drive, no empty
 * segment), as the config schema's pattern says. Symbolic links are the workspace's check (they need
 * the disk).
 */
export function helperPathProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return 'is not a path';
  if (/^[/\\]|^[A-Za-z]:/.test(value)) return 'is an absolute path; it must be relative to the project root';
  if (value.split('/').includes('..')) return 'leads out of the project root (a `..` segment); it must stay inside it';
  if (!/^[A-Za-z0-9_@./-]+$/.test(value)) return 'may hold only letters, digits and _ @ . / - (no backslash, space or control character)';
  if (value.split('/').some((s) => s === '' || s === '.')) return 'has an empty or `.` segment';
  return null;
}
