// Module resolution's readings of configuration: tsconfig/jsconfig paths, workspace packages (package.json
// workspaces, pnpm-workspace.yaml) and package.json exports, for ProjectIndex.resolveImport.

export interface PathAlias {
  pattern: string;
  targets: string[];
}

export interface ModuleConfig {
  /** Project path of `baseUrl`, or null when no config in the chain sets it. */
  baseUrl: string | null;
  aliases: PathAlias[];
  /** The folder `paths` resolve against when there is no `baseUrl`: the config that declared them. */
  pathsBase: string;
  /** The `paths` object as written, kept so a config that extends this one can re-root it. */
  aliasSource?: Record<string, unknown>;
}

export const NO_CONFIG: ModuleConfig = { baseUrl: null, aliases: [], pathsBase: '' };

export interface WorkspacePackage {
  name: string;
  dir: string;
  /** `source`, `types`, `module`, `main`, in that order: source first, since build output is not in the workspace. */
  entries: string[];
  exports: unknown;
}

/** Why a package.json cannot be read for its scripts and bin entries, or null. */
export function packageJsonProblem(text: string): string | null {
  const lost = 'its scripts and bin entries are not read, so calls they start lose that evidence';
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? null : `not a JSON object: ${lost}`;
  } catch (err) {
    return `not valid JSON (${(err as Error).message}): ${lost}`;
  }
}

/** The workspace globs of a root package.json (`workspaces: [...]` or `{ packages: [...] }`) or pnpm-workspace.yaml. */
export function workspaceGlobs(pkgText: string | undefined, pnpmText: string | undefined): string[] {
  const out: string[] = [];
  if (pkgText) {
    try {
      const ws = (JSON.parse(pkgText) as { workspaces?: unknown }).workspaces;
      const list = Array.isArray(ws) ? ws : ws && typeof ws === 'object' ? (ws as { packages?: unknown }).packages : null;
      if (Array.isArray(list)) out.push(...list.filter((g): g is string => typeof g === 'string'));
    } catch {
      // an unreadable package.json names no workspaces
    }
  }
  if (pnpmText) {
    // Only the `packages:` list matters; a YAML parser is not needed for a list of quoted globs.
    let inPackages = false;
    for (const line of pnpmText.split(/\r?\n/)) {
      if (/^packages\s*:/.test(line)) inPackages = true;
      else if (/^\S/.test(line)) inPackages = false;
      else if (inPackages) {
        const m = /^\s*-\s*['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line);
        if (m) out.push(m[1]);
      }
    }
  }
  return out.map((g) => g.replace(/^\.\//, '').replace(/\/$/, ''));
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** What a package.json `exports` maps a subpath to, source-like conditions first. */
export function exportTargets(exports: unknown, sub: string): string[] {
  if (exports === undefined || exports === null) return [];
  if (typeof exports === 'string') return sub === '.' ? [exports] : [];
  if (Array.isArray(exports)) return exports.flatMap((e) => exportTargets(e, sub));
  if (typeof exports !== 'object') return [];
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.some((k) => k.startsWith('.'))) {
    if (map[sub] !== undefined) return conditionTargets(map[sub]);
    for (const k of keys) {
      const star = k.indexOf('*');
      if (star < 0 || !sub.startsWith(k.slice(0, star)) || !sub.endsWith(k.slice(star + 1))) continue;
      const rest = sub.slice(star, sub.length - (k.length - star - 1));
      return conditionTargets(map[k]).map((t) => t.replace('*', rest));
    }
    return [];
  }
  return sub === '.' ? conditionTargets(map) : [];
}

export function conditionTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(conditionTargets);
  if (!value || typeof value !== 'object') return [];
  const map = value as Record<string, unknown>;
  const order = ['source', 'types', 'import', 'module', 'require', 'node', 'default'];
  const keys = [...order.filter((k) => k in map), ...Object.keys(map).filter((k) => !order.includes(k))];
  return keys.flatMap((k) => conditionTargets(map[k]));
}
