// The server the VS Code extension starts (dist/server.js, small): it starts the token worker, lets
// Node keep V8's compiled code on disk, then loads the server proper (dist/languageServer.js, the
// engine with the TypeScript compiler). A cold start has two slow parts, the tokenizer's encoding and
// the engine: they load side by side, and from the second start on (Node 22.1+) the engine's 16 MB
// are not compiled again. The transport comes from the command line (--node-ipc from the extension,
// or --stdio / --socket=N / --pipe=NAME).
import { startTokenWorker } from './tokens';

(require('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const tokens = startTokenWorker();
// A file of its own beside this one (scripts/build.mjs), so that it is loaded after the cache is on.
(require('./languageServer.js') as typeof import('./languageServer')).run(tokens);
