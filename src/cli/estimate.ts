import type { Command } from 'commander';
export function registerEstimate(program: Command): void {
  program.command('estimate').description('estimate savings for a model and volume').action(() => {
    process.stdout.write('not implemented yet\n');
  });
}
