// What the .vsix holds, read back from a package built by the real vsce: the bundle, its webview
// assets, the config schema and the rule docs — and nothing of the sources, tests or dependencies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { REPO_ROOT } from './helpers';

function entries(vsix: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(vsix, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names.sort()));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

test('the .vsix holds the bundle, webview assets, schema and rule docs, and nothing else of the repository', async () => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist', 'extension.js')), 'build first (npm run build)');
  const dir = mkdtempSync(join(tmpdir(), 'bw-vsix-'));
  try {
    const vsix = join(dir, 'batchwise.vsix');
    const res = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', vsix], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, res.stderr + res.stdout);
    const names = await entries(vsix);
    const files = names.filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
    for (const required of ['package.json', 'readme.md', 'dist/extension.js', 'dist/client.js', 'dist/server.js', 'dist/languageServer.js', 'dist/tokenWorker.js', 'dist/vendor/typescript.js', 'dist/vendor/typescript-estree.js', 'dist/vendor/o200k_base.js', 'media/report.js', 'media/report.css', 'schemas/batchwise.config.schema.json']) {
      assert.ok(files.some((f) => f.toLowerCase() === required.toLowerCase()), `${required} is missing from the package: ${files.join(', ')}`);
    }
    // Every rule page the diagnostics link to ships with it.
    for (const page of readdirSync(join(REPO_ROOT, 'docs', 'rules'))) assert.ok(files.includes(`docs/rules/${page}`), `docs/rules/${page}`);
    const allowed = /^(package\.json|readme\.md|license(\.txt)?|changelog\.md|dist\/(extension|client|server|languageServer|tokenWorker)\.js|dist\/vendor\/(typescript|typescript-estree|o200k_base|cl100k_base)\.js|dist\/vendor\/manifest\.json|media\/[^/]+|schemas\/[^/]+\.json|docs\/rules\/[^/]+\.md)$/i;
    assert.deepEqual(files.filter((f) => !allowed.test(f)), [], 'only the allow-listed files');
    // The package's own metadata (vsce's manifest and content types) besides the extension folder.
    assert.deepEqual(names.filter((n) => !n.startsWith('extension/')).sort(), ['[Content_Types].xml', 'extension.vsixmanifest']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
