// Bundles the extension and the CLI with esbuild. Type-checking is separate (`npm run typecheck`).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // The parser pulls in the whole TypeScript compiler; keep the bundle readable in stack traces.
  minify: false,
};

await Promise.all([
  build({ ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // Token counting for the extension, on a worker thread (src/workspace/tokenThread.ts).
  build({ ...common, entryPoints: ['src/workspace/tokenWorker.ts'], outfile: 'dist/tokenWorker.js' }),
]);
chmodSync('dist/cli.js', 0o755);
