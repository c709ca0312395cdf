import { Command, Option } from 'commander';
import { dailyCost, DAYS_PER_MONTH, findPrice, similarModels } from '../core/estimate';
import { formatUsd } from '../core/report/format';
import { callsPerDay, tokens } from './options';
import { printable, toJsonText } from '../core/report/printable';

interface EstimateFlags {
  model: string;
  inputTokens: number;
  outputTokens: number;
  callsPerDay: number;
  format: 'table' | 'json';
}

/** Exit code for a model with no price on file. */
const EXIT_UNKNOWN_MODEL = 2;

export function registerEstimate(program: Command): void {
  program
    .command('estimate')
    .description('what a model at a given volume costs per day, standard and on the Batch API')
    .requiredOption('-m, --model <id>', 'model id or alias (gpt-4o, claude-sonnet-4, ...)')
    .option('--input-tokens <n>', 'input tokens per call', tokens, 0)
    .option('--output-tokens <n>', 'output tokens per call', tokens, 0)
    .option('--calls-per-day <n>', 'calls per day', callsPerDay, 1)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action((flags: EstimateFlags) => {
      const price = findPrice(flags.model);
      if (!price) {
        const near = similarModels(flags.model);
        process.stderr.write(`batchwise: no price on file for '${printable(flags.model)}'.${near.length ? ` Did you mean: ${near.join(', ')}?` : ''}\n`);
        process.exitCode = EXIT_UNKNOWN_MODEL;
        return;
      }
      const day = dailyCost(price, flags.inputTokens, flags.outputTokens, flags.callsPerDay);
      if (flags.format === 'json') {
        const out = {
          model: price.model,
          provider: price.provider,
          standard: day.standard,
          batch: day.batch,
          savings: day.savings,
          monthly: { standard: day.standard * DAYS_PER_MONTH, batch: day.batch * DAYS_PER_MONTH, savings: day.savings * DAYS_PER_MONTH },
          perDay: { calls: flags.callsPerDay, inputTokens: flags.inputTokens * flags.callsPerDay, outputTokens: flags.outputTokens * flags.callsPerDay },
          price: { input: price.input, output: price.output, batchInput: price.batchInput, batchOutput: price.batchOutput, source: price.source, checked: price.checked },
        };
        process.stdout.write(toJsonText(out) + '\n');
        return;
      }
      const lines = [
        `${price.model} (${price.provider}), ${flags.callsPerDay.toLocaleString('en-US')} call(s)/day × ${flags.inputTokens.toLocaleString('en-US')} in + ${flags.outputTokens.toLocaleString('en-US')} out tokens`,
        `  standard  ${formatUsd(day.standard)}/day   ${formatUsd(day.standard * DAYS_PER_MONTH)}/mo`,
        `  batch     ${formatUsd(day.batch)}/day   ${formatUsd(day.batch * DAYS_PER_MONTH)}/mo`,
        `  savings   ${formatUsd(day.savings)}/day   ${formatUsd(day.savings * DAYS_PER_MONTH)}/mo`,
        `  prices per 1M tokens: $${price.input} in / $${price.output} out, batch $${price.batchInput} / $${price.batchOutput} (checked ${price.checked}, ${price.source})`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
