// The server proper, bundled as dist/languageServer.js and loaded by dist/server.js (main.ts).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { TokenThread } from '../workspace/tokenThread';
import { startServer } from './server';

export function run(tokens: TokenThread | undefined): void {
  startServer(createConnection(ProposedFeatures.all), tokens);
}
