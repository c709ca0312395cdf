// A path from an entry point to a call, as the walk finds it, and the evidence a path becomes.
import type { Evidence } from '../model';
import type { Node } from '../parse/walk';
import type { EntryMatch, Rule } from './rules/rule';
import type { LoopCount } from './loopCount';
import { ONE_OFF_RULES, oneOffScript } from './oneOff';

/**
 * What a path says about who waits. 'open': Batchwise cannot tell. 'excluded': test code. 'blocked': a
 * caller may exist in a file that could not be parsed, so the call cannot be shown batchable.
 */
export type PathEffect = 'user-waiting' | 'batchable' | 'open' | 'excluded' | 'blocked';

/** A loop around the call (or around a caller), as evidence; see rules/data.ts. */
export interface Loop extends Evidence {
  /** What the loop iterates when that is plainly batch data (a file read, a bulk query, a dataset). */
  batchSource?: string;
  /**
   * Whether that data is read from disk at a path no request chose: the only batch data that decides
   * on its own, in code no entry point reaches (a route may loop over a literal list, an imported
   * constant or a bulk query while a person waits).
   */
  fromDisk?: boolean;
  /** A literal list: a fan-out written in the code (`for (const tone of TONES)`), not a dataset. */
  literal?: boolean;
  /** How many times the loop runs, where the code writes it (a literal list, `take: 10`, `i < 30`): the calls per run. */
  count?: LoopCount;
}

export interface Span {
  file: string;
  range: [number, number];
}

export interface Path {
  effect: PathEffect;
  rule: Rule;
  /** The entry, in words. */
  entry: string;
  file: string;
  line: number;
  /**
   * Function names from the entry inward to the function holding the call; a step that is no function
   * (a tool run by the model call given it) is in words, with its place.
   */
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
  /**
   * The path reaches the call through a job its producer only enqueues (no wait for the result): whoever
   * runs the producer waits for the enqueue, not for the call.
   */
  enqueuedOnly?: boolean;
  /** How many more paths like this one the walk found and left out, to stay within its budget. */
  more?: number;
  /** The entry is a one-off script (a migration, a backfill, a seed), in words: its calls are counted per run, not per day. */
  oneOff?: string;
  /**
   * What on the path may run the code more than once per run, though no loop shows it: a timer
   * (`setInterval(…)` at file:line), or code Batchwise does not know that is handed the function.
   */
  repeats?: string;
  /**
   * The path runs the call in a step of a LangGraph graph after steps that make LLM calls (in words):
   * the graph's state carries their answers, which the request may read.
   */
  graphState?: string;
}

/** The path an entry makes: its effect is its rule's ('neutral' rules leave it open). */
export function toPath(entry: EntryMatch, file: string): Path {
  const effect = entry.rule.effect;
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
    ...oneOffOf(entry, file),
  };
}

/** A script entry in a file or npm script named as a one-off (migrations/, backfill*, seed*, one-off*). */
function oneOffOf(entry: EntryMatch, file: string): Pick<Path, 'oneOff'> {
  if (!ONE_OFF_RULES.has(entry.rule)) return {};
  const reason = oneOffScript(file, entry.script);
  return reason ? { oneOff: reason } : {};
}

/** A path that ends where Batchwise cannot tell who waits. */
export function openPath(rule: Rule, entry: string, file: string, line: number, extra: Partial<Path> = {}): Path {
  return { effect: 'open', rule, entry, file, line, steps: [], loops: [], ...extra };
}

export function evidenceOf(rule: Rule, message: string, file: string, line: number): Evidence {
  return { rule: rule.id, message, file, line };
}

/** A step as evidence shows it: a function's name as code, a step in words as it is. */
function stepText(step: string): string {
  return /\s/.test(step) ? step : `\`${step}\``;
}

/** A path as evidence: the entry, then the functions from it to the call. */
export function pathEvidence(p: Path, prefix: (chain: string) => string, rule: Rule = p.rule): Evidence {
  const chain = [`${p.file} (${p.entry})`, ...p.steps.map(stepText)].join(' → ');
  return evidenceOf(rule, prefix(chain), p.file, p.line);
}

/** A path that decides nothing, with the chain from where it ends to the call when there is one. */
export function openEvidence(p: Path): Evidence {
  if (p.steps.length < 2) return evidenceOf(p.rule, p.entry, p.file, p.line);
  return evidenceOf(p.rule, `${p.entry}; the chain from there to the call: ${p.steps.map(stepText).join(' → ')}`, p.file, p.line);
}

/**
 * The paths, each once. Two paths from one entry (the same path found twice, or two ways in: `main`
 * calls the function at two places, or calls two functions that call it) are a run that reaches the call
 * more than once: each kept says so in `repeats`, so the call is not taken for once per run.
 */
export function dedupePaths(paths: readonly Path[]): Path[] {
  const kept = new Map<string, Path>();
  const ways = new Map<string, number>();
  for (const p of paths) {
    const entry = `${p.rule.id}|${p.file}|${p.line}|${p.entry}`;
    ways.set(entry, (ways.get(entry) ?? 0) + 1);
    const key = `${p.effect}|${p.rule.id}|${p.file}|${p.line}|${stepsKey(p.steps)}`;
    if (!kept.has(key)) kept.set(key, p);
  }
  return [...kept.values()].map((p) => (p.repeats || ways.get(`${p.rule.id}|${p.file}|${p.line}|${p.entry}`)! < 2 ? p : { ...p, repeats: `reached more than once from ${p.file}:${p.line}` }));
}

export function plainEvidence({ rule, message, file, line }: Evidence): Evidence {
  return { rule, message, file, line };
}

export function uniqueEvidence<E extends Evidence>(list: readonly E[]): E[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = `${e.rule}|${e.file}|${e.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Appends without spreading: a spread of a long list into push() runs out of stack. */
export function pushAll<T>(target: T[], items: readonly T[]): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** How many paths to one function (or value) the walk keeps before it counts the rest instead. */
export const MAX_PATHS = 64;

/** What the verdict reads off a path: two paths alike in all of it decide the same, wherever they start. */
function signature(p: Path): string {
  const loops = p.loops.map(loopSignature).join(',');
  return `${p.effect}|${p.rule.id}|${p.runByUnknown ?? ''}|${p.moduleLevel ?? ''}|${p.startup !== undefined}|${p.commandLine !== undefined}|${p.enqueuedOnly ?? ''}|${p.platform ?? ''}|${p.schedule ?? ''}|${p.oneOff ?? ''}|${p.graphState ?? ''}|${loops}`;
}

/** A loop's part of a signature, made once per loop (the walk hands the same loops to many paths). */
function loopSignature(l: Loop): string {
  let sig = loopSignatures.get(l);
  if (sig === undefined) loopSignatures.set(l, (sig = `${l.rule}:${l.file}:${l.line}:${l.batchSource ?? ''}:${l.fromDisk ?? ''}:${l.literal ?? ''}:${l.count?.n ?? ''}`));
  return sig;
}
const loopSignatures = new WeakMap<Loop, string>();

/** A path's steps joined, once per steps list (a path copied with other loops keeps its steps list). */
function stepsKey(steps: readonly string[]): string {
  let key = stepsKeys.get(steps);
  if (key === undefined) stepsKeys.set(steps, (key = steps.join('>')));
  return key;
}
const stepsKeys = new WeakMap<readonly string[], string>();

/**
 * At most `max` paths (and one of every kind the verdict tells apart): the rest are counted in `more` of
 * the kept path they are like, so the verdict stays what all of them say and the evidence says how
 * many were left out. Repeats of a path (one caller reached through many calls) are dropped, not counted.
 */
export function limitPaths(paths: Path[], max = MAX_PATHS): Path[] {
  if (paths.length <= max) return paths;
  const kept: Path[] = [];
  const bySignature = new Map<string, number>();
  const seen = new Set<string>();
  for (const p of paths) {
    const key = `${p.effect}|${p.rule.id}|${p.file}|${p.line}|${stepsKey(p.steps)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const sig = signature(p);
    const like = bySignature.get(sig);
    if (like === undefined || kept.length < max) {
      if (like === undefined) bySignature.set(sig, kept.length);
      kept.push(p);
    } else {
      kept[like] = { ...kept[like], more: (kept[like].more ?? 0) + 1 + (p.more ?? 0) };
    }
  }
  return kept;
}

export type { Node };
