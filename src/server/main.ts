// The server bundle the VS Code extension starts (dist/server.js): the transport comes from the
// command line (--node-ipc from the extension, or --stdio / --socket=N / --pipe=NAME).
// A cold start loads two slow things, the tokenizer's encoding and the engine (the TypeScript
// compiler): the worker that loads the first starts before this thread requires the second.
import { startTokenWorker } from './tokens';

const tokens = startTokenWorker();
// Required here, not imported: the bundle evaluates these modules only now, after the worker started.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createConnection, ProposedFeatures } = require('vscode-languageserver/node') as typeof import('vscode-languageserver/node');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startServer } = require('./server') as typeof import('./server');

startServer(createConnection(ProposedFeatures.all), tokens);
