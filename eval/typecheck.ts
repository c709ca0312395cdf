// Type-checks a rewrite the way the scorer applies it: the rewritten file and the helper modules the
// fix creates, laid over the real tree, compiled with real types and @types/node. The packages they
// import resolve where the scorer installed the project's versions of them (`homes`); a provider SDK the
// project has no version of resolves to Batchwise's own (openai, @anthropic-ai/sdk, @google/genai,
// @mistralai/mistralai); any other package is left unresolved (typed `any`), and its "cannot find
// module" errors are not counted.
//
// What counts is what the rewrite adds: the rewritten file is checked before and after, and an error
// counts when the rewritten text has more of it (same file, code and message) than the original had;
// every error in a created TypeScript helper module counts.
import ts from 'typescript';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { SDK_PACKAGE } from '../src/core/rewrite/sdkVersion';

/** Batchwise's own checkout, whose node_modules hold the SDKs the rewrite is checked against. */
const HOME = resolve(__dirname, '..', '..');
const SDKS: readonly string[] = Object.values(SDK_PACKAGE);
/** Cannot find module / its declarations / a Node builtin without types: bare imports left to `any` on purpose (a relative one that does not resolve still counts). */
const UNRESOLVED = new Set([2307, 2792, 7016, 2580, 2591]);

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  strict: true,
  allowJs: true,
  checkJs: true,
  jsx: ts.JsxEmit.Preserve,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
  resolveJsonModule: true,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
  typeRoots: [join(HOME, 'node_modules', '@types')],
};

export interface TypeCheckResult {
  /** Errors the rewrite adds, as `file:line TSnnnn message`. */
  added: string[];
  /** Errors of the rewritten file before the rewrite (not counted). */
  before: number;
}

/** The package an import names: `@scope/name` or `name`, without a subpath. */
export const packageOf = (name: string): string => name.split('/').slice(0, name.startsWith('@') ? 2 : 1).join('/');

/** Where a package is installed for the check: a folder whose node_modules has it. */
export type PackageHomes = ReadonlyMap<string, string>;

function diagnosticsOf(root: string, overlay: Map<string, string>, focus: string[], homes: PackageHomes, options: ts.CompilerOptions): ts.Diagnostic[] {
  const abs = new Map([...overlay].map(([p, text]) => [resolve(root, p), text]));
  const host = ts.createCompilerHost(options, true);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.fileExists = (f) => abs.has(resolve(f)) || fileExists(f);
  host.readFile = (f) => abs.get(resolve(f)) ?? readFile(f);
  // A created helper's folder may not exist on disk; resolution looks for the folder before the file.
  const dirs = new Set([...abs.keys()].flatMap((f) => ancestors(f)));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) => dirs.has(resolve(d)) || (directoryExists ? directoryExists(d) : ts.sys.directoryExists(d));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) => {
    const text = abs.get(resolve(f));
    return text !== undefined ? ts.createSourceFile(f, text, lang, true) : getSourceFile(f, lang, onError, create);
  };
  const installed = [HOME, ...homes.values()].map((h) => join(h, 'node_modules') + sep);
  host.resolveModuleNameLiterals = (literals, containingFile, _ref, options) =>
    literals.map((lit) => {
      const name = lit.text;
      // Inside the SDKs and @types: ordinary resolution.
      if (installed.some((i) => resolve(containingFile).startsWith(i))) return ts.resolveModuleName(name, containingFile, options, host);
      const pkg = packageOf(name);
      const home = homes.get(pkg) ?? (SDKS.includes(pkg) ? HOME : undefined);
      if (home) return ts.resolveModuleName(name, join(home, 'package.json'), options, host);
      // The tree's own files (relative imports) resolve in the tree; a package not installed for the check stays `any`.
      if (name.startsWith('.') || name.startsWith('/')) return ts.resolveModuleName(name, containingFile, options, host);
      return { resolvedModule: undefined };
    });
  const program = ts.createProgram({ rootNames: focus.map((f) => resolve(root, f)), options, host });
  const out: ts.Diagnostic[] = [];
  for (const f of focus) {
    const sf = program.getSourceFile(resolve(root, f));
    if (!sf) continue;
    out.push(...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf));
  }
  return out.filter((d) => d.category === ts.DiagnosticCategory.Error && !(UNRESOLVED.has(d.code) && !/'\.{1,2}\//.test(ts.flattenDiagnosticMessageText(d.messageText, ' '))));
}

function ancestors(file: string): string[] {
  const out: string[] = [];
  for (let d = dirname(file); d !== dirname(d); d = dirname(d)) out.push(d);
  return out;
}

function describe(root: string, d: ts.Diagnostic): { key: string; text: string } {
  const file = d.file ? relative(root, d.file.fileName) : '?';
  const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
  return { key: `${file} TS${d.code} ${message}`, text: `${file}:${line} TS${d.code} ${message}` };
}

/**
 * The errors a rewrite adds. `changed` maps each file the fix writes (relative to `root`) to its new
 * text; `created` names those among them that did not exist before (the helper modules).
 */
export function typeCheckRewrite(root: string, changed: Map<string, string>, created: Set<string>, homes: PackageHomes = new Map()): TypeCheckResult {
  const edited = [...changed.keys()].filter((f) => !created.has(f));
  // JavaScript is checked as a JavaScript project would check it (checkJs, not strict: its parameters are
  // `any` by nature), and only in the rewritten file: a created .js helper is the build of a TypeScript
  // template that Batchwise's own build type-checks, and without its annotations TypeScript cannot follow it.
  const js = edited.every((f) => /\.[cm]?jsx?$/.test(f));
  const options = js ? { ...OPTIONS, strict: false } : OPTIONS;
  const checked = js ? edited : [...changed.keys()];
  const before = new Map<string, number>();
  const original = diagnosticsOf(root, new Map(), edited, homes, options);
  for (const d of original) {
    const { key } = describe(root, d);
    before.set(key, (before.get(key) ?? 0) + 1);
  }
  const added: string[] = [];
  for (const d of diagnosticsOf(root, changed, checked, homes, options)) {
    const { key, text } = describe(root, d);
    const left = before.get(key) ?? 0;
    if (left > 0) before.set(key, left - 1);
    else added.push(text);
  }
  return { added, before: original.length };
}
