// Rewrites to the batch path. Each strategy proves its shape or refuses with a reason the user sees.
import type { CallSite, FileEdit, Fix, FixSummary, RunsOnce, TextEdit } from '../model';
import { AST_NODE_TYPES as T, parseSource, type TSESTree } from '../parse/parse';
import type { Node } from '../parse/walk';
import { SyntaxModel } from '../syntax/model';
import { isFunctionLike, LOOP_STATEMENTS } from '../syntax/nodes';
import { findCall } from './loopHoist';
import { checkLoopHoist, LOOP_HOIST, NOT_PER_ITEM } from './loopHoist';
import { BATCH_QUEUE, checkBatchQueue, IN_LOOP, TOP_LEVEL } from './batchQueue';
import { checkSingleBatch, SINGLE_BATCH } from './singleBatch';
import { BATCH_CALL, checkLangChainBatch } from './langchainBatch';
import { helperModuleFor, HelperModuleKind } from './helper';
import { sequentialRefusal } from './sequential';
import { ModuleStyle, moduleStyleFor } from './moduleStyle';
import { compiledByTsc, placeHelper, resolutionCandidates } from './placement';
import type { ModuleLookup } from './effects';
import { keptBreaksOf, LineEnding, lineEndingOf, lfView, sameButLineEndings, withLineEnding, withLineEndingKeeping, type KeptBreaks } from './lineEndings';
import { allVariants, HelperVariant, helperVariantFor, packageVersionFor, RewriteProvider, SDK_PACKAGE, SdkVersion, sdkVersionFor } from './sdkVersion';
import semver from 'semver';
import { LANGCHAIN_FLOOR, LANGCHAIN_PACKAGES } from './langchain';
import { ADDED_SDK_RANGE, addDependencies, aiSdkProviderRange, type PackageAddition } from './manifest';

export interface FixRequest {
  /** Path relative to the workspace root, '/' separators. */
  file: string;
  text: string;
  site: CallSite;
  /** Where the OpenAI batch helper module goes, relative to the root, with its extension (the Anthropic one goes beside it). */
  helperPath: string;
  /**
   * The user chose `helperPath` (a setting): it is kept where the project's tsconfig allows it, else the
   * fix is refused. A default path moves inside the project's source folder instead.
   */
  helperPathExplicit?: boolean;
  /** The file's syntax tree as the analysis parsed it from `text`, when there is one (saves a parse). */
  ast?: TSESTree.Program;
  /** The project's other modules, parsed: lets the fix follow an imported function to what it returns. */
  modules?: ModuleLookup;
  /** The helper's current content when a file is already there (for the path this fix needs). */
  existingHelper?: string;
  /** Reads a file of the workspace (the helper path this fix needs), when `existingHelper` is not given. */
  readExisting?: (path: string) => string | undefined;
  /**
   * How the project around the file loads modules (package.json "type", tsconfig module settings); read
   * through `readExisting` when not given.
   */
  projectModuleStyle?: ModuleStyle;
  /** The analysis found the call made once per run of a program or schedule (see Classification.oncePerRun). */
  runsOnce?: RunsOnce;
}

export type FixPlan = { ok: true; fix: Fix } | { ok: false; reason: string };

/**
 * Which strategy applies: the loop hoist for a call made once per item of a loop; else the batch queue,
 * which takes a call made once per run of a function called concurrently. A call inside a loop that
 * waits for it gets neither (a queue there would send one batch per iteration), and the loop's reason.
 */
function choose(file: string, text: string, site: CallSite, helperPath: string, ast?: TSESTree.Program, style?: ModuleStyle, modules?: ModuleLookup, runsOnce?: RunsOnce, verdictOnly = false) {
  const sequential = sequentialRefusal(file, text, site, ast);
  if (sequential) return { strategy: LOOP_HOIST, check: { ok: false as const, reason: sequential } } as const;
  // `model.batch(inputs)` is batch-shaped already: it becomes one provider batch where it stands.
  if (site.api === 'langchain.batch') return { strategy: BATCH_CALL, check: checkLangChainBatch(file, text, site, helperPath, ast, style, modules) } as const;
  const hoist = checkLoopHoist(file, text, site, helperPath, ast, style, modules, verdictOnly);
  if (hoist.ok) return { strategy: LOOP_HOIST, check: hoist } as const;
  // So is `embeddings.embedDocuments(texts)`, outside a loop (in one, each would wait for its own batch).
  if (site.api === 'langchain.embedDocuments' && !inLoop(file, text, site, ast)) return { strategy: BATCH_CALL, check: checkLangChainBatch(file, text, site, helperPath, ast, style, modules) } as const;
  // The batch queue takes the OpenAI, Anthropic and Gemini clients' own calls and AI SDK calls (through the bridge's queue): a LangChain call gets the loop hoist's answer.
  if (site.api.startsWith('langchain.')) return { strategy: LOOP_HOIST, check: hoist } as const;
  // A queue fed once per run (the analysis says when) or at a module's top level would only ever send
  // batches of one: such a call goes as a batch of its one request where it stands, and where that is
  // refused its reason is the reason (the call is made once: there is no loop for a hoist either).
  const single = (once: RunsOnce | null) => ({ strategy: SINGLE_BATCH, check: checkSingleBatch(file, text, site, helperPath, once, ast, style, modules, verdictOnly) }) as const;
  if (runsOnce) return single(runsOnce);
  const checked = checkBatchQueue(file, text, site, helperPath, ast, style, modules);
  if (!checked.ok && checked.reason === TOP_LEVEL) return single(null);
  if (checked.ok) return { strategy: BATCH_QUEUE, check: checked } as const;
  // Both reasons, once each; a loop's own reason (break, for await, …) says enough.
  const reason = checked.reason === IN_LOOP && hoist.reason !== NOT_PER_ITEM ? hoist.reason : [...new Set([hoist.reason, checked.reason])].join('; ');
  return { strategy: LOOP_HOIST, check: { ok: false as const, reason } } as const;
}

/** Whether the call sits in a loop statement or a callback of a call (`xs.map(…)`, `forEach`), in its function or around it. */
function inLoop(file: string, text: string, site: CallSite, ast?: TSESTree.Program): boolean {
  const parsed = ast ? { ok: true as const, ast } : parseSource(file, text);
  if (!parsed.ok) return false;
  const call = findCall(parsed.ast, site.range);
  if (!call) return false;
  const parents = SyntaxModel.of({ file, text, ast: parsed.ast }).parents;
  for (let child: Node = call, p = parents.get(call); p; child = p, p = parents.get(p)) {
    if (LOOP_STATEMENTS.has(p.type)) return true;
    if ((p.type === T.CallExpression || p.type === T.NewExpression) && p.arguments.includes(child as TSESTree.CallExpressionArgument) && isFunctionLike(child)) return true;
  }
  return false;
}


/**
 * The cheap check used while analysing: would a fix be offered, and is it safe? `sdkFor` gives the
 * project's SDK version (see sdkVersionFor), where a helper may not fit.
 */
export function fixableStrategy(req: {
  file: string;
  text: string;
  site: CallSite;
  ast?: TSESTree.Program;
  projectModuleStyle?: ModuleStyle;
  modules?: ModuleLookup;
  sdkFor?: (provider: RewriteProvider) => SdkVersion | undefined;
  /** The version of another package the project has (see packageVersionFor): `ai`, `@ai-sdk/openai`. */
  packageFor?: (pkg: string) => SdkVersion | undefined;
  /** The analysis found the call made once per run of a program or schedule: no batch queue for it. */
  runsOnce?: RunsOnce;
  /** Reads a file of the workspace: the package.json a package the batch needs is added to. */
  read?: (path: string) => string | undefined;
}): FixSummary | { refused: string } {
  // The verdict is read off the file as it is, line endings and all: no edits are built, so nothing here
  // needs planFix's LF view, whose parse and second model cost a CR-only or CRLF file of 4,000 loops half
  // as much again. (The line-ending tests hold the audit's offers to what planFix then plans.)
  const { strategy, check } = choose(req.file, req.text, req.site, 'batchwise/openaiBatch.ts', req.ast, req.projectModuleStyle, req.modules, req.runsOnce, true);
  if (!check.ok) return { refused: check.reason };
  const sdk = req.sdkFor?.(check.plan.helperKind);
  const needed = packagesNeeded(check.plan, req.file, req.sdkFor !== undefined && !sdk, req.packageFor, req.read);
  if (typeof needed === 'string') return { refused: needed };
  const fits = helperVariantFor(check.plan.helperKind, sdk, req.site.api);
  if (!fits.ok) return { refused: fits.reason };
  const changes = changesWith(check.plan, needed);
  return changes ? { strategy, safe: false, changes } : { strategy, safe: strategy !== BATCH_QUEUE };
}

/**
 * The packages a plan sends through that the project lacks (the official client of an AI SDK call's batch,
 * the AI SDK provider that takes a gateway id's place): null when none is missing, the package.json edit
 * that adds them, or why there is no fix (a package Batchwise cannot add, no package.json to add it to).
 */
function packagesNeeded(
  plan: object & { helperKind: RewriteProvider },
  file: string,
  clientMissing: boolean,
  versionOf: ((pkg: string) => SdkVersion | undefined) | undefined,
  read: ((path: string) => string | undefined) | undefined,
): { edit: FileEdit; changes: string } | string | null {
  const adds: PackageAddition[] = [];
  const reasons: string[] = [];
  if (clientMissing && bridgeOf(plan)) {
    adds.push({ pkg: SDK_PACKAGE[plan.helperKind], range: ADDED_SDK_RANGE[plan.helperKind] });
    reasons.push(officialClientMissing(plan.helperKind));
  }
  const gateway = gatewayNeed(plan, versionOf);
  if (typeof gateway === 'string') return gateway;
  if (gateway) {
    adds.push(gateway.add);
    reasons.push(gateway.reason);
  }
  if (adds.length === 0) return null;
  if (!read) return reasons.join('; ');
  // Beside the package the call is written with: in the field that lists it.
  return addDependencies(file, adds, 'aiSdk' in plan && plan.aiSdk ? 'ai' : '@langchain/core', read);
}

/**
 * The rewrite for a call site. Strategies see the text with '\n' breaks; a file with CRLF or CR-only
 * breaks gets its edits back in its own offsets, and every inserted line and created file in its line
 * ending. Edits that would overlap or fall outside the text are a refusal, never an exception.
 */
export function planFix(req: FixRequest): FixPlan {
  const { eol, view } = breaksOf(req.text);
  const lf = inLfView(req.text, view, req.site);
  const ast = lf.text === req.text ? req.ast : lfParse(req.file, lf.text);
  const plan = planFixOnLf({ ...req, text: lf.text, site: lf.site, ast }, eol);
  if (!plan.ok) return plan;
  const kept = view ? keptBreaksFor(req.text, view, ast, eol) : [];
  const edits = plan.fix.edits.map((e) => ({ range: [lf.toOriginal(e.range[0]), lf.toOriginal(e.range[1])] as [number, number], newText: withLineEndingKeeping(e.newText, eol, kept) }));
  const problem = editsProblem(req.text.length, edits);
  if (problem) return { ok: false, reason: `Batchwise planned ${problem} for this call, a bug on its side; nothing was changed (please report it with the file)` };
  return { ok: true, fix: { ...plan.fix, edits } };
}

/**
 * The last text's line ending and LF view (null for an LF text), and the last parse: the audit checks
 * every call of a file in turn, and a CRLF file of 2,000 calls was converted and parsed again for each
 * (minutes, not a second); even an LF file's scan for '\r' costs a pass over the text per call.
 */
let lastBreaks: { text: string; eol: LineEnding; view: ReturnType<typeof lfView> | null } | null = null;
let lastParse: { file: string; text: string; ast: TSESTree.Program | undefined } | null = null;

function lfParse(file: string, text: string): TSESTree.Program | undefined {
  if (lastParse?.file !== file || lastParse.text !== text) {
    const parsed = parseSource(file, text);
    lastParse = { file, text, ast: parsed.ok ? parsed.ast : undefined };
  }
  return lastParse.ast;
}

let lastKept: { text: string; kept: KeptBreaks[] } | null = null;

/** The file's literals whose own line breaks differ from its ending, kept per text like the view. */
function keptBreaksFor(text: string, view: ReturnType<typeof lfView>, ast: TSESTree.Program | undefined, eol: LineEnding): KeptBreaks[] {
  if (lastKept?.text !== text) lastKept = { text, kept: keptBreaksOf(text, view, ast, eol) };
  return lastKept.kept;
}

function breaksOf(text: string): { eol: LineEnding; view: ReturnType<typeof lfView> | null } {
  if (lastBreaks?.text !== text) lastBreaks = { text, eol: lineEndingOf(text), view: text.includes('\r') ? lfView(text) : null };
  return lastBreaks;
}

/** The text and site as strategies see them: '\n' breaks, the site's offsets moved to match. */
function inLfView(text: string, view: ReturnType<typeof lfView> | null, site: CallSite) {
  if (!view) return { text, site, toOriginal: (o: number) => o };
  return { text: view.text, site: { ...site, range: [view.toView(site.range[0]), view.toView(site.range[1])] as [number, number] }, toOriginal: view.toOriginal };
}

/** Why edits cannot be applied to a text of `length` (overlapping, out of range), or null. */
export function editsProblem(length: number, edits: readonly TextEdit[]): string | null {
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let end = 0;
  for (const e of sorted) {
    if (!(e.range[0] >= 0 && e.range[0] <= e.range[1] && e.range[1] <= length)) return `an edit outside the file (${e.range[0]}–${e.range[1]} of ${length})`;
    if (e.range[0] < end) return `overlapping edits (at offset ${e.range[0]})`;
    end = e.range[1];
  }
  return null;
}

function planFixOnLf(req: FixRequest, eol: LineEnding): FixPlan {
  const read = req.readExisting;
  const style = req.projectModuleStyle ?? (read ? moduleStyleFor(req.file, read) : undefined);
  let helperPath = req.helperPath;
  if (read) {
    const placed = placeHelper(req.file, req.helperPath, req.helperPathExplicit ?? false, read);
    if (!placed.ok) return placed;
    helperPath = placed.helperPath;
  }
  // The analysis's tree fits only the text it was parsed from (an LF view of a CRLF file is parsed here).
  const { strategy, check } = choose(req.file, req.text, req.site, helperPath, req.ast, style, req.modules, req.runsOnce);
  if (!check.ok) return check;
  const plan = check.plan;
  // The helper is written for the SDK version the project compiles against, or refused where none fits.
  const sdk = read ? sdkVersionFor(plan.helperKind, req.file, read) : undefined;
  // The AI SDK bridge sends the batch through the provider's official client, which an AI SDK project may not have.
  const added = packagesNeeded(plan, req.file, read !== undefined && !sdk, read ? (pkg) => packageVersionFor(pkg, req.file, read) : undefined, read);
  if (typeof added === 'string') return { ok: false, reason: added };
  const langChain = 'langChain' in plan && plan.langChain && read ? langChainTooOld(plan.helperKind, req.file, read) : null;
  if (langChain) return { ok: false, reason: langChain };
  const fits = helperVariantFor(plan.helperKind, sdk, req.site.api);
  if (!fits.ok) return fits;
  // Created files take the line ending of the file that imports them.
  const needed = [{ path: plan.helperPath, content: withLineEnding(helperModuleFor(plan.helperPath, plan.moduleKind, plan.helperKind, fits.variant), eol), kind: plan.helperKind as HelperModule }];
  if ('queuePath' in plan && plan.queuePath) needed.push({ path: plan.queuePath, content: withLineEnding(helperModuleFor(plan.queuePath, plan.moduleKind, 'queue'), eol), kind: 'queue' });
  const bridge = bridgeOf(plan);
  if (bridge) {
    needed.push({ path: bridge.path, content: withLineEnding(helperModuleFor(bridge.path, plan.moduleKind, bridge.kind, undefined, bridge.siblingExtension), eol), kind: bridge.kind });
  }
  const createFiles: { path: string; content: string }[] = [];
  for (const [i, file] of needed.entries()) {
    const existing = i === 0 && req.existingHelper !== undefined ? req.existingHelper : read?.(file.path);
    // A copy that differs only in its line endings (a checkout with autocrlf) is the same helper.
    if (existing !== undefined && !sameButLineEndings(existing, file.content)) {
      const written = writtenFor(existing, file.path, file.kind);
      if (written) {
        const now = fits.variant.sdk ? `the project now has ${SDK_PACKAGE[plan.helperKind]} ${fits.variant.sdk.version} (${fits.variant.sdk.source})` : `Batchwise cannot read which ${SDK_PACKAGE[plan.helperKind]} version the project has`;
        return { ok: false, reason: `${file.path} is the helper Batchwise wrote for ${written}, but ${now}: delete it and apply the fix again to get the one that fits` };
      }
      return {
        ok: false,
        reason: `${file.path} already exists with other content; Batchwise will not overwrite it (move it, or set batchwise.helperPath)`,
      };
    }
    if (existing !== undefined) continue;
    // Nothing at the path, but a file an import of it could load instead (another extension, an index
    // file): a second helper beside it would shadow it, or be shadowed, depending on the tool.
    const other = read ? resolutionCandidates(file.path).find((c) => c !== file.path && read(c) !== undefined) : undefined;
    if (other !== undefined) {
      const content = read!(other)!;
      const theirs = writtenFor(content, other, file.kind) !== undefined;
      // The TypeScript helper serves a JavaScript file that tsc compiles (allowJs) as well as its own would.
      if (theirs && /\.[cm]?tsx?$/.test(other) && /\.[cm]?jsx?$/.test(req.file) && compiledByTsc(req.file, read!)) continue;
      const folder = req.file.includes('/') ? `${req.file.slice(0, req.file.lastIndexOf('/'))}/batchwise/${file.path.slice(file.path.lastIndexOf('/') + 1).replace(/\.[cm]?[jt]s$/, '')}` : 'lib/batchwise/openaiBatch';
      const why = !theirs
        ? 'it is another module'
        : /\.[cm]?tsx?$/.test(other)
          ? `it is the TypeScript helper, which ${req.file} (JavaScript that tsc does not compile) cannot load`
          : `it is the JavaScript helper, which leaves ${req.file} without the helper's types`;
      return {
        ok: false,
        reason: `${other} already exists where the import this fix adds (for ${file.path}) could load it instead, and ${why}; Batchwise will not put a second helper beside it: set batchwise.helperPath to a folder of its own (e.g. ${folder}) to get a fix`,
      };
    }
    createFiles.push({ path: file.path, content: file.content });
  }
  const changes = changesWith(plan, added);
  return {
    ok: true,
    fix: {
      strategy,
      safe: strategy !== BATCH_QUEUE && !changes,
      ...(changes ? { changes } : {}),
      title: fixTitle(strategy, plan.helperKind),
      edits: plan.edits.filter((e) => !(e.newText === '' && e.range[0] === e.range[1])),
      createFiles,
      editFiles: added ? [added.edit] : [],
    },
  };
}

type HelperModule = HelperModuleKind;

/** The bridge module an AI SDK or LangChain call imports (beside the provider's helper), if the plan has one. */
function bridgeOf(plan: object): { path: string; kind: HelperModuleKind; siblingExtension: string } | undefined {
  if ('aiSdk' in plan && plan.aiSdk) return plan.aiSdk as { path: string; kind: HelperModuleKind; siblingExtension: string };
  if ('langChain' in plan && plan.langChain) return plan.langChain as { path: string; kind: HelperModuleKind; siblingExtension: string };
  return undefined;
}

/** Why the project's LangChain package is too old for the bridge (its client does not send through the global fetch), or null. */
function langChainTooOld(provider: RewriteProvider, file: string, read: (path: string) => string | undefined): string | null {
  if (provider === 'google' || provider === 'mistral') return null;
  const pkg = LANGCHAIN_PACKAGES[provider].source;
  const found = packageVersionFor(pkg, file, read);
  const floor = LANGCHAIN_FLOOR[provider];
  if (!found || !semver.valid(found.version) || semver.gte(found.version, floor.version)) return null;
  return `the project has ${pkg} ${found.version} (${found.source}), whose client sends through node-fetch, past the batch; ${pkg} ${floor.version} is ${floor.why}: upgrade it to get a fix`;
}

/**
 * Why a gateway model id cannot become the provider's model in this project, the provider package to add
 * (with why it is needed), or null: only AI SDK 5 and later send a string model through the AI Gateway
 * (its global default provider), and the provider's package must be there or be added.
 */
function gatewayNeed(plan: object, versionOf: ((pkg: string) => SdkVersion | undefined) | undefined): { add: PackageAddition; reason: string } | string | null {
  if (!('gateway' in plan) || (plan.gateway !== 'openai' && plan.gateway !== 'anthropic')) return null;
  const ai = versionOf?.('ai');
  if (!ai || !semver.valid(ai.version)) return 'the model is a string, which AI SDK 5 and later send through the Vercel AI Gateway; Batchwise cannot read which `ai` version the project has, so it cannot tell where the call goes';
  if (semver.major(ai.version) < 5) return `the model is a string, but the project has ai ${ai.version} (${ai.source}): before AI SDK 5 there is no global default provider (the AI Gateway) for a string model to go through; make the model with @ai-sdk/${plan.gateway} to get a fix`;
  const pkg = `@ai-sdk/${plan.gateway}`;
  if (versionOf?.(pkg)) return null;
  const reason = `the batch needs the model made by ${pkg} in place of the gateway id, and the project does not list ${pkg} (no package.json, lockfile or node_modules names it): add it (npm install ${pkg}) to get a fix`;
  const range = aiSdkProviderRange(semver.major(ai.version));
  if (!range) return `${reason}; Batchwise does not know which ${pkg} release fits ai ${ai.version}`;
  return { add: { pkg, range }, reason };
}

/** Why an AI SDK call gets no fix in a project without the official client its batch goes through. */
function officialClientMissing(provider: RewriteProvider): string {
  const pkg = SDK_PACKAGE[provider];
  return `the batch goes through the official \`${pkg}\` package, which the project does not list (no package.json, lockfile or node_modules names it): add it (npm install ${pkg}) to get a fix`;
}

/** Everything an unsafe fix changes, said once: the strategy's own changes and a package it adds; '' for none. */
function changesWith(plan: object, added: { changes: string } | null): string {
  return [changesOf(plan), added?.changes].filter((c) => c).join('; ');
}

/** What a loop hoist changes in what the program does (it is then unsafe); a batch queue is unsafe for its timing alone. */
function changesOf(plan: object): string | null {
  return 'changes' in plan && typeof plan.changes === 'string' ? plan.changes : null;
}

/** The SDK versions a file is Batchwise's helper for (any variant, either module system), if it is one. */
function writtenFor(content: string, path: string, kind: HelperModule): string | undefined {
  // Line endings aside: a checkout with autocrlf changes them.
  const matches = (variant?: HelperVariant) => (['cjs', 'esm'] as const).some((moduleKind) => sameButLineEndings(content, helperModuleFor(path, moduleKind, kind, variant)));
  if (kind === 'queue') return matches() ? 'the batch queue' : undefined;
  if (kind === 'ai-sdk-openai' || kind === 'ai-sdk-anthropic' || kind === 'langchain-openai' || kind === 'langchain-anthropic') return undefined;
  return allVariants(kind).find(matches)?.fits;
}


/** The Quick Fix's title (without the 'Batchwise: ' prefix the editor adds). */
export function fixTitle(strategy: string, provider: string): string {
  const target = provider === 'anthropic' ? 'Anthropic Message Batches' : provider === 'google' ? 'Gemini batch mode' : provider === 'mistral' ? 'the Mistral Batch API' : 'the OpenAI Batch API';
  if (strategy === BATCH_CALL) return `Send this batch call through ${target}`;
  if (strategy === SINGLE_BATCH) return `Send this call through ${target} (batch of one)`;
  return strategy === BATCH_QUEUE ? `Gather calls into ${target} (batch queue)` : `Move to ${target} (loop hoist)`;
}

/** Applies non-overlapping edits to a text (last first, so offsets stay valid); throws on overlapping ones (see editsProblem). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range[0] - a.range[0] || b.range[1] - a.range[1]);
  let out = text;
  let lastStart = Infinity;
  for (const e of sorted) {
    if (e.range[1] > lastStart) throw new Error('overlapping edits');
    out = out.slice(0, e.range[0]) + e.newText + out.slice(e.range[1]);
    lastStart = e.range[0];
  }
  return out;
}

export { BATCH_CALL, BATCH_QUEUE, LOOP_HOIST, SINGLE_BATCH };
export { moduleStyleFor };
export type { ModuleStyle };
