import { Command, Option } from 'commander';
import { statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WorkspaceSession } from '../workspace/session';
import { toJsonReport } from '../core/report/json';
import { toTable } from '../core/report/table';
import { optionsFromFlags, positiveNumber, VolumeFlags } from './options';

/** Exit codes: 0 audit done, 2 bad usage or unreadable folder. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 2;

interface AuditFlags extends VolumeFlags {
  format: 'table' | 'json';
  output?: string;
  color?: boolean;
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('find LLM calls in a folder, decide which can be batched, and estimate the savings')
    .argument('[dir]', 'folder to audit', '.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--calls-per-day <n>', 'calls per day assumed for a site without an annotation', positiveNumber)
    .option('--interpolated-tokens <n>', 'tokens assumed for each non-literal prompt part', positiveNumber)
    .option('--output-tokens <n>', 'output tokens assumed when a call sets no max_tokens', positiveNumber)
    .option('--no-color', 'never colour the table')
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
      const session = new WorkspaceSession(root, optionsFromFlags(flags));
      const result = session.analyzeAll();
      const toFile = Boolean(flags.output);
      const text =
        flags.format === 'json'
          ? JSON.stringify(toJsonReport(root, result), null, 2) + '\n'
          : toTable(result, {
              color: !toFile && flags.color !== false && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
              width: process.stdout.columns,
            });
      if (flags.output) writeFileSync(flags.output, text);
      else process.stdout.write(text);
      process.exitCode = EXIT_OK;
    });
}
