// The helper module's text for the project's SDK, in the language and module system the project uses.
import { transpileModule, ModuleKind, ScriptTarget } from 'typescript';
import { ANTHROPIC_BATCH_HELPER_TS, BATCH_QUEUE_HELPER_TS, OPENAI_BATCH_HELPER_TS } from './templates.generated';
import { HelperFeature, HelperVariant, newestVariant, RewriteProvider } from './sdkVersion';

export function helperModuleFor(helperPath: string, moduleKind: 'cjs' | 'esm', kind: RewriteProvider | 'queue' = 'openai', variant?: HelperVariant): string {
  const source = kind === 'queue' ? BATCH_QUEUE_HELPER_TS : renderTemplate(kind === 'anthropic' ? ANTHROPIC_BATCH_HELPER_TS : OPENAI_BATCH_HELPER_TS, variant ?? newestVariant(kind));
  if (/\.[cm]?ts$/.test(helperPath)) return source;
  const esm = moduleKind === 'esm' || /\.mjs$/.test(helperPath);
  const { outputText } = transpileModule(source, {
    compilerOptions: { module: esm ? ModuleKind.ESNext : ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true, removeComments: false },
  });
  return outputText;
}

const LINE = /^(\s*)(.*?)\s*\/\/ @sdk !([\w-]+):(.*)$/;
const BLOCK_START = /^\s*\/\/ @sdk ([\w-]+) \{\s*$/;
const BLOCK_END = /^\s*\/\/ @sdk \}\s*$/;

/**
 * The template written for one SDK. The template is the newest SDK's code (so it type-checks with the
 * project); older SDKs differ at lines marked `code // @sdk !feature: other code` (the other code where
 * the SDK lacks the feature; nothing after the colon drops the line) and in blocks between
 * `// @sdk feature {` and `// @sdk }` (kept only where the SDK has it); `@sdk-fits` names the versions
 * the text fits. The marks never reach the user.
 */
export function renderTemplate(template: string, variant: HelperVariant): string {
  const has = (feature: string) => variant.features.has(feature as HelperFeature);
  const out: string[] = [];
  const skipping: boolean[] = [];
  for (const line of template.split('\n')) {
    const start = BLOCK_START.exec(line);
    if (start) {
      skipping.push(!has(start[1]));
      continue;
    }
    if (BLOCK_END.test(line)) {
      skipping.pop();
      continue;
    }
    if (skipping.includes(true)) continue;
    const alt = LINE.exec(line);
    if (!alt) {
      out.push(line);
      continue;
    }
    const [, indent, code, feature, replacement] = alt;
    if (has(feature)) out.push(indent + code);
    else if (replacement.trim()) out.push(indent + replacement.trim());
  }
  return out.join('\n').replaceAll('@sdk-fits', variant.fits);
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
