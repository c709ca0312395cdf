// The helper module's text for the project's SDK, in the language and module system the project uses.
import { typescript } from '../heavy';
import { AI_SDK_BATCH_HELPER_TS, ANTHROPIC_BATCH_HELPER_TS, BATCH_QUEUE_HELPER_TS, GEMINI_BATCH_HELPER_TS, OPENAI_BATCH_HELPER_TS } from './templates.generated';
import { HelperVariant, newestVariant, RewriteProvider } from './sdkVersion';

/** The helper modules the Quick Fix writes: a provider's batch helper, the batch queue, and the AI SDK's bridge to a provider's helper. */
export type HelperModuleKind = RewriteProvider | 'queue' | AiSdkHelperKind;
export type AiSdkHelperKind = 'ai-sdk-openai' | 'ai-sdk-anthropic';

export function helperModuleFor(helperPath: string, moduleKind: 'cjs' | 'esm', kind: HelperModuleKind = 'openai', variant?: HelperVariant, siblingExtension = ''): string {
  const source =
    kind === 'queue'
      ? BATCH_QUEUE_HELPER_TS
      : kind === 'ai-sdk-openai' || kind === 'ai-sdk-anthropic'
        ? aiSdkHelperSource(kind === 'ai-sdk-openai' ? 'openai' : 'anthropic', siblingExtension)
        : renderTemplate(kind === 'anthropic' ? ANTHROPIC_BATCH_HELPER_TS : kind === 'google' ? GEMINI_BATCH_HELPER_TS : OPENAI_BATCH_HELPER_TS, variant ?? newestVariant(kind));
  if (/\.[cm]?ts$/.test(helperPath)) return source;
  const esm = moduleKind === 'esm' || /\.mjs$/.test(helperPath);
  const { transpileModule, ModuleKind, ScriptTarget } = typescript();
  const { outputText } = transpileModule(source, {
    compilerOptions: { module: esm ? ModuleKind.ESNext : ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true, removeComments: false },
  });
  return outputText;
}

/**
 * The AI SDK bridge for one provider: it imports that provider's batch helper beside it, by the
 * extension the project's imports need (`siblingExtension`, '' or '.js', '.mjs').
 */
function aiSdkHelperSource(provider: Exclude<RewriteProvider, 'google'>, siblingExtension: string): string {
  const text = renderTemplate(AI_SDK_BATCH_HELPER_TS, { features: new Set([provider]), fits: '' });
  const sibling = provider === 'openai' ? 'openaiBatch' : 'anthropicBatch';
  return text.replaceAll(`from './${sibling}';`, `from './${sibling}${siblingExtension}';`).replaceAll('@sdk-provider', provider === 'openai' ? 'OpenAI' : 'Anthropic');
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
export function renderTemplate(template: string, variant: { features: ReadonlySet<string>; fits: string }): string {
  const has = (feature: string) => variant.features.has(feature);
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
