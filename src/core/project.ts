// A lazily parsed view of the project: parses a file the first time a stage asks for it,
// resolves relative imports against the known file list.
import { parseConfigFileTextToJson } from 'typescript';
import { parseSource, ParseResult, ParsedFile, TSESTree } from './parse/parse';
import { indexParents, Node } from './parse/walk';
import type { AnalysisError, ProjectSource } from './model';

/**
 * Another module of the project, by an import specifier of `fromFile` (relative, or a tsconfig `paths`
 * alias), parsed: how a fix follows an imported function to what it returns.
 */
export type ModuleLookup = (fromFile: string, specifier: string) => { file: string; text: string; ast: TSESTree.Program } | undefined;

export interface FileIndex {
  parsed: ParsedFile;
  parents: Map<Node, Node>;
  /** Name indexes the call graph builds on demand; they live as long as the parse (see Classifier). */
  identifiers?: Map<string, TSESTree.Identifier[]>;
  memberCalls?: Map<string, TSESTree.CallExpression[]>;
}

const RESOLVE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function joinPath(dir: string, rel: string): string {
  const parts = dir ? dir.split('/') : [];
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

export function stripExtension(path: string): string {
  return path.replace(/\.(d\.)?[cm]?[jt]sx?$/i, '');
}

/** Parses kept between analyses, keyed by file; an entry is reused only while the text is identical. */
export type ParseCache = Map<string, { text: string; entry: FileIndex | null; error?: string }>;

export class ProjectIndex {
  private readonly cache = new Map<string, FileIndex | null>();
  private readonly fileSet: Set<string>;
  readonly errors: AnalysisError[] = [];
  private readonly reportedErrors = new Set<string>();

  constructor(
    readonly source: ProjectSource,
    private readonly shared?: ParseCache,
  ) {
    this.fileSet = new Set(source.files);
  }

  get files(): readonly string[] {
    return this.source.files;
  }

  has(file: string): boolean {
    return this.fileSet.has(file);
  }

  text(file: string): string | undefined {
    return this.source.read(file);
  }

  /** The parsed file, or null when it is missing or unparseable (the error is recorded once). */
  get(file: string): FileIndex | null {
    if (this.cache.has(file)) return this.cache.get(file)!;
    const text = this.source.read(file);
    let entry: FileIndex | null = null;
    if (text === undefined) {
      this.report(file, this.source.readError?.(file) ?? 'could not be read');
    } else {
      const kept = this.shared?.get(file);
      if (kept && kept.text === text) {
        entry = kept.entry;
        if (kept.error) this.report(file, kept.error);
      } else {
        const result: ParseResult = parseSource(file, text);
        let error: string | undefined;
        if (result.ok) entry = { parsed: result, parents: indexParents(result.ast) };
        else {
          error = result.line ? `${result.message} (line ${result.line})` : result.message;
          this.report(file, error);
        }
        this.shared?.set(file, { text, entry, error });
      }
    }
    this.cache.set(file, entry);
    return entry;
  }

  /** Why a file could not be parsed, when it was a syntax error (not an unreadable, oversized or minified file). */
  syntaxError(file: string): string | null {
    if (this.get(file)) return null;
    const error = this.errors.find((e) => e.file === file)?.message;
    return error?.startsWith('syntax error') ? error : null;
  }

  private report(file: string, message: string): void {
    if (this.reportedErrors.has(file)) return;
    this.reportedErrors.add(file);
    this.errors.push({ file, message });
  }

  private aliases: PathAlias[] | null = null;

  /** tsconfig.json `compilerOptions.paths` (with `baseUrl`), read once; comments and trailing commas allowed. */
  private pathAliases(): PathAlias[] {
    if (this.aliases) return this.aliases;
    this.aliases = [];
    const text = this.source.read('tsconfig.json') ?? this.source.read('jsconfig.json');
    if (!text) return this.aliases;
    const { config } = parseConfigFileTextToJson('tsconfig.json', text);
    const options = (config as { compilerOptions?: { baseUrl?: unknown; paths?: unknown } } | undefined)?.compilerOptions;
    const baseUrl = typeof options?.baseUrl === 'string' ? joinPath('', options.baseUrl) : '';
    if (options?.paths && typeof options.paths === 'object') {
      for (const [pattern, targets] of Object.entries(options.paths as Record<string, unknown>)) {
        if (!Array.isArray(targets)) continue;
        this.aliases.push({ pattern, targets: targets.filter((t): t is string => typeof t === 'string').map((t) => joinPath(baseUrl, t)) });
      }
    }
    return this.aliases;
  }

  /** Resolves an import specifier from `fromFile` to a project file: relative paths and tsconfig `paths` aliases. */
  resolveImport(fromFile: string, specifier: string): string | null {
    if (!specifier.startsWith('.')) {
      for (const { pattern, targets } of this.pathAliases()) {
        const star = pattern.indexOf('*');
        let rest: string | null = null;
        if (star < 0) rest = pattern === specifier ? '' : null;
        else if (specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1))) {
          rest = specifier.slice(star, specifier.length - (pattern.length - star - 1));
        }
        if (rest === null) continue;
        for (const target of targets) {
          const hit = this.resolvePath(target.replace('*', rest));
          if (hit) return hit;
        }
      }
      return null;
    }
    return this.resolvePath(joinPath(dirname(fromFile), specifier));
  }

  private resolvePath(base: string): string | null {
    const candidates = [base];
    // TypeScript ESM style: './x.js' written for './x.ts'.
    const stripped = stripExtension(base);
    if (stripped !== base) candidates.push(stripped);
    for (const c of [...candidates]) {
      for (const ext of RESOLVE_EXTENSIONS) candidates.push(c + ext);
      for (const ext of RESOLVE_EXTENSIONS) candidates.push(c + '/index' + ext);
    }
    return candidates.find((c) => this.fileSet.has(c)) ?? null;
  }
}

export type Program = TSESTree.Program;

interface PathAlias {
  pattern: string;
  targets: string[];
}
