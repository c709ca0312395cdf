import type { Command } from 'commander';
export function registerAudit(program: Command): void {
  program.command('audit [dir]').description('audit a folder').action(() => {
    process.stdout.write('not implemented yet\n');
  });
}
