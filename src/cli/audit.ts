import { Command, Option } from 'commander';
import { statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WorkspaceSession } from '../workspace/session';
import { pathToFileURL } from 'node:url';
import { toJsonReport } from '../core/report/json';
import { toTable } from '../core/report/table';
import { toMarkdown } from '../core/report/markdown';
import { toCsv } from '../core/report/csv';
import { toSarif } from '../core/report/sarif';
import { computeTotals } from '../core/report/totals';
import { formatUsd } from '../core/report/format';
import { version } from '../../package.json';
import { optionsFromFlags, positiveNumber, volumeOverrides, VolumeFlags } from './options';

/** Exit codes: 0 audit done, 1 savings above --fail-on-savings, 2 bad usage or unreadable folder. */
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
}

/** Colour on a terminal, unless NO_COLOR is set or TERM is dumb; FORCE_COLOR (other than 0) asks for it anyway. */
export function wantsColour(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(isTTY) && env.TERM !== 'dumb';
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('find LLM calls in a folder, decide which can be batched, and estimate the savings')
    .argument('[dir]', 'folder to audit', '.')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('table'))
    .option('--fail-on-savings <usd>', 'exit 1 when the monthly savings from batchable calls exceed this many USD (a CI gate)', positiveNumber)
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--calls-per-day <n>', 'calls per day assumed for a site without an annotation', positiveNumber)
    .option('--interpolated-tokens <n>', 'tokens assumed for each non-literal prompt part', positiveNumber)
    .option('--output-tokens <n>', 'output tokens assumed when a call sets no max_tokens', positiveNumber)
    .option('--no-color', 'never colour the table')
    .option('--usage <file...>', "the providers' usage reports you saved (OpenAI Usage API / Anthropic usage report JSON pages, or the consoles' CSV exports): measured volume replaces the assumed one")
    .action((dir: string, flags: AuditFlags) => {
      const root = resolve(dir);
      let isDir = false;
      try {
        isDir = statSync(root).isDirectory();
      } catch {
        isDir = false;
      }
      if (!isDir) {
        process.stderr.write(`batchwise: '${dir}' is not a folder.\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const usage = (flags.usage ?? []).map((f) => ({ path: resolve(f), name: f }));
      const session = new WorkspaceSession(root, optionsFromFlags({}), { overrides: volumeOverrides(flags), usage });
      const result = session.analyzeAll();
      const toFile = Boolean(flags.output);
      let text: string;
      switch (flags.format) {
        case 'json':
          text = JSON.stringify(toJsonReport(root, result), null, 2) + '\n';
          break;
        case 'sarif':
          text = JSON.stringify(toSarif(pathToFileURL(root + '/').href, result, version, session.config().config.severity), null, 2) + '\n';
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
      if (flags.output) writeFileSync(flags.output, text);
      else process.stdout.write(text);
      const savings = computeTotals(result.findings).monthlySavings;
      if (flags.failOnSavings !== undefined && savings > flags.failOnSavings) {
        process.stderr.write(`batchwise: ${formatUsd(savings)}/month of batchable savings is over the --fail-on-savings limit of ${formatUsd(flags.failOnSavings)}.\n`);
        process.exitCode = EXIT_SAVINGS_GATE;
        return;
      }
      process.exitCode = EXIT_OK;
    });
}
