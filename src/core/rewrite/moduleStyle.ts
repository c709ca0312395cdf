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
