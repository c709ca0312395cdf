// The helper module's text in the language and module system the project uses.
import { transpileModule, ModuleKind, ScriptTarget } from 'typescript';
import { OPENAI_BATCH_HELPER_TS } from './templates.generated';

export function helperModuleFor(helperPath: string, moduleKind: 'cjs' | 'esm'): string {
  if (/\.[cm]?ts$/.test(helperPath)) return OPENAI_BATCH_HELPER_TS;
  const esm = moduleKind === 'esm' || /\.mjs$/.test(helperPath);
  const { outputText } = transpileModule(OPENAI_BATCH_HELPER_TS, {
    compilerOptions: { module: esm ? ModuleKind.ESNext : ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true, removeComments: false },
  });
  return outputText;
}
