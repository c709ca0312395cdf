// How the project around a file loads modules: what decides whether an import of the helper needs a
// file extension, and whether a `.js` file may use top-level await. Read through a function the caller
// passes in (the engine itself touches no file system).
import type * as ts from 'typescript';
import { typescript } from '../heavy';
import { joinPath } from '../project';

export { joinPath };

export interface ModuleStyle {
  /** The nearest package.json's "type" ('commonjs' when absent, as Node reads it). */
  packageType: 'module' | 'commonjs';
  /** compilerOptions.module and .moduleResolution of the nearest tsconfig.json (following relative `extends`), lower-cased. */
  tsModule?: string;
  tsModuleResolution?: string;
}

/** `read` takes a path relative to the workspace root ('/' separators) and returns undefined when there is no such file. */
export function moduleStyleFor(file: string, read: (path: string) => string | undefined): ModuleStyle {
  const dirs = file.split('/').slice(0, -1);
  let packageType: ModuleStyle['packageType'] | undefined;
  let tsSettings: { module?: string; moduleResolution?: string } | undefined;
  for (let n = dirs.length; n >= 0 && (packageType === undefined || tsSettings === undefined); n--) {
    const dir = dirs.slice(0, n).join('/');
    const at = (name: string) => (dir ? `${dir}/${name}` : name);
    if (packageType === undefined) {
      const pkg = parseJson(read(at('package.json')));
      if (pkg) packageType = pkg.type === 'module' ? 'module' : 'commonjs';
    }
    if (tsSettings === undefined) tsSettings = tsOptions(at('tsconfig.json'), read);
  }
  return { packageType: packageType ?? 'commonjs', tsModule: tsSettings?.module, tsModuleResolution: tsSettings?.moduleResolution };
}

function tsOptions(path: string, read: (path: string) => string | undefined): { module?: string; moduleResolution?: string } | undefined {
  const parsed = readableTsconfig(path, read);
  if (!parsed) return undefined;
  const { module, moduleResolution } = parsed.options;
  return {
    module: module === undefined ? undefined : typescript().ModuleKind[module]?.toLowerCase(),
    moduleResolution: moduleResolution === undefined ? undefined : typescript().ModuleResolutionKind[moduleResolution]?.toLowerCase(),
  };
}

/** What TypeScript itself reads from a tsconfig.json, `extends` followed (relative, arrays, packages): its options, and its include, exclude and files as workspace paths. */
interface ParsedTsconfig {
  options: ts.CompilerOptions;
  include: string[];
  exclude: string[];
  files: string[];
}

/**
 * Parses a tsconfig.json with TypeScript's own config parser, over the workspace as `read` shows it
 * (paths are given to TypeScript under a virtual root '/'). Only JSON files are read through it.
 */
function parsedTsconfig(path: string, read: (path: string) => string | undefined): ParsedTsconfig | undefined {
  const text = read(path);
  if (text === undefined) return undefined;
  const { config } = typescript().parseConfigFileTextToJson(path, text);
  const rel = (p: string) => p.replace(/^\/+/, '');
  const readJson = (p: string) => (/\.json$/i.test(p) ? read(rel(p)) : undefined);
  let include: string[] = [];
  let exclude: string[] = [];
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: true,
    fileExists: (p) => readJson(p) !== undefined,
    readFile: readJson,
    // TypeScript hands the merged include and exclude specs (defaults and outDir included) to the host that lists files.
    readDirectory: (root, _extensions, excludes, includes) => {
      const spec = (s: string) => (s.startsWith('/') ? rel(s) : joinPath(rel(root), s));
      include = (includes ?? []).map(spec);
      exclude = (excludes ?? []).map(spec);
      return [];
    },
  };
  const dir = path.split('/').slice(0, -1).join('/');
  const parsed = typescript().parseJsonConfigFileContent(config ?? {}, host, `/${dir}`, undefined, `/${path}`);
  return { options: parsed.options, include, exclude, files: parsed.fileNames.map(rel) };
}

/** parsedTsconfig, or undefined for a file TypeScript's parser cannot get through (nested deeper than its stack): tsc could not read it either. */
function readableTsconfig(path: string, read: (path: string) => string | undefined): ParsedTsconfig | undefined {
  try {
    return parsedTsconfig(path, read);
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What decides where a helper may go in a TypeScript project: the nearest tsconfig.json's layout. */
export interface TsProject {
  /** The tsconfig.json itself, relative to the workspace root. */
  configPath: string;
  /** compilerOptions.rootDir, relative to the workspace root ('' is the root). */
  rootDir?: string;
  /** Whether tsc writes output whose layout follows the sources' common folder (outDir, outFile or declarationDir, without noEmit). */
  emitsLayout: boolean;
  /** include patterns and files, relative to the workspace root (include defaults to everything when neither is given). */
  include: string[];
  files: string[];
  exclude: string[];
  allowJs: boolean;
}

/** The nearest tsconfig.json above a file (with what it extends), as far as placing a helper goes. */
export function tsProjectFor(file: string, read: (path: string) => string | undefined): TsProject | undefined {
  const dirs = file.split('/').slice(0, -1);
  for (let n = dirs.length; n >= 0; n--) {
    const dir = dirs.slice(0, n).join('/');
    const path = dir ? `${dir}/tsconfig.json` : 'tsconfig.json';
    const parsed = readableTsconfig(path, read);
    if (!parsed && read(path) !== undefined) return undefined; // there, but not readable: no layout to go by
    if (!parsed) continue;
    const { options } = parsed;
    const at = (p: string | undefined) => (p === undefined ? undefined : p.replace(/^\/+/, ''));
    return {
      configPath: path,
      rootDir: at(options.rootDir),
      emitsLayout: Boolean(options.outDir || options.outFile || options.declarationDir) && !options.noEmit,
      include: parsed.include,
      files: parsed.files,
      exclude: parsed.exclude,
      allowJs: options.allowJs ?? false,
    };
  }
  return undefined;
}

const NODE_ESM_RESOLUTION = new Set(['node16', 'nodenext']);

/** Whether a TypeScript file compiles to an ES module Node loads as such (so relative imports need '.js'). */
export function tsFileIsNodeEsm(file: string, style: ModuleStyle | undefined): boolean {
  if (!style) return false;
  const resolution = style.tsModuleResolution ?? (style.tsModule && ['node16', 'node18', 'nodenext'].includes(style.tsModule) ? 'nodenext' : undefined);
  if (!resolution || !NODE_ESM_RESOLUTION.has(resolution)) return false;
  if (/\.mts$/.test(file)) return true;
  if (/\.cts$/.test(file)) return false;
  return style.packageType === 'module';
}

/** Whether a JavaScript file is an ES module by Node's rules (the extension, else the package's "type"). */
export function jsFileIsEsm(file: string, style: ModuleStyle | undefined): boolean | null {
  if (/\.mjs$/.test(file)) return true;
  if (/\.cjs$/.test(file)) return false;
  if (!/\.jsx?$/.test(file) || !style) return null;
  return style.packageType === 'module';
}

/** Whether a TypeScript file in this project may use top-level await (it compiles to an ES module). */
export function tsAllowsTopLevelAwait(file: string, style: ModuleStyle | undefined): boolean {
  if (/\.mts$/.test(file)) return true;
  if (!style || /\.cts$/.test(file)) return false;
  const esmOutput = style.tsModule !== undefined && ['es2022', 'esnext', 'node16', 'node18', 'nodenext', 'preserve'].includes(style.tsModule);
  return esmOutput && style.packageType === 'module';
}
