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

const [extension] = await Promise.all([
  // The client loads on the extension host's hot path: small and minified, and the test in
  // test/unit/packaging/bundle.test.ts reads its metafile to check that no engine code is in it.
  build({
    ...common,
    entryPoints: ['src/vscode/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: true,
    metafile: true,
    // When the bundle started loading, for the activation figure (src/vscode/extension.ts).
    banner: { js: '"use strict"; var __batchwiseLoadStart = performance.now();' },
  }),
  // The engine behind LSP, started by the extension (--node-ipc); `batchwise lsp` runs the same server from
  // the CLI. dist/server.js is small: it starts the token worker, then loads dist/languageServer.js.
  build({ ...common, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js', external: ['./languageServer.js'] }),
  build({ ...common, entryPoints: ['src/server/languageServer.ts'], outfile: 'dist/languageServer.js' }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // Token counting on a worker thread of the server (src/workspace/tokenThread.ts).
  build({ ...common, entryPoints: ['src/workspace/tokenWorker.ts'], outfile: 'dist/tokenWorker.js' }),
]);
chmodSync('dist/cli.js', 0o755);
// Not packaged (.vscodeignore is an allow-list): what went into the client bundle, for its test.
writeFileSync('dist/extension.meta.json', JSON.stringify(extension.metafile));
