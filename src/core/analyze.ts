// The pipeline over a project: prefilter → parse → detect → classify → estimate → fix check.
import type { AnalysisOptions, AnalysisResult, CallSite, Classification, Estimate, Finding, FixSummary, ProjectSource, RunsOnce } from './model';
import { failureMessage, ModuleLookup, ParseCache, ProjectIndex, ProjectIndexOptions } from './project';
import { Resolver } from './detect/resolve';
import { detectInFile, mayContainCalls, mentionsSdk, mocksProviderCalls, DetectedCall } from './detect/detect';
import { Classifier, isTestFile } from './classify';
import { GraphMemos, KeptGraph } from './classify/graph';
import { LOW_VOLUME } from './classify/rules/calls';
import { evidenceOf } from './classify/path';
import type { TSESTree } from './parse/parse';

/** Why a batchable call in a serverless function gets no rewrite. */
function serverlessRefusal(platform: string): string {
  return (
    `the call runs in ${platform}, which the platform stops after minutes, while a batch takes up to 24 hours to finish: the rewritten code would be stopped before its results arrive. ` +
    "Submit the batch in one run and collect its results in a later one (keep the helper's state in lasting storage, not the function's disk)"
  );
}

/** What an analysis tells its owner as it goes. */
export interface AnalyzerHooks {
  /**
   * Called once, the first time a file read for the analysis names an LLM SDK or a provider
   * (`mentionsSdk`): the CLI starts its token-counting worker then, so a tree that names none (babel's
   * 17,000 files) never builds an encoding, and one that does builds it while the rest is read.
   */
  onSdkMention?: () => void;
}

/** What the fix check is told of a call made once per run (see Classification.oncePerRun). */
export function runsOnce(c: Classification): RunsOnce | undefined {
  if (!c.oncePerRun) return undefined;
  return c.volume ? { schedule: c.volume.source, callsPerDay: c.volume.callsPerDay } : { entry: c.oncePerRun };
}

/** Stages after classification, passed in so the pipeline can be assembled (and tested) piece by piece. */
export interface PipelineStages {
  estimate?: (site: CallSite, options: AnalysisOptions, context?: Pick<Classification, 'volume' | 'run'>) => Estimate | null;
  fixCheck?: (input: { file: string; text: string; site: CallSite; ast?: TSESTree.Program; modules?: ModuleLookup; runsOnce?: RunsOnce }) => FixSummary | { refused: string };
}

export interface AnalyzeRequest {
  /** Only report call sites in these files (all files when omitted); context still comes from the whole project. */
  onlyFiles?: readonly string[];
  isCancelled?: () => boolean;
}

export class Analyzer {
  readonly project: ProjectIndex;
  private resolver!: Resolver;
  private classifier!: Classifier;
  /** The call graph's findings by file name, which outlive the syntax models (`keepWithinBudget`) and, kept by a session, the analysis. */
  private readonly graphMemos: GraphMemos;

  constructor(
    source: ProjectSource,
    private readonly options: AnalysisOptions,
    private readonly stages: PipelineStages = {},
    parseCache?: ParseCache,
    projectOptions?: ProjectIndexOptions & AnalyzerHooks,
    /** Memos an editor's session keeps across its analyses, each entry with what it read (depends.ts). */
    kept?: KeptGraph,
  ) {
    const { onSdkMention, ...indexOptions } = projectOptions ?? {};
    let told = false;
    const prefilter = onSdkMention
      ? (text: string) => {
          const may = mayContainCalls(text);
          if (may && !told && mentionsSdk(text)) {
            told = true;
            onSdkMention();
          }
          return may;
        }
      : mayContainCalls;
    this.project = new ProjectIndex(source, parseCache, { prefilter, ...indexOptions, deps: kept?.deps });
    this.graphMemos = new GraphMemos(kept);
    this.startFresh();
  }

  /** A resolver and a classifier with empty memos (the call graph's memos by file name stay). */
  private startFresh(): void {
    this.resolver = new Resolver(this.project);
    this.classifier = new Classifier(this.project, this.resolver, (file) => this.llmCallsIn(file), this.graphMemos);
  }

  /**
   * Between two files, when the kept syntax models hold more source than the budget: drops them and
   * everything that holds their nodes (the resolver's and the walker's memos, the detected calls), so
   * memory follows the files one call's analysis needs, not every file the audit has read. A model
   * asked for again is parsed again; what the call graph learned by file name stays.
   */
  private keepWithinBudget(): void {
    this.project.nextTurn();
    if (!this.project.overBudget()) return;
    this.detected.clear();
    this.startFresh();
    this.project.dropModels();
  }

  private readonly detected = new Map<string, readonly TSESTree.CallExpression[]>();

  /** The LLM calls of a file, detected once (none where its text can hold none, or its detection fails). */
  private llmCallsIn(file: string): readonly TSESTree.CallExpression[] {
    let calls = this.detected.get(file);
    if (!calls) {
      try {
        calls = this.project.mayHoldCalls(file) ? this.detect(file).map((c) => c.node) : [];
      } catch {
        calls = []; // the file's own turn reports why
      }
      this.detected.set(file, calls);
    }
    return calls;
  }

  /** The project's modules by import specifier, parsed: what a fix reads to follow an imported function. */
  get modules(): ModuleLookup {
    return this.project.moduleLookup;
  }

  /** Call sites in one file, with their AST nodes (for rewrites). */
  detect(file: string): DetectedCall[] {
    return detectInFile(this.project, this.resolver, file);
  }

  run(request: AnalyzeRequest = {}): AnalysisResult {
    const steps = this.steps(request);
    let step = steps.next();
    while (!step.done) step = steps.next();
    return step.value;
  }

  /**
   * The same analysis as `run`, handing the thread back between files whenever a slice of work has
   * taken `sliceMs` (default 15 ms), so an editor stays responsive, can show progress and can honour
   * a cancel button while a whole workspace is scanned. Results are identical to `run`.
   */
  async runAsync(request: AnalyzeRequest & { onProgress?: (done: number, total: number) => void; sliceMs?: number } = {}): Promise<AnalysisResult> {
    const sliceMs = request.sliceMs ?? 15;
    const steps = this.steps(request);
    let sliceStart = Date.now();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      if (Date.now() - sliceStart >= sliceMs) {
        request.onProgress?.(step.value.done, step.value.total);
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        sliceStart = Date.now();
      }
    }
  }

  /** The analysis, one file per step. */
  private *steps(request: AnalyzeRequest): Generator<{ done: number; total: number }, AnalysisResult> {
    const files = request.onlyFiles ?? this.project.files;
    if (!request.onlyFiles) {
      try {
        this.project.scanFirst();
      } catch {
        // The scan is made again when a call's callers are looked for, where a failure costs that call.
      }
    }
    const findings: Finding[] = [];
    let done = 0;
    for (const file of files) {
      if (request.isCancelled?.()) break;
      done++;
      this.keepWithinBudget();
      const passes = this.project.mayHoldCalls(file);
      if (passes === false) continue;
      const text = passes ? this.project.text(file) : undefined;
      if (text === undefined) {
        this.project.get(file); // records why it could not be read
        continue;
      }
      // A test that calls the real API (a live test, an eval kept as a test) costs money and is reported;
      // one that mocks the SDK or the network makes no paid call. Only tests that name an SDK or a
      // provider themselves are read: a repository has thousands of tests, and few make paid calls.
      if (isTestFile(file) && (!mentionsSdk(text) || mocksProviderCalls(text))) continue;
      let calls: DetectedCall[] = [];
      try {
        calls = this.detect(file);
      } catch (err) {
        // A file whose analysis fails costs that file, not the audit.
        this.project.addError(file, failureMessage(err));
      }
      const nodes = calls.map((c) => c.node);
      this.detected.set(file, nodes);
      for (const call of calls) findings.push(this.finding(call, text, nodes));
      yield { done, total: files.length };
    }
    findings.sort((a, b) => (a.site.file < b.site.file ? -1 : a.site.file > b.site.file ? 1 : a.site.range[0] - b.site.range[0]));
    const wanted = new Set(files);
    const errors = this.project.errors.filter((e) => wanted.has(e.file) || !request.onlyFiles);
    return { findings, errors };
  }

  private finding(call: DetectedCall, text: string, fileCalls: readonly TSESTree.CallExpression[]): Finding {
    const { file } = call.site;
    const line = call.site.loc.start.line;
    const classification = this.classifier.classify(call.site, call.node, fileCalls);
    let estimate: Estimate | null = null;
    try {
      estimate = this.stages.estimate ? this.stages.estimate(call.site, this.options, { volume: classification.volume, run: classification.run }) : null;
    } catch (err) {
      this.project.addError(file, `the cost of the call at line ${line} could not be estimated: ${failureMessage(err)}`, line);
    }
    let fix: FixSummary | null = null;
    let fixRefusal: string | null = null;
    if (classification.verdict === 'batchable' && classification.runsIn) {
      // The rewrites wait for the batch where the call stood; a serverless run is stopped long before.
      fixRefusal = serverlessRefusal(classification.runsIn);
    } else if (classification.verdict === 'batchable' && this.stages.fixCheck) {
      try {
        const check = this.stages.fixCheck({ file, text, site: call.site, ast: this.project.get(file)?.ast, modules: this.modules, runsOnce: runsOnce(classification) });
        if ('refused' in check) fixRefusal = check.refused;
        else fix = check;
      } catch (err) {
        const reason = failureMessage(err);
        this.project.addError(file, `the rewrite of the call at line ${line} could not be checked: ${reason}`, line);
        fixRefusal = `the rewrite could not be checked: ${reason}`;
      }
    }
    const threshold = this.options.lowVolumeThreshold ?? 0;
    // A per-run figure's calls are one run's: at most one batch, whatever the day.
    const calls = estimate ? (estimate.perRun ? estimate.perRun.calls : estimate.callsPerDay) : 0;
    const lowVolume = classification.verdict === 'batchable' && estimate !== null && calls < threshold;
    if (lowVolume) {
      const e = estimate!;
      const message = e.perRun ? LOW_VOLUME.messages.belowPerRun(e.perRun.calls, threshold) : LOW_VOLUME.messages.below(e.callsPerDay, threshold);
      classification.evidence.push(evidenceOf(LOW_VOLUME, message, call.site.file, call.site.loc.start.line));
    }
    return { site: call.site, classification, estimate, fix, fixRefusal, ...(lowVolume ? { lowVolume } : {}) };
  }
}
