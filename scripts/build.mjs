// Bundles the extension (the thin client), the language server, the CLI and the token worker with
// esbuild. Type-checking is separate (`npm run typecheck`).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // The engine pulls in the whole TypeScript compiler; keep its bundles readable in stack traces.
  minify: false,
  // jsonc-parser's "main" is a UMD build whose require calls esbuild cannot follow; its ES module build bundles.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

// The heavy libraries, each a bundle of its own under dist/vendor/: the engine requires them on first use
// (src/core/heavy.ts), so a bundle that is loaded but does not parse or count (a warm audit answered from
// the cache, --help, the server before its first file) never compiles their 13 MB. Every bundle that
// reaches one requires the same file, so it is loaded once per process.
const VENDOR = {
  typescript: 'typescript.js',
  '@typescript-eslint/typescript-estree': 'typescript-estree.js',
  'js-tiktoken/ranks/o200k_base': 'o200k_base.js',
  'js-tiktoken/ranks/cl100k_base': 'cl100k_base.js',
};
/** Resolves the vendored libraries to their files in dist/vendor/, as seen from a bundle in `fromDir` ('dist' or 'dist/vendor'). */
function vendored(fromDir, self) {
  const prefix = fromDir === 'dist' ? './vendor/' : './';
  return {
    name: 'vendored',
    setup(b) {
      const names = Object.keys(VENDOR).filter((n) => n !== self).map((n) => n.replace(/[/.]/g, '\\$&'));
      b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: prefix + VENDOR[args.path], external: true }));
      // typescript-estree's project service requires the compiler by this name too (the same module since TypeScript 5.3).
      if (self !== 'typescript') b.onResolve({ filter: /^typescript\/lib\/tsserverlibrary$/ }, () => ({ path: prefix + VENDOR.typescript, external: true }));
    },
  };
}
const engine = { plugins: [vendored('dist')] };
await Promise.all(
  Object.entries(VENDOR).map(([name, file]) =>
    build({ ...common, sourcemap: false, entryPoints: [name], outfile: `dist/vendor/${file}`, plugins: [vendored('dist/vendor', name)] }),
  ),
);
// What the vendored files hold, by content hash: part of the engine's identity for the audit cache
// (src/workspace/cache.ts), since a new TypeScript can parse the same text differently.
writeFileSync(
  'dist/vendor/manifest.json',
  JSON.stringify(Object.fromEntries(Object.values(VENDOR).map((file) => [file, createHash('sha256').update(readFileSync(`dist/vendor/${file}`)).digest('base64')])), null, 2) + '\n',
);

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
    // When the bundle started and finished evaluating, for the activation figure (src/vscode/extension.ts).
    banner: { js: '"use strict"; var __batchwiseLoadStart = performance.now();' },
    footer: { js: 'var __batchwiseLoadEnd = performance.now();' },
  }),
  // The language client, loaded by the extension right after activation (src/vscode/client.ts).
  build({ ...common, entryPoints: ['src/vscode/client.ts'], outfile: 'dist/client.js', external: ['vscode'], minify: true, metafile: true }),
  // The engine behind LSP, started by the extension (--node-ipc); `batchwise lsp` runs the same server from
  // the CLI. dist/server.js is small: it starts the token worker, then loads dist/languageServer.js.
  build({ ...common, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js', external: ['./languageServer.js'] }),
  build({ ...common, ...engine, entryPoints: ['src/server/languageServer.ts'], outfile: 'dist/languageServer.js' }),
  build({ ...common, ...engine, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // Token counting on a worker thread of the server (src/workspace/tokenThread.ts).
  build({ ...common, ...engine, entryPoints: ['src/workspace/tokenWorker.ts'], outfile: 'dist/tokenWorker.js' }),
]);
chmodSync('dist/cli.js', 0o755);
// Not packaged (.vscodeignore is an allow-list): what went into the extension's two bundles, for their tests.
writeFileSync('dist/extension.meta.json', JSON.stringify(extension.metafile));
writeFileSync('dist/client.meta.json', JSON.stringify(client.metafile));
