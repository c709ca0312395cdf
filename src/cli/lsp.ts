// `batchwise lsp --stdio`: the language server, for any editor that speaks LSP.
import type { Command } from 'commander';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../server/server';

export function registerLsp(program: Command): void {
  program
    .command('lsp')
    .description('Run the Batchwise language server (diagnostics, hovers, Quick Fixes and CodeLens over LSP).')
    .option('--stdio', 'talk LSP over standard input and output (the default)')
    .option('--node-ipc', "talk LSP over Node's IPC channel (when started by a Node client with fork)")
    .option('--socket <port>', 'talk LSP over a TCP connection to 127.0.0.1:<port>')
    .option('--pipe <name>', 'talk LSP over a named pipe / Unix socket')
    .option('--clientProcessId <pid>', 'exit when that process ends')
    .action((opts: { stdio?: boolean; nodeIpc?: boolean; socket?: string; pipe?: string }) => {
      const transports = [opts.stdio, opts.nodeIpc, opts.socket, opts.pipe].filter((t) => t !== undefined).length;
      if (transports > 1) throw new Error('lsp: choose one of --stdio, --node-ipc, --socket and --pipe');
      // vscode-languageserver reads the transport from the command line; --stdio is the default here.
      if (transports === 0) process.argv.push('--stdio');
      startServer(createConnection(ProposedFeatures.all));
    });
}
