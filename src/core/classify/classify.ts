// The verdict: walk outward from a call through enclosing functions and their callers (across files)
// to the entry points that reach it, then weigh what those entries say about who waits.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit, Node } from '../parse/walk';
import type { CallSite, Classification, Evidence } from '../model';
import { Resolver } from '../detect/resolve';
import { isFunctionLike, propertyName, FunctionLike, unwrap } from '../syntax/nodes';
import { isValueReference } from './references';
import type { ModuleRef } from '../syntax/modules';
import { enclosingFunctionName, functionName } from '../detect/detect';
import type { ProjectIndex } from '../project';
import type { Binding, SyntaxModel } from '../syntax/model';
import { dirname, joinPath, stripExtension } from '../project';
import { parseConfigFileTextToJson } from 'typescript';
import {
  EntryMatch,
  hasDirective,
  isEvalFile,
  isTestFile,
  nextRoutePath,
  STREAM_TO_CLIENT,
  matchExportConvention,
  matchFileEntry,
  matchOptionRegistration,
  matchRegistration,
  PackageInfo,
  StringOf,
  readPackageJson,
  readPromptfooFiles,
  readScheduledWorkflows,
  readServerlessFunctions,
  readSamFunctions,
  readWranglerCrons,
  scheduleShorthand,
  matchMemberConvention,
  matchDiscordModule,
  matchFirebaseTrigger,
  LambdaFunction,
  ScheduledWorkflow,
  ScopedPackage,
  topLevelAwait,
  mainCall,
} from './entries';
import { ruleById } from './rules';
import { serverStartIn, ServerStart } from './server';
import { batchSource, isDiskSource, Loop, loopAround } from './loops';
import { importSource, promptBefore, stdinLineHandler } from './interactive';
import { argvReadIn, cliCommandHandler, readsFolderIn } from './cli';
import { cronRunsPerDay } from './schedule';

/** 'blocked': a caller may exist in a file that could not be parsed, so the call cannot be shown batchable. */
type PathEffect = 'user-waiting' | 'batchable' | 'open' | 'excluded' | 'blocked';

interface Path {
  effect: PathEffect;
  rule: string;
  /** The entry, in words. */
  entry: string;
  file: string;
  line: number;
  /** Function names from the entry inward to the function holding the call. */
  steps: string[];
  loops: Loop[];
  schedule?: string;
  /** The serverless platform that runs the entry, which stops a run after minutes. */
  platform?: string;
  /** On module-level code of a file that starts a long-running server: what starts it. */
  startup?: string;
  /** The functions the path runs through, entry side first: read for what they do with a job (producers). */
  spans?: Span[];
  /** The open path of module-level code in a file that is no entry point. */
  moduleLevel?: boolean;
  /**
   * Something runs this code, but Batchwise does not know what (a callback handed to an unknown event
   * API, a Lambda handler no template maps): it is reached, not unreached, so no loop decides for it.
   */
  runByUnknown?: boolean;
  /** Run by a command-line program's command handler: the command, in words, and where it is registered. */
  commandLine?: string;
}

interface Span {
  file: string;
  range: [number, number];
}

const MAX_DEPTH = 16;
const FOLDER_IMPORT = /(from\s*|require\(\s*)['"]\.\.?\/?['"]/;

/**
 * One place a function (or a value standing for one) is used. `call`: node is the call. `argument`:
 * the call it is handed to. `option`: the Property of an options object handed to a call. `member`:
 * the Property of an object literal it is stored in. `alias`: the VariableDeclarator whose binding
 * `name` now holds it. `value`: an expression that stands for it (`fn.bind(x)`, `a ?? fn`). `jsx`: the
 * JSX attribute it is handed to. `unfollowed`: a reference the walk cannot follow, `how` in words.
 * `unparsed`: a file that mentions it but does not parse.
 */
interface Use {
  kind: 'call' | 'argument' | 'option' | 'unparsed' | 'member' | 'alias' | 'value' | 'jsx' | 'unfollowed' | 'entry';
  file: string;
  node: Node;
  /** The name the unparsed file mentions; the local name an alias binds. */
  name?: string;
  how?: string;
  /** For 'entry': the path a file convention makes of a re-export. */
  entry?: Path;
}

/** A reference to a value in some file: an identifier or member expression, or why it cannot be followed. */
type Ref =
  | { file: string; node: Node }
  | { file: string; node: Node; unfollowed: string }
  | { file: string; node: TSESTree.VariableDeclarator; alias: string }
  // A re-export that a file convention makes an entry (`export { POST } from './handler'` in route.ts).
  | { file: string; node: Node; entry: Path };

/** How many modules the search for a method's callers reads before it stops and says so. */
const MAX_IMPORTERS = 400;

export class Classifier {
  /** package.json files by folder, read on first use ('' is the root). */
  private readonly packageByDir = new Map<string, PackageInfo | null>();
  private readonly pathMemo = new Map<Node, Path[]>();
  /** Route paths that vercel.json runs on a schedule. */
  private readonly cronRoutes: Map<string, string>;

  constructor(
    private readonly project: ProjectIndex,
    private readonly resolver: Resolver,
  ) {
    this.cronRoutes = readVercelCrons(project.text('vercel.json'));
    this.workflows = readScheduledWorkflows(project.source.configFiles ?? [], (p) => project.text(p));
    this.promptfooFiles = readPromptfooFiles(project.source.configFiles ?? [], (p) => project.text(p), (from, spec) => project.resolveImport(from, spec));
  }
  private readonly promptfooFiles: Set<string>;

  private isEval(file: string): boolean {
    return isEvalFile(file) || this.promptfooFiles.has(file);
  }
  private readonly workflows: ScheduledWorkflow[];

  classify(site: CallSite, callNode: TSESTree.CallExpression): Classification {
    const inferred = this.infer(site, callNode);
    const declared = declaredContext(site);
    if (!declared) return inferred;
    // The declaration wins; what inference found stays visible beside it.
    return { ...declared, evidence: [...declared.evidence, ...inferred.evidence] };
  }

  private infer(site: CallSite, callNode: TSESTree.CallExpression): Classification {
    const paths = dedupePaths(this.walkFrom(site.file, callNode, 0, new Set())).map((p) => this.oneShotCommand(p) ?? p);
    const evidence: Evidence[] = [];
    const streams = site.streaming && !site.streamingUnknown;
    if (streams) {
      evidence.push({
        rule: 'streaming-response',
        message: 'the response is streamed, so a reader is consuming it as it arrives; the Batch APIs do not stream',
        file: site.file,
        line: site.loc.start.line,
      });
    }
    const waiting = paths.filter((p) => p.effect === 'user-waiting');
    const batch = paths.filter((p) => p.effect === 'batchable');
    const open = paths.filter((p) => p.effect === 'open');
    const loops = uniqueEvidence(paths.flatMap((p) => p.loops));

    if (site.streamingUnknown && waiting.length === 0) {
      evidence.push({
        rule: 'streaming-response',
        message:
          "the request's `stream` option is set to a value Batchwise cannot read, so the call may stream, and the Batch APIs do not stream; " +
          'set it to a literal or a constant, or declare the context with `// batchwise: batch` if it never streams',
        file: site.file,
        line: site.loc.start.line,
      });
      for (const p of paths) evidence.push(pathEvidence(p, 'reached from '));
      return { verdict: 'unknown', confidence: 0.5, evidence };
    }
    // A script streaming each item of a dataset to its own console: nobody is reading along, but the
    // Batch APIs do not stream, so the call is not batchable as written.
    if (streams && waiting.length === 0 && batch.length > 0 && paths.every((p) => p.effect === 'batchable' || p.effect === 'excluded') && loops.some((l) => l.batchSource && !l.literal)) {
      evidence[0] = {
        ...evidence[0],
        message:
          'the response is streamed, and the Batch APIs do not stream; but the call runs once per item of batch data from a batch entry, so nobody is reading along. ' +
          'Drop `stream` (read the whole answer) to make it batchable, or declare it with `// batchwise: user-waiting` if a person watches the output',
      };
      for (const p of batch) evidence.push(pathEvidence(p, 'reached only from '));
      evidence.push(...loops.map(plainEvidence));
      return { verdict: 'unknown', confidence: 0.5, evidence };
    }
    if (waiting.length > 0 || streams) {
      for (const p of waiting) evidence.push(pathEvidence(p, 'a person waits: '));
      for (const p of batch) {
        evidence.push({ ...pathEvidence(p, 'also reached from '), rule: 'call-chain' });
      }
      return { verdict: 'user-waiting', confidence: 0.95, evidence };
    }
    const blocked = paths.filter((p) => p.effect === 'blocked');
    if (blocked.length > 0) {
      for (const p of blocked) evidence.push({ rule: p.rule, message: p.entry, file: p.file, line: p.line });
      for (const p of batch) evidence.push({ ...pathEvidence(p, 'also reached from '), rule: 'call-chain' });
      evidence.push(...loops.map(plainEvidence));
      return { verdict: 'unknown', confidence: 0.5, evidence };
    }
    if (batch.length > 0 && open.length === 0) {
      for (const p of batch) evidence.push(pathEvidence(p, 'reached only from '));
      evidence.push(...loops.map(plainEvidence));
      const platform = batch.find((p) => p.platform)?.platform;
      return { verdict: 'batchable', confidence: 0.9, evidence, ...scheduledVolume(batch), ...(platform ? { runsIn: platform } : {}) };
    }
    if (batch.length > 0) {
      // A path Batchwise cannot place may be a person's request (a handler of a framework it does not
      // know, a caller it cannot follow): one batch path beside it proves nothing about that one.
      for (const p of batch) evidence.push({ ...pathEvidence(p, 'reached from '), rule: 'call-chain' });
      for (const p of open) evidence.push(pathEvidence(p, 'also reached from '));
      evidence.push(...loops.map(plainEvidence));
      const first = open[0];
      evidence.push({
        rule: 'no-entry-point',
        message:
          `batchable only if nobody waits on any path, and ${open.length === 1 ? 'one path' : `${open.length} paths`} (the first from ${first.file}:${first.line}) end${open.length === 1 ? 's' : ''} where Batchwise cannot tell who waits. ` +
          'If nobody waits there either, declare the call with `// batchwise: batch`; if a person does, with `// batchwise: user-waiting`',
        file: first.file,
        line: first.line,
      });
      return { verdict: 'unknown', confidence: 0.5, evidence };
    }
    // No entry point decides. A loop alone shows the call runs many times, not that nobody waits
    // (`for (const item of req.body.items)` in a handler Batchwise does not know); only a loop over
    // data read from disk, in code that nothing is seen to reach, does. A literal list, an imported
    // constant or a bulk query is looped over by request handlers too.
    const unreached = paths.every((p) => p.effect === 'open' && p.rule === 'no-entry-point' && !p.runByUnknown);
    if (loops.some((l) => l.fromDisk) && unreached) {
      evidence.push(...loops.map(plainEvidence));
      for (const p of open) evidence.push(openEvidence(p));
      return { verdict: 'batchable', confidence: 0.6, evidence };
    }
    evidence.push(...loops.map(plainEvidence));
    for (const p of paths) evidence.push(openEvidence(p));
    if (loops.length > 0 && unreached) {
      evidence.push({
        rule: 'no-entry-point',
        message:
          'the loop shows the call runs once per item, not who waits: nothing Batchwise can see runs this code, and the items may come from a request. ' +
          'A script, cron schedule or bulk queue producer reaching it would make it batchable, a route or bot handler user-waiting; if nobody waits for it, declare it with `// batchwise: batch`',
        file: loops[0].file,
        line: loops[0].line,
      });
    }
    if (evidence.length === 0) {
      // Callers were found, but every chain of them ran back into itself (a call cycle), past the
      // depth limit, or into a value that is never used: none starts at an entry point.
      const holder = site.enclosingFunction ? `\`${site.enclosingFunction}\`` : 'the code that holds it';
      evidence.push({
        rule: 'no-entry-point',
        message:
          `no entry point reaches this call: ${holder} is used, but every chain of callers Batchwise followed from it leads back into itself (a call cycle), ` +
          `past ${MAX_DEPTH} calls, or into a value nothing uses. If nobody waits for it, declare it with \`// batchwise: batch\`; if a person does, with \`// batchwise: user-waiting\``,
        file: site.file,
        line: site.loc.start.line,
      });
    }
    return { verdict: 'unknown', confidence: 0.5, evidence };
  }

  /**
   * A batch path that makes one call per run of a command-line program from what was typed on its
   * command line (a command's arguments, `process.argv`): the person who typed it waits for the answer,
   * or may; it is no bulk work. Open, not batchable. Null when the path is not such a run.
   */
  private oneShotCommand(p: Path): Path | null {
    if (p.effect !== 'batchable' || p.loops.length > 0) return null;
    const spans = [...(p.spans ?? []), { file: p.file, range: [0, Number.MAX_SAFE_INTEGER] as [number, number] }];
    // One call over every file of a folder (`embedDocuments(readdirSync(dir).map(read))`) is bulk work.
    if (spans.some((span) => { const fi = this.project.get(span.file); return fi != null && readsFolderIn(fi, span.range); })) return null;
    let input = p.commandLine ?? null;
    if (!input) {
      for (const span of spans) {
        const fi = this.project.get(span.file);
        const read = fi ? argvReadIn(fi, span.range) : null;
        if (read) {
          input = `it reads its command line (\`process.argv\` at ${span.file}:${read.loc.start.line})`;
          break;
        }
      }
    }
    if (!input) return null;
    return {
      ...p,
      effect: 'open',
      rule: 'command-line-input',
      entry:
        `${p.entry}, but each run makes this call once, not per item of a collection, and ${input}: the person who typed the command may be waiting for the answer. ` +
        'If runs are unattended (a schedule, a pipeline), declare the call with `// batchwise: batch`',
    };
  }

  /** Paths from entry points to `node`, found by climbing to its enclosing function. */
  private walkFrom(file: string, node: Node, depth: number, visiting: Set<Node>): Path[] {
    const fi = this.project.get(file);
    if (!fi) return [];
    const loops: Loop[] = [];
    let child: Node = node;
    let cur = fi.parents.get(node);
    while (cur) {
      const loop = loopAround(fi, file, cur, child);
      if (loop) loops.push(loop);
      if (isFunctionLike(cur)) {
        const prompt = this.promptPath(fi, file, cur, node, loops);
        if (prompt) return [prompt];
        return this.functionPaths(file, cur, depth, visiting).map((p) => ({ ...p, loops: [...p.loops, ...loops] }));
      }
      child = cur;
      cur = fi.parents.get(cur);
    }
    const prompt = this.promptPath(fi, file, fi.ast, node, loops);
    if (prompt) return [prompt];
    return this.topLevelPaths(fi, file).map((p) => ({ ...p, loops: [...p.loops, ...loops] }));
  }

  /** A read of what a person types, earlier in the same function (or module) run: that person waits for the answer. */
  private promptPath(fi: SyntaxModel, file: string, scope: Node, at: Node, loops: Loop[]): Path | null {
    if (isTestFile(file)) return null;
    const read = promptBefore(fi, scope, at);
    if (!read) return null;
    const line = read.node.loc.start.line;
    return {
      effect: 'user-waiting',
      rule: 'interactive-prompt',
      entry: `it answers what a person types: ${read.what} at ${file}:${line} waits for their input, and they wait for the answer`,
      file,
      line,
      steps: [],
      loops,
    };
  }

  private topLevelPaths(fi: SyntaxModel, file: string): Path[] {
    const program = fi.ast;
    if (isTestFile(file)) return [excludedPath(file)];
    // Checked before the npm script or top-level await that starts the file: those say how the
    // process starts, not who waits on the handlers it serves.
    const server = this.serverStart(file, fi);
    if (server) return [startupPath(file, server)];
    const entry = matchFileEntry(file, fi.text, program, this.packagesAbove(file), this.workflows) ?? this.standaloneProgram(file, fi);
    if (entry) return [toPath(entry, file)];
    return [
      {
        effect: 'open',
        rule: 'no-entry-point',
        entry: `module-level code in ${file}, which is not a recognised entry point`,
        file,
        line: 1,
        steps: [],
        loops: [],
        moduleLevel: true,
      },
    ];
  }

  /** The package.json files from the file's folder up to the root, nearest first. */
  private packagesAbove(file: string): ScopedPackage[] {
    const out: ScopedPackage[] = [];
    let dir = file;
    do {
      dir = dirname(dir);
      let pkg = this.packageByDir.get(dir);
      if (pkg === undefined) {
        pkg = readPackageJson(this.project.text(dir === '' ? 'package.json' : `${dir}/package.json`));
        this.packageByDir.set(dir, pkg);
      }
      if (pkg) out.push({ dir, pkg });
    } while (dir !== '');
    return out;
  }

  /** Top-level await in a file no module imports (see `topLevelAwait`). */
  private standaloneProgram(file: string, fi: SyntaxModel): EntryMatch | null {
    const entry = topLevelAwait(file, fi.text, fi.ast) ?? mainCall(file, fi.text, fi.ast);
    return entry && this.importersOf(file).length === 0 ? entry : null;
  }

  private functionPaths(file: string, fn: FunctionLike, depth: number, visiting: Set<Node>): Path[] {
    const span: Span = { file, range: fn.range };
    return this.guarded(fn, depth, visiting, () => this.functionPathsUncached(file, fn, depth, visiting).map((p) => ({ ...p, spans: [...(p.spans ?? []), span] })));
  }

  /** Where each function being walked sits on the walk's stack (0 = outermost). */
  private readonly stackIndex = new Map<Node, number>();
  /** The outermost stack position a cycle was cut at since the current function began; -1 for the depth limit. */
  private lowestCut = Infinity;

  /**
   * Memoised, cycle-safe evaluation of the paths to a function (or to a value standing for one).
   * A result computed while a cycle was cut at a function further out lacks that function's paths:
   * it is right for this walk but not for another starting elsewhere, so it is not memoised.
   */
  private guarded(key: Node, depth: number, visiting: Set<Node>, compute: () => Path[]): Path[] {
    const memo = this.pathMemo.get(key);
    if (memo) return memo;
    if (visiting.has(key)) {
      this.lowestCut = Math.min(this.lowestCut, this.stackIndex.get(key) ?? -1);
      return [];
    }
    if (depth > MAX_DEPTH) {
      this.lowestCut = -1;
      return [];
    }
    const index = this.stackIndex.size;
    const outer = this.lowestCut;
    this.lowestCut = Infinity;
    visiting.add(key);
    this.stackIndex.set(key, index);
    let result: Path[];
    try {
      result = compute();
    } finally {
      visiting.delete(key);
      this.stackIndex.delete(key);
    }
    const cut = this.lowestCut;
    if (cut >= index) this.pathMemo.set(key, result);
    this.lowestCut = Math.min(outer, cut < index ? cut : Infinity);
    return result;
  }

  private functionPathsUncached(file: string, fn: FunctionLike, depth: number, visiting: Set<Node>): Path[] {
    const fi = this.project.get(file)!;
    if (isTestFile(file)) return [excludedPath(file)];
    const name = functionName(fi, fn);
    const withStep = (paths: Path[]) => (name ? paths.map((p) => ({ ...p, steps: [...p.steps, name] })) : paths);

    if (fn.body?.type === T.BlockStatement && hasDirective(fn.body.body, 'use server')) {
      return [toPath({ rule: 'server-action', message: `server action ${name ?? ''} in ${file}:${fn.loc.start.line}`.replace('  ', ' '), node: fn }, file)];
    }
    const self = fi.outermost(fn);
    const parent = fi.parents.get(self);
    // An immediately invoked function runs where it is written.
    if (parent?.type === T.CallExpression && parent.callee === self) return this.walkFrom(file, parent, depth + 1, visiting);
    // A callback handed to a call: a framework registration, or transparent (map, then, setTimeout ...).
    if (parent && (parent.type === T.CallExpression || parent.type === T.NewExpression) && parent.arguments.includes(self as never)) {
      const loop = loopAround(fi, file, parent, self);
      const paths = this.argumentPaths(file, parent, depth, visiting);
      return withStep(loop ? paths.map((p) => ({ ...p, loops: [...p.loops, loop] })) : paths);
    }
    // A handler inside an options object: Trigger.dev `task({ id, run })`, Fastify `route({ handler })` ...
    const option = parent?.type === T.Property && parent.value === self ? this.optionPaths(file, parent, depth, visiting) : null;
    if (option) return withStep(option);
    const decorated = this.decoratorEntry(fi, file, fn);
    if (decorated) return [toPath(decorated, file)];

    const resolver = graphqlResolver(fi, file, fn);
    if (resolver) return withStep([toPath(resolver, file)]);
    if (name && (/^use[A-Z]/.test(name) || (/^[A-Z]/.test(name) && /\.[jt]sx$/.test(file)))) {
      const kind = name.startsWith('use') ? 'React hook' : 'UI component';
      return withStep([toPath({ rule: 'ui-component', message: `${kind} \`${name}\` in ${file}:${fn.loc.start.line}`, node: fn }, file)]);
    }
    if (fn.body && STREAM_TO_CLIENT.test(fi.text.slice(fn.body.range[0], fn.body.range[1]))) {
      const label = name ? `\`${name}\`` : 'the enclosing function';
      return withStep([toPath({ rule: 'stream-to-client', message: `${label} streams its answer to an HTTP client (${file}:${fn.loc.start.line})`, node: fn }, file)]);
    }

    // A handler built by a factory (`router.post('/x', makeHandler(deps))`) is used where the factory's result is.
    const factory = returningFunction(fi, self);
    const made = factory ? this.factoryPaths(file, factory, depth, visiting) : null;
    if (made) return withStep(made);

    const exportNames = exportNamesOf(fi, fn, name);
    const byName = this.namedPaths(file, fn, name, exportNames, depth, visiting);
    // A method of an object literal is also used through the object (`export const { POST } = handlers`).
    const inObject = parent?.type === T.Property && parent.value === self && fi.parents.get(parent)?.type === T.ObjectExpression && !optionCall(fi, parent);
    const stored = inObject ? this.memberPaths(file, parent as TSESTree.Property, depth, visiting, false) : [];
    const found = byName || stored.length > 0 ? [...(byName ?? []), ...stored] : null;
    if (found) return withStep(found);
    // An object's function that nothing calls by name belongs to the call the object is handed to.
    const holder = parent?.type === T.Property ? optionCall(fi, parent) : null;
    if (holder) {
      const key = propertyName((parent as TSESTree.Property).key, (parent as TSESTree.Property).computed);
      return withStep(this.argumentPaths(file, holder, depth, visiting, key && EVENT_KEY.test(key) ? key : undefined));
    }
    if (this.isEval(file)) {
      const how = this.promptfooFiles.has(file) ? 'code a promptfoo config runs' : 'an eval harness';
      return withStep([toPath({ rule: 'eval-harness', message: `${how} (${file})`, node: fn }, file)]);
    }
    const label = name ? `\`${name}\`` : 'this function';
    return withStep([
      {
        effect: 'open',
        rule: 'no-entry-point',
        entry:
          exportNames.length > 0
            ? `${label} is exported from ${file} but nothing in the workspace calls it`
            : `${label} in ${file} is not called anywhere Batchwise can see`,
        file,
        line: fn.loc.start.line,
        steps: [],
        loops: [],
      },
    ]);
  }

  /**
   * Paths through what a function (or a value standing for one) is known by: the file conventions of
   * its exports, then its uses in the workspace. Null when it has neither.
   */
  private namedPaths(file: string, value: Node, name: string | null, exportNames: string[], depth: number, visiting: Set<Node>, local?: (b: Binding) => boolean): Path[] | null {
    const fi = this.project.get(file)!;
    const paths: Path[] = [];
    for (const exportName of exportNames) {
      paths.push(...this.conventionPaths(fi, file, exportName, value));
    }
    if (paths.length > 0) return paths;
    // Not decisive: a Lambda handler no template maps may also be called in the workspace.
    const unmapped = exportNames.flatMap((e) => this.unmappedLambda(fi, file, e, value));
    const uses = this.findUses(file, value, name, exportNames, local);
    for (const use of uses) paths.push(...this.usePaths(use, depth, visiting));
    paths.push(...unmapped);
    return uses.length > 0 || unmapped.length > 0 ? paths : null;
  }

  /** The entry a file convention makes of an export: a route handler, a cron route, a server action. */
  private conventionPaths(fi: SyntaxModel, file: string, exportName: string, value: Node): Path[] {
    const one = this.conventionPath(fi, file, exportName, value);
    if (one) return [one];
    return this.lambdaPaths(fi, file, exportName, value);
  }

  private conventionPath(fi: SyntaxModel, file: string, exportName: string, value: Node): Path | null {
    const convention = matchExportConvention(file, exportName, value);
    if (convention && /^Netlify/.test(convention.message)) {
      const spec = netlifySchedule(fi);
      if (spec !== null) {
        const cron = scheduleShorthand(spec);
        return toPath({ rule: 'cron-schedule', message: `Netlify scheduled function ('${spec}', the \`config.schedule\` of ${file})`, node: value, platform: 'a Netlify function', ...(cron ? { schedule: cron } : {}) }, file);
      }
    }
    const route = convention && /^nextjs-/.test(convention.rule) ? nextRoutePath(file) : null;
    // Vercel's cron sends a GET: a POST of the same route is someone else's request.
    const cronMethod = convention?.rule === 'nextjs-api-route' || exportName === 'GET';
    const schedule = route !== null && cronMethod ? this.cronRoutes.get(route) : undefined;
    if (schedule !== undefined) {
      return toPath({ rule: 'vercel-cron', message: `the route ${route} is run by a vercel.json cron ('${schedule}'), not by a person`, node: value, platform: 'a Vercel function' }, file);
    }
    if (convention) return toPath(convention, file);
    const discord = exportName === 'execute' ? matchDiscordModule(exportedValues(fi), exportName, file, value) : null;
    if (discord) return toPath(discord, file);
    if (exportName !== 'default' && hasDirective(fi.ast.body, 'use server')) {
      return toPath({ rule: 'server-action', message: `server action ${exportName} in ${file}`, node: value }, file);
    }
    return null;
  }

  private readonly lambdaByDir = new Map<string, LambdaFunction[]>();

  /** The Lambda functions that serverless.yml files and SAM templates in the file's folder or above declare. */
  private lambdaFunctions(file: string): LambdaFunction[] {
    const out: LambdaFunction[] = [];
    let dir = file;
    do {
      dir = dirname(dir);
      let fns = this.lambdaByDir.get(dir);
      if (!fns) {
        const at = (name: string) => (dir === '' ? name : `${dir}/${name}`);
        fns = [];
        for (const name of ['serverless.yml', 'serverless.yaml']) fns.push(...readServerlessFunctions(at(name), this.project.text(at(name)), dir));
        for (const name of ['template.yaml', 'template.yml']) fns.push(...readSamFunctions(at(name), this.project.text(at(name)), dir));
        this.lambdaByDir.set(dir, fns);
      }
      out.push(...fns);
    } while (dir !== '');
    return out;
  }

  /**
   * An AWS Lambda handler export: what its serverless.yml or SAM template says invokes it. An HTTP
   * API is a person's request, a schedule a cron job, a queue or other event source is not traced.
   * A `handler` export of Lambda code that no template maps says nothing about who invokes it.
   */
  private lambdaPaths(fi: SyntaxModel, file: string, exportName: string, value: Node): Path[] {
    const stem = stripExtension(file);
    const fns = this.lambdaFunctions(file).filter((f) => f.exportName === exportName && (f.stem === stem || f.stem.replace(/^(.*\/)?(dist|build|\.build|out)\//, '$1src/') === stem));
    const line = value.loc.start.line;
    const paths: Path[] = [];
    for (const fn of fns) {
      for (const e of fn.events) {
        const what = `AWS Lambda \`${exportName}\` in ${file}:${line}, invoked by its \`${e.type}\` event (${fn.template})`;
        if (e.kind === 'http') paths.push(toPath({ rule: 'http-route-handler', message: `${what}: an HTTP request`, node: value }, file));
        else if (e.kind === 'socket') paths.push(toPath({ rule: 'websocket-handler', message: `${what}: a WebSocket message`, node: value }, file));
        else if (e.kind === 'schedule') {
          paths.push(toPath({ rule: 'cron-schedule', message: `${what} on the schedule '${e.expression ?? '?'}'`, node: value, platform: 'an AWS Lambda function', ...(e.schedule ? { schedule: e.schedule } : {}) }, file));
        } else paths.push(toPath({ rule: 'queue-worker', message: `${what}; who sends those events is not traced, so who waits is unclear`, node: value }, file));
      }
      if (fn.events.length === 0) {
        paths.push({ effect: 'open', rule: 'no-entry-point', entry: `AWS Lambda \`${exportName}\` in ${file} has no events in ${fn.template}; it is invoked directly, by whom is unknown`, file, line, steps: [], loops: [] });
      }
    }
    return paths;
  }

  /** A `handler` export of Lambda code that no serverless.yml or SAM template maps: what invokes it is unknown. */
  private unmappedLambda(fi: SyntaxModel, file: string, exportName: string, value: Node): Path[] {
    if (exportName !== 'handler' || !LAMBDA_CODE.test(fi.text)) return [];
    return [
      {
        effect: 'open',
        rule: 'no-entry-point',
        entry: `\`handler\` in ${file} is an AWS Lambda handler, and no serverless.yml or SAM template in the workspace maps it, so what invokes it (an HTTP API, a schedule, a queue) is unknown`,
        file,
        line: value.loc.start.line,
        steps: [],
        loops: [],
        runByUnknown: true,
      },
    ];
  }

  private readonly wranglerByDir = new Map<string, ReturnType<typeof readWranglerCrons>>();

  /** The nearest wrangler.toml / wrangler.json(c): the Worker's cron triggers and main module. */
  private wranglerConfig(file: string): { crons: string[]; main: string | null; dir: string } | null {
    let dir = file;
    do {
      dir = dirname(dir);
      if (!this.wranglerByDir.has(dir)) {
        const at = (name: string) => (dir === '' ? name : `${dir}/${name}`);
        const jsonText = this.project.text(at('wrangler.json')) ?? this.project.text(at('wrangler.jsonc'));
        this.wranglerByDir.set(dir, readWranglerCrons(this.project.text(at('wrangler.toml')), jsonText ? parseConfigFileTextToJson('wrangler.json', jsonText).config : undefined));
      }
      const found = this.wranglerByDir.get(dir);
      if (found) return { ...found, dir };
    } while (dir !== '');
    return null;
  }

  /** Conventions for a function kept in an exported object: SvelteKit actions, a Worker's `fetch`, `scheduled` and `queue`. */
  private memberConvention(file: string, exportName: string, keys: string[], node: Node): Path | null {
    const match = matchMemberConvention(file, exportName, keys, node);
    if (match) return toPath(match, file);
    if (exportName !== 'default' || keys.length !== 1 || (keys[0] !== 'scheduled' && keys[0] !== 'queue')) return null;
    const wrangler = this.wranglerConfig(file);
    const where = `${file}:${node.loc.start.line}`;
    if (!wrangler || (wrangler.main && joinPath(wrangler.dir, wrangler.main) !== file)) return null;
    if (keys[0] === 'queue') {
      return toPath({ rule: 'queue-worker', message: `Cloudflare Queues consumer (\`queue\` of the default export) at ${where}; its producers are not traced, so who waits is unclear`, node }, file);
    }
    if (wrangler.crons.length === 0) {
      return { effect: 'open', rule: 'no-entry-point', entry: `the \`scheduled\` handler at ${where}, but the wrangler config lists no cron trigger, so what runs it is unknown`, file, line: node.loc.start.line, steps: [], loops: [] };
    }
    const spec = wrangler.crons.join("', '");
    return toPath({ rule: 'cron-schedule', message: `the Worker's \`scheduled\` handler at ${where}, run by the wrangler cron trigger${wrangler.crons.length > 1 ? 's' : ''} '${spec}'`, node, platform: 'a Cloudflare Worker', ...(wrangler.crons.length === 1 ? { schedule: wrangler.crons[0] } : {}) }, file);
  }

  /** Paths to a function a factory returns: wherever a call of the factory hands on, stores or calls its result. Null when nothing calls the factory. */
  private factoryPaths(file: string, factory: FunctionLike, depth: number, visiting: Set<Node>): Path[] | null {
    const fi = this.project.get(file)!;
    const name = functionName(fi, factory);
    const uses = this.findUses(file, factory, name, exportNamesOf(fi, factory, name));
    const paths: Path[] = [];
    // The factory under another name (`const make = makeHandler`) is called under that name.
    for (let i = 0, expanded = 0; i < uses.length && expanded < 32; i++) {
      const use = uses[i];
      if (use.kind !== 'alias') continue;
      expanded++;
      const decl = use.node as TSESTree.VariableDeclarator;
      const target = bindingTarget(decl, use.name!);
      const afi = this.project.get(use.file);
      if (!target || !afi) continue;
      uses.splice(i--, 1, ...this.findUses(use.file, target, use.name!, exportNamesOf(afi, target, use.name!), (b) => b.declarator === decl));
    }
    for (const use of uses) {
      if (use.kind === 'call') paths.push(...this.resultPaths(use.file, use.node as TSESTree.CallExpression, depth, visiting));
      else if (use.kind === 'unparsed' || use.kind === 'unfollowed') paths.push(...this.usePaths(use, depth, visiting));
      // The factory itself handed on: whoever calls it makes the handler, and that is not traced.
      else paths.push(unfollowedPath(use.file, use.node, `the factory \`${name ?? 'it'}\` is handed on, not called`));
    }
    return paths.length > 0 ? paths : null;
  }

  /** Where the value a call returns goes, when that value is a function: handed to a call, called, stored or exported. */
  private resultPaths(file: string, call: TSESTree.CallExpression, depth: number, visiting: Set<Node>): Path[] {
    const fi = this.project.get(file)!;
    const self = fi.outermost(call);
    const parent = fi.parents.get(self);
    if ((parent?.type === T.CallExpression || parent?.type === T.NewExpression) && parent.arguments.includes(self as never)) {
      return this.argumentPaths(file, parent, depth + 1, visiting);
    }
    if (parent?.type === T.CallExpression && parent.callee === self) return this.walkFrom(file, parent, depth + 1, visiting);
    if (parent?.type === T.Property && parent.value === self) {
      const option = this.optionPaths(file, parent, depth + 1, visiting);
      if (option) return option;
    }
    return this.boundPaths(fi, file, call, depth + 1, visiting) ?? [];
  }

  private usePaths(use: Use, depth: number, visiting: Set<Node>): Path[] {
    switch (use.kind) {
      case 'unparsed':
        return [unparsedPath(use.file, use.name ?? 'it', this.project.syntaxError(use.file) ?? 'a syntax error')];
      case 'unfollowed':
        return [unfollowedPath(use.file, use.node, use.how ?? 'used as a value')];
      case 'entry':
        return [use.entry!];
      case 'member':
        return this.memberPaths(use.file, use.node as TSESTree.Property, depth + 1, visiting);
      case 'alias':
        return this.aliasPaths(use.file, use.node as TSESTree.VariableDeclarator, use.name!, depth + 1, visiting);
      case 'value': {
        const fi = this.project.get(use.file)!;
        return this.guarded(use.node, depth + 1, visiting, () => {
          const next = classifyUse(fi, use.file, use.node);
          return next ? this.usePaths(next, depth + 1, visiting) : [];
        });
      }
      case 'jsx': {
        const attr = use.node as TSESTree.JSXAttribute;
        const prop = attr.name.type === T.JSXIdentifier ? attr.name.name : 'a prop';
        return [toPath({ rule: 'ui-component', message: `handed to the JSX prop \`${prop}\` at ${use.file}:${attr.loc.start.line}: it runs when a person uses the page`, node: attr }, use.file)];
      }
      case 'argument':
        return this.argumentPaths(use.file, use.node as TSESTree.CallExpression, depth + 1, visiting);
      case 'option': {
        const prop = use.node as TSESTree.Property;
        const fi = this.project.get(use.file)!;
        const option = this.optionPaths(use.file, prop, depth + 1, visiting);
        if (option) return option;
        const call = optionCall(fi, prop);
        return call ? this.argumentPaths(use.file, call, depth + 1, visiting) : [];
      }
      default:
        return this.walkFrom(use.file, use.node, depth + 1, visiting);
    }
  }

  /**
   * A function in an options object handed to a call: a job definition (Inngest, Trigger.dev), an SQS
   * consumer, or a registration that takes its handler by key. Null when the call is none of these.
   */
  private optionPaths(file: string, prop: TSESTree.Property, depth: number, visiting: Set<Node>): Path[] | null {
    const fi = this.project.get(file)!;
    const call = optionCall(fi, prop);
    if (!call) return null;
    const job = jobDefinition(call);
    if (job && call.type === T.CallExpression) return this.jobPaths(file, call, job, depth, visiting);
    const key = propertyName(prop.key, prop.computed);
    if (!key) return null;
    if ((key === 'eachMessage' || key === 'eachBatch') && calleeName(call) === 'run') {
      return [
        {
          effect: 'open',
          rule: 'queue-worker',
          entry: `Kafka consumer (${key}) at ${file}:${call.loc.start.line}; the producers of a Kafka topic are not traced, so whether someone waits for each message's answer is unclear`,
          file,
          line: call.loc.start.line,
          steps: [],
          loops: [],
        },
      ];
    }
    if (key === 'handleMessage' || key === 'handleMessageBatch') {
      return [
        { effect: 'open', rule: 'queue-worker', entry: `SQS consumer (${key}) at ${file}:${call.loc.start.line}; the producers of an SQS queue are not traced, so who waits is unclear`, file, line: call.loc.start.line, steps: [], loops: [] },
      ];
    }
    const entry = matchOptionRegistration(call, key, objectProps(fi.parents.get(prop)), file, this.stringOf(file));
    return entry ? [toPath(entry, file)] : null;
  }

  /**
   * A function handed to `call`. The call may register it (a route, a worker, a schedule); or wrap it
   * (`asyncHandler(fn)`, `withAuth(fn)`), and then the wrapper's own call, the variable it is stored
   * in, or the export it becomes, decides.
   */
  private argumentPaths(file: string, call: TSESTree.CallExpression | TSESTree.NewExpression, depth: number, visiting: Set<Node>, eventKey?: string): Path[] {
    const fi = this.project.get(file)!;
    // Checked before the registrations: a stream read from a file emits 'data' as a socket does.
    const stream = fileStreamEvent(fi, file, call);
    if (stream) return this.walkFrom(file, call, depth + 1, visiting).map((p) => ({ ...p, loops: [...p.loops, stream] }));
    let receiving = call;
    for (;;) {
      const entry = this.callEntryPaths(file, receiving, depth, visiting);
      if (entry) return entry;
      const self = fi.outermost(receiving);
      const outer = fi.parents.get(self);
      if (!outer || (outer.type !== T.CallExpression && outer.type !== T.NewExpression) || !outer.arguments.includes(self as never)) break;
      receiving = outer;
    }
    const bound = this.boundPaths(fi, file, receiving, depth, visiting);
    if (bound) return bound;
    return this.unknownCallPaths(fi, file, receiving, eventKey, depth, visiting);
  }

  /**
   * A function handed to a call Batchwise has no rule for. A callback the call runs before it returns
   * (`pRetry(fn)`, `limit(fn)`, `.map(fn)`) runs where the call does. One it keeps for later, for an
   * event or a request (`bot.onText(re, fn)`, `client.on('message', fn)`, a registration whose result
   * is dropped), does not run as part of the code that registers it: a script's or schedule's entry
   * says nothing about who waits for it, so that path is open; in a file that starts a server or bot
   * it is taken as a handler (user-waiting). An event of a stream read from a file is a loop over
   * batch data.
   */
  private unknownCallPaths(fi: SyntaxModel, file: string, call: TSESTree.CallExpression | TSESTree.NewExpression, eventKey: string | undefined, depth: number, visiting: Set<Node>): Path[] {
    const callee = calleeName(call);
    const paths = this.walkFrom(file, call, depth + 1, visiting);
    if (callee && INLINE_CALLBACKS.has(callee)) return paths;
    const label = `\`${describeCall(call)}\``;
    const where = `${file}:${call.loc.start.line}`;
    // A command's handler runs when the program parses its command line, as part of the program.
    const command = cliCommandHandler(fi, call);
    if (command) return paths.map((p) => ({ ...p, commandLine: `it runs as ${command}, given the arguments typed with it (${label} at ${where})` }));
    const deferred = eventKey !== undefined || isEventRegistration(call) || (resultDropped(fi, call) && !(callee && RUNS_NOW.has(callee)));
    return paths.map((p) => {
      if (p.startup) {
        const { startup, ...rest } = p;
        return {
          ...rest,
          effect: 'user-waiting' as const,
          entry: `a handler set up at ${where} (${label}) while ${p.file} sets up a long-running server or bot (${startup}); a callback registered there answers requests or events`,
        };
      }
      if (p.moduleLevel && p.file === file && p.steps.length === 0) return { ...p, runByUnknown: true, line: call.loc.start.line, entry: `handed to ${label} at ${where}, which Batchwise does not know, in ${p.file}, which is not a recognised entry point` };
      if (deferred && p.effect === 'batchable') {
        return {
          ...p,
          effect: 'open' as const,
          rule: 'no-entry-point',
          line: call.loc.start.line,
          file,
          runByUnknown: true,
          entry:
            `handed to ${label} at ${where}, which Batchwise does not know and which may run it later, for an event or a request, not as part of ${p.file} (${p.entry}); ` +
            'who waits for it is unknown',
        };
      }
      return p;
    });
  }

  /** The entry a call makes of the functions handed to it: a queue worker, a job, a registration. */
  private callEntryPaths(file: string, call: TSESTree.CallExpression | TSESTree.NewExpression, depth: number, visiting: Set<Node>): Path[] | null {
    const fi = this.project.get(file)!;
    const line = call.loc.start.line;
    if (stdinLineHandler(fi, call)) {
      return [{ effect: 'user-waiting', rule: 'interactive-prompt', entry: `it answers what a person types: \`${describeCall(call)}\` at ${file}:${line} handles each line typed on stdin, and they wait for the answer`, file, line, steps: [], loops: [] }];
    }
    const hook = reactHookCallback(fi, call);
    if (hook) return [toPath({ rule: 'ui-component', message: `a callback of the React hook \`${hook}\` at ${file}:${line}, which runs in the UI a person is using`, node: call }, file)];
    const harness = evalRunner(fi, call);
    if (harness) return [toPath({ rule: 'eval-harness', message: `an eval task run by \`${harness}\` at ${file}:${line}`, node: call }, file)];
    const queue = this.queueWorkerName(file, call) ?? this.bullProcessorQueue(file, call);
    if (queue !== null) return this.producerPaths(file, call, queue, depth, visiting);
    const job = jobDefinition(call);
    if (job && call.type === T.CallExpression) return this.jobPaths(file, call, job, depth, visiting);
    const registration = matchRegistration(call, file, this.stringOf(file)) ?? matchFirebaseTrigger(call, file, this.project.text(file) ?? '', this.stringOf(file));
    return registration ? [toPath(registration, file)] : null;
  }

  /**
   * A wrapped function stored in a variable or exported (`const h = asyncHandler(fn)`,
   * `export const POST = withAuth(fn)`, `export default withAuth(handler)`): the value stands for the
   * function. Null when the value is neither stored nor exported, or is never used as a function.
   */
  private boundPaths(fi: SyntaxModel, file: string, wrapper: TSESTree.CallExpression | TSESTree.NewExpression, depth: number, visiting: Set<Node>): Path[] | null {
    const callee = wrapper.callee.type === T.MemberExpression ? propertyName(wrapper.callee.property, wrapper.callee.computed) : wrapper.callee.type === T.Identifier ? wrapper.callee.name : null;
    if (callee && INLINE_CALLBACKS.has(callee)) return null;
    let value = fi.outermost(wrapper);
    let holder = fi.parents.get(value);
    // `middy(base).use(parser)`: a chained call on a wrapped handler returns the handler.
    for (let outer = holder ? fi.parents.get(holder) : undefined; holder?.type === T.MemberExpression && holder.object === value && outer?.type === T.CallExpression && outer.callee === holder; outer = holder ? fi.parents.get(holder) : undefined) {
      value = fi.outermost(outer);
      holder = fi.parents.get(value);
    }
    let name: string | null = null;
    // `tools = { search: tool({ execute }) }`: the wrapped function is used through the object.
    if (holder?.type === T.Property && holder.value === value && fi.parents.get(holder)?.type === T.ObjectExpression && !optionCall(fi, holder)) {
      const stored = this.memberPaths(file, holder, depth, visiting);
      return stored.length > 0 ? stored : null;
    }
    if (holder?.type === T.VariableDeclarator && holder.id.type === T.Identifier) name = holder.id.name;
    else if (holder?.type !== T.ExportDefaultDeclaration && !commonJsExportName(fi, value)) return null;
    const found = this.guarded(value, depth, visiting, () => this.namedPaths(file, value, name, exportNamesOf(fi, value, name), depth, visiting) ?? []);
    return found.length > 0 ? found : null;
  }

  private stringOf(file: string): StringOf {
    return (node) => {
      const v = this.resolver.evaluate(file, node);
      return v?.kind === 'string' ? v.value : null;
    };
  }

  /** BullMQ `new Worker(name, processor)`, the name a literal or a constant. */
  private queueWorkerName(file: string, call: TSESTree.CallExpression | TSESTree.NewExpression): string | null {
    if (call.type !== T.NewExpression || call.callee.type !== T.Identifier || call.callee.name !== 'Worker') return null;
    const first = call.arguments[0];
    return first ? this.stringOf(file)(first) : null;
  }

  /** What starts a long-running server in `file`: a listen/serve/login… call, or handlers it registers. */
  private serverStart(file: string, fi: SyntaxModel): ServerStart | null {
    return serverStartIn(fi) ?? registeredHandler(fi, file);
  }

  /**
   * A queue worker is decided by who enqueues its jobs: a request handler that awaits the job's result
   * makes it user-waiting; bulk or scheduled enqueueing makes it batchable; anything else stays open.
   */
  /** Bull: `queue.process(fn)` on a `new Queue('name')` makes fn a worker of that queue. */
  private bullProcessorQueue(file: string, call: TSESTree.CallExpression | TSESTree.NewExpression): string | null {
    if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression) return null;
    if (propertyName(call.callee.property, call.callee.computed) !== 'process') return null;
    const target = this.resolver.evaluate(file, call.callee.object);
    return target?.kind === 'queue' ? target.name : null;
  }

  /**
   * Inngest functions and Trigger.dev tasks: a cron trigger is a schedule; otherwise the verdict comes
   * from whoever sends the event or triggers the task, as for queue workers.
   */
  private jobPaths(file: string, call: TSESTree.CallExpression, job: JobDefinition, depth: number, visiting: Set<Node>): Path[] {
    const where = `${file}:${call.loc.start.line}`;
    if (job.cron) {
      return [toPath({ rule: 'cron-schedule', message: `${job.kind} '${job.id}' runs on the cron schedule '${job.cron}' at ${where}`, node: call, schedule: job.cron }, file)];
    }
    const paths: Path[] = [];
    const methods = job.kind === 'Inngest function' ? ['send'] : ['trigger', 'batchTrigger', 'triggerAndWait', 'batchTriggerAndWait', 'triggerAndPoll'];
    for (const f of this.project.files) {
      const text = this.project.text(f);
      if (!text || !text.includes(job.kind === 'Inngest function' ? job.event ?? job.id : job.id)) continue;
      const fi = this.project.get(f);
      if (!fi) continue;
      for (const method of methods) {
        for (const producer of this.memberCalls(f, method)) {
          if (!producerNames(producer, job)) continue;
          const waits = /AndWait|AndPoll/.test(method);
          const bulk = /^batch/.test(method) || producer.arguments[0]?.type === T.ArrayExpression;
          const what = { worker: `the ${job.kind} '${job.id}' (${where})`, producer: `${f}:${producer.loc.start.line}`, how: `started with ${method}` };
          for (const p of this.walkFrom(f, producer, depth + 1, visiting)) paths.push(producerPath(p, what, bulk, () => waits));
        }
      }
    }
    if (paths.length === 0) {
      paths.push({ effect: 'open', rule: 'queue-worker', entry: `${job.kind} '${job.id}' at ${where}; nothing in the workspace starts it`, file, line: call.loc.start.line, steps: [], loops: [] });
    }
    return paths;
  }

  private producerPaths(file: string, worker: TSESTree.CallExpression | TSESTree.NewExpression, queue: string, depth: number, visiting: Set<Node>): Path[] {
    const where = `${file}:${worker.loc.start.line}`;
    const paths: Path[] = [];
    for (const f of this.project.files) {
      const text = this.project.text(f);
      if (!text || !/\.add(Bulk)?\s*\(/.test(text)) continue;
      const fi = this.project.get(f);
      if (!fi) continue;
      for (const call of [...this.memberCalls(f, 'add'), ...this.memberCalls(f, 'addBulk')]) {
        const callee = call.callee as TSESTree.MemberExpression;
        const target = this.resolver.evaluate(f, callee.object);
        if (target?.kind !== 'queue' || target.name !== queue) continue;
        const method = propertyName(callee.property, callee.computed);
        const what = { worker: `the '${queue}' worker at ${where}`, producer: `${f}:${call.loc.start.line}`, how: `enqueued with ${method}` };
        const enclosing = { file: f, range: enclosingFunctionRange(fi, call) };
        for (const p of this.walkFrom(f, call, depth + 1, visiting)) {
          paths.push(producerPath(p, what, method === 'addBulk', () => this.waitsForJob([...(p.spans ?? []), enclosing]), () => this.pollerOf(queue, depth, visiting)));
        }
      }
    }
    if (paths.length === 0) {
      paths.push({ effect: 'open', rule: 'queue-worker', entry: `queue worker for '${queue}' at ${where}; no producer found in the workspace`, file, line: worker.loc.start.line, steps: [], loops: [] });
    }
    return paths;
  }

  private readonly pollMemo = new Map<string, string | null>();

  /**
   * A request handler that reads a job of the queue back (`queue.getJob(id)`, `Job.fromId(queue, id)`):
   * the client polls for the result, so the person who asked waits for it. The handler in words, or null.
   */
  private pollerOf(queue: string, depth: number, visiting: Set<Node>): string | null {
    if (this.pollMemo.has(queue)) return this.pollMemo.get(queue)!;
    this.pollMemo.set(queue, null);
    let found: string | null = null;
    for (const f of this.project.files) {
      if (found) break;
      const text = this.project.text(f);
      if (!text || !/\.(getJob|fromId)\s*\(/.test(text)) continue;
      const calls = [...this.memberCalls(f, 'getJob'), ...this.memberCalls(f, 'fromId')];
      for (const call of calls) {
        const callee = call.callee as TSESTree.MemberExpression;
        const method = propertyName(callee.property, callee.computed);
        const held = method === 'getJob' ? callee.object : call.arguments[0];
        const target = held ? this.resolver.evaluate(f, held) : null;
        if (target?.kind !== 'queue' || target.name !== queue) continue;
        const route = this.walkFrom(f, call, depth + 1, visiting).find((p) => p.effect === 'user-waiting');
        if (route) {
          found = `${route.entry} reads its jobs back with ${method} at ${f}:${call.loc.start.line}`;
          break;
        }
      }
    }
    this.pollMemo.set(queue, found);
    return found;
  }

  /**
   * Does code on this path wait for the job it enqueued: `job.waitUntilFinished(events)`, Bull's
   * `job.finished()`, or a helper that does (`await waitFor(job)`, `jobs.map(waitFor)`)?
   */
  private waitsForJob(spans: Span[]): boolean {
    const helpers = this.jobWaiters();
    const byName = helpers.length > 0 ? new RegExp(`\\b(${helpers.join('|')})\\b`) : null;
    return spans.some((s) => {
      const text = this.project.text(s.file)?.slice(s.range[0], s.range[1]) ?? '';
      return WAITS_FOR_JOB.test(text) || (byName !== null && byName.test(text));
    });
  }

  private waiterMemo: string[] | null = null;

  /** Names of the functions that wait for a job to finish. */
  private jobWaiters(): string[] {
    if (this.waiterMemo) return this.waiterMemo;
    const names = new Set<string>();
    for (const f of this.project.files) {
      const text = this.project.text(f);
      if (!text || !WAITS_FOR_JOB.test(text)) continue;
      const fi = this.project.get(f);
      if (!fi) continue;
      for (const method of ['waitUntilFinished', 'finished']) {
        for (const call of this.memberCalls(f, method)) {
          const name = enclosingFunctionName(fi, call);
          if (name && /^[\w$]+$/.test(name)) names.add(name);
        }
      }
    }
    this.waiterMemo = [...names];
    return this.waiterMemo;
  }

  /** NestJS-style decorators on a class method: @Get/@Post → request handler, @Cron/@Interval → schedule. */
  private decoratorEntry(fi: SyntaxModel, file: string, fn: FunctionLike): EntryMatch | null {
    const method = fi.parents.get(fn);
    if (!method || method.type !== T.MethodDefinition) return null;
    for (const d of method.decorators ?? []) {
      const expr = d.expression.type === T.CallExpression ? d.expression.callee : d.expression;
      const dname = expr.type === T.Identifier ? expr.name : null;
      if (!dname) continue;
      const where = `${file}:${d.loc.start.line}`;
      if (/^(Get|Post|Put|Patch|Delete|All|Sse|MessagePattern|SubscribeMessage|Query|Mutation)$/.test(dname)) {
        return { rule: 'http-route-handler', message: `NestJS @${dname}() handler at ${where}`, node: d };
      }
      if (/^(ResolveField|ResolveProperty|FieldResolver|Subscription)$/.test(dname)) {
        return { rule: 'graphql-resolver', message: `GraphQL @${dname}() field resolver at ${where}: it runs for the query that asks for it`, node: d };
      }
      // An event, not a request: whoever emits it is not traced.
      if (/^(EventPattern|OnEvent|Process|OnQueueActive|OnWorkerEvent)$/.test(dname)) {
        return { rule: 'queue-worker', message: `NestJS @${dname}() handler at ${where}; who emits the event and whether they wait is not traced`, node: d };
      }
      if (/^(Cron|Interval|Timeout)$/.test(dname)) {
        return { rule: 'cron-schedule', message: `NestJS @${dname}() scheduled job at ${where}`, node: d };
      }
    }
    return null;
  }

  private findUses(file: string, fn: Node, name: string | null, exportNames: string[], local?: (b: Binding) => boolean): Use[] {
    const fi = this.project.get(file)!;
    const uses: Use[] = [];
    const parent = fi.parents.get(fn);
    const assignedToMember = parent?.type === T.AssignmentExpression && parent.right === fn && parent.left.type === T.MemberExpression && !commonJsExportName(fi, fn);
    const isMethod = parent?.type === T.MethodDefinition || (parent?.type === T.Property && parent.value === fn) || assignedToMember;
    const isClassMethod = parent?.type === T.MethodDefinition || assignedToMember;
    this.importersOf(file); // fills unparsedImporters for this file
    if (name) {
      if (isMethod) {
        // An instance can reach any module that imports the class's module, directly or not
        // (`export const services = { summarizer: new Summarizer() }` in a module a route imports).
        const { files, truncated } = isClassMethod ? this.transitiveImporters(file) : { files: this.reachingImporters(file), truncated: false };
        for (const f of [file, ...files]) {
          // The cheap test first: a module that never spells the method's name cannot call it.
          if (!this.project.text(f)?.includes(name)) continue;
          const ffi = this.project.get(f);
          if (!ffi) continue;
          for (const id of this.identifiers(f, name)) {
            const member = ffi.parents.get(id);
            if (member?.type !== T.MemberExpression || member.property !== id || member.computed) continue;
            // `openai.chat.completions.create(…)` is the SDK's method, not this one of the same name.
            if (this.resolver.evaluate(f, member.object)?.kind === 'client') continue;
            const use = classifyUse(ffi, f, member);
            if (use) uses.push(use);
          }
        }
        if (truncated) {
          uses.push({ kind: 'unfollowed', file, node: fn, how: `its module is imported, directly or not, by more than ${MAX_IMPORTERS} modules, and Batchwise stopped looking for callers of \`${name}\`` });
        }
      } else {
        const matches = local ?? ((b: Binding) => bindsFunction(b, fn));
        for (const id of this.identifiers(file, name)) {
          const binding = fi.resolve(id);
          if (!binding || !matches(binding)) continue;
          const use = classifyUse(fi, file, id);
          if (use) uses.push(use);
        }
      }
    }
    for (const exportName of exportNames) uses.push(...this.refsToUses(this.importedRefs(file, exportName, [], new Set())));
    if (name || exportNames.length > 0) uses.push(...this.unparsedUses(file, name, exportNames, isMethod));
    return uses;
  }

  private refsToUses(refs: Ref[]): Use[] {
    const uses: Use[] = [];
    for (const ref of refs) {
      if ('entry' in ref) uses.push({ kind: 'entry', file: ref.file, node: ref.node, entry: ref.entry });
      else if ('unfollowed' in ref) uses.push({ kind: 'unfollowed', file: ref.file, node: ref.node, how: ref.unfollowed });
      else if ('alias' in ref) uses.push({ kind: 'alias', file: ref.file, node: ref.node, name: ref.alias });
      else {
        const fi = this.project.get(ref.file);
        const use = fi ? classifyUse(fi, ref.file, ref.node) : null;
        if (use) uses.push(use);
      }
    }
    return uses;
  }

  /**
   * Files that may call the function but could not be parsed: they name it, and (unless it is a
   * method, which any file may call) import its module. Their calls cannot be followed.
   */
  private reExportsAny(file: string): boolean {
    return Boolean(this.project.get(file)?.exports().some((e) => e.kind === 're-export' || e.kind === 'star'));
  }

  private unparsedUses(file: string, name: string | null, exportNames: string[], isMethod: boolean): Use[] {
    const fi = this.project.get(file)!;
    const names = [...new Set([name, ...exportNames].filter((n): n is string => n !== null && n !== 'default'))];
    // Only files that could import the module (or, for a method, a barrel re-exporting it) count.
    const modules = isMethod ? [file, ...this.reachingImporters(file).filter((f) => this.reExportsAny(f))] : [file];
    const candidates = new Set(modules.flatMap((m) => this.unparsedImporters.get(m) ?? []));
    const uses: Use[] = [];
    for (const f of candidates) {
      if (f === file || isTestFile(f)) continue;
      const text = this.project.text(f) ?? '';
      const mentioned = names.find((n) => new RegExp(`\\b${escapeRegExp(n)}\\b`).test(text)) ?? (exportNames.includes('default') && !isMethod ? 'the default export' : undefined);
      if (mentioned) uses.push({ kind: 'unparsed', file: f, node: fi.ast, name: mentioned });
    }
    return uses;
  }

  /**
   * References, in the files that load `file`, to its export `exportName` followed by the property
   * chain `path` (`ai.summarize` is export `ai`, path `summarize`): through named, default and
   * namespace imports, `require` and `await import()` anywhere in a file, `require(x).name`, and
   * re-exports (`export *`, `export { x } from`, `export * as ns from`).
   */
  private importedRefs(file: string, exportName: string, path: string[], seen: Set<string>): Ref[] {
    const key = `${file}#${exportName}#${path.join('.')}`;
    if (seen.has(key)) return [];
    seen.add(key);
    const refs: Ref[] = [];
    for (const importer of this.importersOf(file)) {
      if (isTestFile(importer)) continue;
      const fi = this.project.get(importer);
      if (!fi) continue;
      for (const ref of fi.moduleRefs()) {
        if (this.project.resolveImport(importer, ref.source) !== file) continue;
        const stmt = ref.node;
        if (stmt.type === T.ImportDeclaration) {
          for (const spec of stmt.specifiers) {
            const local = spec.local.name;
            if (spec.type === T.ImportNamespaceSpecifier) refs.push(...this.bindingRefs(fi, importer, local, (b) => b.import !== undefined, [exportName, ...path]));
            else if (spec.type === T.ImportDefaultSpecifier) {
              if (exportName === 'default') refs.push(...this.bindingRefs(fi, importer, local, (b) => b.import !== undefined, path));
            } else {
              const imported = spec.imported.type === T.Identifier ? spec.imported.name : String(spec.imported.value);
              if (imported === exportName) refs.push(...this.bindingRefs(fi, importer, local, (b) => b.import !== undefined, path));
            }
          }
        } else if (stmt.type === T.TSImportEqualsDeclaration) {
          refs.push(...this.bindingRefs(fi, importer, stmt.id.name, (b) => b.import !== undefined, exportName === 'default' ? path : [exportName, ...path]));
        } else if (stmt.type === T.ExportAllDeclaration) {
          // `export * as ai from './ai'` exports the namespace under `ai`; `export *` each name as itself.
          if (stmt.exported) {
            const ns = stmt.exported.name;
            refs.push(...this.importedRefs(importer, ns, [exportName, ...path], seen));
          } else if (exportName !== 'default') {
            refs.push(...this.reExportRefs(fi, importer, exportName, path, stmt));
            refs.push(...this.importedRefs(importer, exportName, path, seen));
          }
        } else if (stmt.type === T.ExportNamedDeclaration) {
          for (const spec of stmt.specifiers) {
            const local = spec.local.type === T.Identifier ? spec.local.name : String(spec.local.value);
            const exported = spec.exported.type === T.Identifier ? spec.exported.name : String(spec.exported.value);
            if (local !== exportName) continue;
            refs.push(...this.reExportRefs(fi, importer, exported, path, spec));
            refs.push(...this.importedRefs(importer, exported, path, seen));
          }
        } else {
          refs.push(...this.loadedModuleRefs(fi, importer, ref, exportName, path));
        }
      }
    }
    return refs;
  }

  /** A re-export the importer's file convention makes an entry of: `export { POST } from '@/features/chat'` in app/api/chat/route.ts. */
  private reExportRefs(fi: SyntaxModel, importer: string, exported: string, path: string[], at: Node): Ref[] {
    if (path.length > 0) return [];
    return this.conventionPaths(fi, importer, exported, at).map((entry) => ({ file: importer, node: at, entry }));
  }

  /** References through a `require(…)` or `import(…)` expression: `const { x } = require()`, `const m = await import()`, `require(y).x`. */
  private loadedModuleRefs(fi: SyntaxModel, importer: string, ref: ModuleRef, exportName: string, path: string[]): Ref[] {
    let value = fi.outermost(ref.node);
    let parent = fi.parents.get(value);
    if (parent?.type === T.AwaitExpression) {
      value = fi.outermost(parent);
      parent = fi.parents.get(value);
    }
    // `import(x).then((m) => m.summarize())`: the namespace arrives in a callback that is not followed.
    if (ref.kind === 'dynamic' && parent?.type === T.MemberExpression && parent.object === value && propertyName(parent.property, parent.computed) === 'then') {
      return this.mentions(importer, exportName) ? [{ file: importer, node: ref.node, unfollowed: `its module is loaded with \`import(…).then(…)\` at ${importer}:${ref.node.loc.start.line}` }] : [];
    }
    // `require(x)` is module.exports itself: its default export; `import(x)` resolves to the namespace.
    const whole = ref.kind === 'require' && exportName === 'default' ? path : [exportName, ...path];
    if (parent?.type === T.VariableDeclarator && parent.init === value) {
      const decl = parent;
      if (decl.id.type === T.Identifier) return this.bindingRefs(fi, importer, decl.id.name, (b) => b.declarator === decl, whole);
      if (decl.id.type === T.ObjectPattern) {
        const [first, ...rest] = whole;
        if (first === undefined) return [{ file: importer, node: ref.node, unfollowed: `its module is destructured at ${importer}:${decl.loc.start.line}` }];
        return this.patternRefs(fi, importer, decl, decl.id, first, rest);
      }
    }
    if (whole.length === 0) return [{ file: importer, node: value }];
    return this.consume(fi, importer, value, whole, this.mentions(importer, exportName));
  }

  /** References to the binding `name` (as `matches` identifies it) in `file`, with `path` consumed on each. */
  private bindingRefs(fi: SyntaxModel, file: string, name: string, matches: (b: Binding) => boolean, path: string[]): Ref[] {
    const out: Ref[] = [];
    const mentioned = path.length === 0 || this.mentions(file, path[path.length - 1]);
    for (const id of this.identifiers(file, name)) {
      if (!isValueReference(fi, id)) continue;
      const binding = fi.resolve(id);
      if (!binding || !matches(binding)) continue;
      out.push(...this.consume(fi, file, id, path, mentioned));
    }
    return out;
  }

  /** `const { POST } = handlers`: the local the key `key` is bound to, with `rest` still to consume. */
  private patternRefs(fi: SyntaxModel, file: string, decl: TSESTree.VariableDeclarator, pattern: TSESTree.ObjectPattern, key: string, rest: string[]): Ref[] {
    for (const p of pattern.properties) {
      if (p.type === T.RestElement) return [{ file, node: p, unfollowed: `gathered into \`...${p.argument.type === T.Identifier ? p.argument.name : 'rest'}\` at ${file}:${p.loc.start.line}` }];
      if (propertyName(p.key, p.computed) !== key) continue;
      const target = p.value.type === T.AssignmentPattern ? p.value.left : p.value;
      if (target.type !== T.Identifier) return [{ file, node: p, unfollowed: `destructured further at ${file}:${p.loc.start.line}` }];
      // An exported binding is used under its export name too (`export const { POST } = handlers`).
      if (rest.length === 0 && isExported(fi, decl)) return [{ file, node: decl, alias: target.name }];
      return this.bindingRefs(fi, file, target.name, (b) => b.declarator === decl, rest);
    }
    return [];
  }

  /**
   * Follows `path` from a reference to the object that holds the value: `obj.key`, `obj[expr]` (any
   * key), `const { key } = obj`. The object handed on whole is a reference Batchwise cannot follow,
   * unless it is an AI SDK `tools` option, whose functions run inside that call; `mentioned` says
   * whether the file names the value at all (a module namespace passed whole to a logger is not a use
   * of every export).
   */
  private consume(fi: SyntaxModel, file: string, start: Node, path: string[], mentioned: boolean): Ref[] {
    let cur = start;
    for (let i = 0; i < path.length; i++) {
      const self = fi.outermost(cur);
      const parent = fi.parents.get(self);
      if (parent?.type === T.MemberExpression && parent.object === self) {
        const prop = propertyName(parent.property, parent.computed);
        if (prop === path[i] || (parent.computed && prop === null)) {
          cur = parent;
          continue;
        }
        return [];
      }
      if (parent?.type === T.VariableDeclarator && parent.init === self && parent.id.type === T.ObjectPattern) {
        return this.patternRefs(fi, file, parent, parent.id, path[i], path.slice(i + 1));
      }
      if (parent?.type === T.Property && parent.value === self && propertyName(parent.key, parent.computed) === 'tools') {
        const call = optionCall(fi, parent);
        if (call) return [{ file, node: call.callee }];
      }
      if (!mentioned || (cur.type === T.Identifier && !isValueReference(fi, cur))) return [];
      return [{ file, node: cur, unfollowed: `\`${describeRef(cur)}\`, which holds it, is handed on whole at ${file}:${cur.loc.start.line}` }];
    }
    return [{ file, node: cur }];
  }

  private mentions(file: string, name: string): boolean {
    if (name === 'default') return true;
    return new RegExp(`\\b${escapeRegExp(name)}\\b`).test(this.project.text(file) ?? '');
  }

  /**
   * Where a function stored in an object literal is used: through the object's variable or export and
   * the keys that lead to it (`toolImpls.summarize(…)`, `toolImpls[name](…)`, `const { POST } = handlers`),
   * or the call the object is handed to. A GraphQL type's map makes it a resolver.
   */
  private memberPaths(file: string, prop: TSESTree.Property, depth: number, visiting: Set<Node>, strict = true): Path[] {
    const fi = this.project.get(file)!;
    // Not strict: the function is an object's method, also looked up by name; an object that escapes
    // (returned, handed on) is left to that search.
    const escaped = (node: Node, how: string): Path[] => (strict ? [unfollowedPath(file, node, how)] : []);
    return this.guarded(prop, depth, visiting, () => {
      const keys: string[] = [];
      let cur: TSESTree.Property = prop;
      for (;;) {
        const key = propertyName(cur.key, cur.computed);
        if (key === null) return escaped(cur, `stored under a computed key at ${file}:${cur.loc.start.line}`);
        keys.unshift(key);
        if (keys.length === 1) {
          const literal = fi.parents.get(cur);
          const discord = literal?.type === T.ObjectExpression ? matchDiscordModule(propertyValues(literal), key, file, prop) : null;
          if (discord) return [toPath(discord, file)];
        }
        const obj = fi.outermost(fi.parents.get(cur)!);
        const holder = fi.parents.get(obj);
        if (holder?.type === T.Property && holder.value === obj && fi.parents.get(holder)?.type === T.ObjectExpression && !optionCall(fi, holder)) {
          cur = holder;
          continue;
        }
        const resolver = graphqlField(fi, file, keys, holder, prop);
        if (resolver) return [toPath(resolver, file)];
        if (holder?.type === T.VariableDeclarator && holder.init === obj && holder.id.type === T.Identifier) {
          const decl = holder;
          const name = holder.id.name;
          const exportNames = exportNamesOf(fi, obj, name);
          const conventions = exportNames.map((e) => this.memberConvention(file, e, keys, prop)).filter((p): p is Path => p !== null);
          if (conventions.length > 0) return conventions;
          const refs = this.bindingRefs(fi, file, name, (b) => b.declarator === decl, keys);
          for (const exportName of exportNames) refs.push(...this.importedRefs(file, exportName, keys, new Set()));
          return this.refsToUses(refs).flatMap((u) => this.usePaths(u, depth, visiting));
        }
        if (holder?.type === T.ExportDefaultDeclaration) {
          const convention = this.memberConvention(file, 'default', keys, prop);
          if (convention) return [convention];
          return this.refsToUses(this.importedRefs(file, 'default', keys, new Set())).flatMap((u) => this.usePaths(u, depth, visiting));
        }
        if (holder?.type === T.Property && holder.value === obj) {
          const call = optionCall(fi, holder);
          if (call) return this.argumentPaths(file, call, depth, visiting);
        }
        if ((holder?.type === T.CallExpression || holder?.type === T.NewExpression) && holder.arguments.includes(obj as never)) {
          return this.argumentPaths(file, holder, depth, visiting);
        }
        return escaped(prop, `stored in an object at ${file}:${obj.loc.start.line}`);
      }
    });
  }

  /** A value bound to another name (`const s = summarize`, `const { POST } = handlers`): that name's uses and exports. */
  private aliasPaths(file: string, decl: TSESTree.VariableDeclarator, name: string, depth: number, visiting: Set<Node>): Path[] {
    const fi = this.project.get(file)!;
    const target = bindingTarget(decl, name);
    if (!target) return [];
    return this.guarded(target, depth, visiting, () => {
      const matches = (b: Binding) => b.declarator === decl;
      const exportNames = new Set(exportNamesOf(fi, target, name));
      if (decl.id.type !== T.Identifier && isExported(fi, decl)) exportNames.add(name);
      return this.namedPaths(file, target, name, [...exportNames], depth, visiting, matches) ?? [];
    });
  }

  /**
   * Files that import `file`, directly or through modules that re-export it (`export * from
   * './summary.service'` in an index.ts): where an instance of a class it exports can be used.
   */
  private reachingImporters(file: string): string[] {
    const out: string[] = [];
    const seen = new Set([file]);
    const queue = [file];
    while (queue.length > 0) {
      const f = queue.shift()!;
      for (const importer of this.importersOf(f)) {
        if (seen.has(importer)) continue;
        seen.add(importer);
        out.push(importer);
        if (this.reExports(importer, f)) queue.push(importer);
      }
    }
    return out;
  }

  private readonly transitiveMemo = new Map<string, { files: string[]; truncated: boolean }>();

  /** Every module that imports `file` directly or through others, up to MAX_IMPORTERS. */
  private transitiveImporters(file: string): { files: string[]; truncated: boolean } {
    const memo = this.transitiveMemo.get(file);
    if (memo) return memo;
    const files: string[] = [];
    const seen = new Set([file]);
    const queue = [file];
    let truncated = false;
    while (queue.length > 0 && !truncated) {
      for (const importer of this.importersOf(queue.shift()!)) {
        if (seen.has(importer)) continue;
        if (files.length >= MAX_IMPORTERS) {
          truncated = true;
          break;
        }
        seen.add(importer);
        files.push(importer);
        queue.push(importer);
      }
    }
    const result = { files, truncated };
    this.transitiveMemo.set(file, result);
    return result;
  }

  private reExports(importer: string, file: string): boolean {
    const exports = this.project.get(importer)?.exports() ?? [];
    return exports.some((e) => (e.kind === 're-export' || e.kind === 'star') && this.project.resolveImport(importer, e.source) === file);
  }

  private readonly importerMemo = new Map<string, string[]>();
  /** Files that name a module as an import would but have a syntax error, by module; filled by importersOf. */
  private readonly unparsedImporters = new Map<string, string[]>();

  /** Files that may import `file`: a cheap text test on its name first, then a parse of the modules they load. */
  private importersOf(file: string): string[] {
    const memo = this.importerMemo.get(file);
    if (memo) return memo;
    const stem = stripExtension(file);
    const base = stem.slice(stem.lastIndexOf('/') + 1);
    // A workspace package's files are also imported by the package's name (`from '@acme/ai'`).
    const needles = [importNeedle(file), ...this.project.workspacePackages().filter((p) => file.startsWith(p.dir + '/')).map((p) => p.name)];
    const out: string[] = [];
    const unparsed: string[] = [];
    for (const f of this.project.files) {
      if (f === file) continue;
      const text = this.project.text(f);
      // An index file is also imported as its folder: `from '.'`, `from '..'`.
      if (!text || !(needles.some((n) => text.includes(n)) || (base === 'index' && FOLDER_IMPORT.test(text)))) continue;
      const fi = this.project.get(f);
      if (!fi) {
        if (this.project.syntaxError(f)) unparsed.push(f);
        continue;
      }
      if (fi.moduleRefs().some((r) => this.project.resolveImport(f, r.source) === file)) out.push(f);
    }
    this.importerMemo.set(file, out);
    this.unparsedImporters.set(file, unparsed);
    return out;
  }

  /** A file's identifiers named `name` (none when it does not parse). */
  private identifiers(file: string, name: string): readonly TSESTree.Identifier[] {
    return this.project.get(file)?.identifiers(name) ?? [];
  }

  /** A file's `x.name(…)` calls (none when it does not parse). */
  private memberCalls(file: string, name: string): readonly TSESTree.CallExpression[] {
    return this.project.get(file)?.memberCalls(name) ?? [];
  }
}

/**
 * When every path is a cron schedule with no loop between it and the call, the schedule says how many
 * calls a day there are: one per run.
 */
function scheduledVolume(batch: Path[]): Pick<Classification, 'volume'> {
  if (batch.some((p) => !p.schedule || p.loops.length > 0)) return {};
  let perDay = 0;
  for (const p of batch) {
    const runs = cronRunsPerDay(p.schedule!);
    if (runs === null) return {};
    perDay += runs;
  }
  const specs = batch.map((p) => `'${p.schedule}'`).join(', ');
  return { volume: { callsPerDay: perDay, source: `the cron schedule ${specs} (one call per run)` } };
}

interface JobDefinition {
  kind: 'Inngest function' | 'Trigger.dev task';
  id: string;
  /** Event name that triggers it (Inngest). */
  event?: string;
  cron?: string;
  /** The variable the task is held in (Trigger.dev `const x = task(...)`), for `x.trigger(...)`. */
  variable?: string;
}

function objectProps(node: Node | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  if (node?.type !== T.ObjectExpression) return out;
  for (const p of node.properties) {
    if (p.type !== T.Property) continue;
    const key = propertyName(p.key, p.computed);
    if (key) out.set(key, p.value);
  }
  return out;
}

function literal(node: Node | undefined): string | undefined {
  return node?.type === T.Literal && typeof node.value === 'string' ? node.value : undefined;
}

/** `inngest.createFunction({ id }, { event } | { cron }, handler)` or Trigger.dev `task({ id, run })` / `schedules.task({ id, cron, run })`. */
function jobDefinition(call: TSESTree.CallExpression | TSESTree.NewExpression): JobDefinition | null {
  if (call.type !== T.CallExpression) return null;
  const callee = call.callee;
  const method = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : callee.type === T.Identifier ? callee.name : null;
  if (method === 'createFunction' && call.arguments.length >= 3) {
    const id = literal(objectProps(call.arguments[0]).get('id')) ?? literal(objectProps(call.arguments[0]).get('name'));
    const trigger = objectProps(call.arguments[1]);
    if (!id) return null;
    return { kind: 'Inngest function', id, event: literal(trigger.get('event')), cron: literal(trigger.get('cron')) };
  }
  if ((method === 'task' || method === 'schemaTask') && call.arguments.length === 1) {
    const props = objectProps(call.arguments[0]);
    const id = literal(props.get('id'));
    if (!id || !props.has('run')) return null;
    const scheduled = callee.type === T.MemberExpression && callee.object.type === T.Identifier && callee.object.name === 'schedules';
    return { kind: 'Trigger.dev task', id, cron: scheduled ? literal(props.get('cron')) ?? '' : undefined };
  }
  return null;
}

/** Does this `.send(...)` / `.trigger(...)` start the job? By event name (Inngest) or task id (Trigger.dev). */
function producerNames(call: TSESTree.CallExpression, job: JobDefinition): boolean {
  const first = call.arguments[0];
  if (job.kind === 'Inngest function') {
    const events = first?.type === T.ArrayExpression ? first.elements : [first];
    return events.some((e) => e?.type === T.ObjectExpression && literal(objectProps(e).get('name')) === job.event);
  }
  return literal(first) === job.id;
}

/** The function that returns `fn` (`return async (req, res) => …`, or an arrow whose body it is). */
function returningFunction(fi: SyntaxModel, fn: Node): FunctionLike | null {
  const parent = fi.parents.get(fn);
  if (parent && isFunctionLike(parent) && parent.body === fn) return parent;
  if (parent?.type !== T.ReturnStatement) return null;
  let cur = fi.parents.get(parent);
  while (cur && !isFunctionLike(cur)) cur = fi.parents.get(cur);
  return cur ?? null;
}

/** The call an options object is handed to, for a property of that object. */
function optionCall(fi: SyntaxModel, prop: TSESTree.Property): TSESTree.CallExpression | TSESTree.NewExpression | null {
  const obj = fi.parents.get(prop);
  if (obj?.type !== T.ObjectExpression) return null;
  const self = fi.outermost(obj);
  const call = fi.parents.get(self);
  if ((call?.type === T.CallExpression || call?.type === T.NewExpression) && call.arguments.includes(self as never)) return call;
  return null;
}

function enclosingFunctionRange(fi: SyntaxModel, node: Node): [number, number] {
  let cur = fi.parents.get(node);
  while (cur && !isFunctionLike(cur)) cur = fi.parents.get(cur);
  return (cur ?? fi.ast).range;
}

/** Code written for AWS Lambda: its types, middy, an API Gateway event. */
const LAMBDA_CODE = /aws-lambda|@middy\/|APIGateway|lambda/i;

/** `export const config = { schedule: '@daily' }` in a Netlify function: the cron it runs on. */
function netlifySchedule(fi: SyntaxModel): string | null {
  const config = exportedValues(fi).get('config');
  const value = config ? objectProps(unwrap(config)).get('schedule') : undefined;
  return value?.type === T.Literal && typeof value.value === 'string' ? value.value : null;
}

const WAITS_FOR_JOB = /\.(waitUntilFinished|finished)\s*\(/;

/**
 * One path to a job's producer, judged on its own (docs/rules/queue-worker.md): a request handler that
 * waits for the job makes the worker user-waiting; one that answers without waiting leaves it unknown,
 * unless it started the jobs in bulk; a batch path makes it batchable; code that nothing is seen to
 * reach leaves it unknown, bulk or not.
 */
function producerPath(p: Path, what: { worker: string; producer: string; how: string }, bulk: boolean, waits: () => boolean, polled: () => string | null = () => null): Path {
  // A loop over a request's items (`for (const m of req.body.messages) queue.add(…)`) or over a list
  // written in the code answers one person; only a loop over batch data enqueues in bulk.
  const inBulk = bulk || p.loops.some((l) => l.batchSource && !l.literal);
  if (p.effect === 'user-waiting') {
    if (waits()) return { ...p, entry: `${p.entry}; ${what.worker} is ${what.how} at ${what.producer} and the handler waits for its result` };
    // The handler answers at once, but another one hands the job's result to the client that polls for it.
    const poll = polled();
    if (poll && !inBulk) return { ...p, entry: `${p.entry}; ${what.worker} is ${what.how} at ${what.producer}, and the client polls for the result: ${poll}` };
    if (poll) {
      return { ...p, effect: 'open', rule: 'queue-worker', entry: `${what.worker} is ${what.how} in bulk at ${what.producer} by a request handler (${p.entry}), and a client may poll for the results: ${poll}` };
    }
    if (inBulk) {
      return {
        ...p,
        effect: 'batchable',
        rule: 'queue-worker',
        entry:
          `${p.entry}; ${what.worker} is ${what.how} in bulk at ${what.producer} and the handler answers without waiting for the jobs, so they can wait for a batch. ` +
          'If the client polls for these results, declare the call with `// batchwise: user-waiting`',
      };
    }
    return {
      ...p,
      effect: 'open',
      rule: 'queue-worker',
      entry: `${what.worker} is ${what.how} at ${what.producer} by a request handler (${p.entry}) that does not wait for the result; whether the person who sent it waits for the job is unclear`,
    };
  }
  if (p.effect === 'batchable') {
    return { ...p, rule: 'queue-worker', entry: `${p.entry}; ${what.worker} is ${what.how}${inBulk ? ' in bulk' : ' from a batch path'} at ${what.producer}` };
  }
  if (p.effect === 'excluded' || p.effect === 'blocked') return p;
  return {
    ...p,
    effect: 'open',
    rule: 'queue-worker',
    entry: `${what.worker} is ${what.how}${inBulk ? ' in bulk' : ''} at ${what.producer}, but nothing shows who runs that code or whether it waits for the result (${p.entry})`,
  };
}

const GRAPHQL_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * A GraphQL resolver answers a query someone sent: `resolvers = { Query: { field() {} } }`, or a
 * type's resolvers kept in their own object (`const Query = { field() {} }`, `mutationResolvers`) and
 * put together elsewhere.
 */
function graphqlResolver(fi: SyntaxModel, file: string, fn: FunctionLike): EntryMatch | null {
  const prop = fi.parents.get(fn);
  if (prop?.type !== T.Property && prop?.type !== T.MethodDefinition) return null;
  const obj = fi.parents.get(prop);
  if (obj?.type !== T.ObjectExpression) return null;
  const holder = fi.parents.get(fi.outermost(obj));
  let type: string | null = null;
  if (holder?.type === T.Property) type = propertyName(holder.key, holder.computed);
  else if (holder?.type === T.VariableDeclarator && holder.id.type === T.Identifier) {
    const m = /^(query|mutation|subscription)(Resolvers?)?$/i.exec(holder.id.name);
    type = m ? m[1].charAt(0).toUpperCase() + m[1].slice(1).toLowerCase() : null;
  }
  if (!type || !GRAPHQL_TYPES.has(type)) return null;
  const field = prop.type === T.Property ? propertyName(prop.key, prop.computed) : null;
  return { rule: 'graphql-resolver', message: `GraphQL ${type}${field ? `.${field}` : ''} resolver at ${file}:${fn.loc.start.line}`, node: fn };
}

/** A function stored in a GraphQL resolver map by reference: `{ Query: { ask: askResolver } }`, `const Mutation = { send }`. */
function graphqlField(fi: SyntaxModel, file: string, keys: string[], holder: Node | undefined, at: Node): EntryMatch | null {
  let type: string | null = keys.length >= 2 && GRAPHQL_TYPES.has(keys[keys.length - 2]) ? keys[keys.length - 2] : null;
  if (!type && keys.length === 1 && holder?.type === T.VariableDeclarator && holder.id.type === T.Identifier) {
    const m = /^(query|mutation|subscription)(Resolvers?)?$/i.exec(holder.id.name);
    type = m ? m[1].charAt(0).toUpperCase() + m[1].slice(1).toLowerCase() : null;
  }
  if (!type) return null;
  return { rule: 'graphql-resolver', message: `GraphQL ${type}.${keys[keys.length - 1]} resolver at ${file}:${at.loc.start.line}`, node: at };
}

function readVercelCrons(text: string | undefined): Map<string, string> {
  const crons = new Map<string, string>();
  if (!text) return crons;
  try {
    const config = JSON.parse(text) as { crons?: { path?: unknown; schedule?: unknown }[] };
    for (const c of config.crons ?? []) {
      if (typeof c.path === 'string') crons.set(c.path.split('?')[0].replace(/\/$/, '') || '/', String(c.schedule ?? ''));
    }
  } catch {
    // an unreadable vercel.json names no crons
  }
  return crons;
}

/**
 * How a reference to a function is used (see Use). Null when it is no use at all: a declaration, an
 * import or export (exports are followed by name), a type, a `typeof` check.
 */
function classifyUse(fi: SyntaxModel, file: string, ref: Node): Use | null {
  if (ref.type === T.Identifier && !isValueReference(fi, ref)) return null;
  const self = fi.outermost(ref);
  const parent = fi.parents.get(self);
  if (!parent) return null;
  const where = `${file}:${self.loc.start.line}`;
  switch (parent.type) {
    case T.CallExpression:
      if (parent.callee === self) return { kind: 'call', file, node: parent };
      return parent.arguments.includes(self as never) ? { kind: 'argument', file, node: parent } : null;
    case T.NewExpression:
      return parent.arguments.includes(self as never) ? { kind: 'argument', file, node: parent } : null;
    case T.Property: {
      if (parent.value !== self) return null;
      if (optionCall(fi, parent)) return { kind: 'option', file, node: parent };
      const holder = fi.parents.get(parent);
      if (holder?.type === T.ObjectExpression && !isModuleExportsObject(fi, holder)) return { kind: 'member', file, node: parent };
      return null;
    }
    case T.MemberExpression: {
      if (parent.object !== self) return null;
      const prop = propertyName(parent.property, parent.computed);
      const outer = fi.parents.get(fi.outermost(parent));
      const called = outer?.type === T.CallExpression && outer.callee === fi.outermost(parent);
      if (called && (prop === 'call' || prop === 'apply')) return { kind: 'call', file, node: outer };
      if (called && prop === 'bind') return { kind: 'value', file, node: outer };
      // `fn.name`, `fn.length`: read, not called.
      return null;
    }
    case T.VariableDeclarator:
      if (parent.init !== self) return null;
      if (parent.id.type === T.Identifier) return { kind: 'alias', file, node: parent, name: parent.id.name };
      return { kind: 'unfollowed', file, node: self, how: `destructured at ${where}` };
    case T.ConditionalExpression:
      return parent.test === self ? null : { kind: 'value', file, node: parent };
    case T.LogicalExpression:
    case T.AwaitExpression:
      return { kind: 'value', file, node: parent };
    case T.SequenceExpression:
      return parent.expressions[parent.expressions.length - 1] === self ? { kind: 'value', file, node: parent } : null;
    case T.JSXExpressionContainer: {
      const attr = fi.parents.get(parent);
      return attr?.type === T.JSXAttribute ? { kind: 'jsx', file, node: attr } : { kind: 'unfollowed', file, node: self, how: `rendered as a JSX child at ${where}` };
    }
    case T.ExportDefaultDeclaration:
    case T.ExportSpecifier:
    case T.IfStatement:
    case T.WhileStatement:
    case T.UnaryExpression:
    case T.BinaryExpression:
    case T.ExpressionStatement:
      return null;
    case T.AssignmentExpression:
      if (parent.right !== self || commonJsExportName(fi, self)) return null;
      return { kind: 'unfollowed', file, node: self, how: `assigned to \`${describeRef(parent.left)}\` at ${where}` };
    case T.ArrayExpression:
      return { kind: 'unfollowed', file, node: self, how: `an element of an array at ${where}` };
    case T.ReturnStatement:
    case T.ArrowFunctionExpression:
      return { kind: 'unfollowed', file, node: self, how: `returned from a function at ${where}` };
    case T.SpreadElement:
      return { kind: 'unfollowed', file, node: self, how: `spread at ${where}` };
    default:
      return { kind: 'unfollowed', file, node: self, how: `used as a value at ${where}` };
  }
}

function isExported(fi: SyntaxModel, decl: Node): boolean {
  return fi.parents.get(fi.parents.get(decl)!)?.type === T.ExportNamedDeclaration;
}

/** `module.exports = { a, b }`: the CommonJS exports, followed by their names elsewhere. */
function isModuleExportsObject(fi: SyntaxModel, obj: Node): boolean {
  const assign = fi.parents.get(obj);
  return assign?.type === T.AssignmentExpression && assign.right === obj && assign.left.type === T.MemberExpression && isModuleExportsNode(assign.left);
}

/** The identifier a declarator binds `name` to: its id, or the target of that key in its pattern. */
function bindingTarget(decl: TSESTree.VariableDeclarator, name: string): Node | null {
  if (decl.id.type === T.Identifier) return decl.id.name === name ? decl.init : null;
  let found: Node | null = null;
  visit(decl.id, (n) => {
    if (found) return false;
    if (n.type === T.Identifier && n.name === name) found = n;
  });
  return found;
}

function describeRef(node: Node): string {
  if (node.type === T.Identifier) return node.name;
  if (node.type === T.MemberExpression) return `${describeRef(node.object)}.${propertyName(node.property, node.computed) ?? '[…]'}`;
  if (node.type === T.ThisExpression) return 'this';
  if (node.type === T.CallExpression) return `${describeRef(node.callee)}(…)`;
  return '…';
}

function unfollowedPath(file: string, node: Node, how: string): Path {
  return {
    effect: 'open',
    rule: 'unfollowed-reference',
    entry: `referenced in a way Batchwise does not follow: ${how}; whoever calls it through that reference is unknown`,
    file,
    line: node.loc.start.line,
    steps: [],
    loops: [],
  };
}

function bindsFunction(binding: Binding | null, fn: Node): boolean {
  if (!binding) return false;
  if (binding.kind === 'function') return binding.declaration === fn && fn.type === T.FunctionDeclaration;
  return binding.declarator?.init === fn;
}

/** `node` as the value of a CommonJS export: `exports.x = node`, `module.exports.x = node`, `module.exports = node` (default), `module.exports = { x: node }`. */
function commonJsExportName(fi: SyntaxModel, node: Node): string | null {
  const parent = fi.parents.get(node);
  if (parent?.type === T.AssignmentExpression && parent.right === node && parent.left.type === T.MemberExpression) {
    const left = parent.left;
    if (isModuleExportsNode(left)) return 'default';
    const prop = propertyName(left.property, left.computed);
    const target = left.object;
    const onExports = (target.type === T.Identifier && target.name === 'exports') || (target.type === T.MemberExpression && isModuleExportsNode(target));
    return onExports ? prop : null;
  }
  if (parent?.type === T.Property && parent.value === node) {
    const obj = fi.parents.get(parent);
    const assign = obj ? fi.parents.get(obj) : undefined;
    if (assign?.type === T.AssignmentExpression && assign.right === obj && assign.left.type === T.MemberExpression && isModuleExportsNode(assign.left)) {
      return propertyName(parent.key, parent.computed);
    }
  }
  return null;
}

function isModuleExportsNode(node: TSESTree.MemberExpression): boolean {
  return node.object.type === T.Identifier && node.object.name === 'module' && propertyName(node.property, node.computed) === 'exports';
}

/** The names under which a function is exported from its module ('default' for the default export). */
function exportNamesOf(fi: SyntaxModel, fn: Node, name: string | null): string[] {
  const names = new Set<string>();
  const holder = fi.parents.get(fn);
  for (const e of fi.exports()) {
    // `export function f`, `export const f = fn`: the declaration holds this very value.
    if (e.kind === 'declaration' && (e.declaration === fn || (holder?.type === T.VariableDeclarator && e.declaration === holder))) names.add(e.exported);
    // `export { f as g }`, `export default f`: by name.
    else if (e.kind === 'name' && name !== null && e.local.name === name) names.add(e.exported);
    // `export default <fn>`, `exports.g = fn`, `module.exports = { g: f }`.
    else if (e.kind === 'value' && (e.value === fn || (name !== null && e.value.type === T.Identifier && e.value.name === name))) names.add(e.exported);
  }
  // `exports.g = fn` anywhere in the file, not only at the top.
  const assigned = commonJsExportName(fi, fn);
  if (assigned) names.add(assigned);
  return [...names];
}

function toPath(entry: EntryMatch, file: string): Path {
  const effect = ruleById(entry.rule)?.effect;
  return {
    effect: effect === 'user-waiting' || effect === 'batchable' ? effect : 'open',
    rule: entry.rule,
    entry: entry.message,
    file,
    line: entry.node.loc.start.line,
    steps: [],
    loops: [],
    ...(entry.schedule ? { schedule: entry.schedule } : {}),
    ...(entry.platform ? { platform: entry.platform } : {}),
  };
}

function startupPath(file: string, server: ServerStart): Path {
  return {
    effect: 'open',
    rule: 'long-running-server',
    entry: `module-level code in ${file}, which sets up a long-running server or bot (${server.what}): it runs once at start-up, not per request, and how the file is started says nothing about who waits; if it is batch work, move it to a script or declare it with \`// batchwise: batch\``,
    file,
    line: server.line,
    steps: [],
    loops: [],
    startup: server.what,
  };
}

/** React's hooks that take a callback: it runs in a component, for the person using the UI. */
const REACT_HOOKS = /^use(Callback|Effect|LayoutEffect|InsertionEffect|Memo|Transition)$/;
const REACT_MODULES = /^(react|preact\/hooks|preact\/compat)$/;

function reactHookCallback(fi: SyntaxModel, call: TSESTree.CallExpression | TSESTree.NewExpression): string | null {
  if (call.type !== T.CallExpression) return null;
  const callee = call.callee;
  if (callee.type === T.Identifier) return REACT_HOOKS.test(callee.name) && REACT_MODULES.test(importSource(fi, callee) ?? '') ? callee.name : null;
  if (callee.type === T.MemberExpression && callee.object.type === T.Identifier && !callee.computed && callee.property.type === T.Identifier) {
    return REACT_HOOKS.test(callee.property.name) && REACT_MODULES.test(importSource(fi, callee.object) ?? '') ? `${callee.object.name}.${callee.property.name}` : null;
  }
  return null;
}

/** Eval frameworks' entry calls (package → export): the task they are given runs once per case of the eval. */
const EVAL_RUNNERS: Record<string, string[]> = { evalite: ['evalite'], braintrust: ['Eval'], 'vitest-evals': ['describeEval'] };

function evalRunner(fi: SyntaxModel, call: TSESTree.CallExpression | TSESTree.NewExpression): string | null {
  if (call.type !== T.CallExpression || call.callee.type !== T.Identifier) return null;
  const b = fi.resolve(call.callee)?.import;
  if (!b) return null;
  return EVAL_RUNNERS[b.source]?.includes(b.imported) ? `${call.callee.name}(…)` : null;
}

/** Callbacks that run where they are written, inside the code that receives them, not later for an event. */
const INLINE_CALLBACKS = new Set(['map', 'forEach', 'flatMap', 'filter', 'reduce', 'some', 'every', 'find', 'then', 'catch', 'finally', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'pMap']);

/** Calls that run a callback before they are done with it even when their result is dropped: p-queue `add`, a transaction, a span. */
const RUNS_NOW = new Set(['add', 'addAll', 'limit', 'transaction', '$transaction', 'startActiveSpan', 'pRetry', 'retry', 'Promise',
  // A test runner's suites and cases run as part of the run (an eval harness's vitest cases).
  'describe', 'it', 'test', 'suite', 'bench', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach']);
/** Method names that register a callback for events: `on('x', fn)`, `onText(re, fn)`, `subscribe(topic, fn)`, gRPC `addService`. */
const EVENT_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener', 'subscribe', 'psubscribe', 'addService', 'handle', 'action', 'hears', 'command']);

function calleeName(call: TSESTree.CallExpression | TSESTree.NewExpression): string | null {
  return call.callee.type === T.MemberExpression ? propertyName(call.callee.property, call.callee.computed) : call.callee.type === T.Identifier ? call.callee.name : null;
}

function isEventRegistration(call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  const name = calleeName(call);
  return name !== null && (EVENT_METHODS.has(name) || /^on[A-Z]/.test(name));
}

/** Is the call's result thrown away (`x.register(fn);`, `program.command('a').action(fn);`), so it cannot be what runs the callback now? */
function resultDropped(fi: SyntaxModel, call: Node): boolean {
  let value = fi.outermost(call);
  for (;;) {
    const parent = fi.parents.get(value);
    const outer = parent ? fi.parents.get(parent) : undefined;
    // A chained call (`.action(fn).option(…)`) hands its receiver on.
    if (parent?.type === T.MemberExpression && parent.object === value && outer?.type === T.CallExpression && outer.callee === parent) {
      value = fi.outermost(outer);
      continue;
    }
    return parent?.type === T.ExpressionStatement || (parent?.type === T.UnaryExpression && parent.operator === 'void');
  }
}

function describeCall(call: TSESTree.CallExpression | TSESTree.NewExpression): string {
  const callee = call.callee;
  const head = callee.type === T.MemberExpression ? `${describeRef(callee.object)}.${propertyName(callee.property, callee.computed) ?? '[…]'}` : describeRef(callee);
  return `${call.type === T.NewExpression ? 'new ' : ''}${head}(…)`;
}

/** Option keys that hold an event handler: `{ onMessage }`, `{ eachMessage }`, `{ handleEvent }`. */
const EVENT_KEY = /^(on[A-Z]|each[A-Z]|handle[A-Z]?)/;

const STREAM_EVENTS = new Set(['data', 'line', 'readable', 'record', 'row']);

/** `createReadStream(f).pipe(parse()).on('data', fn)`: each event is a record of a file, a loop over batch data. */
function fileStreamEvent(fi: SyntaxModel, file: string, call: TSESTree.CallExpression | TSESTree.NewExpression): Loop | null {
  if (call.type !== T.CallExpression || call.callee.type !== T.MemberExpression) return null;
  const method = propertyName(call.callee.property, call.callee.computed);
  const event = call.arguments[0];
  if ((method !== 'on' && method !== 'once') || event?.type !== T.Literal || typeof event.value !== 'string' || !STREAM_EVENTS.has(event.value)) return null;
  const source = batchSource(fi, file, call.callee.object, 0);
  if (!source || !isDiskSource(source)) return null;
  const where = `${file}:${call.loc.start.line}`;
  return { rule: 'loop-over-collection', message: `called for each '${event.value}' event of a stream at ${where}, over ${source}`, file, line: call.loc.start.line, batchSource: source, fromDisk: true };
}

const registeredHandlers = new WeakMap<SyntaxModel, ServerStart | null>();

/** A route, bot or socket handler registered anywhere in the file makes it a server's file. */
function registeredHandler(fi: SyntaxModel, file: string): ServerStart | null {
  if (registeredHandlers.has(fi)) return registeredHandlers.get(fi)!;
  let found: ServerStart | null = null;
  visit(fi.ast, (node) => {
    if (found) return false;
    if (node.type !== T.CallExpression || !node.arguments.some((a) => isFunctionLike(a) || a.type === T.Identifier || a.type === T.MemberExpression)) return;
    if (fileStreamEvent(fi, file, node)) return;
    const entry = matchRegistration(node, file);
    if (entry && ruleById(entry.rule)?.effect === 'user-waiting') found = { what: `it registers the ${entry.message}`, line: node.loc.start.line };
  });
  registeredHandlers.set(fi, found);
  return found;
}

/** The text an import of `file` must contain: its base name, or its folder's for an index file. */
function importNeedle(file: string): string {
  const stem = stripExtension(file);
  const base = stem.slice(stem.lastIndexOf('/') + 1);
  return base === 'index' ? stem.slice(0, stem.lastIndexOf('/')).split('/').pop() ?? base : base;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function unparsedPath(file: string, name: string, error: string): Path {
  return {
    effect: 'blocked',
    rule: 'unparsed-caller',
    entry: `${file} mentions \`${name}\` but could not be parsed (${error}), so its calls cannot be followed and this call cannot be shown to be batchable; fix the syntax error to get a verdict`,
    file,
    line: 1,
    steps: [],
    loops: [],
  };
}

function excludedPath(file: string): Path {
  return { effect: 'excluded', rule: 'test-file', entry: `${file} is a test file, not production code`, file, line: 1, steps: [], loops: [] };
}

function pathEvidence(p: Path, prefix: string): Evidence {
  const chain = [`${p.file} (${p.entry})`, ...p.steps.map((s) => `\`${s}\``)].join(' → ');
  return { rule: p.rule, message: prefix + chain, file: p.file, line: p.line };
}

/** A path that decides nothing, with the chain from where it ends to the call when there is one. */
function openEvidence(p: Path): Evidence {
  if (p.steps.length < 2) return { rule: p.rule, message: p.entry, file: p.file, line: p.line };
  return { rule: p.rule, message: `${p.entry}; the chain from there to the call: ${p.steps.map((s) => `\`${s}\``).join(' → ')}`, file: p.file, line: p.line };
}

function dedupePaths(paths: Path[]): Path[] {
  const seen = new Set<string>();
  return paths.filter((p) => {
    const key = `${p.effect}|${p.rule}|${p.file}|${p.line}|${p.steps.join('>')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function plainEvidence({ rule, message, file, line }: Evidence): Evidence {
  return { rule, message, file, line };
}

function uniqueEvidence<E extends Evidence>(list: E[]): E[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = `${e.rule}|${e.file}|${e.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `// batchwise: batch ...` or `// batchwise: user-waiting ...` overrides inference, and says so. */
function declaredContext(site: CallSite): Classification | null {
  const note = site.annotation?.toLowerCase();
  if (!note) return null;
  const where = { file: site.file, line: site.loc.start.line - 1 };
  if (/\b(user-waiting|interactive|realtime|real-time)\b/.test(note)) {
    return { verdict: 'user-waiting', confidence: 1, evidence: [{ rule: 'declared-context', message: `declared user-waiting in a comment: "batchwise: ${site.annotation}"`, ...where }] };
  }
  if (/\bbatch(able)?\b/.test(note)) {
    return { verdict: 'batchable', confidence: 1, evidence: [{ rule: 'declared-context', message: `declared batchable in a comment: "batchwise: ${site.annotation}"`, ...where }] };
  }
  return null;
}

/** An object literal's plain properties by name (spreads and computed keys left out). */
function propertyValues(obj: TSESTree.ObjectExpression): Map<string, Node | null> {
  const out = new Map<string, Node | null>();
  for (const p of obj.properties) {
    if (p.type !== T.Property) continue;
    const key = propertyName(p.key, p.computed);
    if (key !== null) out.set(key, p.value);
  }
  return out;
}

/** A module's `export const x = …` values and exported functions, by name. */
function exportedValues(fi: SyntaxModel): Map<string, Node | null> {
  const out = new Map<string, Node | null>();
  for (const e of fi.exports()) {
    if (e.kind !== 'declaration') continue;
    if (e.declaration.type === T.VariableDeclarator && e.declaration.id === e.id) out.set(e.exported, e.declaration.init);
    else if (e.declaration.type === T.FunctionDeclaration) out.set(e.exported, e.declaration);
  }
  return out;
}
