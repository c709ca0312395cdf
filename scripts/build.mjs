// Bundles the extension (the thin client), the language server, the CLI and the token worker with
// esbuild. Type-checking is separate (`npm run typecheck`).
import { build } from 'esbuild';
import { chmodSync, writeFileSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // The engine pulls in the whole TypeScript compiler; keep its bundles readable in stack traces.
  minify: false,
};

const [extension, client] = await Promise.all([
  // Activation's bundle: only what activate() needs (no client library), minified; test/unit/bundle.test.ts
  // reads its metafile to check that neither the client library nor engine code is in it.
  build({
    ...common,
    entryPoints: ['src/vscode/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode', './client.js'],
    minify: true,
    metafile: true,
    // When the bundle started loading, for the activation figure (src/vscode/extension.ts).
    banner: { js: '"use strict"; var __batchwiseLoadStart = performance.now();' },
  }),
  // The language client, loaded by the extension right after activation (src/vscode/client.ts).
  build({ ...common, entryPoints: ['src/vscode/client.ts'], outfile: 'dist/client.js', external: ['vscode'], minify: true, metafile: true }),
  // The engine behind LSP, started by the extension (--node-ipc); `batchwise lsp` runs the same server from
  // the CLI. dist/server.js is small: it starts the token worker, then loads dist/languageServer.js.
  build({ ...common, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js', external: ['./languageServer.js'] }),
  build({ ...common, entryPoints: ['src/server/languageServer.ts'], outfile: 'dist/languageServer.js' }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // Token counting on a worker thread of the server (src/workspace/tokenThread.ts).
  build({ ...common, entryPoints: ['src/workspace/tokenWorker.ts'], outfile: 'dist/tokenWorker.js' }),
]);
chmodSync('dist/cli.js', 0o755);
// Not packaged (.vscodeignore is an allow-list): what went into the extension's two bundles, for their tests.
writeFileSync('dist/extension.meta.json', JSON.stringify(extension.metafile));
writeFileSync('dist/client.meta.json', JSON.stringify(client.metafile));
