import { Command } from 'commander';
import { registerAudit } from './audit';
import { registerEstimate } from './estimate';

const program = new Command();
program
  .name('batchwise')
  .description('Find LLM API calls nobody waits for and what moving them to the Batch APIs saves.')
  .version('0.1.0');
registerAudit(program);
registerEstimate(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`batchwise: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
