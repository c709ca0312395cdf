import { Command } from 'commander';
import { registerAudit } from './audit';
import { registerEstimate } from './estimate';
import { registerFix } from './fix';
import { registerLsp } from './lsp';
import { version } from '../../package.json';
import { printable } from '../core/report/printable';

/** Every command: Batchwise itself failed (not the input, not the usage). */
const EXIT_INTERNAL = 4;

// A reader that stops early (`batchwise audit | head`) closes the pipe: the rest of the report has
// nowhere to go, which is no failure of the command, and no reason to print a stack. The exit code
// stays what the command decided (a --fail-on-savings gate still fails).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

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
  // Not a usage error (2): Batchwise itself failed. The stack says where, for a bug report.
  const lines = (err instanceof Error ? (err.stack ?? err.message) : String(err)).split('\n');
  process.stderr.write(`batchwise: internal error (a bug in Batchwise; please report it with this message): ${lines.map(printable).join('\n')}\n`);
  process.exitCode = EXIT_INTERNAL;
});
