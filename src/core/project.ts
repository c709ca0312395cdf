// A lazily parsed view of the project: parses a file the first time a stage asks for it,
// resolves relative imports against the known file list.
import { typescript } from './heavy';
import { parseSource, ParseResult, TOO_DEEP_TO_PARSE, TSESTree } from './parse/parse';
import { SyntaxModel, type Binding } from './syntax/model';
import { mayExportName, resolveExport, type ExportTarget, type ModuleLookup } from './syntax/modules';
import type { AnalysisError, ProjectSource } from './model';
import { Dependencies, IMPORT_LISTS, type Reads, TEXT_TEST_LISTS, UNTRACKED } from './depends';
import { detached, scanSpecifiers, SCANNED_TESTS, SPELLS_INDEX_AFTER, type TextTest, WORD, WORD_ONLY, wordIn } from './textScan';
import { exportTargets, globToRegExp, type ModuleConfig, NO_CONFIG, packageJsonProblem, type PathAlias, type WorkspacePackage, workspaceGlobs } from './packages';

export { detached, listFacts, scanSpecifiers, textTest, type TextTest } from './textScan';
export type { WorkspacePackage } from './packages';

export type { ModuleLookup } from './syntax/modules';

/** A failure inside the analysis of a file or a call, in words that say what happened (never a syntax error it was not). */
export function failureMessage(err: unknown): string {
  if (err instanceof RangeError && /call stack/i.test(err.message)) return 'too deeply nested to analyse (the analysis ran out of stack)';
  return `the analysis failed (${err instanceof Error ? err.message : String(err)})`;
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

/**
 * The package.json nearest a file (root-relative, '/' separators), walking up to the root: its folder
 * ('' for the root's own), path and text; null when no folder above the file has one.
 */
export function nearestPackageJson(file: string, read: (path: string) => string | undefined): { dir: string; path: string; text: string } | null {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const path = joinPath(dir, 'package.json');
    const text = read(path);
    if (text !== undefined) return { dir, path, text };
    if (!dir) return null;
  }
}

export function stripExtension(path: string): string {
  return path.replace(/\.(d\.)?[cm]?[jt]sx?$/i, '');
}

/** Parses kept between analyses, keyed by file; an entry is reused only while the text is identical. */
export type ParseCache = Map<string, { text: string; entry: SyntaxModel | null; error?: string }>;

/** How the project is read; the defaults are the fast ones, the others give identical results and exist to test that. */
export interface ProjectIndexOptions {
  /**
   * Find the files that may import a module from a text scan of every file's import specifiers
   * (`importCandidates`), so only those are parsed; false: no scan, the call graph parses every file
   * that names the module. Default true.
   */
  importScan?: boolean;
  /**
   * Skip, without parsing it, a module an `export *` barrel names whose text cannot export the name
   * looked for (`mayExportName`); false: parse every module of the barrel in turn. Default true.
   */
  barrelTextCheck?: boolean;
  /**
   * How much source (characters) the kept syntax models may hold before `overBudget` says so and the
   * analysis drops them between files (`dropModels`); a model takes 40–85 bytes of memory per character
   * of its source, so the default, 2.5 million, keeps the models near 200 MB whatever the tree's size.
   * Infinity keeps every model. Results are the same either way: a dropped model is parsed again when
   * a walk needs it.
   */
  modelBudgetChars?: number;
  /**
   * Called after the models were dropped, when their memory has just become garbage: a CLI asks the
   * engine for a full collection here (`collectGarbage`), or the heap grows on with garbage to two or
   * three times what it holds alive before the collector runs on its own.
   */
  onModelsDropped?: () => void;
  /**
   * The analysis's cheap test of whether a file's text may hold an LLM call. Its answer is kept per
   * file (`mayHoldCalls`) and taken whenever the text is read, by the import scan too: a file read once
   * for the scan is not read again to ask it, when the texts kept within their budget no longer hold it.
   */
  prefilter?: (text: string) => boolean;
  /**
   * What earlier analyses' import scans learned of each file, kept by their owner (an editor's session)
   * while the files do not change: a re-analysis after an edit then reads and scans the one file that
   * changed, not the whole workspace again (200 ms of a 7,000-file monorepo's 210 ms).
   */
  scanMemo?: ScanMemo;
  /**
   * Told of every read of a file (its text, model, words, prefilter answer) and of the whole-workspace
   * lists (importers, text tests), for the memos its owner keeps across analyses (depends.ts).
   */
  deps?: Dependencies;
}

/** What the import scan learned of one readable file's text. */
export interface FileScan {
  mayHoldCalls: boolean;
  specifiers: readonly string[];
  exact: boolean;
  /** The text tests the text passes, by their place in the list of scanned tests, of `testsKnown` asked. */
  passed: readonly number[];
  testsKnown: number;
  /** The project files its specifiers resolve to, while the memo's `resolution()` is `token`. */
  resolved?: { token: object; targets: readonly string[] };
}

/**
 * Scans by file, for the analyses of one project. Its owner forgets a file whenever that file's text
 * may have changed (an edit, a change on disk), and may hide the memo (`get` answering undefined) from
 * an analysis that must read every file itself, as one whose reads are recorded for a cache does.
 */
export interface ScanMemo {
  get(file: string): FileScan | undefined;
  set(file: string, scan: FileScan): void;
  /** An earlier answer of `spells(file, name)`, or undefined. */
  spelled(file: string, name: string): boolean | undefined;
  /** Keeps an answer of `spells` (the owner may keep a bounded number). */
  keepSpelled(file: string, name: string, answer: boolean): void;
  /** A new object whenever what an import resolves to may have changed (the file list, a tsconfig, a package.json). */
  resolution(): object;
  /** What `fromText` made of a file's text, by kind, with the text it was made from. */
  derived(file: string, kind: string): { text: string; value: unknown } | undefined;
  keepDerived(file: string, kind: string, text: string, value: unknown): void;
}

/** The default of `ProjectIndexOptions.modelBudgetChars`. */
export const MODEL_BUDGET_CHARS = 2_500_000;

/** The largest configuration file a rule reads (characters). */
export const MAX_CONFIG_CHARS = 256_000;

export class ProjectIndex {
  private readonly cache = new Map<string, SyntaxModel | null>();
  private readonly fileSet: Set<string>;
  readonly errors: AnalysisError[] = [];
  private readonly reportedErrors = new Set<string>();

  private readonly importScan: boolean;
  readonly barrelTextCheck: boolean;

  constructor(
    readonly source: ProjectSource,
    private readonly shared?: ParseCache,
    options: ProjectIndexOptions = {},
  ) {
    this.fileSet = new Set(source.files);
    this.importScan = options.importScan ?? true;
    this.barrelTextCheck = options.barrelTextCheck ?? true;
    this.modelBudget = options.modelBudgetChars ?? MODEL_BUDGET_CHARS;
    this.onModelsDropped = options.onModelsDropped;
    this.prefilter = options.prefilter;
    this.scanMemo = options.scanMemo;
    this.deps = options.deps ?? UNTRACKED;
  }

  readonly deps: Dependencies;

  private readonly scanMemo?: ScanMemo;

  private readonly prefilter?: (text: string) => boolean;
  /** The prefilter's answer by file; null: the file could not be read. */
  private readonly prefiltered = new Map<string, boolean | null>();

  /** The prefilter's answer for a file (false without a prefilter), or null when it cannot be read. */
  mayHoldCalls(file: string): boolean | null {
    this.deps.read(file);
    const known = this.prefiltered.get(file) ?? this.scanMemo?.get(file)?.mayHoldCalls;
    if (known !== undefined) return known;
    const text = this.text(file);
    return this.prefilterAnswer(file, text);
  }

  private prefilterAnswer(file: string, text: string | undefined): boolean | null {
    const answer = text === undefined ? null : (this.prefilter?.(text) ?? false);
    this.prefiltered.set(file, answer);
    return answer;
  }

  private readonly onModelsDropped?: () => void;

  private readonly modelBudget: number;
  /** The characters of source behind the models kept now (this index's and the shared ones it handed out). */
  private modelChars = 0;

  /** Do the kept models hold more source than the budget? */
  overBudget(): boolean {
    return this.modelChars > this.keptChars + this.modelBudget;
  }

  /** The source behind the models the last drop kept: each drop must free a budget's worth of older ones. */
  private keptChars = 0;

  /** The analysis's turn: one file's calls, and what their analysis reads. */
  private turn = 0;
  /** By file: in how many turns its model was asked for, and the last one. */
  private readonly modelTurns = new Map<string, { turns: number; last: number }>();

  /** The analysis moves on to another file (`dropModels` keeps the models many turns asked for). */
  nextTurn(): void {
    this.turn++;
  }

  /**
   * Drops the syntax models, here and in the shared parse cache, but for those the last file's
   * analysis read and those the most turns asked for (a schema or a config module every file's analysis
   * reads; up to half the budget): the analyzer calls this between files when `overBudget`, after
   * dropping everything else that holds their nodes, so the memory the rest took can be reclaimed. The
   * next drop comes only when a budget's worth more is parsed: a working set larger than the budget
   * (Roo-Code's providers, each reached from every one of 60 files) was parsed again for every file,
   * and the audit took 59 s instead of 14. Texts, the import scan and the other text indexes stay.
   */
  dropModels(): void {
    const kept = new Map<string, SyntaxModel | null>();
    let chars = 0;
    // The last file's analysis read these; the next one, often in the same folder, reads most of them again.
    for (const [file, model] of this.cache) {
      if (!model || this.modelTurns.get(file)!.last < this.turn - 1) continue;
      kept.set(file, model);
      chars += model.text.length;
    }
    const reused = [...this.cache]
      .filter(([file, model]) => model && !kept.has(file) && this.modelTurns.get(file)!.turns >= 2)
      .sort(([a], [b]) => this.modelTurns.get(b)!.turns - this.modelTurns.get(a)!.turns);
    let hot = 0;
    for (const [file, model] of reused) {
      if (hot + model!.text.length > this.modelBudget / 2) continue;
      kept.set(file, model);
      hot += model!.text.length;
    }
    chars += hot;
    // A file that did not parse has no model to drop; parsing it again would fail again.
    for (const [file, model] of this.cache) if (!model) kept.set(file, null);
    this.cache.clear();
    for (const [file, model] of kept) this.cache.set(file, model);
    if (this.shared) for (const file of [...this.shared.keys()]) if (!kept.has(file)) this.shared.delete(file);
    this.modelChars = chars;
    this.keptChars = chars;
    this.onModelsDropped?.();
  }

  /** Target file → the files whose scanned specifiers resolve to it, in project order; built on first use. */
  private scannedImporters: Map<string, string[]> | null = null;
  /** Files whose specifiers the scan cannot read exactly: candidates for every module. */
  private inexactFiles: string[] = [];
  private fileOrder: Map<string, number> | null = null;

  /**
   * Files that may import `file`, from a text scan of every file's import specifiers resolved as
   * `resolveImport` does (in project order; a superset of the files whose parse imports it), or null
   * when the project is read without the scan. The scan reads each file once; nothing is parsed.
   */
  importCandidates(file: string): readonly string[] | null {
    if (!this.importScan) return null;
    this.deps.read(IMPORT_LISTS);
    if (!this.scannedImporters) this.scanImports();
    const direct = this.scannedImporters!.get(file) ?? [];
    if (this.inexactFiles.length === 0) return direct;
    const order = (this.fileOrder ??= new Map(this.source.files.map((f, i) => [f, i])));
    return [...new Set([...direct, ...this.inexactFiles])].sort((a, b) => order.get(a)! - order.get(b)!);
  }

  /**
   * The scan's answer without a parse: the files whose import specifiers resolve to `file`, and the
   * files whose specifiers the scan could not all read (they may import any module); null without the scan.
   */
  scannedImportersOf(file: string): { exact: readonly string[]; inexact: readonly string[] } | null {
    if (!this.importScan) return null;
    this.deps.read(IMPORT_LISTS);
    if (!this.scannedImporters) this.scanImports();
    return { exact: this.scannedImporters!.get(file) ?? [], inexact: this.inexactFiles };
  }

  /**
   * Runs the import scan now, before a whole-workspace analysis reads its files one by one: the scan
   * reads every text once and takes the prefilter's answer with it, so the analysis then reads only the
   * texts that may hold calls, not every text a second time when the texts kept within their budget no
   * longer hold it (the scan is made anyway as soon as one call's callers are looked for).
   */
  scanFirst(): void {
    if (this.importScan && !this.scannedImporters) this.scanImports();
  }

  /** The files passing each text test, in project order: from the import scan, or a pass of their own. */
  private readonly passing = new Map<TextTest, string[]>();

  /** The files whose text passes the test, in project order (read once for every test the scan knew). */
  filesPassing(test: TextTest): readonly string[] {
    this.deps.read(TEXT_TEST_LISTS);
    this.scanFirst();
    let found = this.passing.get(test);
    if (!found) {
      found = this.source.files.filter((f) => {
        const text = this.text(f);
        return text !== undefined && test.test(text);
      });
      this.passing.set(test, found);
    }
    return found;
  }

  private scanImports(): void {
    const index = new Map<string, string[]>();
    const tests = [...SCANNED_TESTS];
    for (const t of tests) this.passing.set(t, []);
    for (const f of this.source.files) {
      const memo = this.scanMemo?.get(f);
      const scan = memo && memo.testsKnown === tests.length ? memo : this.scanFile(f, tests);
      if (!scan) continue;
      if (!this.prefiltered.has(f)) this.prefiltered.set(f, scan.mayHoldCalls);
      for (const i of scan.passed) this.passing.get(tests[i])!.push(f);
      if (!scan.exact) this.inexactFiles.push(f);
      for (const target of this.scannedTargets(f, scan)) {
        const list = index.get(target);
        if (!list) index.set(target, [f]);
        else if (list[list.length - 1] !== f) list.push(f);
      }
    }
    this.scannedImporters = index;
  }

  /** The project files a scanned file's specifiers resolve to, in order; kept in the scan while they cannot have changed. */
  private scannedTargets(file: string, scan: FileScan): readonly string[] {
    const token = this.scanMemo?.resolution();
    if (token && scan.resolved?.token === token) return scan.resolved.targets;
    const targets: string[] = [];
    for (const spec of scan.specifiers) {
      const target = this.resolveImport(file, spec);
      if (target !== null) targets.push(target);
    }
    if (token) scan.resolved = { token, targets };
    return targets;
  }

  /** Reads and scans one file for `scanImports`, keeping the answer in the memo; null when it cannot be read. */
  private scanFile(file: string, tests: readonly TextTest[]): FileScan | null {
    const text = this.text(file);
    const mayHoldCalls = this.prefilterAnswer(file, text);
    if (text === undefined || mayHoldCalls === null) return null;
    const passed: number[] = [];
    tests.forEach((t, i) => t.test(text) && passed.push(i));
    const { specifiers, exact } = scanSpecifiers(text);
    // Detached: a memo that outlives this analysis must not keep each file's text alive through its specifiers.
    const scan: FileScan = { mayHoldCalls, specifiers: specifiers.map(detached), exact, passed, testsKnown: tests.length };
    this.scanMemo?.set(file, scan);
    return scan;
  }

  get files(): readonly string[] {
    return this.source.files;
  }

  has(file: string): boolean {
    return this.fileSet.has(file);
  }

  /** The file's text, or undefined when there is none; a reader that fails records why and reads as no file. */
  private readonly words = new Map<string, Set<string>>();

  /**
   * Does the file's text spell `name` as a whole word (an identifier, a property, a word in a string
   * or comment)? The first question about a file scans it once; each later one is a set lookup, where
   * `text.includes(name)` scanned the whole text again for every name asked (a method's callers are
   * looked for in hundreds of importers, one method after another).
   */
  spells(file: string, name: string): boolean {
    this.deps.read(file);
    if (!WORD_ONLY.test(name)) return this.text(file)?.includes(name) ?? false;
    const kept = this.words.get(file);
    if (kept) return kept.has(name);
    const said = this.scanMemo?.spelled(file, name);
    if (said !== undefined) return said;
    const answer = this.searchWord(file, name);
    this.scanMemo?.keepSpelled(file, detached(name), answer);
    return answer;
  }

  /**
   * The project's files that spell `name` as a word, in project order: each file is asked once per
   * analysis, however many rules and walks ask for the name (a hit counts the same reads).
   */
  filesSpelling(name: string): readonly string[] {
    const known = this.spelling.get(name);
    if (known) {
      this.deps.readAll(known.reads);
      return known.files;
    }
    const { value, reads } = this.deps.track(() => this.source.files.filter((f) => this.spells(f, name)));
    this.spelling.set(name, { files: value, reads });
    return value;
  }

  private readonly spelling = new Map<string, { files: string[]; reads: Reads }>();

  private searchWord(file: string, name: string): boolean {
    const text = this.text(file);
    if (text === undefined) return false;
    // A file asked about a few times is searched; the set (memory) is made for one asked about often.
    const asked = (this.asked.get(file) ?? 0) + 1;
    if (asked < SPELLS_INDEX_AFTER) {
      this.asked.set(file, asked);
      return wordIn(text, name);
    }
    const words = new Set(text.match(WORD));
    this.words.set(file, words);
    return words.has(name);
  }

  private readonly asked = new Map<string, number>();

  text(file: string): string | undefined {
    this.deps.read(file);
    let text: string | undefined;
    try {
      text = this.source.read(file);
    } catch (err) {
      this.report(file, `could not be read: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    // A package.json that does not parse loses its scripts and bin entries, evidence for verdicts: say so.
    if (text !== undefined && /(^|\/)package\.json$/.test(file) && !this.reportedErrors.has(file)) {
      const problem = packageJsonProblem(text);
      if (problem) this.report(file, problem);
    }
    return text;
  }

  /** The file's syntax model, or null when it is missing or unparseable (the error is recorded once). */
  get(file: string): SyntaxModel | null {
    this.deps.read(file);
    const used = this.modelTurns.get(file);
    if (!used) this.modelTurns.set(file, { turns: 1, last: this.turn });
    else if (used.last !== this.turn) {
      used.turns++;
      used.last = this.turn;
    }
    if (this.cache.has(file)) return this.cache.get(file)!;
    const text = this.text(file);
    let entry: SyntaxModel | null = null;
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
        if (result.ok) entry = SyntaxModel.of(result);
        else {
          error = result.line ? `${result.message} (line ${result.line})` : result.message;
          this.report(file, error);
        }
        this.shared?.set(file, { text, entry, error });
      }
    }
    this.cache.set(file, entry);
    if (entry) this.modelChars += entry.text.length;
    return entry;
  }

  /** The module an import specifier of `fromFile` names, when it is a file of the project that parses. */
  module(fromFile: string, specifier: string): SyntaxModel | undefined {
    const target = this.resolveImport(fromFile, specifier);
    return (target ? this.get(target) : null) ?? undefined;
  }

  /**
   * Could the module a specifier names export `name`? Read off its text, without a parse: a barrel's
   * `export *` modules that cannot are skipped (true for a module outside the project, or with the check off).
   */
  readonly mayExport = (fromFile: string, specifier: string, name: string): boolean => {
    if (!this.barrelTextCheck) return true;
    const target = this.resolveImport(fromFile, specifier);
    if (target === null) return true;
    const text = this.text(target);
    return text === undefined || mayExportName(text, name);
  };

  /** What a project module exports under `name`, through re-exports and the `export *` modules that may hold it. */
  exportOf(model: SyntaxModel, name: string): ExportTarget | null {
    return resolveExport(this.moduleLookup, model, name);
  }

  /**
   * Where a binding of `fi` is declared: in `fi` itself, or, for an import, in the project module that
   * exports the name (through its re-exports). Null for no binding, an import from outside the project,
   * or an export that is not a declaration of its own.
   */
  declarationOf(fi: SyntaxModel, b: Binding | null | undefined): { model: SyntaxModel; binding: Binding | null } | null {
    if (!b) return null;
    if (!b.import) return { model: fi, binding: b };
    const target = this.module(fi.file, b.import.source);
    const found = target ? this.exportOf(target, b.import.imported) : null;
    return found?.kind === 'binding' ? found : null;
  }

  /** `module`, bound, with `mayExport`: the lookup every function that follows imports is given. */
  readonly moduleLookup: ModuleLookup = Object.assign((fromFile: string, specifier: string) => this.module(fromFile, specifier), { mayExport: this.mayExport });

  /**
   * Why a source file could not be parsed, when it is source the parser gave up on (a syntax error,
   * nesting too deep): not an unreadable, oversized or minified file.
   */
  parseFailure(file: string): string | null {
    if (this.get(file)) return null;
    const error = this.errors.find((e) => e.file === file)?.message;
    return error !== undefined && (error.startsWith('syntax error') || error === TOO_DEEP_TO_PARSE) ? error : null;
  }

  /**
   * A configuration file's text (a workflow, serverless.yml, a SAM or promptfoo file) for a rule to read,
   * or undefined, with an error saying why, when it is larger than hand-written configuration gets: a
   * YAML parse of a 1 MB file took 5 s.
   */
  configText(file: string): string | undefined {
    const text = this.text(file);
    if (text === undefined || text.length <= MAX_CONFIG_CHARS) return text;
    this.report(file, `skipped: ${(text.length / 1e6).toFixed(1)} MB is too large for a hand-written configuration file (over ${MAX_CONFIG_CHARS / 1000} KB), so what it configures is not read`);
    return undefined;
  }

  /**
   * `make(text)`, or what it gave for this very text of the file in an earlier analysis of the memo's
   * owner: a configuration file's parse (a workflow's YAML, a tsconfig), made again for every analysis,
   * was a sixth of an edit's re-analysis. `make` must be a function of the text alone, and its value
   * plain data (no syntax nodes, which a model drop must be able to free).
   */
  fromText<T>(file: string, kind: string, text: string, make: (text: string) => T): T {
    const kept = this.scanMemo?.derived(file, kind);
    if (kept && kept.text === text) return kept.value as T;
    const value = make(text);
    this.scanMemo?.keepDerived(file, kind, text, value);
    return value;
  }

  /** An error of the analysis about a file, or one line of it (a call): recorded once, reported with the findings. */
  addError(file: string, message: string, line?: number): void {
    const key = `${file}\n${line ?? ''}\n${message}`;
    if (this.reportedErrors.has(key)) return;
    this.reportedErrors.add(key);
    this.errors.push(line === undefined ? { file, message } : { file, message, line });
  }

  /** A file-level error: the first one a file gets is the one reported. */
  private report(file: string, message: string): void {
    if (this.reportedErrors.has(file)) return;
    this.reportedErrors.add(file);
    this.errors.push({ file, message });
  }

  private readonly configByDir = new Map<string, ModuleConfig>();
  private readonly configByPath = new Map<string, ModuleConfig | null>();

  /**
   * The tsconfig.json or jsconfig.json that governs `file`: the nearest one in its folder or above, as
   * the editor's TypeScript server picks it (an app in a monorepo has its own `@/*`), with `extends`
   * followed. Read once per folder; comments and trailing commas allowed.
   */
  private configFor(file: string): ModuleConfig {
    const chain: string[] = [];
    let dir = dirname(file);
    let found: ModuleConfig | undefined;
    for (;;) {
      found = this.configByDir.get(dir);
      if (found) break;
      chain.push(dir);
      const own = this.loadConfig(joinPath(dir, 'tsconfig.json'), 0) ?? this.loadConfig(joinPath(dir, 'jsconfig.json'), 0);
      if (own) {
        found = own;
        break;
      }
      if (dir === '') {
        found = NO_CONFIG;
        break;
      }
      dir = dirname(dir);
    }
    for (const d of chain) this.configByDir.set(d, found);
    return found;
  }

  /** One config file with what it extends merged in: `baseUrl` and `paths` as project paths. */
  private loadConfig(path: string, depth: number): ModuleConfig | null {
    if (this.configByPath.has(path)) return this.configByPath.get(path)!;
    this.configByPath.set(path, null); // an `extends` cycle ends here
    const text = depth > 8 ? undefined : this.source.read(path);
    if (text === undefined) return null;
    let config: unknown;
    try {
      config = this.fromText(path, 'tsconfig', text, (t) => typescript().parseConfigFileTextToJson(path, t).config as unknown);
    } catch (err) {
      // A config nested deeper than TypeScript's parser follows: read as no settings, and said.
      this.report(path, `its settings could not be read: ${failureMessage(err)}`);
    }
    const raw = (config ?? {}) as { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } };
    const dir = dirname(path);
    let merged: ModuleConfig = { baseUrl: null, aliases: [], pathsBase: dir };
    const bases = typeof raw.extends === 'string' ? [raw.extends] : Array.isArray(raw.extends) ? raw.extends.filter((e): e is string => typeof e === 'string') : [];
    for (const ext of bases) {
      const base = this.extendedConfig(dir, ext, depth);
      if (base) merged = { baseUrl: base.baseUrl ?? merged.baseUrl, aliases: base.aliasSource ? base.aliases : merged.aliases, pathsBase: base.aliasSource ? base.pathsBase : merged.pathsBase, aliasSource: base.aliasSource ?? merged.aliasSource };
    }
    const options = raw.compilerOptions;
    if (typeof options?.baseUrl === 'string') merged = { ...merged, baseUrl: joinPath(dir, options.baseUrl) };
    let rawPaths: Record<string, unknown> | null = merged.aliasSource ?? null;
    let pathsBase = merged.pathsBase;
    if (options?.paths && typeof options.paths === 'object') {
      rawPaths = options.paths as Record<string, unknown>;
      pathsBase = dir;
    }
    // `paths` are relative to the final `baseUrl`, else to the config that declares them.
    const root = merged.baseUrl ?? pathsBase;
    const aliases: PathAlias[] = [];
    for (const [pattern, targets] of Object.entries(rawPaths ?? {})) {
      if (!Array.isArray(targets)) continue;
      aliases.push({ pattern, targets: targets.filter((t): t is string => typeof t === 'string').map((t) => joinPath(root, t)) });
    }
    const result: ModuleConfig = { baseUrl: merged.baseUrl, aliases, pathsBase, ...(rawPaths ? { aliasSource: rawPaths } : {}) };
    this.configByPath.set(path, result);
    return result;
  }

  /** `extends: "./tsconfig.base.json"`, `"../../tsconfig.json"`, or a package's config in node_modules. */
  private extendedConfig(dir: string, ext: string, depth: number): ModuleConfig | null {
    const candidates = ext.startsWith('.') ? [joinPath(dir, ext)] : [joinPath('node_modules', ext)];
    const out: string[] = [];
    for (const c of candidates) out.push(c, c.endsWith('.json') ? c : c + '.json', joinPath(c, 'tsconfig.json'));
    for (const c of out) {
      const hit = this.loadConfig(c, depth + 1);
      if (hit) return hit;
    }
    return null;
  }

  /**
   * Resolves an import specifier from `fromFile` to a project file: relative paths; the `paths` and
   * `baseUrl` of the nearest tsconfig/jsconfig; and the packages of the workspace (npm, yarn and pnpm
   * workspaces) by their package.json name and entry.
   */
  resolveImport(fromFile: string, specifier: string): string | null {
    if (specifier.startsWith('.')) {
      // The same from every file of a folder; asked for each importer a walk looks at, again and again.
      const dir = dirname(fromFile);
      const key = `${dir}\0${specifier}`;
      let known = this.relativeMemo.get(key);
      if (known === undefined) this.relativeMemo.set(detached(key), (known = this.resolvePath(joinPath(dir, specifier))));
      return known;
    }
    if (specifier.startsWith('node:')) return null;
    // A bare specifier resolves the same way from every file its config governs.
    const config = this.configFor(fromFile);
    let memo = this.bareMemo.get(config);
    if (!memo) this.bareMemo.set(config, (memo = new Map()));
    const known = memo.get(specifier);
    if (known !== undefined) return known;
    const resolved = this.resolveBare(config, specifier);
    memo.set(detached(specifier), resolved);
    return resolved;
  }

  private readonly bareMemo = new Map<ModuleConfig, Map<string, string | null>>();
  private readonly relativeMemo = new Map<string, string | null>();
  private readonly pathMemo = new Map<string, string | null>();

  private resolveBare(config: ModuleConfig, specifier: string): string | null {
    for (const { pattern, targets } of config.aliases) {
      const star = pattern.indexOf('*');
      let rest: string | null = null;
      if (star < 0) rest = pattern === specifier ? '' : null;
      else if (specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1))) {
        rest = specifier.slice(star, specifier.length - (pattern.length - star - 1));
      }
      if (rest === null) continue;
      for (const target of targets) {
        const hit = this.resolvePath(target.replace('*', () => rest));
        if (hit) return hit;
      }
    }
    if (config.baseUrl !== null) {
      const hit = this.resolvePath(joinPath(config.baseUrl, specifier));
      if (hit) return hit;
    }
    return this.resolveWorkspacePackage(specifier);
  }

  private packages: WorkspacePackage[] | null = null;

  /**
   * The packages of the workspace: folders matching the root package.json `workspaces` globs (or
   * pnpm-workspace.yaml `packages`) that hold a package.json with a name. The folders come from the
   * source file list, so nothing is listed from disk.
   */
  workspacePackages(): WorkspacePackage[] {
    if (this.packages) return this.packages;
    this.packages = [];
    const globs = workspaceGlobs(this.source.read('package.json'), this.source.read('pnpm-workspace.yaml'));
    if (globs.length === 0) return this.packages;
    const include = globs.filter((g) => !g.startsWith('!')).map(globToRegExp);
    const exclude = globs.filter((g) => g.startsWith('!')).map((g) => globToRegExp(g.slice(1)));
    const dirs = new Set<string>();
    for (const file of this.source.files) {
      for (let d = dirname(file); d !== ''; d = dirname(d)) dirs.add(d);
    }
    for (const dir of [...dirs].sort()) {
      if (!include.some((r) => r.test(dir)) || exclude.some((r) => r.test(dir))) continue;
      const text = this.source.read(joinPath(dir, 'package.json'));
      if (!text) continue;
      try {
        const pkg = JSON.parse(text) as { name?: unknown; main?: unknown; module?: unknown; types?: unknown; typings?: unknown; source?: unknown; exports?: unknown };
        if (typeof pkg.name !== 'string') continue;
        const entries = [pkg.source, pkg.types, pkg.typings, pkg.module, pkg.main].filter((e): e is string => typeof e === 'string');
        this.packages.push({ name: pkg.name, dir, entries, exports: pkg.exports });
      } catch {
        // a package.json that does not parse names no package
      }
    }
    return this.packages;
  }

  private resolveWorkspacePackage(specifier: string): string | null {
    for (const pkg of this.workspacePackages()) {
      if (specifier !== pkg.name && !specifier.startsWith(pkg.name + '/')) continue;
      const sub = specifier === pkg.name ? '.' : './' + specifier.slice(pkg.name.length + 1);
      const targets = [...exportTargets(pkg.exports, sub), ...(sub === '.' ? pkg.entries : [sub])];
      for (const target of targets) {
        const hit = this.resolvePackageTarget(pkg.dir, target);
        if (hit) return hit;
      }
      if (sub === '.') return this.resolvePath(joinPath(pkg.dir, 'src/index')) ?? this.resolvePath(joinPath(pkg.dir, 'index'));
      return this.resolvePath(joinPath(pkg.dir, 'src/' + sub));
    }
    return null;
  }

  /** A package entry as written, or its source when it names build output (`dist/index.js` → `src/index.ts`). */
  private resolvePackageTarget(dir: string, target: string): string | null {
    const direct = this.resolvePath(joinPath(dir, target));
    if (direct) return direct;
    const built = /^(?:\.\/)?(dist|build|lib|out)\/(.*)$/.exec(target);
    return built ? this.resolvePath(joinPath(dir, 'src/' + stripExtension(built[2]).replace(/\.d$/, ''))) : null;
  }

  private resolvePath(base: string): string | null {
    const known = this.pathMemo.get(base);
    if (known !== undefined) return known;
    const resolved = this.findPath(base);
    this.pathMemo.set(base, resolved);
    return resolved;
  }

  private findPath(base: string): string | null {
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
