// The engine over a folder on disk. Shared by the CLI and the VS Code adapter so both report the same findings.
//   new WorkspaceSession(rootAbsPath, options)
//   session.setOptions(options)                  – settings changed
//   session.usage()                              – the usage reports read (project file "usage" + SessionOptions.usage);
//                                                  they calibrate analyzeAll (result.usage: the reconciliation), analyzeFiles reuses that
//   session.setOverlay(relPath, text|undefined)  – unsaved editor text for a file (undefined = use disk)
//   session.invalidate(relPath?)                 – a file (or, without a path, the file list) changed on disk
//   session.analyzeFiles(relPaths, isCancelled?) – findings for call sites in those files, context from the whole workspace
//   session.analyzeAll(isCancelled?)             – findings for the whole workspace
//   session.analyzeAllAsync(isCancelled?, onProgress?) – the same, yielding the thread between slices of work
//   session.fixFor(finding, permit?)             – the rewrite for a finding, or the reason there is none (asks gateFix first)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisOptions, AnalysisResult, Finding, Fix, ProjectSource } from '../core/model';
import { Analyzer, runsOnce } from '../core/analyze';
import { applyCalibration, Calibration, calibrateWithUsage } from '../core/estimate/calibrate';
import { loadUsage, LoadedUsage, UsagePath } from './usage';
import { joinPath, nearestPackageJson, type FileScan, type ParseCache, type ScanMemo } from '../core/project';
import { isSourceFile } from '../core/parse/parse';
import { listConfigFiles, listSourceFiles, readSourceFile, sourceFileFilter, toPosix } from './scan';
import { applyProjectConfig, chooseHelperPath, DEFAULT_HELPER_PATH, loadProjectConfig, LoadedConfig } from './config';
import { creationProblem, editProblem } from './insideRoot';
import { pipelineStagesFor, planRewrite } from './stages';
import { FixPermit, gateFix, permits } from '../core/rewrite/gate';
import { AuditCacheOptions, cacheKey, currentStamp, engineIdentity, FileStamp, loadCachedResult, readHash, RecordedRead, saveCachedResult, stampBeforeRead } from './cache';
import { TextCache } from './textCache';
import { KeptGraph } from '../core/classify/graph';
import { Dependencies, IMPORT_LISTS, TEXT_TEST_LISTS } from '../core/depends';
import { listFacts } from '../core/project';

export type FixOutcome = { ok: true; fix: Fix } | { ok: false; reason: string };

export interface SessionOptions {
  /** Where the Quick Fix puts the batch helper module, relative to the root, without extension. */
  helperPath?: string;
  /** Extra ignore patterns (gitignore syntax). */
  ignore?: string[];
  /** Applied after the project configuration file: what the user asked for on the command line. */
  overrides?: Partial<AnalysisOptions>;
  /** Saved usage reports besides the project file's "usage": absolute, or relative to the root. */
  usage?: UsagePath[];
  /** Keep whole-workspace results on disk by content hash (src/workspace/cache.ts); none when absent. */
  cache?: AuditCacheOptions;
  /** Called when an analysis dropped its syntax models to stay within its memory budget (`collectGarbage`). */
  onModelsDropped?: () => void;
  /**
   * The session runs one analysis (a CLI audit): what the import scan learns of each file is not kept
   * for a next one, which an editor's session makes after every edit.
   */
  singleRun?: boolean;
  /** Called the first time an analysis reads a file that names an LLM SDK or provider (see AnalyzerHooks): the CLI starts its token-counting worker then. */
  onSdkMention?: () => void;
}

interface CachedText {
  text?: string;
  error?: string;
  /** The file's stamp just before it was read, when the audit cache is on and the file had settled. */
  stamp?: FileStamp;
}

/** How many answers of whether a file spells a word a session keeps (about 100 bytes each). */
const SPELLED_KEPT = 300_000;

export class WorkspaceSession {
  private fileList: string[] | null = null;
  /** Whether a path is analysed at all (ignores applied); rebuilt with the file list. */
  private wanted: ((rel: string) => boolean) | null = null;
  private configList: string[] | null = null;
  private projectConfig: LoadedConfig | null = null;
  private readonly texts = new TextCache<CachedText>();
  private readonly overlays = new Map<string, string>();
  /** Parses survive between analyses; a file is parsed again only when its text changes. */
  private readonly parseCache: ParseCache = new Map();
  private usageLoaded: LoadedUsage | null = null;
  /**
   * What the analyses' import scans learned of each file, while its text stays the same: an edit's
   * re-analysis scans the edited file, not the workspace. Hidden from an analysis whose reads are
   * recorded for the cache (each read must be recorded); it still fills it.
   */
  private readonly scans = new Map<string, FileScan>();
  /** By file, the words asked of its text and whether it spells them (at most SPELLED_KEPT answers in all). */
  private readonly spelled = new Map<string, Map<string, boolean>>();
  private spelledCount = 0;
  private readonly scanMemo: ScanMemo = {
    get: (file) => (this.recording ? undefined : this.scans.get(file)),
    set: (file, scan) => void this.scans.set(file, scan),
    spelled: (file, name) => (this.recording ? undefined : this.spelled.get(file)?.get(name)),
    keepSpelled: (file, name, answer) => {
      if (this.spelledCount >= SPELLED_KEPT) return;
      let answers = this.spelled.get(file);
      if (!answers) this.spelled.set(file, (answers = new Map()));
      if (!answers.has(name)) this.spelledCount++;
      answers.set(name, answer);
    },
    resolution: () => this.resolution,
    derived: (file, kind) => (this.recording ? undefined : this.derived.get(file)?.get(kind)),
    keepDerived: (file, kind, text, value) => {
      let kinds = this.derived.get(file);
      if (!kinds) this.derived.set(file, (kinds = new Map()));
      kinds.set(kind, { text, value });
    },
  };
  /** By file and kind, what ProjectIndex.fromText made of the file's text (configuration files: small). */
  private readonly derived = new Map<string, Map<string, { text: string; value: unknown }>>();
  /** Replaced whenever what an import resolves to may have changed: the file list, a file other than a source (tsconfig, package.json). */
  private resolution = {};
  /** From the last whole-workspace analysis: what each model's usage gives a site. */
  private calibration: Calibration | null = null;
  /**
   * The call graph's memos, kept across analyses (an editor's session analyses again after every
   * edit), each entry with the files and lists its computation read: an edit forgets those that read
   * the edited file, or a list the edit changed (`changed`).
   */
  private readonly kept = new KeptGraph(new Dependencies());

  constructor(
    readonly root: string,
    private options: AnalysisOptions,
    private sessionOptions: SessionOptions = {},
  ) {}

  setOptions(options: AnalysisOptions, sessionOptions?: SessionOptions): void {
    this.options = options;
    this.calibration = null;
    this.kept.clear();
    if (JSON.stringify(sessionOptions?.usage) !== JSON.stringify(this.sessionOptions.usage)) this.usageLoaded = null;
    if (sessionOptions) {
      if (JSON.stringify(sessionOptions.ignore) !== JSON.stringify(this.sessionOptions.ignore)) this.fileList = null;
      this.sessionOptions = sessionOptions;
    }
  }

  setOverlay(relPath: string, text: string | undefined): void {
    const rel = toPosix(relPath);
    this.recording = null; // an analysis running now may have read the old text: it is not kept
    const before = this.overlays.has(rel) ? this.overlays.get(rel) : this.texts.get(rel)?.text;
    const known = this.overlays.has(rel) || this.texts.get(rel) !== undefined;
    this.forgetScan(rel);
    if (!isSourceFile(rel)) this.newResolution();
    this.changed(rel, known ? before : null, text ?? null);
    if (text === undefined) this.overlays.delete(rel);
    else this.overlays.set(rel, text);
    if (text !== undefined && this.fileList && !this.fileList.includes(rel) && isSourceFile(rel)) this.fileList = null;
  }

  /**
   * Something changed on disk. Without a path: everything may have. With a path: that file's text; pass
   * `listChanged` when a file was created or deleted, so the file list is read again.
   */
  invalidate(relPath?: string, listChanged = false): void {
    this.recording = null; // an analysis running now may have read the old text: it is not kept
    if (relPath === undefined) {
      this.kept.clear();
      this.projectConfig = null;
      this.usageLoaded = null;
      this.calibration = null;
      this.fileList = null;
      this.configList = null;
      this.texts.clear();
      this.scans.clear();
      this.derived.clear();
      this.spelled.clear();
      this.spelledCount = 0;
      // Parses stay: each is checked against the file's text before it is used again.
      return;
    }
    const rel = toPosix(relPath);
    // An open editor's text wins over the disk: what the analyses read has not changed.
    if (!this.overlays.has(rel)) this.changed(rel, this.texts.get(rel)?.text, null);
    this.texts.delete(rel);
    this.forgetScan(rel);
    if (this.usageLoaded?.paths.includes(join(this.root, rel))) {
      this.usageLoaded = null;
      this.calibration = null;
    }
    if (/(^|\/)(batchwise\.config\.json|package\.json)$/.test(rel)) {
      this.projectConfig = null;
      this.usageLoaded = null; // the "usage" list may have changed
      this.fileList = null; // ignore globs may have changed
    }
    // Context files other than sources: a new or deleted one changes the list.
    if (!isSourceFile(rel)) {
      this.configList = null;
      this.newResolution();
    }
    if (listChanged) this.fileList = null;
  }

  /**
   * A file's text changed from `before` to `after` (null: not known, as a file changed on disk and not
   * read yet): the kept memos that read it go, and those that read a whole-workspace list the change
   * may alter (its import specifiers, the text tests it passes).
   */
  private changed(rel: string, before: string | undefined | null, after: string | undefined | null): void {
    this.kept.forget(rel);
    const old = before === null ? null : listFacts(before);
    const now = after === null ? null : listFacts(after);
    if (!old || !now || old.imports !== now.imports) this.kept.forget(IMPORT_LISTS);
    if (!old || !now || old.tests !== now.tests) this.kept.forget(TEXT_TEST_LISTS);
  }

  /** What an import resolves to may have changed (the file list, a tsconfig, a package.json): nothing kept holds. */
  private newResolution(): void {
    this.resolution = {};
    this.kept.clear();
  }

  /** The file's text may have changed: what its scans learned goes. */
  private forgetScan(rel: string): void {
    this.scans.delete(rel);
    this.derived.delete(rel);
    this.spelledCount -= this.spelled.get(rel)?.size ?? 0;
    this.spelled.delete(rel);
  }

  analyzeFiles(relPaths: readonly string[], isCancelled?: () => boolean): AnalysisResult {
    const analysed = this.analysed();
    const wanted = relPaths.map(toPosix).filter(analysed);
    const result = this.analyzer().run({ onlyFiles: wanted, isCancelled });
    return this.calibration ? { ...result, findings: applyCalibration(result.findings, this.calibration, this.effectiveOptions()) } : result;
  }

  /** Whether Batchwise audits this file: a source file that no ignore (.gitignore, the project file, the caller's) leaves out. */
  audits(relPath: string): boolean {
    return this.analysed()(toPosix(relPath));
  }

  /** Findings for call sites in these files, with the project file's problems, as an audit of them reports them. */
  auditFiles(relPaths: readonly string[], isCancelled?: () => boolean): AnalysisResult {
    return this.withConfigErrors(this.analyzeFiles(relPaths, isCancelled));
  }

  analyzeAll(isCancelled?: () => boolean): AnalysisResult {
    const cached = this.cacheLookup();
    const result = cached?.hit ?? this.recorded(cached, isCancelled, () => this.analyzer().run({ isCancelled }));
    return this.withConfigErrors(this.withUsage(result, isCancelled));
  }

  /** `analyzeAll` in slices, yielding the thread between them: for an editor, which must stay responsive. */
  async analyzeAllAsync(isCancelled?: () => boolean, onProgress?: (done: number, total: number) => void): Promise<AnalysisResult> {
    const cached = this.cacheLookup();
    const result = cached?.hit ?? (await this.recordedAsync(cached, isCancelled, () => this.analyzer().runAsync({ isCancelled, onProgress })));
    return this.withConfigErrors(this.withUsage(result, isCancelled));
  }

  /** Every read of the analysis running now, when its result is to be cached: 'r:' sources, 'a:' other files, each with readHash. */
  private recording: Map<string, RecordedRead> | null = null;

  /** The cached whole-workspace result, when the cache is on and nothing it depends on changed; the key to save under otherwise. */
  private cacheLookup(): { key: string; hit: AnalysisResult | null } | null {
    const cache = this.sessionOptions.cache;
    if (!cache) return null;
    const source = this.source();
    const key = cacheKey({
      identity: cache.identity ?? engineIdentity(),
      root: this.root,
      options: [this.effectiveOptions(), this.options, this.sessionOptions.overrides ?? null],
      files: source.files,
      configFiles: source.configFiles ?? [],
    });
    const hit = loadCachedResult(
      cache.location,
      key,
      (tagged) => {
        const path = tagged.slice(2);
        if (tagged.startsWith('r:')) {
          const text = this.read(path);
          return readHash(text, text === undefined ? this.texts.get(path)?.error : undefined);
        }
        return readHash(this.readAny(path), undefined);
      },
      // An open editor's text is compared by content; a file on disk by its stamp first.
      (tagged) => (this.overlays.has(tagged.slice(2)) ? undefined : currentStamp(join(this.root, tagged.slice(2)))),
    );
    return { key, hit };
  }

  private recorded(cached: { key: string } | null, isCancelled: (() => boolean) | undefined, run: () => AnalysisResult): AnalysisResult {
    if (!cached) return run();
    this.recording = new Map();
    try {
      return this.saved(cached.key, run(), isCancelled);
    } finally {
      this.recording = null;
    }
  }

  private async recordedAsync(cached: { key: string } | null, isCancelled: (() => boolean) | undefined, run: () => Promise<AnalysisResult>): Promise<AnalysisResult> {
    if (!cached) return run();
    const recording = new Map<string, RecordedRead>();
    this.recording = recording;
    try {
      const result = await run();
      return this.recording === recording ? this.saved(cached.key, result, isCancelled) : result;
    } finally {
      if (this.recording === recording) this.recording = null;
    }
  }

  /** Writes a finished (not cancelled) analysis to the cache with what it read. */
  private saved(key: string, result: AnalysisResult, isCancelled: (() => boolean) | undefined): AnalysisResult {
    if (!isCancelled?.() && this.recording && this.sessionOptions.cache) saveCachedResult(this.sessionOptions.cache.location, key, this.recording, result);
    return result;
  }

  /** The usage reports of the project file and the session options, read once until one changes. */
  usage(): LoadedUsage {
    this.usageLoaded ??= loadUsage(this.root, this.config().config.usage ?? [], this.sessionOptions.usage ?? []);
    return this.usageLoaded;
  }

  /** The whole workspace's findings calibrated with the usage reports, and their reconciliation. */
  private withUsage(result: AnalysisResult, isCancelled?: () => boolean): AnalysisResult {
    // A cancelled scan saw only some sites: shares computed from it would be wrong.
    if (isCancelled?.()) return result;
    const loaded = this.usage();
    const { result: calibrated, calibration } = calibrateWithUsage(result, loaded.files, this.effectiveOptions());
    this.calibration = calibration;
    return loaded.errors.length ? { ...calibrated, errors: [...loaded.errors, ...calibrated.errors] } : calibrated;
  }

  private withConfigErrors(result: AnalysisResult): AnalysisResult {
    const { source, problems } = this.config();
    const configErrors = problems.map((message) => ({ file: source ?? 'batchwise.config.json', message }));
    return { ...result, errors: [...configErrors, ...result.errors] };
  }

  /** The rewrite for a finding the gate let through: `permit` from gateFix, else the gate is asked here with nothing allowed. */
  fixFor(finding: Finding, permit?: FixPermit): FixOutcome {
    const gate = permit && permits(permit, finding) ? null : gateFix(finding, { front: 'lsp', allowUnknown: false });
    if (gate && !gate.ok) return { ok: false, reason: gate.reason };
    const file = finding.site.file;
    const text = this.read(file);
    if (text === undefined) return { ok: false, reason: `${file} could not be read` };
    const analyzer = this.analyzer();
    const call = analyzer.detect(file).find((c) => c.site.range[0] === finding.site.range[0] && c.site.range[1] === finding.site.range[1]);
    if (!call) return { ok: false, reason: 'the call has changed since it was analysed; analyse the file again' };
    const chosen = chooseHelperPath(this.config(), this.sessionOptions.helperPath);
    if (chosen.problem) return { ok: false, reason: chosen.problem };
    const plan = planRewrite({
      file,
      text,
      site: call.site,
      helperPath: this.helperPathFor(file),
      helperPathExplicit: chosen.source !== null && chosen.path !== DEFAULT_HELPER_PATH,
      readExisting: (p) => this.readAny(p),
      modules: analyzer.modules,
      runsOnce: runsOnce(finding.classification),
      // The tree the analysis made, when it was made from this text.
      ast: analyzer.project.get(file)?.text === text ? analyzer.project.get(file)?.ast : undefined,
    });
    // Files are created only inside the root, never through a symbolic link out of it, never over a file.
    // Files are edited only inside it too (a package.json given a package the batch needs).
    const outside = plan.ok ? [...plan.fix.createFiles.map((c) => creationProblem(this.root, c.path)), ...plan.fix.editFiles.map((e) => editProblem(this.root, e.path))].find(Boolean) : undefined;
    return outside ? { ok: false, reason: outside } : plan;
  }

  /** How many source files the folder holds (after ignores). */
  fileCount(): number {
    return this.files().length;
  }

  /**
   * The helper module path with the extension the importing file's language calls for: a JavaScript
   * file gets a JavaScript helper even in a TypeScript project, since Node cannot load a .ts one.
   */
  helperPathFor(file: string): string {
    // The project's file wins over the editor setting: one place the whole team shares.
    const chosen = chooseHelperPath(this.config(), this.sessionOptions.helperPath);
    // The default goes in the package that holds the file: that is where the package manager installs the
    // SDK the helper imports (a workspace's root, under pnpm or Yarn's Plug'n'Play, resolves only its own).
    const base = chosen.source === null ? joinPath(nearestPackageJson(file, (p) => this.readAny(p))?.dir ?? '', chosen.path) : chosen.path;
    if (/\.[cm]?[jt]s$/.test(base)) return base;
    if (/\.mjs$/.test(file)) return base + '.mjs';
    if (/\.cjs$/.test(file)) return base + '.cjs';
    return base + (/\.[cm]?tsx?$/.test(file) ? '.ts' : '.js');
  }

  /** The project's batchwise.config.json (or package.json "batchwise" key), read once until invalidated. */
  config(): LoadedConfig {
    this.projectConfig ??= loadProjectConfig(this.root);
    return this.projectConfig;
  }

  /** Settings as the engine sees them: base (editor settings or defaults) < project file < overrides. */
  effectiveOptions(): AnalysisOptions {
    return { ...applyProjectConfig(this.options, this.config().config), ...this.sessionOptions.overrides };
  }

  private analyzer(): Analyzer {
    return new Analyzer(this.source(), this.effectiveOptions(), pipelineStagesFor((p) => this.readAny(p)), this.parseCache, {
      onModelsDropped: this.sessionOptions.onModelsDropped,
      onSdkMention: this.sessionOptions.onSdkMention,
      scanMemo: this.sessionOptions.singleRun ? undefined : this.scanMemo,
    // A single run keeps nothing for a next one; an analysis whose reads are recorded for the cache must make every read itself.
    }, this.sessionOptions.singleRun || this.recording ? undefined : this.kept);
  }

  /** Whether a path is analysed: a source file the ignores (.gitignore, the project file, the caller's) leave in. */
  private analysed(): (rel: string) => boolean {
    this.files();
    return this.wanted!;
  }

  private files(): string[] {
    if (!this.fileList) {
      const ignores = [...(this.sessionOptions.ignore ?? []), ...(this.config().config.ignore ?? [])];
      this.wanted = sourceFileFilter(this.root, ignores);
      const found = new Set(listSourceFiles(this.root, ignores));
      // Unsaved files an editor holds are analysed too, unless ignored.
      for (const rel of this.overlays.keys()) if (this.wanted(rel)) found.add(rel);
      this.fileList = [...found].sort();
      this.newResolution();
      for (const rel of this.parseCache.keys()) if (!found.has(rel)) this.parseCache.delete(rel);
    }
    return this.fileList;
  }

  private source(): ProjectSource {
    this.configList ??= listConfigFiles(this.root);
    return {
      files: this.files(),
      configFiles: this.configList,
      read: (p) => this.read(p),
      readError: (p) => this.texts.get(toPosix(p))?.error,
    };
  }

  private read(rel: string): string | undefined {
    const text = this.readSource(rel);
    // Hashed once per analysis: the analysis reads a file's text many times, and it does not change in between.
    if (this.recording && !this.recording.has(`r:${rel}`)) {
      const cached = this.overlays.has(rel) ? undefined : this.texts.get(rel);
      this.recording.set(`r:${rel}`, { hash: readHash(text, text === undefined ? cached?.error : undefined), stamp: cached?.stamp });
    }
    return text;
  }

  private readSource(rel: string): string | undefined {
    const overlay = this.overlays.get(rel);
    if (overlay !== undefined) return overlay;
    let cached = this.texts.get(rel);
    if (!cached) {
      const stamp = this.sessionOptions.cache ? stampBeforeRead(join(this.root, rel)) : undefined;
      if (isSourceFile(rel)) {
        const outcome = readSourceFile(join(this.root, rel));
        cached = outcome.ok ? { text: outcome.text, stamp } : { error: outcome.message, stamp };
      } else {
        cached = { text: this.readAny(rel), stamp };
      }
      this.texts.set(rel, cached);
    }
    return cached.text;
  }

  /** Project metadata files (package.json, tsconfig.json) and the helper module: plain reads, absent is fine. */
  private readAny(rel: string): string | undefined {
    const overlaid = this.overlays.has(toPosix(rel));
    const stamp = this.recording && !overlaid && !this.recording.has(`a:${rel}`) ? stampBeforeRead(join(this.root, rel)) : undefined;
    const text = this.readOther(rel);
    if (this.recording && !this.recording.has(`a:${rel}`)) this.recording.set(`a:${rel}`, { hash: readHash(text, undefined), stamp });
    return text;
  }

  private readOther(rel: string): string | undefined {
    // An open editor's text wins over the disk here too (a helper module a fix created and the user has open).
    const overlay = this.overlays.get(toPosix(rel));
    if (overlay !== undefined) return overlay;
    try {
      return readFileSync(join(this.root, rel), 'utf8');
    } catch {
      return undefined;
    }
  }
}
