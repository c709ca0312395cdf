import { Command, Option } from 'commander';
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { WorkspaceSession } from '../workspace/session';
import { defaultCacheLocation } from '../workspace/cache';
import type { AnalysisResult, Finding } from '../core/model';
import { pathToFileURL } from 'node:url';
import { toJsonReport } from '../core/report/json';
import { toTable } from '../core/report/table';
import { toMarkdown } from '../core/report/markdown';
import { toCsv } from '../core/report/csv';
import { toSarif } from '../core/report/sarif';
import { computeTotals } from '../core/report/totals';
import { formatUsd } from '../core/report/format';
import { printable, toJsonText } from '../core/report/printable';
import { version } from '../../package.json';
import { callsPerDay, optionsFromFlags, tokens, usd, volumeOverrides, VolumeFlags } from './options';
import { collectGarbage } from '../workspace/collect';
import { findRoot } from './root';
import { isSourceFile } from '../core/parse/parse';
import { countInWorker } from './counting';

/** Exit codes: 0 audit done, 1 savings above --fail-on-savings (or not finite), 2 bad usage, an unreadable folder or an --output that cannot be written. */
export const EXIT_OK = 0;
export const EXIT_SAVINGS_GATE = 1;
export const EXIT_USAGE = 2;

const FORMATS = ['table', 'json', 'markdown', 'csv', 'sarif'] as const;

interface AuditFlags extends VolumeFlags {
  format: (typeof FORMATS)[number];
  output?: string;
  color?: boolean;
  failOnSavings?: number;
  usage?: string[];
  cache: boolean;
  cacheLocation?: string;
}

/** Colour on a terminal, unless NO_COLOR is set or TERM is dumb; FORCE_COLOR (other than 0) asks for it anyway. */
export function wantsColour(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(isTTY) && env.TERM !== 'dumb';
}

/**
 * Why the audit fails `--fail-on-savings limit`, or null when it passes. A total that is not a finite
 * number fails, naming the calls whose estimates are not: NaN > limit is false, and would pass.
 */
export function savingsGate(findings: readonly Finding[], limit: number): string | null {
  const savings = computeTotals(findings).monthlySavings;
  if (!Number.isFinite(savings)) {
    const bad = findings.filter((f) => f.estimate && !Number.isFinite(f.estimate.monthlySavings)).map((f) => `${f.site.file}:${f.site.loc.start.line}`);
    const which = bad.length ? `; the estimates of ${printable(bad.slice(0, 5).join(', '))}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''} are not finite` : '';
    return `the monthly savings total is ${savings}, not a finite number, so --fail-on-savings cannot pass${which}: check the volumes, token limits and price overrides they use.`;
  }
  if (savings > limit) return `${formatUsd(savings)}/month of batchable savings is over the --fail-on-savings limit of ${formatUsd(limit)}.`;
  return null;
}

/** Why a report cannot be written to `path` (its folder missing or not writable, a folder at the path), or null. */
export function outputProblem(path: string): string | null {
  const target = resolve(path);
  let stat;
  try {
    stat = statSync(target);
  } catch {
    stat = null;
  }
  if (stat?.isDirectory()) return 'is a folder; name a file';
  try {
    if (stat) accessSync(target, constants.W_OK);
  } catch (err) {
    return `cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  if (stat) return null;
  const folder = dirname(target);
  let parent;
  try {
    parent = statSync(folder);
  } catch {
    return `its folder ${folder} does not exist`;
  }
  if (!parent.isDirectory()) return `${folder} is not a folder`;
  try {
    accessSync(folder, constants.W_OK);
  } catch (err) {
    return `its folder ${folder} cannot be written to (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  return null;
}

/** The result with only one file's findings (errors of other files dropped too; the usage reconciliation kept whole). */
function onlyFile(result: AnalysisResult, file: string): AnalysisResult {
  return { ...result, findings: result.findings.filter((f) => f.site.file === file), errors: result.errors.filter((e) => e.file === file || !isSourceFile(e.file)) };
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('find LLM calls in a folder, decide which can be batched, and estimate the savings')
    .argument('[path]', 'folder to audit, or one file (its project, the nearest folder with a package.json, gives the context)', '.')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('table'))
    .option('--fail-on-savings <usd>', 'exit 1 when the monthly savings from batchable calls exceed this many USD (a CI gate)', usd)
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--calls-per-day <n>', 'calls per day assumed for a site without an annotation', callsPerDay)
    .option('--interpolated-tokens <n>', 'tokens assumed for each non-literal prompt part', tokens)
    .option('--output-tokens <n>', 'output tokens assumed when a call sets no max_tokens', tokens)
    .option('--no-color', 'never colour the table')
    .option('--no-cache', 'analyse everything again: neither read nor write the cache of the last audit (by default an unchanged tree is answered from it)')
    .option('--cache-location <file>', 'the cache file (default: one per folder under $XDG_CACHE_HOME/batchwise or ~/.cache/batchwise)')
    .option('--usage <file...>', "the providers' usage reports you saved (OpenAI Usage API / Anthropic usage report JSON pages, or the consoles' CSV exports): measured volume replaces the assumed one")
    .action((dir: string, flags: AuditFlags) => {
      const target = resolve(dir);
      let stat;
      try {
        stat = statSync(target);
      } catch {
        stat = null;
      }
      if (!stat || (!stat.isDirectory() && !stat.isFile())) {
        process.stderr.write(`batchwise: '${printable(dir)}' ${stat ? 'is neither a folder nor a file' : 'does not exist'}.\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      // One file: audited in its project (callers, entry points and config come from there), reported alone.
      const root = stat.isFile() ? findRoot(target) : target;
      const only = stat.isFile() ? relative(root, target).split(sep).join('/') : null;
      // Checked before the audit runs: a report that cannot be written should not cost a whole audit first.
      const unwritable = flags.output === undefined ? null : outputProblem(flags.output);
      if (unwritable) {
        process.stderr.write(`batchwise: --output ${printable(flags.output!)}: ${printable(unwritable)}.\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const usage = (flags.usage ?? []).map((f) => ({ path: resolve(f), name: f }));
      const cache = flags.cache === false ? undefined : { location: flags.cacheLocation ? resolve(flags.cacheLocation) : defaultCacheLocation(root) };
      // The tokenizer's tables are built on another core while this one reads and parses the tree; not
      // at all when the cache answers (a warm audit counts nothing).
      const session = new WorkspaceSession(root, optionsFromFlags({}), { overrides: volumeOverrides(flags), usage, cache, onModelsDropped: collectGarbage, singleRun: true, onSdkMention: () => countInWorker() });
      if (only !== null && !session.audits(only)) {
        process.stderr.write(`batchwise: '${printable(dir)}' is not a file Batchwise audits: not JavaScript or TypeScript, or left out by .gitignore, batchwise.config.json or the default excludes (node_modules, build output, .d.ts).\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      // Usage reports calibrate against the whole project's sites, so a file's audit with them runs it all.
      const result = only === null ? session.analyzeAll() : usage.length > 0 ? onlyFile(session.analyzeAll(), only) : session.auditFiles([only]);
      const toFile = Boolean(flags.output);
      let text: string;
      switch (flags.format) {
        case 'json':
          text = toJsonText(toJsonReport(root, result)) + '\n';
          break;
        case 'sarif':
          text = toJsonText(toSarif(pathToFileURL(root + '/').href, result, version, session.config().config.severity)) + '\n';
          break;
        case 'markdown':
          text = toMarkdown(result);
          break;
        case 'csv':
          text = toCsv(result);
          break;
        default:
          // A file gets the whole table, uncoloured; a terminal gets it fitted to its width.
          text = toTable(result, {
            color: !toFile && flags.color !== false && wantsColour(process.stdout.isTTY, process.env),
            width: !toFile && process.stdout.isTTY ? process.stdout.columns : undefined,
          });
      }
      if (flags.output) {
        try {
          writeFileSync(flags.output, text);
        } catch (err) {
          process.stderr.write(`batchwise: --output ${printable(flags.output)}: the report could not be written (${printable((err as Error).message)}).\n`);
          process.exitCode = EXIT_USAGE;
          return;
        }
      } else process.stdout.write(text);
      const gate = flags.failOnSavings === undefined ? null : savingsGate(result.findings, flags.failOnSavings);
      if (gate) {
        process.stderr.write(`batchwise: ${gate}\n`);
        process.exitCode = EXIT_SAVINGS_GATE;
        return;
      }
      process.exitCode = EXIT_OK;
    });
}
