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
