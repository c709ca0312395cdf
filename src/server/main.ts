// The server bundle the VS Code extension starts (dist/server.js): the transport comes from the
// command line (--node-ipc from the extension, or --stdio / --socket=N / --pipe=NAME).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
