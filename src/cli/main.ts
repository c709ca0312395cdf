import { Command } from 'commander';
import { registerAudit } from './audit';
import { registerEstimate } from './estimate';
import { registerFix } from './fix';
import { registerLsp } from './lsp';
import { version } from '../../package.json';

const program = new Command();
program
  .name('batchwise')
  .description('Find LLM API calls nobody waits for and what moving them to the Batch APIs saves.')
  .version(version)
  // Usage errors (unknown option, bad choice, missing argument) exit 2, as documented; help and version exit 0.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
registerAudit(program);
registerEstimate(program);
registerFix(program);
registerLsp(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`batchwise: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
