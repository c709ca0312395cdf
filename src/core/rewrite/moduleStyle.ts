// How the project around a file loads modules: what decides whether an import of the helper needs a
// file extension, and whether a `.js` file may use top-level await. Read through a function the caller
// passes in (the engine itself touches no file system).
import { parseConfigFileTextToJson } from 'typescript';

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
  let ts: { module?: string; moduleResolution?: string } | undefined;
  for (let n = dirs.length; n >= 0 && (packageType === undefined || ts === undefined); n--) {
    const dir = dirs.slice(0, n).join('/');
    const at = (name: string) => (dir ? `${dir}/${name}` : name);
    if (packageType === undefined) {
      const pkg = parseJson(read(at('package.json')));
      if (pkg) packageType = pkg.type === 'module' ? 'module' : 'commonjs';
    }
    if (ts === undefined) ts = tsOptions(at('tsconfig.json'), read, 0);
  }
  return { packageType: packageType ?? 'commonjs', tsModule: ts?.module, tsModuleResolution: ts?.moduleResolution };
}

function tsOptions(path: string, read: (path: string) => string | undefined, depth: number): { module?: string; moduleResolution?: string } | undefined {
  const text = read(path);
  if (text === undefined) return undefined;
  const { config } = parseConfigFileTextToJson(path, text);
  const own = (config?.compilerOptions ?? {}) as Record<string, unknown>;
  const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined);
  let inherited: { module?: string; moduleResolution?: string } | undefined;
  const base = typeof config?.extends === 'string' ? config.extends : undefined;
  if (base && base.startsWith('.') && depth < 4) {
    const dir = path.split('/').slice(0, -1);
    for (const part of base.split('/')) {
      if (part === '..') dir.pop();
      else if (part !== '.') dir.push(part);
    }
    const target = dir.join('/');
    inherited = tsOptions(target.endsWith('.json') ? target : `${target}.json`, read, depth + 1);
  }
  return { module: lower(own.module) ?? inherited?.module, moduleResolution: lower(own.moduleResolution) ?? inherited?.moduleResolution };
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

/** The nearest tsconfig.json above a file (following relative `extends`), as far as placing a helper goes. */
export function tsProjectFor(file: string, read: (path: string) => string | undefined): TsProject | undefined {
  const dirs = file.split('/').slice(0, -1);
  for (let n = dirs.length; n >= 0; n--) {
    const dir = dirs.slice(0, n).join('/');
    const path = dir ? `${dir}/tsconfig.json` : 'tsconfig.json';
    const layout = tsLayout(path, read, 0);
    if (!layout) continue;
    const configDir = dir;
    const include = layout.include ?? (layout.files ? [] : [{ base: configDir, pattern: '**/*' }]);
    return {
      configPath: path,
      rootDir: layout.rootDir,
      emitsLayout: layout.emits && !layout.noEmit,
      include: include.map((p) => joinPath(p.base, p.pattern)),
      files: (layout.files ?? []).map((p) => joinPath(p.base, p.pattern)),
      exclude: [...(layout.exclude ?? []).map((p) => joinPath(p.base, p.pattern)), ...(layout.outDir ? [layout.outDir] : []), joinPath(configDir, 'node_modules')],
      allowJs: layout.allowJs ?? false,
    };
  }
  return undefined;
}

interface Layout {
  rootDir?: string;
  outDir?: string;
  emits: boolean;
  noEmit?: boolean;
  allowJs?: boolean;
  /** Each pattern with the folder it is relative to (the config that names it). */
  include?: { base: string; pattern: string }[];
  files?: { base: string; pattern: string }[];
  exclude?: { base: string; pattern: string }[];
}

function tsLayout(path: string, read: (path: string) => string | undefined, depth: number): Layout | undefined {
  const text = read(path);
  if (text === undefined) return undefined;
  const { config } = parseConfigFileTextToJson(path, text);
  const dir = path.split('/').slice(0, -1).join('/');
  const own = (config?.compilerOptions ?? {}) as Record<string, unknown>;
  const base = typeof config?.extends === 'string' && config.extends.startsWith('.') && depth < 4 ? tsLayout(resolveExtends(path, config.extends), read, depth + 1) : undefined;
  const str = (v: unknown) => (typeof v === 'string' ? joinPath(dir, v) : undefined);
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((pattern) => ({ base: dir, pattern })) : undefined);
  const outDir = str(own.outDir) ?? base?.outDir;
  return {
    rootDir: str(own.rootDir) ?? base?.rootDir,
    outDir,
    emits: Boolean(outDir || own.outFile || own.declarationDir) || (base?.emits ?? false),
    noEmit: typeof own.noEmit === 'boolean' ? own.noEmit : base?.noEmit,
    allowJs: typeof own.allowJs === 'boolean' ? own.allowJs : base?.allowJs,
    include: list(config?.include) ?? base?.include,
    files: list(config?.files) ?? base?.files,
    exclude: list(config?.exclude) ?? base?.exclude,
  };
}

function resolveExtends(from: string, target: string): string {
  const resolved = joinPath(from.split('/').slice(0, -1).join('/'), target);
  return resolved.endsWith('.json') ? resolved : `${resolved}.json`;
}

/** `dir` + a relative path, '/'-separated, `.` and `..` resolved ('' is the workspace root). */
export function joinPath(dir: string, rel: string): string {
  const out = rel.startsWith('/') ? [] : dir.split('/').filter(Boolean);
  for (const part of rel.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
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
